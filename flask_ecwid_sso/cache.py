"""A small thread-safe cache whose entries expire."""

from __future__ import annotations

import threading
import time
import typing as t
from collections import OrderedDict
from collections.abc import Callable

K = t.TypeVar("K")
V = t.TypeVar("V")


class TTLCache(t.Generic[K, V]):
    """Entries live ``ttl`` seconds (per entry if given); the oldest go past ``max_size``.

    A ``ttl`` of 0 disables caching. ``clock`` is injectable so tests never sleep.
    """

    def __init__(
        self,
        *,
        ttl: float,
        max_size: int = 1024,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.max_size = max_size
        self.clock = clock
        self._entries: OrderedDict[K, tuple[float, V]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> tuple[bool, V | None]:
        """Return ``(True, value)`` for a live entry, else ``(False, None)``."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return False, None
            if entry[0] <= self.clock():
                del self._entries[key]
                return False, None
            return True, entry[1]

    def set(self, key: K, value: V, *, ttl: float | None = None) -> None:
        """Store ``value`` for ``ttl`` seconds (default: the cache's)."""
        lifetime = self.ttl if ttl is None else ttl
        if lifetime <= 0:
            return
        with self._lock:
            self._entries[key] = (self.clock() + lifetime, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_size:
                self._entries.popitem(last=False)
