"""Serving a WSGI app on loopback: on a background thread for a ``with`` block."""

from __future__ import annotations

import contextlib
import threading
import typing as t
from collections.abc import Iterator

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

if t.TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

__all__ = ["QuietRequestHandler", "make_threaded_server", "serving_in_background"]


class QuietRequestHandler(WSGIRequestHandler):
    """No access log on stderr: the fake keeps its own ``request_log``."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


def make_threaded_server(host: str, port: int, app: WSGIApplication) -> BaseWSGIServer:
    """A threaded werkzeug server for ``app``, bound and listening, not yet serving."""
    return make_server(host, port, app, threaded=True, request_handler=QuietRequestHandler)


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
        yield f"http://{host}:{server.port}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
