"""The package's one test for "a whole number": an ``int`` that is not a ``bool``.

``bool`` is a subclass of ``int`` in Python, so ``isinstance(True, int)`` holds;
JSON and Ecwid never mean ``true`` as the number 1. Nothing here imports Flask.
"""

from __future__ import annotations

import typing as t

__all__ = ["is_whole_number"]


def is_whole_number(value: object) -> t.TypeGuard[int]:
    """Whether ``value`` is an ``int`` and not a ``bool`` (``True``/``False``)."""
    return isinstance(value, int) and not isinstance(value, bool)
