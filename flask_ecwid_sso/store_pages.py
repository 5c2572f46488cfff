"""The store page: served at its base URL and below it, with clean URLs and the shopper's language.

With clean URLs Ecwid shows each store page at a path below the store page's
base URL (``/store/Coffee``, ``/store/House-Blend-250-g``) and opens the page a
path names when the store loads, so the site must serve the store page for
every such path: :func:`store_route` registers both rules. The loader reads
the base URL and the language of the current request from here.
"""

from __future__ import annotations

import functools
import typing as t
from collections.abc import Callable

from flask import Blueprint, Flask, current_app, g, request, url_for
from flask.typing import ResponseReturnValue, RouteCallable

from .exceptions import ConfigError
from .state import AppState, app_state
from .widgets import check_lang

#: The URL variable that holds the part of the path below the store's base URL.
STORE_PATH = "store_path"

T_store_view = t.TypeVar("T_store_view", bound=RouteCallable)

_G_NAME = "_ecwid_sso_store_route"


def store_route(
    scaffold: Flask | Blueprint, rule: str, **options: t.Any
) -> Callable[[T_store_view], T_store_view]:
    """A decorator that serves a view at ``rule`` (the base URL) and at every path below it.

    ``rule`` gets a trailing slash if it has none. Both rules share the view's
    endpoint, so ``url_for`` of it gives the base URL; ``options`` are
    ``add_url_rule``'s. The view is called without the part below the base,
    which stays in ``request.view_args["store_path"]``.
    """
    if not rule.startswith("/"):
        raise ValueError(f"a store route starts with '/', not {rule!r}")
    base = rule if rule.endswith("/") else f"{rule}/"

    def register(view: T_store_view) -> T_store_view:
        rule_options = dict(options)
        endpoint = rule_options.pop("endpoint", None) or view.__name__

        @functools.wraps(view)
        def store_page(**values: t.Any) -> ResponseReturnValue:
            setattr(g, _G_NAME, True)
            values.pop(STORE_PATH, None)
            return current_app.ensure_sync(view)(**values)  # type: ignore[no-any-return]

        scaffold.add_url_rule(base, endpoint, store_page, **rule_options)
        scaffold.add_url_rule(f"{base}<path:{STORE_PATH}>", endpoint, store_page, **rule_options)
        return view

    return register


def clean_url_base(state: AppState | None = None) -> str | None:
    """The base URL of the store's clean URLs on this page, or ``None`` while they are off.

    With ``ECWID_CLEAN_URLS`` on it is the base of the :func:`store_route`
    serving this request, else the URL of ``ECWID_STORE_ENDPOINT``.
    """
    state = state or app_state()
    settings = state.settings
    if not settings.clean_urls:
        return None
    if g.get(_G_NAME) and request.endpoint is not None:
        values = dict(request.view_args or {})
        values.pop(STORE_PATH, None)
        return _store_base(state, request.endpoint, values)
    if settings.store_endpoint is not None:
        return url_for(settings.store_endpoint)
    raise ConfigError(
        "ECWID_CLEAN_URLS is on, but this page is not served by sso.store_route() and"
        " ECWID_STORE_ENDPOINT is not set: serve the store page with sso.store_route(),"
        " set ECWID_STORE_ENDPOINT, or give this page's first widget base_url=",
        key="ECWID_CLEAN_URLS",
    )


def _store_base(state: AppState, endpoint: str, values: dict[str, t.Any]) -> str:
    # url_for is a good part of a store page's work: its answer is kept where it can
    # depend on nothing but the endpoint, the values and the script root, that is where
    # no url_defaults function (of the app or any blueprint) could add values and the
    # URL map ignores hosts.
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    if (
        app.url_map.host_matching
        or app.subdomain_matching
        or any(app.url_default_functions.values())
    ):
        return url_for(endpoint, **values)
    try:
        key = (_G_NAME, endpoint, request.root_path, *sorted(values.items()))
        base: str | None = state.snippets.get(key)
    except TypeError:  # a value that cannot be a key
        return url_for(endpoint, **values)
    if base is None:
        base = url_for(endpoint, **values)
        state.remember(key, base)
    return base


def store_lang(state: AppState | None = None) -> str | None:
    """The store's language for this request: the locale loader's, else ``ECWID_STORE_LANG``.

    Raises ``ValueError`` when the loader gives something that is not a
    language code (``"pt-BR"`` is taken as ``"pt_BR"``).
    """
    state = state or app_state()
    lang = state.callbacks.locale()
    if lang is None:
        return state.settings.store_lang
    if not isinstance(lang, str):
        raise ValueError(f"the locale loader must return a string or None, not {lang!r}")
    try:
        return check_lang(lang.replace("-", "_"))
    except ValueError as exc:
        raise ValueError(f"the locale loader's answer: {exc}") from None
