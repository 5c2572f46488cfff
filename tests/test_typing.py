"""The decorators' types: ``mypy --strict`` accepts the docs' loaders and rejects wrong ones."""

from __future__ import annotations

import re
from pathlib import Path

from mypy import api as mypy_api

SAMPLES = Path(__file__).parent / "typing_samples"


def run_mypy(sample: str) -> tuple[str, int]:
    stdout, stderr, status = mypy_api.run(
        ["--strict", "--no-incremental", "--cache-dir=/dev/null", str(SAMPLES / sample)]
    )
    return stdout + stderr, status


def test_the_readme_style_loaders_type_check() -> None:
    output, status = run_mypy("good_loaders.py")
    assert status == 0, output


def test_each_wrongly_typed_loader_is_an_error() -> None:
    output, status = run_mypy("bad_loaders.py")
    assert status == 1, output
    source = (SAMPLES / "bad_loaders.py").read_text().splitlines()
    expected = {number for number, line in enumerate(source, 1) if "# E:" in line}
    reported = {
        int(match.group(1)) for match in re.finditer(r"bad_loaders\.py:(\d+): error", output)
    }
    assert reported == expected, output
