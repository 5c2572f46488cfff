"""The embed code of Ecwid's widgets, and the ``{% ecwid_widget %}`` tag.

Every value that reaches JavaScript goes through :func:`script_json`, which
cannot be broken out of inside a ``<script>`` element.
"""

from __future__ import annotations

import json
import re
import typing as t

from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.parser import Parser
from markupsafe import Markup

WidgetKind = t.Literal["store", "categories", "search", "cart"]
WIDGET_KINDS: tuple[WidgetKind, ...] = ("store", "categories", "search", "cart")
StoreView = t.Literal["grid", "list", "table"]

_VIEWS = re.compile(r"(grid\(\d{1,3},\d{1,3}\)|list\(\d{1,3}\)|table\(\d{1,3}\))")
_LANG = re.compile(r"[a-z]{2}(_[A-Z]{2})?")
_BASE_URL = re.compile(r"/[A-Za-z0-9._~/-]*")

_SCRIPT_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    ord("'"): "\\u0027",
}


def script_json(value: object) -> Markup:
    """Serialize ``value`` as JSON that is safe inside a ``<script>`` element or an attribute.

    ``<``, ``>``, ``&`` and ``'`` become ``\\u`` escapes, and so does every
    non-ASCII character, U+2028 and U+2029 included, whatever the app's own
    JSON settings are.
    """
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
    return Markup(text.translate(_SCRIPT_ESCAPES))  # noqa: S704 - escaped above


def _positive_int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer, not {value!r}")
    return value


def store_arguments(
    container_id: str,
    *,
    default_category_id: int | None = None,
    default_product_id: int | None = None,
    categories_per_row: int | None = None,
    views: str | None = None,
    category_view: StoreView | None = None,
    search_view: StoreView | None = None,
) -> list[str]:
    """The ``xProductBrowser`` arguments for these options, validated.

    ``views`` is Ecwid's layout list, e.g. ``"grid(20,3) list(60) table(60)"``.
    """
    arguments = [
        f"categoriesPerRow={_positive_int('categories_per_row', categories_per_row or 3)}",
        f"views={_views(views or 'grid(20,3) list(60) table(60)')}",
        f"categoryView={_view('category_view', category_view or 'grid')}",
        f"searchView={_view('search_view', search_view or 'list')}",
    ]
    if default_category_id is not None:
        category = _positive_int("default_category_id", default_category_id)
        arguments.append(f"defaultCategoryId={category}")
    if default_product_id is not None:
        product = _positive_int("default_product_id", default_product_id)
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
