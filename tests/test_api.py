from __future__ import annotations

import datetime
import logging
import socket
import threading
import time
import typing as t
from collections.abc import Callable, Iterator

import pytest
import requests
from helpers import serving
from werkzeug.wrappers import Response

from flask_ecwid_sso import Customer, CustomerPage, EcwidClient
from flask_ecwid_sso.exceptions import (
    ConfigError,
    EcwidAPIError,
    EcwidAuthError,
    EcwidConnectionError,
    EcwidNotFound,
    EcwidPlanError,
    EcwidRateLimited,
    EcwidServerError,
)
from flask_ecwid_sso.profile import Person
from flask_ecwid_sso.testing import FakeEcwid

if t.TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment


class FastClient(EcwidClient):
    backoff_factor = 0.01
    backoff_jitter = 0.01


MakeClient = Callable[..., EcwidClient]


@pytest.fixture
def make_client(fake_ecwid: FakeEcwid) -> Iterator[MakeClient]:
    clients: list[EcwidClient] = []

    def make(**kwargs: t.Any) -> EcwidClient:
        kwargs.setdefault("token", fake_ecwid.api_token)
        kwargs.setdefault("base_url", fake_ecwid.api_url)
        kwargs.setdefault("timeout", 5)
        client = FastClient(fake_ecwid.store_id, **kwargs)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def client(make_client: MakeClient) -> EcwidClient:
    return make_client()


def api_requests(fake: FakeEcwid) -> list[tuple[str, str, int]]:
    return [(r.method, r.path, r.status) for r in fake.request_log]


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


def test_search_customers_refuses_unknown_filters(client: EcwidClient) -> None:
    with pytest.raises(TypeError, match="createdFrom"):
        client.search_customers(createdFrom=1)  # type: ignore[call-arg]


def test_get_customer_reads_ecwid_fields(fake_ecwid: FakeEcwid, client: EcwidClient) -> None:
    stored = fake_ecwid.add_customer(
        {
            "email": "ann@example.com",
            "billingPerson": {"name": "Ann Lee", "city": "Boston", "firstName": "Ann"},
            "shippingAddresses": [{"name": "Ann Lee", "street": "1 Main St"}],
            "customerGroupId": 7,
            "customerGroupName": "Wholesale",
            "registered": "2014-09-01 23:25:27 +0400",
            "updated": "2015-01-02 03:04:05 -0500",
            "lang": "en",
        }
    )

    customer = client.get_customer(stored["id"])

    assert customer.id == stored["id"]
    assert customer.email == "ann@example.com"
    assert customer.name == "Ann Lee"
    assert customer.billing_person == {"name": "Ann Lee", "city": "Boston", "firstName": "Ann"}
    assert customer.shipping_addresses == ({"name": "Ann Lee", "street": "1 Main St"},)
    assert (customer.customer_group_id, customer.customer_group_name) == (7, "Wholesale")
    plus_four = datetime.timezone(datetime.timedelta(hours=4))
    assert customer.registered == datetime.datetime(2014, 9, 1, 23, 25, 27, tzinfo=plus_four)
    assert customer.updated is not None
    assert customer.updated.utcoffset() == datetime.timedelta(hours=-5)
    assert customer.raw["lang"] == "en"


def test_get_customer_is_lenient_with_a_guest_record(
    fake_ecwid: FakeEcwid, client: EcwidClient
) -> None:
    stored = fake_ecwid.add_customer(
        {"email": "", "registered": "yesterday", "billingPerson": {"phone": "1"}}
    )

    customer = client.get_customer(stored["id"])

    assert customer.email is None
    assert customer.name is None
    assert customer.registered is None
    assert customer.billing_person == {"phone": "1"}
    assert customer.shipping_addresses == ()
    assert customer.customer_group_id is None


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
    assert customer.billing_person == {
        "name": "New Shopper",
        "countryCode": "US",
        "firstName": "New",
        "lastName": "Shopper",
    }
    assert customer.shipping_addresses == ({"name": "New Shopper", "street": "1 Main St"},)
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


def test_a_200_that_is_not_json_is_an_api_error() -> None:
    def not_json(environ: WSGIEnvironment, start_response: StartResponse) -> t.Iterable[bytes]:
        return Response("<html>maintenance</html>", mimetype="text/html")(environ, start_response)

    with (
        serving(not_json) as url,
        EcwidClient(1003, "secret_x", base_url=url) as client,
        pytest.raises(EcwidAPIError) as caught,
    ):
        client.store_profile()

    assert caught.value.status == 200
    assert "not JSON" in caught.value.message


# Retries and rate limits


def test_auth_errors_are_never_retried(fake_ecwid: FakeEcwid, make_client: MakeClient) -> None:
    fake_ecwid.fail_next(401)
    client = make_client(max_retries=3)
    with pytest.raises(EcwidAuthError):
        client.store_profile()
    bad_token = make_client(token="secret_wrong", max_retries=3)
    with pytest.raises(EcwidAuthError):
        bad_token.store_profile()

    assert [r.status for r in fake_ecwid.request_log] == [401, 403]


def test_a_503_that_clears_is_ridden_out(fake_ecwid: FakeEcwid, make_client: MakeClient) -> None:
    fake_ecwid.fail_next(503, times=2)

    profile = make_client(max_retries=3).store_profile()

    assert profile["generalInfo"]["storeId"] == 1003
    assert [r.status for r in fake_ecwid.request_log] == [503, 503, 200]


def test_a_persistent_503_fails_after_max_retries_plus_one_attempts(
    fake_ecwid: FakeEcwid, make_client: MakeClient
) -> None:
    fake_ecwid.fail_next(503, times=10)

    with pytest.raises(EcwidServerError) as caught:
        make_client(max_retries=2).store_profile()

    assert caught.value.status == 503
    assert [r.status for r in fake_ecwid.request_log] == [503, 503, 503]


def test_posts_are_not_retried_on_server_errors(
    fake_ecwid: FakeEcwid, make_client: MakeClient
) -> None:
    fake_ecwid.fail_next(503, times=3)

    with pytest.raises(EcwidServerError):
        make_client(max_retries=3).create_customer("ann@example.com")

    assert api_requests(fake_ecwid) == [("POST", "/api/v3/1003/customers", 503)]


def test_a_429_burst_is_ridden_out_without_jumping_the_queue(
    fake_ecwid: FakeEcwid, make_client: MakeClient
) -> None:
    stored = fake_ecwid.add_customer({"email": "ann@example.com"})
    fake_ecwid.rate_limit = 3
    fake_ecwid.rate_window = 1.0
    client = make_client(max_retries=3)

    emails = [client.get_customer(stored["id"]).email for _ in range(7)]

    assert emails == ["ann@example.com"] * 7
    log = fake_ecwid.request_log
    refused = [i for i, entry in enumerate(log) if entry.status == 429]
    assert refused
    for i in refused:
        # The fake asked for Retry-After: 1 each time.
        assert log[i + 1].time - log[i].time >= 1.0
    assert sum(entry.status == 200 for entry in log) == 7


def test_a_retry_after_beyond_max_wait_is_raised_at_once(
    fake_ecwid: FakeEcwid, make_client: MakeClient
) -> None:
    fake_ecwid.rate_limit = 1
    client = make_client(max_wait=5, max_retries=3)
    client.store_profile()

    started = time.monotonic()
    with pytest.raises(EcwidRateLimited) as caught:
        client.store_profile()

    assert time.monotonic() - started < 1
    assert caught.value.retry_after is not None
    assert 55 <= caught.value.retry_after <= 60
    assert [r.status for r in fake_ecwid.request_log] == [200, 429]


def test_429_after_every_retry_carries_retry_after(
    fake_ecwid: FakeEcwid, make_client: MakeClient
) -> None:
    fake_ecwid.fail_next(429, times=5, retry_after=1)

    with pytest.raises(EcwidRateLimited) as caught:
        make_client(max_retries=1).store_profile()

    assert caught.value.retry_after == 1
    log = fake_ecwid.request_log
    assert [entry.status for entry in log] == [429, 429]
    assert log[1].time - log[0].time >= 1.0


class HeldFake(FakeEcwid):
    """A FakeEcwid that holds every request until ``release`` is set, or for ``hold`` seconds."""

    hold = 5.0

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> t.Iterable[bytes]:
        self.release.wait(self.hold)
        return super().__call__(environ, start_response)


@pytest.fixture
def held_fake() -> Iterator[HeldFake]:
    with HeldFake().serve() as fake:
        try:
            yield fake
        finally:
            fake.release.set()


def wait_for_log(fake: FakeEcwid, count: int) -> list[tuple[str, str, int]]:
    """The fake's requests once ``count`` are logged (or after 5 s, to fail the caller)."""
    deadline = time.monotonic() + 5
    while len(fake.request_log) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    return api_requests(fake)


def test_a_slow_server_is_a_connection_error_within_the_timeouts(held_fake: HeldFake) -> None:
    client = FastClient(
        held_fake.store_id,
        held_fake.api_token,
        base_url=held_fake.api_url,
        timeout=0.2,
        max_retries=1,
    )

    started = time.monotonic()
    with client, pytest.raises(EcwidConnectionError) as caught:
        client.store_profile()

    # Two 0.2 s attempts; the held server would answer only after 5 s.
    assert time.monotonic() - started < 3
    assert held_fake.request_log == []
    assert caught.value.status is None
    assert "timeout" in str(caught.value)
    held_fake.release.set()
    assert wait_for_log(held_fake, 2) == [("GET", "/api/v3/1003/profile", 200)] * 2


def test_a_slow_post_is_sent_once(fake_ecwid: FakeEcwid, make_client: MakeClient) -> None:
    fake_ecwid.delay = 0.4
    client = make_client(timeout=0.1, max_retries=3)

    with pytest.raises(EcwidConnectionError):
        client.create_customer("ann@example.com")
    # Any retry was sent before the client gave up, so the server takes it in before this
    # later request, and answers it no later, every answer waiting the same delay.
    later = requests.get(
        f"{fake_ecwid.api_url}/1003/profile",
        headers={"Authorization": f"Bearer {fake_ecwid.api_token}"},
        timeout=5,
    )

    assert later.status_code == 200
    assert sorted(wait_for_log(fake_ecwid, 2)) == [
        ("GET", "/api/v3/1003/profile", 200),
        ("POST", "/api/v3/1003/customers", 200),
    ]


def test_a_refused_connection_is_a_connection_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    with (
        FastClient(1003, "secret_x", base_url=f"http://127.0.0.1:{port}", max_retries=1) as client,
        pytest.raises(EcwidConnectionError) as caught,
    ):
        client.get_customer(1)

    assert caught.value.method == "GET"
    assert "could not connect" in str(caught.value)


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
    ],
)
def test_bad_arguments_raise_config_error(kwargs: dict[str, t.Any], key: str) -> None:
    arguments: dict[str, t.Any] = {"store_id": 1003, "token": "secret_x", **kwargs}

    with pytest.raises(ConfigError) as caught:
        EcwidClient(arguments.pop("store_id"), arguments.pop("token"), **arguments)

    assert caught.value.key == key


def test_store_id_may_be_a_string_of_digits() -> None:
    with EcwidClient("1003", "secret_x") as client:
        assert client.store_id == 1003


# Recent answers


def test_recent_answers_record_path_status_and_ecwids_clock(
    client: EcwidClient, fake_ecwid: FakeEcwid
) -> None:
    before = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    client.find_customer_by_email("ann@example.com")
    fake_ecwid.fail_next(403)
    with pytest.raises(EcwidAuthError):
        client.store_profile()

    first, second = client.recent_answers
    assert (first.method, first.path, first.status, first.error_code) == (
        "GET",
        "customers",
        200,
        None,
    )
    assert (second.path, second.status, second.error_code) == ("profile", 403, "INVALID_API_TOKEN")
    assert first.server_date is not None
    assert before <= first.server_date <= first.received
    assert "ann@example.com" not in repr(client.recent_answers)
    assert fake_ecwid.api_token not in repr(client.recent_answers)


def test_recent_answers_record_no_answer(make_client: MakeClient) -> None:
    client = make_client(base_url="http://127.0.0.1:1/api/v3", max_retries=0)
    with pytest.raises(EcwidConnectionError):
        client.store_profile()
    [answer] = client.recent_answers
    assert (answer.path, answer.status, answer.server_date) == ("profile", None, None)


def test_recent_answers_keep_only_the_latest(make_client: MakeClient) -> None:
    class ShortMemory(FastClient):
        answer_history = 2

    client = make_client()
    short = ShortMemory(client.store_id, "secret_fake", base_url=client.base_url, timeout=5)
    with short:
        for customer_id in (1, 2, 3):
            with pytest.raises(EcwidNotFound):
                short.get_customer(customer_id)
        assert [answer.path for answer in short.recent_answers] == ["customers/2", "customers/3"]
