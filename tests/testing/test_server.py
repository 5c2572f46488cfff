"""``python -m flask_ecwid_sso.testing``, run as a real process and stopped by real signals."""

from __future__ import annotations

import contextlib
import os
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from flask_ecwid_sso import EcwidClient, Profile, SSOSigner
from flask_ecwid_sso.exceptions import EcwidAuthError
from flask_ecwid_sso.testing import FakeEcwid

ROOT = Path(__file__).resolve().parent.parent.parent
GUIDE = (ROOT / "docs" / "testing.rst").read_text(encoding="utf-8")
KEYS = [
    "ECWID_STORE_ID",
    "ECWID_CLIENT_ID",
    "ECWID_CLIENT_SECRET",
    "ECWID_API_TOKEN",
    "ECWID_API_URL",
    "ECWID_SCRIPT_URL",
]


class Server:
    def __init__(self, process: subprocess.Popen[bytes], lines: list[str]) -> None:
        self.process = process
        self.lines = lines
        self.settings = dict(line.split("=", 1) for line in lines)

    def stop(self, signum: int) -> tuple[int, str]:
        """Send ``signum``; the exit status and everything written on stderr."""
        self.process.send_signal(signum)
        _, stderr = self.process.communicate(timeout=10)
        return self.process.returncode, stderr.decode()


def read_lines(process: subprocess.Popen[bytes], count: int, timeout: float = 10) -> list[str]:
    """The first ``count`` lines of stdout, while the process runs (so they must be flushed)."""
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    data = b""
    while data.count(b"\n") < count:
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"only {data!r} within {timeout} s"
        ready, _, _ = select.select([process.stdout], [], [], remaining)
        if ready:
            chunk = os.read(process.stdout.fileno(), 4096)
            assert chunk, f"stdout closed after {data!r}"
            data += chunk
    return data.decode().splitlines()[:count]


@contextlib.contextmanager
def serving(*args: str) -> Iterator[Server]:
    process = subprocess.Popen(  # noqa: S603 (our own module)
        [sys.executable, "-m", "flask_ecwid_sso.testing", "--port", "0", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        yield Server(process, read_lines(process, len(KEYS)))
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=10)


def test_it_prints_the_settings_then_serves_the_api_with_the_printed_token() -> None:
    with serving() as server:
        assert [line.split("=", 1)[0] for line in server.lines] == KEYS
        settings = server.settings
        api_url, script_url = settings["ECWID_API_URL"], settings["ECWID_SCRIPT_URL"]
        root = api_url.removesuffix("/api/v3")
        assert root.startswith("http://127.0.0.1:")
        assert not root.endswith(":0")
        assert script_url == root + "/script.js"

        answer = requests.get(
            f"{api_url}/{settings['ECWID_STORE_ID']}/customers",
            headers={"Authorization": f"Bearer {settings['ECWID_API_TOKEN']}"},
            timeout=5,
        )
        script = requests.get(script_url, timeout=5)

        assert answer.status_code == 200
        assert answer.json()["total"] == 0
        assert script.status_code == 200
        assert "OnAPILoaded" in script.text


def test_its_defaults_are_the_fixed_demo_values_the_fixture_uses() -> None:
    fake = FakeEcwid()

    with serving() as server:
        settings = server.settings

    assert settings["ECWID_STORE_ID"] == "1003" == str(fake.store_id)
    assert settings["ECWID_CLIENT_ID"] == "fake-app" == fake.client_id
    assert settings["ECWID_API_TOKEN"] == "secret_fake" == fake.api_token
    secret = settings["ECWID_CLIENT_SECRET"]
    assert secret == fake.client_secret
    assert len(secret) == 32
    assert not secret.startswith(("secret_", "public_"))


def test_the_lines_are_bare_key_value_pairs() -> None:
    with serving() as server:
        lines = server.lines

    for line in lines:
        key, value = line.split("=", 1)
        assert key.isupper()
        assert value
        assert not value.startswith(("'", '"'))
        assert " " not in line


def test_options_choose_the_store_and_credentials() -> None:
    options = ["--store-id", "42", "--client-id", "my-app", "--client-secret", "s" * 32]
    with serving(*options, "--api-token", "secret_mine") as server:
        settings = server.settings
        with EcwidClient(42, "secret_mine", base_url=settings["ECWID_API_URL"]) as client:
            profile = client.store_profile()
        with (
            EcwidClient(42, "secret_fake", base_url=settings["ECWID_API_URL"]) as client,
            pytest.raises(EcwidAuthError),
        ):
            client.store_profile()

    assert settings["ECWID_STORE_ID"] == "42"
    assert settings["ECWID_CLIENT_ID"] == "my-app"
    assert settings["ECWID_CLIENT_SECRET"] == "s" * 32
    assert settings["ECWID_API_TOKEN"] == "secret_mine"
    assert profile["generalInfo"]["storeId"] == 42


def test_a_payload_signed_with_the_printed_secret_signs_a_shopper_in() -> None:
    with serving() as server:
        settings = server.settings
        signer = SSOSigner(settings["ECWID_CLIENT_SECRET"], client_id=settings["ECWID_CLIENT_ID"])
        payload = signer.sign("7", Profile(email="ann@example.com"))
        root = settings["ECWID_API_URL"].removesuffix("/api/v3")

        answer = requests.post(
            root + "/storefront/sso",
            json={"storeId": int(settings["ECWID_STORE_ID"]), "payload": payload},
            timeout=5,
        ).json()

    assert (answer["accepted"], answer["reason"]) == (True, "ok")
    assert answer["customer"]["email"] == "ann@example.com"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_it_cleanly(signum: int) -> None:
    with serving() as server:
        api_url = server.settings["ECWID_API_URL"]
        status, stderr = server.stop(signum)

    assert status == 0
    assert "Traceback" not in stderr
    assert stderr.strip() == f"FakeEcwid is serving store 1003 at {api_url[: -len('/api/v3')]}"
    with pytest.raises(requests.ConnectionError):
        requests.get(api_url, timeout=5)


def test_a_port_in_use_is_reported_without_a_traceback() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        finished = subprocess.run(  # noqa: S603 (our own module)
            [sys.executable, "-m", "flask_ecwid_sso.testing", "--port", port],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )

    assert finished.returncode == 1
    assert finished.stdout == ""
    assert "Traceback" not in finished.stderr
    assert port in finished.stderr


@pytest.mark.parametrize(
    "args",
    [["--store-id", "0"], ["--store-id", "abc"], ["--port", "70000"], ["--api-token", ""]],
)
def test_bad_options_are_refused_with_usage(args: list[str]) -> None:
    finished = subprocess.run(  # noqa: S603 (our own module)
        [sys.executable, "-m", "flask_ecwid_sso.testing", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )

    assert finished.returncode == 2
    assert finished.stdout == ""
    assert "usage: python -m flask_ecwid_sso.testing" in finished.stderr
    assert "Traceback" not in finished.stderr


def test_the_guides_example_output_is_what_it_prints() -> None:
    section = GUIDE.split("\nA server of its own\n", 1)[1]
    block = section.split(".. code-block:: console\n\n", 1)[1].split("\n\n", 1)[0]
    command, announcement, *lines = (line.removeprefix("    ") for line in block.splitlines())

    with serving() as server:
        port = server.settings["ECWID_API_URL"].split(":")[2].split("/")[0]
        status, stderr = server.stop(signal.SIGTERM)

    assert command == "$ python -m flask_ecwid_sso.testing --port 5001"
    assert [line.replace(":5001/", f":{port}/") for line in lines] == server.lines
    assert announcement.replace(":5001", f":{port}") == stderr.strip()
    assert status == 0
