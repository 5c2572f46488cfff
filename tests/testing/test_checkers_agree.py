"""``SSOSigner.verify`` and FakeEcwid's check agree on which profiles Ecwid takes.

Both follow ECWID.md and the payloads of Ecwid's WordPress plugin: the
documented fields only, each of its documented type, ``null`` as absent, and a
person's ``name`` mandatory but possibly empty. The two share no code.
"""

from __future__ import annotations

import base64
import hmac
import json
import typing as t

import pytest
from helpers import CLIENT_ID, CLIENT_SECRET, TS, make_payload
from hypothesis import given
from hypothesis import strategies as st

from flask_ecwid_sso import SSOSigner, TokenError
from flask_ecwid_sso.testing.sso_check import read_payload


def verify_accepts(payload: str) -> bool:
    try:
        SSOSigner(CLIENT_SECRET, client_id=CLIENT_ID).verify(payload, now=TS)
    except TokenError:
        return False
    return True


def fake_accepts(payload: str) -> bool:
    reading = read_payload(
        payload,
        key=CLIENT_SECRET,
        app_field="appClientId",
        app_id=CLIENT_ID,
        digest="sha256",
        now=TS,
    )
    return reading.reason == "ok"


def signed(profile: object) -> str:
    return make_payload({"appClientId": CLIENT_ID, "userId": "7", "profile": profile})


EMAIL = "ann@example.com"


@pytest.mark.parametrize(
    ("profile", "valid"),
    [
        ({"email": EMAIL}, True),
        ({"email": EMAIL, "billingPerson": {"name": ""}}, True),
        ({"email": EMAIL, "billingPerson": {"name": "Ann "}}, True),
        ({"email": EMAIL, "billingPerson": None}, True),
        ({"email": EMAIL, "billingPerson": {"name": "Ann", "city": None}}, True),
        ({"email": EMAIL, "billingPerson": {"name": "Ann", "countryCode": "gb"}}, True),
        ({"email": EMAIL, "shippingAddresses": [{"name": ""}]}, True),
        ({"email": EMAIL, "registered": None}, True),
        ({"email": EMAIL, "registered": 1_700_000_000}, True),
        ({"email": "jürgen@example.com"}, True),
        ({"email": EMAIL, "billingPerson": {}}, False),
        ({"email": EMAIL, "billingPerson": {"name": None}}, False),
        ({"email": EMAIL, "billingPerson": {"name": 7}}, False),
        ({"email": EMAIL, "billingPerson": {"name": "Ann", "company": "X"}}, False),
        ({"email": EMAIL, "billingPerson": {"name": "Ann", "countryCode": "GBR"}}, False),
        ({"email": EMAIL, "billingPerson": {"name": "Ann", "phone": 5550100}}, False),
        ({"email": EMAIL, "billingPerson": "Ann"}, False),
        ({"email": EMAIL, "phone": "555"}, False),
        ({"email": EMAIL, "shippingAddresses": None}, False),
        ({"email": EMAIL, "shippingAddresses": [None]}, False),
        ({"email": EMAIL, "shippingAddresses": {"name": "Ann"}}, False),
        ({"email": EMAIL, "registered": 1.5}, False),
        ({"email": EMAIL, "registered": True}, False),
        ({"email": EMAIL, "registered": -1}, False),
        ({"email": EMAIL, "registered": "1700000000"}, False),
        ({"email": EMAIL, "registered": 1_700_000_000_000}, False),
        ({"email": "ann@example"}, False),
        ({"email": "ann lee@example.com"}, False),
        ({"email": "ann@@example.com"}, False),
        ({"email": "ann@example..com"}, False),
        ({"email": "x" * 243 + "@example.com"}, False),
        ({"email": " "}, False),
        ({"email": 5}, False),
        ({}, False),
    ],
)
def test_both_checkers_give_the_same_verdict(profile: dict[str, t.Any], valid: bool) -> None:
    payload = signed(profile)
    assert (verify_accepts(payload), fake_accepts(payload)) == (valid, valid)


def test_the_wordpress_plugins_payload_for_a_user_without_a_name_passes_both() -> None:
    # ecwid_sso() builds this array and PHP's json_encode writes it: userId first, the app
    # field last, "/" escaped, non-ASCII as \u escapes; "name" is "" when the WordPress user
    # has neither first, last nor nick name.
    text = (
        '{"userId":"12","profile":{"email":"j\\u00fcrgen\\/shop@example.com",'
        '"billingPerson":{"name":""}},"appClientId":"' + CLIENT_ID + '"}'
    )
    message = base64.b64encode(text.encode("ascii")).decode("ascii")
    signature = hmac.new(CLIENT_SECRET.encode(), f"{message} {TS}".encode(), "sha256")
    payload = f"{message} {signature.hexdigest()} {TS}"

    assert verify_accepts(payload)
    assert fake_accepts(payload)
    profile = SSOSigner(CLIENT_SECRET, client_id=CLIENT_ID).verify(payload, now=TS).profile
    assert profile.email == "jürgen/shop@example.com"
    assert profile.billing_person is not None
    assert profile.billing_person.name == ""


def test_a_legacy_store_judges_a_payload_naming_both_app_fields_by_appclientid() -> None:
    body = {"appClientId": "another-app", "appId": "my_site", "userId": "1"}
    payload = make_payload({**body, "profile": {"email": EMAIL}}, secret="TEST")
    legacy = SSOSigner("TEST", app_id="my_site")
    reading = read_payload(
        payload, key="TEST", app_field="appId", app_id="my_site", digest="sha256", now=TS
    )
    with pytest.raises(TokenError) as refused:
        legacy.verify(payload, now=TS)
    assert (refused.value.reason, reading.reason) == ("wrong_app", "wrong_app")


_values = st.none() | st.booleans() | st.integers(-5, 10**13) | st.floats(allow_nan=False)
_strings = st.sampled_from(["", " ", "Ann", "GB", "gb", "GBR", "1A", "Ann Lee"]) | st.text(
    max_size=6
)
_person_keys = st.sampled_from(["name", "companyName", "city", "countryCode", "phone", "company"])
_persons = st.none() | st.dictionaries(_person_keys, _strings | _values, max_size=4)
_emails = st.sampled_from(
    [EMAIL, "", " ", "a@b", "a@b.c", "a@@b.c", "a b@c.de", "a@b..c", "ä@b.de", "a@b.c\u2028"]
) | st.text(max_size=8).map(lambda text: f"{text}@example.com")


@given(
    email=_emails | _values,
    billing=_persons,
    shipping=st.none() | st.lists(_persons, max_size=2),
    registered=_values,
    extra=st.sampled_from([None, "phone", "name"]),
)
def test_the_checkers_agree_on_any_profile(
    email: object, billing: object, shipping: object, registered: object, extra: str | None
) -> None:
    profile: dict[str, object] = {"email": email, "billingPerson": billing}
    if shipping is not None:
        profile["shippingAddresses"] = shipping
    if registered is not None:
        profile["registered"] = registered
    if extra is not None:
        profile[extra] = "x"
    payload = signed(profile)
    assert verify_accepts(payload) == fake_accepts(payload), json.dumps(profile)
