from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
import requests
from helpers import ManualClock

from flask_ecwid_sso.testing import FakeEcwid

ECWID_DATE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}$")


@pytest.fixture
def http(fake_ecwid: FakeEcwid) -> Iterator[requests.Session]:
    with requests.Session() as session:
        session.headers["Authorization"] = f"Bearer {fake_ecwid.api_token}"
        yield session


def customers_url(fake: FakeEcwid) -> str:
    return f"{fake.api_url}/{fake.store_id}/customers"


# Auth


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer secret_wrong"}, {"Authorization": "secret_fake"}]
)
def test_api_refuses_a_missing_or_wrong_token(
    fake_ecwid: FakeEcwid, headers: dict[str, str]
) -> None:
    answer = requests.get(customers_url(fake_ecwid), headers=headers, timeout=5)

    assert answer.status_code == 403
    assert answer.json()["errorCode"] == "INVALID_API_TOKEN"
    assert answer.json()["errorMessage"]


def test_api_ignores_the_token_query_parameter(fake_ecwid: FakeEcwid) -> None:
    answer = requests.get(
        customers_url(fake_ecwid), params={"token": fake_ecwid.api_token}, timeout=5
    )

    assert answer.status_code == 403
    assert "query parameter" in answer.json()["errorMessage"]


def test_a_token_works_only_for_its_store(fake_ecwid: FakeEcwid, http: requests.Session) -> None:
    answer = http.get(f"{fake_ecwid.api_url}/9/profile", timeout=5)

    assert answer.status_code == 403
    assert answer.json()["errorCode"] == "INVALID_API_TOKEN"


def test_every_answer_carries_a_date(fake_ecwid: FakeEcwid, http: requests.Session) -> None:
    assert "Date" in http.get(f"{fake_ecwid.api_url}/1003/profile", timeout=5).headers
    assert "Date" in requests.get(customers_url(fake_ecwid), timeout=5).headers


# Customers


def test_search_uses_case_insensitive_substring_terms(
    fake_ecwid: FakeEcwid, http: requests.Session
) -> None:
    fake_ecwid.add_customer({"email": "Bob@Example.com", "name": "Bob Stone"})
    fake_ecwid.add_customer({"email": "bob@example.com.au", "name": "Robert Brown"})
    fake_ecwid.add_customer({"email": "ann@example.org", "name": "Ann Bobbins"})

    def emails(**params: str) -> list[str]:
        answer = http.get(customers_url(fake_ecwid), params=params, timeout=5)
        assert answer.status_code == 200
        return [item["email"] for item in answer.json()["items"]]

    assert emails(email="BOB@example.com") == ["Bob@Example.com", "bob@example.com.au"]
    assert emails(name="bob") == ["Bob@Example.com", "ann@example.org"]
    assert emails(keyword="example.org") == ["ann@example.org"]
    assert emails(keyword="robert") == ["bob@example.com.au"]


def test_search_answers_ecwids_page_shape(fake_ecwid: FakeEcwid, http: requests.Session) -> None:
    for number in range(5):
        fake_ecwid.add_customer({"email": f"user{number}@example.com"})
    fake_ecwid.add_customer({"email": "other@example.org"})

    answer = http.get(
        customers_url(fake_ecwid), params={"email": "user", "offset": 3, "limit": 10}, timeout=5
    ).json()

    assert set(answer) == {"total", "count", "offset", "limit", "items", "allCustomerCount"}
    assert (answer["total"], answer["count"], answer["offset"], answer["limit"]) == (5, 2, 3, 10)
    assert answer["allCustomerCount"] == 6
    assert [item["email"] for item in answer["items"]] == [
        "user3@example.com",
        "user4@example.com",
    ]


def test_search_pages_by_100_at_most(fake_ecwid: FakeEcwid, http: requests.Session) -> None:
    for number in range(120):
        fake_ecwid.add_customer({"email": f"user{number}@example.com"})

    answer = http.get(customers_url(fake_ecwid), timeout=5).json()

    assert (answer["total"], answer["count"], answer["limit"]) == (120, 100, 100)


@pytest.mark.parametrize(
    "params", [{"limit": "101"}, {"limit": "0"}, {"limit": "ten"}, {"offset": "-1"}]
)
def test_search_refuses_bad_paging(
    fake_ecwid: FakeEcwid, http: requests.Session, params: dict[str, str]
) -> None:
    answer = http.get(customers_url(fake_ecwid), params=params, timeout=5)

    assert answer.status_code == 400
    assert answer.json()["errorMessage"]


def test_add_customer_assigns_increasing_ids_and_ecwid_dates(fake_ecwid: FakeEcwid) -> None:
    first = fake_ecwid.add_customer({"email": "a@example.com"})
    second = fake_ecwid.add_customer({"email": "b@example.com"})

    assert second["id"] == first["id"] + 1
    assert ECWID_DATE.match(first["registered"])
    assert ECWID_DATE.match(first["updated"])
    assert "name" not in first


def test_create_answers_the_new_id(fake_ecwid: FakeEcwid, http: requests.Session) -> None:
    answer = http.post(
        customers_url(fake_ecwid),
        json={"email": "new@example.com", "billingPerson": {"name": "New One"}},
        timeout=5,
    )

    assert answer.status_code == 200
    customer_id = answer.json()["id"]
    stored = http.get(f"{customers_url(fake_ecwid)}/{customer_id}", timeout=5).json()
    assert stored["email"] == "new@example.com"
    assert stored["name"] == "New One"
    assert ECWID_DATE.match(stored["registered"])


def test_create_refuses_a_taken_email_ignoring_case(
    fake_ecwid: FakeEcwid, http: requests.Session
) -> None:
    fake_ecwid.add_customer({"email": "taken@example.com"})

    answer = http.post(customers_url(fake_ecwid), json={"email": "Taken@Example.com"}, timeout=5)

    assert answer.status_code == 409
    assert len(fake_ecwid.customers) == 1


@pytest.mark.parametrize(
    ("body", "status"),
    [({"name": "No Email"}, 400), ([], 400)],
)
def test_create_refuses_a_body_without_email(
    fake_ecwid: FakeEcwid, http: requests.Session, body: object, status: int
) -> None:
    answer = http.post(customers_url(fake_ecwid), json=body, timeout=5)

    assert answer.status_code == status
    assert fake_ecwid.customers == []


def test_create_refuses_a_body_that_is_not_json(
    fake_ecwid: FakeEcwid, http: requests.Session
) -> None:
    answer = http.post(customers_url(fake_ecwid), data={"email": "a@example.com"}, timeout=5)

    assert answer.status_code == 415


def test_update_and_delete_answer_ecwids_counts(
    fake_ecwid: FakeEcwid, http: requests.Session
) -> None:
    stored = fake_ecwid.add_customer({"email": "old@example.com", "updated": "old"})
    url = f"{customers_url(fake_ecwid)}/{stored['id']}"

    updated = http.put(url, json={"email": "new@example.com"}, timeout=5)
    assert updated.json() == {"updateCount": 1}
    assert fake_ecwid.customers[0]["email"] == "new@example.com"
    assert ECWID_DATE.match(fake_ecwid.customers[0]["updated"])

    deleted = http.delete(url, timeout=5)
    assert deleted.json() == {"deleteCount": 1}
    assert fake_ecwid.customers == []


def test_update_refuses_an_email_another_customer_has(
    fake_ecwid: FakeEcwid, http: requests.Session
) -> None:
    fake_ecwid.add_customer({"email": "ann@example.com"})
    bo = fake_ecwid.add_customer({"email": "bo@example.com"})

    answer = http.put(
        f"{customers_url(fake_ecwid)}/{bo['id']}", json={"email": "ANN@example.com"}, timeout=5
    )

    assert answer.status_code == 409
    assert bo["email"] == "bo@example.com"


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_an_absent_customer_is_404(
    fake_ecwid: FakeEcwid, http: requests.Session, method: str
) -> None:
    answer = http.request(method, f"{customers_url(fake_ecwid)}/42", json={}, timeout=5)

    assert answer.status_code == 404
    assert answer.json()["errorMessage"]


def test_profile_names_the_store(fake_ecwid: FakeEcwid, http: requests.Session) -> None:
    profile = http.get(f"{fake_ecwid.api_url}/1003/profile", timeout=5).json()

    assert profile["generalInfo"]["storeId"] == 1003
    assert profile["account"]["accountEmail"]
    assert profile["settings"]["storeName"]


# Switches


def test_a_missing_scope_is_403_insufficient_scope(
    fake_ecwid: FakeEcwid, http: requests.Session
) -> None:
    fake_ecwid.scopes.discard("create_customers")

    refused = http.post(customers_url(fake_ecwid), json={"email": "a@example.com"}, timeout=5)
    allowed = http.get(customers_url(fake_ecwid), timeout=5)

    assert refused.status_code == 403
    assert refused.json()["errorCode"] == "INSUFFICIENT_APP_SCOPE"
    assert "create_customers" in refused.json()["errorMessage"]
    assert allowed.status_code == 200


def test_a_lapsed_plan_is_402(fake_ecwid: FakeEcwid, http: requests.Session) -> None:
    fake_ecwid.plan_active = False

    assert http.get(customers_url(fake_ecwid), timeout=5).status_code == 402


def test_fail_next_fails_that_many_requests_then_recovers(
    fake_ecwid: FakeEcwid, http: requests.Session
) -> None:
    fake_ecwid.fail_next(503, times=2, retry_after=7)

    answers = [http.get(customers_url(fake_ecwid), timeout=5) for _ in range(3)]

    assert [answer.status_code for answer in answers] == [503, 503, 200]
    assert answers[0].headers["Retry-After"] == "7"
    assert answers[0].json()["errorCode"] == "SERVICE_UNAVAILABLE"


def test_rate_limit_answers_429_with_the_wait_in_seconds(clock: ManualClock) -> None:
    with FakeEcwid(clock=clock).serve() as fake, requests.Session() as http:
        http.headers["Authorization"] = f"Bearer {fake.api_token}"
        fake.rate_limit = 2

        def status_and_wait() -> tuple[int, str | None]:
            answer = http.get(customers_url(fake), timeout=5)
            return answer.status_code, answer.headers.get("Retry-After")

        assert status_and_wait() == (200, None)
        clock.advance(10)
        assert status_and_wait() == (200, None)
        assert status_and_wait() == (429, "50")
        clock.advance(50)
        assert status_and_wait() == (200, None)
        assert status_and_wait() == (429, "10")


def test_delay_slows_every_answer(fake_ecwid: FakeEcwid, http: requests.Session) -> None:
    fake_ecwid.delay = 0.3

    started = time.monotonic()
    http.get(customers_url(fake_ecwid), timeout=5)

    assert time.monotonic() - started >= 0.3


def test_request_log_records_each_request(fake_ecwid: FakeEcwid, http: requests.Session) -> None:
    http.get(customers_url(fake_ecwid), params={"email": "a@b.c"}, timeout=5)
    http.get(f"{customers_url(fake_ecwid)}/42", timeout=5)

    log = fake_ecwid.request_log
    assert [(r.method, r.path, r.status, r.query) for r in log] == [
        ("GET", "/api/v3/1003/customers", 200, "email=a%40b.c"),
        ("GET", "/api/v3/1003/customers/42", 404, ""),
    ]
    assert log[0].time <= log[1].time


# Serving


def test_serve_sets_the_urls_and_closes_the_server_on_exit() -> None:
    fake = FakeEcwid()
    with fake.serve():
        url = fake.url
        assert fake.api_url == url + "/api/v3"
        assert fake.script_url == url + "/script.js"
        assert re.match(r"^http://127\.0\.0\.1:\d+$", url)
        assert requests.get(f"{fake.api_url}/1003/profile", timeout=5).status_code == 403

    with pytest.raises(RuntimeError, match="not served"):
        _ = fake.url
    with pytest.raises(requests.ConnectionError):
        requests.get(url, timeout=5)
