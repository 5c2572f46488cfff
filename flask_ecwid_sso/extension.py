"""``EcwidSSO``: the Flask extension that ties Ecwid's storefront SSO into an app."""

from __future__ import annotations

import dataclasses
import logging
import threading
import typing as t
from collections.abc import Callable, Mapping

from flask import Flask, Response, current_app, g, request, url_for
from markupsafe import Markup

from . import signals
from .api import EcwidClient
from .app_payload import AppPayload, decode_app_payload
from .cache import TTLCache
from .customers import Customer
from .exceptions import ConfigError, PayloadError, ProfileError
from .profile import Person, Profile
from .settings import Settings
from .signing import SSOSigner
from .tokens import SignOutTokens, user_marker
from .webhooks import WebhookEvent
from .widgets import (
    EcwidWidgetExtension,
    StoreView,
    WidgetKind,
    check_base_url,
    embed,
    script_json,
    script_src,
)

try:
    import flask_login
except ImportError:  # pragma: no cover - Flask-Login is optional
    flask_login = None

try:
    import flask_wtf
except ImportError:  # pragma: no cover - Flask-WTF is optional
    flask_wtf = None

logger = logging.getLogger("flask_ecwid_sso")

EXTENSION_KEY = "ecwid_sso"
# Misses are cached briefly: a shopper who just signed in may appear in Ecwid any moment.
MISS_TTL = 5.0

UserT = t.Any
CurrentUserLoader = Callable[[], UserT | None]
ProfileLoader = Callable[[UserT], "Profile | Mapping[str, t.Any] | None"]
UserIdLoader = Callable[[UserT], "str | int"]
LogoutHandler = Callable[[], object]
WebhookHandler = Callable[[WebhookEvent], object]
F = t.TypeVar("F", bound=Callable[..., t.Any])


def _default_current_user() -> UserT | None:
    if flask_login is None or not hasattr(current_app, "login_manager"):
        return None
    user = flask_login.current_user
    if user is None or not user.is_authenticated:
        return None
    return user._get_current_object()


def _default_profile(user: UserT) -> Profile:
    email = getattr(user, "email", None)
    if not email:
        raise ProfileError(
            f"{type(user).__name__} has no email attribute: register a profile loader with"
            " @sso.profile_loader",
            field="email",
        )
    name = getattr(user, "name", None) or " ".join(
        part
        for part in (getattr(user, "first_name", None), getattr(user, "last_name", None))
        if part
    )
    return Profile(email=email, billing_person=Person(name=name) if name else None)


def _default_user_id(user: UserT) -> str | int:
    user_id = getattr(user, "id", None)
    if user_id is None and callable(getattr(user, "get_id", None)):
        user_id = user.get_id()
    if user_id is None:
        raise ProfileError(
            f"{type(user).__name__} has neither id nor get_id(): register a loader with"
            " @sso.user_id_loader",
            field="userId",
        )
    return t.cast("str | int", user_id)


def _default_logout() -> object:
    if flask_login is None:
        raise ConfigError(
            "no logout handler: install Flask-Login or register one with @sso.logout_handler"
        )
    return flask_login.logout_user()


def _email_key(email: str) -> str:
    return email.strip().casefold()


def _propagates(app: Flask) -> bool:
    propagate = app.config.get("PROPAGATE_EXCEPTIONS")
    return bool(app.testing or app.debug) if propagate is None else bool(propagate)


@dataclasses.dataclass
class _AppState:
    """Everything the extension keeps for one app, in ``app.extensions["ecwid_sso"]``."""

    extension: EcwidSSO
    settings: Settings
    signer: SSOSigner | None
    customers: TTLCache[str, Customer | None]
    seen_webhooks: TTLCache[str, bool]
    sign_out: SignOutTokens
    _client: EcwidClient | None = None
    _client_lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)

    @property
    def client(self) -> EcwidClient:
        if self.settings.api_token is None:
            raise ConfigError(
                "ECWID_API_TOKEN is not set: the REST helper needs the app's secret_... token"
                " (Ecwid admin, #develop-apps)",
                key="ECWID_API_TOKEN",
            )
        with self._client_lock:
            if self._client is None:
                self._client = EcwidClient(
                    self.settings.store_id,
                    self.settings.api_token,
                    base_url=self.settings.api_url,
                    timeout=self.settings.api_timeout,
                    max_retries=self.settings.api_max_retries,
                )
            return self._client


class EcwidSSO:
    """Ecwid Storefront SSO for one or more Flask apps.

    ``EcwidSSO(app)`` or ``sso = EcwidSSO(); sso.init_app(app)``. Configuration is
    read from ``ECWID_*`` keys once, in :meth:`init_app`; callbacks registered
    with the decorators apply to every app the object is registered on.
    """

    def __init__(self, app: Flask | None = None) -> None:
        self._current_user_loader: CurrentUserLoader = _default_current_user
        self._profile_loader: ProfileLoader = _default_profile
        self._user_id_loader: UserIdLoader = _default_user_id
        self._logout_handler: LogoutHandler = _default_logout
        self._webhook_handlers: list[tuple[frozenset[str] | None, WebhookHandler]] = []
        self.on_webhook("customer.updated", "customer.deleted")(self._forget_customer)
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
        app.extensions[EXTENSION_KEY] = _AppState(
            extension=self,
            settings=settings,
            signer=settings.make_signer(),
            customers=TTLCache(ttl=settings.customer_cache_ttl),
            seen_webhooks=TTLCache(ttl=3600, max_size=10_000),
            sign_out=SignOutTokens(),
        )
        app.jinja_env.globals.update(ecwid_sso_script=self.sso_script, ecwid_widget=self.widget)
        app.jinja_env.filters["ecwid_json"] = script_json
        app.jinja_env.add_extension(EcwidWidgetExtension)
        app.after_request(self._mark_response)

        from .views import blueprint, exempt_from_csrf

        app.register_blueprint(blueprint, url_prefix=settings.url_prefix or None)
        if flask_wtf is not None:
            exempt_from_csrf(app)
            # CSRFProtect may be set up after us; its check runs after this hook then.
            app.before_request(lambda: exempt_from_csrf(current_app))

        from .cli import ecwid_command

        app.cli.add_command(ecwid_command)

    def current_user_loader(self, callback: F) -> F:
        """Register the function that returns the logged-in user, or ``None``."""
        self._current_user_loader = callback
        return callback

    def profile_loader(self, callback: F) -> F:
        """Register the function that turns a user into a :class:`Profile` (or mapping, or None)."""
        self._profile_loader = callback
        return callback

    def user_id_loader(self, callback: F) -> F:
        """Register the function that gives a user's Ecwid ``userId``; it must never change."""
        self._user_id_loader = callback
        return callback

    def logout_handler(self, callback: F) -> F:
        """Register the function that logs the current user out of the site."""
        self._logout_handler = callback
        return callback

    def on_webhook(self, *event_types: str) -> Callable[[F], F]:
        """Register a handler for verified webhooks of these types (none given: every type).

        Handlers run synchronously with a :class:`WebhookEvent` and should be
        quick. Ecwid does not sign the body: re-read the entity through
        :attr:`client` before trusting ``event.data``.
        """

        def register(handler: F) -> F:
            self._webhook_handlers.append((frozenset(event_types) or None, handler))
            return handler

        return register

    @staticmethod
    def state(app: Flask | None = None) -> _AppState:
        """The extension's state for ``app`` (default: the current app)."""
        app = app or current_app
        try:
            return t.cast(_AppState, app.extensions[EXTENSION_KEY])
        except KeyError:
            raise RuntimeError(
                "EcwidSSO is not registered on this app: did you call sso.init_app(app)?"
            ) from None

    @property
    def settings(self) -> Settings:
        """The current app's validated settings."""
        return self.state().settings

    @property
    def signer(self) -> SSOSigner:
        """The current app's :class:`SSOSigner`; :class:`ConfigError` when SSO is off."""
        signer = self.state().signer
        if signer is None:
            raise ConfigError("SSO is off (ECWID_SSO_ENABLED = False)", key="ECWID_SSO_ENABLED")
        return signer

    @property
    def client(self) -> EcwidClient:
        """The current app's :class:`EcwidClient`; :class:`ConfigError` without a token."""
        return self.state().client

    def current_user(self) -> UserT | None:
        """The logged-in user as the current user loader reports it, asked once per request."""
        if "_ecwid_sso_user" not in g:
            g._ecwid_sso_user = self._current_user_loader()
        return g._ecwid_sso_user

    def profile_for(self, user: UserT) -> Profile | None:
        """The :class:`Profile` the profile loader gives for ``user``, validated."""
        profile = self._profile_loader(user)
        if profile is None or isinstance(profile, Profile):
            return profile
        return Profile.from_ecwid(profile)

    def user_id_for(self, user: UserT) -> str:
        """The Ecwid ``userId`` of ``user``, as the string Ecwid receives."""
        return str(self._user_id_loader(user))

    def payload(self) -> str:
        """The SSO payload for this request's shopper, or ``''`` for nobody.

        Computed at most once per request. A loader that raises, or gives a
        profile Ecwid would refuse, makes the shopper count as logged out and is
        logged; when the app propagates exceptions (testing, debug) it raises.
        """
        cached: str | None = g.get("_ecwid_sso_payload")
        if cached is None:
            cached = g._ecwid_sso_payload = self._sign_current_user()
        return cached

    def _sign_current_user(self) -> str:
        state = self.state()
        if state.signer is None:
            return ""
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        try:
            user = self.current_user()
            if user is None:
                return ""
            profile = self.profile_for(user)
            if profile is None:
                return ""
            user_id = self.user_id_for(user)
            payload = state.signer.sign(user_id, profile)
        except Exception as exc:
            signals.payload_failed.send(app, error=exc)
            if _propagates(app):
                raise
            logger.error(
                "Ecwid SSO: treating the shopper as logged out, because %s: %s",
                type(exc).__name__,
                exc,
            )
            return ""
        signals.payload_issued.send(app, user_id=user_id)
        return payload

    def login_state(self) -> str:
        """An opaque marker of who is logged in, for cross-tab sync; never the payload."""
        if not self.payload():
            return "anonymous"
        return user_marker(self.user_id_for(self.current_user()))

    def sign_out_token(self) -> str | None:
        """A sign-out token for the current user and session, or ``None`` for nobody."""
        user = self.current_user()
        if user is None:
            return None
        return self.state().sign_out.issue(self.user_id_for(user))

    def browser_config(self) -> dict[str, t.Any]:
        """What the browser helper needs: the blueprint's URLs and the login-state marker."""
        token = self.sign_out_token()
        return {
            "profileUrl": url_for("ecwid_sso.profile"),
            "signInUrl": url_for("ecwid_sso.sign_in", _external=True),
            "signOutUrl": (
                None
                if token is None
                else url_for("ecwid_sso.sign_out", token=token, _external=True)
            ),
            "state": self.login_state(),
            "redirectSignInPage": self.settings.redirect_sign_in_page,
        }

    def _render(self, template: str, **context: t.Any) -> Markup:
        # The snippets need only what they are given, so they skip Flask's context
        # processors (rendered on every page, that adds up). They are .html, so
        # Jinja autoescapes every value in them.
        snippet = current_app.jinja_env.get_template(template)
        return Markup(snippet.render(nonce=self._nonce(), **context))  # noqa: S704

    def _nonce(self) -> str | None:
        nonce = getattr(request, "csp_nonce", None)
        return nonce if isinstance(nonce, str) and nonce else None

    def sso_script(self) -> Markup:
        """The SSO script: defines ``ecwid_sso_profile`` and loads the sync helper.

        Renders once per page; later calls return nothing. Renders nothing when
        SSO is off.
        """
        if self.state().signer is None or g.get("_ecwid_sso_script"):
            return Markup("")
        g._ecwid_sso_script = True
        return self._render(
            "ecwid_sso/sso_script.html",
            payload=self.payload(),
            config=self.browser_config(),
            helper_url=url_for("ecwid_sso.static", filename="ecwid_sso/ecwid-sso.js"),
        )

    def widget(
        self,
        kind: WidgetKind = "store",
        *,
        default_category_id: int | None = None,
        default_product_id: int | None = None,
        categories_per_row: int | None = None,
        views: str | None = None,
        category_view: StoreView | None = None,
        search_view: StoreView | None = None,
        lang: str | None = None,
        base_url: str | None = None,
    ) -> Markup:
        """The embed code of one Ecwid widget: ``store``, ``categories``, ``search`` or ``cart``.

        The first widget of a page also brings the SSO script and Ecwid's
        ``script.js``; ``lang`` and ``base_url`` (the store page's path, for
        Ecwid's clean URLs) belong to that first call. The store options are
        Ecwid's ``xProductBrowser`` settings, validated.
        """
        code = embed(
            kind,
            self.settings.store_id,
            default_category_id=default_category_id,
            default_product_id=default_product_id,
            categories_per_row=categories_per_row,
            views=views,
            category_view=category_view,
            search_view=search_view,
        )
        return Markup("").join(
            (
                self.sso_script(),
                self._loader(lang=lang, base_url=base_url),
                self._render(
                    code.template,
                    container_id=code.container_id,
                    function=code.function,
                    arguments=code.arguments,
                ),
            )
        )

    def _loader(self, *, lang: str | None, base_url: str | None) -> Markup:
        if g.get("_ecwid_sso_loader"):
            if lang is not None or base_url is not None:
                raise ValueError(
                    "lang and base_url apply to the whole page: give them to the first"
                    " ecwid_widget() call of the page"
                )
            return Markup("")
        g._ecwid_sso_loader = True
        settings = self.settings
        return self._render(
            "ecwid_sso/loader.html",
            src=script_src(settings.script_url, settings.store_id, lang=lang),
            base_url=None if base_url is None else check_base_url(base_url),
        )

    def _mark_response(self, response: Response) -> Response:
        if g.get("_ecwid_sso_script") or g.get("_ecwid_sso_personal"):
            response.vary.add("Cookie")
        if g.get("_ecwid_sso_payload"):
            # Replaces what the app set: public or max-age would let a cache replay it.
            response.headers["Cache-Control"] = "private, no-store"
            response.headers.pop("Expires", None)
        return response

    def find_customer(self, email: str) -> Customer | None:
        """The Ecwid customer with exactly this email, or ``None``; cached per app.

        Hits are kept ``ECWID_CUSTOMER_CACHE_TTL`` seconds, misses a few
        seconds only. Needs ``ECWID_API_TOKEN``.
        """
        state = self.state()
        client = state.client
        key = _email_key(email)
        found, customer = state.customers.get(key)
        if found:
            return customer
        customer = client.find_customer_by_email(email)
        ttl = None if customer is not None else min(MISS_TTL, state.settings.customer_cache_ttl)
        state.customers.set(key, customer, ttl=ttl)
        return customer

    def customer_for(self, user: UserT) -> Customer | None:
        """The Ecwid customer of a site user, found by the email of their profile."""
        profile = self.profile_for(user)
        return None if profile is None else self.find_customer(profile.email)

    def _forget_customer(self, event: WebhookEvent) -> None:
        cache = self.state().customers
        if event.customer_email is not None:
            cache.delete(_email_key(event.customer_email))
        cache.delete_where(
            lambda customer: customer is not None and str(customer.id) == str(event.entity_id)
        )

    def dispatch_webhook(self, event: WebhookEvent) -> int:
        """Run every handler registered for ``event``; return how many ran.

        A handler that raises is logged and the others still run: Ecwid would
        retry a failed delivery for a day, which helps nobody.
        """
        signals.webhook_received.send(current_app._get_current_object(), event=event)  # type: ignore[attr-defined]
        ran = 0
        for event_types, handler in self._webhook_handlers:
            if event_types is not None and event.event_type not in event_types:
                continue
            ran += 1
            try:
                handler(event)
            except Exception:
                logger.exception(
                    "Ecwid webhook handler %s failed for %s %s",
                    getattr(handler, "__qualname__", handler),
                    event.event_type,
                    event.event_id,
                )
        return ran

    def app_payload(self) -> AppPayload:
        """The native-app payload of this request (``?payload=&app_state=``), decrypted.

        Raises :class:`PayloadError` when it is missing, malformed or not for this app.
        """
        secret = self.settings.client_secret
        if secret is None:
            raise ConfigError(
                "ECWID_CLIENT_SECRET is needed to decrypt native-app payloads",
                key="ECWID_CLIENT_SECRET",
            )
        decoded = decode_app_payload(request.args.get("payload", ""), secret)
        if decoded.store_id != self.settings.store_id:
            raise PayloadError(
                f"the payload is for store {decoded.store_id}, not ECWID_STORE_ID"
                f" {self.settings.store_id}: the app is installed on another store too"
            )
        return dataclasses.replace(decoded, app_state=request.args.get("app_state"))
