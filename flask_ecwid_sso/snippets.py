"""How the extension's snippets are rendered: per-page state, and what is reused between pages.

Snippets render straight from the app's Jinja environment with only what they
are given (no Flask globals, no context processors: they run on every page).
They are ``.html`` templates, so Jinja autoescapes every value in them. What
does not change from page to page (the loader, a widget, the frame of the SSO
script) is rendered once per app.
"""

from __future__ import annotations

import secrets
import typing as t

from flask import Flask, Request, current_app, g, request
from flask.ctx import _AppCtxGlobals
from markupsafe import Markup

from .state import AppState, app_state
from .widgets import script_json

#: Where on ``g`` the response's :class:`PageState` lives.
PAGE_KEY = "_ecwid_sso_page"


class PageState:
    """What one response has carried so far, and what its snippets are made with.

    ``memoize`` says whether snippets may be reused from earlier pages: not
    with a CSP nonce (unique to the page) nor while templates auto-reload.
    ``script``, ``loader`` and ``personal`` say whether the page has the SSO
    script, Ecwid's loader and anything personal so far; ``containers`` holds
    the ids of its widget containers.
    """

    # Made on every page that shows Ecwid: slots, and no dataclass machinery.
    __slots__ = (
        "app",
        "containers",
        "globals",
        "loader",
        "memoize",
        "nonce",
        "personal",
        "request",
        "script",
        "state",
    )

    def __init__(
        self,
        state: AppState,
        app: Flask,
        request: Request,
        request_globals: _AppCtxGlobals,
        nonce: str | None,
        memoize: bool,
    ) -> None:
        self.state = state
        self.app = app
        self.request = request
        self.globals = request_globals
        self.nonce = nonce
        self.memoize = memoize
        self.script = False
        self.loader = False
        self.personal = False
        self.containers: set[str] = set()


def page_state() -> PageState:
    """The current response's :class:`PageState`, made on first use."""
    # The proxies are looked up once here, not by every part of the page.
    # g's namespace itself, as its get() and setattr() are Python calls.
    page_g = g._get_current_object()
    namespace = vars(page_g)
    page: PageState | None = namespace.get(PAGE_KEY)
    if page is None:
        app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
        page_request: Request = request._get_current_object()  # type: ignore[attr-defined]
        nonce = csp_nonce(page_request)
        memoize = nonce is None and not app.jinja_env.auto_reload
        page = PageState(app_state(app), app, page_request, page_g, nonce, memoize)
        namespace[PAGE_KEY] = page
    return page


def mark_personal() -> None:
    """Mark the current response as personal: never stored by any cache."""
    page_state().personal = True


def csp_nonce(page_request: Request | None = None) -> str | None:
    """The request's CSP nonce (Flask-Talisman sets ``request.csp_nonce``), if any."""
    nonce = getattr(request if page_request is None else page_request, "csp_nonce", None)
    return nonce if isinstance(nonce, str) and nonce else None


def render_snippet(template: str, *, page: PageState | None = None, **context: t.Any) -> Markup:
    """Render one of ``templates/ecwid_sso/`` with ``context`` and the CSP nonce.

    Snippets see only what they are given (no Flask globals, no context
    processors): they run on every page. A snippet whose context is all
    hashable (the loader, a widget) is rendered once per app and context
    while the page allows it (see :class:`PageState`).
    """
    page = page or page_state()
    key: t.Hashable = None
    if page.memoize:
        try:
            key = (template, *context.items())  # keyword order is fixed per call site
            found: Markup | None = page.state.snippets.get(key)
        except TypeError:
            key = None
        else:
            if found is not None:
                return found
    rendered = _render(page, template, {"nonce": page.nonce, **context})
    if key is not None:
        page.state.remember(key, rendered)
    return rendered


def _render(page: PageState, template: str, values: dict[str, t.Any]) -> Markup:
    environment = page.app.jinja_env
    snippet = environment.get_template(template)
    text = environment.concat(snippet.root_render_func(snippet.new_context(values, shared=True)))
    return Markup(text)  # noqa: S704 - an autoescaping .html template rendered it


#: Stand-ins for the SSO script's two per-page values, to render its frame once.
_PAYLOAD_SLOT = f"ecwid-sso-payload-{secrets.token_hex(8)}"
_CONFIG_SLOT = f"ecwid-sso-config-{secrets.token_hex(8)}"


def script_frame(page: PageState, helper_url: str) -> tuple[str, str, str] | None:
    """The SSO script around its payload and config, rendered once per app, when it can be.

    An app's own ``sso_script.html`` that uses the two values other than once
    each through ``ecwid_json`` gets ``None``: it is rendered in full every page.
    """
    key = ("sso_script frame", helper_url)
    frame: tuple[str, str, str] | bool | None = page.state.snippets.get(key)
    if frame is None:
        text = str(
            _render(
                page,
                "ecwid_sso/sso_script.html",
                {
                    "nonce": None,
                    "payload": _PAYLOAD_SLOT,
                    "config": _CONFIG_SLOT,
                    "helper_url": helper_url,
                },
            )
        )
        payload, config = str(script_json(_PAYLOAD_SLOT)), str(script_json(_CONFIG_SLOT))
        usable = text.count(payload) == 1 and text.count(config) == 1
        if usable and text.index(payload) < text.index(config):
            before, rest = text.split(payload)
            between, after = rest.split(config)
            frame = (before, between, after)
        else:
            frame = False
        page.state.remember(key, frame)
    return frame if isinstance(frame, tuple) else None
