"""Per-user values for the browser: the login-state marker and sign-out tokens.

Both are keyed with the app's ``SECRET_KEY``, so neither reveals the user id
they stand for.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import current_app, session
from itsdangerous import BadData, URLSafeTimedSerializer

from .cache import TTLCache

#: How long a sign-out link stays valid, in seconds.
SIGN_OUT_MAX_AGE = 2 * 3600
#: How long one token is handed out again before a fresh one is signed.
SIGN_OUT_REUSE = 600

_NONCE_KEY = "_ecwid_sso_nonce"
_SALT = "flask-ecwid-sso.sign-out"


def user_marker(user_id: str) -> str:
    """An opaque, stable marker of ``user_id`` for this app: a keyed HMAC, 16 hex digits."""
    key = current_app.secret_key
    secret = key if isinstance(key, bytes) else str(key).encode()
    return hmac.new(secret, user_id.encode(), hashlib.sha256).hexdigest()[:16]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_SALT)  # type: ignore[arg-type]


class SignOutTokens:
    """Sign-out tokens bound to a user and to this session, signed with itsdangerous.

    A token names the user (by :func:`user_marker`) and a random nonce kept in
    the session; it is void for another user, after the session forgets the
    nonce (:meth:`forget`), and after ``SIGN_OUT_MAX_AGE`` seconds. One token is
    handed out again for ``SIGN_OUT_REUSE`` seconds, sparing a signature per page.
    """

    def __init__(self) -> None:
        self._issued: TTLCache[tuple[str, str], str] = TTLCache(ttl=SIGN_OUT_REUSE, max_size=10_000)

    def issue(self, user_id: str) -> str:
        """A token that lets the current session sign ``user_id`` out."""
        nonce = session.get(_NONCE_KEY)
        if not isinstance(nonce, str):
            nonce = session[_NONCE_KEY] = secrets.token_urlsafe(12)
        key = (nonce, user_marker(user_id))
        found, token = self._issued.get(key)
        if not found or token is None:
            token = _serializer().dumps(list(key))
            self._issued.set(key, token)
        return token

    def is_valid(self, token: object, user_id: str) -> bool:
        """Whether ``token`` was issued to this session for ``user_id`` and has not expired."""
        if not isinstance(token, str) or not token:
            return False
        try:
            nonce, marker = _serializer().loads(token, max_age=SIGN_OUT_MAX_AGE)
        except (BadData, TypeError, ValueError):
            return False
        expected = session.get(_NONCE_KEY)
        return (
            isinstance(nonce, str)
            and isinstance(marker, str)
            and isinstance(expected, str)
            and hmac.compare_digest(nonce, expected)
            and hmac.compare_digest(marker, user_marker(user_id))
        )

    @staticmethod
    def forget() -> None:
        """Void every token issued to this session."""
        session.pop(_NONCE_KEY, None)
