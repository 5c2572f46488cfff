"""What the extension keeps for one app, in ``app.extensions["ecwid_sso"]``.

:func:`app_state` is the one way in, for the package's own modules; apps use
the public methods of :class:`~flask_ecwid_sso.EcwidSSO` instead.
"""

from __future__ import annotations

import dataclasses
import threading
import typing as t

from flask import Flask, current_app

from .api import EcwidClient
from .cache import TTLCache
from .callbacks import Callbacks
from .customer_cache import CustomerCache
from .exceptions import ConfigError
from .settings import Settings
from .signing import SSOSigner
from .tokens import SignOutTokens

if t.TYPE_CHECKING:
    from .extension import EcwidSSO

EXTENSION_KEY = "ecwid_sso"
#: How long a webhook's ``eventId`` is remembered, so a repeat is not dispatched again.
SEEN_WEBHOOK_TTL = 3600


@dataclasses.dataclass(eq=False)
class AppState:
    """The settings, signer, callbacks, caches and REST client of one app."""

    extension: EcwidSSO
    settings: Settings
    callbacks: Callbacks
    signer: SSOSigner | None
    customers: CustomerCache
    seen_webhooks: TTLCache[str, bool]
    sign_out: SignOutTokens
    client_lock: threading.Lock = dataclasses.field(default_factory=threading.Lock, repr=False)
    client_instance: EcwidClient | None = dataclasses.field(default=None, repr=False)

    @classmethod
    def create(cls, extension: EcwidSSO, settings: Settings, callbacks: Callbacks) -> AppState:
        """The state of an app just registered with these settings."""
        return cls(
            extension=extension,
            settings=settings,
            callbacks=callbacks,
            signer=settings.make_signer(),
            customers=CustomerCache(ttl=settings.customer_cache_ttl),
            seen_webhooks=TTLCache(ttl=SEEN_WEBHOOK_TTL, max_size=10_000),
            sign_out=SignOutTokens(),
        )

    @property
    def client(self) -> EcwidClient:
        """The app's REST client, made on first use; :class:`ConfigError` without a token."""
        if self.settings.api_token is None:
            raise ConfigError(
                "ECWID_API_TOKEN is not set: the REST helper needs the app's secret_... token"
                " (Ecwid admin, #develop-apps)",
                key="ECWID_API_TOKEN",
            )
        with self.client_lock:
            if self.client_instance is None:
                self.client_instance = EcwidClient(
                    self.settings.store_id,
                    self.settings.api_token,
                    base_url=self.settings.api_url,
                    timeout=self.settings.api_timeout,
                    max_retries=self.settings.api_max_retries,
                )
            return self.client_instance


def app_state(app: Flask | None = None) -> AppState:
    """The extension's state for ``app`` (default: the current app)."""
    app = app or current_app
    try:
        return t.cast(AppState, app.extensions[EXTENSION_KEY])
    except KeyError:
        raise RuntimeError(
            "EcwidSSO is not registered on this app: did you call sso.init_app(app)?"
        ) from None
