"""FakeEcwid's SSO check over HTTP: Ecwid's rules from ECWID.md, in the fake's own code."""

from __future__ import annotations

import base64
import hmac
import json
import typing as t

import pytest
import requests
from helpers import ANN, NOW, ManualClock, document, make_payload, payload

from flask_ecwid_sso.testing import FakeEcwid


def post(fake: FakeEcwid, payload: str, store_id: int = 1003) -> dict[str, t.Any]:
    answer = requests.post(fake.sso_url, json={"storeId": store_id, "payload": payload}, timeout=5)
    assert answer.status_code == 200
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    body: dict[str, t.Any] = answer.json()
    return body


def customers(fake: FakeEcwid, **query: str) -> list[dict[str, t.Any]]:
    answer = requests.get(
        f"{fake.api_url}/{fake.store_id}/customers",
        params=query,
        headers={"Authorization": f"Bearer {fake.api_token}"},
        timeout=5,
    )
    items: list[dict[str, t.Any]] = answer.json()["items"]
    return items


@pytest.fixture
def fake(fake_ecwid: FakeEcwid, clock: ManualClock) -> FakeEcwid:
    fake_ecwid.clock = clock
    return fake_ecwid


def reasons(fake: FakeEcwid) -> list[tuple[bool, str]]:
    return [(entry.accepted, entry.reason) for entry in fake.sso_log]


# The SSO check, over HTTP


def test_a_valid_payload_signs_in_a_new_customer_seen_by_the_api(fake: FakeEcwid) -> None:
    address = {"name": "Ann Lee", "city": "Leeds", "countryCode": "GB"}

    answer = post(fake, payload(fake, shippingAddresses=[address], registered=NOW - 86_400))

    assert answer["accepted"] is True
    assert answer["customer"]["email"] == ANN
    [customer] = customers(fake, email=ANN)
    assert customer["id"] == answer["customer"]["id"]
    assert customer["name"] == "Ann Lee"
    assert customer["billingPerson"] == {"name": "Ann Lee", "firstName": "Ann", "lastName": "Lee"}
    assert customer["shippingAddresses"] == [address]
    assert customer["registered"].startswith("2025-06-14 ")
    assert not {"userId", "appClientId"} & set(customer)
    assert fake.client_id not in json.dumps(customer)
    [entry] = fake.sso_log
    assert (entry.accepted, entry.reason, entry.user_id, entry.email) == (True, "ok", "42", ANN)
    assert entry.customer_id == customer["id"]
    assert entry.time == NOW


def test_a_returning_shopper_is_merged_into_the_same_customer(fake: FakeEcwid) -> None:
    first = post(fake, payload(fake))
    renamed = {"email": "ann.lee@example.com", "billingPerson": {"name": "Ann Lee-Smith"}}
    later = document(fake, **renamed, shippingAddresses=[{"name": "Ann", "city": "York"}])

    second = post(fake, make_payload(later, secret=fake.client_secret, timestamp=NOW + 1))

    assert second["accepted"] is True
    assert second["customer"]["id"] == first["customer"]["id"]
    [customer] = customers(fake)
    assert customer["email"] == "ann.lee@example.com"
    assert customer["name"] == "Ann Lee-Smith"
    assert customer["shippingAddresses"] == []


def test_a_replayed_payload_is_refused(fake: FakeEcwid) -> None:
    signed = payload(fake)
    post(fake, signed)

    answer = post(fake, signed)

    assert (answer["accepted"], answer["reason"], answer["customer"]) == (False, "replayed", None)
    assert reasons(fake) == [(True, "ok"), (False, "replayed")]


@pytest.mark.parametrize(
    ("timestamp", "reason"),
    [
        (NOW - 600, "ok"),
        (NOW - 601, "expired"),
        (NOW + 60, "ok"),
        (NOW + 61, "future"),
    ],
)
def test_the_timestamp_must_be_within_ten_minutes_and_not_ahead(
    fake: FakeEcwid, timestamp: int, reason: str
) -> None:
    answer = post(fake, payload(fake, timestamp=timestamp))

    assert answer["reason"] == reason
    assert answer["accepted"] is (reason == "ok")


@pytest.mark.parametrize(
    ("variant", "reason"),
    [
        ("another app's client id", "wrong_app"),
        ("the legacy appId field", "wrong_app"),
        ("no app id field", "missing_field"),
    ],
)
def test_the_payload_must_name_the_fakes_app(fake: FakeEcwid, variant: str, reason: str) -> None:
    body = document(fake)
    del body["appClientId"]
    if variant == "another app's client id":
        body["appClientId"] = "someone-else"
    elif variant == "the legacy appId field":
        body["appId"] = fake.client_id

    answer = post(fake, make_payload(body, secret=fake.client_secret, timestamp=NOW))

    assert (answer["accepted"], answer["reason"]) == (False, reason)


def test_signing_with_the_rest_token_instead_of_the_client_secret_is_refused(
    fake: FakeEcwid,
) -> None:
    answer = post(fake, make_payload(document(fake), secret=fake.api_token, timestamp=NOW))

    assert (answer["accepted"], answer["reason"]) == (False, "bad_signature")
    assert fake.sso_log[0].email == ANN
    assert customers(fake) == []


@pytest.mark.parametrize("tamper", ["message", "timestamp", "uppercase"])
def test_a_tampered_signature_is_refused(fake: FakeEcwid, tamper: str) -> None:
    message, signature, timestamp = payload(fake).split(" ")
    forged = document(fake, email="mallory@example.com")
    if tamper == "message":
        message = base64.b64encode(json.dumps(forged).encode()).decode()
    elif tamper == "timestamp":
        timestamp = str(NOW + 1)
    else:
        signature = signature.upper()

    answer = post(fake, f"{message} {signature} {timestamp}")

    assert (answer["accepted"], answer["reason"]) == (False, "bad_signature")


def test_sha1_is_refused_since_ecwid_moved_to_sha256(fake: FakeEcwid) -> None:
    answer = post(
        fake, make_payload(document(fake), secret=fake.client_secret, timestamp=NOW, digest="sha1")
    )

    assert (answer["accepted"], answer["reason"]) == (False, "legacy_digest")


def test_a_legacy_store_takes_appid_payloads_signed_with_its_sso_key(clock: ManualClock) -> None:
    with FakeEcwid(
        app_id="my_site", sso_secret="TEST", digest="sha1", clock=clock
    ).serve() as legacy:
        body = {"appId": "my_site", "userId": "234", "profile": {"email": "t@example.com"}}
        accepted = post(legacy, make_payload(body, secret="TEST", timestamp=NOW, digest="sha1"))
        current = post(legacy, payload(legacy, timestamp=NOW + 1))

    assert (accepted["accepted"], accepted["reason"]) == (True, "ok")
    assert (current["accepted"], current["reason"]) == (False, "bad_signature")


@pytest.mark.parametrize(
    "fields",
    [{"user_id": None}, {"user_id": 42}, {"user_id": ""}, {"email": None}, {"email": " "}],
)
def test_user_id_and_email_are_mandatory(fake: FakeEcwid, fields: dict[str, t.Any]) -> None:
    body = document(fake, **fields)
    body["profile"] = {key: value for key, value in body["profile"].items() if value is not None}
    body = {key: value for key, value in body.items() if value is not None}

    answer = post(fake, make_payload(body, secret=fake.client_secret, timestamp=NOW))

    assert (answer["accepted"], answer["reason"]) == (False, "missing_field")
    assert customers(fake) == []


def signed_message(message: str, fake: FakeEcwid) -> str:
    signature = hmac.new(fake.client_secret.encode(), f"{message} {NOW}".encode(), "sha256")
    return f"{message} {signature.hexdigest()} {NOW}"


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda fake: "garbage", id="one part"),
        pytest.param(lambda fake: payload(fake).replace(" ", "  ", 1), id="double space"),
        pytest.param(lambda fake: payload(fake).rsplit(" ", 1)[0] + " 17.5", id="float time"),
        pytest.param(lambda fake: signed_message("bm90IGpzb24=", fake), id="not JSON"),
        pytest.param(lambda fake: signed_message("WzEsMl0=", fake), id="JSON array"),
        pytest.param(lambda fake: signed_message("eyJhIjoxfQ", fake), id="unpadded base64"),
        pytest.param(
            lambda fake: payload(fake, email="not-an-address"), id="email without an at sign"
        ),
        pytest.param(
            lambda fake: payload(fake, billingPerson={"city": "Leeds"}), id="person without name"
        ),
    ],
)
def test_a_malformed_payload_is_refused(
    fake: FakeEcwid, make: t.Callable[[FakeEcwid], str]
) -> None:
    answer = post(fake, make(fake))

    assert (answer["accepted"], answer["reason"]) == (False, "malformed")


def test_an_email_owned_by_another_customer_is_ignored(fake: FakeEcwid) -> None:
    guest = fake.add_customer({"email": "Ann@Example.com"})

    answer = post(fake, payload(fake))

    assert (answer["accepted"], answer["reason"], answer["customer"]) == (
        False,
        "email_conflict",
        None,
    )
    assert customers(fake) == [guest]


def test_a_new_user_id_cannot_take_an_sso_customers_email(fake: FakeEcwid) -> None:
    post(fake, payload(fake, user_id="42"))

    answer = post(fake, payload(fake, user_id="43", timestamp=NOW + 1))

    assert (answer["accepted"], answer["reason"]) == (False, "email_conflict")
    assert len(customers(fake)) == 1


def test_the_empty_payload_logs_out_and_is_logged(fake: FakeEcwid) -> None:
    answer = post(fake, "")

    assert answer == {"accepted": True, "reason": "logged_out", "customer": None}
    assert reasons(fake) == [(True, "logged_out")]


@pytest.mark.parametrize(
    ("switch", "reason"), [("plan_active", "plan_inactive"), ("scopes", "missing_scope")]
)
def test_a_store_off_plan_or_without_create_scope_ignores_sso(
    fake: FakeEcwid, switch: str, reason: str
) -> None:
    if switch == "plan_active":
        fake.plan_active = False
    else:
        fake.scopes.discard("create_customers")

    answer = post(fake, payload(fake))

    assert (answer["accepted"], answer["reason"]) == (False, reason)
    assert fake.customers == []


def test_a_payload_sent_for_another_store_is_refused(fake: FakeEcwid) -> None:
    answer = post(fake, payload(fake), store_id=9)

    assert (answer["accepted"], answer["reason"]) == (False, "wrong_store")


def test_the_log_keeps_no_secret_and_no_message(fake: FakeEcwid) -> None:
    signed = payload(fake)
    post(fake, signed)
    post(fake, make_payload(document(fake), secret=fake.api_token, timestamp=NOW + 1))

    logged = repr(fake.sso_log)

    assert fake.client_secret not in logged
    assert fake.api_token not in logged
    assert signed.split(" ")[0] not in logged
    assert fake.sso_log[0].signature == signed.split(" ")[1]


def test_an_empty_name_and_null_fields_sign_in_as_ecwid_takes_them(fake: FakeEcwid) -> None:
    # Ecwid's WordPress plugin sends name "" for a user with no first, last or nick name.
    answer = post(fake, payload(fake, billingPerson={"name": "", "city": None}, registered=None))

    assert (answer["accepted"], answer["reason"]) == (True, "ok")
    [customer] = customers(fake, email=ANN)
    assert customer["name"] == ""
    assert customer["billingPerson"]["name"] == ""
    assert "city" not in customer["billingPerson"]


def test_an_undocumented_profile_field_is_refused(fake: FakeEcwid) -> None:
    answer = post(fake, payload(fake, phone="+1 555 0100"))

    assert (answer["accepted"], answer["reason"]) == (False, "malformed")
