"""``ECWID_CACHE``: the backends, their atomic add, JSON values, and a store that goes away."""

from __future__ import annotations

import json
import multiprocessing
import os
import struct
import sys
import typing as t
from pathlib import Path

import pytest
from cachelib import BaseCache, SimpleCache
from conftest import AppFactory
from helpers import ManualClock
from servers import RedisServer

from flask_ecwid_sso import ConfigError, EcwidSSO
from flask_ecwid_sso.cache_backends import (
    LockingFileSystemCache,
    MemoryCache,
    backend_from_url,
    describe_url,
)
from flask_ecwid_sso.deployment import check_cache, worker_count
from flask_ecwid_sso.shared_state import SharedState, StoreUnavailable
from flask_ecwid_sso.state import app_state


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("memcached://127.0.0.1", "not a memcached URL"),
        ("shared", "not a schemeless URL"),
        ("file://relative/folder", "absolute folder"),
        ("file:relative", "absolute folder"),
    ],
)
def test_a_bad_cache_url_fails_at_start_up(make_app: AppFactory, url: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        make_app(ECWID_CACHE=url)
    assert caught.value.key == "ECWID_CACHE"


def test_an_unwritable_cache_folder_fails_at_start_up(make_app: AppFactory, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    folder = blocker / "cache"
    with pytest.raises(ConfigError, match="not writable"):
        make_app(ECWID_CACHE=f"file://{folder}")


def test_redis_without_the_package_names_the_extra(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)
    with pytest.raises(ConfigError, match=r"flask-ecwid-sso\[redis\]"):
        make_app(ECWID_CACHE="redis://127.0.0.1:6379/0")


def test_start_up_does_not_connect_to_redis(make_app: AppFactory) -> None:
    app = make_app(ECWID_CACHE="redis://:hunter2@127.0.0.1:1/0")
    assert app_state(app).shared.shared
    assert "hunter2" not in app_state(app).shared.description


def test_a_password_in_the_url_is_never_shown() -> None:
    assert describe_url("rediss://user:hunter2@cache.example:6380/1") == (
        "rediss://user:***@cache.example:6380/1"
    )
    assert describe_url("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"


def test_a_cachelib_cache_or_a_flask_caching_cache_may_be_given(make_app: AppFactory) -> None:
    from flask_caching import Cache

    given = SimpleCache()
    assert app_state(make_app(ECWID_CACHE=given)).shared.cache is given
    app = make_app(sso=EcwidSSO(), ECWID_SSO_ENABLED=False, ECWID_CACHE="memory://")
    flask_caching = Cache(app, config={"CACHE_TYPE": "SimpleCache"})
    app.extensions.pop("ecwid_sso")
    app.config["ECWID_CACHE"] = flask_caching
    app.blueprints.pop("ecwid_sso")
    EcwidSSO(app)
    with app.app_context():
        assert app_state(app).shared.cache is flask_caching.cache


def test_anything_else_as_the_cache_is_refused(make_app: AppFactory) -> None:
    with pytest.raises(ConfigError, match="Flask-Caching Cache already registered"):
        make_app(ECWID_CACHE=object())


def test_memory_keeps_live_entries_past_simplecaches_threshold() -> None:
    cache = MemoryCache()
    for n in range(3000):
        assert cache.add(f"claim:{n}", 1, 600)
    assert all(cache.get(f"claim:{n}") == 1 for n in range(3000))


def test_files_keep_live_entries_past_the_threshold_and_hold_json(tmp_path: Path) -> None:
    cache = LockingFileSystemCache(str(tmp_path), threshold=20)
    for n in range(60):
        assert cache.add(f"claim:{n}", {"n": n}, 600)
    assert all(cache.get(f"claim:{n}") == {"n": n} for n in range(60))
    stored = [path for path in tmp_path.iterdir() if not path.name.startswith(".")]
    for path in stored:
        data = path.read_bytes()
        if len(data) > 4 and struct.unpack("I", data[:4])[0] != 0:
            json.loads(data[4:])


def _claim_many(folder: str, start: t.Any, wins: t.Any) -> None:
    cache = LockingFileSystemCache(folder)
    start.wait()
    for n in range(300):
        if cache.add(f"claim:{n}", os.getpid(), 600):
            wins.put(n)


def test_a_file_add_is_atomic_across_processes(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    start, wins = context.Barrier(2), context.Queue()
    workers = [
        context.Process(target=_claim_many, args=(str(tmp_path), start, wins)) for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    claimed = [wins.get(timeout=5) for _ in range(300)]
    assert sorted(claimed) == list(range(300))
    assert wins.empty()


def test_redis_holds_json_and_its_add_is_atomic(redis_server: RedisServer) -> None:
    import redis

    cache, shared = backend_from_url(redis_server.url)
    assert shared
    state = SharedState(cache, namespace="test", description="redis", shared=True)
    assert state.add("claim:1", {"user": "1"}, ttl=60)
    assert not state.add("claim:1", {"user": "2"}, ttl=60)
    assert state.get("claim:1") == {"user": "1"}
    with redis.Redis.from_url(redis_server.url) as raw:
        assert json.loads(t.cast(bytes, raw.get("test:claim:1"))) == {"user": "1"}
        assert 0 < t.cast(int, raw.ttl("test:claim:1")) <= 60
        raw.set("test:planted", b"\x80\x04pickled")
    assert state.get("planted") is None


class Broken(BaseCache):
    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def get(self, key: str) -> t.Any:
        self.calls += 1
        raise ConnectionError("redis://:hunter2@db:6379 refused")


def test_an_unreachable_store_is_one_typed_error_then_skipped_a_while(
    clock: ManualClock,
) -> None:
    broken = Broken()
    state = SharedState(broken, namespace="t", description="redis", shared=True, clock=clock)
    with pytest.raises(StoreUnavailable) as caught:
        state.get("x")
    assert "hunter2" not in str(caught.value)
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None
    with pytest.raises(StoreUnavailable):
        state.get("x")
    assert broken.calls == 1
    clock.advance(state.retry_after + 0.1)
    with pytest.raises(StoreUnavailable):
        state.get("x")
    assert broken.calls == 2


@pytest.mark.parametrize(
    ("environ", "workers"),
    [
        ({}, None),
        ({"WEB_CONCURRENCY": "4"}, 4),
        ({"GUNICORN_CMD_ARGS": "--bind :80 -w 3"}, 3),
        ({"GUNICORN_CMD_ARGS": "--workers=2"}, 2),
    ],
)
def test_the_doctor_reads_the_worker_count(environ: dict[str, str], workers: int | None) -> None:
    assert worker_count(environ) == workers


def test_the_doctor_warns_of_memory_with_several_workers() -> None:
    assert check_cache("memory://", False, {"WEB_CONCURRENCY": "4"}).status == "warning"
    assert check_cache("memory://", False, {}).status == "ok"
    assert check_cache("redis://r:6379/0", True, {"WEB_CONCURRENCY": "4"}).status == "ok"


def test_the_doctor_warns_when_no_host_is_trusted() -> None:
    from flask_ecwid_sso.deployment import check_trusted_hosts

    assert check_trusted_hosts(()).status == "warning"
    assert check_trusted_hosts(("shop.test",)).status == "ok"
