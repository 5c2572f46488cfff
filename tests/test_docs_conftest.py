"""The testing guide's ``conftest.py``, copied beside a user's tests as the guide says, works."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "docs" / "examples" / "testing"


def test_the_guides_conftest_runs_a_users_tests_against_fakeecwid(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("__pycache__"))
    # This checkout's package, however the environment installed it; the plugin comes
    # from the installed entry point, as in a user's project.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(project)])}

    finished = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "6 passed" in finished.stdout, finished.stdout
