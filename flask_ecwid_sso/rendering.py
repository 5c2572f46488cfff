"""The SSO parts of a page: the SSO script, Ecwid's loader and the widgets.

How snippets are rendered and reused lives in :mod:`.snippets`; the response
headers they call for in :mod:`.response_headers`.
"""

from __future__ import annotations

import logging
import time
import typing as t

from flask import url_for
from markupsafe import Markup

from .identity import Identity, current_identity
from .snippets import (
    PageState,
    page_state,
    render_snippet,
    script_frame,
)
from .store_pages import clean_url_base, store_lang
from .tokens import SIGN_OUT_REUSE, user_marker
from .widgets import (
    Embed,
    StoreOptions,
    WidgetKind,
    check_base_url,
    embed,
    script_json,
    script_src,
)

if t.TYPE_CHECKING:
    from typing_extensions import Unpack

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
    root = page.request.root_path
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
    identity = current_identity(page.globals, page.app)
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
    return _fill_frame(frame, page, identity)


def _fill_frame(frame: tuple[str, str, str], page: PageState, identity: Identity) -> Markup:
    """The SSO script's frame (and what follows it) with this page's payload and config."""
    before, between, after = frame
    config = _config_json(page, identity)
    # A payload is base64, hex digits, digits and spaces (or ''): quoted, it is script-safe JSON.
    return Markup(f'{before}"{identity.payload}"{between}{config}{after}')  # noqa: S704


#: Browser configs kept per app, past which the memo starts again.
_CONFIGS_SIZE = 4096


def _config_json(page: PageState, identity: Identity) -> Markup:
    # A user's config changes only with their nonce, their store login, the script
    # root, and when the reused sign-out token is renewed: encode it once for those.
    nonce = page.state.sign_out.nonce(page.globals, page.request)
    if identity.logged_in and nonce is None:
        return script_json(browser_config(identity, page))  # draws this browser's nonce
    renewal = int(time.time() // SIGN_OUT_REUSE)
    key = (nonce, identity.user_id, bool(identity.payload), page.request.root_path, renewal)
    configs = page.state.configs
    found: Markup | None = configs.get(key)
    if found is None:
        found = script_json(browser_config(identity, page))
        if len(configs) >= _CONFIGS_SIZE:
            configs.clear()
        configs[key] = found
    return found


def _loader_code(page: PageState, *, lang: str | None, base_url: str | None) -> Markup:
    settings = page.state.settings
    return render_snippet(
        "ecwid_sso/loader.html",
        page=page,
        src=script_src(settings.script_url, settings.store_id, lang=lang),
        base_url=base_url,
    )


def _embed_code(page: PageState, code: Embed) -> Markup:
    return render_snippet(
        code.template,
        page=page,
        container_id=code.container_id,
        function=code.function,
        arguments=code.arguments,
    )


def ecwid_sso_script() -> Markup:
    """The ``ecwid_sso_script()`` template global: :meth:`~flask_ecwid_sso.EcwidSSO.sso_script`."""
    return sso_script()


def ecwid_widget(
    kind: WidgetKind = "store",
    *,
    lang: str | None = None,
    base_url: str | None = None,
    **options: Unpack[StoreOptions],
) -> Markup:
    """The ``ecwid_widget()`` template global: :meth:`~flask_ecwid_sso.EcwidSSO.widget`.

    A plain function, not the bound method, because Jinja calls those faster.
    """
    page = page_state()
    code = embed(kind, page.state.settings.store_id, options)
    return widget(page, code, lang=lang, base_url=base_url)


def widget(page: PageState, code: Embed, *, lang: str | None, base_url: str | None) -> Markup:
    """One widget's embed code, preceded on the page's first widget by the scripts it needs.

    Those scripts are the SSO script and Ecwid's loader, whose ``lang`` defaults
    to the request's store language and ``base_url`` to the clean-URL base (see
    :mod:`.store_pages`). Both apply to the whole page: a later widget refuses them.
    A second widget of a kind that lives in a container (store, categories,
    search) would stay empty, since Ecwid fills the first element of an id
    only: it is logged as a warning naming the page, and listed on the debug
    page. Cart icons may repeat.
    """
    if code.container_id is not None:
        if code.container_id in page.containers:
            warning = (
                f"{page.request.path} renders a second widget into #{code.container_id}: Ecwid"
                " fills only the first, so the second stays empty. Keep one widget of each"
                " kind per page"
            )
            logger.warning("Ecwid SSO: %s", warning)
            page.state.page_warnings.append(warning)
        page.containers.add(code.container_id)
    if page.loader:  # a later widget: the page has its scripts, in one language and base
        if lang is not None or base_url is not None:
            raise ValueError(
                "lang and base_url apply to the whole page: give them to the first"
                " ecwid_widget() call of the page"
            )
        return _embed_code(page, code)
    # Ecwid's loader (script.js and the clean-URL config) comes with the first widget.
    if lang is None:
        lang = store_lang(page.state)
    base_url = clean_url_base(page.state) if base_url is None else check_base_url(base_url)
    if page.memoize:
        # The usual page: its scripts and this embed code come from the memo, whole.
        if page.script or page.state.signer is None:
            page.loader = True
            return Markup(_loader_and_embed(page, code, lang=lang, base_url=base_url))  # noqa: S704
        whole = _first_widget(page, code, lang=lang, base_url=base_url)
        if whole is not None:
            return whole
    script = sso_script(page)
    page.loader = True
    loader_code = _loader_code(page, lang=lang, base_url=base_url)
    return Markup(f"{script}{loader_code}{_embed_code(page, code)}")  # noqa: S704 - all Markup


#: Mark the memo entries of a page's first widget, and of a loader with an embed code.
_FIRST_WIDGET = "first widget"
_LOADER_AND_EMBED = "loader and embed"


def _first_widget(
    page: PageState, code: Embed, *, lang: str | None, base_url: str | None
) -> Markup | None:
    """What :func:`widget` gives for a page's first widget, assembled from one memo entry.

    Everything but the payload and the browser config is the same from page to
    page: the SSO script's frame, the loader and the embed code are kept as
    three strings, per widget, language, base URL and script root. ``None``
    when an app's own ``sso_script.html`` cannot be split that way.
    """
    state = page.state
    key = (_FIRST_WIDGET, code, lang, base_url, page.request.root_path)
    parts: tuple[str, str, str] | bool | None = state.snippets.get(key)
    if parts is None:
        parts = _first_widget_parts(page, code, lang=lang, base_url=base_url) or False
        state.remember(key, parts)
    if not isinstance(parts, tuple):
        return None
    page.script = page.loader = True
    return _fill_frame(parts, page, current_identity(page.globals, page.app, state))


def _first_widget_parts(
    page: PageState, code: Embed, *, lang: str | None, base_url: str | None
) -> tuple[str, str, str] | None:
    frame = script_frame(page, blueprint_urls(page).helper)
    if frame is None:
        return None
    before, between, after = frame
    return before, between, after + _loader_and_embed(page, code, lang=lang, base_url=base_url)


def _loader_and_embed(
    page: PageState, code: Embed, *, lang: str | None, base_url: str | None
) -> str:
    """Ecwid's loader and a widget's embed code, rendered once per widget, language and base."""
    key = (_LOADER_AND_EMBED, code, lang, base_url)
    found: str | None = page.state.snippets.get(key)
    if found is None:
        loader_code = _loader_code(page, lang=lang, base_url=base_url)
        found = f"{loader_code}{_embed_code(page, code)}"
        page.state.remember(key, found)
    return found
