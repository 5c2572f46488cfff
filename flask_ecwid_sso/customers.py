"""Ecwid's customers as typed data: :class:`Customer`, :class:`CustomerPage`, filters.

Reading is lenient (real records may lack anything but ``id``); nothing here
talks to Ecwid or imports Flask.
"""

from __future__ import annotations

import dataclasses
import datetime
import types
import typing as t
from collections.abc import Iterable, Mapping

from .profile import Person

__all__ = ["Customer", "CustomerFilters", "CustomerPage"]

_ECWID_DATE_FORMAT = "%Y-%m-%d %H:%M:%S %z"


def _parse_ecwid_date(value: object) -> datetime.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.datetime.strptime(value, _ECWID_DATE_FORMAT)
    except ValueError:
        return None


def _readonly(value: object) -> Mapping[str, t.Any] | None:
    return types.MappingProxyType(dict(value)) if isinstance(value, Mapping) else None


@dataclasses.dataclass(frozen=True)
class Customer:
    """One customer of the store, read leniently from Ecwid's JSON.

    Only ``id`` is guaranteed: a customer made by a guest checkout may have no
    name, no addresses, no group. Missing or empty text comes back as ``None``.
    ``registered`` and ``updated`` are timezone-aware (``None`` when absent or
    unreadable). ``billing_person`` and ``shipping_addresses`` are read-only
    mappings in Ecwid's camelCase shape, kept as Ecwid sent them (they may carry
    keys :class:`~flask_ecwid_sso.profile.Person` does not know, or lack a
    name); ``raw`` is the whole record, for every field not lifted out here.
    """

    id: int
    email: str | None = None
    name: str | None = None
    billing_person: Mapping[str, t.Any] | None = dataclasses.field(default=None, hash=False)
    shipping_addresses: tuple[Mapping[str, t.Any], ...] = dataclasses.field(default=(), hash=False)
    customer_group_id: int | None = None
    customer_group_name: str | None = None
    registered: datetime.datetime | None = None
    updated: datetime.datetime | None = None
    raw: Mapping[str, t.Any] = dataclasses.field(
        default_factory=lambda: types.MappingProxyType({}), hash=False, repr=False
    )

    @classmethod
    def from_ecwid(cls, data: Mapping[str, t.Any]) -> Customer:
        """Read a customer record; raise ``ValueError`` only when it has no integer ``id``."""
        customer_id = data.get("id")
        if not isinstance(customer_id, int) or isinstance(customer_id, bool):
            raise ValueError(f"a customer record needs an integer id, got {customer_id!r}")
        billing_person = _readonly(data.get("billingPerson"))
        addresses = data.get("shippingAddresses")
        readonly_addresses = map(_readonly, addresses if isinstance(addresses, list) else ())
        name = data.get("name") or (billing_person or {}).get("name")
        group_id = data.get("customerGroupId")
        return cls(
            id=customer_id,
            email=text_or_none(data.get("email")),
            name=text_or_none(name),
            billing_person=billing_person,
            shipping_addresses=tuple(item for item in readonly_addresses if item is not None),
            customer_group_id=group_id if isinstance(group_id, int) else None,
            customer_group_name=text_or_none(data.get("customerGroupName")),
            registered=_parse_ecwid_date(data.get("registered")),
            updated=_parse_ecwid_date(data.get("updated")),
            raw=types.MappingProxyType(dict(data)),
        )


def text_or_none(value: object) -> str | None:
    """``value`` if it is a non-blank string, else ``None``."""
    return value if isinstance(value, str) and value else None


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


class CustomerFilters(t.TypedDict, total=False):
    """The search filters of :meth:`EcwidClient.search_customers`, in snake_case.

    ``email``, ``keyword`` and ``name`` are search terms, not exact matches.
    Dates may be a ``datetime`` (sent as a UNIX timestamp), an ``int``
    timestamp, or a string Ecwid understands. ``sort_by`` is one of Ecwid's
    values, e.g. ``"NAME_ASC"`` or ``"REGISTERED_DATE_DESC"``.
    """

    email: str
    keyword: str
    name: str
    customer_group_ids: Iterable[int]
    created_from: datetime.datetime | int | str
    created_to: datetime.datetime | int | str
    updated_from: datetime.datetime | int | str
    updated_to: datetime.datetime | int | str
    sort_by: str


_FILTER_PARAMS = {
    "email": "email",
    "keyword": "keyword",
    "name": "name",
    "customer_group_ids": "customerGroupIds",
    "created_from": "createdFrom",
    "created_to": "createdTo",
    "updated_from": "updatedFrom",
    "updated_to": "updatedTo",
    "sort_by": "sortBy",
}


def _query_value(value: object) -> str | int:
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            raise ValueError("filter dates must be timezone-aware")
        return int(value.timestamp())
    if isinstance(value, (str, int)):
        return value
    if isinstance(value, Iterable):
        return ",".join(str(int(item)) for item in value)
    raise TypeError(f"unsupported filter value {value!r}")


def customer_params(filters: Mapping[str, object]) -> dict[str, str | int]:
    """Ecwid's query parameters for :class:`CustomerFilters`; ``TypeError`` for unknown ones."""
    unknown = sorted(set(filters) - set(_FILTER_PARAMS))
    if unknown:
        raise TypeError(
            f"unknown customer filter {unknown[0]!r}; known: " + ", ".join(_FILTER_PARAMS)
        )
    return {
        _FILTER_PARAMS[key]: _query_value(value)
        for key, value in filters.items()
        if value is not None
    }


def person_json(person: Person | Mapping[str, t.Any]) -> dict[str, t.Any]:
    """A person in Ecwid's JSON shape, from a :class:`Person` or a mapping."""
    return person.to_ecwid() if isinstance(person, Person) else dict(person)
