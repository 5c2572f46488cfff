"""The customer cache: hits, misses, expiry, eviction, and what customer webhooks drop."""

from __future__ import annotations

import json
import typing as t

import pytest
from cachelib import BaseCache, SimpleCache
from conftest import AppFactory
from helpers import ManualClock
from test_views import deliver, event_body

from flask_ecwid_sso import Customer, EcwidSSO, WebhookEvent
from flask_ecwid_sso.cache_backends import MemoryCache
from flask_ecwid_sso.customer_cache import MISS_TTL, CustomerCache
from flask_ecwid_sso.shared_state import SharedState
from flask_ecwid_sso.testing import FakeEcwid

ALICE = Customer.from_ecwid({"id": 7, "email": "alice@example.com", "name": "Alice"})


class Directory:
    """A stand-in for the REST lookup that counts how often it is asked."""

    def __init__(self, *customers: Customer) -> None:
        self.by_email = {customer.email: customer for customer in customers}
        self.asked: list[str] = []

    def __call__(self, email: str) -> Customer | None:
        self.asked.append(email)
        return self.by_email.get(email)


def event(entity_id: int | str = 7, email: str | None = None) -> WebhookEvent:
    data: dict[str, t.Any] = {} if email is None else {"customerEmail": email}
    return WebhookEvent(
        event_id="e-1",
        event_created=1_700_000_000,
        store_id=1003,
        entity_id=entity_id,
        event_type="customer.updated",
        data=data,
    )


def memory_state(cache: BaseCache | None = None) -> SharedState:
    return SharedState(
        cache or MemoryCache(), namespace="test", description="memory://", shared=False
    )


@pytest.fixture
def cache(clock: ManualClock) -> CustomerCache:
    return CustomerCache(memory_state(), ttl=300, clock=clock)


def test_a_hit_is_served_without_asking_again(cache: CustomerCache) -> None:
    directory = Directory(ALICE)
    assert cache.lookup("alice@example.com", directory) == ALICE
    assert cache.lookup("  ALICE@example.com ", directory) == ALICE
    assert directory.asked == ["alice@example.com"]


def test_a_hit_expires_after_the_ttl(cache: CustomerCache, clock: ManualClock) -> None:
    directory = Directory(ALICE)
    cache.lookup("alice@example.com", directory)
    clock.advance(299)
    cache.lookup("alice@example.com", directory)
    assert len(directory.asked) == 1
    clock.advance(2)
    cache.lookup("alice@example.com", directory)
    assert len(directory.asked) == 2


def test_a_miss_is_kept_only_briefly(cache: CustomerCache, clock: ManualClock) -> None:
    directory = Directory()
    assert cache.lookup("new@example.com", directory) is None
    assert cache.lookup("new@example.com", directory) is None
    assert len(directory.asked) == 1
    directory.by_email["new@example.com"] = Customer.from_ecwid(
        {"id": 8, "email": "new@example.com"}
    )
    clock.advance(MISS_TTL + 0.1)
    assert cache.lookup("new@example.com", directory) is not None


def test_a_ttl_of_zero_turns_caching_off(clock: ManualClock) -> None:
    cache = CustomerCache(memory_state(), ttl=0, clock=clock)
    directory = Directory(ALICE)
    for _ in range(3):
        assert cache.lookup("alice@example.com", directory) == ALICE
    assert cache.lookup("nobody@example.com", directory) is None
    assert cache.lookup("nobody@example.com", directory) is None
    assert len(directory.asked) == 5


def test_entries_a_backend_evicts_are_looked_up_again(clock: ManualClock) -> None:
    cache = CustomerCache(memory_state(SimpleCache(threshold=2)), ttl=300, clock=clock)
    people = [Customer.from_ecwid({"id": n, "email": f"p{n}@example.com"}) for n in range(4)]
    directory = Directory(*people)
    for person in people:
        cache.lookup(t.cast(str, person.email), directory)
    for person in people:
        assert cache.lookup(t.cast(str, person.email), directory) == person
    assert len(directory.asked) > 4


def test_entries_are_stored_as_json_records(clock: ManualClock) -> None:
    backend = MemoryCache()
    cache = CustomerCache(memory_state(backend), ttl=300, clock=clock)
    record = {"id": 7, "email": "alice@example.com", "name": "Alice"}
    found = cache.lookup("alice@example.com", Directory(Customer.from_ecwid(record)))
    stored = backend.get("test:customer:alice@example.com")
    assert json.loads(json.dumps(stored)) == stored
    assert stored["customer"] == record
    assert cache.lookup("alice@example.com", Directory()) == found


def test_an_unreachable_store_sends_every_lookup_to_ecwid(clock: ManualClock) -> None:
    class Down(BaseCache):
        def get(self, key: str) -> t.Any:
            raise ConnectionError("redis is down")

        def set(self, key: str, value: t.Any, timeout: t.Any = None) -> bool:
            raise ConnectionError("redis is down")

    cache = CustomerCache(memory_state(Down()), ttl=300, clock=clock)
    directory = Directory(ALICE)
    assert cache.lookup("alice@example.com", directory) == ALICE
    assert cache.lookup("alice@example.com", directory) == ALICE
    assert len(directory.asked) == 2


@pytest.mark.parametrize("entity_id", [7, "7"])
def test_a_webhook_drops_the_customer_by_entity_id(
    cache: CustomerCache, entity_id: int | str
) -> None:
    directory = Directory(ALICE)
    cache.lookup("alice@example.com", directory)
    cache.forget(event(entity_id=entity_id))
    cache.lookup("alice@example.com", directory)
    assert len(directory.asked) == 2


def test_a_webhook_drops_a_cached_miss_by_customer_email(cache: CustomerCache) -> None:
    directory = Directory()
    assert cache.lookup("alice@example.com", directory) is None
    directory.by_email["alice@example.com"] = ALICE
    cache.forget(event(entity_id=7, email="Alice@Example.com"))
    assert cache.lookup("alice@example.com", directory) == ALICE


def test_a_webhook_for_someone_else_keeps_the_entry(cache: CustomerCache) -> None:
    directory = Directory(ALICE)
    cache.lookup("alice@example.com", directory)
    cache.forget(event(entity_id=8, email="bob@example.com"))
    cache.lookup("alice@example.com", directory)
    assert len(directory.asked) == 1


def test_a_customer_webhook_refreshes_find_customer_and_counts_only_app_handlers(
    make_api_app: AppFactory, fake_ecwid: FakeEcwid
) -> None:
    sso = EcwidSSO()
    app = make_api_app(sso=sso)
    stored = fake_ecwid.add_customer({"email": "alice@example.com", "name": "Alice"})
    with app.app_context():
        assert t.cast(Customer, sso.find_customer("alice@example.com")).name == "Alice"
    fake_ecwid.customers[0]["name"] = "Alice Liddell"
    with app.app_context():
        assert t.cast(Customer, sso.find_customer("alice@example.com")).name == "Alice"
    answer = deliver(app.test_client(), event_body(entityId=stored["id"]))
    assert answer.get_json() == {"status": "ok", "handlers": 0}
    with app.app_context():
        assert t.cast(Customer, sso.find_customer("alice@example.com")).name == "Alice Liddell"
