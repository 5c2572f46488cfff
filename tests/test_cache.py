"""The process-local TTL cache that spares re-signing a sign-out token on every page."""

from __future__ import annotations

from helpers import ManualClock

from flask_ecwid_sso.cache import TTLCache


def test_an_entry_lives_its_ttl_then_is_gone(clock: ManualClock) -> None:
    cache: TTLCache[str, int] = TTLCache(ttl=10, clock=clock)
    cache.set("a", 1)
    clock.advance(9.9)
    assert cache.get("a") == (True, 1)
    clock.advance(0.2)
    assert cache.get("a") == (False, None)


def test_a_ttl_of_zero_stores_nothing(clock: ManualClock) -> None:
    cache: TTLCache[str, int] = TTLCache(ttl=0, clock=clock)
    cache.set("a", 1)
    assert cache.get("a") == (False, None)


def test_the_oldest_entry_goes_past_max_size(clock: ManualClock) -> None:
    cache: TTLCache[str, int] = TTLCache(ttl=10, max_size=2, clock=clock)
    for key, value in (("a", 1), ("b", 2), ("c", 3)):
        cache.set(key, value)
    assert cache.get("a") == (False, None)
    assert cache.get("b") == (True, 2)
    assert cache.get("c") == (True, 3)
