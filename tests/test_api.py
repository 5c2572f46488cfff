"""EcwidClient's public methods against FakeEcwid: customers, errors, the token, arguments."""

from __future__ import annotations

import datetime
import logging
import typing as t

import pytest
from helpers import FastClient, MakeClient

from flask_ecwid_sso import Customer, CustomerPage, EcwidClient, Person
from flask_ecwid_sso.exceptions import (
    ConfigError,
    EcwidAPIError,
    EcwidAuthError,
    EcwidNotFound,
    EcwidPlanError,
    EcwidRateLimited,
    EcwidServerError,
)
from flask_ecwid_sso.testing import FakeEcwid


@pytest.fixture
def client(make_client: MakeClient) -> EcwidClient:
    return make_client()


# Customers


def test_find_customer_by_email_matches_exactly_ignoring_case(
    fake_ecwid: FakeEcwid, client: EcwidClient
) -> None:
    fake_ecwid.add_customer({"email": "bob@example.com.au", "name": "Aussie Bob"})
    fake_ecwid.add_customer({"email": "jimbob@example.com", "name": "Jim Bob"})
    fake_ecwid.add_customer({"email": "BOB@Example.com", "name": "Bob"})

    found = client.find_customer_by_email("bob@example.com")

    assert found is not None
    assert found.name == "Bob"
    assert found.email == "BOB@Example.com"


def test_find_customer_by_email_returns_none_for_near_misses_only(
    fake_ecwid: FakeEcwid, client: EcwidClient
) -> None:
    fake_ecwid.add_customer({"email": "bob@example.com.au"})
    fake_ecwid.add_customer({"email": "jimbob@example.com"})

    assert client.find_customer_by_email("bob@example.com") is None


def test_find_customer_by_email_looks_beyond_the_first_page(
    fake_ecwid: FakeEcwid, client: EcwidClient
) -> None:
    for number in range(150):
        fake_ecwid.add_customer({"email": f"bob@example.com.x{number}"})
    wanted = fake_ecwid.add_customer({"email": "bob@example.com"})

    found = client.find_customer_by_email("Bob@Example.com")

    assert found is not None
    assert found.id == wanted["id"]
    assert [r.query for r in fake_ecwid.request_log] == [
        "email=Bob%40Example.com&offset=0&limit=100",
        "email=Bob%40Example.com&offset=100&limit=100",
    ]


def test_find_customer_by_email_refuses_an_empty_email(client: EcwidClient) -> None:
    with pytest.raises(ValueError, match="email"):
        client.find_customer_by_email("  ")


def test_iter_customers_yields_every_customer_exactly_once(
    fake_ecwid: FakeEcwid, client: EcwidClient
) -> None:
    stored = [fake_ecwid.add_customer({"email": f"user{n}@example.com"}) for n in range(250)]

    ids = [customer.id for customer in client.iter_customers()]

    assert sorted(ids) == sorted(customer["id"] for customer in stored)
    assert len(ids) == len(set(ids)) == 250
    assert [r.query for r in fake_ecwid.request_log] == [
        "offset=0&limit=100",
        "offset=100&limit=100",
        "offset=200&limit=100",
    ]


def test_iter_customers_is_lazy(fake_ecwid: FakeEcwid, client: EcwidClient) -> None:
    for number in range(150):
        fake_ecwid.add_customer({"email": f"user{number}@example.com"})

    customers = client.iter_customers(keyword="user")
    assert fake_ecwid.request_log == []
    next(customers)
    assert len(fake_ecwid.request_log) == 1


def test_iter_customers_passes_filters(fake_ecwid: FakeEcwid, client: EcwidClient) -> None:
    fake_ecwid.add_customer({"email": "ann@example.com", "name": "Ann Lee"})
    fake_ecwid.add_customer({"email": "bo@example.com", "name": "Bo Lee"})
    fake_ecwid.add_customer({"email": "cy@example.com", "name": "Cy Young"})

    names = [customer.name for customer in client.iter_customers(name="lee")]

    assert names == ["Ann Lee", "Bo Lee"]


def test_search_customers_returns_a_typed_page(fake_ecwid: FakeEcwid, client: EcwidClient) -> None:
    for number in range(7):
        fake_ecwid.add_customer({"email": f"shopper{number}@example.com"})
    fake_ecwid.add_customer({"email": "other@example.org"})

    page = client.search_customers(email="shopper", offset=2, limit=3)

    assert isinstance(page, CustomerPage)
    assert (page.total, page.count, page.offset, page.limit) == (7, 3, 2, 3)
    assert page.all_customer_count == 8
    assert all(isinstance(item, Customer) for item in page.items)
    assert [item.email for item in page.items] == [
        "shopper2@example.com",
        "shopper3@example.com",
        "shopper4@example.com",
    ]


def test_search_customers_sends_dates_as_timestamps_and_camel_case(
    fake_ecwid: FakeEcwid, client: EcwidClient
) -> None:
    client.search_customers(
        created_from=datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc),
        customer_group_ids=[1, 2],
        sort_by="NAME_ASC",
    )

    assert fake_ecwid.request_log[0].query == (
        "createdFrom=1704067200&customerGroupIds=1%2C2&sortBy=NAME_ASC&offset=0&limit=100"
    )


@pytest.mark.parametrize("limit", [0, 101])
def test_search_customers_refuses_a_limit_ecwid_would_refuse(
    fake_ecwid: FakeEcwid, client: EcwidClient, limit: int
) -> None:
    with pytest.raises(ValueError, match="limit"):
        client.search_customers(limit=limit)
    assert fake_ecwid.request_log == []


def test_search_customers_refuses_a_negative_offset(
    fake_ecwid: FakeEcwid, client: EcwidClient
) -> None:
    with pytest.raises(ValueError, match="offset"):
        client.search_customers(offset=-1)
    assert fake_ecwid.request_log == []


@pytest.mark.parametrize(
    ("filters", "error", "words"),
    [
        ({"created_from": datetime.datetime(2024, 1, 1)}, ValueError, "timezone-aware"),
        ({"updated_to": 1.5}, TypeError, "unsupported filter value 1.5"),
    ],
)
def test_search_customers_refuses_filter_values_it_cannot_send(
    client: EcwidClient, filters: dict[str, t.Any], error: type[Exception], words: str
) -> None:
    with pytest.raises(error, match=words):
        client.search_customers(**filters)


def test_search_customers_refuses_unknown_filters(client: EcwidClient) -> None:
    with pytest.raises(TypeError, match="createdFrom"):
        client.search_customers(createdFrom=1)  # type: ignore[call-arg]


def test_get_customer_raises_not_found(fake_ecwid: FakeEcwid, client: EcwidClient) -> None:
    with pytest.raises(EcwidNotFound) as caught:
        client.get_customer(42)

    assert caught.value.status == 404
    assert caught.value.url == f"{fake_ecwid.api_url}/1003/customers/42"


def test_create_customer_returns_the_new_id(fake_ecwid: FakeEcwid, client: EcwidClient) -> None:
    customer_id = client.create_customer(
        "new@example.com",
        billing_person=Person(name="New Shopper", country_code="us"),
        shipping_addresses=[{"name": "New Shopper", "street": "1 Main St"}],
        accept_marketing=True,
    )

    customer = client.get_customer(customer_id)
    assert customer.email == "new@example.com"
    assert customer.name == "New Shopper"
    assert customer.billing_person is not None
    assert customer.billing_person.raw == {
        "name": "New Shopper",
        "countryCode": "US",
        "firstName": "New",
        "lastName": "Shopper",
    }
    assert (customer.billing_person.first_name, customer.billing_person.last_name) == (
        "New",
        "Shopper",
    )
    assert customer.billing_person.country_code == "US"
    assert [address.raw for address in customer.shipping_addresses] == [
        {"name": "New Shopper", "street": "1 Main St"}
    ]
    assert customer.raw["acceptMarketing"] is True


def test_create_customer_with_a_taken_email_says_so(
    fake_ecwid: FakeEcwid, client: EcwidClient
) -> None:
    fake_ecwid.add_customer({"email": "taken@example.com"})

    with pytest.raises(EcwidAPIError) as caught:
        client.create_customer("TAKEN@example.com", name="Someone")

    assert caught.value.status == 409
    assert caught.value.method == "POST"
    assert "already exists" in str(caught.value)
    assert len(fake_ecwid.customers) == 1


def test_update_customer_changes_only_given_fields(
    fake_ecwid: FakeEcwid, client: EcwidClient
) -> None:
    stored = fake_ecwid.add_customer({"email": "old@example.com", "lang": "fr"})

    client.update_customer(stored["id"], email="new@example.com", name="Renamed")

    customer = client.get_customer(stored["id"])
    assert customer.email == "new@example.com"
    assert customer.name == "Renamed"
    assert customer.raw["lang"] == "fr"


def test_update_customer_raises_not_found(client: EcwidClient) -> None:
    with pytest.raises(EcwidNotFound):
        client.update_customer(42, name="Nobody")


def test_delete_customer_removes_it(fake_ecwid: FakeEcwid, client: EcwidClient) -> None:
    stored = fake_ecwid.add_customer({"email": "gone@example.com"})

    client.delete_customer(stored["id"])

    with pytest.raises(EcwidNotFound):
        client.get_customer(stored["id"])


def test_store_profile_returns_ecwids_mapping(client: EcwidClient) -> None:
    profile = client.store_profile()

    assert profile["generalInfo"]["storeId"] == 1003


# Errors


@pytest.mark.parametrize(
    ("status", "error_class", "code"),
    [
        (400, EcwidAPIError, "WRONG_PARAMETER"),
        (401, EcwidAuthError, "INVALID_API_TOKEN"),
        (402, EcwidPlanError, "NOT_AVAILABLE_ON_CURRENT_PLAN"),
        (403, EcwidAuthError, "INVALID_API_TOKEN"),
        (404, EcwidNotFound, "NOT_FOUND"),
        (409, EcwidAPIError, "CONSTRAINT_VIOLATION"),
        (429, EcwidRateLimited, "RATE_LIMITED"),
        (500, EcwidServerError, "INTERNAL_ERROR"),
        (503, EcwidServerError, "SERVICE_UNAVAILABLE"),
    ],
)
def test_error_statuses_map_to_exceptions_with_their_data(
    fake_ecwid: FakeEcwid,
    make_client: MakeClient,
    status: int,
    error_class: type[EcwidAPIError],
    code: str,
) -> None:
    client = make_client(max_retries=0)
    fake_ecwid.fail_next(status)

    with pytest.raises(EcwidAPIError) as caught:
        client.store_profile()

    error = caught.value
    assert type(error) is error_class
    assert (error.status, error.code, error.method) == (status, code, "GET")
    assert error.url == f"{fake_ecwid.api_url}/1003/profile"
    assert error.message
    assert str(error).startswith(f"{status} {code}: ")
    assert str(error).endswith(f"(GET {fake_ecwid.api_url}/1003/profile)")


def test_server_error_message_is_ecwids(fake_ecwid: FakeEcwid, make_client: MakeClient) -> None:
    fake_ecwid.fail_next(500)

    with pytest.raises(EcwidServerError) as caught:
        make_client(max_retries=0).store_profile()

    assert caught.value.message == "Internal server error"


def test_missing_scope_is_an_auth_error(fake_ecwid: FakeEcwid, client: EcwidClient) -> None:
    fake_ecwid.scopes.discard("read_customers")

    with pytest.raises(EcwidAuthError) as caught:
        client.get_customer(1)

    assert caught.value.code == "INSUFFICIENT_APP_SCOPE"
    assert "read_customers" in caught.value.message


def test_lapsed_plan_is_a_plan_error(fake_ecwid: FakeEcwid, client: EcwidClient) -> None:
    fake_ecwid.plan_active = False

    with pytest.raises(EcwidPlanError):
        client.store_profile()


def test_a_wrong_store_id_is_refused(fake_ecwid: FakeEcwid) -> None:
    with (
        FastClient(9, fake_ecwid.api_token, base_url=fake_ecwid.api_url) as client,
        pytest.raises(EcwidAuthError),
    ):
        client.store_profile()


# The token stays secret


def test_the_token_travels_only_in_the_authorization_header(
    fake_ecwid: FakeEcwid, make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = make_client(max_retries=0)
    fake_ecwid.add_customer({"email": "ann@example.com"})
    client.find_customer_by_email("ann@example.com")
    fake_ecwid.fail_next(500)
    errors: list[EcwidAPIError] = []
    with pytest.raises(EcwidServerError) as caught:
        client.get_customer(1)
    errors.append(caught.value)
    with pytest.raises(EcwidAuthError) as caught_auth:
        make_client(token="secret_wrong").get_customer(1)
    errors.append(caught_auth.value)

    token = fake_ecwid.api_token
    assert fake_ecwid.request_log
    for entry in fake_ecwid.request_log:
        assert token not in entry.path
        assert token not in entry.query
    for error in errors:
        assert token not in str(error)
        assert token not in repr(error)
        assert "secret_wrong" not in str(error)
    assert token not in repr(client)
    assert token not in caplog.text


# Construction


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"store_id": "abc"}, "store_id"),
        ({"token": ""}, "token"),
        ({"timeout": 0}, "timeout"),
        ({"max_retries": -1}, "max_retries"),
        ({"max_wait": -1}, "max_wait"),
        ({"timeout": float("nan")}, "timeout"),
        ({"timeout": float("inf")}, "timeout"),
        ({"timeout": True}, "timeout"),
        ({"timeout": "10"}, "timeout"),
        ({"max_retries": 1.5}, "max_retries"),
        ({"max_wait": float("inf")}, "max_wait"),
        ({"deadline": 0}, "deadline"),
        ({"deadline": float("nan")}, "deadline"),
        ({"max_response_bytes": 0}, "max_response_bytes"),
        ({"max_response_bytes": 1e6}, "max_response_bytes"),
        ({"max_pages": 0}, "max_pages"),
        ({"token": "secret_x\r\nX-Evil: 1"}, "token"),
        ({"token": "secret_ü"}, "token"),
        ({"token": "secret x"}, "token"),
        ({"store_id": True}, "store_id"),
    ],
)
def test_bad_arguments_raise_config_error(kwargs: dict[str, t.Any], key: str) -> None:
    arguments: dict[str, t.Any] = {"store_id": 1003, "token": "secret_x", **kwargs}

    with pytest.raises(ConfigError) as caught:
        EcwidClient(arguments.pop("store_id"), arguments.pop("token"), **arguments)

    assert caught.value.key == key


def test_the_default_deadline_allows_every_attempt_and_wait() -> None:
    with EcwidClient(1003, "secret_x", timeout=2, max_retries=3, max_wait=5) as client:
        assert client.bounds.deadline == 2 * 4 + 5 * 3
    with EcwidClient(1003, "secret_x", deadline=7.5) as client:
        assert client.bounds.deadline == 7.5
    with EcwidClient(1003, "secret_x") as client:
        assert (client.bounds.max_response_bytes, client.bounds.max_pages) == (10 << 20, 1000)


def test_store_id_may_be_a_string_of_digits() -> None:
    with EcwidClient("1003", "secret_x") as client:
        assert client.store_id == 1003
