"""The embed code of Ecwid's widgets, and the ``{% ecwid_widget %}`` tag.

Every value that reaches JavaScript goes through :func:`script_json`, which
cannot be broken out of inside a ``<script>`` element. The one exception is
the SSO payload: :meth:`~flask_ecwid_sso.SSOSigner.sign` makes it of base64,
hex digits, digits and spaces only, so it is JSON once quoted.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
import typing as t
from collections.abc import Mapping

from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.parser import Parser
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from .numbers import is_whole_number

if t.TYPE_CHECKING:
    from typing_extensions import Unpack

WidgetKind = t.Literal["store", "categories", "search", "cart"]
WIDGET_KINDS: tuple[WidgetKind, ...] = ("store", "categories", "search", "cart")
StoreView = t.Literal["grid", "list", "table"]

_VIEWS = re.compile(r"(grid\(\d{1,3},\d{1,3}\)|list\(\d{1,3}\)|table\(\d{1,3}\))")
_LANG = re.compile(r"[a-z]{2}(_[A-Z]{2})?")
_BASE_URL = re.compile(r"/[A-Za-z0-9._~/-]*")

_COMPACT = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"))


def script_json(value: object) -> Markup:
    """Serialize ``value`` as JSON that is safe inside a ``<script>`` element or an attribute.

    ``<``, ``>``, ``&`` and ``'`` become ``\\u`` escapes (Jinja's
    ``htmlsafe_json_dumps``), and so does every non-ASCII character, U+2028 and
    U+2029 included, whatever the app's own JSON settings are.
    """
    return htmlsafe_json_dumps(value, dumps=lambda obj, **_: _COMPACT.encode(obj))


def _whole_number(name: str, value: object, *, minimum: int) -> int:
    if not is_whole_number(value) or value < minimum:
        raise ValueError(f"{name} must be an integer of at least {minimum}, not {value!r}")
    return value


@dataclasses.dataclass(frozen=True)
class Embed:
    """What one widget's embed code needs: its template, container and init call."""

    template: str
    container_id: str | None
    function: str | None
    arguments: tuple[str, ...]


_FUNCTIONS = {"store": "xProductBrowser", "categories": "xCategoriesV2", "search": "xSearch"}


class StoreOptions(t.TypedDict, total=False):
    """The store widget's options: Ecwid's ``xProductBrowser`` settings, in snake_case.

    ``views`` is Ecwid's layout list, e.g. ``"grid(20,3) list(60) table(60)"``.
    """

    default_category_id: int | None
    default_product_id: int | None
    categories_per_row: int | None
    views: str | None
    category_view: StoreView | None
    search_view: StoreView | None


STORE_OPTIONS: frozenset[str] = StoreOptions.__optional_keys__


def embed(kind: str, store_id: int, options: Mapping[str, object]) -> Embed:
    """The embed code of a widget as Ecwid documents it, its options checked.

    Only the store widget takes options (:class:`StoreOptions`); ``None`` counts as not given.
    A page asks for the same few widgets again and again: the answer is kept.
    """
    if not options and isinstance(kind, str):
        return _known_embed(kind, store_id, ())
    # The type is part of the key: True == 1, but True is no category id.
    key = tuple((name, type(value), value) for name, value in sorted(options.items()))
    try:
        hash((kind, store_id, key))
    except TypeError:
        return _embed(kind, store_id, options)  # an unhashable option: refused there
    return _known_embed(kind, store_id, key)


@functools.lru_cache(maxsize=256)
def _known_embed(kind: str, store_id: int, key: tuple[tuple[str, type, object], ...]) -> Embed:
    return _embed(kind, store_id, {name: value for name, _, value in key})


def _embed(kind: str, store_id: int, options: Mapping[str, object]) -> Embed:
    if kind not in WIDGET_KINDS:
        raise ValueError(f"kind must be one of {', '.join(WIDGET_KINDS)}, not {kind!r}")
    unknown = sorted(set(options) - STORE_OPTIONS)
    if unknown:
        raise TypeError(f"unknown widget option {', '.join(unknown)}")
    given = {name: value for name, value in options.items() if value is not None}
    if kind != "store" and given:
        raise TypeError(f"the {kind} widget takes no store options, not {', '.join(given)}")
    if kind == "cart":
        return Embed("ecwid_sso/widget_cart.html", None, None, ())
    container = f"my-{kind}-{store_id}"
    if kind == "store":
        arguments = store_arguments(container, **t.cast(StoreOptions, given))
    else:
        arguments = [f"id={container}"]
    return Embed("ecwid_sso/widget.html", container, _FUNCTIONS[kind], tuple(arguments))


def script_src(script_url: str, store_id: int, *, lang: str | None = None) -> str:
    """Ecwid's ``script.js`` URL: the store id is the bare first query token."""
    src = f"{script_url}?{store_id}&data_platform=code"
    return src if lang is None else f"{src}&lang={check_lang(lang)}"


def store_arguments(container_id: str, **options: Unpack[StoreOptions]) -> list[str]:
    """The ``xProductBrowser`` arguments for these options, validated."""
    default_category_id = options.get("default_category_id")
    default_product_id = options.get("default_product_id")
    categories_per_row = options.get("categories_per_row")
    views = options.get("views")
    category_view = options.get("category_view")
    search_view = options.get("search_view")
    per_row = 3 if categories_per_row is None else categories_per_row
    arguments = [
        f"categoriesPerRow={_whole_number('categories_per_row', per_row, minimum=1)}",
        f"views={_views('grid(20,3) list(60) table(60)' if views is None else views)}",
        f"categoryView={_view('category_view', category_view or 'grid')}",
        f"searchView={_view('search_view', search_view or 'list')}",
    ]
    if default_category_id is not None:
        category = _whole_number("default_category_id", default_category_id, minimum=0)
        arguments.append(f"defaultCategoryId={category}")
    if default_product_id is not None:
        product = _whole_number("default_product_id", default_product_id, minimum=1)
        arguments.append(f"defaultProductId={product}")
    arguments.append(f"id={container_id}")
    return arguments


def _views(value: object) -> str:
    if not isinstance(value, str) or not all(_VIEWS.fullmatch(part) for part in value.split(" ")):
        raise ValueError(f"views must look like 'grid(20,3) list(60) table(60)', not {value!r}")
    return value


def _view(name: str, value: object) -> str:
    if value not in ("grid", "list", "table"):
        raise ValueError(f"{name} must be 'grid', 'list' or 'table', not {value!r}")
    return value


def check_lang(value: object) -> str:
    """Return ``value`` if it is a language code Ecwid takes (``"fr"``, ``"pt_BR"``)."""
    if not isinstance(value, str) or not _LANG.fullmatch(value):
        raise ValueError(f"lang must be a language code such as 'fr' or 'pt_BR', not {value!r}")
    return value


def check_base_url(value: object) -> str:
    """Return ``value`` if it is a site path for Ecwid's clean URLs (``"/store"``)."""
    if not isinstance(value, str) or not _BASE_URL.fullmatch(value) or "//" in value:
        raise ValueError(f"base_url must be a path on this site such as '/store', not {value!r}")
    return value


class EcwidWidgetExtension(Extension):
    """``{% ecwid_widget "store" default_category_id=5 %}``: the tag form of ``ecwid_widget()``.

    The kind comes first, then ``name=value`` options, optionally separated by
    commas. It renders exactly what the ``ecwid_widget`` global renders.
    """

    tags = {"ecwid_widget"}  # noqa: RUF012 - Jinja reads it as declared on Extension

    def parse(self, parser: Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        kind = parser.parse_expression()
        options: list[nodes.Keyword] = []
        while parser.stream.current.type != "block_end":
            parser.stream.skip_if("comma")
            name = parser.stream.expect("name")
            parser.stream.expect("assign")
            options.append(nodes.Keyword(name.value, parser.parse_expression(), lineno=lineno))
        call = nodes.Call(nodes.Name("ecwid_widget", "load"), [kind], options, None, None)
        return nodes.Output([call], lineno=lineno)
