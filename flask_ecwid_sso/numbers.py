"""The one strict-integer check: an ``int`` that is not a ``bool``."""

from __future__ import annotations

import typing as t

if t.TYPE_CHECKING:
    from typing import TypeGuard


def is_whole_number(value: object) -> TypeGuard[int]:
    """Whether ``value`` is an ``int`` and not a ``bool`` (which Python counts as one)."""
    return isinstance(value, int) and not isinstance(value, bool)
