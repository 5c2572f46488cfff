"""State shared by every process of a site: JSON values under namespaced keys in a cachelib cache.

:class:`SharedState` turns every failure of the backend into
:class:`StoreUnavailable`, and after one it answers at once with that error
for ``retry_after`` seconds, so an unreachable Redis costs one timeout, not one
per request.
"""

from __future__ import annotations

import math
import threading
import time
import typing as t
from collections.abc import Callable

from cachelib import BaseCache

from .exceptions import EcwidSSOError


class StoreUnavailable(EcwidSSOError):
    """The shared store (``ECWID_CACHE``) did not answer."""


class SharedState:
    """Namespaced, JSON-valued get, set, atomic add and delete over one cachelib backend.

    ``description`` names the backend for logs and the doctor (no password);
    ``shared`` says whether other processes see the same data.
    """

    #: After a failure, the store is not asked again for this many seconds.
    retry_after = 5.0

    def __init__(
        self,
        cache: BaseCache,
        *,
        namespace: str,
        description: str,
        shared: bool,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.cache = cache
        self.namespace = namespace
        self.description = description
        self.shared = shared
        self.clock = clock
        self._down_until = -math.inf
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<SharedState {self.description} namespace={self.namespace!r}>"

    def get(self, key: str) -> t.Any:
        """The value stored under ``key``, or ``None``."""
        return self._call("read", lambda: self.cache.get(self._key(key)))

    def set(self, key: str, value: t.Any, *, ttl: float) -> None:
        """Store ``value`` (JSON-serializable) for ``ttl`` seconds; ``ttl <= 0`` stores nothing."""
        if ttl > 0:
            self._call("write", lambda: self.cache.set(self._key(key), value, _seconds(ttl)))

    def add(self, key: str, value: t.Any, *, ttl: float) -> bool:
        """Store ``value`` unless ``key`` holds a live value, atomically; return whether it did."""
        stored = self._call("write", lambda: self.cache.add(self._key(key), value, _seconds(ttl)))
        return bool(stored)

    def delete(self, key: str) -> None:
        """Forget ``key``, if present."""
        self._call("write", lambda: self.cache.delete(self._key(key)))

    def _key(self, key: str) -> str:
        return f"{self.namespace}:{key}"

    def _call(self, action: str, operation: Callable[[], t.Any]) -> t.Any:
        if self.clock() < self._down_until:
            raise StoreUnavailable(f"the shared store {self.description} is unreachable")
        try:
            return operation()
        except Exception as exc:  # any backend, any failure: one typed error
            failure = type(exc).__name__
        with self._lock:
            self._down_until = self.clock() + self.retry_after
        # Raised outside the except, with the type's name only: the backend's own message
        # (and the chained exception) may carry a URL with a password.
        raise StoreUnavailable(
            f"the shared store {self.description} failed to {action} ({failure}):"
            " check ECWID_CACHE and that the store is running"
        )


def _seconds(ttl: float) -> int:
    # cachelib takes whole seconds, and 0 would mean "forever".
    return max(1, math.ceil(ttl))
