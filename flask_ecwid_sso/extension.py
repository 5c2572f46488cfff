"""``EcwidSSO``: the extension's public face, registration and callbacks.

The work lives beside it, one module a job: :mod:`.state` (per app),
:mod:`.identity` (per request), :mod:`.rendering` (snippets and headers),
:mod:`.store_pages` (the store page's routes and language), :mod:`.login_defaults`
(Flask-Login), :mod:`.locale_defaults` (Flask-Babel), :mod:`.customer_cache`, :mod:`.views`.
"""

from __future__ import annotations

import dataclasses
import logging
import typing as t
from collections.abc import Callable

from flask import Blueprint, Flask, current_app, request
from markupsafe import Markup

from . import login_defaults, rendering, response_headers, signals, store_pages
from .api import EcwidClient
from .app_payload import AppPayload, decode_app_payload
from .callbacks import (
    Callbacks,
    T_current_user_loader,
    T_locale_loader,
    T_logout_handler,
    T_profile_loader,
    T_user_id_loader,
    T_webhook_handler,
)
from .cli import ecwid_command
from .customers import Customer
from .exceptions import ConfigError, PayloadError
from .identity import current_identity, forget_identity, profile_of
from .settings import Settings
from .signing import SSOSigner
from .state import EXTENSION_KEY, AppState, app_state
from .store_pages import T_store_view
from .views import blueprint, exempt_from_csrf
from .webhooks import WebhookEvent
from .widgets import EcwidWidgetExtension, StoreOptions, WidgetKind, script_json

if t.TYPE_CHECKING:
    from typing_extensions import Unpack

logger = logging.getLogger("flask_ecwid_sso")


class EcwidSSO:
    """Ecwid Storefront SSO for one or more Flask apps.

    ``EcwidSSO(app)`` or ``sso = EcwidSSO(); sso.init_app(app)``. Configuration is
    read from ``ECWID_*`` keys once, in :meth:`init_app`; callbacks registered
    with the decorators apply to every app the object is registered on.
    """

    def __init__(self, app: Flask | None = None) -> None:
        self._callbacks = Callbacks()
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        """Read and check the app's ``ECWID_*`` config and register everything.

        Raises :class:`ConfigError` naming the key when a value is malformed,
        or missing while a feature needs it; :class:`RuntimeError` when the app
        is already registered.
        """
        if EXTENSION_KEY in app.extensions:
            raise RuntimeError(
                "EcwidSSO is already registered on this app: call init_app once per app"
            )
        settings = Settings.from_config(app.config)
        if settings.sso_enabled and not app.secret_key:
            raise ConfigError(
                "SECRET_KEY is required while ECWID_SSO_ENABLED is on: it keys sign-out"
                " links and the login-state marker (and sessions, for any login)",
                key="SECRET_KEY",
            )
        app.extensions[EXTENSION_KEY] = AppState.create(app, self, settings, self._callbacks)
        app.jinja_env.globals.update(
            ecwid_sso_script=rendering.ecwid_sso_script, ecwid_widget=rendering.ecwid_widget
        )
        app.jinja_env.filters["ecwid_json"] = script_json
        app.jinja_env.add_extension(EcwidWidgetExtension)
        app.after_request(response_headers.finish_response)
        app.register_blueprint(blueprint, url_prefix=settings.url_prefix or None)
        exempt_from_csrf(app)
        app.cli.add_command(ecwid_command)
        login_defaults.on_login_change(app, self.login_changed)

    def current_user_loader(self, callback: T_current_user_loader) -> T_current_user_loader:
        """Register the function that returns the logged-in user, or ``None``."""
        self._callbacks.current_user = callback
        return callback

    def profile_loader(self, callback: T_profile_loader) -> T_profile_loader:
        """Register the function that turns a user into a :class:`Profile` (or mapping, or None)."""
        self._callbacks.profile = callback
        return callback

    def user_id_loader(self, callback: T_user_id_loader) -> T_user_id_loader:
        """Register the function that gives a user's Ecwid ``userId``; it must never change."""
        self._callbacks.user_id = callback
        return callback

    def logout_handler(self, callback: T_logout_handler) -> T_logout_handler:
        """Register the function that logs the current user out of the site."""
        self._callbacks.logout = callback
        return callback

    def locale_loader(self, callback: T_locale_loader) -> T_locale_loader:
        """Register the function that gives the store's language for this request, or ``None``.

        It returns a code such as ``"fr"`` or ``"pt_BR"``; ``None`` falls back to
        ``ECWID_STORE_LANG``. Default: Flask-Babel's ``get_locale()``, when set
        up. A widget's own ``lang=`` wins over both.
        """
        self._callbacks.locale = callback
        return callback

    def store_route(
        self, scaffold: Flask | Blueprint, rule: str, **options: t.Any
    ) -> Callable[[T_store_view], T_store_view]:
        """Serve the decorated view as the store page: at ``rule`` and every path below it.

        ``@sso.store_route(app, "/store/")`` (or a blueprint) replaces
        ``@app.get("/store/")``; deep links and reloads of clean store URLs
        then reach the store page, whose widget takes its base URL from the
        route. ``url_for`` of the view gives the base; the view is called
        without the rest of the path (in ``request.view_args["store_path"]``).
        """
        return store_pages.store_route(scaffold, rule, **options)

    def on_webhook(self, *event_types: str) -> Callable[[T_webhook_handler], T_webhook_handler]:
        """Register a handler for verified webhooks of these types (none given: every type).

        Handlers run synchronously with a :class:`WebhookEvent` and should be
        quick. Ecwid does not sign the body: re-read the entity through
        :attr:`client` before trusting ``event.data``.
        """

        def register(handler: T_webhook_handler) -> T_webhook_handler:
            self._callbacks.webhook_handlers.append((frozenset(event_types) or None, handler))
            return handler

        return register

    @property
    def settings(self) -> Settings:
        """The current app's validated settings."""
        return app_state().settings

    @property
    def signer(self) -> SSOSigner:
        """The current app's :class:`SSOSigner`; :class:`ConfigError` when SSO is off."""
        signer = app_state().signer
        if signer is None:
            raise ConfigError("SSO is off (ECWID_SSO_ENABLED = False)", key="ECWID_SSO_ENABLED")
        return signer

    @property
    def client(self) -> EcwidClient:
        """The current app's :class:`EcwidClient`; :class:`ConfigError` without a token."""
        return app_state().client

    def current_user(self) -> t.Any:
        """This request's logged-in site user, or ``None`` (also when a loader failed)."""
        return current_identity().user

    def payload(self) -> str:
        """The SSO payload for this request's shopper, or ``''`` for nobody.

        Worked out at most once per request, with the user, ``userId`` and
        profile every other part of the extension reads. A loader that raises,
        or gives a profile Ecwid would refuse, makes the shopper count as
        logged out and is logged; when the app propagates exceptions (testing,
        debug) it raises.
        """
        return current_identity().payload

    def logout_current_user(self) -> None:
        """Log the current shopper out of the site and void their sign-out links.

        Calls the ``@sso.logout_handler`` (Flask-Login's ``logout_user`` by
        default) and sends :data:`~flask_ecwid_sso.signals.user_signed_out`.
        """
        user = self.current_user()
        self._callbacks.logout()
        app_state().sign_out.forget()
        forget_identity()
        signals.user_signed_out.send(current_app._get_current_object(), user=user)  # type: ignore[attr-defined]

    def login_changed(self) -> None:
        """Tell the extension that this request logged a user in or out of the site.

        Voids every sign-out link issued to the session, so that none outlives
        the login it was made for. With Flask-Login this happens on its own
        (``user_logged_in`` and ``user_logged_out``); call it after your own
        login and logout otherwise.
        """
        app_state().sign_out.forget()
        forget_identity()

    def sso_script(self) -> Markup:
        """The SSO script: defines ``ecwid_sso_profile`` and loads the sync helper.

        Renders once per page; later calls return nothing. Renders nothing when
        SSO is off.
        """
        return rendering.sso_script()

    def widget(
        self,
        kind: WidgetKind = "store",
        *,
        lang: str | None = None,
        base_url: str | None = None,
        **options: Unpack[StoreOptions],
    ) -> Markup:
        """The embed code of one Ecwid widget: ``store``, ``categories``, ``search`` or ``cart``.

        The first widget of a page also brings the SSO script and Ecwid's
        ``script.js``; ``lang`` (default: the request's store language) and
        ``base_url`` (the store page's path, which turns on Ecwid's clean URLs;
        default with ``ECWID_CLEAN_URLS``: the store route's base) belong to
        that first call. ``options`` are the store widget's
        :class:`~flask_ecwid_sso.widgets.StoreOptions`, validated.
        """
        return rendering.ecwid_widget(kind, lang=lang, base_url=base_url, **options)

    def find_customer(self, email: str) -> Customer | None:
        """The Ecwid customer with exactly this email, or ``None``; cached per app.

        Hits are kept ``ECWID_CUSTOMER_CACHE_TTL`` seconds, misses a few
        seconds only. Needs ``ECWID_API_TOKEN``.
        """
        state = app_state()
        client = state.client
        return state.customers.lookup(email, client.find_customer_by_email)

    def customer_for(self, user: t.Any) -> Customer | None:
        """The Ecwid customer of a site user, found by the email of their profile."""
        profile = profile_of(app_state().callbacks, user)
        return None if profile is None else self.find_customer(profile.email)

    def dispatch_webhook(self, event: WebhookEvent) -> int:
        """Run the handlers registered for ``event``; return how many ran.

        The blueprint's webhook view calls it once per verified, new event. A
        handler that raises is logged and the others still run: Ecwid would
        retry a failed delivery for a day, which helps nobody.
        """
        state = app_state()
        signals.webhook_received.send(current_app._get_current_object(), event=event)  # type: ignore[attr-defined]
        handlers = state.callbacks.handlers_for(event.event_type)
        for handler in handlers:
            try:
                handler(event)
            except Exception:
                logger.exception(
                    "Ecwid webhook handler %s failed for %s %s",
                    getattr(handler, "__qualname__", handler),
                    event.event_type,
                    event.event_id,
                )
        return len(handlers)

    def app_payload(self) -> AppPayload:
        """The native-app payload of this request (``?payload=&app_state=``), decrypted.

        Raises :class:`PayloadError` when it is missing, malformed or not for this app.
        """
        settings = app_state().settings
        if settings.client_secret is None:
            raise ConfigError(
                "ECWID_CLIENT_SECRET is needed to decrypt native-app payloads",
                key="ECWID_CLIENT_SECRET",
            )
        decoded = decode_app_payload(request.args.get("payload", ""), settings.client_secret)
        if decoded.store_id != settings.store_id:
            raise PayloadError(
                f"the payload is for store {decoded.store_id}, not ECWID_STORE_ID"
                f" {settings.store_id}: the app is installed on another store too"
            )
        return dataclasses.replace(decoded, app_state=request.args.get("app_state"))
