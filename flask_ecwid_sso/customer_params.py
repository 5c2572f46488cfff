"""What the client sends about customers: search filters as a query, fields as a JSON body.

:class:`CustomerFilters` are the keywords of ``search_customers`` and
``iter_customers``; :class:`CustomerFields` those that ``create_customer`` and
``update_customer`` share. Both are written in snake_case and sent in Ecwid's
camelCase. Nothing here talks to Ecwid or imports Flask.
"""

from __future__ import annotations

import datetime
import typing as t
from collections.abc import Iterable, Mapping

from .customers import CustomerPerson
from .person import Person

__all__ = ["CustomerFields", "CustomerFilters", "customer_body", "customer_params"]

#: What a person may be given as when writing: ours, one read back from Ecwid, or Ecwid's JSON.
PersonInput: t.TypeAlias = Person | CustomerPerson | Mapping[str, t.Any]


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


class CustomerFields(t.TypedDict, total=False):
    """The fields of :meth:`EcwidClient.create_customer` and ``update_customer``, in snake_case.

    A field left out (or given as ``None``) is not sent. ``name`` fills
    ``billingPerson.name`` when ``billing_person`` has none. A person may be a
    :class:`~flask_ecwid_sso.Person`, a
    :class:`~flask_ecwid_sso.customers.CustomerPerson` read from Ecwid (sent
    back as Ecwid gave it), or a mapping in Ecwid's camelCase shape.
    ``extra`` adds other Ecwid fields as they are (camelCase).
    """

    name: str | None
    billing_person: PersonInput | None
    shipping_addresses: Iterable[PersonInput] | None
    customer_group_id: int | None
    accept_marketing: bool | None
    lang: str | None
    extra: Mapping[str, t.Any] | None


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

# The fields sent as they are, under Ecwid's name.
_PLAIN_FIELDS = {
    "customer_group_id": "customerGroupId",
    "accept_marketing": "acceptMarketing",
    "lang": "lang",
}
_KNOWN_FIELDS = sorted(CustomerFields.__annotations__)


def _refuse_unknown(given: Iterable[str], known: Iterable[str], kind: str) -> None:
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise TypeError(f"unknown {kind} {unknown[0]!r}; known: " + ", ".join(known))


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
    _refuse_unknown(filters, _FILTER_PARAMS, "customer filter")
    return {
        _FILTER_PARAMS[key]: _query_value(value)
        for key, value in filters.items()
        if value is not None
    }


def _person_json(person: PersonInput) -> dict[str, t.Any]:
    if isinstance(person, Person):
        return person.to_ecwid()
    if isinstance(person, CustomerPerson):
        return dict(person.raw)
    return dict(person)


def customer_body(email: str | None, fields: Mapping[str, t.Any]) -> dict[str, t.Any]:
    """The JSON body for ``email`` and :class:`CustomerFields`; ``TypeError`` for unknown fields."""
    _refuse_unknown(fields, _KNOWN_FIELDS, "customer field")
    body: dict[str, t.Any] = dict(fields.get("extra") or {})
    if email is not None:
        body["email"] = email
    billing_person = fields.get("billing_person")
    person = None if billing_person is None else _person_json(billing_person)
    name = fields.get("name")
    if name is not None:
        person = {"name": name, **(person or {})}
    if person is not None:
        body["billingPerson"] = person
    addresses = fields.get("shipping_addresses")
    if addresses is not None:
        body["shippingAddresses"] = [_person_json(address) for address in addresses]
    for key, ecwid in _PLAIN_FIELDS.items():
        if fields.get(key) is not None:
            body[ecwid] = fields[key]
    return body
