"""The clock of each REST request: a timeout per attempt, a deadline for all of them.

A request in progress has its :class:`Attempts` in :data:`attempts_in_progress`
(a context variable, so each thread has its own). The transport's connections
report themselves to it; when an attempt's ``timeout`` (or the request's
``deadline``) passes, one watchdog thread shared by the process shuts those
connections' sockets down, so a server trickling a byte a second cannot hold
a call past its bounds. Nothing here imports Flask or urllib3.
"""

from __future__ import annotations

import contextlib
import contextvars
import heapq
import itertools
import os
import socket
import threading
import time
import typing as t

from .bounds import Bounds

__all__ = [
    "Attempts",
    "attempt_was_cut",
    "attempts_in_progress",
    "begin_attempt",
    "watch_connection",
]


class _Connection(t.Protocol):
    """A connection whose socket the watchdog may cut (urllib3's ``HTTPConnection``)."""

    @property
    def sock(self) -> object: ...


class Attempts:
    """The attempts of one request under ``bounds``, and whether the watchdog cut one."""

    def __init__(self, bounds: Bounds) -> None:
        self.bounds = bounds
        self.deadline_at = time.monotonic() + bounds.deadline
        self.timed_out = False
        self.attempt_cut = False
        self._lock = threading.Lock()
        self._watched: list[_Connection] = []
        self._attempt = 0
        self._running = False

    def begin(self) -> None:
        """Start an attempt: its connections are cut when ``timeout`` (or the deadline) passes."""
        with self._lock:
            self._attempt += 1
            self._running = True
            self._watched = []
            self.attempt_cut = False
            attempt = self._attempt
        _WATCHDOG.schedule(
            min(time.monotonic() + self.bounds.timeout, self.deadline_at), self, attempt
        )

    def watch(self, connection: _Connection) -> None:
        """Cut ``connection`` too if this attempt overruns."""
        with self._lock:
            self._watched.append(connection)

    def pause(self) -> None:
        """End the attempt (between retries, or when the request is over): nothing is cut."""
        with self._lock:
            self._running = False
            self._watched = []

    def can_wait(self, seconds: float) -> bool:
        """Whether a wait of ``seconds`` is allowed: within ``max_wait`` and the deadline."""
        return seconds <= self.bounds.max_wait and time.monotonic() + seconds < self.deadline_at

    def expire(self, attempt: int) -> None:
        """Cut ``attempt``'s connections, if it is still the one running."""
        with self._lock:
            if not self._running or attempt != self._attempt:
                return
            self.timed_out = self.attempt_cut = True
            sockets = [conn.sock for conn in self._watched if isinstance(conn.sock, socket.socket)]
        for sock in sockets:
            # socket.socket's own shutdown, never SSLSocket's, which would drop the TLS state
            # under the thread still reading: the reader just sees the connection end.
            with contextlib.suppress(OSError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)


class _Watchdog:
    """One daemon thread that calls :meth:`Attempts.expire` when each attempt's time is up."""

    def __init__(self) -> None:
        self._due: list[tuple[float, int, Attempts, int]] = []
        self._order = itertools.count()
        self.forget_thread()

    def forget_thread(self) -> None:
        """Start afresh: a forked child has the parent's state, but not its thread."""
        self._wakeup = threading.Condition()
        self._due.clear()
        self._thread: threading.Thread | None = None

    def schedule(self, when: float, attempts: Attempts, attempt: int) -> None:
        entry = (when, next(self._order), attempts, attempt)
        with self._wakeup:
            heapq.heappush(self._due, entry)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="flask-ecwid-sso watchdog", daemon=True
                )
                self._thread.start()
            elif self._due[0] is entry:
                self._wakeup.notify()

    def _run(self) -> None:
        while True:
            with self._wakeup:
                while not self._due or self._due[0][0] > time.monotonic():
                    self._wakeup.wait(self._due[0][0] - time.monotonic() if self._due else None)
                _, _, attempts, attempt = heapq.heappop(self._due)
            attempts.expire(attempt)


_WATCHDOG = _Watchdog()
# A forked worker (gunicorn --preload) has no watchdog thread: it starts its own.
os.register_at_fork(after_in_child=_WATCHDOG.forget_thread)

#: The :class:`Attempts` of the request this thread (or task) is sending, if any.
attempts_in_progress: contextvars.ContextVar[Attempts | None] = contextvars.ContextVar(
    "flask_ecwid_sso_attempts", default=None
)


def begin_attempt() -> None:
    """Start an attempt of the request in progress here, if there is one."""
    attempts = attempts_in_progress.get()
    if attempts is not None:
        attempts.begin()


def attempt_was_cut() -> bool:
    """Whether the watchdog cut the current attempt of the request in progress here."""
    attempts = attempts_in_progress.get()
    return attempts is not None and attempts.attempt_cut


def watch_connection(connection: _Connection) -> None:
    """Let the request in progress here cut ``connection`` if its attempt overruns."""
    attempts = attempts_in_progress.get()
    if attempts is not None:
        attempts.watch(connection)
