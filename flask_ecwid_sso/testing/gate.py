"""Ecwid's checks before a REST endpoint runs: failures, token, store, rate, plan, scope."""

from __future__ import annotations

import collections
import hmac
import math
import typing as t
from collections.abc import Callable

from werkzeug.wrappers import Request, Response

from .responses import error_response

if t.TYPE_CHECKING:
    from .fake import FakeEcwid

__all__ = ["ApiEndpoint", "ApiGate"]


class ApiEndpoint(t.NamedTuple):
    """A REST endpoint and the scope its token needs; the gate's checks run before it."""

    handler: Callable[..., Response]
    scope: str


class ApiGate:
    """The checks Ecwid makes of every REST call, in Ecwid's order, against ``fake``'s switches.

    It reads the fake's ``api_token``, ``store_id``, ``rate_limit``,
    ``rate_window``, ``suspended``, ``plan_active`` and ``scopes`` at each
    call, and keeps what they need remembered: the queued failures and the
    calls inside the rate window. Called with the fake's ``lock`` held.
    """

    def __init__(self, fake: FakeEcwid) -> None:
        self.fake = fake
        self._failures: collections.deque[tuple[int, int | None, str | None]] = collections.deque()
        self._accepted: collections.deque[float] = collections.deque()

    def queue_failures(
        self, status: int, times: int, retry_after: int | None, code: str | None
    ) -> None:
        """Make the next ``times`` calls answer ``status`` (``code``, ``Retry-After`` if given)."""
        self._failures.extend([(status, retry_after, code)] * times)

    def refusal(
        self, request: Request, store_id: int, scope: str, arrived: float
    ) -> Response | None:
        """Ecwid's answer refusing this call, or ``None`` when every check passes.

        A suspended store still answers ``read_store_profile`` calls, so that
        ``account.suspended`` can be read; everything else is 402.
        """
        fake = self.fake
        if self._failures:
            status, retry_after, code = self._failures.popleft()
            response = error_response(status, code=code)
            if retry_after is not None:
                response.headers["Retry-After"] = str(retry_after)
            return response
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return error_response(
                403,
                "API token is missing: send it as 'Authorization: Bearer <token>' "
                "(the token query parameter is no longer accepted)",
                "INVALID_API_TOKEN",
            )
        if not hmac.compare_digest(token.encode(), fake.api_token.encode()):
            return error_response(403, "Invalid API token", "INVALID_API_TOKEN")
        if store_id != fake.store_id:
            return error_response(
                403, "The API token does not match the store id", "INVALID_API_TOKEN"
            )
        limited = self._rate_limited(arrived)
        if limited is not None:
            return limited
        if fake.suspended and scope != "read_store_profile":
            return error_response(
                402, "The store is suspended: its owner must reactivate it", "STORE_IS_SUSPENDED"
            )
        if not fake.plan_active:
            return error_response(
                402,
                "The store's plan does not include API access: its owner must upgrade",
                "NOT_AVAILABLE_ON_CURRENT_PLAN",
            )
        if scope not in fake.scopes:
            return error_response(
                403,
                f"The API token lacks the required scope: {scope}",
                "INSUFFICIENT_APP_SCOPE",
            )
        return None

    def _rate_limited(self, now: float) -> Response | None:
        # A sliding window over accepted calls: Retry-After is when the oldest leaves it.
        limit, window = self.fake.rate_limit, self.fake.rate_window
        if limit is None:
            return None
        while self._accepted and self._accepted[0] <= now - window:
            self._accepted.popleft()
        if len(self._accepted) >= limit:
            oldest = self._accepted[0] if self._accepted else now
            wait = max(1, math.ceil(oldest + window - now))
            response = error_response(429)
            response.headers["Retry-After"] = str(wait)
            return response
        self._accepted.append(now)
        return None
