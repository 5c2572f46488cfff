"""``flask ecwid doctor``'s checks: the settings, and what Ecwid's API reveals.

Ecwid ignores SSO silently when the store's plan, the app's scopes, the
keys, the clock or a customer's email are wrong. :func:`diagnose` checks
what can be seen from outside Ecwid (reading only, never writing) and says
what cannot, with what to ask Ecwid. The settings' own checks live in
:mod:`.config_checks`, the API's side in :mod:`.api_checks`. Nothing here
imports Flask.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from .api import EcwidClient
from .api_checks import check_api, check_clock, check_plan, unseen_checks
from .config_checks import check_config, config_summary
from .reports import Check, Report
from .settings import Settings

__all__ = [
    "check_api",
    "check_clock",
    "check_config",
    "check_plan",
    "config_summary",
    "diagnose",
]


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
    checks.extend(unseen_checks(any(check.name == "plan" for check in checks)))
    return Report(tuple(checks))
