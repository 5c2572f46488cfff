"""EcwidClient against a hostile server: every call fails as an EcwidAPIError, in time, in memory.

One mode of :mod:`hostile` per case. For each, every public method that the
mode can break is called, and the test checks the exception class, that it
came within the client's deadline plus a second, that memory grew less than
twice ``max_response_bytes`` (``tracemalloc``), and that neither the token nor
a ``requests`` exception rides along.
"""

from __future__ import annotations

import json
import shutil
import ssl
import subprocess
import time
import tracemalloc
import typing as t
from collections.abc import Callable, Iterator

import pytest
import requests
from helpers import FastClient
from hostile import Exchange, HostileServer, Mode, endless, gzip_bomb, nested, stream
from servers import ServerMissing, unavailable

from flask_ecwid_sso import EcwidClient
from flask_ecwid_sso.exceptions import (
    EcwidAPIError,
    EcwidAuthError,
    EcwidConnectionError,
    EcwidNotFound,
    EcwidRateLimited,
    EcwidServerError,
)

TOKEN = "secret_hostile0123456789"
CAP = 1 << 20
TIMEOUT = 0.3
JSON = ("Content-Type", "application/json")


@pytest.fixture(scope="module")
def running_server() -> Iterator[HostileServer]:
    with HostileServer() as server:
        yield server


@pytest.fixture
def server(running_server: HostileServer) -> HostileServer:
    running_server.requests.clear()
    return running_server


def make_client(server: HostileServer) -> EcwidClient:
    return FastClient(
        1003,
        TOKEN,
        base_url=server.url,
        timeout=TIMEOUT,
        max_retries=1,
        max_wait=0.5,
        max_response_bytes=CAP,
        max_pages=5,
    )


CALLS: dict[str, Callable[[EcwidClient], object]] = {
    "get_customer": lambda client: client.get_customer(1),
    "find_customer_by_email": lambda client: client.find_customer_by_email("ann@example.com"),
    "search_customers": lambda client: client.search_customers(),
    "iter_customers": lambda client: list(client.iter_customers()),
    "create_customer": lambda client: client.create_customer("ann@example.com", name="Ann"),
    "update_customer": lambda client: client.update_customer(1, name="Ann"),
    "delete_customer": lambda client: client.delete_customer(1),
    "store_profile": lambda client: client.store_profile(),
}
PAGE_READERS = ("get_customer", "find_customer_by_email", "search_customers", "iter_customers")


def fail_cleanly(server: HostileServer, mode: Mode, call: str) -> EcwidAPIError:
    """Run ``call`` against ``mode``; check time, memory and chain; return the error."""
    server.mode = mode
    with make_client(server) as client:
        tracemalloc.start()
        try:
            started = time.monotonic()
            with pytest.raises(EcwidAPIError) as caught:
                CALLS[call](client)
            elapsed = time.monotonic() - started
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        deadline = client.bounds.deadline
    error = caught.value
    assert elapsed < deadline + 1, f"{call} took {elapsed:.2f}s; deadline {deadline}s"
    assert peak < 2 * CAP, f"{call} used {peak} bytes; cap {CAP}"
    chained: BaseException | None = error
    while chained is not None:
        assert not type(chained).__module__.startswith(("requests", "urllib3")), repr(chained)
        chained = chained.__cause__ or chained.__context__
    assert TOKEN not in str(error)
    assert TOKEN not in repr(vars(error))
    assert len(str(error)) < 2000
    return error


# Modes


def deep_json(status: str) -> Mode:
    return lambda exchange: exchange.answer(status, [JSON], nested(100_000))


def long_number(exchange: Exchange) -> None:
    exchange.answer("200 OK", [JSON], b'{"total": 1' + b"0" * 5000 + b"}")


def long_retry_after(exchange: Exchange) -> None:
    exchange.answer("429 Too Many Requests", [("Retry-After", "9" * 5000)])


def long_header(exchange: Exchange) -> None:
    exchange.answer("200 OK", [JSON, ("X-Padding", "x" * 200_000)], b"{}")


def many_headers(exchange: Exchange) -> None:
    exchange.answer("200 OK", [JSON, *((f"X-H{n}", "y") for n in range(1000))], b"{}")


def raw(data: bytes) -> Mode:
    return lambda exchange: exchange.send(data)


def two_lengths(exchange: Exchange) -> None:
    exchange.answer("200 OK", [JSON, ("Content-Length", "2"), ("Content-Length", "3")], b"{} ")


def huge_body(exchange: Exchange) -> None:
    exchange.send(b"HTTP/1.1 200 OK\r\nContent-Length: 300000000\r\n\r\n")
    stream(exchange, endless(exchange))


def huge_chunked_body(status: str) -> Mode:
    def mode(exchange: Exchange) -> None:
        exchange.send(f"HTTP/1.1 {status}\r\nTransfer-Encoding: chunked\r\n\r\n".encode())
        stream(exchange, (b"10000\r\n" + chunk + b"\r\n" for chunk in endless(exchange)))

    return mode


#: 200 MiB of zeros in about 200 KB: made once, before any measurement.
BOMB = gzip_bomb(200)


def gzipped(body: bytes) -> Mode:
    return lambda exchange: exchange.answer("200 OK", [JSON, ("Content-Encoding", "gzip")], body)


def brotli(exchange: Exchange) -> None:
    exchange.answer("200 OK", [JSON, ("Content-Encoding", "br")], b"\x1b\x01\x00")


def trickle_body(exchange: Exchange) -> None:
    exchange.send(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 900\r\n\r\n"
    )
    while exchange.pause(0.05):
        exchange.send(b" ")


def trickle_headers(exchange: Exchange) -> None:
    exchange.send(b"HTTP/1.1 200 OK\r\nX-Slow: ")
    while exchange.pause(0.05):
        exchange.send(b"z")


def silent(exchange: Exchange) -> None:
    exchange.pause(5)


def redirect(exchange: Exchange) -> None:
    exchange.answer(
        "301 Moved Permanently",
        [JSON, ("Location", "http://elsewhere.test/api/v3/1003/profile")],
        b'{"id": 1, "updateCount": 1, "deleteCount": 1, "total": 0, "items": []}',
    )


def status(line: str, body: bytes = b"{}") -> Mode:
    return lambda exchange: exchange.answer(line, [JSON], body)


def echoes_the_token(exchange: Exchange) -> None:
    exchange.answer_json(
        {"errorCode": f"BAD_{TOKEN}", "errorMessage": f"Token {TOKEN} is not valid " * 200},
        "403 Forbidden",
    )


TRANSPORT_MODES: dict[str, tuple[Mode, type[EcwidAPIError]]] = {
    "deep JSON in a 200": (deep_json("200 OK"), EcwidAPIError),
    "deep JSON in a 401": (deep_json("401 Unauthorized"), EcwidAuthError),
    "deep JSON in a 500": (deep_json("500 Internal Server Error"), EcwidServerError),
    "a 5,000-digit number": (long_number, EcwidAPIError),
    "a 5,000-digit Retry-After": (long_retry_after, EcwidRateLimited),
    "a 200 KB header line": (long_header, EcwidConnectionError),
    "a thousand headers": (many_headers, EcwidConnectionError),
    "a garbage status line": (raw(b"HTTP/1.1 two hundred\r\n\r\n"), EcwidConnectionError),
    "not HTTP at all": (raw(b"\x00\xffhello\r\n\r\n"), EcwidConnectionError),
    "a close without answer": (raw(b""), EcwidConnectionError),
    "two Content-Lengths": (two_lengths, EcwidAPIError),
    "a 300 MB body": (huge_body, EcwidAPIError),
    "an endless chunked body": (huge_chunked_body("200 OK"), EcwidAPIError),
    "an endless chunked 503": (huge_chunked_body("503 Unavailable"), EcwidServerError),
    "a gzip bomb": (gzipped(BOMB), EcwidAPIError),
    "broken gzip": (gzipped(b"\x1f\x8b\x08\x00garbage"), EcwidAPIError),
    "a brotli body": (brotli, EcwidAPIError),
    "a body a byte at a time": (trickle_body, EcwidConnectionError),
    "headers a byte at a time": (trickle_headers, EcwidConnectionError),
    "no answer at all": (silent, EcwidConnectionError),
    "a 301 with a JSON body": (redirect, EcwidAPIError),
    "a 408": (status("408 Request Timeout"), EcwidServerError),
    "an interim 103": (
        raw(b"HTTP/1.1 103 Early Hints\r\nContent-Length: 0\r\n\r\n"),
        EcwidAPIError,
    ),
    "an error echoing the token": (echoes_the_token, EcwidAuthError),
    "a 60 KB reason phrase": (status("418 " + "teapot " * 9000), EcwidAPIError),
}


@pytest.mark.parametrize("call", list(CALLS))
@pytest.mark.parametrize("name", list(TRANSPORT_MODES))
def test_every_call_fails_cleanly(server: HostileServer, name: str, call: str) -> None:
    mode, error_class = TRANSPORT_MODES[name]

    error = fail_cleanly(server, mode, call)

    assert isinstance(error, error_class), repr(error)


def page(**fields: t.Any) -> bytes:
    document = {"total": 3, "count": 3, "offset": 0, "limit": 100, **fields}
    return json.dumps(document, allow_nan=True).encode()


PAGE_MODES: dict[str, tuple[bytes, str]] = {
    "items that are numbers": (page(items=[1, 2, 3]), "items[0]"),
    "items that are strings": (page(items=["a", "b", "c"]), "items[0]"),
    "items that are lists": (page(items=[[], [], []]), "items[0]"),
    "a negative count": (page(count=-1, items=[]), "count"),
    "a count the items do not have": (page(total=1000, count=1, items=[]), "count says 1"),
    "a total that is text": (page(total="many", count=0, items=[]), "total"),
    "NaN for a total": (page(total=float("nan"), count=0, items=[]), "total"),
    "a person that is a list": (
        page(count=1, items=[{"id": 1, "billingPerson": []}]),
        "billingPerson",
    ),
    "an email that is a number": (page(count=1, items=[{"id": 1, "email": 5}]), "email"),
}


@pytest.mark.parametrize("call", PAGE_READERS[1:])
@pytest.mark.parametrize("name", list(PAGE_MODES))
def test_a_malformed_page_fails_naming_the_field(
    server: HostileServer, name: str, call: str
) -> None:
    body, field = PAGE_MODES[name]

    error = fail_cleanly(server, status("200 OK", body), call)

    assert type(error) is EcwidAPIError
    assert error.status == 200
    assert field in error.message


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b'{"id": "1"}', "id must be an integer"),
        (b'{"id": 1, "billingPerson": []}', "billingPerson must be an object"),
        (b'{"id": 1, "billingPerson": {"name": 5}}', "billingPerson.name must be a string"),
        (b'{"id": 1, "shippingAddresses": [{"city": {}}]}', "shippingAddresses[0].city"),
        (b'{"id": 1, "customerGroupId": "7"}', "customerGroupId must be an integer"),
    ],
)
def test_a_malformed_customer_fails_naming_the_field(
    server: HostileServer, body: bytes, field: str
) -> None:
    error = fail_cleanly(server, status("200 OK", body), "get_customer")

    assert field in error.message


def endless_pages(exchange: Exchange) -> None:
    """Fresh customers on every page, and always a million more to come."""
    offset = int(exchange.path.partition("offset=")[2].partition("&")[0] or 0)
    items = [{"id": offset + n + 1} for n in range(100)]
    exchange.answer_json({"total": 10**6, "count": 100, "offset": offset, "items": items})


@pytest.mark.parametrize("call", ["find_customer_by_email", "iter_customers"])
@pytest.mark.parametrize(
    ("mode", "words", "requests"),
    [
        (status("200 OK", page(total=1000, count=1, items=[{"id": 1}])), "no new customer", 2),
        (status("200 OK", page(total=1000, count=0, items=[])), "no new customer", 1),
        (endless_pages, "more than max_pages (5) pages", 5),
    ],
)
def test_paging_that_does_not_end_stops_with_an_error(
    server: HostileServer, mode: Mode, words: str, requests: int, call: str
) -> None:
    error = fail_cleanly(server, mode, call)

    assert type(error) is EcwidAPIError
    assert words in error.message
    assert len(server.requests) == requests


@pytest.mark.parametrize("call", ["update_customer", "delete_customer"])
def test_a_count_of_zero_is_not_found(server: HostileServer, call: str) -> None:
    error = fail_cleanly(server, status("200 OK", b'{"updateCount": 0, "deleteCount": 0}'), call)

    assert type(error) is EcwidNotFound
    assert error.status == 200
    assert "changed nothing" in error.message


@pytest.mark.parametrize("call", ["update_customer", "delete_customer"])
def test_a_count_that_is_not_a_number_is_an_api_error(server: HostileServer, call: str) -> None:
    body = b'{"updateCount": "1", "deleteCount": [1]}'

    error = fail_cleanly(server, status("200 OK", body), call)

    assert type(error) is EcwidAPIError
    assert "unreadable" in error.message


def test_a_created_customer_with_a_text_id_is_an_api_error(server: HostileServer) -> None:
    error = fail_cleanly(server, status("200 OK", b'{"id": "42"}'), "create_customer")

    assert "without the new customer's id" in error.message


# What the modes show beyond the class


def test_gets_are_retried_and_posts_are_not(server: HostileServer) -> None:
    fail_cleanly(server, status("408 Request Timeout"), "store_profile")
    assert server.requests == ["GET /1003/profile"] * 2
    server.requests.clear()

    fail_cleanly(server, status("408 Request Timeout"), "create_customer")
    assert server.requests == ["POST /1003/customers"]


def test_a_redirect_is_never_followed(server: HostileServer) -> None:
    error = fail_cleanly(server, redirect, "store_profile")

    assert error.status == 301
    assert "never follows" in error.message
    assert server.requests == ["GET /1003/profile"]


def test_the_token_is_redacted_from_what_ecwid_says(server: HostileServer) -> None:
    error = fail_cleanly(server, echoes_the_token, "store_profile")

    assert error.code == "BAD_[redacted]"
    assert error.error_message is not None
    assert error.error_message.startswith("Token [redacted] is not valid")
    assert len(error.error_message) <= 1000
    assert error.message == error.error_message


def test_a_slow_trickle_is_cut_at_the_timeout_of_each_attempt(server: HostileServer) -> None:
    started = time.monotonic()
    error = fail_cleanly(server, trickle_body, "create_customer")

    assert TIMEOUT <= time.monotonic() - started < TIMEOUT + 1
    assert "within the timeout of 0.3s" in error.message


def test_a_deadline_shorter_than_the_retries_wins(server: HostileServer) -> None:
    server.mode = trickle_headers
    with FastClient(
        1003, TOKEN, base_url=server.url, timeout=0.4, max_retries=5, deadline=0.6
    ) as client:
        started = time.monotonic()
        with pytest.raises(EcwidConnectionError):
            client.store_profile()
        elapsed = time.monotonic() - started

    assert 0.6 <= elapsed < 1.6
    assert len(server.requests) == 2


# Over TLS, and through a proxy: the same watchdog


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """A self-signed certificate for 127.0.0.1, made with the openssl command."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = str(folder / "cert.pem"), str(folder / "key.pem")
    if shutil.which("openssl") is None:
        unavailable(
            ServerMissing("no openssl command to make a certificate: apt-get install openssl")
        )
    subprocess.run(  # noqa: S603
        [  # noqa: S607
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            key,
            "-out",
            cert,
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
def tls_client(certificate: tuple[str, str]) -> Iterator[tuple[HostileServer, EcwidClient]]:
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    with HostileServer(tls=context) as server, requests.Session() as session:
        session.verify = cert
        session.trust_env = False  # REQUESTS_CA_BUNDLE would override verify
        with FastClient(
            1003, TOKEN, base_url=server.url, timeout=TIMEOUT, max_retries=1, session=session
        ) as client:
            yield server, client


def test_tls_answers_are_read(tls_client: tuple[HostileServer, EcwidClient]) -> None:
    server, client = tls_client
    server.mode = status("200 OK", page(total=1, count=1, items=[{"id": 5}]))

    assert [customer.id for customer in client.iter_customers()] == [5]


@pytest.mark.parametrize("mode", [trickle_headers, trickle_body], ids=["headers", "body"])
def test_a_tls_trickle_is_cut_at_the_timeout(
    tls_client: tuple[HostileServer, EcwidClient], mode: Mode
) -> None:
    server, client = tls_client
    server.mode = mode

    started = time.monotonic()
    with pytest.raises(EcwidConnectionError, match="within the timeout"):
        client.store_profile()

    assert time.monotonic() - started < client.bounds.deadline + 1


def test_a_proxy_trickle_is_cut_at_the_timeout(server: HostileServer) -> None:
    server.mode = trickle_body
    with requests.Session() as session:
        session.proxies = {"http": server.url}
        with FastClient(
            1003, TOKEN, base_url="http://ecwid.test/api/v3", timeout=TIMEOUT, session=session
        ) as client:
            started = time.monotonic()
            with pytest.raises(EcwidConnectionError, match="within the timeout"):
                client.delete_customer(7)
            elapsed = time.monotonic() - started

    assert TIMEOUT <= elapsed < TIMEOUT + 1
    assert server.requests == ["DELETE http://ecwid.test/api/v3/1003/customers/7"]
