"""Build, sign, verify and explain Ecwid Storefront SSO payloads.

A payload is ``MESSAGE SIGNATURE TIMESTAMP``: MESSAGE is standard base64 of a
JSON object ``{app field, "userId", "profile"}``, SIGNATURE the lowercase hex
HMAC of ``"MESSAGE TIMESTAMP"`` keyed with the secret, TIMESTAMP whole UNIX
seconds. Nothing here imports Flask.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hmac
import json
import re
import time
import typing as t
import warnings
from collections.abc import Mapping

from .exceptions import ConfigError, LegacyDigestWarning, ProfileError, TokenError
from .numbers import is_whole_number
from .payload_claims import Claims, LocalClaims
from .profile import Profile

AppField = t.Literal["appClientId", "appId"]
Digest = t.Literal["sha256", "sha1"]

#: How long Ecwid accepts a payload after its timestamp, in seconds.
ECWID_MAX_AGE = 600

_DIGESTS = ("sha256", "sha1")
_DIGEST_BY_HEX_LENGTH = {64: "sha256", 40: "sha1"}
_HEX_SIGNATURE = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")
_JSON = json.JSONEncoder(separators=(",", ":"), ensure_ascii=True)


@dataclasses.dataclass(frozen=True)
class SignedProfile:
    """A payload that passed every check :meth:`SSOSigner.verify` makes."""

    user_id: str
    profile: Profile
    timestamp: int
    app_field: AppField
    app_id: str


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


def split_payload(payload: object, max_length: int) -> tuple[str, str, str]:
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


def _app_field(data: Mapping[str, t.Any]) -> AppField | None:
    if "appClientId" in data:
        return "appClientId"
    if "appId" in data:
        return "appId"
    return None


def payload_signature(key: bytes, message: str, timestamp: str, digest: str) -> str:
    """The lowercase hex HMAC Ecwid expects over ``"MESSAGE TIMESTAMP"``."""
    return hmac.digest(key, f"{message} {timestamp}".encode("ascii"), digest).hex()


def decode_payload(payload: str | bytes, *, now: float | None = None) -> DecodedPayload:
    """Read a payload without the secret, for debugging.

    Raises :class:`TokenError` with reason ``"malformed"`` when the payload
    cannot be read at all. A payload that decodes is not a valid one: only
    :meth:`SSOSigner.verify` (or Ecwid) can say that.
    """
    message, signature, timestamp = split_payload(payload, SSOSigner.max_payload_length)
    data = decode_message(message)
    app_field = _app_field(data)
    issued = int(timestamp)
    checked_at = int(time.time() if now is None else now)
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


class SSOSigner:
    """Sign and verify Storefront SSO payloads for one Ecwid app.

    Give exactly one of ``client_id`` (the current variant: field
    ``appClientId``, keyed with the app's ``client_secret``) or ``app_id`` (the
    legacy variant: field ``appId``, keyed with the store's legacy SSO key).
    ``digest`` is ``"sha256"``; ``"sha1"`` is for legacy stores only and warns,
    since Ecwid stopped accepting SHA-1 payloads on 2025-03-20.

    Payloads signed without an explicit ``timestamp`` are never byte-identical
    for the same user: ``claims`` decides their timestamp and trailing
    whitespace (default: :class:`~flask_ecwid_sso.payload_claims.LocalClaims`,
    unique within the process and, by a random tag, across processes).
    """

    #: Payloads longer than this are refused before any work is done.
    max_payload_length = 16_384
    #: How far a timestamp may lie in the future (clock skew) before it is refused.
    future_leeway = 60
    #: A repeat payload for a user takes an unused earlier second, this far back at most.
    max_backdate = 30

    def __init__(
        self,
        secret: str,
        *,
        client_id: str | None = None,
        app_id: str | None = None,
        digest: str = "sha256",
        claims: Claims | None = None,
    ) -> None:
        if not isinstance(secret, str) or not secret:
            raise ConfigError("the SSO secret must be a non-empty string", key="secret")
        if (client_id is None) == (app_id is None):
            raise ConfigError(
                "give exactly one of client_id (current Ecwid apps) or app_id (legacy SSO key)",
                key="client_id",
            )
        app_value = client_id if client_id is not None else app_id
        if not isinstance(app_value, str) or not app_value.strip():
            raise ConfigError(
                "the app id must be a non-empty string",
                key="client_id" if client_id is not None else "app_id",
            )
        if digest not in _DIGESTS:
            raise ConfigError(
                f"digest must be 'sha256' (or 'sha1' for legacy stores), not {digest!r}",
                key="digest",
            )
        if digest == "sha1":
            warnings.warn(
                "SHA-1 SSO signing is for legacy stores only: Ecwid stopped accepting"
                " SHA-1 payloads on 2025-03-20. Use digest='sha256'.",
                LegacyDigestWarning,
                stacklevel=2,
            )
        self._secret = secret.encode("utf-8")
        self.digest: Digest = t.cast(Digest, digest)
        self.app_field: AppField = "appClientId" if client_id is not None else "appId"
        self.app_id: str = app_value
        self.claims: Claims = LocalClaims(self.max_backdate) if claims is None else claims

    def __repr__(self) -> str:
        return f"<SSOSigner {self.app_field}={self.app_id!r} digest={self.digest!r}>"

    def _signature(self, message: str, timestamp: str) -> str:
        return payload_signature(self._secret, message, timestamp, self.digest)

    def sign(
        self,
        user_id: str | int,
        profile: Profile | Mapping[str, t.Any],
        *,
        timestamp: int | None = None,
    ) -> str:
        """Return the payload for ``user_id`` with ``profile``.

        ``profile`` is a :class:`Profile` or an Ecwid-shaped mapping, validated
        the same way (:class:`ProfileError` names a bad field). ``user_id`` must
        stay the same for a person forever: Ecwid keys its customers by it.
        Pass ``timestamp`` only to reproduce a known payload; without it the
        current time is used and a repeat for the same user gets a fresh one.
        """
        if not (isinstance(user_id, str) or is_whole_number(user_id)):
            raise ProfileError(
                f"user_id must be a string or an integer, not {type(user_id).__name__}",
                field="userId",
            )
        user = str(user_id)
        if not user.strip():
            raise ProfileError("user_id must not be blank", field="userId")
        if not isinstance(profile, Profile):
            profile = Profile.from_ecwid(profile)
        suffix = ""
        if timestamp is None:
            timestamp, suffix = self.claims.claim(user, int(time.time()))
        elif not is_whole_number(timestamp) or timestamp < 0:
            raise ValueError(f"timestamp must be whole UNIX seconds, not {timestamp!r}")
        document = {self.app_field: self.app_id, "userId": user, "profile": profile.to_ecwid()}
        text = _JSON.encode(document) + suffix
        message = base64.b64encode(text.encode("ascii")).decode("ascii")
        return f"{message} {self._signature(message, str(timestamp))} {timestamp}"

    def verify(
        self, payload: str | bytes, *, max_age: int = ECWID_MAX_AGE, now: float | None = None
    ) -> SignedProfile:
        """Check a payload as Ecwid would, and return what it carries.

        Raises :class:`TokenError` for any input that fails, whatever its type
        or content; ``reason`` says which check: ``"malformed"``,
        ``"bad_signature"``, ``"wrong_app"``, ``"missing_field"``, ``"expired"``
        (older than ``max_age`` seconds) or ``"future"``. It does not track
        replays: Ecwid refuses a payload it has seen, whatever this says.
        """
        message, signature, timestamp = split_payload(payload, self.max_payload_length)
        expected = self._signature(message, timestamp)
        if not (_HEX_SIGNATURE.fullmatch(signature) and hmac.compare_digest(expected, signature)):
            raise TokenError(
                f"the signature does not match: the payload was signed with another secret"
                f" or digest (this signer uses {self.digest}), or was altered after signing",
                reason="bad_signature",
            )
        data = decode_message(message)
        app_field = _app_field(data)
        if app_field is None:
            raise TokenError(
                f"the message has no {self.app_field}; Ecwid requires the app id field",
                reason="missing_field",
            )
        if app_field != self.app_field or data[app_field] != self.app_id:
            raise TokenError(
                f"the payload names {app_field}={data[app_field]!r}, but this signer is"
                f" {self.app_field}={self.app_id!r}: check the app's client id",
                reason="wrong_app",
            )
        user_id = data.get("userId")
        if not isinstance(user_id, str) or not user_id:
            raise TokenError("the message has no userId string", reason="missing_field")
        raw_profile = data.get("profile")
        if not isinstance(raw_profile, Mapping) or not raw_profile.get("email"):
            raise TokenError("the message has no profile with an email", reason="missing_field")
        try:
            profile = Profile.from_ecwid(raw_profile)
        except ProfileError as exc:
            raise TokenError(f"the profile is not valid: {exc}", reason="malformed") from exc
        issued = int(timestamp)
        checked_at = int(time.time() if now is None else now)
        if checked_at - issued > max_age:
            raise TokenError(
                f"the payload is {checked_at - issued} seconds old, more than the {max_age}"
                " allowed: sign it when the page is rendered, never cache it, and keep the"
                " server clock in sync",
                reason="expired",
            )
        if issued - checked_at > self.future_leeway:
            raise TokenError(
                f"the payload's timestamp is {issued - checked_at} seconds in the future:"
                " the signing server's clock is ahead; sync it (NTP)",
                reason="future",
            )
        return SignedProfile(
            user_id=user_id,
            profile=profile,
            timestamp=issued,
            app_field=app_field,
            app_id=self.app_id,
        )
