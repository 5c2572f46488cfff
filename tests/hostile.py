"""A raw HTTP server on loopback that answers every request in one hostile way (its ``mode``).

Each mode is a function writing bytes to the socket, so it can send what no
well-behaved server library would: garbage status lines, endless headers, a
body that never ends or arrives a byte at a time, a gzip bomb. Every loop in
here is bounded in count and time, and ends when the test stops the server.
"""

from __future__ import annotations

import contextlib
import json
import socket
import socketserver
import ssl
import threading
import typing as t
import zlib
from collections.abc import Callable, Iterator

#: How long any one answer may go on, at most, whatever the client does.
ANSWER_LIMIT = 5.0
_CHUNK = b" " * 65536


class Exchange:
    """One request as the server saw it, and the means to answer it."""

    def __init__(self, sock: socket.socket, stopping: threading.Event) -> None:
        self.sock = sock
        self.stopping = stopping
        self.method = ""
        self.path = ""
        self.headers: dict[str, str] = {}

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def pause(self, seconds: float) -> bool:
        """Wait; ``False`` once the server is stopping."""
        return not self.stopping.wait(seconds)

    def answer(
        self, status: str, headers: t.Sequence[tuple[str, str]] = (), body: bytes = b""
    ) -> None:
        head = [f"HTTP/1.1 {status}", *(f"{name}: {value}" for name, value in headers)]
        if not any(name.lower() in ("content-length", "transfer-encoding") for name, _ in headers):
            head.append(f"Content-Length: {len(body)}")
        self.send(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)

    def answer_json(self, document: object, status: str = "200 OK") -> None:
        self.answer(status, [("Content-Type", "application/json")], json.dumps(document).encode())


Mode = Callable[[Exchange], None]


class _Handler(socketserver.BaseRequestHandler):
    server: HostileServer

    def handle(self) -> None:
        self.request.settimeout(ANSWER_LIMIT)
        with contextlib.ExitStack() as stack:
            stack.enter_context(contextlib.suppress(OSError))
            sock = self.request
            if self.server.tls is not None:
                sock = stack.enter_context(self.server.tls.wrap_socket(sock, server_side=True))
            exchange = Exchange(sock, self.server.stopping)
            self._read_request(exchange)
            with self.server.lock:
                self.server.requests.append(f"{exchange.method} {exchange.path}")
            self.server.mode(exchange)

    def _read_request(self, exchange: Exchange) -> None:
        data = b""
        while b"\r\n\r\n" not in data and len(data) < 65536:
            more = exchange.sock.recv(4096)
            if not more:
                raise ConnectionError("the client left")
            data += more
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        exchange.method, exchange.path = lines[0].split(" ")[:2]
        for line in lines[1:]:
            name, _, value = line.partition(":")
            exchange.headers[name.strip().lower()] = value.strip()
        length = int(exchange.headers.get("content-length", "0"))
        while len(rest) < length:
            rest += exchange.sock.recv(4096)


class HostileServer(socketserver.ThreadingTCPServer):
    """Serves on a free loopback port for a ``with`` block; ``mode`` answers each request."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.tls = tls
        self.mode: Mode = ok
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.requests: list[str] = []
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"{'https' if self.tls else 'http'}://{host!s}:{port}"

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stopping.set()
        self.shutdown()
        self._thread.join()
        self.server_close()


# Well-formed answers, for checking the server itself


def ok(exchange: Exchange) -> None:
    exchange.answer_json({"total": 0, "count": 0, "offset": 0, "limit": 100, "items": []})


# Streams


def endless(exchange: Exchange, *, limit: float = ANSWER_LIMIT) -> Iterator[bytes]:
    """Blanks, chunk after chunk, until the client leaves or ``limit`` seconds pass."""
    deadline = threading.Event()
    timer = threading.Timer(limit, deadline.set)
    timer.start()
    try:
        while not (deadline.is_set() or exchange.stopping.is_set()):
            yield _CHUNK
    finally:
        timer.cancel()


def stream(exchange: Exchange, chunks: t.Iterable[bytes]) -> None:
    with contextlib.suppress(OSError):
        for chunk in chunks:
            exchange.send(chunk)


def gzip_bomb(decompressed_mib: int) -> bytes:
    """``decompressed_mib`` MiB of zeros, gzip-compressed (about a thousandth of that)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = b"\0" * (1 << 20)
    return b"".join([*(packer.compress(zeros) for _ in range(decompressed_mib)), packer.flush()])


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth
