from __future__ import annotations

import base64
import json
import time
import typing as t

import pytest
from helpers import C1, CLIENT_SECRET, TS, check_payload, make_payload
from hypothesis import given
from hypothesis import strategies as st

from flask_ecwid_sso import (
    ConfigError,
    LegacyDigestWarning,
    Person,
    Profile,
    SSOSigner,
    TokenError,
    decode_payload,
)

JOHN = {"email": "test@example.com", "billingPerson": {"name": "John Doe"}}
GOOD_DOCUMENT = {"appClientId": "my-cool-app", "userId": "1", "profile": JOHN}


@pytest.fixture
def signer() -> SSOSigner:
    return SSOSigner(CLIENT_SECRET, client_id="my-cool-app")


def test_vector_c1_byte_for_byte(signer: SSOSigner) -> None:
    assert signer.sign("234", JOHN, timestamp=TS) == C1
    assert signer.sign(234, Profile.from_ecwid(JOHN), timestamp=TS) == C1


def test_vector_u1_escapes_non_ascii_like_php(signer: SSOSigner) -> None:
    profile = {"email": "jürgen@example.com", "billingPerson": {"name": "Jürgen Müller"}}
    payload = signer.sign(7, profile, timestamp=TS)
    message, signature, _ = payload.split(" ")
    assert signature == "e4c14f7d015e6519881a0f57dd06703d86456c80abcaa4409b97ce5829a33871"
    assert base64.b64decode(message) == (
        b'{"appClientId":"my-cool-app","userId":"7","profile":{"email":"j\\u00fcrgen@example.com",'
        b'"billingPerson":{"name":"J\\u00fcrgen M\\u00fcller"}}}'
    )


def test_vector_l1_legacy_app_id_with_sha1_warns() -> None:
    with pytest.warns(LegacyDigestWarning, match="2025-03-20"):
        legacy = SSOSigner("TEST", app_id="my_cool_website1", digest="sha1")
    payload = legacy.sign("234", JOHN, timestamp=TS)
    assert payload.split(" ")[1] == "0bd4349f76b7254a529b98cfaeeaa23809a069ed"
    assert check_payload(payload, secret="TEST", digest="sha1")["appId"] == "my_cool_website1"
    assert legacy.verify(payload, now=TS).app_field == "appId"


def test_verify_returns_what_was_signed(signer: SSOSigner) -> None:
    signed = signer.verify(C1, now=TS + 5)
    assert signed.user_id == "234"
    assert signed.profile == Profile(email="test@example.com", billing_person=Person("John Doe"))
    assert signed.timestamp == TS
    assert (signed.app_field, signed.app_id) == ("appClientId", "my-cool-app")


_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300)
_names = _text.filter(lambda s: s.strip() != "") | st.sampled_from(
    ["</script><script>alert(1)</script>", 'O"Brien \\ /', "line\u2028sep", "🛒🎉", "x" * 2000]
)
_emails = st.builds(
    "{}@{}.{}".format,
    st.text(
        st.characters(
            exclude_characters="@ \t\r\n\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0"
            "\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
            "\u200a\u2028\u2029\u202f\u205f\u3000/",
            exclude_categories=("Cs", "Cc"),
        ),
        min_size=1,
        max_size=40,
    ),
    st.from_regex(r"[a-z0-9\u00e0-\u00ff-]{1,20}", fullmatch=True),
    st.sampled_from(["com", "de", "中国"]),
)
_persons = st.builds(
    Person,
    name=_names,
    company_name=st.none() | _text,
    street=st.none() | _text,
    city=st.none() | _text,
    country_code=st.none() | st.sampled_from(["US", "de", "Jp"]),
    phone=st.none() | _text,
)
_profiles = st.builds(
    Profile,
    email=_emails,
    billing_person=st.none() | _persons,
    shipping_addresses=st.lists(_persons, max_size=2).map(tuple),
    registered=st.none() | st.integers(0, 253_402_300_799),
)


@given(user_id=st.integers(0, 10**18) | _names, profile=_profiles)
def test_any_profile_round_trips_under_an_independent_hmac(
    user_id: int | str, profile: Profile
) -> None:
    signer = SSOSigner(CLIENT_SECRET, client_id="my-cool-app")
    payload = signer.sign(user_id, profile, timestamp=TS)
    document = check_payload(payload)
    expected = {
        "appClientId": "my-cool-app",
        "userId": str(user_id),
        "profile": profile.to_ecwid(),
    }
    assert document == expected
    # Byte for byte what PHP's json_encode and Python's json.dumps write: ASCII, compact.
    compact = json.dumps(expected, separators=(",", ":")).encode()
    assert base64.b64decode(payload.split(" ")[0]) == compact
    assert signer.verify(payload, now=TS).profile == profile


def _replace_part(payload: str, index: int, value: str) -> str:
    parts = payload.split(" ")
    parts[index] = value
    return " ".join(parts)


@pytest.mark.parametrize(
    ("payload", "reason", "hint"),
    [
        ("", "malformed", "three parts"),
        (C1.replace(" ", "  ", 1), "malformed", "three parts"),
        (_replace_part(C1, 0, "not-base64!"), "malformed", "base64"),
        (_replace_part(C1, 2, "14213e7"), "malformed", "timestamp"),
        (make_payload({"x": 1}).replace("eyJ4", "eyJ4", 1), "missing_field", "appClientId"),
        (_replace_part(C1, 1, "0" * 64), "bad_signature", "another secret or digest"),
        (_replace_part(C1, 1, "C5D9" + C1.split()[1][4:]), "bad_signature", ""),
        (_replace_part(C1, 2, str(TS + 1)), "bad_signature", ""),
        (
            make_payload({"appClientId": "other-app", "userId": "1", "profile": JOHN}),
            "wrong_app",
            "",
        ),
        (make_payload({"appId": "my-cool-app", "userId": "1", "profile": JOHN}), "wrong_app", ""),
        (make_payload({"appClientId": "my-cool-app", "profile": JOHN}), "missing_field", "userId"),
        (
            make_payload({"appClientId": "my-cool-app", "userId": 5, "profile": JOHN}),
            "missing_field",
            "",
        ),
        (make_payload({"appClientId": "my-cool-app", "userId": "1"}), "missing_field", "email"),
        (
            make_payload({"appClientId": "my-cool-app", "userId": "1", "profile": {"name": "x"}}),
            "missing_field",
            "email",
        ),
        (
            make_payload(
                {"appClientId": "my-cool-app", "userId": "1", "profile": {"email": "nope"}}
            ),
            "malformed",
            "email",
        ),
        (make_payload([1, 2]), "malformed", "object"),
        (make_payload(GOOD_DOCUMENT, timestamp=TS - 601), "expired", "601 seconds old"),
        (make_payload(GOOD_DOCUMENT, timestamp=TS + 61), "future", "clock"),
    ],
)
def test_every_failure_has_its_reason(
    signer: SSOSigner, payload: str, reason: str, hint: str
) -> None:
    with pytest.raises(TokenError) as info:
        signer.verify(payload, now=TS)
    assert info.value.reason == reason
    assert hint in str(info.value)
    assert CLIENT_SECRET not in str(info.value)


def test_age_limit_is_inclusive(signer: SSOSigner) -> None:
    assert signer.verify(C1, now=TS + 600).timestamp == TS
    with pytest.raises(TokenError, match="601"):
        signer.verify(C1, now=TS + 601)
    assert signer.verify(C1, max_age=30, now=TS + 30)
    with pytest.raises(TokenError):
        signer.verify(C1, max_age=30, now=TS + 31)
    assert signer.verify(C1, now=TS - 60)


def test_sha256_payload_fails_under_sha1_signer() -> None:
    with pytest.warns(LegacyDigestWarning):
        legacy = SSOSigner(CLIENT_SECRET, client_id="my-cool-app", digest="sha1")
    with pytest.raises(TokenError) as info:
        legacy.verify(C1, now=TS)
    assert info.value.reason == "bad_signature"


def test_huge_inputs_are_refused_quickly(signer: SSOSigner) -> None:
    huge = "A" * 50_000_000 + " " + "0" * 64 + " 1"
    started = time.perf_counter()
    with pytest.raises(TokenError) as info:
        signer.verify(huge)
    assert info.value.reason == "malformed"
    assert time.perf_counter() - started < 0.5


@given(
    st.one_of(
        st.text(),
        st.binary(),
        st.integers(),
        st.none(),
        st.floats(),
        st.lists(st.text()),
        st.dictionaries(st.text(), st.text()),
    )
)
def test_verify_raises_only_token_error_for_garbage(value: object) -> None:
    with pytest.raises(TokenError):
        SSOSigner(CLIENT_SECRET, client_id="my-cool-app").verify(value, now=TS)  # type: ignore[arg-type]


@given(
    st.lists(st.sampled_from([*C1.split(" "), "", "é", "=", "\x00", "{}"]), max_size=5),
    st.sampled_from([" ", "  ", "\t"]),
)
def test_verify_raises_only_token_error_for_near_misses(parts: list[str], sep: str) -> None:
    candidate = sep.join(parts)
    if candidate == C1:
        return
    with pytest.raises(TokenError):
        SSOSigner(CLIENT_SECRET, client_id="my-cool-app").verify(candidate, now=TS)


def test_bytes_payloads_are_read_as_ascii(signer: SSOSigner) -> None:
    assert signer.verify(C1.encode(), now=TS).user_id == "234"


def test_decode_payload_explains_without_the_secret() -> None:
    decoded = decode_payload(C1, now=TS + 42)
    assert decoded.app_field == "appClientId"
    assert decoded.app_id == "my-cool-app"
    assert decoded.user_id == "234"
    assert decoded.profile == JOHN
    assert decoded.timestamp == TS
    assert decoded.age == 42
    assert decoded.digest_guess == "sha256"
    assert not hasattr(decoded, "valid")
    sha1 = _replace_part(C1, 1, "a" * 40)
    assert decode_payload(sha1).digest_guess == "sha1"
    assert decode_payload(_replace_part(C1, 1, "zz")).digest_guess is None


@pytest.mark.parametrize("payload", ["", "a b", "!!!! sig 1", b"\xff\xfe", 42, None])
def test_decode_payload_refuses_malformed_input(payload: t.Any) -> None:
    with pytest.raises(TokenError) as info:
        decode_payload(payload)
    assert info.value.reason == "malformed"


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"secret": ""}, "secret"),
        ({"secret": CLIENT_SECRET}, "client_id"),
        ({"secret": CLIENT_SECRET, "client_id": "a", "app_id": "b"}, "client_id"),
        ({"secret": CLIENT_SECRET, "client_id": " "}, "client_id"),
        ({"secret": CLIENT_SECRET, "app_id": ""}, "app_id"),
        ({"secret": CLIENT_SECRET, "client_id": "a", "digest": "md5"}, "digest"),
        ({"secret": CLIENT_SECRET, "client_id": "a", "digest": "SHA256"}, "digest"),
    ],
)
def test_bad_settings_raise_config_error_naming_them(kwargs: dict[str, t.Any], key: str) -> None:
    with pytest.raises(ConfigError) as info:
        SSOSigner(**kwargs)
    assert info.value.key == key


def test_repr_hides_the_secret(signer: SSOSigner) -> None:
    assert CLIENT_SECRET not in repr(signer)
    assert "my-cool-app" in repr(signer)


def test_repeated_payloads_for_one_user_are_never_identical(signer: SSOSigner) -> None:
    started = int(time.time())
    payloads = [signer.sign("u1", JOHN) for _ in range(400)]
    assert len(set(payloads)) == 400
    for payload in payloads:
        signed = signer.verify(payload)
        assert started <= signed.timestamp <= time.time()
        assert check_payload(payload)["profile"] == JOHN
    compact = json.dumps(
        {"appClientId": "my-cool-app", "userId": "u1", "profile": JOHN}, separators=(",", ":")
    ).encode()
    messages = [base64.b64decode(payload.split(" ")[0]) for payload in payloads]
    tagged = compact + signer.claims.tag.encode()  # type: ignore[attr-defined]
    assert all(message.startswith(tagged) for message in messages)
    assert all(message.rstrip(b" \t\n\r") == compact for message in messages)


def test_two_processes_signing_alike_never_give_the_same_payload() -> None:
    first = SSOSigner(CLIENT_SECRET, client_id="my-cool-app")
    second = SSOSigner(CLIENT_SECRET, client_id="my-cool-app")
    now = int(time.time())
    payloads = [signer.sign("u1", JOHN) for signer in (first, second) for _ in range(40)]
    assert len(set(payloads)) == 80
    assert {int(payload.split(" ")[2]) for payload in payloads} <= {now, now + 1}


def test_payloads_carry_the_current_second(signer: SSOSigner) -> None:
    for _ in range(50):
        signer.sign("busy", JOHN)
    assert abs(int(signer.sign("busy", JOHN).split(" ")[2]) - time.time()) <= 1


class CustomClaims:
    def __init__(self, timestamp: object, suffix: object) -> None:
        self.answer = (timestamp, suffix)

    def claim(self, user_id: str, now: int) -> tuple[int, str]:
        return self.answer  # type: ignore[return-value]


def test_custom_claims_may_hand_out_whitespace_and_whole_seconds() -> None:
    signer = SSOSigner(CLIENT_SECRET, client_id="my-cool-app", claims=CustomClaims(TS, " \t\n"))
    payload = signer.sign("234", JOHN)
    assert base64.b64decode(payload.split(" ")[0]).endswith(b"} \t\n")
    assert signer.verify(payload, now=TS).user_id == "234"


@pytest.mark.parametrize(
    ("timestamp", "suffix"),
    [(TS, '";alert(1);//'), (TS, "\u00a0"), (TS, None), ('1";alert(1)', ""), (1.5, ""), (-1, "")],
)
def test_custom_claims_that_would_break_the_payload_are_refused(
    timestamp: object, suffix: object
) -> None:
    signer = SSOSigner(
        CLIENT_SECRET, client_id="my-cool-app", claims=CustomClaims(timestamp, suffix)
    )
    with pytest.raises(ValueError, match="claims gave"):
        signer.sign("234", JOHN)


@pytest.mark.parametrize("name", ["app_id", "app_field", "digest"])
def test_a_signers_settings_cannot_drift_from_its_key(signer: SSOSigner, name: str) -> None:
    with pytest.raises(AttributeError):
        setattr(signer, name, "other")


def test_an_explicit_timestamp_reproduces_a_known_payload(signer: SSOSigner) -> None:
    first = signer.sign("234", JOHN, timestamp=TS)
    assert first == signer.sign("234", JOHN, timestamp=TS) == C1


@pytest.mark.parametrize("user_id", [None, 1.5, True, "", "  "])
def test_sign_refuses_bad_user_ids(signer: SSOSigner, user_id: t.Any) -> None:
    with pytest.raises(Exception, match="user_id") as info:
        signer.sign(user_id, JOHN)
    assert info.typename == "ProfileError"


@pytest.mark.parametrize("timestamp", [True, 1.5, -1, "1421317550"])
def test_sign_refuses_a_timestamp_that_is_not_whole_unix_seconds(
    signer: SSOSigner, timestamp: object
) -> None:
    with pytest.raises(ValueError, match="timestamp"):
        signer.sign("234", JOHN, timestamp=timestamp)  # type: ignore[arg-type]
