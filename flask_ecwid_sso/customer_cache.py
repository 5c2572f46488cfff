"""The customer cache: Ecwid customers found by email, kept for a while, dropped by webhooks."""

from __future__ import annotations

import time
from collections.abc import Callable

from .cache import TTLCache
from .customers import Customer
from .webhooks import WebhookEvent

#: Misses are kept this many seconds at most: a shopper who just signed in may appear any moment.
MISS_TTL = 5.0


def email_key(email: str) -> str:
    """The cache key of an email address."""
    return email.strip().casefold()


class CustomerCache:
    """Customers by email: hits live ``ttl`` seconds, misses ``miss_ttl`` (at most ``ttl``).

    ``ttl=0`` turns caching off. Past ``max_size`` entries the oldest go.
    :meth:`forget` drops what a customer webhook concerns, by the event's
    entity id and by its ``data.customerEmail``. ``clock`` is injectable so
    tests never sleep.
    """

    def __init__(
        self,
        *,
        ttl: float,
        miss_ttl: float = MISS_TTL,
        max_size: int = 1024,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.miss_ttl = min(miss_ttl, ttl)
        self._by_email: TTLCache[str, Customer | None] = TTLCache(
            ttl=ttl, max_size=max_size, clock=clock
        )
        self._email_by_id: TTLCache[str, str] = TTLCache(ttl=ttl, max_size=max_size, clock=clock)

    def lookup(self, email: str, fetch: Callable[[str], Customer | None]) -> Customer | None:
        """The cached customer for ``email``, else what ``fetch(email)`` finds (then cached)."""
        key = email_key(email)
        found, customer = self._by_email.get(key)
        if found:
            return customer
        customer = fetch(email)
        if customer is None:
            self._by_email.set(key, None, ttl=self.miss_ttl)
        else:
            self._by_email.set(key, customer)
            self._email_by_id.set(str(customer.id), key)
        return customer

    def forget(self, event: WebhookEvent) -> None:
        """Drop every entry ``event`` concerns: its entity id's, and its customer email's."""
        if event.customer_email is not None:
            self._by_email.delete(email_key(event.customer_email))
        entity_id = str(event.entity_id)
        found, key = self._email_by_id.get(entity_id)
        if found and key is not None:
            self._by_email.delete(key)
        self._email_by_id.delete(entity_id)
