"""verify, decode_payload and inspect_payload are total on any string; sign() suits verify.

Hypothesis feeds arbitrary text and well-formed payloads with any JSON and
extreme timestamps: nothing but a TokenError (or a report) may come out.
Arguments a caller gets wrong fail at once with TypeError or ValueError.
"""

from __future__ import annotations

import base64
import hmac
import json
import typing as t

import pytest
from helpers import API_TOKEN, C1, CLIENT_ID, CLIENT_SECRET, TS
from hypothesis import given
from hypothesis import strategies as st

from flask_ecwid_sso import (
    DecodedPayload,
    Person,
    Profile,
    ProfileError,
    SignedProfile,
    SSOSigner,
    TokenError,
    decode_payload,
)
from flask_ecwid_sso.diagnostics import Inspection, inspect_payload
from flask_ecwid_sso.payloads import MAX_PAYLOAD_LENGTH, MAX_TIMESTAMP

SIGNER = SSOSigner(CLIENT_SECRET, client_id=CLIENT_ID)
REASONS = {"malformed", "bad_signature", "wrong_app", "expired", "future", "missing_field"}

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)
_documents = st.fixed_dictionaries(
    {},
    optional={
        "appClientId": _json | st.just(CLIENT_ID),
        "appId": _json,
        "userId": _json | st.text(min_size=1, max_size=20),
        "profile": _json | st.fixed_dictionaries({"email": _json | st.just("a@example.com")}),
    },
)
_timestamps = st.integers(0, 10**12 - 1).map(str) | st.integers(0, 999).map("{:012d}".format)
_nows = st.none() | st.integers(-(10**15), 10**15) | st.floats(-1e18, 1e18)


@st.composite
def _payloads(draw: st.DrawFn) -> str:
    """Well-formed payloads: base64 of any JSON, a signature of any kind, any 12-digit time."""
    text = json.dumps(draw(_documents | _json))
    message = base64.b64encode(text.encode()).decode()
    timestamp = draw(_timestamps)
    signature = draw(
        st.sampled_from(["good", "sha1", "hex"]).map(
            lambda kind: hmac.new(
                CLIENT_SECRET.encode(),
                f"{message} {timestamp}".encode(),
                "sha1" if kind == "sha1" else "sha256",
            ).hexdigest()
        )
        | st.text(st.characters(blacklist_characters=" "), max_size=70)
        | st.sampled_from([40, 64]).flatmap(
            lambda size: st.text(
                st.characters(blacklist_characters=" "), min_size=size, max_size=size
            )
        )
        | st.from_regex(r"[0-9A-Fa-f]{40}|[0-9a-f]{64}", fullmatch=True)
    )
    return f"{message} {signature} {timestamp}"


_anything = st.text() | _payloads() | st.sampled_from(["", " ", "  ", C1, C1 + " ", "a b c"])


def outcome(call: t.Callable[[], object], expected: type[Exception] = TokenError) -> object:
    """What ``call`` returns, or the ``expected`` exception it raises (any other escapes)."""
    try:
        return call()
    except expected as error:
        return error


def inspect(payload: str, now: float | None) -> Inspection:
    return inspect_payload(
        payload,
        app_field="appClientId",
        app_id=CLIENT_ID,
        secret=CLIENT_SECRET,
        other_keys={"ECWID_API_TOKEN": API_TOKEN},
        now=now,
    )


@given(_anything, _nows, st.integers(0, 10**6) | st.floats(0, 1e12))
def test_verify_raises_only_token_error(payload: str, now: float | None, max_age: float) -> None:
    result = outcome(lambda: SIGNER.verify(payload, max_age=max_age, now=now))

    if isinstance(result, TokenError):
        assert result.reason in REASONS
    else:
        assert isinstance(result, SignedProfile)
        assert result.app_id == CLIENT_ID


@given(_anything, _nows)
def test_decode_payload_decodes_or_raises_token_error(payload: str, now: float | None) -> None:
    result = outcome(lambda: decode_payload(payload, now=now))

    if isinstance(result, TokenError):
        assert result.reason == "malformed"
    else:
        assert isinstance(result, DecodedPayload)
        assert 0 <= result.timestamp <= MAX_TIMESTAMP
        assert isinstance(result.data, dict)


@given(_anything, _nows)
def test_inspect_payload_always_reports(payload: str, now: float | None) -> None:
    report = inspect(payload, now)

    assert report.checks
    assert isinstance(report.accepted, bool)
    json.dumps(report.to_json())
    assert all(len(check.message) < 2000 for check in report.checks)
    assert CLIENT_SECRET not in json.dumps(report.to_json())


_persons = st.builds(
    Person,
    name=st.text(min_size=1, max_size=3000).filter(str.strip),
    city=st.none() | st.text(min_size=1, max_size=3000).filter(str.strip),
)
_profiles = st.builds(
    Profile,
    email=st.sampled_from(["a@example.com", "jürgen@bücher.de"]),
    billing_person=st.none() | _persons,
    shipping_addresses=st.lists(_persons, max_size=3).map(tuple),
    registered=st.none() | st.integers(0, MAX_TIMESTAMP),
)


@given(
    st.text(min_size=1, max_size=50).filter(str.strip) | st.integers(0, 10**30),
    _profiles,
    st.integers(0, MAX_TIMESTAMP),
)
def test_what_sign_makes_verify_accepts(user_id: str | int, profile: Profile, ts: int) -> None:
    payload = outcome(lambda: SIGNER.sign(user_id, profile, timestamp=ts), ProfileError)
    if isinstance(payload, ProfileError):
        assert payload.field == "profile"
        assert "verify accepts" in str(payload)
        return
    assert isinstance(payload, str)

    signed = SIGNER.verify(payload, now=ts)

    assert len(payload) <= MAX_PAYLOAD_LENGTH
    assert (signed.user_id, signed.profile, signed.timestamp) == (str(user_id), profile, ts)


def test_sign_refuses_a_profile_too_long_for_verify() -> None:
    profile = Profile(email="a@example.com", billing_person=Person(name="x" * 20_000))

    with pytest.raises(ProfileError) as caught:
        SIGNER.sign("1", profile, timestamp=TS)

    assert caught.value.field == "profile"
    assert "16384" in str(caught.value)


def test_the_longest_profile_sign_accepts_still_verifies() -> None:
    low, high = 1, 20_000
    while low < high:
        size = (low + high + 1) // 2
        try:
            SIGNER.sign("1", Profile("a@example.com", Person(name="x" * size)), timestamp=TS)
        except ProfileError:
            high = size - 1
        else:
            low = size
    payload = SIGNER.sign("1", Profile("a@example.com", Person(name="x" * low)), timestamp=TS)

    assert MAX_PAYLOAD_LENGTH - 4 < len(payload) <= MAX_PAYLOAD_LENGTH
    assert SIGNER.verify(payload, now=TS).profile.billing_person == Person(name="x" * low)


@pytest.mark.parametrize("timestamp", [-1, MAX_TIMESTAMP + 1, 10**13])
def test_sign_refuses_a_timestamp_verify_would_not_read(timestamp: int) -> None:
    with pytest.raises(ValueError, match="253402300799"):
        SIGNER.sign("1", {"email": "a@example.com"}, timestamp=timestamp)


def test_the_last_second_of_year_9999_signs_and_verifies() -> None:
    payload = SIGNER.sign("1", {"email": "a@example.com"}, timestamp=MAX_TIMESTAMP)

    assert SIGNER.verify(payload, now=MAX_TIMESTAMP).timestamp == MAX_TIMESTAMP


def far_future(timestamp: str = "999999999999", signature: str = "a" * 64) -> str:
    message = base64.b64encode(b'{"appClientId": "my-cool-app"}').decode()
    return f"{message} {signature} {timestamp}"


def test_a_timestamp_past_year_9999_is_malformed_everywhere() -> None:
    for reader in (SIGNER.verify, decode_payload):
        with pytest.raises(TokenError) as caught:
            reader(far_future(), now=TS)
        assert caught.value.reason == "malformed"
        assert "year 9999" in str(caught.value)

    report = inspect(far_future(), TS)
    assert [(c.name, c.status, c.reason) for c in report.checks] == [
        ("format", "problem", "malformed")
    ]


def test_a_signature_of_other_characters_is_reported_not_compared() -> None:
    report = inspect(far_future("1421317550", "é" * 64), TS)

    checks = {check.name: check for check in report.checks}
    assert checks["digest"].reason == "bad_signature_format"
    assert checks["signature"].reason == "bad_signature"
    assert not report.accepted


def test_deep_json_in_a_payload_is_shown_briefly() -> None:
    deep: object = "leaf"
    for _ in range(900):
        deep = [deep]
    message = base64.b64encode(json.dumps({"appClientId": deep, "userId": deep}).encode())
    payload = f"{message.decode()} {'a' * 64} {TS}"

    report = inspect(payload, TS)

    assert all(len(check.message) < 400 for check in report.checks)
    assert any("[[[" in check.message for check in report.checks)


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        ({"now": float("nan")}, ValueError),
        ({"now": float("inf")}, ValueError),
        ({"now": "1421317550"}, TypeError),
        ({"now": True}, TypeError),
        ({"max_age": None}, TypeError),
        ({"max_age": "600"}, TypeError),
        ({"max_age": False}, TypeError),
        ({"max_age": -1}, ValueError),
        ({"max_age": float("nan")}, ValueError),
        ({"max_age": float("inf")}, ValueError),
    ],
)
def test_verify_refuses_bad_arguments_at_once(arguments: dict[str, t.Any], error: type) -> None:
    for payload in (C1, "not a payload"):
        with pytest.raises(error, match=r"^(now|max_age) must be"):
            SIGNER.verify(payload, **arguments)


@pytest.mark.parametrize(("now", "error"), [(float("nan"), ValueError), ("soon", TypeError)])
def test_decode_and_inspect_refuse_a_bad_now_at_once(now: t.Any, error: type) -> None:
    for payload in (C1, "garbage"):
        with pytest.raises(error, match="now"):
            decode_payload(payload, now=now)
        with pytest.raises(error, match="now"):
            inspect(payload, now)
