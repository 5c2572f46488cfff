"""The response headers a page's Ecwid content calls for: caching and framing.

One ``after_request`` hook, :func:`finish_response`, sets them all.
"""

from __future__ import annotations

from flask import Response, g, request

from .identity import IDENTITY_KEY, Identity
from .snippets import PAGE_KEY, PageState, page_state
from .state import app_state
from .tokens import NEW_NONCE_KEY


def finish_response(response: Response) -> Response:
    """The extension's one ``after_request`` hook: :func:`deny_framing`, then :func:`mark_response`.

    Registered on the app, so that it runs after the hooks the app registers
    once the extension is set up, and sees their headers and policy.
    """
    # It runs on every response: g's namespace is read once, and the proxies are
    # looked up only when the page has not got them.
    namespace = vars(g._get_current_object())
    page: PageState | None = namespace.get(PAGE_KEY)
    if page is None:
        state, page_request = app_state(), request._get_current_object()  # type: ignore[attr-defined]
    else:
        state, page_request = page.state, page.request
    nonce = namespace.get(NEW_NONCE_KEY)
    if nonce is not None:
        state.sign_out.set_cookie(response, nonce)
    if page_request.blueprint == "ecwid_sso":
        deny_framing(response)
    return mark_response(response, page, namespace.get(IDENTITY_KEY))


def mark_response(
    response: Response, page: PageState | None, identity: Identity | None
) -> Response:
    """Set the cache headers a response's Ecwid content calls for.

    A page with the SSO script varies on the cookie (a cached anonymous page
    would log a shopper out of the store). A personal one is never stored,
    whatever the app set: one that carries a payload, a page with the script
    while a site user is logged in (it holds their sign-out link and login
    marker, whatever the profile loader said), or one a view marked personal.
    ``page`` and ``identity`` are the request's, if anything of ours made them.
    """
    if page is None:
        if identity is None:
            return response  # nothing of ours on this response
        page = page_state()
    signed_in = identity is not None and (
        bool(identity.payload) or (page.script and identity.logged_in)
    )
    personal = page.personal or signed_in
    if not (page.script or personal):
        return response
    headers = response.headers
    # One pass over the headers: a werkzeug lookup of a missing one raises inside.
    present = {name.lower() for name, _ in headers}
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
            if header in present:
                headers.remove(header)
    return response


#: Headers that would let a cache keep or serve the page: dropped from personal ones.
_SHARED_CACHE_HEADERS = ("expires", "cdn-cache-control", "surrogate-control")


def deny_framing(response: Response) -> Response:
    """Forbid framing an HTML response (clickjacking), merged into the app's CSP.

    :func:`finish_response` calls it for the blueprint's responses.
    """
    if response.mimetype != "text/html":
        return response
    response.headers["X-Frame-Options"] = "DENY"
    kept = [
        directive.strip()
        for directive in response.headers.get("Content-Security-Policy", "").split(";")
        if directive.strip() and directive.split()[0].lower() != "frame-ancestors"
    ]
    response.headers["Content-Security-Policy"] = "; ".join([*kept, "frame-ancestors 'none'"])
    return response
