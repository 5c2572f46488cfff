"""FakeEcwid's REST side against Ecwid's docs: error codes, bodies, customers, store profile."""

from __future__ import annotations

import typing as t
from collections.abc import Iterator

import pytest
import requests
from helpers import NOW, ManualClock, payload

from flask_ecwid_sso import EcwidClient, Person
from flask_ecwid_sso.exceptions import EcwidAPIError, EcwidPlanError, EcwidRateLimited
from flask_ecwid_sso.testing import FakeEcwid


@pytest.fixture
def fake(clock: ManualClock) -> Iterator[FakeEcwid]:
    with FakeEcwid(clock=clock).serve() as served:
        yield served


@pytest.fixture
def client(fake: FakeEcwid) -> Iterator[EcwidClient]:
    with EcwidClient(
        fake.store_id, fake.api_token, base_url=fake.api_url, timeout=5, max_retries=0
    ) as api:
        yield api


@pytest.fixture
def http(fake: FakeEcwid) -> Iterator[requests.Session]:
    with requests.Session() as session:
        session.headers["Authorization"] = f"Bearer {fake.api_token}"
        yield session


def url(fake: FakeEcwid, path: str = "customers") -> str:
    return f"{fake.api_url}/{fake.store_id}/{path}"


# Error codes, as in Ecwid's table


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (400, "WRONG_PARAMETER"),
        (402, "NOT_AVAILABLE_ON_CURRENT_PLAN"),
        (405, "METHOD_NOT_ALLOWED"),
        (408, "TIMEOUT"),
        (409, "CONSTRAINT_VIOLATION"),
        (429, "RATE_LIMITED"),
        (500, "INTERNAL_ERROR"),
    ],
)
def test_a_queued_failure_carries_ecwids_documented_code(
    fake: FakeEcwid, http: requests.Session, status: int, code: str
) -> None:
    fake.fail_next(status)

    answer = http.get(url(fake), timeout=5)

    assert (answer.status_code, answer.json()["errorCode"]) == (status, code)
    assert answer.json()["errorMessage"]


def test_fail_next_can_name_another_documented_code(fake: FakeEcwid, client: EcwidClient) -> None:
    fake.fail_next(402, code="STORE_IS_SUSPENDED")

    with pytest.raises(EcwidPlanError) as caught:
        client.search_customers()

    assert caught.value.code == "STORE_IS_SUSPENDED"


def test_a_lapsed_plan_is_402_not_available_on_current_plan(
    fake: FakeEcwid, client: EcwidClient
) -> None:
    fake.plan_active = False

    with pytest.raises(EcwidPlanError) as caught:
        client.store_profile()

    assert (caught.value.status, caught.value.code) == (402, "NOT_AVAILABLE_ON_CURRENT_PLAN")


def test_a_suspended_store_is_402_but_its_profile_says_so(
    fake: FakeEcwid, client: EcwidClient
) -> None:
    fake.suspended = True

    with pytest.raises(EcwidPlanError) as caught:
        client.search_customers()
    profile = client.store_profile()
    entry = fake.sign_on(payload(fake))

    assert (caught.value.status, caught.value.code) == (402, "STORE_IS_SUSPENDED")
    assert profile["account"]["suspended"] is True
    assert (entry.accepted, entry.reason) == (False, "store_suspended")


def test_the_rate_limit_is_429_rate_limited(fake: FakeEcwid, client: EcwidClient) -> None:
    fake.rate_limit = 1
    client.search_customers()

    with pytest.raises(EcwidRateLimited) as caught:
        client.search_customers()

    assert (caught.value.code, caught.value.retry_after) == ("RATE_LIMITED", 60)


def test_a_rate_limit_of_zero_refuses_every_call(fake: FakeEcwid, http: requests.Session) -> None:
    fake.rate_limit = 0

    answer = http.get(url(fake), timeout=5)

    assert (answer.status_code, answer.headers["Retry-After"]) == (429, "60")


def test_an_unsupported_method_is_405_with_allow(fake: FakeEcwid, http: requests.Session) -> None:
    answer = http.patch(url(fake), json={}, timeout=5)

    assert (answer.status_code, answer.json()["errorCode"]) == (405, "METHOD_NOT_ALLOWED")
    assert set(answer.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_a_taken_email_is_409_constraint_violation(fake: FakeEcwid, client: EcwidClient) -> None:
    client.create_customer("ann@example.com")

    with pytest.raises(EcwidAPIError) as caught:
        client.create_customer("ANN@example.com")

    assert (caught.value.status, caught.value.code) == (409, "CONSTRAINT_VIOLATION")
    assert len(fake.customers) == 1


@pytest.mark.parametrize(
    "body", [{"email": "no-at-sign"}, {"email": "a@b.c", "billingPerson": []}, {"name": 5}]
)
def test_a_field_of_the_wrong_shape_is_400_wrong_parameter(
    fake: FakeEcwid, http: requests.Session, body: dict[str, t.Any]
) -> None:
    answer = http.post(url(fake), json=body, timeout=5)

    assert (answer.status_code, answer.json()["errorCode"]) == (400, "WRONG_PARAMETER")
    assert fake.customers == []


@pytest.mark.parametrize("content_type", ["text/json", "text/json; charset=utf-8"])
def test_text_json_bodies_are_read_as_json(
    fake: FakeEcwid, http: requests.Session, content_type: str
) -> None:
    created = http.post(
        url(fake),
        data='{"email": "ann@example.com"}',
        headers={"Content-Type": content_type},
        timeout=5,
    )
    updated = http.put(
        url(fake, f"customers/{created.json()['id']}"),
        data='{"name": "Ann Lee"}',
        headers={"Content-Type": content_type},
        timeout=5,
    )

    assert created.status_code == 200
    assert updated.json() == {"updateCount": 1}
    assert fake.customers[0]["name"] == "Ann Lee"


def test_another_body_type_is_415(fake: FakeEcwid, http: requests.Session) -> None:
    answer = http.post(
        url(fake), data='{"email": "a@b.c"}', headers={"Content-Type": "text/plain"}, timeout=5
    )

    assert answer.status_code == 415
    assert fake.customers == []


# Customers in Ecwid's documented shape


def test_a_created_customer_has_ecwids_documented_fields(
    fake: FakeEcwid, client: EcwidClient
) -> None:
    customer_id = client.create_customer("nia@example.com", name="Nia Long Jones")

    raw = client.get_customer(customer_id).raw

    assert raw["name"] == "Nia Long Jones"
    assert raw["billingPerson"] == {
        "name": "Nia Long Jones",
        "firstName": "Nia",
        "lastName": "Long Jones",
    }
    assert raw["totalOrderCount"] == 0
    assert raw["taxExempt"] is False
    assert raw["stats"] == {"numberOfOrders": 0, "salesValue": 0, "averageOrderValue": 0}
    [contact] = raw["contacts"]
    assert (contact["contact"], contact["type"], contact["default"]) == (
        "nia@example.com",
        "EMAIL",
        True,
    )
    assert (raw["customerGroupId"], raw["customerGroupName"]) == (0, "General")
    assert raw["registered"] == raw["updated"] == "2025-06-15 15:06:40 +0000"


def test_an_sso_customer_has_the_same_documented_fields(fake: FakeEcwid) -> None:
    entry = fake.sign_on(payload(fake))

    customer = fake.find_customer(t.cast(int, entry.customer_id))

    assert customer is not None
    assert customer["billingPerson"] == {"name": "Ann Lee", "firstName": "Ann", "lastName": "Lee"}
    assert {"totalOrderCount", "contacts", "taxExempt", "stats"} <= set(customer)


def test_a_put_of_name_renames_the_billing_person_too(
    fake: FakeEcwid, http: requests.Session
) -> None:
    stored = fake.add_customer(
        {
            "email": "ann@example.com",
            "name": "Ann Lee",
            "billingPerson": {"name": "Ann Lee", "firstName": "Ann", "city": "Leeds"},
        }
    )

    http.put(url(fake, f"customers/{stored['id']}"), json={"name": "Ann Smith"}, timeout=5)

    assert stored["name"] == "Ann Smith"
    assert stored["billingPerson"] == {
        "name": "Ann Smith",
        "firstName": "Ann",
        "lastName": "Smith",
        "city": "Leeds",
    }


def test_a_put_of_the_billing_person_renames_the_customer(
    fake: FakeEcwid, client: EcwidClient
) -> None:
    customer_id = client.create_customer("ann@example.com", name="Ann Lee")

    client.update_customer(customer_id, billing_person=Person(name="Ann Smith", city="York"))
    customer = client.get_customer(customer_id)

    assert customer.name == "Ann Smith"
    assert customer.raw["name"] == "Ann Smith"
    assert customer.billing_person is not None
    assert customer.billing_person.raw == {
        "name": "Ann Smith",
        "city": "York",
        "firstName": "Ann",
        "lastName": "Smith",
    }


def test_a_put_that_changes_nothing_answers_zero_and_keeps_updated(
    fake: FakeEcwid, http: requests.Session, clock: ManualClock
) -> None:
    stored = fake.add_customer({"email": "ann@example.com", "name": "Ann"})
    before = stored["updated"]
    clock.advance(3600)

    answer = http.put(
        url(fake, f"customers/{stored['id']}"), json={"email": "ann@example.com"}, timeout=5
    )

    assert answer.json() == {"updateCount": 0}
    assert stored["updated"] == before


def test_a_new_email_moves_the_email_contact_and_the_updated_date(
    fake: FakeEcwid, client: EcwidClient, clock: ManualClock
) -> None:
    customer_id = client.create_customer("old@example.com")
    clock.advance(3600)

    client.update_customer(customer_id, email="new@example.com")
    raw = client.get_customer(customer_id).raw

    assert [c["contact"] for c in raw["contacts"]] == ["new@example.com"]
    assert raw["updated"] == "2025-06-15 16:06:40 +0000"
    assert raw["registered"] == "2025-06-15 15:06:40 +0000"


# The store profile


def test_the_profile_carries_ecwids_documented_fields(client: EcwidClient) -> None:
    profile = client.store_profile()

    general, account = profile["generalInfo"], profile["account"]
    assert general["websitePlatform"] in {"wix", "wordpress", "iframe", "joomla", "yola", "unknown"}
    assert general["storefrontUrlFormat"] in {"IFRAME", "WIX", "QUERY", "HASH", "CLEAN"}
    assert isinstance(general["profileId"], str)
    assert general["profileId"]
    assert "PREMIUM" in account["availableFeatures"]
    assert account["suspended"] is False


def test_without_premium_the_storefront_ignores_sso_and_the_api_still_answers(
    fake: FakeEcwid, client: EcwidClient
) -> None:
    fake.features.discard("PREMIUM")

    entry = fake.sign_on(payload(fake, timestamp=NOW))
    page = client.search_customers()
    features = client.store_profile()["account"]["availableFeatures"]

    assert (entry.accepted, entry.reason) == (False, "plan_inactive")
    assert page.total == 0
    assert "PREMIUM" not in features
    assert "API" in features
