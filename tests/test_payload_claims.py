"""No two payloads for a user repeat: in a process, across processes, with or without a store."""

from __future__ import annotations

import logging
import time
import typing as t

import pytest
from cachelib import BaseCache
from helpers import CLIENT_SECRET, check_payload
from servers import RedisServer

from flask_ecwid_sso import Profile, SSOSigner
from flask_ecwid_sso.cache_backends import backend_from_url
from flask_ecwid_sso.payload_claims import LocalClaims, SharedClaims, whitespace_number
from flask_ecwid_sso.shared_state import SharedState

NOW = 1_750_000_000
JSON_WHITESPACE = set(" \t\n\r")


def test_whitespace_numbers_are_distinct_and_only_whitespace() -> None:
    written = [whitespace_number(n) for n in range(5000)]
    assert len(set(written)) == 5000
    assert written[0] == ""
    assert all(set(text) <= JSON_WHITESPACE for text in written)


def test_2000_claims_in_one_second_in_one_process_are_distinct() -> None:
    claims = LocalClaims()
    seen = {claims.claim("u1", NOW) for _ in range(2000)}
    assert len(seen) == 2000
    assert {timestamp for timestamp, _ in seen} == set(range(NOW - 30, NOW + 1))


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


def test_processes_sharing_redis_never_hand_out_the_same_claim(
    redis_server: RedisServer,
) -> None:
    def shared_claims() -> SharedClaims:
        cache, _ = backend_from_url(redis_server.url)
        state = SharedState(cache, namespace="test", description="redis", shared=True)
        return SharedClaims(state, LocalClaims())

    workers = [shared_claims() for _ in range(3)]
    handed_out = [worker.claim("u1", NOW) for _ in range(200) for worker in workers]
    assert len(set(handed_out)) == 600
    untagged = [claim for claim in handed_out if claim[1] == ""]
    assert sorted(timestamp for timestamp, _ in untagged) == list(range(NOW - 2, NOW + 1))


class Down(BaseCache):
    def add(self, key: str, value: t.Any, timeout: t.Any = None) -> bool:
        raise ConnectionError("refused")


def test_an_unreachable_store_falls_back_to_the_process_tag_and_says_so_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    state = SharedState(Down(), namespace="t", description="redis://r:6379/0", shared=True)
    claims = SharedClaims(state, LocalClaims())
    with caplog.at_level(logging.WARNING, "flask_ecwid_sso"):
        handed_out = [claims.claim("u1", NOW) for _ in range(50)]
    assert len(set(handed_out)) == 50
    assert all(suffix.startswith(claims.fallback.tag) for _, suffix in handed_out)
    assert caplog.text.count("unique through this process's own tag") == 1
