"""The SSO parts of a page (script, loader, widgets), and the response headers they call for.

How snippets are rendered and reused lives in :mod:`.snippets`.
"""

from __future__ import annotations

import logging
import time
import typing as t

from flask import Response, g, request, url_for
from markupsafe import Markup

from .identity import Identity, current_identity, resolved_identity
from .snippets import PageState, existing_page, page_state, render_snippet, script_frame
from .state import app_state
from .store_pages import clean_url_base, store_lang
from .tokens import SIGN_OUT_REUSE, user_marker
from .widgets import Embed, check_base_url, script_json, script_src

logger = logging.getLogger("flask_ecwid_sso")


def login_marker(identity: Identity) -> str:
    """An opaque marker of who the store sees, for cross-tab sync; never the payload."""
    if not identity.payload or identity.user_id is None:
        return "anonymous"
    return user_marker(identity.user_id)


def sign_out_token(identity: Identity, page: PageState | None = None) -> str | None:
    """A sign-out token for the identity's user and this browser, or ``None`` for nobody."""
    if not identity.logged_in or identity.user_id is None:
        return None
    return (page or page_state()).state.sign_out.issue(identity.user_id)


def browser_config(identity: Identity, page: PageState | None = None) -> dict[str, t.Any]:
    """What the browser helper needs: the blueprint's URLs and the login-state marker.

    The URLs are paths: the helper makes them absolute with the page's own
    origin, so no URL depends on the request's ``Host`` header.
    """
    page = page or page_state()
    urls = blueprint_urls(page)
    token = sign_out_token(identity, page)
    return {
        "profileUrl": urls.profile,
        "signInUrl": urls.sign_in,
        "signOutUrl": None if token is None else f"{urls.sign_out}?token={token}",
        "state": login_marker(identity),
        "redirectSignInPage": page.state.settings.redirect_sign_in_page,
    }


class BlueprintUrls(t.NamedTuple):
    """The blueprint's paths under the request's script root, built once per root."""

    profile: str
    sign_in: str
    sign_out: str
    helper: str


def blueprint_urls(page: PageState) -> BlueprintUrls:
    """The paths of the blueprint's routes and of the browser helper, for this request."""
    known = page.state.blueprint_urls
    root = page.request.script_root
    urls = known.get(root)
    if urls is None:
        urls = known[root] = BlueprintUrls(
            profile=url_for("ecwid_sso.profile"),
            sign_in=url_for("ecwid_sso.sign_in"),
            sign_out=url_for("ecwid_sso.sign_out"),
            helper=url_for("ecwid_sso.static", filename="ecwid_sso/ecwid-sso.js"),
        )
    return urls


def sso_script(page: PageState | None = None) -> Markup:
    """The SSO script, once per page: ``ecwid_sso_profile`` and the sync helper.

    Renders nothing when SSO is off or the page has it already.
    """
    page = page or page_state()
    if page.state.signer is None or page.script:
        return Markup("")
    page.script = True
    identity = current_identity()
    helper_url = blueprint_urls(page).helper
    frame = script_frame(page, helper_url) if page.memoize else None
    if frame is None:
        return render_snippet(
            "ecwid_sso/sso_script.html",
            page=page,
            payload=identity.payload,
            config=browser_config(identity, page),
            helper_url=helper_url,
        )
    before, between, after = frame
    payload, config = script_json(identity.payload), _config_json(page, identity)
    return Markup(f"{before}{payload}{between}{config}{after}")  # noqa: S704 - escaped parts


#: Browser configs kept per app, past which the memo starts again.
_CONFIGS_SIZE = 4096


def _config_json(page: PageState, identity: Identity) -> Markup:
    # A user's config changes only with their nonce, their store login, the script
    # root, and when the reused sign-out token is renewed: encode it once for those.
    nonce = page.state.sign_out.nonce()
    if identity.logged_in and nonce is None:
        return script_json(browser_config(identity, page))  # draws this browser's nonce
    renewal = int(time.time() // SIGN_OUT_REUSE)
    key = (nonce, identity.user_id, bool(identity.payload), page.request.script_root, renewal)
    configs = page.state.configs
    found: Markup | None = configs.get(key)
    if found is None:
        found = script_json(browser_config(identity, page))
        if len(configs) >= _CONFIGS_SIZE:
            configs.clear()
        configs[key] = found
    return found


def loader(page: PageState, *, lang: str | None, base_url: str | None) -> Markup:
    """Ecwid's ``script.js`` (and the clean-URL config), once per page.

    ``lang`` defaults to the request's store language, ``base_url`` to the
    clean-URL base (see :mod:`.store_pages`).
    """
    if page.loader:
        if lang is not None or base_url is not None:
            raise ValueError(
                "lang and base_url apply to the whole page: give them to the first"
                " ecwid_widget() call of the page"
            )
        return Markup("")
    page.loader = True
    settings = page.state.settings
    return render_snippet(
        "ecwid_sso/loader.html",
        page=page,
        src=script_src(
            settings.script_url,
            settings.store_id,
            lang=store_lang(page.state) if lang is None else lang,
        ),
        base_url=clean_url_base(page.state) if base_url is None else check_base_url(base_url),
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
            page.state.page_warnings.append(warning)
        page.containers.add(code.container_id)
    return Markup("").join(
        (
            sso_script(page),
            loader(page, lang=lang, base_url=base_url),
            render_snippet(
                code.template,
                page=page,
                container_id=code.container_id,
                function=code.function,
                arguments=code.arguments,
            ),
        )
    )


def finish_response(response: Response) -> Response:
    """The extension's one ``after_request`` hook: :func:`deny_framing`, then :func:`mark_response`.

    Registered on the app, so that it runs after the hooks the app registers
    once the extension is set up, and sees their headers and policy.
    """
    return mark_response(deny_framing(response))


def mark_response(response: Response) -> Response:
    """Set the cache headers a response's Ecwid content calls for.

    A page with the SSO script varies on the cookie (a cached anonymous page
    would log a shopper out of the store). A personal one is never stored,
    whatever the app set: one that carries a payload, a page with the script
    while a site user is logged in (it holds their sign-out link and login
    marker, whatever the profile loader said), or one a view marked personal.
    """
    request_g = g._get_current_object()
    app_state().sign_out.set_cookie(response)
    page = existing_page(request_g)
    identity = resolved_identity(request_g)
    if page is None and identity is None:
        return response  # nothing else of ours on this response
    page = page or page_state()
    signed_in = identity is not None and (
        bool(identity.payload) or (page.script and identity.logged_in)
    )
    personal = page.personal or signed_in
    if not (page.script or personal):
        return response
    headers = response.headers
    # One pass over the headers: a werkzeug lookup of a missing one raises inside.
    present = {name.lower() for name, _ in headers.items()}
    if page.script or page.personal:
        if "vary" not in present:
            headers.add("Vary", "Cookie")
        elif "cookie" not in headers["Vary"].lower():
            response.vary.add("Cookie")
    if personal:
        if "cache-control" in present:
            headers["Cache-Control"] = "private, no-store"
        else:
            headers.add("Cache-Control", "private, no-store")
        for header in _SHARED_CACHE_HEADERS:
            if header.lower() in present:
                headers.remove(header)
    return response


#: Headers that would let a cache keep or serve the page: dropped from personal ones.
_SHARED_CACHE_HEADERS = ("Expires", "CDN-Cache-Control", "Surrogate-Control")


def deny_framing(response: Response) -> Response:
    """Forbid framing the blueprint's HTML pages (clickjacking), merged into the app's CSP."""
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
