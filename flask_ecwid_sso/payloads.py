"""The SSO payload's wire format, read without the secret: split, decode, sign a message.

A payload is ``MESSAGE SIGNATURE TIMESTAMP``: MESSAGE is standard base64 of a
JSON object ``{app field, "userId", "profile"}``, SIGNATURE the lowercase hex
HMAC of ``"MESSAGE TIMESTAMP"`` keyed with the secret, TIMESTAMP whole UNIX
seconds. Everything here is total on any string: a payload that cannot be read
is a :class:`~flask_ecwid_sso.exceptions.TokenError` with reason
``"malformed"``, never another exception. Nothing here imports Flask.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hmac
import json
import math
import re
import time
import typing as t
from collections.abc import Mapping

from .exceptions import TokenError
from .numbers import is_whole_number

__all__ = [
    "MAX_PAYLOAD_LENGTH",
    "MAX_TIMESTAMP",
    "AppField",
    "DecodedPayload",
    "Digest",
    "app_field_of",
    "checked_now",
    "decode_message",
    "decode_payload",
    "is_timestamp",
    "payload_signature",
    "signed_text",
    "split_payload",
]

AppField = t.Literal["appClientId", "appId"]
Digest = t.Literal["sha256", "sha1"]

#: Payloads longer than this are refused unread. Our bound: Ecwid documents none, and a
#: profile of sane size makes a payload of a few hundred characters.
MAX_PAYLOAD_LENGTH = 16_384
#: The last second of year 9999 (UTC): later timestamps cannot be dates, and are malformed.
MAX_TIMESTAMP = 253_402_300_799

_DIGEST_BY_HEX_LENGTH = {64: "sha256", 40: "sha1"}
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")


@dataclasses.dataclass(frozen=True)
class DecodedPayload:
    """What a payload says, read without the secret. It claims nothing about validity.

    ``digest_guess`` is the digest the signature's length suggests (64 hex
    characters: ``"sha256"``, 40: ``"sha1"``), or ``None`` when it fits neither.
    ``age`` is seconds between the timestamp and the time of decoding (negative
    when the timestamp lies in the future). ``data`` is the whole JSON object.
    """

    message: str
    signature: str
    timestamp: int
    age: int
    digest_guess: Digest | None
    data: Mapping[str, t.Any]
    app_field: AppField | None
    app_id: object
    user_id: object
    profile: object


def checked_now(now: object) -> int:
    """``now`` (UNIX seconds, ``None`` for this machine's clock) as whole seconds.

    A caller's mistake fails at once: ``TypeError`` when ``now`` is not a
    number, ``ValueError`` when it is NaN or infinite.
    """
    if now is None:
        return int(time.time())
    if isinstance(now, bool) or not isinstance(now, (int, float)):
        raise TypeError(f"now must be UNIX seconds (a number) or None, not {type(now).__name__}")
    if not math.isfinite(now):
        raise ValueError(f"now must be a finite number of UNIX seconds, not {now!r}")
    return int(now)


def split_payload(payload: object, max_length: int = MAX_PAYLOAD_LENGTH) -> tuple[str, str, str]:
    """``(message, signature, timestamp)`` of a well-formed payload, else ``TokenError``."""
    if isinstance(payload, (bytes, bytearray)):
        try:
            payload = bytes(payload).decode("ascii")
        except UnicodeDecodeError:
            raise TokenError(
                "a payload is ASCII text; these bytes are not", reason="malformed"
            ) from None
    if not isinstance(payload, str):
        raise TokenError(f"a payload is a string, not {type(payload).__name__}", reason="malformed")
    if len(payload) > max_length:
        raise TokenError(
            f"the payload is {len(payload)} characters long, more than the"
            f" {max_length} a profile can need",
            reason="malformed",
        )
    parts = payload.split(" ")
    if len(parts) != 3:
        raise TokenError(
            "a payload is three parts separated by single spaces: MESSAGE SIGNATURE TIMESTAMP;"
            f" this one has {len(parts)} (was it cut, or its spaces changed in transit?)",
            reason="malformed",
        )
    message, signature, timestamp = parts
    if not _BASE64.fullmatch(message) or len(message) % 4:
        raise TokenError("the message part is not standard base64", reason="malformed")
    if not _TIMESTAMP.fullmatch(timestamp):
        raise TokenError(
            "the timestamp part is not a UNIX time in whole seconds", reason="malformed"
        )
    if int(timestamp) > MAX_TIMESTAMP:
        raise TokenError(
            f"the timestamp {timestamp} lies past the year 9999: it cannot be a time",
            reason="malformed",
        )
    return message, signature, timestamp


def decode_message(message: str) -> dict[str, t.Any]:
    """The JSON object a payload's base64 message holds, else ``TokenError``."""
    try:
        data = json.loads(base64.b64decode(message, validate=True).decode("utf-8"))
    except (binascii.Error, UnicodeDecodeError, ValueError, RecursionError):
        raise TokenError(
            "the message part does not decode to UTF-8 JSON", reason="malformed"
        ) from None
    if not isinstance(data, dict):
        raise TokenError("the message part is JSON, but not an object", reason="malformed")
    return data


def app_field_of(data: Mapping[str, t.Any]) -> AppField | None:
    """Which app id field the message carries (``appClientId`` first), or ``None``."""
    if "appClientId" in data:
        return "appClientId"
    if "appId" in data:
        return "appId"
    return None


def is_timestamp(value: object) -> bool:
    """Whether ``value`` is whole UNIX seconds from 0 to :data:`MAX_TIMESTAMP`."""
    return is_whole_number(value) and 0 <= value <= MAX_TIMESTAMP


def signed_text(message: str, timestamp: str) -> bytes:
    """What a payload's signature covers: the ASCII text ``"MESSAGE TIMESTAMP"``."""
    return f"{message} {timestamp}".encode("ascii")


def payload_signature(key: bytes, message: str, timestamp: str, digest: str) -> str:
    """The lowercase hex HMAC Ecwid expects over ``"MESSAGE TIMESTAMP"``."""
    return hmac.digest(key, signed_text(message, timestamp), digest).hex()


def decode_payload(payload: str | bytes, *, now: float | None = None) -> DecodedPayload:
    """Read a payload without the secret, for debugging.

    Raises :class:`TokenError` with reason ``"malformed"`` when the payload
    cannot be read at all, whatever the string. A payload that decodes is not
    a valid one: only :meth:`SSOSigner.verify` (or Ecwid) can say that.
    ``now`` (UNIX seconds, default: this machine's clock) is what ``age`` is
    measured against; a ``now`` that is not a finite number is a
    ``TypeError`` or ``ValueError``.
    """
    checked_at = checked_now(now)
    message, signature, timestamp = split_payload(payload)
    data = decode_message(message)
    app_field = app_field_of(data)
    issued = int(timestamp)
    return DecodedPayload(
        message=message,
        signature=signature,
        timestamp=issued,
        age=checked_at - issued,
        digest_guess=t.cast(Digest | None, _DIGEST_BY_HEX_LENGTH.get(len(signature))),
        data=data,
        app_field=app_field,
        app_id=data.get(app_field) if app_field else None,
        user_id=data.get("userId"),
        profile=data.get("profile"),
    )
