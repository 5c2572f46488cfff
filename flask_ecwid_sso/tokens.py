"""Per-user values for the browser: the login-state marker and sign-out tokens.

Both are keyed with the app's ``SECRET_KEY``, so neither reveals the user id
they stand for.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
import secrets

from flask import Request, Response, current_app, g, request
from flask.ctx import _AppCtxGlobals
from itsdangerous import BadData, URLSafeTimedSerializer

from .cache import TTLCache

#: How long a sign-out link stays valid, in seconds.
SIGN_OUT_MAX_AGE = 2 * 3600
#: How long one token is handed out again before a fresh one is signed.
SIGN_OUT_REUSE = 600

_NONCE = re.compile(r"[A-Za-z0-9_-]{16}")
_SALT = "flask-ecwid-sso.sign-out"
#: Where on ``g`` a nonce drawn during the request waits for the response.
NEW_NONCE_KEY = "_ecwid_sso_new_nonce"


def user_marker(user_id: str) -> str:
    """An opaque, stable marker of ``user_id`` for this app: a keyed HMAC, 16 hex digits."""
    key = current_app.secret_key
    return _marker(key if isinstance(key, bytes) else str(key).encode(), user_id)


@functools.lru_cache(maxsize=4096)
def _marker(secret: bytes, user_id: str) -> str:
    # Asked twice a page for the same user (sign-out token, login-state marker).
    return hmac.new(secret, user_id.encode(), hashlib.sha256).hexdigest()[:16]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_SALT)  # type: ignore[arg-type]


class SignOutTokens:
    """Sign-out tokens bound to a user and to this browser, signed with itsdangerous.

    A token names the user (by :func:`user_marker`) and a random nonce kept in
    the browser's ``ecwid_sso_nonce`` cookie (HttpOnly, and Secure, SameSite
    and path as the app's session cookie). It is void for another user, in
    another browser, after :meth:`forget` draws a new nonce (every login and
    logout), and after ``SIGN_OUT_MAX_AGE`` seconds. The nonce lives in a
    cookie of its own, not in Flask's session, so that a page that needs no
    session opens none. One token is handed out again for ``SIGN_OUT_REUSE``
    seconds, sparing a signature per page.
    """

    #: The cookie that holds the browser's nonce.
    cookie_name = "ecwid_sso_nonce"

    def __init__(self) -> None:
        self._issued: TTLCache[tuple[str, str], str] = TTLCache(ttl=SIGN_OUT_REUSE, max_size=10_000)

    def issue(self, user_id: str) -> str:
        """A token that lets this browser sign ``user_id`` out."""
        nonce = self.nonce()
        if nonce is None:
            nonce = self.forget()
        key = (nonce, user_marker(user_id))
        found, token = self._issued.get(key)
        if not found or token is None:
            token = _serializer().dumps(list(key))
            self._issued.set(key, token)
        return token

    def is_valid(self, token: object, user_id: str) -> bool:
        """Whether ``token`` was issued to this browser for ``user_id`` and has not expired."""
        expected = self.nonce()
        if not isinstance(token, str) or not token or expected is None:
            return False
        try:
            nonce, marker = _serializer().loads(token, max_age=SIGN_OUT_MAX_AGE)
        except (BadData, TypeError, ValueError):
            return False
        return (
            isinstance(nonce, str)
            and isinstance(marker, str)
            and hmac.compare_digest(nonce, expected)
            and hmac.compare_digest(marker, user_marker(user_id))
        )

    def forget(self) -> str:
        """Void every token issued to this browser: draw a new nonce, sent with the response."""
        nonce = secrets.token_urlsafe(12)
        setattr(g, NEW_NONCE_KEY, nonce)
        return nonce

    def set_cookie(self, response: Response, nonce: str) -> None:
        """Send ``nonce``, drawn by :meth:`forget` during this request, with ``response``."""
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        interface = app.session_interface
        response.set_cookie(
            self.cookie_name,
            nonce,
            httponly=True,
            secure=interface.get_cookie_secure(app),
            samesite=interface.get_cookie_samesite(app) or "Lax",
            path=interface.get_cookie_path(app),
            domain=interface.get_cookie_domain(app),
        )

    def nonce(
        self, request_g: _AppCtxGlobals | None = None, page_request: Request | None = None
    ) -> str | None:
        """This browser's nonce (drawn during this request, or from its cookie), if any.

        ``request_g`` and ``page_request`` spare the lookups when the caller has them.
        """
        nonce = vars(g._get_current_object() if request_g is None else request_g).get(
            NEW_NONCE_KEY
        ) or (request if page_request is None else page_request).cookies.get(self.cookie_name)
        return nonce if isinstance(nonce, str) and _NONCE.fullmatch(nonce) else None
