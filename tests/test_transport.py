"""The transport, through the client: retries, rate limits, timeouts, connection errors."""

from __future__ import annotations

import datetime
import socket
import threading
import time
import typing as t
from collections.abc import Iterator

import pytest
import requests
from helpers import FastClient, MakeClient, api_requests, serving
from werkzeug.wrappers import Response

from flask_ecwid_sso import EcwidAPIError, EcwidClient
from flask_ecwid_sso.answers import parse_http_date
from flask_ecwid_sso.exceptions import (
    EcwidAuthError,
    EcwidConnectionError,
    EcwidRateLimited,
    EcwidServerError,
)
from flask_ecwid_sso.testing import FakeEcwid

UTC = datetime.timezone.utc

if t.TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment


# Retries and rate limits


def counting_server(status: int, headers: dict[str, str]) -> tuple[t.Any, list[float]]:
    """A server answering ``status`` with ``headers`` to every request; and its arrival times."""
    arrivals: list[float] = []

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> t.Iterable[bytes]:
        arrivals.append(time.monotonic())
        body = '{"errorMessage": "Slow down", "errorCode": "RATE_LIMITED"}'
        response = Response(body, status=status, headers=headers, mimetype="application/json")
        return response(environ, start_response)

    return serving(app), arrivals


@pytest.mark.parametrize("value", ["soon", "-5", "Fri, 99 Foo 2025 25:61:00 GMT", ""])
def test_an_unreadable_retry_after_falls_back_to_the_backoff(value: str) -> None:
    server, arrivals = counting_server(429, {"Retry-After": value})
    with (
        server as url,
        FastClient(1003, "secret_x", base_url=url, max_retries=2) as client,
        pytest.raises(EcwidRateLimited) as caught,
    ):
        client.store_profile()

    assert caught.value.retry_after is None
    assert (caught.value.code, caught.value.message) == ("RATE_LIMITED", "Slow down")
    assert len(arrivals) == 3
    assert arrivals[-1] - arrivals[0] < 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Sun, 01 Jun 2025 12:00:00 GMT", datetime.datetime(2025, 6, 1, 12, tzinfo=UTC)),
        ("Sun, 01 Jun 2025 12:00:00 -0000", datetime.datetime(2025, 6, 1, 12, tzinfo=UTC)),
        ("yesterday-ish", None),
        ("", None),
        (None, None),
    ],
)
def test_http_dates_are_read_as_aware_datetimes(
    value: str | None, expected: datetime.datetime | None
) -> None:
    parsed = parse_http_date(value)

    assert parsed == expected
    assert parsed is None or parsed.tzinfo is not None


def test_a_session_passed_in_gets_the_retries_and_stays_open(fake_ecwid: FakeEcwid) -> None:
    fake_ecwid.fail_next(503)
    with requests.Session() as session:
        with FastClient(
            fake_ecwid.store_id, fake_ecwid.api_token, base_url=fake_ecwid.api_url, session=session
        ) as client:
            client.store_profile()
        assert [entry.status for entry in fake_ecwid.request_log] == [503, 200]

        later = session.get(
            f"{fake_ecwid.api_url}/1003/profile",
            headers={"Authorization": f"Bearer {fake_ecwid.api_token}"},
            timeout=5,
        )

    assert later.status_code == 200


def test_a_url_requests_cannot_send_to_is_an_api_error() -> None:
    with (
        EcwidClient(1003, "secret_x", base_url="ftp://ecwid.test/api/v3") as client,
        pytest.raises(EcwidAPIError) as caught,
    ):
        client.store_profile()

    assert type(caught.value) is EcwidAPIError
    assert caught.value.status is None
    assert caught.value.message == "the request to Ecwid failed (InvalidURL)"


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


def test_no_requests_exception_rides_along_on_a_connection_error(
    make_client: MakeClient,
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = make_client(base_url=f"http://127.0.0.1:{port}", max_retries=0)

    with pytest.raises(EcwidConnectionError) as caught:
        client.create_customer("ann@example.com")

    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None
