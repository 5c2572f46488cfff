"""The demo's ``flask ecwid`` commands across processes: each one its own, as a user runs them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from testing.test_server import serving

ROOT = Path(__file__).resolve().parent.parent


def flask_ecwid(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> tuple[int, str]:
    clean = {key: value for key, value in os.environ.items() if not key.startswith("ECWID_")}
    finished = subprocess.run(  # noqa: S603 (our own commands)
        [sys.executable, "-m", "flask", "--app", "example_site", "ecwid", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        env={**clean, **(env or {})},
        timeout=60,
        check=False,
    )
    assert "Traceback" not in finished.stderr
    return finished.returncode, finished.stdout + finished.stderr


def test_the_readme_pipe_token_then_inspect_passes() -> None:
    status, payload = flask_ecwid("token", "alice@example.com", "--user-id", "1")
    assert status == 0
    status, report = flask_ecwid("inspect", "-", stdin=payload.splitlines()[-1])
    assert status == 0, report
    assert "Ecwid would accept this payload" in report


def test_doctor_with_no_demo_running_reports_the_api_unreachable() -> None:
    status, report = flask_ecwid(
        "doctor",
        env={"ECWID_API_TIMEOUT": "2"}
        | {
            "ECWID_STORE_ID": "1003",
            "ECWID_CLIENT_ID": "fake-app",
            "ECWID_CLIENT_SECRET": "fakeEcwidDemoSecret0123456789abc",
            "ECWID_API_TOKEN": "secret_fake",
            "ECWID_API_URL": "http://127.0.0.1:1/api/v3",
            "ECWID_API_MAX_RETRIES": "0",
        },
    )
    assert status == 1
    assert "problem   api: Ecwid did not answer" in report


def test_doctor_against_the_standalone_fake_reports_no_problem() -> None:
    with serving() as fake:
        status, report = flask_ecwid("doctor", env=fake.settings)
    assert status == 0, report
    assert "0 problems" in report
