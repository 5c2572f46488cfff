"""FakeEcwid's reading of a Storefront SSO payload, written from Ecwid's documentation.

It shares no code with :mod:`flask_ecwid_sso.signing` on purpose: the fake
judges what the product signs, so a mistake in one must not hide in the other.
This module holds the checks that need no memory (format, signature, digest,
app id, fields, time); the fake adds the ones that do (replay, one customer
per email) and keeps :class:`SSOLogEntry` records of every decision.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hmac
import json
import re
import typing as t
from collections.abc import Mapping

__all__ = ["FUTURE_LEEWAY", "MAX_AGE", "PayloadReading", "SSOLogEntry", "read_payload"]

#: Seconds a payload's timestamp may lag the fake's clock (Ecwid: 10 minutes).
MAX_AGE = 600
#: Seconds a timestamp may run ahead of the fake's clock before it counts as
#: "future". Ecwid documents no number; a minute of skew is a lenient guess.
FUTURE_LEEWAY = 60

_DIGITS = re.compile(r"[0-9]{1,12}")
#: 10000-01-01 UTC: a later registration date cannot be written as an Ecwid date.
_YEAR_10000 = 253_402_300_800
_EMAIL_MAX_LENGTH = 254
_PROFILE_FIELDS = frozenset({"email", "billingPerson", "shippingAddresses", "registered"})
_PERSON_FIELDS = frozenset(
    {
        "name",
        "companyName",
        "street",
        "city",
        "countryCode",
        "countryName",
        "postalCode",
        "stateOrProvinceCode",
        "phone",
    }
)


@dataclasses.dataclass(frozen=True)
class SSOLogEntry:
    """One SSO payload the fake judged, and its verdict.

    ``time`` is the fake's clock then. ``reason`` is ``"ok"`` for a sign-on,
    ``"logged_out"`` for the empty payload (accepted: the shopper is logged
    out), otherwise why it was refused: ``"malformed"``, ``"bad_signature"``,
    ``"legacy_digest"`` (SHA-1 where SHA-256 is due), ``"wrong_app"``,
    ``"missing_field"``, ``"expired"``, ``"future"``, ``"replayed"``,
    ``"email_conflict"``, ``"plan_inactive"`` (a lapsed plan, or one without
    ``PREMIUM``), ``"store_suspended"``, ``"missing_scope"`` or
    ``"wrong_store"``. ``user_id`` and ``email`` are what the payload claims,
    whenever its message could be read, even when it was refused.
    ``customer_id`` is the customer signed in. ``signature`` names the payload
    without keeping it; no secret is ever kept.
    """

    time: float
    user_id: str | None
    email: str | None
    accepted: bool
    reason: str
    customer_id: int | None = None
    signature: str | None = None


@dataclasses.dataclass(frozen=True)
class PayloadReading:
    """What :func:`read_payload` found: ``reason`` is ``"ok"`` when every check passed.

    ``user_id``, ``email`` and ``signature`` are filled in whenever they could
    be read; ``profile`` is the Ecwid-shaped profile object of a valid payload.
    """

    reason: str
    user_id: str | None = None
    email: str | None = None
    signature: str | None = None
    profile: Mapping[str, t.Any] = dataclasses.field(default_factory=dict)


def read_payload(
    payload: str,
    *,
    key: str,
    app_field: str,
    app_id: str,
    digest: str,
    now: float,
    max_age: int = MAX_AGE,
    future_leeway: int = FUTURE_LEEWAY,
) -> PayloadReading:
    """Check ``payload`` (``MESSAGE SIGNATURE TIMESTAMP``) as Ecwid's storefront does.

    The signature is an HMAC with ``digest`` keyed with ``key`` over
    ``MESSAGE + " " + TIMESTAMP``, in lowercase hex; the message is standard
    base64 of a JSON object whose app field (``appClientId``, else ``appId``)
    is ``app_field`` and equals ``app_id``, with a string ``userId`` and a
    ``profile`` holding an ``email``. The profile has Ecwid's documented fields
    only, each of its documented type (``null`` counts as absent), and a
    person's ``name`` may be empty. The timestamp may be up to ``max_age``
    seconds old and ``future_leeway`` seconds ahead of ``now``.
    """
    parts = payload.split(" ")
    if len(parts) != 3 or not payload.isascii() or not all(parts):
        return PayloadReading("malformed")
    message, signature, timestamp = parts
    document = _decode_message(message)
    user_id, email = _claims(document)

    def verdict(reason: str) -> PayloadReading:
        return PayloadReading(reason, user_id, email, signature)

    if not _DIGITS.fullmatch(timestamp):
        return verdict("malformed")
    if not hmac.compare_digest(signature, _sign(key, message, timestamp, digest)):
        if digest != "sha1" and hmac.compare_digest(
            signature, _sign(key, message, timestamp, "sha1")
        ):
            return verdict("legacy_digest")
        return verdict("bad_signature")
    if document is None:
        return verdict("malformed")
    # The current field names the app when both are there.
    named = "appClientId" if "appClientId" in document else "appId"
    if named not in document:
        return verdict("missing_field")
    if named != app_field or document[named] != app_id:
        return verdict("wrong_app")
    profile = document.get("profile")
    if not user_id or not isinstance(profile, dict) or not profile.get("email"):
        return verdict("missing_field")
    if isinstance(email, str) and not email.strip():
        return verdict("missing_field")
    if not _profile_ok(profile):
        return verdict("malformed")
    age = now - int(timestamp)
    if age > max_age:
        return verdict("expired")
    if -age > future_leeway:
        return verdict("future")
    return PayloadReading("ok", user_id, email, signature, profile)


def _sign(key: str, message: str, timestamp: str, digest: str) -> str:
    signed = f"{message} {timestamp}".encode("ascii")
    return hmac.new(key.encode("utf-8"), signed, digest).hexdigest()


def _decode_message(message: str) -> dict[str, t.Any] | None:
    try:
        document = json.loads(base64.b64decode(message, validate=True).decode("utf-8"))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return document if isinstance(document, dict) else None


def _claims(document: Mapping[str, t.Any] | None) -> tuple[str | None, str | None]:
    """The ``userId`` and ``profile.email`` a message claims, when they are strings."""
    if document is None:
        return None, None
    user_id = document.get("userId")
    profile = document.get("profile")
    email = profile.get("email") if isinstance(profile, dict) else None
    return (
        user_id if isinstance(user_id, str) else None,
        email if isinstance(email, str) else None,
    )


def _profile_ok(profile: Mapping[str, t.Any]) -> bool:
    """The documented profile fields only, each of its documented type; ``null`` is absent."""
    addresses = profile.get("shippingAddresses", [])
    if not set(profile) <= _PROFILE_FIELDS or not isinstance(addresses, list):
        return False
    people = list(addresses)
    if profile.get("billingPerson") is not None:
        people.append(profile["billingPerson"])
    registered = profile.get("registered")
    return (
        _is_email(profile["email"])
        and all(_is_person(person) for person in people)
        and (
            registered is None
            or (
                isinstance(registered, int)
                and not isinstance(registered, bool)
                and 0 <= registered < _YEAR_10000
            )
        )
    )


def _is_email(value: object) -> bool:
    """Something shaped like an address: ``name@domain.tld``, no blank or control character."""
    if not isinstance(value, str) or len(value) > _EMAIL_MAX_LENGTH:
        return False
    if any(char.isspace() or _is_control(char) for char in value):
        return False
    local, at, domain = value.partition("@")
    labels = domain.split(".")
    return bool(at and local) and "@" not in domain and len(labels) > 1 and all(labels)


def _is_control(char: str) -> bool:
    return ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F


def _is_person(value: object) -> bool:
    """An Ecwid Person: documented string fields, ``name`` among them (``""`` is a name).

    The WordPress plugin sends an empty name for a user with no first, last or
    nick name, and Ecwid takes it. Other fields may be ``null`` (absent);
    ``countryCode`` is two letters.
    """
    if not isinstance(value, dict) or not set(value) <= _PERSON_FIELDS:
        return False
    code = value.get("countryCode")
    return (
        isinstance(value.get("name"), str)
        and all(field is None or isinstance(field, str) for field in value.values())
        and (code is None or (len(code) == 2 and code.isascii() and code.isalpha()))
    )
