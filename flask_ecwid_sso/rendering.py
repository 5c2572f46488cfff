"""The snippets on the page, and the response headers they call for.

Snippets render straight from the app's Jinja environment, skipping Flask's
context processors (they need only what they are given, and they run on every
page). They are ``.html`` templates, so Jinja autoescapes every value in them.
"""

from __future__ import annotations

import dataclasses
import logging
import typing as t

from flask import Response, current_app, g, request, url_for
from markupsafe import Markup

from .identity import Identity, current_identity, resolved_identity
from .state import app_state
from .store_pages import clean_url_base, store_lang
from .tokens import user_marker
from .widgets import Embed, check_base_url, script_src

_G_NAME = "_ecwid_sso_page"

logger = logging.getLogger("flask_ecwid_sso")


@dataclasses.dataclass
class PageState:
    """What one response has carried so far."""

    script: bool = False
    loader: bool = False
    personal: bool = False
    containers: set[str] = dataclasses.field(default_factory=set)


def page_state() -> PageState:
    """The current response's :class:`PageState`, made on first use."""
    page: PageState | None = g.get(_G_NAME)
    if page is None:
        page = PageState()
        setattr(g, _G_NAME, page)
    return page


def mark_personal() -> None:
    """Mark the current response as personal: never stored by any cache."""
    page_state().personal = True


def csp_nonce() -> str | None:
    """The request's CSP nonce (Flask-Talisman sets ``request.csp_nonce``), if any."""
    nonce = getattr(request, "csp_nonce", None)
    return nonce if isinstance(nonce, str) and nonce else None


def render_snippet(template: str, **context: t.Any) -> Markup:
    """Render one of ``templates/ecwid_sso/`` with ``context`` and the CSP nonce."""
    snippet = current_app.jinja_env.get_template(template)
    return Markup(snippet.render(nonce=csp_nonce(), **context))  # noqa: S704


def login_marker(identity: Identity) -> str:
    """An opaque marker of who the store sees, for cross-tab sync; never the payload."""
    if not identity.payload or identity.user_id is None:
        return "anonymous"
    return user_marker(identity.user_id)


def sign_out_token(identity: Identity) -> str | None:
    """A sign-out token for the identity's user and this session, or ``None`` for nobody."""
    if not identity.logged_in or identity.user_id is None:
        return None
    return app_state().sign_out.issue(identity.user_id)


def browser_config(identity: Identity) -> dict[str, t.Any]:
    """What the browser helper needs: the blueprint's URLs and the login-state marker.

    The URLs are paths: the helper makes them absolute with the page's own
    origin, so no URL depends on the request's ``Host`` header.
    """
    token = sign_out_token(identity)
    return {
        "profileUrl": url_for("ecwid_sso.profile"),
        "signInUrl": url_for("ecwid_sso.sign_in"),
        "signOutUrl": None if token is None else url_for("ecwid_sso.sign_out", token=token),
        "state": login_marker(identity),
        "redirectSignInPage": app_state().settings.redirect_sign_in_page,
    }


def sso_script() -> Markup:
    """The SSO script, once per page: ``ecwid_sso_profile`` and the sync helper.

    Renders nothing when SSO is off or the page has it already.
    """
    page = page_state()
    if app_state().signer is None or page.script:
        return Markup("")
    page.script = True
    identity = current_identity()
    return render_snippet(
        "ecwid_sso/sso_script.html",
        payload=identity.payload,
        config=browser_config(identity),
        helper_url=url_for("ecwid_sso.static", filename="ecwid_sso/ecwid-sso.js"),
    )


def loader(*, lang: str | None, base_url: str | None) -> Markup:
    """Ecwid's ``script.js`` (and the clean-URL config), once per page.

    ``lang`` defaults to the request's store language, ``base_url`` to the
    clean-URL base (see :mod:`.store_pages`).
    """
    page = page_state()
    if page.loader:
        if lang is not None or base_url is not None:
            raise ValueError(
                "lang and base_url apply to the whole page: give them to the first"
                " ecwid_widget() call of the page"
            )
        return Markup("")
    page.loader = True
    settings = app_state().settings
    return render_snippet(
        "ecwid_sso/loader.html",
        src=script_src(
            settings.script_url, settings.store_id, lang=store_lang() if lang is None else lang
        ),
        base_url=clean_url_base() if base_url is None else check_base_url(base_url),
    )


def widget(code: Embed, *, lang: str | None, base_url: str | None) -> Markup:
    """One widget's embed code, preceded on the page's first widget by the scripts it needs.

    A second widget of a kind that lives in a container (store, categories,
    search) would stay empty, since Ecwid fills the first element of an id
    only: it is logged as a warning naming the page, and listed on the debug
    page. Cart icons may repeat.
    """
    page = page_state()
    if code.container_id is not None:
        if code.container_id in page.containers:
            warning = (
                f"{request.path} renders a second widget into #{code.container_id}: Ecwid"
                " fills only the first, so the second stays empty. Keep one widget of each"
                " kind per page"
            )
            logger.warning("Ecwid SSO: %s", warning)
            app_state().page_warnings.append(warning)
        page.containers.add(code.container_id)
    return Markup("").join(
        (
            sso_script(),
            loader(lang=lang, base_url=base_url),
            render_snippet(
                code.template,
                container_id=code.container_id,
                function=code.function,
                arguments=code.arguments,
            ),
        )
    )


def mark_response(response: Response) -> Response:
    """Set the cache headers a response's Ecwid content calls for (an ``after_request`` hook).

    A page with the SSO script varies on the cookie (a cached anonymous page
    would log a shopper out of the store). A personal one is never stored,
    whatever the app set: one that carries a payload, a page with the script
    while a site user is logged in (it holds their sign-out link and login
    marker, whatever the profile loader said), or one a view marked personal.
    """
    page: PageState = g.get(_G_NAME) or PageState()
    identity = resolved_identity()
    if page.script or page.personal:
        response.vary.add("Cookie")
    signed_in = identity is not None and (
        bool(identity.payload) or (page.script and identity.logged_in)
    )
    if page.personal or signed_in:
        response.headers["Cache-Control"] = "private, no-store"
        for header in _SHARED_CACHE_HEADERS:
            response.headers.pop(header, None)
    return response


#: Headers that would let a cache keep or serve the page: dropped from personal ones.
_SHARED_CACHE_HEADERS = ("Expires", "CDN-Cache-Control", "Surrogate-Control")


def deny_framing(response: Response) -> Response:
    """Forbid framing the blueprint's HTML pages (clickjacking), merged into the app's CSP.

    An app-level ``after_request`` hook, so that it runs after the hooks the
    app registers once the extension is set up, and sees their policy.
    """
    if request.blueprint != "ecwid_sso" or response.mimetype != "text/html":
        return response
    response.headers["X-Frame-Options"] = "DENY"
    kept = [
        directive.strip()
        for directive in response.headers.get("Content-Security-Policy", "").split(";")
        if directive.strip() and directive.split()[0].lower() != "frame-ancestors"
    ]
    response.headers["Content-Security-Policy"] = "; ".join([*kept, "frame-ancestors 'none'"])
    return response
