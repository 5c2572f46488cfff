"""The customer cache: Ecwid customers found by email, kept a while, dropped by webhooks.

It lives in the shared store (``ECWID_CACHE``), so a webhook received by one
worker drops the customer for all of them. Entries are JSON: a customer is
kept as the record Ecwid sent.
"""

from __future__ import annotations

import logging
import time
import typing as t
from collections.abc import Callable

from .customers import Customer
from .emails import email_key
from .shared_state import SharedState, StoreUnavailable
from .webhooks import WebhookEvent

logger = logging.getLogger("flask_ecwid_sso")

#: Misses are kept this many seconds at most: a shopper who just signed in may appear any moment.
MISS_TTL = 5.0


class CustomerCache:
    """Customers by email: hits live ``ttl`` seconds, misses ``miss_ttl`` (at most ``ttl``).

    ``ttl=0`` turns caching off. :meth:`forget` drops what a customer webhook
    concerns, by the event's entity id and by its ``data.customerEmail``.
    While the store is unreachable, lookups go to Ecwid directly. Each entry
    carries its expiry by ``clock`` (UNIX seconds, the same on every machine
    whose clock is right), so tests can move time without sleeping.
    """

    def __init__(
        self,
        state: SharedState,
        *,
        ttl: float,
        miss_ttl: float = MISS_TTL,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.state = state
        self.ttl = ttl
        self.miss_ttl = min(miss_ttl, ttl)
        self.clock = clock

    def lookup(self, email: str, fetch: Callable[[str], Customer | None]) -> Customer | None:
        """The cached customer for ``email``, else what ``fetch(email)`` finds (then cached)."""
        key = email_key(email)
        if self.ttl > 0:
            try:
                entry = self.state.get(f"customer:{key}")
            except StoreUnavailable as exc:
                logger.info("customer cache skipped: %s", exc)
                return fetch(email)
            if _live(entry, self.clock()):
                record = entry["customer"]
                return None if record is None else Customer.from_ecwid(record)
        customer = fetch(email)
        if self.ttl > 0:
            self._store(key, customer)
        return customer

    def _store(self, key: str, customer: Customer | None) -> None:
        ttl = self.ttl if customer is not None else self.miss_ttl
        entry = {
            "customer": None if customer is None else dict(customer.raw),
            "expires": self.clock() + ttl,
        }
        try:
            self.state.set(f"customer:{key}", entry, ttl=ttl)
            if customer is not None:
                self.state.set(f"customer-id:{customer.id}", key, ttl=ttl)
        except StoreUnavailable as exc:
            logger.info("customer not cached: %s", exc)

    def forget(self, event: WebhookEvent) -> None:
        """Drop every entry ``event`` concerns: its entity id's, and its customer email's.

        Raises :class:`StoreUnavailable` when the store cannot be told.
        """
        if event.customer_email is not None:
            self.state.delete(f"customer:{email_key(event.customer_email)}")
        index = f"customer-id:{event.entity_id}"
        key = self.state.get(index)
        if isinstance(key, str):
            self.state.delete(f"customer:{key}")
        self.state.delete(index)


def _live(entry: object, now: float) -> t.TypeGuard[dict[str, t.Any]]:
    if not isinstance(entry, dict) or "customer" not in entry:
        return False
    expires = entry.get("expires")
    return isinstance(expires, (int, float)) and now < expires
