"""Sign and verify Ecwid Storefront SSO payloads: :class:`SSOSigner`.

The wire format, and reading a payload without the secret
(:func:`decode_payload`), live in :mod:`.payloads`. What :meth:`SSOSigner.sign`
makes, :meth:`SSOSigner.verify` accepts. Nothing here imports Flask.
"""

from __future__ import annotations

import binascii
import dataclasses
import hmac
import math
import re
import time
import typing as t
import warnings
from collections.abc import Mapping
from json.encoder import encode_basestring_ascii as json_string

from .exceptions import ConfigError, LegacyDigestWarning, ProfileError, TokenError
from .numbers import is_whole_number
from .payload_claims import JSON_WHITESPACE, Claims, LocalClaims, SharedClaims
from .payloads import (
    MAX_PAYLOAD_LENGTH,
    MAX_TIMESTAMP,
    AppField,
    DecodedPayload,
    Digest,
    app_field_of,
    checked_now,
    decode_message,
    decode_payload,
    is_timestamp,
    signed_text,
    split_payload,
)
from .profile import Profile

__all__ = [
    "ECWID_MAX_AGE",
    "AppField",
    "DecodedPayload",
    "Digest",
    "SSOSigner",
    "SignedProfile",
    "decode_payload",
]

#: How long Ecwid accepts a payload after its timestamp, in seconds.
ECWID_MAX_AGE = 600

_DIGESTS = ("sha256", "sha1")
_HEX_SIGNATURE = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
#: Claims that hand out only whole seconds and JSON whitespace: what others give is checked.
_OWN_CLAIMS = (LocalClaims, SharedClaims)


@dataclasses.dataclass(frozen=True)
class SignedProfile:
    """A payload that passed every check :meth:`SSOSigner.verify` makes."""

    user_id: str
    profile: Profile
    timestamp: int
    app_field: AppField
    app_id: str


def _checked_max_age(max_age: object) -> float:
    if isinstance(max_age, bool) or not isinstance(max_age, (int, float)):
        raise TypeError(f"max_age must be a number of seconds, not {type(max_age).__name__}")
    if not (math.isfinite(max_age) and max_age >= 0):
        raise ValueError(f"max_age must be a finite number of seconds, 0 or more, not {max_age!r}")
    return max_age


def _check_claim(timestamp: object, suffix: object) -> None:
    if not is_timestamp(timestamp):
        raise ValueError(
            f"the claims gave a timestamp that is not whole UNIX seconds: {timestamp!r}"
        )
    if not isinstance(suffix, str) or suffix.strip(JSON_WHITESPACE):
        raise ValueError(f"the claims gave a suffix that is not JSON whitespace: {suffix!r}")


class SSOSigner:
    """Sign and verify Storefront SSO payloads for one Ecwid app.

    Give exactly one of ``client_id`` (the current variant: field
    ``appClientId``, keyed with the app's ``client_secret``) or ``app_id`` (the
    legacy variant: field ``appId``, keyed with the store's legacy SSO key).
    ``digest`` is ``"sha256"``; ``"sha1"`` is for legacy stores only and warns,
    since Ecwid stopped accepting SHA-1 payloads on 2025-03-20.

    Payloads signed without an explicit ``timestamp`` are never byte-identical:
    ``claims`` decides their timestamp and trailing whitespace (default:
    :class:`~flask_ecwid_sso.payload_claims.LocalClaims`, unique within the
    process and, by a random tag, across processes).
    """

    #: Payloads longer than this are refused before any work is done (our bound: Ecwid
    #: documents none); :meth:`sign` refuses a profile that would make a longer one.
    max_payload_length = MAX_PAYLOAD_LENGTH
    #: How far a timestamp may lie in the future (clock skew) before it is refused.
    future_leeway = 60

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
        self._mac = hmac.new(secret.encode("utf-8"), digestmod=digest)
        self._digest: Digest = t.cast(Digest, digest)
        self._app_field: AppField = "appClientId" if client_id is not None else "appId"
        self._app_id = app_value
        self.claims: Claims = LocalClaims() if claims is None else claims
        self._json_head = f'{{"{self._app_field}":{json_string(app_value)},"userId":'

    @property
    def digest(self) -> Digest:
        """The HMAC digest: ``"sha256"``, or ``"sha1"`` for legacy stores."""
        return self._digest

    @property
    def app_field(self) -> AppField:
        """The app id's field: ``"appClientId"`` (current apps) or ``"appId"`` (legacy)."""
        return self._app_field

    @property
    def app_id(self) -> str:
        """The app id the payloads name: the app's ``client_id``, or the legacy site id."""
        return self._app_id

    def __repr__(self) -> str:
        return f"<SSOSigner {self.app_field}={self.app_id!r} digest={self.digest!r}>"

    def _signature(self, message: str, timestamp: str) -> str:
        # A copy of the keyed HMAC spares hashing the key again.
        mac = self._mac.copy()
        mac.update(signed_text(message, timestamp))
        return mac.hexdigest()

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

        What this returns, :meth:`verify` accepts (at the time it names): a
        profile whose payload would pass ``max_payload_length`` raises
        :class:`ProfileError`, and a ``timestamp`` outside 0 to
        253402300799 (the end of year 9999) ``ValueError``, as does a timestamp
        or suffix from custom ``claims`` that is not whole seconds or JSON whitespace.
        """
        if isinstance(user_id, str):
            user = user_id
        elif is_whole_number(user_id):
            user = str(user_id)
        else:
            raise ProfileError(
                f"user_id must be a string or an integer, not {type(user_id).__name__}",
                field="userId",
            )
        if not user or user.isspace():
            raise ProfileError("user_id must not be blank", field="userId")
        if not isinstance(profile, Profile):
            profile = Profile.from_ecwid(profile)
        suffix = ""
        if timestamp is None:
            timestamp, suffix = self.claims.claim(user, int(time.time()))
            if type(self.claims) not in _OWN_CLAIMS:
                _check_claim(timestamp, suffix)
        elif not is_timestamp(timestamp):
            raise ValueError(
                f"timestamp must be whole UNIX seconds from 0 to {MAX_TIMESTAMP}"
                f" (the end of year 9999), not {timestamp!r}"
            )
        # The document's JSON, written as json.dumps(..., separators=(",", ":")) would
        # write it, at a fraction of the cost: its shape is fixed.
        text = f'{self._json_head}{json_string(user)},"profile":{profile.to_json()}}}{suffix}'
        message = binascii.b2a_base64(text.encode("ascii"), newline=False).decode("ascii")
        payload = f"{message} {self._signature(message, str(timestamp))} {timestamp}"
        if len(payload) > self.max_payload_length:
            raise ProfileError(
                f"this profile makes a payload of {len(payload)} characters, more than the"
                f" {self.max_payload_length} verify accepts (our bound; Ecwid documents none):"
                " shorten its names and addresses",
                field="profile",
            )
        return payload

    def verify(
        self, payload: str | bytes, *, max_age: int = ECWID_MAX_AGE, now: float | None = None
    ) -> SignedProfile:
        """Check a payload as Ecwid would, and return what it carries.

        Raises :class:`TokenError` for any payload that fails, whatever its
        type or content; ``reason`` says which check: ``"malformed"``,
        ``"bad_signature"``, ``"wrong_app"``, ``"missing_field"``, ``"expired"``
        (older than ``max_age`` seconds) or ``"future"``. It does not track
        replays: Ecwid refuses a payload it has seen, whatever this says.
        Arguments the caller got wrong fail at once, before the payload is
        looked at: ``max_age`` that is not a finite number of seconds, 0 or
        more, and ``now`` (UNIX seconds, default: this machine's clock) that is
        not a finite number, raise ``TypeError`` or ``ValueError``.
        """
        age_limit = _checked_max_age(max_age)
        checked_at = checked_now(now)
        message, signature, timestamp = split_payload(payload, self.max_payload_length)
        expected = self._signature(message, timestamp)
        if not (_HEX_SIGNATURE.fullmatch(signature) and hmac.compare_digest(expected, signature)):
            raise TokenError(
                f"the signature does not match: the payload was signed with another secret"
                f" or digest (this signer uses {self.digest}), or was altered after signing",
                reason="bad_signature",
            )
        data = decode_message(message)
        app_field = app_field_of(data)
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
        if checked_at - issued > age_limit:
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
