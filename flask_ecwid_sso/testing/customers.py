"""The fake's customers in Ecwid's documented shape: dates, defaults, names kept in step.

Ecwid's customer carries ``name`` twice (top level and ``billingPerson.name``)
and splits it into ``billingPerson.firstName`` / ``lastName``; the helpers
here keep the three in step whatever a request or an SSO profile changes.
"""

from __future__ import annotations

import copy
import datetime
import typing as t
from collections.abc import Iterable, Mapping

__all__ = [
    "customer_from_profile",
    "ecwid_date",
    "email_taken",
    "matches_terms",
    "merge_profile",
    "new_customer",
    "parse_ecwid_date",
    "update_customer",
]

_ECWID_DATE_FORMAT = "%Y-%m-%d %H:%M:%S %z"
_DERIVED_NAMES = ("firstName", "lastName")


def ecwid_date(timestamp: float) -> str:
    """UNIX time ``timestamp`` as Ecwid writes dates: ``2014-09-01 23:25:27 +0000``."""
    moment = datetime.datetime.fromtimestamp(timestamp, datetime.timezone.utc)
    return moment.strftime(_ECWID_DATE_FORMAT)


def parse_ecwid_date(value: object) -> float | None:
    """The UNIX time of an Ecwid date string, or ``None`` when ``value`` is not one."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.datetime.strptime(value, _ECWID_DATE_FORMAT).timestamp()
    except ValueError:
        return None


def email_taken(
    customers: Iterable[Mapping[str, t.Any]], email: str, *, other_than: int | None = None
) -> bool:
    """Whether a customer other than ``other_than`` has ``email``, ignoring case as Ecwid does."""
    wanted = email.casefold()
    return any(
        str(c.get("email") or "").casefold() == wanted and c.get("id") != other_than
        for c in customers
    )


def new_customer(body: Mapping[str, t.Any], now: float) -> dict[str, t.Any]:
    """A customer created from a ``POST /customers`` body, with Ecwid's documented defaults.

    The body's fields win over the defaults (``id`` excepted: Ecwid assigns
    it); ``name`` and ``billingPerson.name`` fill each other in.
    """
    email = body.get("email", "")
    record: dict[str, t.Any] = {
        "email": email,
        "registered": ecwid_date(now),
        "updated": ecwid_date(now),
        "totalOrderCount": 0,
        "customerGroupId": 0,
        "customerGroupName": "General",
        "shippingAddresses": [],
        "contacts": [
            {
                "contact": email,
                "type": "EMAIL",
                "default": True,
                "orderBy": 0,
                "timestamp": ecwid_date(now),
            }
        ],
        "taxId": "",
        "taxIdValid": True,
        "taxExempt": False,
        "acceptMarketing": False,
        "stats": {"numberOfOrders": 0, "salesValue": 0, "averageOrderValue": 0},
        "privateAdminNotes": "",
        "favorites": [],
    }
    record.update(copy.deepcopy({key: value for key, value in body.items() if key != "id"}))
    _sync_names(record, body)
    return record


def update_customer(customer: dict[str, t.Any], body: Mapping[str, t.Any], now: float) -> bool:
    """Apply a ``PUT /customers/{id}`` body to ``customer``; whether anything changed.

    Given fields replace the stored ones (``billingPerson`` as a whole);
    ``name`` and ``billingPerson.name`` stay in step, the default email
    contact follows ``email``, and ``updated`` moves only on a change.
    """
    before = copy.deepcopy(customer)
    old_email = customer.get("email")
    customer.update(copy.deepcopy({key: value for key, value in body.items() if key != "id"}))
    _sync_names(customer, body)
    if "email" in body and "contacts" not in body:
        for contact in customer.get("contacts") or []:
            if (
                isinstance(contact, dict)
                and contact.get("type") == "EMAIL"
                and contact.get("contact") == old_email
            ):
                contact["contact"] = body["email"]
    if customer == before:
        return False
    customer["updated"] = ecwid_date(now)
    return True


def customer_from_profile(profile: Mapping[str, t.Any], now: float) -> dict[str, t.Any]:
    """A new Ecwid customer from a valid SSO ``profile``, signed in at ``now``."""
    body: dict[str, t.Any] = {
        "email": profile["email"],
        "billingPerson": _given(profile.get("billingPerson")),
        "shippingAddresses": [_given(address) for address in profile.get("shippingAddresses", [])],
    }
    record = new_customer(body, now)
    record.setdefault("name", "")
    if profile.get("registered") is not None:
        record["registered"] = ecwid_date(profile["registered"])
    return record


def _given(person: Mapping[str, t.Any] | None) -> dict[str, t.Any]:
    """A profile's person without its ``null`` fields, which count as absent."""
    return {key: value for key, value in (person or {}).items() if value is not None}


def merge_profile(customer: dict[str, t.Any], profile: Mapping[str, t.Any], now: float) -> None:
    """Ecwid's merge for a returning SSO customer: every field but ``shippingAddresses``."""
    body: dict[str, t.Any] = {"email": profile["email"]}
    if profile.get("billingPerson") is not None:
        person = {
            key: value
            for key, value in (customer.get("billingPerson") or {}).items()
            if key not in _DERIVED_NAMES
        }
        body["billingPerson"] = {**person, **_given(profile["billingPerson"])}
    update_customer(customer, body, now)


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


def _sync_names(record: dict[str, t.Any], body: Mapping[str, t.Any]) -> None:
    """Make ``name``, ``billingPerson.name`` and its first and last names agree after ``body``.

    ``billingPerson.name`` wins when the body gave it, else the body's
    ``name``; first and last names the body did not give are derived. A body
    that touches no name leaves them all alone.
    """
    given = body.get("billingPerson")
    given = given if isinstance(given, Mapping) else {}
    if isinstance(given.get("name"), str):
        record["name"] = given["name"]
    elif isinstance(body.get("name"), str):
        person = record.get("billingPerson")
        person = person if isinstance(person, dict) else {}
        record["billingPerson"] = {
            **{key: value for key, value in person.items() if key not in _DERIVED_NAMES},
            "name": body["name"],
        }
    else:
        return
    person = record["billingPerson"]
    first, _, last = person["name"].strip().partition(" ")
    for key, value in (("firstName", first), ("lastName", last.strip())):
        if key not in given:
            person[key] = value
