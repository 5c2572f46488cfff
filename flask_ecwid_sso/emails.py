"""Email identity: which two addresses are the same shopper.

Ecwid allows one customer per email. Two addresses are the same here only when
they differ in the case of ASCII letters (``Ann@Example.com`` is
``ann@example.com``), the folding every mail system and Ecwid agree on.
Unicode case folding would make distinct addresses one: ``straße@`` would be
``strasse@``, and ``\\u212aate@`` (a Kelvin sign) would be ``kate@``, handing
one shopper another's customer record.
"""

from __future__ import annotations

import string

_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def email_key(email: str) -> str:
    """``email`` without surrounding blanks, its ASCII letters lowercased, nothing else changed."""
    return email.strip().translate(_ASCII_LOWER)


def same_email(first: str, second: str) -> bool:
    """Whether two addresses name the same shopper (see :func:`email_key`)."""
    return email_key(first) == email_key(second)
