from __future__ import annotations

import fractions

import pytest

from flask_ecwid_sso.numbers import is_whole_number


@pytest.mark.parametrize("value", [0, 1, -7, 10**30])
def test_ints_are_whole_numbers(value: object) -> None:
    assert is_whole_number(value)


@pytest.mark.parametrize("value", [True, False, 1.0, "1", None, fractions.Fraction(2, 1), [1]])
def test_bools_floats_and_text_are_not(value: object) -> None:
    assert not is_whole_number(value)
