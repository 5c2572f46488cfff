"""The fake's customers: Ecwid's dates, records made from SSO profiles, search terms."""

from __future__ import annotations

import datetime
import typing as t
from collections.abc import Iterable, Mapping

__all__ = [
    "customer_from_profile",
    "ecwid_date",
    "email_taken",
    "matches_terms",
    "merge_profile",
]

_ECWID_DATE_FORMAT = "%Y-%m-%d %H:%M:%S %z"


def ecwid_date(moment: datetime.datetime | None = None) -> str:
    """``moment`` (now when omitted) as Ecwid writes dates: ``2014-09-01 23:25:27 +0000``."""
    return (moment or datetime.datetime.now(datetime.timezone.utc)).strftime(_ECWID_DATE_FORMAT)


def email_taken(
    customers: Iterable[Mapping[str, t.Any]], email: str, *, other_than: int | None = None
) -> bool:
    """Whether a customer other than ``other_than`` has ``email``, ignoring case as Ecwid does."""
    wanted = email.casefold()
    return any(
        str(c.get("email") or "").casefold() == wanted and c.get("id") != other_than
        for c in customers
    )


def customer_from_profile(profile: Mapping[str, t.Any]) -> dict[str, t.Any]:
    """A new Ecwid customer from a valid SSO ``profile``."""
    email = profile["email"]
    billing_person = dict(profile.get("billingPerson", {}))
    record: dict[str, t.Any] = {
        "email": email,
        "name": billing_person.get("name", ""),
        "customerGroupId": 0,
        "customerGroupName": "General",
        "billingPerson": billing_person,
        "shippingAddresses": [dict(address) for address in profile.get("shippingAddresses", [])],
        "contacts": [{"contact": email, "type": "EMAIL", "default": True}],
        "acceptMarketing": False,
    }
    if "registered" in profile:
        record["registered"] = ecwid_date(
            datetime.datetime.fromtimestamp(profile["registered"], datetime.timezone.utc)
        )
    return record


def merge_profile(customer: dict[str, t.Any], profile: Mapping[str, t.Any]) -> None:
    """Ecwid's merge for a returning SSO customer: every field but ``shippingAddresses``."""
    customer["email"] = profile["email"]
    if "billingPerson" in profile:
        customer.setdefault("billingPerson", {}).update(profile["billingPerson"])
        customer["name"] = customer["billingPerson"].get("name", "")
    customer["updated"] = ecwid_date()


def matches_terms(customer: Mapping[str, t.Any], terms: Mapping[str, str]) -> bool:
    """Ecwid's search terms (``email``, ``name``, ``keyword``; casefolded) are substrings."""
    email = str(customer.get("email") or "").casefold()
    name = str(customer.get("name") or "").casefold()
    person = customer.get("billingPerson")
    person_text = " ".join(str(v) for v in person.values()) if isinstance(person, dict) else ""
    everything = f"{email} {name} {person_text.casefold()}"
    return (
        terms.get("email", "") in email
        and terms.get("name", "") in name
        and terms.get("keyword", "") in everything
    )
