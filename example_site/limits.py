"""The login rate limit, with Flask-Limiter, and its friendly 429 page."""

from __future__ import annotations

import math
import time

from flask import Flask, render_template, request
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address

from . import db

#: Login attempts allowed per client address, and separately per email, in any minute.
LOGIN_ATTEMPTS_PER_MINUTE = 10
LOGIN_LIMIT = f"{LOGIN_ATTEMPTS_PER_MINUTE} per minute"


def init_limiter(app: Flask) -> Limiter:
    """A limiter for this app: in memory, or in Redis when ``ECWID_CACHE`` names one.

    ``RATELIMIT_*`` settings in the config win (``RATELIMIT_ENABLED = False``
    turns it off). One limiter per app: Flask-Limiter keeps its storage and its
    on/off switch on the limiter object, not on the app.
    """
    cache = app.config.get("ECWID_CACHE")
    shared = isinstance(cache, str) and cache.startswith(("redis://", "rediss://"))
    app.config.setdefault("RATELIMIT_STORAGE_URI", cache if shared else "memory://")
    app.config.setdefault("RATELIMIT_STRATEGY", "moving-window")
    limiter = Limiter(client_address_key, app=app)
    app.register_error_handler(RateLimitExceeded, lambda _: _too_many_attempts(limiter))
    return limiter


def client_address_key() -> str:
    """The per-address key (behind a proxy, apply ``ProxyFix`` so this is the client's)."""
    return "address:" + get_remote_address()


def login_email_key() -> str:
    """The per-email key, normalised as the account lookup normalises it."""
    return "email:" + db.email_key(request.form.get("email", ""))


def _too_many_attempts(limiter: Limiter) -> tuple[str, int, dict[str, str]]:
    breached = limiter.current_limit
    window = breached.limit.get_expiry() if breached is not None else 60
    # Flask-Limiter rounds reset_at up by as much as a second past the window.
    wait = breached.reset_at - time.time() if breached is not None else window
    seconds = max(1, min(window, math.ceil(wait)))
    page = render_template(
        "too_many_attempts.html", seconds=seconds, attempts=LOGIN_ATTEMPTS_PER_MINUTE
    )
    return page, 429, {"Retry-After": str(seconds)}
