from __future__ import annotations

import base64
import hashlib
import hmac
import json
import typing as t
from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flask_ecwid_sso.exceptions import ConfigError, WebhookError
from flask_ecwid_sso.webhooks import WebhookEvent, sign_webhook, verify_webhook

W1_SECRET = "abcde123456789"
W1_SIGNATURE = "5ad1SEWaZjQxg+X1HCewFW0E1pvHN13v4slaZkwcu+E="
W1_EVENT: dict[str, t.Any] = {
    "eventId": "08a78904-4c1a-0aa0-953a-2e33c56236f1",
    "eventCreated": 1469429915,
    "storeId": 1003,
    "entityId": 177737165,
    "eventType": "customer.updated",
    "data": {"customerEmail": "shopper@example.com"},
}


def test_vector_w1_verifies() -> None:
    assert verify_webhook(W1_EVENT, W1_SIGNATURE, W1_SECRET) is True


def test_sign_webhook_gives_vector_w1() -> None:
    assert sign_webhook(1469429915, W1_EVENT["eventId"], W1_SECRET) == W1_SIGNATURE


def test_sign_webhook_matches_an_independent_hmac() -> None:
    mac = hmac.new(b"k3y", b"1700000000.some-id", hashlib.sha256).digest()
    assert sign_webhook(1700000000, "some-id", "k3y") == base64.b64encode(mac).decode()


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(json.dumps(W1_EVENT), id="str"),
        pytest.param(json.dumps(W1_EVENT).encode(), id="bytes"),
        pytest.param(json.dumps(W1_EVENT, indent=2).encode("utf-16"), id="utf-16-bytes"),
    ],
)
def test_raw_bodies_verify(body: str | bytes) -> None:
    assert verify_webhook(body, W1_SIGNATURE, W1_SECRET) is True


def test_bytes_signature_verifies() -> None:
    assert verify_webhook(W1_EVENT, W1_SIGNATURE.encode(), W1_SECRET) is True


def test_unsigned_fields_do_not_affect_the_signature() -> None:
    forged = {**W1_EVENT, "storeId": 1, "eventType": "customer.deleted", "data": {}}
    assert verify_webhook(forged, W1_SIGNATURE, W1_SECRET) is True


@pytest.mark.parametrize(
    ("changes", "signature", "secret"),
    [
        pytest.param(
            {"eventId": "08a78904-4c1a-0aa0-953a-2e33c56236f2"},
            W1_SIGNATURE,
            W1_SECRET,
            id="tampered-id",
        ),
        pytest.param({"eventCreated": 1469429916}, W1_SIGNATURE, W1_SECRET, id="tampered-created"),
        pytest.param(
            {}, "5ad1SEWaZjQxg+X1HCewFW0E1pvHN13v4slaZkwcu+F=", W1_SECRET, id="tampered-signature"
        ),
        pytest.param({}, W1_SIGNATURE[:-1], W1_SECRET, id="truncated-signature"),
        pytest.param({}, W1_SIGNATURE + " ", W1_SECRET, id="signature-with-blank"),
        pytest.param({}, W1_SIGNATURE.lower(), W1_SECRET, id="signature-case-changed"),
        pytest.param({}, W1_SIGNATURE.replace("+", "-"), W1_SECRET, id="urlsafe-signature"),
        pytest.param({}, W1_SIGNATURE, "abcde123456780", id="wrong-secret"),
        pytest.param({}, "", W1_SECRET, id="empty-signature"),
        pytest.param({}, None, W1_SECRET, id="no-signature"),
        pytest.param(
            {}, "5ad1SEWaZjQxg+X1HCewFW0E1pvHN13v4slaZkwcu+É", W1_SECRET, id="non-ascii-signature"
        ),
        pytest.param(
            {"eventCreated": "1469429915"}, W1_SIGNATURE, W1_SECRET, id="created-as-string"
        ),
        pytest.param(
            {"eventCreated": 1469429915.0}, W1_SIGNATURE, W1_SECRET, id="created-as-float"
        ),
        pytest.param({"eventCreated": None}, W1_SIGNATURE, W1_SECRET, id="created-missing"),
        pytest.param({"eventId": None}, W1_SIGNATURE, W1_SECRET, id="id-missing"),
        pytest.param({"eventId": 8}, W1_SIGNATURE, W1_SECRET, id="id-as-number"),
    ],
)
def test_tampered_or_unsigned_events_fail(
    changes: dict[str, t.Any], signature: str | None, secret: str
) -> None:
    event = {key: value for key, value in {**W1_EVENT, **changes}.items() if value is not None}
    assert verify_webhook(event, signature, secret) is False


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"not json", id="not-json"),
        pytest.param(b"\xff\xfe\x00garbage", id="not-utf8"),
        pytest.param("[1, 2]", id="json-array"),
        pytest.param("null", id="json-null"),
        pytest.param("[" * 100_000 + "]" * 100_000, id="deeply-nested"),
        pytest.param(None, id="none"),
        pytest.param(12, id="number"),
        pytest.param({"eventId": "x", "eventCreated": 10**5000}, id="unprintable-integer"),
        pytest.param({"eventId": "\ud800", "eventCreated": 1}, id="lone-surrogate-id"),
    ],
)
def test_garbage_bodies_fail_without_raising(body: t.Any) -> None:
    assert verify_webhook(body, W1_SIGNATURE, W1_SECRET) is False


@pytest.mark.parametrize("secret", ["", None, b"abcde123456789"])
def test_unusable_secret_is_a_config_error(secret: t.Any) -> None:
    with pytest.raises(ConfigError, match="client_secret") as caught:
        verify_webhook(W1_EVENT, W1_SIGNATURE, secret)
    assert caught.value.key == "client_secret"


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
EVENTS = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200),
    JSON_VALUES,
    st.fixed_dictionaries(
        {"eventId": JSON_VALUES, "eventCreated": JSON_VALUES}, optional={"data": JSON_VALUES}
    ),
    JSON_VALUES.map(lambda value: json.dumps(value).encode()),
)
SIGNATURES = st.one_of(st.none(), st.text(max_size=60), st.binary(max_size=60), JSON_VALUES)


@given(event=EVENTS, signature=SIGNATURES)
def test_verify_webhook_never_raises_for_garbage(event: t.Any, signature: t.Any) -> None:
    assert verify_webhook(event, signature, W1_SECRET) is False


@given(
    event_created=st.integers(min_value=0, max_value=2**40),
    event_id=st.text(min_size=1, max_size=40),
)
def test_signed_events_round_trip(event_created: int, event_id: str) -> None:
    event = {"eventId": event_id, "eventCreated": event_created}
    signature = sign_webhook(event_created, event_id, W1_SECRET)
    assert verify_webhook(event, signature, W1_SECRET) is True
    assert verify_webhook(json.dumps(event).encode(), signature, W1_SECRET) is True
    assert verify_webhook(event, signature, W1_SECRET + "x") is False


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(W1_EVENT, id="mapping"),
        pytest.param(json.dumps(W1_EVENT), id="str"),
        pytest.param(json.dumps(W1_EVENT).encode(), id="bytes"),
    ],
)
def test_webhook_event_reads_ecwid_body(body: t.Any) -> None:
    event = WebhookEvent.from_ecwid(body)
    assert event == WebhookEvent(
        event_id="08a78904-4c1a-0aa0-953a-2e33c56236f1",
        event_created=1469429915,
        store_id=1003,
        entity_id=177737165,
        event_type="customer.updated",
        data={"customerEmail": "shopper@example.com"},
    )
    assert event.customer_email == "shopper@example.com"
    assert event.created_at == datetime(2016, 7, 25, 6, 58, 35, tzinfo=timezone.utc)


def test_webhook_event_without_data() -> None:
    body = {key: value for key, value in W1_EVENT.items() if key != "data"}
    event = WebhookEvent.from_ecwid(body)
    assert event.data == {}
    assert event.customer_email is None


def test_webhook_event_accepts_string_entity_id() -> None:
    event = WebhookEvent.from_ecwid({**W1_EVENT, "entityId": "FYB3W", "eventType": "order.created"})
    assert event.entity_id == "FYB3W"


def test_webhook_event_is_hashable_and_immutable() -> None:
    event = WebhookEvent.from_ecwid(W1_EVENT)
    assert {event: 1}[WebhookEvent.from_ecwid(json.dumps(W1_EVENT))] == 1
    with pytest.raises(AttributeError):
        event.event_id = "other"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param(b"not json", "not a JSON object", id="not-json"),
        pytest.param("[]", "not a JSON object", id="array"),
        pytest.param({**W1_EVENT, "eventId": None}, "'eventId' is missing", id="no-id"),
        pytest.param(
            {**W1_EVENT, "eventId": ""}, "'eventId' must be a non-empty string", id="empty-id"
        ),
        pytest.param(
            {**W1_EVENT, "eventCreated": "1469429915"},
            "'eventCreated' must be an integer",
            id="created-string",
        ),
        pytest.param(
            {**W1_EVENT, "eventCreated": True},
            "'eventCreated' must be an integer",
            id="created-bool",
        ),
        pytest.param(
            {**W1_EVENT, "eventCreated": -1},
            "'eventCreated' is not a plausible",
            id="created-negative",
        ),
        pytest.param(
            {**W1_EVENT, "eventCreated": 10**20},
            "'eventCreated' is not a plausible",
            id="created-far-future",
        ),
        pytest.param(
            {**W1_EVENT, "storeId": "1003"}, "'storeId' must be an integer", id="store-string"
        ),
        pytest.param(
            {**W1_EVENT, "entityId": 1.5}, "'entityId' must be an integer or", id="entity-float"
        ),
        pytest.param({**W1_EVENT, "entityId": None}, "'entityId' is missing", id="entity-missing"),
        pytest.param(
            {**W1_EVENT, "eventType": 3}, "'eventType' must be a non-empty string", id="type-number"
        ),
        pytest.param({**W1_EVENT, "data": []}, "'data' must be a JSON object", id="data-array"),
    ],
)
def test_malformed_webhook_bodies_raise(body: t.Any, message: str) -> None:
    with pytest.raises(WebhookError, match=message):
        WebhookEvent.from_ecwid(body)
