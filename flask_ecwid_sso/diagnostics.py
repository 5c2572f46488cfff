"""Diagnostics for when Ecwid says nothing: what Ecwid would make of a payload.

Ecwid refuses a bad SSO payload silently. :func:`inspect_payload` checks one
the way Ecwid would and says, line by line, why it would refuse it, whatever
the string. Results are :class:`Check` lines in an :class:`Inspection` (see
:mod:`.reports`). No message ever carries a secret or a token. Nothing here
imports Flask.
"""

from __future__ import annotations

import datetime
import hmac
import re
from collections.abc import Mapping

from .exceptions import TokenError
from .payloads import (
    AppField,
    DecodedPayload,
    checked_now,
    decode_payload,
    payload_signature,
    split_payload,
)
from .reports import (
    SHA1_REFUSED,
    VARIANTS,
    Check,
    Inspection,
    Report,
    looks_like_api_token,
    redact,
    show,
)
from .signing import ECWID_MAX_AGE, SSOSigner

__all__ = ["Check", "Inspection", "Report", "inspect_payload", "redact"]

_HEX = re.compile(r"[0-9a-fA-F]+")
_APP_ID_KEYS: dict[AppField, str] = {"appClientId": "ECWID_CLIENT_ID", "appId": "ECWID_SSO_APP_ID"}


def inspect_payload(
    payload: str,
    *,
    app_field: AppField,
    app_id: str | None,
    secret: str | None,
    key_name: str = "ECWID_CLIENT_SECRET",
    other_keys: Mapping[str, str | None] | None = None,
    now: float | None = None,
) -> Inspection:
    """Check ``payload`` as Ecwid would, line by line, and say why it would refuse it.

    ``app_field``/``app_id`` and ``secret`` are what the app signs with;
    ``key_name`` names the config key that holds the secret, for messages. ``other_keys``
    maps other config keys to their values (the API token, say): a payload
    signed with one of them is reported as signed with the wrong key rather
    than as altered. ``now`` (UNIX seconds, default: this machine's clock) is
    what the age is measured against; one that is not a finite number raises
    ``TypeError`` or ``ValueError`` at once. Any ``payload`` string gives an
    inspection; none raises.
    """
    checked_at = checked_now(now)
    if not payload:
        empty = "the payload is empty, which tells Ecwid that nobody is logged in: it logs the"
        return Inspection((Check("format", "problem", f"{empty} shopper out", "empty"),))
    try:
        message, signature, timestamp = split_payload(payload, SSOSigner.max_payload_length)
    except TokenError as exc:
        return Inspection((Check("format", "problem", str(exc), "malformed"),))
    checks = [Check("format", "ok", "three parts: MESSAGE SIGNATURE TIMESTAMP")]
    try:
        decoded = decode_payload(payload, now=checked_at)
    except TokenError as exc:
        return Inspection((*checks, Check("json", "problem", str(exc), "malformed")))
    keys = ", ".join(show(key, 30) for key in list(decoded.data)[:10])
    checks.append(Check("json", "ok", f"the message is base64 of a JSON object with {keys}"))
    checks.append(_check_app_id(decoded, app_field, app_id))
    checks.extend(_check_fields(decoded))
    checks.append(_check_digest(signature, decoded))
    checks.append(
        _check_signature(
            (message, timestamp), signature, decoded, secret, key_name, other_keys or {}
        )
    )
    checks.append(_check_age(decoded))
    return Inspection(tuple(checks), decoded)


def _check_app_id(decoded: DecodedPayload, app_field: AppField, app_id: str | None) -> Check:
    field = decoded.app_field
    if field is None:
        return Check(
            "app id",
            "problem",
            f"the message has neither appClientId nor appId; Ecwid requires {app_field}",
            "missing_app_id",
        )
    if field != app_field:
        return Check(
            "app id",
            "problem",
            f"the payload names {field} (the {VARIANTS[field]} variant), but this app signs"
            f" with {app_field} (the {VARIANTS[app_field]} variant): it was made by another"
            " set-up. Never switch variants on a live site: Ecwid keys customers by app id",
            "app_variant",
        )
    config_key = _APP_ID_KEYS[app_field]
    if app_id is None:
        return Check(
            "app id", "unchecked", f"{field} is {show(decoded.app_id)}; {config_key} is not set"
        )
    if decoded.app_id != app_id:
        return Check(
            "app id",
            "problem",
            f"{field} is {show(decoded.app_id)}, but {config_key} is {show(app_id)}:"
            " the payload is for another app",
            "wrong_app",
        )
    return Check("app id", "ok", f"{field} {show(app_id)} matches {config_key}")


def _check_fields(decoded: DecodedPayload) -> list[Check]:
    user_id = decoded.user_id
    if user_id is None:
        user = Check(
            "user id",
            "problem",
            "the message has no userId: Ecwid requires the site's id of the user, as a string",
            "missing_user_id",
        )
    elif not isinstance(user_id, str) or not user_id:
        user = Check(
            "user id",
            "problem",
            f"userId is {show(user_id)}: Ecwid requires a non-empty string",
            "missing_user_id",
        )
    else:
        user = Check("user id", "ok", f"userId {show(user_id)}")
    profile = decoded.profile
    email = profile.get("email") if isinstance(profile, Mapping) else None
    if isinstance(email, str) and email.strip():
        mail = Check("email", "ok", f"profile.email {show(email)}")
    else:
        mail = Check(
            "email",
            "problem",
            "the message has no profile.email: Ecwid requires a profile object with an email",
            "missing_email",
        )
    return [user, mail]


def _check_digest(signature: str, decoded: DecodedPayload) -> Check:
    if decoded.digest_guess is None or not _HEX.fullmatch(signature):
        return Check(
            "digest",
            "problem",
            f"the signature is {len(signature)} characters; Ecwid expects the 64 lowercase"
            " hex characters of an HMAC-SHA256",
            "bad_signature_format",
        )
    if signature != signature.lower():
        return Check(
            "digest",
            "problem",
            "the signature is upper-case hex; Ecwid expects lowercase",
            "uppercase_signature",
        )
    if decoded.digest_guess == "sha1":
        return Check(
            "digest",
            "problem",
            f"40 hex characters: signed with SHA-1. {SHA1_REFUSED};"
            " set ECWID_SSO_DIGEST = 'sha256'",
            "other_digest",
        )
    return Check("digest", "ok", "64 hex characters: SHA-256")


def _check_signature(
    signed: tuple[str, str],
    signature: str,
    decoded: DecodedPayload,
    secret: str | None,
    secret_name: str,
    other_keys: Mapping[str, str | None],
) -> Check:
    if secret is None:
        return Check(
            "signature",
            "unchecked",
            f"{secret_name} is not set: the signature cannot be checked",
        )
    digest = decoded.digest_guess
    if digest is None or not _HEX.fullmatch(signature):
        return Check("signature", "problem", "no HMAC looks like this", "bad_signature")
    candidates = [(secret_name, secret)] + [
        (name, key) for name, key in other_keys.items() if key and key != secret
    ]
    wanted = signature.lower()
    signer = next(
        (
            (name, key)
            for name, key in candidates
            if hmac.compare_digest(payload_signature(key.encode(), *signed, digest), wanted)
        ),
        None,
    )
    label = "SHA-256" if digest == "sha256" else "SHA-1"
    if signer is None:
        others = "".join(f", nor {name}" for name, _ in candidates[1:])
        return Check(
            "signature",
            "problem",
            f"the {label} signature matches neither {secret_name}{others}: the payload was"
            " altered after signing, or signed with a secret this app does not have",
            "bad_signature",
        )
    name, key = signer
    if name != secret_name:
        return Check(
            "signature",
            "problem",
            f"signed with {name} instead of {secret_name}: Ecwid checks SSO payloads"
            " against the app's client_secret (or the legacy SSO key), never a REST token",
            "other_secret",
        )
    if looks_like_api_token(key):
        return Check(
            "signature",
            "problem",
            f"matches {secret_name}, but that holds a REST token (secret_.../public_...):"
            " Ecwid checks against the app's client_secret; copy it from Ecwid admin,"
            " #develop-apps",
            "api_token_as_secret",
        )
    if digest == "sha1":
        return Check(
            "signature",
            "problem",
            f"matches {secret_name}, but under SHA-1, which Ecwid refuses since 2025-03-20:"
            " sign with SHA-256",
            "other_digest",
        )
    return Check("signature", "ok", f"matches {secret_name} under SHA-256")


def _check_age(decoded: DecodedPayload) -> Check:
    age = decoded.age
    issued = datetime.datetime.fromtimestamp(decoded.timestamp, datetime.timezone.utc)
    when = f"timestamp {decoded.timestamp} ({issued:%Y-%m-%d %H:%M:%S} UTC)"
    if age > ECWID_MAX_AGE:
        return Check(
            "age",
            "problem",
            f"{when} is {age} s old by this machine's clock; Ecwid accepts {ECWID_MAX_AGE} s"
            " (10 minutes): sign at render time, never cache a page that holds a payload,"
            " keep the clock in sync",
            "expired",
        )
    if age < -SSOSigner.future_leeway:
        return Check(
            "age",
            "problem",
            f"{when} is {-age} s in the future by this machine's clock: the signing"
            " server's clock is ahead, or this one behind; sync both (NTP)",
            "future",
        )
    if age < 0:
        return Check(
            "age",
            "warning",
            f"{when} is {-age} s in the future by this machine's clock: a small clock"
            " difference; Ecwid's clock decides",
            "future",
        )
    return Check(
        "age",
        "ok",
        f"{when} is {age} s old by this machine's clock; Ecwid accepts it for"
        f" {ECWID_MAX_AGE - age} s more",
    )
