"""Who a request is for: the site user, their ``userId``, profile and payload, worked out once.

Every place that needs to know (the payload, the login-state marker, the
sign-out token, the blueprint's views) reads the one :class:`Identity` of the
request, so one error rule covers them all: a loader that raises, or a profile
Ecwid would refuse, makes the shopper *nobody*, logged and signalled once; or
the error propagates when the app propagates exceptions (testing, debug).
"""

from __future__ import annotations

import logging
import typing as t

from flask import Flask, current_app, g
from flask.ctx import _AppCtxGlobals

from . import signals
from .callbacks import Callbacks
from .profile import Profile
from .reports import redact
from .state import AppState, app_state

logger = logging.getLogger("flask_ecwid_sso")

#: Where on ``g`` the request's :class:`Identity` lives.
IDENTITY_KEY = "_ecwid_sso_identity"


class Identity(t.NamedTuple):
    """The shopper of one request (a named tuple: made on every page, it should cost little).

    ``user`` is ``None`` for nobody: no one is logged in on the site, or a
    loader failed. ``profile`` is ``None`` for a site user whom the profile
    loader keeps out of the store; ``payload`` is ``''`` whenever there is
    nothing to sign (nobody, no profile, SSO off).
    """

    user: t.Any = None
    user_id: str | None = None
    profile: Profile | None = None
    payload: str = ""

    @property
    def logged_in(self) -> bool:
        """Whether a site user is logged in (whatever the store is told)."""
        return self.user is not None


NOBODY = Identity()


def current_identity(
    request_g: _AppCtxGlobals | None = None,
    app: Flask | None = None,
    state: AppState | None = None,
) -> Identity:
    """The identity of the current request, worked out on first use.

    ``request_g``, ``app`` and ``state`` (the request's ``g``, its app and the
    app's state) spare the lookups when the caller has them.
    """
    # The namespace of g itself: its get() and setattr() are Python calls, and this runs
    # on every page.
    namespace = vars(g._get_current_object() if request_g is None else request_g)
    identity: Identity | None = namespace.get(IDENTITY_KEY)
    if identity is None:
        if app is None:
            app = current_app._get_current_object()  # type: ignore[attr-defined]
        identity = namespace[IDENTITY_KEY] = _resolve(state or app_state(app), app)
    return identity


def forget_identity() -> None:
    """Drop the request's identity, after a login or logout changed it."""
    g.pop(IDENTITY_KEY, None)


def profile_of(callbacks: Callbacks, user: t.Any) -> Profile | None:
    """The validated :class:`Profile` the profile loader gives for ``user``, or ``None``."""
    profile = callbacks.profile(user)
    if profile is None or isinstance(profile, Profile):
        return profile
    return Profile.from_ecwid(profile)


def propagates(app: Flask) -> bool:
    """Whether ``app`` re-raises errors instead of answering 500 (``PROPAGATE_EXCEPTIONS``)."""
    propagate = app.config.get("PROPAGATE_EXCEPTIONS")
    return bool(app.testing or app.debug) if propagate is None else bool(propagate)


def _resolve(state: AppState, app: Flask) -> Identity:
    callbacks = state.callbacks
    try:
        user = callbacks.current_user()
        if user is None:
            return NOBODY
        user_id = str(callbacks.user_id(user))
        profile = profile_of(callbacks, user)
        payload = ""
        if profile is not None and state.signer is not None:
            payload = state.signer.sign(user_id, profile)
    except Exception as exc:
        signals.payload_failed.send(app, error=exc)
        if propagates(app):
            raise
        # The app's exception may quote anything, a secret included.
        secrets = (*state.settings.secrets, str(app.secret_key))
        logger.error(
            "Ecwid SSO: treating the shopper as logged out, because %s: %s",
            type(exc).__name__,
            redact(str(exc), secrets),
        )
        return NOBODY
    if payload and signals.payload_issued.receivers:
        signals.payload_issued.send(app, user_id=user_id)
    return Identity(user, user_id, profile, payload)
