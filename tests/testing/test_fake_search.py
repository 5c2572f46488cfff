"""FakeEcwid's customer search as Ecwid documents it: filters, sort orders, responseFields.

Each filter is driven through the product's ``EcwidClient`` against the served
fake; ``responseFields``, which the client does not send, over plain HTTP.
"""

from __future__ import annotations

import datetime
import typing as t
from collections.abc import Iterator

import pytest
import requests
from helpers import NOW, ManualClock

from flask_ecwid_sso import EcwidClient
from flask_ecwid_sso.exceptions import EcwidAPIError
from flask_ecwid_sso.testing import FakeEcwid

DAY = 86_400
UTC = datetime.timezone.utc


def at(seconds: float) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(seconds, UTC)


def ecwid_date(seconds: float) -> str:
    return at(seconds).strftime("%Y-%m-%d %H:%M:%S %z")


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


def emails(client: EcwidClient, **filters: t.Any) -> list[str | None]:
    return [customer.email for customer in client.search_customers(**filters).items]


def raw(fake: FakeEcwid, path: str, **params: str) -> requests.Response:
    return requests.get(
        f"{fake.api_url}/{fake.store_id}/{path}",
        params=params,
        headers={"Authorization": f"Bearer {fake.api_token}"},
        timeout=5,
    )


# Filters


def test_customer_group_ids_keep_those_groups_and_zero_is_general(
    fake: FakeEcwid, client: EcwidClient
) -> None:
    fake.add_customer({"email": "wholesale@example.com", "customerGroupId": 7})
    fake.add_customer({"email": "vip@example.com", "customerGroupId": 9})
    fake.add_customer({"email": "general@example.com", "customerGroupId": 0})
    fake.add_customer({"email": "guest@example.com"})

    assert emails(client, customer_group_ids=[7, 9]) == ["wholesale@example.com", "vip@example.com"]
    assert emails(client, customer_group_ids=[9]) == ["vip@example.com"]
    assert emails(client, customer_group_ids=[0]) == ["general@example.com", "guest@example.com"]


@pytest.fixture
def three_days(fake: FakeEcwid, clock: ManualClock) -> None:
    """ann registers at NOW, bo a day later, cy two days later; bo is updated on day 3."""
    for name in ("ann", "bo", "cy"):
        fake.add_customer({"email": f"{name}@example.com"})
        clock.advance(DAY)
    [bo] = [c for c in fake.customers if c["email"] == "bo@example.com"]
    bo["updated"] = ecwid_date(NOW + 3 * DAY)


@pytest.mark.usefixtures("three_days")
@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        pytest.param({"created_from": NOW + DAY}, ["bo", "cy"], id="from a timestamp"),
        pytest.param({"created_to": at(NOW + DAY)}, ["ann", "bo"], id="to a datetime, inclusive"),
        pytest.param(
            {"created_from": at(NOW + 1).strftime("%Y-%m-%d %H:%M:%S")},
            ["bo", "cy"],
            id="from a date and time in UTC",
        ),
        pytest.param(
            {"created_to": at(NOW + DAY).strftime("%Y-%m-%d")},
            ["ann"],
            id="to a bare date, its midnight",
        ),
        pytest.param(
            {
                "created_from": at(NOW + DAY)
                .astimezone(datetime.timezone(datetime.timedelta(hours=4)))
                .strftime("%Y-%m-%d %H:%M:%S %z")
            },
            ["bo", "cy"],
            id="from a date with its offset",
        ),
        pytest.param(
            {"created_from": NOW + 1, "created_to": NOW + 2 * DAY - 1}, ["bo"], id="a window"
        ),
        pytest.param({"updated_from": NOW + 2 * DAY + 1}, ["bo"], id="updated from"),
        pytest.param({"updated_to": NOW + 2 * DAY}, ["ann", "cy"], id="updated to"),
    ],
)
def test_date_filters_bound_registered_and_updated(
    client: EcwidClient, filters: dict[str, t.Any], expected: list[str]
) -> None:
    assert emails(client, **filters) == [f"{name}@example.com" for name in expected]


def test_date_filters_leave_out_customers_without_a_readable_date(
    fake: FakeEcwid, client: EcwidClient
) -> None:
    fake.add_customer({"email": "dated@example.com"})
    fake.add_customer({"email": "undated@example.com", "registered": "", "updated": "yesterday"})

    assert emails(client, created_from=NOW - DAY) == ["dated@example.com"]
    assert emails(client, updated_to=NOW + DAY) == ["dated@example.com"]
    assert len(emails(client)) == 2


@pytest.mark.parametrize(
    "filters",
    [
        {"created_from": "last tuesday"},
        {"updated_to": "2025-13-40"},
        {"sort_by": "NAME"},
        {"sort_by": "name_asc"},
        {"customer_group_ids": "7;9"},
    ],
)
def test_malformed_filters_are_400_wrong_parameter(
    client: EcwidClient, filters: dict[str, t.Any]
) -> None:
    with pytest.raises(EcwidAPIError) as caught:
        client.search_customers(**filters)

    assert (caught.value.status, caught.value.code) == (400, "WRONG_PARAMETER")
    assert caught.value.message


# Sort orders

ANN = {
    "email": "lee@example.com",
    "name": "Ann Lee",
    "registered": ecwid_date(NOW + 2 * DAY),
    "updated": ecwid_date(NOW),
    "totalOrderCount": 2,
    "stats": {
        "salesValue": 10,
        "firstOrderDate": ecwid_date(NOW + 3 * DAY),
        "lastOrderDate": ecwid_date(NOW + 4 * DAY),
    },
}
BO = {
    "email": "bo@example.com",
    "name": "Bo Stone",
    "registered": ecwid_date(NOW),
    "updated": ecwid_date(NOW + 2 * DAY),
    "totalOrderCount": 5,
    "stats": {
        "salesValue": 30.5,
        "firstOrderDate": ecwid_date(NOW + DAY),
        "lastOrderDate": ecwid_date(NOW + 6 * DAY),
    },
}
CY = {
    "email": "Cy@example.com",
    "name": "cy young",
    "registered": ecwid_date(NOW + DAY),
    "updated": ecwid_date(NOW + DAY),
    "totalOrderCount": 0,
    "stats": {
        "salesValue": 20,
        "firstOrderDate": ecwid_date(NOW + 2 * DAY),
        "lastOrderDate": ecwid_date(NOW + 5 * DAY),
    },
}
#: A guest: an email, and nothing else to sort by.
GUEST = {"email": "guest@example.com", "registered": "", "updated": ""}


@pytest.mark.parametrize(
    ("key", "ascending"),
    [
        ("NAME", ["lee", "bo", "Cy"]),
        ("EMAIL", ["bo", "Cy", "guest", "lee"]),
        ("ORDER_COUNT", ["Cy", "lee", "bo"]),
        ("REGISTERED_DATE", ["bo", "Cy", "lee"]),
        ("UPDATED_DATE", ["lee", "Cy", "bo"]),
        ("SALES_VALUE", ["lee", "Cy", "bo"]),
        ("FIRST_ORDER_DATE", ["bo", "Cy", "lee"]),
        ("LAST_ORDER_DATE", ["lee", "Cy", "bo"]),
    ],
)
def test_every_documented_sort_order_sorts_both_ways_with_the_unsortable_last(
    fake: FakeEcwid, client: EcwidClient, key: str, ascending: list[str]
) -> None:
    for record in (ANN, BO, CY, GUEST):
        fake.add_customer(record)
    expected = [f"{local}@example.com" for local in ascending]
    last = [] if "guest@example.com" in expected else ["guest@example.com"]
    descending = [*reversed(expected), *last]

    assert emails(client, sort_by=f"{key}_ASC") == [*expected, *last]
    assert emails(client, sort_by=f"{key}_DESC") == descending
    assert emails(client) == [r["email"] for r in (ANN, BO, CY, GUEST)]


def test_sorting_comes_before_paging(fake: FakeEcwid, client: EcwidClient) -> None:
    for number in (3, 1, 4, 1, 5, 9, 2, 6):
        fake.add_customer({"email": f"n{number}@example.com", "name": f"N{number}"})

    page = client.search_customers(sort_by="NAME_DESC", offset=2, limit=3)

    assert [c.email for c in page.items] == ["n5@example.com", "n4@example.com", "n3@example.com"]
    assert page.total == 8


# responseFields


def test_response_fields_cut_a_search_down_to_the_named_fields(fake: FakeEcwid) -> None:
    fake.add_customer({"email": "ann@example.com", "name": "Ann", "customerGroupId": 7})
    fake.add_customer({"email": "bo@example.com", "name": "Bo"})

    body = raw(fake, "customers", responseFields="total,items(id,email)", email="ann").json()

    assert body == {
        "total": 1,
        "items": [{"id": fake.customers[0]["id"], "email": "ann@example.com"}],
    }


def test_response_fields_reach_into_nested_objects(fake: FakeEcwid) -> None:
    stored = fake.add_customer(
        {"email": "ann@example.com", "billingPerson": {"name": "Ann Lee", "city": "Leeds"}}
    )

    customer = raw(fake, f"customers/{stored['id']}", responseFields="email,billingPerson(city)")
    profile = raw(fake, "profile", responseFields="account(availableFeatures, suspended)")

    assert customer.json() == {"email": "ann@example.com", "billingPerson": {"city": "Leeds"}}
    assert profile.json() == {
        "account": {"availableFeatures": sorted(fake.features), "suspended": False}
    }


def test_response_fields_skip_names_the_answer_lacks(fake: FakeEcwid) -> None:
    answer = raw(fake, "customers", responseFields="total,nothingHere")

    assert answer.json() == {"total": 0}


@pytest.mark.parametrize("fields", ["items(id", "total,", "(id)", "items)id"])
def test_malformed_response_fields_are_400(fake: FakeEcwid, fields: str) -> None:
    answer = raw(fake, "customers", responseFields=fields)

    assert answer.status_code == 400
    assert answer.json()["errorCode"] == "WRONG_PARAMETER"
