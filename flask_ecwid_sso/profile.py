"""The shopper data an SSO payload carries: :class:`Profile` and :class:`Person`.

Both are frozen and validated on construction, so a profile that exists is one
Ecwid accepts. ``to_ecwid`` writes Ecwid's camelCase JSON shape, keys always in
the documented order and absent fields left out; ``from_ecwid`` reads it back.
"""

from __future__ import annotations

import dataclasses
import operator
import re
import typing as t
from collections.abc import Iterable, Mapping
from json.encoder import encode_basestring_ascii as json_string

from .exceptions import ProfileError
from .numbers import is_whole_number

_EMAIL_MAX_LENGTH = 254
#: 10000-01-01 UTC: no registration date is later, and dates past it cannot be written.
_REGISTERED_LIMIT = 253_402_300_800
# Deliberately loose: Ecwid checks deliverability itself; we only refuse values
# that cannot be an address at all. Non-ASCII local parts and domains are fine.
# \s also covers U+2028, U+2029 and U+0085; control characters are named explicitly.
_EMAIL = re.compile(
    r"[^@\s\x00-\x1f\x7f-\x9f]+@[^@\s.\x00-\x1f\x7f-\x9f]+(?:\.[^@\s.\x00-\x1f\x7f-\x9f]+)+"
)

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
_PROFILE_KEYS = {
    "email": "email",
    "billingPerson": "billing_person",
    "shippingAddresses": "shipping_addresses",
    "registered": "registered",
}


def _refuse_unknown(data: Mapping[str, t.Any], known: Mapping[str, str], kind: str) -> None:
    for key in data:
        if key not in known:
            raise ProfileError(
                f"unknown {kind} field {key!r}; Ecwid knows " + ", ".join(known), field=str(key)
            )


def _label(attr: str, ecwid: str) -> str:
    return attr if attr == ecwid else f"{attr} ({ecwid})"


def _check_text(value: object, label: str, *, required: bool = False) -> None:
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
        values = (
            name,
            company_name,
            street,
            city,
            country_code,
            country_name,
            postal_code,
            state_or_province_code,
            phone,
        )
        if not _TEXT_OR_NONE.issuperset(map(type, values)):
            for value, label in zip(values, _PERSON_LABELS, strict=True):
                if value is not None and not isinstance(value, str):
                    _check_text(value, label)
        if country_code is not None:
            if not (len(country_code) == 2 and country_code.isascii() and country_code.isalpha()):
                raise ProfileError(
                    "country_code (countryCode) must be two letters such as 'US',"
                    f" not {country_code!r}",
                    field="country_code",
                )
            country_code = country_code.upper()
        object.__setattr__(
            self,
            "__dict__",
            {
                "name": name,
                "company_name": company_name,
                "street": street,
                "city": city,
                "country_code": country_code,
                "country_name": country_name,
                "postal_code": postal_code,
                "state_or_province_code": state_or_province_code,
                "phone": phone,
            },
        )

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
        _refuse_unknown(data, _PERSON_KEYS, "person")
        fields = {_PERSON_KEYS[key]: value for key, value in data.items()}
        if "name" not in fields:
            raise ProfileError("name is required", field="name")
        try:
            return cls(**fields)
        except ProfileError as exc:
            ecwid = dict(PERSON_FIELDS).get(exc.field or "", exc.field)
            raise ProfileError(str(exc), field=ecwid) from None


def _as_person(value: object, field: str) -> Person:
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


@dataclasses.dataclass(frozen=True, init=False)
class Profile:
    """The profile of a signed-in shopper, as Ecwid's SSO payload carries it.

    ``email`` is required; Ecwid keys customers by it and allows one customer
    per address. ``shipping_addresses`` apply only when Ecwid first creates the
    customer. ``registered`` is a UNIX timestamp (whole seconds). Person fields
    may be given as :class:`Person` objects or as Ecwid-shaped mappings.
    """

    email: str
    billing_person: Person | None = None
    shipping_addresses: tuple[Person, ...] = ()
    registered: int | None = None

    # Written out, not generated, as Person's is (and held to the fields the same way).
    def __init__(
        self,
        email: str,
        billing_person: Person | None = None,
        shipping_addresses: tuple[Person, ...] = (),
        registered: int | None = None,
    ) -> None:
        if not isinstance(email, str) or not email.strip():
            _check_text(email, "email", required=True)
        if len(email) > _EMAIL_MAX_LENGTH or not _EMAIL.fullmatch(email):
            raise ProfileError(
                f"email {email!r} is not a plausible address (name@domain.tld,"
                " no spaces or control characters)",
                field="email",
            )
        if billing_person is not None and not isinstance(billing_person, Person):
            billing_person = _as_person(billing_person, "billing_person")
        addresses: object = shipping_addresses
        if addresses:
            if isinstance(addresses, (str, bytes, Mapping)) or not isinstance(addresses, Iterable):
                raise ProfileError(
                    "shipping_addresses must be a sequence of persons", field="shipping_addresses"
                )
            shipping_addresses = tuple(
                _as_person(item, f"shipping_addresses[{index}]")
                for index, item in enumerate(addresses)
            )
        elif addresses != ():
            shipping_addresses = ()
        if registered is not None and (
            not is_whole_number(registered) or not 0 <= registered < _REGISTERED_LIMIT
        ):
            raise ProfileError(
                f"registered must be a UNIX timestamp in whole seconds, not {registered!r}",
                field="registered",
            )
        object.__setattr__(
            self,
            "__dict__",
            {
                "email": email,
                "billing_person": billing_person,
                "shipping_addresses": shipping_addresses,
                "registered": registered,
            },
        )

    def to_ecwid(self) -> dict[str, t.Any]:
        """Return Ecwid's JSON shape: camelCase keys in documented order, absent fields left out."""
        data: dict[str, t.Any] = {"email": self.email}
        if self.billing_person is not None:
            data["billingPerson"] = self.billing_person.to_ecwid()
        if self.shipping_addresses:
            data["shippingAddresses"] = [person.to_ecwid() for person in self.shipping_addresses]
        if self.registered is not None:
            data["registered"] = self.registered
        return data

    def to_json(self) -> str:
        """Return :meth:`to_ecwid` as the JSON a payload carries: compact, ASCII only.

        Non-ASCII characters are ``\\u`` escapes, as PHP's ``json_encode`` writes them.
        :meth:`SSOSigner.sign <flask_ecwid_sso.SSOSigner.sign>` signs this text.
        """
        text = '{"email":' + json_string(self.email)
        if self.billing_person is not None:
            text += ',"billingPerson":' + self.billing_person.to_json()
        if self.shipping_addresses:
            persons = ",".join(person.to_json() for person in self.shipping_addresses)
            text += f',"shippingAddresses":[{persons}]'
        if self.registered is not None:
            text += f',"registered":{int(self.registered)}'
        return text + "}"

    @classmethod
    def from_ecwid(cls, data: Mapping[str, t.Any]) -> Profile:
        """Build a profile from Ecwid's JSON shape (``{"email": ..., "billingPerson": {...}}``).

        Raises :class:`ProfileError` naming the field (as an Ecwid JSON path) when
        a value is missing, of the wrong type, or a key is unknown.
        """
        if not isinstance(data, Mapping):
            raise ProfileError(
                f"a profile must be a mapping, not {type(data).__name__}", field="profile"
            )
        _refuse_unknown(data, _PROFILE_KEYS, "profile")
        if "email" not in data:
            raise ProfileError("email is required", field="email")
        addresses = data.get("shippingAddresses", ())
        if not isinstance(addresses, (list, tuple)):
            raise ProfileError("shippingAddresses must be a list", field="shippingAddresses")
        return cls(
            email=data["email"],
            billing_person=(
                None
                if data.get("billingPerson") is None
                else _as_person(data["billingPerson"], "billingPerson")
            ),
            shipping_addresses=tuple(
                _as_person(item, f"shippingAddresses[{index}]")
                for index, item in enumerate(addresses)
            ),
            registered=data.get("registered"),
        )
