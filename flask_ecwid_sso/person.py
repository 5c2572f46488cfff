"""A person of an SSO payload: :class:`Person`, a name with an optional address.

Frozen and validated on construction, like :class:`~flask_ecwid_sso.Profile`,
which holds persons as its billing person and shipping addresses.
"""

from __future__ import annotations

import dataclasses
import operator
import typing as t
from collections.abc import Mapping
from json.encoder import encode_basestring_ascii as json_string

from .exceptions import ProfileError

#: A person's fields as (Python attribute, Ecwid key), in the order Ecwid documents them.
PERSON_FIELDS: tuple[tuple[str, str], ...] = (
    ("name", "name"),
    ("company_name", "companyName"),
    ("street", "street"),
    ("city", "city"),
    ("country_code", "countryCode"),
    ("country_name", "countryName"),
    ("postal_code", "postalCode"),
    ("state_or_province_code", "stateOrProvinceCode"),
    ("phone", "phone"),
)
_PERSON_KEYS = {ecwid: attr for attr, ecwid in PERSON_FIELDS}


def refuse_unknown(data: Mapping[str, t.Any], known: Mapping[str, str], kind: str) -> None:
    """Raise :class:`ProfileError` for the first key of ``data`` that ``known`` lacks."""
    for key in data:
        if key not in known:
            raise ProfileError(
                f"unknown {kind} field {key!r}; Ecwid knows " + ", ".join(known), field=str(key)
            )


def _label(attr: str, ecwid: str) -> str:
    return attr if attr == ecwid else f"{attr} ({ecwid})"


def check_text(value: object, label: str, *, required: bool = False) -> None:
    """Raise :class:`ProfileError` unless ``value`` is a string (not blank, if ``required``)."""
    if isinstance(value, str) and (not required or value.strip()):
        return
    field = label.split(" ", 1)[0]
    if value is None:
        if required:
            raise ProfileError(f"{label} is required", field=field)
        return
    if not isinstance(value, str):
        raise ProfileError(f"{label} must be a string, not {type(value).__name__}", field=field)
    raise ProfileError(f"{label} must not be blank", field=field)


# Computed once, as persons are built and signed per request: every field's value in
# one call, each field's label for messages, the JSON text before each optional value.
_person_values = operator.attrgetter(*(attr for attr, _ in PERSON_FIELDS))
_PERSON_LABELS = tuple(_label(attr, ecwid) for attr, ecwid in PERSON_FIELDS)
_OPTIONAL_PERSON_JSON = tuple(f',"{ecwid}":' for _, ecwid in PERSON_FIELDS[1:])
_NO_OPTIONAL_VALUES = (None,) * (len(PERSON_FIELDS) - 1)
_TEXT_OR_NONE = frozenset({str, type(None)})


@dataclasses.dataclass(frozen=True, init=False)
class Person:
    """A name with an optional address: Ecwid's ``billingPerson`` and shipping addresses.

    Only ``name`` is required, and it may be empty: Ecwid's docs make the key
    mandatory, not its content, and Ecwid's WordPress plugin sends ``""`` for a
    user with no first, last or nick name. ``country_code`` is two letters
    (ISO 3166-1 alpha-2) and is stored upper-case. Every value is a string, as
    Ecwid wants.
    """

    name: str
    company_name: str | None = None
    street: str | None = None
    city: str | None = None
    country_code: str | None = None
    country_name: str | None = None
    postal_code: str | None = None
    state_or_province_code: str | None = None
    phone: str | None = None

    # Written out, not generated: a person is built on every page, and one write of the
    # instance's dict costs less than a frozen write per field and a __post_init__ call.
    # tests/test_profile.py holds it to the fields' names, order and defaults.
    def __init__(
        self,
        name: str,
        company_name: str | None = None,
        street: str | None = None,
        city: str | None = None,
        country_code: str | None = None,
        country_name: str | None = None,
        postal_code: str | None = None,
        state_or_province_code: str | None = None,
        phone: str | None = None,
    ) -> None:
        if name is None:
            raise ProfileError("name is required", field="name")
        fields = {
            "name": name,
            "company_name": company_name,
            "street": street,
            "city": city,
            "country_code": country_code,
            "country_name": country_name,
            "postal_code": postal_code,
            "state_or_province_code": state_or_province_code,
            "phone": phone,
        }
        if not _TEXT_OR_NONE.issuperset(map(type, fields.values())):
            for value, label in zip(fields.values(), _PERSON_LABELS, strict=True):
                if value is not None and not isinstance(value, str):
                    check_text(value, label)
        if country_code is not None:
            if not (len(country_code) == 2 and country_code.isascii() and country_code.isalpha()):
                raise ProfileError(
                    "country_code (countryCode) must be two letters such as 'US',"
                    f" not {country_code!r}",
                    field="country_code",
                )
            fields["country_code"] = country_code.upper()
        object.__setattr__(self, "__dict__", fields)

    def to_ecwid(self) -> dict[str, str]:
        """Return Ecwid's JSON shape: camelCase keys, ``None`` fields left out."""
        return {
            ecwid: value
            for (_, ecwid), value in zip(PERSON_FIELDS, _person_values(self), strict=True)
            if value is not None
        }

    def to_json(self) -> str:
        """Return :meth:`to_ecwid` as the JSON a payload carries: compact, ASCII only."""
        values = _person_values(self)
        text = '{"name":' + json_string(values[0])
        optional = values[1:]
        if optional == _NO_OPTIONAL_VALUES:  # a name alone, as most sites send
            return text + "}"
        for before, value in zip(_OPTIONAL_PERSON_JSON, optional, strict=True):
            if value is not None:
                text += before + json_string(value)
        return text + "}"

    @classmethod
    def from_ecwid(cls, data: Mapping[str, t.Any]) -> Person:
        """Build a person from Ecwid's JSON shape, validating every field.

        Unknown keys are refused, so a snake_case key such as ``company_name``
        is reported instead of being silently dropped.
        """
        if not isinstance(data, Mapping):
            raise ProfileError(
                f"a person must be a mapping, not {type(data).__name__}", field="person"
            )
        refuse_unknown(data, _PERSON_KEYS, "person")
        fields = {_PERSON_KEYS[key]: value for key, value in data.items()}
        if "name" not in fields:
            raise ProfileError("name is required", field="name")
        try:
            return cls(**fields)
        except ProfileError as exc:
            ecwid = dict(PERSON_FIELDS).get(exc.field or "", exc.field)
            raise ProfileError(str(exc), field=ecwid) from None


def as_person(value: object, field: str) -> Person:
    """``value`` as a :class:`Person`: one already, or read from Ecwid's shape; else an error."""
    if isinstance(value, Person):
        return value
    if isinstance(value, Mapping):
        try:
            return Person.from_ecwid(value)
        except ProfileError as exc:
            raise ProfileError(f"{field}: {exc}", field=f"{field}.{exc.field}") from exc
    raise ProfileError(
        f"{field} must be a Person or a mapping, not {type(value).__name__}", field=field
    )
