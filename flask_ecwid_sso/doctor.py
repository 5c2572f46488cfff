"""``flask ecwid doctor``'s checks: the settings, and what Ecwid's API reveals.

Ecwid ignores SSO silently when the store's plan, the app's scopes, the
keys, the clock or a customer's email are wrong. :func:`diagnose` checks
what can be seen from outside Ecwid (reading only, never writing) and says
what cannot, with what to ask Ecwid. Nothing here imports Flask.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable, Mapping

from .api import EcwidClient
from .diagnostics import SHA1_REFUSED, VARIANTS, Check, Report, looks_like_api_token, show
from .exceptions import (
    EcwidAPIError,
    EcwidAuthError,
    EcwidConnectionError,
    EcwidPlanError,
    EcwidRateLimited,
)
from .settings import Settings
from .signing import ECWID_MAX_AGE

__all__ = ["check_api", "check_clock", "check_config", "config_summary", "diagnose"]

#: Clock differences up to this many seconds are normal.
CLOCK_TOLERANCE = 60
#: Ecwid's client secrets are this long; a shorter one was probably cut when copied.
CLIENT_SECRET_LENGTH = 32


def _public(value: str | None, settings: Settings) -> str:
    """``value`` for display, unless it is one of the secrets (a client id pasted wrong)."""
    if value is None:
        return "missing"
    if value in settings.secrets:
        return "(a secret: not shown)"
    return value


def config_summary(settings: Settings) -> list[tuple[str, str]]:
    """The ``ECWID_*`` settings for display: secrets and tokens only as ``set`` or ``missing``."""

    def presence(value: str | None) -> str:
        return "missing" if value is None else "set"

    legacy = settings.sso_app_field == "appId"
    return [
        ("ECWID_STORE_ID", str(settings.store_id)),
        ("ECWID_SSO_ENABLED", str(settings.sso_enabled)),
        ("ECWID_CLIENT_ID", _public(settings.client_id, settings)),
        ("ECWID_CLIENT_SECRET", presence(settings.client_secret)),
        ("ECWID_SSO_APP_ID", _public(settings.sso_app_id if legacy else None, settings)),
        ("ECWID_SSO_SECRET", presence(settings.sso_secret if legacy else None)),
        ("ECWID_SSO_DIGEST", settings.sso_digest),
        ("ECWID_API_TOKEN", presence(settings.api_token)),
        ("ECWID_API_URL", settings.api_url),
        ("ECWID_SCRIPT_URL", settings.script_url),
        ("ECWID_URL_PREFIX", settings.url_prefix or "/"),
    ]


def check_config(settings: Settings) -> list[Check]:
    """Check the settings alone, without asking Ecwid anything."""
    checks = [Check("store id", "ok", f"ECWID_STORE_ID is {settings.store_id}")]
    if settings.sso_enabled:
        checks.append(
            Check(
                "sso",
                "ok",
                f"SSO is on, {VARIANTS[settings.sso_app_field]} variant:"
                f" {settings.sso_app_field} {_public(settings.sso_app_id, settings)!r}",
            )
        )
    else:
        checks.append(
            Check(
                "sso",
                "warning",
                "ECWID_SSO_ENABLED is off: no payloads are made, so shoppers are never signed"
                " in to the store",
                "sso_off",
            )
        )
    checks.append(_check_client_id(settings))
    checks.append(_check_client_secret(settings))
    if settings.sso_app_field == "appId":
        checks.append(_check_legacy(settings))
    if settings.sso_digest == "sha1":
        checks.append(
            Check(
                "digest",
                "problem",
                f"ECWID_SSO_DIGEST is 'sha1': {SHA1_REFUSED}; set it to 'sha256'",
                "sha1",
            )
        )
    else:
        checks.append(Check("digest", "ok", "payloads are signed with SHA-256"))
    checks.append(_check_api_token(settings))
    return checks


def _check_client_id(settings: Settings) -> Check:
    client_id = settings.client_id
    if client_id is None:
        if not settings.sso_enabled:
            return Check("client id", "ok", "ECWID_CLIENT_ID is not set (SSO is off)")
        return Check(
            "client id", "ok", "ECWID_CLIENT_ID is not set (the legacy variant needs none)"
        )
    if client_id in (settings.client_secret, settings.api_token, settings.sso_secret):
        return Check(
            "client id",
            "problem",
            "ECWID_CLIENT_ID holds a secret: the client id travels in every payload, so that"
            " secret is now public; put the app's client_id there and have the secret rotated",
            "secret_as_client_id",
        )
    if looks_like_api_token(client_id):
        return Check(
            "client id",
            "problem",
            "ECWID_CLIENT_ID holds a REST token (secret_.../public_...), not the app's"
            " client_id: copy the client_id from Ecwid admin, #develop-apps",
            "api_token_as_client_id",
        )
    return Check("client id", "ok", f"ECWID_CLIENT_ID is {show(client_id)}")


def _check_client_secret(settings: Settings) -> Check:
    secret = settings.client_secret
    signs = settings.sso_enabled and settings.sso_app_field == "appClientId"
    consequence = (
        "Ecwid refuses every payload signed with it"
        if signs
        else "webhooks and native-app payloads will not check"
    )
    if secret is None:
        return Check(
            "client secret",
            "warning",
            "ECWID_CLIENT_SECRET is not set: webhooks and native-app payloads need it",
            "missing_client_secret",
        )
    if looks_like_api_token(secret) or secret == settings.api_token:
        return Check(
            "client secret",
            "problem",
            "ECWID_CLIENT_SECRET holds a REST token (secret_.../public_...), not the app's"
            f" client_secret: {consequence}. Copy client_secret from Ecwid admin, #develop-apps",
            "api_token_as_client_secret",
        )
    if len(secret) < CLIENT_SECRET_LENGTH:
        return Check(
            "client secret",
            "warning",
            f"ECWID_CLIENT_SECRET has {len(secret)} characters; Ecwid's client secrets have"
            f" {CLIENT_SECRET_LENGTH}: was it cut when copied?",
            "short_client_secret",
        )
    return Check("client secret", "ok", "ECWID_CLIENT_SECRET is set")


def _check_legacy(settings: Settings) -> Check:
    secret = settings.sso_secret
    if secret is not None and (looks_like_api_token(secret) or secret == settings.api_token):
        return Check(
            "legacy",
            "problem",
            "ECWID_SSO_SECRET holds a REST token (secret_.../public_...), not the store's"
            " legacy SSO key: Ecwid refuses every payload signed with it",
            "api_token_as_sso_secret",
        )
    return Check(
        "legacy",
        "warning",
        "the legacy variant is in use (appId with ECWID_SSO_SECRET): Ecwid documents only"
        " appClientId today. Keep it only while this live site has always used it:"
        " switching app id makes existing customers' emails collide",
        "legacy_variant",
    )


def _check_api_token(settings: Settings) -> Check:
    token = settings.api_token
    if token is None:
        return Check(
            "api token",
            "warning",
            "ECWID_API_TOKEN is not set: customer lookups are off, and the token, scopes, plan,"
            " clock and email conflicts cannot be checked",
            "missing_api_token",
        )
    if token.startswith("public_"):
        return Check(
            "api token",
            "problem",
            "ECWID_API_TOKEN is a public_ token, which cannot read customers: use the app's"
            " secret_ token (Ecwid admin, #develop-apps)",
            "public_api_token",
        )
    if token in (settings.client_secret, settings.sso_secret):
        return Check(
            "api token",
            "problem",
            "ECWID_API_TOKEN holds the SSO secret: use the app's secret_ token",
            "secret_as_api_token",
        )
    if not token.startswith("secret_"):
        return Check(
            "api token",
            "warning",
            "ECWID_API_TOKEN does not start with secret_, as Ecwid's REST tokens do",
            "odd_api_token",
        )
    return Check("api token", "ok", "ECWID_API_TOKEN is a secret_ token")


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
            "the app lacks the read_customers scope: ask Ecwid support to add read_customers"
            " and create_customers to the app (custom apps get them on request)",
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
    checks.extend(_clock(client, now))
    try:
        page = client.search_customers(limit=1)
    except EcwidAPIError as exc:
        checks.append(_api_failure("read_customers", exc))
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


def _cannot_check(plan_seen: bool) -> list[Check]:
    checks = [
        Check(
            "create_customers",
            "unchecked",
            "cannot be checked without creating a customer: ask Ecwid support to confirm the app"
            " has create_customers (custom apps get it on request); without it Ecwid ignores"
            " SSO silently",
        )
    ]
    if not plan_seen:
        checks.append(
            Check(
                "plan",
                "unchecked",
                "whether the store's plan includes SSO (paid plans only) cannot be read from"
                " outside beyond a 402: check the plan in Ecwid admin, or ask Ecwid support",
            )
        )
    return checks


def diagnose(
    settings: Settings,
    client: EcwidClient | None,
    *,
    now: Callable[[], float] = time.time,
    email: str | None = None,
) -> Report:
    """Check the set-up: the settings, then what Ecwid's API reveals, then what it cannot.

    ``client`` is the app's REST client (``None`` without a token); ``email``
    is a shopper's address to look for a conflicting customer. Calls the API
    only to read.
    """
    checks = check_config(settings)
    token = settings.api_token
    if client is None or token is None or token.startswith("public_"):
        checks.append(
            Check(
                "api",
                "unchecked",
                "not asked: without a secret_ token, the token, scopes, plan, clock and email"
                " conflicts cannot be checked",
            )
        )
    else:
        checks.extend(check_api(client, now=now, email=email))
    checks.extend(_cannot_check(any(check.reason == "plan" for check in checks)))
    return Report(tuple(checks))
