"""The shopper data an SSO payload carries: :class:`Profile` and :class:`Person`.

Both are frozen and validated on construction, so a profile that exists is one
Ecwid accepts. ``to_ecwid`` writes Ecwid's camelCase JSON shape, keys always in
the documented order and absent fields left out; ``from_ecwid`` reads it back.
"""

from __future__ import annotations

import dataclasses
import re
import typing as t
from collections.abc import Iterable, Mapping
from json.encoder import encode_basestring_ascii as json_string

from .exceptions import ProfileError
from .numbers import is_whole_number
from .person import Person, as_person, check_text, refuse_unknown

_EMAIL_MAX_LENGTH = 254
#: 10000-01-01 UTC: no registration date is later, and dates past it cannot be written.
_REGISTERED_LIMIT = 253_402_300_800
# Deliberately loose: Ecwid checks deliverability itself; we only refuse values
# that cannot be an address at all. Non-ASCII local parts and domains are fine.
# \s also covers U+2028, U+2029 and U+0085; control characters are named explicitly.
_EMAIL = re.compile(
    r"[^@\s\x00-\x1f\x7f-\x9f]+@[^@\s.\x00-\x1f\x7f-\x9f]+(?:\.[^@\s.\x00-\x1f\x7f-\x9f]+)+"
)

_PROFILE_KEYS = {
    "email": "email",
    "billingPerson": "billing_person",
    "shippingAddresses": "shipping_addresses",
    "registered": "registered",
}


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
            check_text(email, "email", required=True)
        if len(email) > _EMAIL_MAX_LENGTH or not _EMAIL.fullmatch(email):
            raise ProfileError(
                f"email {email!r} is not a plausible address (name@domain.tld,"
                " no spaces or control characters)",
                field="email",
            )
        if billing_person is not None and not isinstance(billing_person, Person):
            billing_person = as_person(billing_person, "billing_person")
        addresses: object = shipping_addresses
        if addresses:
            if isinstance(addresses, (str, bytes, Mapping)) or not isinstance(addresses, Iterable):
                raise ProfileError(
                    "shipping_addresses must be a sequence of persons", field="shipping_addresses"
                )
            shipping_addresses = tuple(
                as_person(item, f"shipping_addresses[{index}]")
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
        refuse_unknown(data, _PROFILE_KEYS, "profile")
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
                else as_person(data["billingPerson"], "billingPerson")
            ),
            shipping_addresses=tuple(
                as_person(item, f"shippingAddresses[{index}]")
                for index, item in enumerate(addresses)
            ),
            registered=data.get("registered"),
        )
