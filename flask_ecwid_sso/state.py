"""What the extension keeps for one app, in ``app.extensions["ecwid_sso"]``.

:func:`app_state` is the one way in, for the package's own modules; apps use
the public methods of :class:`~flask_ecwid_sso.EcwidSSO` instead.
"""

from __future__ import annotations

import collections
import dataclasses
import threading
import typing as t

from cachelib import BaseCache, SimpleCache
from flask import Flask, current_app

from .api import EcwidClient
from .cache_backends import KEY as CACHE_KEY
from .cache_backends import backend_from_url, describe_url
from .callbacks import Callbacks
from .customer_cache import CustomerCache
from .exceptions import ConfigError
from .payload_claims import LocalClaims, SharedClaims
from .settings import Settings
from .shared_state import SharedState
from .signing import SSOSigner
from .tokens import SignOutTokens

if t.TYPE_CHECKING:
    from .extension import EcwidSSO

EXTENSION_KEY = "ecwid_sso"
#: How long a webhook's ``eventId`` is remembered: Ecwid retries a delivery for 24 hours.
SEEN_WEBHOOK_TTL = 25 * 3600
#: Values kept in an app's memo of rendered snippets and store URLs, past which it starts again.
MEMO_SIZE = 256


@dataclasses.dataclass(eq=False)
class AppState:
    """The settings, signer, callbacks, shared state and REST client of one app."""

    extension: EcwidSSO
    settings: Settings
    callbacks: Callbacks
    signer: SSOSigner | None
    shared: SharedState
    customers: CustomerCache
    sign_out: SignOutTokens
    #: The last page mistakes this process saw (a second store widget...), for the debug page.
    page_warnings: collections.deque[str] = dataclasses.field(
        default_factory=lambda: collections.deque(maxlen=20), repr=False
    )
    #: Rendered snippets and store URLs, by what they depend on (see rendering, store_pages).
    snippets: dict[t.Hashable, t.Any] = dataclasses.field(default_factory=dict, repr=False)
    blueprint_urls: dict[str, t.Any] = dataclasses.field(default_factory=dict, repr=False)
    configs: dict[t.Hashable, t.Any] = dataclasses.field(default_factory=dict, repr=False)
    client_lock: threading.Lock = dataclasses.field(default_factory=threading.Lock, repr=False)
    client_instance: EcwidClient | None = dataclasses.field(default=None, repr=False)

    @classmethod
    def create(
        cls, app: Flask, extension: EcwidSSO, settings: Settings, callbacks: Callbacks
    ) -> AppState:
        """The state of ``app``, registered with these settings (connects to nothing yet)."""
        cache, description, shared_between_processes = _backend(app, settings.cache)
        shared = SharedState(
            cache,
            namespace=f"ecwid-sso:{settings.store_id}",
            description=description,
            shared=shared_between_processes,
        )
        claims = SharedClaims(shared, LocalClaims()) if shared.shared else LocalClaims()
        return cls(
            extension=extension,
            settings=settings,
            callbacks=callbacks,
            signer=settings.make_signer(claims),
            shared=shared,
            customers=CustomerCache(shared, ttl=settings.customer_cache_ttl),
            sign_out=SignOutTokens(),
        )

    def remember(self, key: t.Hashable, value: t.Any) -> None:
        """Keep ``value`` in :attr:`snippets`, emptied first when it holds ``MEMO_SIZE`` values."""
        if len(self.snippets) >= MEMO_SIZE:
            self.snippets.clear()
        self.snippets[key] = value

    def remember_webhook(self, event_id: str) -> bool:
        """Whether ``event_id`` is new to every process sharing the store; remember it if so.

        Raises :class:`~flask_ecwid_sso.shared_state.StoreUnavailable` when the
        store cannot tell.
        """
        return self.shared.add(f"webhook:{event_id}", 1, ttl=SEEN_WEBHOOK_TTL)

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


def _backend(app: Flask, value: object) -> tuple[BaseCache, str, bool]:
    if isinstance(value, str):
        cache, shared = backend_from_url(value)
        return cache, describe_url(value), shared
    if not isinstance(value, BaseCache):
        # A Flask-Caching Cache keeps its backend in app.extensions["cache"].
        registered = app.extensions.get("cache")
        backend = registered.get(value) if isinstance(registered, dict) else None
        if not isinstance(backend, BaseCache):
            raise ConfigError(
                f"{CACHE_KEY} must be a URL, a cachelib cache, or a Flask-Caching Cache"
                " already registered on this app (call its init_app first), not a"
                f" {type(value).__name__}",
                key=CACHE_KEY,
            )
        value = backend
    return value, f"{type(value).__name__} instance", not isinstance(value, SimpleCache)


def app_state(app: Flask | None = None) -> AppState:
    """The extension's state for ``app`` (default: the current app)."""
    app = app or current_app
    try:
        state: AppState = app.extensions[EXTENSION_KEY]
    except KeyError:
        raise RuntimeError(
            "EcwidSSO is not registered on this app: did you call sso.init_app(app)?"
        ) from None
    return state
