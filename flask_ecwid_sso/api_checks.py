"""What Ecwid's API reveals to ``flask ecwid doctor``: token, clock, plan, scopes, an email.

Every call only reads; the checks stop at the first refusal of the token,
since Ecwid blocks tokens that keep failing. Nothing here imports Flask.
"""

from __future__ import annotations

import datetime
import time
import typing as t
from collections.abc import Callable, Mapping

from .api import EcwidClient
from .exceptions import (
    EcwidAPIError,
    EcwidAuthError,
    EcwidConnectionError,
    EcwidPlanError,
    EcwidRateLimited,
)
from .reports import Check, show
from .signing import ECWID_MAX_AGE

__all__ = ["CLOCK_TOLERANCE", "check_api", "check_clock", "check_plan", "unseen_checks"]

#: Clock differences up to this many seconds are normal.
CLOCK_TOLERANCE = 60


def check_clock(server_date: datetime.datetime | None, now: float) -> Check:
    """Compare this machine's clock (``now``, UNIX seconds) with Ecwid's ``Date`` header.

    Ecwid measures a payload's age with its own clock: a local clock over 10
    minutes off makes every payload look expired (or from the future).
    """
    if server_date is None:
        return Check("clock", "unchecked", "Ecwid's answer had no Date header to compare with")
    skew = round(now - server_date.timestamp())
    direction = "ahead of" if skew > 0 else "behind"
    effect = "look that far in the future" if skew > 0 else "lose that much of their 10 minutes"
    if abs(skew) <= CLOCK_TOLERANCE:
        return Check("clock", "ok", f"this machine's clock is within {abs(skew)} s of Ecwid's")
    if abs(skew) <= ECWID_MAX_AGE:
        return Check(
            "clock",
            "warning",
            f"this machine's clock is {abs(skew)} s {direction} Ecwid's: payloads {effect};"
            " sync it (NTP)",
            "clock_skew",
        )
    refused = "from the future" if skew > 0 else "expired"
    return Check(
        "clock",
        "problem",
        f"this machine's clock is {abs(skew)} s {direction} Ecwid's, more than"
        f" {ECWID_MAX_AGE} s: Ecwid refuses every payload as {refused}; sync it (NTP)",
        "clock_skew",
    )


def _api_failure(name: str, exc: EcwidAPIError) -> Check:
    if isinstance(exc, EcwidPlanError):
        return Check(
            "plan",
            "problem",
            "Ecwid answered 402: the store is not on a paid plan, or is suspended. SSO needs"
            " a paid plan; without one Ecwid shows every shopper logged out",
            "plan",
        )
    if isinstance(exc, EcwidAuthError) and exc.code == "INSUFFICIENT_APP_SCOPE":
        return Check(
            name,
            "problem",
            "the app lacks the read_customers scope: ask Ecwid support to add read_customers,"
            " and the create_customers and customize_storefront that SSO needs, to the app"
            " (custom apps get them on request)",
            "insufficient_scope",
        )
    if isinstance(exc, EcwidAuthError):
        return Check(
            name,
            "problem",
            f"Ecwid refused ECWID_API_TOKEN ({exc.status} {exc.code or ''}): copy the secret_"
            " token of this store's app from Ecwid admin, #develop-apps, and check"
            " ECWID_STORE_ID (a token works for its own store only). Ecwid blocks a token that"
            " keeps failing: fix this before trying again",
            "invalid_token",
        )
    if isinstance(exc, EcwidConnectionError):
        return Check("api", "problem", f"{exc.message} ({exc.url})", "unreachable")
    if isinstance(exc, EcwidRateLimited):
        wait = f" in {exc.retry_after:g} s" if exc.retry_after is not None else " later"
        return Check(
            "api", "warning", f"Ecwid is rate-limiting this token: try again{wait}", "rate_limited"
        )
    return Check("api", "warning", f"Ecwid failed: {exc}; try again later", "api_error")


def check_api(
    client: EcwidClient, *, now: Callable[[], float] = time.time, email: str | None = None
) -> list[Check]:
    """Ask Ecwid's API what it reveals: token, clock, plan, read scope, an email's customer.

    Reads only; stops at the first refusal of the token, since Ecwid blocks
    tokens that keep failing. ``now`` is this machine's clock.
    """
    checks: list[Check] = []
    skipped = [] if email is None else [_email_unchecked(email)]
    try:
        profile = client.store_profile()
    except EcwidAuthError as exc:
        if exc.code != "INSUFFICIENT_APP_SCOPE":
            return [_api_failure("token", exc), *_clock(client, now), *skipped]
        checks.append(
            Check(
                "token",
                "ok",
                "ECWID_API_TOKEN is accepted (it cannot read the store profile,"
                " which SSO does not need)",
            )
        )
    except EcwidAPIError as exc:
        return [_api_failure("token", exc), *_clock(client, now), *skipped]
    else:
        settings = profile.get("settings")
        name = settings.get("storeName") if isinstance(settings, Mapping) else None
        store = f"store {client.store_id}" + (f" ({show(name)})" if isinstance(name, str) else "")
        checks.append(Check("token", "ok", f"ECWID_API_TOKEN is accepted by {store}"))
        checks.append(check_plan(profile))
    checks.extend(_clock(client, now))
    try:
        page = client.search_customers(limit=1)
    except EcwidAPIError as exc:
        failure = _api_failure("read_customers", exc)
        # A suspended store's 402 repeats what its profile said.
        if not any(check.name == failure.name for check in checks):
            checks.append(failure)
        return [*checks, *skipped]
    count = page.total if page.all_customer_count is None else page.all_customer_count
    checks.append(
        Check("read_customers", "ok", f"the token can read customers ({count} in the store)")
    )
    if email is not None:
        checks.append(_check_email(client, email))
    return checks


def _email_unchecked(email: str) -> Check:
    return Check(
        "email", "unchecked", f"{show(email)} cannot be looked up while the API refuses to read"
    )


def _clock(client: EcwidClient, now: Callable[[], float]) -> list[Check]:
    answers = client.recent_answers
    if not answers or answers[-1].status is None:
        return []
    return [check_clock(answers[-1].server_date, now())]


def _check_email(client: EcwidClient, email: str) -> Check:
    try:
        customer = client.find_customer_by_email(email)
    except EcwidAPIError as exc:
        return _api_failure("email", exc)
    if customer is None:
        return Check(
            "email", "ok", f"no customer has {show(email)}: Ecwid creates one at the first sign-on"
        )
    registered = f", registered {customer.registered:%Y-%m-%d}" if customer.registered else ""
    return Check(
        "email",
        "warning",
        f"customer #{customer.id}{registered} already has {show(email)}. Ecwid allows one"
        " customer per email and ignores SSO for it unless that customer was created by SSO"
        " with this app id and the same userId, which the API does not show. If this shopper"
        " stays logged out in the store, merge or delete that customer in Ecwid admin",
        "email_taken",
    )


def check_plan(profile: Mapping[str, t.Any]) -> Check:
    """The plan as ``GET /profile`` shows it: SSO needs ``PREMIUM`` in ``availableFeatures``.

    Ecwid's free plan lacks ``PREMIUM``; there Ecwid ignores every payload and
    shows shoppers logged out, while the API keeps answering.
    """
    account = profile.get("account")
    account = account if isinstance(account, Mapping) else {}
    features = account.get("availableFeatures")
    if account.get("suspended") is True:
        return Check(
            "plan",
            "problem",
            "the store is suspended (account.suspended): Ecwid ignores SSO until it is"
            " reinstated; see the billing page in Ecwid admin, or ask Ecwid support",
            "store_suspended",
        )
    if not isinstance(features, list):
        return Check(
            "plan",
            "unchecked",
            "the store profile lists no account.availableFeatures, so the plan cannot be read:"
            " check that it is a paid plan in Ecwid admin",
        )
    if "PREMIUM" not in features:
        return Check(
            "plan",
            "problem",
            "the store's plan lacks PREMIUM (account.availableFeatures): on a free plan Ecwid"
            " ignores every SSO payload and shows shoppers logged out; upgrade the plan in"
            " Ecwid admin",
            "free_plan",
        )
    return Check("plan", "ok", "the store is on a paid plan (PREMIUM), which SSO needs")


def unseen_checks(plan_seen: bool) -> list[Check]:
    """What the API cannot show: the scopes SSO needs, and the plan when it was not read."""
    checks = [
        Check(
            scope,
            "unchecked",
            f"Ecwid's SSO needs the app's {scope} scope ({use}), which the API does not list:"
            f" ask Ecwid support to confirm the app has it (custom apps get it on request);"
            " without it Ecwid ignores SSO silently",
        )
        for scope, use in (
            ("create_customers", "a write the doctor never makes would show it"),
            ("customize_storefront", "the storefront, not the API, uses it"),
        )
    ]
    if not plan_seen:
        checks.append(
            Check(
                "plan",
                "unchecked",
                "the plan is read from the store profile (GET /profile, account.availableFeatures),"
                " which could not be read: check that the store is on a paid plan in Ecwid admin,"
                " or give the token read_store_profile",
            )
        )
    return checks
