"""Native-app payloads: what Ecwid hands an app page it opens in the admin.

Ecwid opens the app's iframe URL with ``?payload=...&app_state=...``. The
payload is URL-safe base64 (padding often missing) of a 16-byte IV followed by
AES-128-CBC ciphertext with PKCS#7 padding, keyed with the first 16
characters of the app's ``client_secret``; the plain text is a JSON object
with the store id, the admin's language, an access token and the view mode.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import re
import secrets
import typing as t
from collections.abc import Mapping

from Crypto.Cipher import AES
from Crypto.Util.Padding import pad, unpad

from .exceptions import PayloadError
from .numbers import is_whole_number

__all__ = ["AppPayload", "decode_app_payload", "encode_app_payload"]

# Real payloads are a few hundred characters; the cap keeps a hostile query
# string from costing a large decryption.
_MAX_PAYLOAD_CHARS = 8192
_KEY_SIZE = 16
_BASE64 = re.compile(r"[A-Za-z0-9_\-+/]*={0,2}", re.ASCII)
_TO_URLSAFE = str.maketrans("+/", "-_")


@dataclasses.dataclass(frozen=True)
class AppPayload:
    """The decrypted payload of a native app page.

    ``view_mode`` is ``"PAGE"``, ``"POPUP"`` or ``"INLINE"`` today, kept as a
    string so a mode Ecwid adds later does not break the page. ``app_state``
    is not part of the encrypted payload: it is the page's ``app_state`` query
    argument, which the Flask layer fills in and which nobody signs. The tokens
    never appear in the repr.
    """

    store_id: int
    lang: str
    access_token: str = dataclasses.field(repr=False)
    view_mode: str
    public_token: str | None = dataclasses.field(default=None, repr=False)
    app_state: str | None = None


def decode_app_payload(payload: str, client_secret: str) -> AppPayload:
    """Decrypt and read the ``payload`` query argument of a native app page.

    The payload is base64 in the URL-safe alphabet, with or without ``=``
    padding; the standard alphabet's ``+`` and ``/`` are accepted too, as
    Ecwid's own reference decoder does. ``store_id``, ``lang``,
    ``access_token`` and ``view_mode`` are required, ``public_token`` is
    optional, and fields Ecwid may add later are ignored.

    Raises :class:`~flask_ecwid_sso.PayloadError`, and nothing else, when the
    payload is not a string of at most 8192 characters, is not base64 or has
    the wrong length, and, with one and the same message (:data:`UNREADABLE`)
    whatever went wrong, when it does not decrypt with this ``client_secret``
    to the fields above. Ecwid's format has no MAC: never show a visitor more
    than that message, or a page becomes an oracle for forging payloads.
    Messages never carry the secret nor the decrypted text.
    """
    key = _key(client_secret)
    if not isinstance(payload, str):
        raise PayloadError("the app payload must be a string: pass the 'payload' query argument")
    if len(payload) > _MAX_PAYLOAD_CHARS:
        raise PayloadError(f"the app payload is longer than {_MAX_PAYLOAD_CHARS} characters")
    raw = _b64decode(payload)
    if len(raw) < 2 * AES.block_size or len(raw) % AES.block_size:
        raise PayloadError(
            "the app payload has the wrong length for an IV and AES blocks: "
            "check that the whole 'payload' query argument was passed"
        )
    iv, ciphertext = raw[: AES.block_size], raw[AES.block_size :]
    decoded = _read(AES.new(key, AES.MODE_CBC, iv=iv).decrypt(ciphertext))
    if decoded is None:
        # One message for every fault past this point: telling bad padding from bad text
        # would make any page that shows it a CBC padding oracle (the format has no MAC).
        raise PayloadError(UNREADABLE)
    return decoded


#: The one message for a payload that does not decrypt to a valid payload.
UNREADABLE = (
    "the app payload is not a valid payload for this app: check that ECWID_CLIENT_SECRET is"
    " this app's client_secret"
)


def _read(padded: bytes) -> AppPayload | None:
    try:
        fields = json.loads(unpad(padded, AES.block_size).decode("utf-8"))
    except (ValueError, RecursionError):
        return None
    if not isinstance(fields, dict):
        return None
    store_id, public_token = fields.get("store_id"), fields.get("public_token")
    texts = [fields.get(name) for name in ("lang", "access_token", "view_mode")]
    if (
        not is_whole_number(store_id)
        or store_id <= 0
        or not all(isinstance(text, str) and text for text in texts)
        or not (public_token is None or isinstance(public_token, str))
    ):
        return None
    lang, access_token, view_mode = t.cast("list[str]", texts)
    return AppPayload(
        store_id=store_id,
        lang=lang,
        access_token=access_token,
        view_mode=view_mode,
        public_token=public_token,
    )


def encode_app_payload(
    data: Mapping[str, t.Any], client_secret: str, *, iv: bytes | None = None
) -> str:
    """Encrypt ``data`` the way Ecwid does, for tests and fakes of Ecwid.

    ``data`` becomes compact JSON in its own key order, then unpadded URL-safe
    base64 of the IV and the ciphertext. ``iv`` (16 bytes) is random unless
    given; give one only to reproduce a known answer.
    """
    key = _key(client_secret)
    if iv is None:
        iv = secrets.token_bytes(AES.block_size)
    elif len(iv) != AES.block_size:
        raise ValueError(f"iv must be {AES.block_size} bytes")
    plain = json.dumps(data, separators=(",", ":")).encode("utf-8")
    ciphertext = AES.new(key, AES.MODE_CBC, iv=iv).encrypt(pad(plain, AES.block_size))
    return base64.urlsafe_b64encode(iv + ciphertext).rstrip(b"=").decode("ascii")


def _key(client_secret: object) -> bytes:
    if not isinstance(client_secret, str) or len(client_secret) < _KEY_SIZE:
        raise PayloadError(
            "client_secret must be the app's client_secret string, at least 16 characters: "
            "check ECWID_CLIENT_SECRET"
        )
    prefix = client_secret[:_KEY_SIZE]
    if not prefix.isascii():
        raise PayloadError(
            "client_secret must start with 16 ASCII characters: check ECWID_CLIENT_SECRET"
        )
    return prefix.encode("ascii")


def _b64decode(payload: str) -> bytes:
    body = payload.rstrip("=")
    if not _BASE64.fullmatch(payload) or len(body) % 4 == 1:
        raise PayloadError(
            "the app payload is not base64: pass the 'payload' query argument as Ecwid sent it"
        )
    return base64.urlsafe_b64decode(body.translate(_TO_URLSAFE) + "=" * (-len(body) % 4))
