"""Real servers the tests and benchmarks start themselves on free loopback ports.

redis-server and gunicorn. A missing one raises :class:`ServerMissing` with
the install hint; :func:`unavailable` turns that into a skip, or a failure
under ``CI=true``, where every real part must be there.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import typing as t
from collections.abc import Iterator, Mapping
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


class ServerMissing(RuntimeError):
    """A server the tests need is not installed; the message says how to install it."""


def unavailable(missing: ServerMissing) -> t.NoReturn:
    """Skip with the install hint, or fail under ``CI=true``, where these tests must run."""
    import pytest

    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{missing} (CI=true: these tests must run)")
    pytest.skip(str(missing))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait(ready: t.Callable[[], bool], process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with status {process.returncode}")
        with contextlib.suppress(OSError, requests.RequestException):
            if ready():
                return
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not start within 20 s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


class RedisServer:
    """A private ``redis-server --save ''`` that a test may stop and start again."""

    def __init__(self, directory: Path) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not Path(binary).exists():
            raise ServerMissing("no redis-server: apt-get install -y redis-server")
        self.binary = binary
        self.directory = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--dir", str(self.directory)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)  # noqa: S603
        _wait(self._ping, self.process, "redis-server")

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)
            self.process = None

    def _ping(self) -> bool:
        with socket.create_connection(("127.0.0.1", self.port), timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")


def gunicorn_binary() -> str:
    """The gunicorn of this virtual environment; :class:`ServerMissing` without one."""
    found = shutil.which("gunicorn", path=os.path.dirname(sys.executable))
    if found is None:
        raise ServerMissing("no gunicorn: pip install -e '.[test]'")
    return found


@contextlib.contextmanager
def gunicorn(
    target: str, *, workers: int, env: Mapping[str, str], cwd: Path = ROOT
) -> Iterator[str]:
    """Serve ``target`` (``module:app``) with gunicorn, ``workers`` sync workers; yields the URL."""
    port = free_port()
    command = [gunicorn_binary()]
    command += ["-w", str(workers), "-b", f"127.0.0.1:{port}", "--graceful-timeout", "5"]
    command += ["--log-level", "warning", target]
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join({str(cwd), str(ROOT)}), **env}
    process = subprocess.Popen(command, cwd=cwd, env=environment)  # noqa: S603
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(lambda: requests.get(url + "/", timeout=2).status_code == 200, process, "gunicorn")
        yield url
    finally:
        _stop(process)
