"""No two payloads repeat: in a process, across processes, with or without a store."""

from __future__ import annotations

import json
import logging
import math
import os
import threading
import time
import typing as t
from pathlib import Path

import pytest
from cachelib import BaseCache, SimpleCache
from helpers import CLIENT_SECRET, ManualClock, check_payload
from servers import RedisServer

from flask_ecwid_sso import Profile, SSOSigner
from flask_ecwid_sso.cache_backends import backend_from_url
from flask_ecwid_sso.payload_claims import (
    CLAIM_TTL,
    LocalClaims,
    SharedClaims,
    whitespace_number,
)
from flask_ecwid_sso.shared_state import SharedState

NOW = 1_750_000_000
JSON_WHITESPACE = set(" \t\n\r")


def test_whitespace_numbers_are_distinct_and_only_whitespace() -> None:
    written = [whitespace_number(n) for n in range(70_000)]
    assert len(set(written)) == 70_000
    assert all(set(text) <= JSON_WHITESPACE for text in written)
    assert len(whitespace_number(10**9)) == 16


def test_2000_claims_in_one_second_in_one_process_are_distinct() -> None:
    claims = LocalClaims()
    seen = {claims.claim("u1", NOW) for _ in range(2000)}
    assert len(seen) == 2000
    assert {timestamp for timestamp, _ in seen} == {NOW}


def test_a_clock_set_back_never_repeats_a_claim() -> None:
    claims = LocalClaims()
    seconds = [NOW, NOW + 1, NOW, NOW - 5, NOW, NOW + 1] * 50
    assert len({claims.claim("u1", second) for second in seconds}) == len(seconds)


def test_threads_of_one_process_never_share_a_claim() -> None:
    claims = LocalClaims()
    handed_out: list[tuple[int, str]] = []

    def sign_many() -> None:
        handed_out.extend(claims.claim("u1", NOW) for _ in range(2000))

    threads = [threading.Thread(target=sign_many) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(handed_out)) == len(handed_out) == 8000


def test_2000_payloads_signed_in_a_burst_are_distinct_and_valid() -> None:
    signer = SSOSigner(CLIENT_SECRET, client_id="my-cool-app")
    profile = Profile(email="ann@example.com")
    started = time.monotonic()
    payloads = [signer.sign("u1", profile) for _ in range(2000)]
    assert time.monotonic() - started < 10
    assert len(set(payloads)) == 2000
    assert all(check_payload(payload)["userId"] == "u1" for payload in payloads)


def test_two_processes_without_a_store_differ_by_their_tags() -> None:
    first, second = LocalClaims(), LocalClaims()
    assert first.tag != second.tag
    assert len(first.tag) == 32
    assert set(first.tag) <= JSON_WHITESPACE
    a = {first.claim("u1", NOW) for _ in range(100)}
    b = {second.claim("u1", NOW) for _ in range(100)}
    assert a.isdisjoint(b)


def _shared(cache: BaseCache, clock: ManualClock | None = None) -> SharedClaims:
    clock = clock or ManualClock()
    state = SharedState(cache, namespace="test", description="test store", shared=True, clock=clock)
    return SharedClaims(state, LocalClaims(), clock=clock)


def test_processes_sharing_redis_never_hold_the_same_tag(redis_server: RedisServer) -> None:
    # Three processes that drew the same tag (the 2**-64 case, forced): Redis's atomic
    # add leaves it to one of them, and the others draw again.
    tag = LocalClaims().tag
    workers = [_shared(backend_from_url(redis_server.url)[0]) for _ in range(3)]
    for worker in workers:
        worker.local.tag = tag
    handed_out = [worker.claim("u1", NOW) for _ in range(200) for worker in workers]
    assert len(set(handed_out)) == 600
    tags = {worker.local.tag for worker in workers}
    assert len(tags) == 3
    assert tag in tags
    assert all(suffix[:32] in tags for _, suffix in handed_out)


def test_a_tag_held_by_another_process_is_never_used() -> None:
    cache = SimpleCache()
    first = _shared(cache)
    first.claim("u1", NOW)
    second = LocalClaims(tag=first.local.tag)  # the 2**-64 draw, forced
    late = SharedClaims(first.state, second, clock=ManualClock())
    _, suffix = late.claim("u1", NOW)
    assert second.tag != first.local.tag
    assert suffix.startswith(second.tag)


class CountingCache(SimpleCache):
    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def add(self, key: str, value: t.Any, timeout: int | None = None) -> bool:
        self.writes += 1
        return super().add(key, value, timeout)

    def set(self, key: str, value: t.Any, timeout: int | None = None) -> bool:
        self.writes += 1
        return super().set(key, value, timeout)


def test_the_tag_is_claimed_once_a_minute_not_once_a_page() -> None:
    cache, clock = CountingCache(), ManualClock()
    claims = _shared(cache, clock)
    for _ in range(1000):
        claims.claim("u1", NOW)
    assert cache.writes == 1
    clock.now += claims.renew_every
    claims.claim("u1", NOW)
    assert cache.writes == 2
    assert claims.held_until == clock.now + CLAIM_TTL


class Down(BaseCache):
    def add(self, key: str, value: t.Any, timeout: t.Any = None) -> bool:
        raise ConnectionError("refused")

    def set(self, key: str, value: t.Any, timeout: t.Any = None) -> bool:
        raise ConnectionError("refused")


def test_an_unreachable_store_keeps_the_random_tag_and_says_so_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = ManualClock()
    claims = _shared(Down(), clock)
    tag = claims.local.tag
    with caplog.at_level(logging.WARNING, "flask_ecwid_sso"):
        handed_out = []
        for _ in range(50):
            handed_out.append(claims.claim("u1", NOW))
            clock.now += 1
    assert len(set(handed_out)) == 50
    assert all(suffix.startswith(tag) for _, suffix in handed_out)
    assert caplog.text.count("unique through this process's random tag") == 1


def test_the_claim_is_made_again_once_the_store_is_back() -> None:
    cache, clock = CountingCache(), ManualClock()
    claims = _shared(cache, clock)
    claims.state.cache = Down()
    claims.claim("u1", NOW)
    assert claims.held_until == -float("inf")
    claims.state.cache = cache
    clock.now += claims.state.retry_after
    claims.claim("u1", NOW)
    assert claims.held_until == clock.now + CLAIM_TTL
    rival = SharedClaims(claims.state, LocalClaims(tag=claims.local.tag), clock=clock)
    rival.claim("u1", NOW)
    assert rival.local.tag != claims.local.tag


def _claim_in_a_forked_child(claims: LocalClaims | SharedClaims) -> tuple[int, str]:
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child, which coverage does not follow
        os.close(reader)
        os.write(writer, json.dumps(claims.claim("u1", NOW)).encode())
        os._exit(0)
    os.close(writer)
    with os.fdopen(reader) as answer:
        timestamp, suffix = json.loads(answer.read())
    os.waitpid(child, 0)
    return timestamp, suffix


def test_a_forked_worker_draws_a_tag_of_its_own() -> None:
    # gunicorn --preload: the app, and its claims, are made before the workers fork.
    claims = LocalClaims()
    parent = [claims.claim("u1", NOW) for _ in range(3)]
    child = _claim_in_a_forked_child(claims)
    assert child not in parent
    assert not child[1].startswith(claims.tag)


def test_a_forked_worker_claims_its_own_tag_in_the_store(tmp_path: Path) -> None:
    cache, _ = backend_from_url(tmp_path.as_uri())
    claims = _shared(cache)
    parent = claims.claim("u1", NOW)
    assert claims.held_until > -math.inf
    child = _claim_in_a_forked_child(claims)
    assert child != parent
    assert not child[1].startswith(claims.local.tag)
    rival = SharedClaims(claims.state, LocalClaims(tag=child[1][:32]), clock=ManualClock())
    rival.claim("u1", NOW)
    assert rival.local.tag != child[1][:32]  # the child's tag is claimed in the store
