"""Ecwid's customers as typed data: :class:`Customer`, its persons, :class:`CustomerPage`.

Reading is lenient (real records may lack anything but ``id``, and may carry
keys this library does not know) but not blind: a value of the wrong type is
a ``ValueError`` naming the field, which :class:`~flask_ecwid_sso.api.EcwidClient`
raises as an :class:`~flask_ecwid_sso.exceptions.EcwidAPIError`. Nothing here
talks to Ecwid or imports Flask.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import re
import types
import typing as t
from collections.abc import Mapping

from .numbers import is_whole_number
from .person import PERSON_FIELDS

__all__ = ["Customer", "CustomerPage", "CustomerPerson"]

_ECWID_DATE_FORMAT = "%Y-%m-%d %H:%M:%S %z"
#: The form Ecwid writes its dates in, read without strptime (which costs more than the
#: rest of a cached customer): "2014-09-01 23:25:27 +0400".
_ECWID_DATE = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2}) ([0-9]{2}):([0-9]{2}):([0-9]{2})"
    r" ([+-])([0-9]{2})([0-5][0-9])"
)

# (attribute, Ecwid key): Person's fields, then the two Ecwid documents for customers only.
# A customer's persons also carry firstName and lastName, which Ecwid derives from name.
_PERSON_FIELDS = (
    PERSON_FIELDS[0],
    ("first_name", "firstName"),
    ("last_name", "lastName"),
    *PERSON_FIELDS[1:],
)


def _parse_ecwid_date(value: object) -> datetime.datetime | None:
    if not isinstance(value, str):
        return None
    found = _ECWID_DATE.fullmatch(value)
    try:
        if found is not None:
            year, month, day, hour, minute, second, sign, zone_hours, zone_minutes = found.groups()
            zone = _zone(sign, int(zone_hours), int(zone_minutes))
            return datetime.datetime(
                int(year), int(month), int(day), int(hour), int(minute), int(second), tzinfo=zone
            )
    except ValueError:
        pass  # out of range: strptime says what it makes of it
    try:
        return datetime.datetime.strptime(value, _ECWID_DATE_FORMAT)
    except ValueError:
        return None


@functools.lru_cache(maxsize=64)
def _zone(sign: str, hours: int, minutes: int) -> datetime.timezone:
    offset = datetime.timedelta(hours=hours, minutes=minutes)
    return datetime.timezone(-offset if sign == "-" else offset)


def _text_field(data: Mapping[str, t.Any], key: str, where: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{where}{key} must be a string, not {type(value).__name__}")
    return value or None


def _readonly(data: Mapping[str, t.Any]) -> Mapping[str, t.Any]:
    return types.MappingProxyType(dict(data))


def _empty() -> Mapping[str, t.Any]:
    return types.MappingProxyType({})


@dataclasses.dataclass(frozen=True)
class CustomerPerson:
    """A customer's billing person or one shipping address, read leniently from Ecwid's JSON.

    Every attribute is the snake_case form of Ecwid's key (``country_code`` is
    ``countryCode``), ``None`` when missing or empty. Unlike
    :class:`~flask_ecwid_sso.profile.Person`, nothing is required: a guest's
    address may lack a name. ``raw`` keeps the whole mapping as Ecwid sent it,
    keys this class does not know included; pass it back to Ecwid as it is.
    """

    name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    company_name: str | None = None
    street: str | None = None
    city: str | None = None
    country_code: str | None = None
    country_name: str | None = None
    postal_code: str | None = None
    state_or_province_code: str | None = None
    phone: str | None = None
    raw: Mapping[str, t.Any] = dataclasses.field(default_factory=_empty, hash=False, repr=False)

    @classmethod
    def from_ecwid(cls, data: object, *, field: str = "billingPerson") -> CustomerPerson:
        """Read a person; ``ValueError`` naming ``field`` when it or a value has the wrong type.

        Missing and unknown keys are fine; a value that is there must be a
        string (or ``null``).
        """
        if not isinstance(data, Mapping):
            raise ValueError(f"{field} must be an object, not {type(data).__name__}")
        values = {attr: _text_field(data, key, f"{field}.") for attr, key in _PERSON_FIELDS}
        return cls(**values, raw=_readonly(data))


def _persons(value: object) -> tuple[CustomerPerson, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ValueError(f"shippingAddresses must be a list, not {type(value).__name__}")
    return tuple(
        CustomerPerson.from_ecwid(item, field=f"shippingAddresses[{index}]")
        for index, item in enumerate(value)
    )


@dataclasses.dataclass(frozen=True)
class Customer:
    """One customer of the store, read leniently from Ecwid's JSON.

    Only ``id`` is guaranteed: a customer made by a guest checkout may have no
    name, no addresses, no group. Missing or empty text comes back as ``None``.
    ``registered`` and ``updated`` are timezone-aware (``None`` when absent or
    unreadable). ``billing_person`` and ``shipping_addresses`` are
    :class:`CustomerPerson` values (each with the Ecwid mapping in ``raw``);
    ``raw`` is the whole record, for every field not lifted out here.
    """

    id: int
    email: str | None = None
    name: str | None = None
    billing_person: CustomerPerson | None = dataclasses.field(default=None, hash=False)
    shipping_addresses: tuple[CustomerPerson, ...] = dataclasses.field(default=(), hash=False)
    customer_group_id: int | None = None
    customer_group_name: str | None = None
    registered: datetime.datetime | None = None
    updated: datetime.datetime | None = None
    raw: Mapping[str, t.Any] = dataclasses.field(default_factory=_empty, hash=False, repr=False)

    @classmethod
    def from_ecwid(cls, data: object) -> Customer:
        """Read a customer record; ``ValueError`` naming the field when one has the wrong type.

        A record needs an integer ``id``; every other field may be missing
        (or ``null``), and unknown fields are kept in ``raw``. Text must be a
        string, ``customerGroupId`` an integer; a date string that does not
        read comes back as ``None``.
        """
        if not isinstance(data, Mapping):
            raise ValueError(f"a customer must be an object, not {type(data).__name__}")
        customer_id = data.get("id")
        if not is_whole_number(customer_id):
            raise ValueError(
                "id must be an integer (every customer record has one),"
                f" not {type(customer_id).__name__}"
            )
        raw_person = data.get("billingPerson")
        billing_person = None if raw_person is None else CustomerPerson.from_ecwid(raw_person)
        group_id = data.get("customerGroupId")
        if group_id is not None and not is_whole_number(group_id):
            raise ValueError(f"customerGroupId must be an integer, not {type(group_id).__name__}")
        return cls(
            id=customer_id,
            email=_text_field(data, "email", ""),
            name=_text_field(data, "name", "") or (billing_person.name if billing_person else None),
            billing_person=billing_person,
            shipping_addresses=_persons(data.get("shippingAddresses")),
            customer_group_id=group_id,
            customer_group_name=_text_field(data, "customerGroupName", ""),
            registered=_parse_ecwid_date(_text_field(data, "registered", "")),
            updated=_parse_ecwid_date(_text_field(data, "updated", "")),
            raw=_readonly(data),
        )


def _optional_number(data: Mapping[str, t.Any], key: str) -> int | None:
    value = data.get(key)
    if value is not None and (not is_whole_number(value) or value < 0):
        kind = "a negative number" if is_whole_number(value) else type(value).__name__
        raise ValueError(f"{key} must be a whole number, not {kind}")
    return value


def _page_number(data: Mapping[str, t.Any], key: str, default: int) -> int:
    value = _optional_number(data, key)
    return default if value is None else value


def _customers(value: object) -> tuple[Customer, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ValueError(f"items must be a list, not {type(value).__name__}")
    customers = []
    for index, item in enumerate(value):
        try:
            customers.append(Customer.from_ecwid(item))
        except ValueError as exc:
            raise ValueError(f"items[{index}]: {exc}") from None
    return tuple(customers)


@dataclasses.dataclass(frozen=True)
class CustomerPage:
    """One page of a customer search: Ecwid's ``total``, ``count``, ``offset``, ``limit``.

    ``total`` counts every match of the search, ``items`` holds this page's
    ``count`` customers. ``all_customer_count`` is the store's customer count
    when Ecwid sent it.
    """

    total: int
    count: int
    offset: int
    limit: int
    items: tuple[Customer, ...]
    all_customer_count: int | None = None

    @classmethod
    def from_ecwid(
        cls, data: Mapping[str, t.Any], *, offset: int = 0, limit: int = 100
    ) -> CustomerPage:
        """Read a page of ``GET /customers``; ``ValueError`` naming the field that is wrong.

        Missing numbers are filled in: ``offset`` and ``limit`` with the
        request's (the arguments), ``count`` with the number of items,
        ``total`` with ``offset + count`` (no further page). A number that is
        not a whole number of at least 0, an item that is not a customer, or
        a ``count`` that differs from the number of items is refused.
        """
        items = _customers(data.get("items"))
        count = _page_number(data, "count", len(items))
        if count != len(items):
            raise ValueError(f"count says {count}, but items holds {len(items)} customers")
        page_offset = _page_number(data, "offset", offset)
        return cls(
            total=_page_number(data, "total", page_offset + count),
            count=count,
            offset=page_offset,
            limit=_page_number(data, "limit", limit),
            items=items,
            all_customer_count=_optional_number(data, "allCustomerCount"),
        )
