"""Ecwid's ``responseFields``: answer only the named fields, e.g. ``total,items(id,email)``.

A field is a name, optionally followed by the fields to keep inside it in
parentheses; inside a list, the selection applies to every element. Names the
answer lacks are left out. A malformed selection raises :class:`ValueError`.
"""

from __future__ import annotations

import re
import typing as t

__all__ = ["FieldSelection", "parse_response_fields", "select_fields"]

#: Field name -> what to keep inside it (``None``: all of it).
FieldSelection = dict[str, "FieldSelection | None"]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def parse_response_fields(text: str) -> FieldSelection:
    """The selection ``text`` describes; :class:`ValueError` saying where it is malformed."""
    compact = text.replace(" ", "")
    selection, end = _parse(compact, 0)
    if end != len(compact):
        raise ValueError(f"responseFields has an unexpected {compact[end:]!r}")
    return selection


def select_fields(value: t.Any, selection: FieldSelection) -> t.Any:
    """``value`` with only the selected fields of each object in it."""
    if isinstance(value, list):
        return [select_fields(item, selection) for item in value]
    if not isinstance(value, dict):
        return value
    return {
        name: value[name] if inner is None else select_fields(value[name], inner)
        for name, inner in selection.items()
        if name in value
    }


def _parse(text: str, position: int) -> tuple[FieldSelection, int]:
    selection: FieldSelection = {}
    while True:
        match = _NAME.match(text, position)
        if match is None:
            raise ValueError(f"responseFields needs a field name at character {position + 1}")
        position = match.end()
        inner: FieldSelection | None = None
        if text.startswith("(", position):
            inner, position = _parse(text, position + 1)
            if not text.startswith(")", position):
                raise ValueError(f"responseFields lacks a ')' at character {position + 1}")
            position += 1
        selection[match.group()] = inner
        if not text.startswith(",", position):
            return selection, position
        position += 1
