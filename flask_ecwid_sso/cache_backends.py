"""The cachelib backends ``ECWID_CACHE`` names, adjusted to keep what must be kept.

- ``memory://``: :class:`MemoryCache`, a ``SimpleCache`` for one process.
- ``file:///abs/dir``: :class:`LockingFileSystemCache`, for the processes of one machine.
- ``redis://host:port/db`` and ``rediss://...``: cachelib's ``RedisCache`` (the
  ``redis`` extra), for several machines.

Values are JSON on every backend that other processes share: nothing is ever
unpickled from a store someone else can write to. Live entries are never
evicted to make room (claims and seen webhook ids must outlive their purpose);
expired ones are pruned.
"""

from __future__ import annotations

import fcntl
import json
import math
import os
import pickle
import threading
import time
import typing as t
import urllib.parse

from cachelib import BaseCache, FileSystemCache, SimpleCache
from cachelib.serializers import FileSystemSerializer, RedisSerializer

from .exceptions import ConfigError

KEY = "ECWID_CACHE"


def _json_loads(data: bytes | bytearray | str) -> t.Any:
    try:
        return json.loads(data)
    except ValueError:
        # Not written by us (a pickle, say): a miss, never unpickled.
        return None


class JSONRedisSerializer(RedisSerializer):
    """Values as JSON in Redis, instead of cachelib's pickles."""

    def dumps(self, value: t.Any, protocol: int = pickle.HIGHEST_PROTOCOL) -> bytes:
        return json.dumps(value).encode()

    def loads(self, value: bytes | None) -> t.Any:
        return None if value is None else _json_loads(value)


class JSONFileSerializer(FileSystemSerializer):
    """Values as JSON in the cache's files, instead of cachelib's pickles."""

    def dump(self, value: t.Any, f: t.IO[bytes], protocol: int = pickle.HIGHEST_PROTOCOL) -> None:
        f.write(json.dumps(value).encode())

    def load(self, f: t.BinaryIO) -> t.Any:
        return _json_loads(f.read())


class MemoryCache(SimpleCache):
    """A ``SimpleCache`` with an ``add`` atomic between threads, never evicting live entries.

    Past ``threshold`` entries, expired ones are swept at most once a second
    (``SimpleCache`` would scan on every write, then drop live ones).
    """

    def __init__(self, threshold: int = 10_000) -> None:
        super().__init__(threshold=threshold)
        self._add_lock = threading.Lock()
        self._swept_at = -math.inf

    def add(self, key: str, value: t.Any, timeout: t.Any = None) -> bool:
        # cachelib before 0.17 checks and writes without a lock.
        with self._add_lock:
            return bool(super().add(key, value, timeout))

    def _prune(self) -> None:
        now = time.monotonic()
        if self._over_threshold() and now - self._swept_at >= 1:
            self._swept_at = now
            self._remove_expired(time.time())


class LockingFileSystemCache(FileSystemCache):
    """A ``FileSystemCache`` with JSON values, an ``add`` atomic across processes, no live eviction.

    cachelib's ``add`` checks, then writes: two processes can both win. Here
    the check and the write hold an exclusive ``flock`` on a lock file in the
    folder. (POSIX only, like ``fcntl``.)
    """

    serializer = JSONFileSerializer()

    def __init__(self, cache_dir: str, threshold: int = 10_000) -> None:
        super().__init__(cache_dir, threshold=threshold)
        self._lock_path = os.path.join(cache_dir, ".ecwid-sso.lock")

    def add(self, key: str, value: t.Any, timeout: t.Any = None) -> bool:
        with open(self._lock_path, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                return not self.has(key) and bool(self.set(key, value, timeout))
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _remove_older(self) -> bool:
        # FileSystemCache would delete live entries past its threshold.
        return True


def describe_url(url: str) -> str:
    """``url`` with any password replaced by ``***``, for logs and the doctor."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    user = f"{parts.username}:***@" if parts.username else ":***@"
    port = f":{parts.port}" if parts.port else ""
    return urllib.parse.urlunsplit(parts._replace(netloc=f"{user}{host}{port}"))


def check_cache_url(url: str) -> None:
    """Check an ``ECWID_CACHE`` URL without connecting; :class:`ConfigError` says what is wrong."""
    scheme = urllib.parse.urlsplit(url).scheme
    if scheme == "memory" and url in ("memory://", "memory:"):
        return
    if scheme == "file":
        _file_folder(url)
        return
    if scheme in ("redis", "rediss"):
        _redis_module()
        return
    raise ConfigError(
        f"{KEY} must be memory://, file:///absolute/folder, redis://host:port/db or rediss://...,"
        f" or a cachelib cache; not a {scheme or 'schemeless'} URL",
        key=KEY,
    )


def backend_from_url(url: str) -> tuple[BaseCache, bool]:
    """The cachelib backend an ``ECWID_CACHE`` URL names, and whether processes share it."""
    check_cache_url(url)
    scheme = urllib.parse.urlsplit(url).scheme
    if scheme == "memory":
        return MemoryCache(), False
    if scheme == "file":
        return LockingFileSystemCache(_file_folder(url)), True
    redis = _redis_module()
    from cachelib import RedisCache

    client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    cache = RedisCache(host=client)
    cache.serializer = JSONRedisSerializer()
    return cache, True


def _file_folder(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    folder = urllib.parse.unquote(parts.path)
    if parts.netloc not in ("", "localhost") or not os.path.isabs(folder):
        raise ConfigError(
            f"{KEY} as a file URL names an absolute folder: file:///var/cache/shop-ecwid",
            key=KEY,
        )
    existing = folder
    while not os.path.exists(existing):
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing) or not os.access(existing, os.W_OK | os.X_OK):
        raise ConfigError(
            f"{KEY}: the folder {folder} is not writable by this process: create it, or"
            " give the app's user write access",
            key=KEY,
        )
    return folder


def _redis_module() -> t.Any:
    try:
        import redis
    except ImportError:
        raise ConfigError(
            f"{KEY} names Redis, but the redis package is not installed:"
            " pip install 'flask-ecwid-sso[redis]'",
            key=KEY,
        ) from None
    return redis
