from __future__ import annotations

import base64
import json
import re
import typing as t

import pytest
from Crypto.Cipher import AES
from hypothesis import given
from hypothesis import strategies as st

from flask_ecwid_sso.app_payload import (
    UNREADABLE,
    AppPayload,
    decode_app_payload,
    encode_app_payload,
)
from flask_ecwid_sso.exceptions import PayloadError

SECRET = "A1Lu7ANIhKD6A1Lu7ANIhKD6ADsaSdsa"
N1_IV = b"0123456789abcdef"
N1_PLAIN = (
    '{"store_id":1003,"lang":"en","access_token":"secret_abc123","view_mode":"PAGE",'
    '"public_token":"public_xyz789"}'
)
N1_PAYLOAD = (
    "MDEyMzQ1Njc4OWFiY2RlZjI6H0h1iq6TOiLlcqot55-ekkK8jNBF3J-IkvNdmLcXunaiOy_5op4rZ2NGflJ-JCmMby"
    "j8maF5cKdQblhrTK6uSqwMEenpR_Z-L6EP5IA8pHG5jQiQfqEJY2DuWXZEtWOJbA2w8KrjHpY_1jCVpsM"
)
N1 = AppPayload(
    store_id=1003,
    lang="en",
    access_token="secret_abc123",
    view_mode="PAGE",
    public_token="public_xyz789",
)
GOOD_DATA: dict[str, t.Any] = {
    "store_id": 1003,
    "lang": "en",
    "access_token": "secret_abc123",
    "view_mode": "PAGE",
}


def test_vector_n1_decodes() -> None:
    decoded = decode_app_payload(N1_PAYLOAD, SECRET)
    assert decoded == N1
    assert decoded.app_state is None


def test_vector_n1_encodes_byte_for_byte() -> None:
    assert encode_app_payload(json.loads(N1_PLAIN), SECRET, iv=N1_IV) == N1_PAYLOAD


def test_padded_payload_decodes() -> None:
    padded = N1_PAYLOAD + "=" * (-len(N1_PAYLOAD) % 4)
    assert padded != N1_PAYLOAD
    assert decode_app_payload(padded, SECRET) == N1


def test_standard_alphabet_payload_decodes() -> None:
    standard = N1_PAYLOAD.replace("-", "+").replace("_", "/")
    assert standard != N1_PAYLOAD
    assert decode_app_payload(standard, SECRET) == N1


def test_only_the_first_16_characters_of_the_secret_are_the_key() -> None:
    assert decode_app_payload(N1_PAYLOAD, SECRET[:16] + "anything else") == N1


def test_public_token_is_optional_and_extra_fields_are_ignored() -> None:
    payload = encode_app_payload({**GOOD_DATA, "future_field": [1, 2]}, SECRET)
    decoded = decode_app_payload(payload, SECRET)
    assert decoded.public_token is None
    assert decoded.store_id == 1003


def test_random_iv_gives_different_payloads_that_decode_alike() -> None:
    first = encode_app_payload(GOOD_DATA, SECRET)
    second = encode_app_payload(GOOD_DATA, SECRET)
    assert first != second
    assert decode_app_payload(first, SECRET) == decode_app_payload(second, SECRET)


def test_repr_hides_tokens() -> None:
    text = repr(decode_app_payload(N1_PAYLOAD, SECRET))
    assert "secret_abc123" not in text
    assert "public_xyz789" not in text
    assert "store_id=1003" in text


def _tamper(payload: str, index: int) -> str:
    raw = bytearray(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    raw[index] ^= 0x01
    return base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")


def _encrypt_raw(plain: bytes, secret: str = SECRET) -> str:
    """Encrypt arbitrary bytes with our own padding, bypassing encode_app_payload's JSON."""
    padded = plain + bytes([16 - len(plain) % 16]) * (16 - len(plain) % 16)
    ciphertext = AES.new(secret[:16].encode(), AES.MODE_CBC, iv=N1_IV).encrypt(padded)
    return base64.urlsafe_b64encode(N1_IV + ciphertext).decode()


@pytest.mark.parametrize(
    ("payload", "secret", "message"),
    [
        pytest.param(N1_PAYLOAD, "B1Lu7ANIhKD6A1Lu7ANIhKD6ADsaSdsa", UNREADABLE, id="wrong-key"),
        pytest.param(_tamper(N1_PAYLOAD, -1), SECRET, UNREADABLE, id="tampered-last-block"),
        pytest.param(_tamper(N1_PAYLOAD, 20), SECRET, UNREADABLE, id="tampered-ciphertext"),
        pytest.param(N1_PAYLOAD, "A1Lu7ANIhKD6A1L", "at least 16", id="short-secret"),
        pytest.param(N1_PAYLOAD, "A1Lu7ANIhKD6A1L\u00e9", "16 ASCII", id="non-ascii-secret"),
        pytest.param(N1_PAYLOAD, None, "client_secret", id="no-secret"),
        pytest.param(N1_PAYLOAD.encode(), SECRET, "must be a string", id="bytes-payload"),
        pytest.param(None, SECRET, "must be a string", id="no-payload"),
        pytest.param("", SECRET, "wrong length", id="empty"),
        pytest.param(N1_PAYLOAD[:40], SECRET, "wrong length", id="truncated"),
        pytest.param(N1_PAYLOAD[:22], SECRET, "wrong length", id="iv-only"),
        pytest.param(N1_PAYLOAD + "AA", SECRET, "not base64", id="impossible-length"),
        pytest.param(N1_PAYLOAD + "A", SECRET, "wrong length", id="extra-byte"),
        pytest.param(N1_PAYLOAD.replace("_", "."), SECRET, "not base64", id="foreign-character"),
        pytest.param(N1_PAYLOAD + "===", SECRET, "not base64", id="too-much-padding"),
        pytest.param(" " + N1_PAYLOAD, SECRET, "not base64", id="leading-blank"),
        pytest.param("A" * 9000, SECRET, "longer than 8192", id="huge"),
        pytest.param(_encrypt_raw(b"\xff\xfe"), SECRET, UNREADABLE, id="not-utf8"),
        pytest.param(_encrypt_raw(b"[1, 2]"), SECRET, UNREADABLE, id="json-array"),
        pytest.param(_encrypt_raw(b"{}"), SECRET, UNREADABLE, id="no-store-id"),
    ],
)
def test_bad_payloads_raise_payload_error(payload: t.Any, secret: t.Any, message: str) -> None:
    with pytest.raises(PayloadError, match=re.escape(message)) as caught:
        decode_app_payload(payload, secret)
    if isinstance(secret, str):
        assert secret not in str(caught.value)
        assert secret[:16] not in str(caught.value)


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"store_id": "1003"}, id="store-string"),
        pytest.param({"store_id": True}, id="store-bool"),
        pytest.param({"store_id": 0}, id="store-zero"),
        pytest.param({"access_token": None}, id="no-token"),
        pytest.param({"access_token": 5}, id="token-number"),
        pytest.param({"lang": ""}, id="empty-lang"),
        pytest.param({"view_mode": None}, id="no-view-mode"),
        pytest.param({"public_token": 7}, id="public-token-number"),
    ],
)
def test_wrongly_typed_fields_raise_the_one_message(changes: dict[str, t.Any]) -> None:
    data = {key: value for key, value in {**GOOD_DATA, **changes}.items() if value is not None}
    with pytest.raises(PayloadError) as caught:
        decode_app_payload(encode_app_payload(data, SECRET), SECRET)
    assert str(caught.value) == UNREADABLE


def test_decrypted_text_never_reaches_the_error() -> None:
    payload = _encrypt_raw(b'{"access_token": "secret_leak", "store_id": [')
    with pytest.raises(PayloadError) as caught:
        decode_app_payload(payload, SECRET)
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None
    assert "secret_leak" not in str(caught.value)


BASE64ISH = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=")


@given(
    payload=st.one_of(
        st.text(max_size=300),
        BASE64ISH,
        st.binary(max_size=300).map(lambda raw: base64.urlsafe_b64encode(raw).decode()),
        st.binary(max_size=300),
        st.none(),
        st.integers(),
    ),
    secret=st.one_of(st.just(SECRET), st.text(max_size=40), st.none()),
)
def test_garbage_raises_only_payload_error(payload: t.Any, secret: t.Any) -> None:
    with pytest.raises(PayloadError):
        decode_app_payload(payload, secret)


@given(
    store_id=st.integers(min_value=1, max_value=2**53),
    lang=st.text(min_size=1, max_size=8),
    token=st.text(min_size=1, max_size=60),
    view_mode=st.sampled_from(["PAGE", "POPUP", "INLINE"]),
)
def test_encoded_payloads_round_trip(store_id: int, lang: str, token: str, view_mode: str) -> None:
    data = {"store_id": store_id, "lang": lang, "access_token": token, "view_mode": view_mode}
    decoded = decode_app_payload(encode_app_payload(data, SECRET), SECRET)
    assert decoded == AppPayload(
        store_id=store_id, lang=lang, access_token=token, view_mode=view_mode
    )


def test_encoding_refuses_an_iv_of_the_wrong_length() -> None:
    with pytest.raises(ValueError, match="16 bytes"):
        encode_app_payload(GOOD_DATA, SECRET, iv=b"short")
