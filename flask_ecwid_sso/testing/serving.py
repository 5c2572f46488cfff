"""Serving a WSGI app: on a thread for a ``with`` block, or in the foreground until stopped."""

from __future__ import annotations

import contextlib
import signal
import threading
import typing as t
from collections.abc import Callable, Iterator
from types import FrameType

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

if t.TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

__all__ = [
    "QuietRequestHandler",
    "base_url",
    "make_threaded_server",
    "serve_until_stopped",
    "serving_in_background",
]

_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class QuietRequestHandler(WSGIRequestHandler):
    """No access log on stderr: the fake keeps its own ``request_log``."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


def make_threaded_server(host: str, port: int, app: WSGIApplication) -> BaseWSGIServer:
    """A threaded werkzeug server for ``app``, bound and listening, not yet serving."""
    return make_server(host, port, app, threaded=True, request_handler=QuietRequestHandler)


def base_url(server: BaseWSGIServer) -> str:
    """The root URL that reaches ``server``: a loopback address when it listens on all of them."""
    host = server.host
    if host in ("", "0.0.0.0"):  # noqa: S104 (naming the wildcard address, not binding it)
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{server.port}"


class _Stop(Exception):
    """Raised by the signal handler to leave ``serve_forever`` on the main thread."""


def _stop(signum: int, frame: FrameType | None) -> None:
    # One stop is enough: a second signal while closing must not interrupt the close.
    for stop_signal in _STOP_SIGNALS:
        signal.signal(stop_signal, signal.SIG_IGN)
    raise _Stop


def serve_until_stopped(server: BaseWSGIServer, announce: Callable[[], None]) -> None:
    """Call ``announce()``, then serve on this thread until SIGTERM or SIGINT; close the server.

    Both signals are caught before ``announce()`` runs, so one sent as soon
    as the announcement is read still ends the server cleanly: this returns
    normally, and the caller exits 0. Call it on the main thread (Python
    handles signals there only); the previous handlers are back on return.
    """
    previous = {signum: signal.getsignal(signum) for signum in _STOP_SIGNALS}
    try:
        for signum in _STOP_SIGNALS:
            signal.signal(signum, _stop)
        announce()
        server.serve_forever(poll_interval=0.2)
    except _Stop:
        pass
    finally:
        server.server_close()
        for signum, handler in previous.items():
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)


@contextlib.contextmanager
def serving_in_background(app: WSGIApplication, host: str, port: int) -> Iterator[str]:
    """Serve ``app`` on a daemon thread for a ``with`` block; yields its root URL.

    On exit the server stops and its socket is closed.
    """
    server = make_threaded_server(host, port, app)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name=f"FakeEcwid on port {server.port}",
        daemon=True,
    )
    thread.start()
    try:
        yield base_url(server)
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
