"""Reading answers: bodies that are not JSON objects, and the log of recent answers."""

from __future__ import annotations

import datetime
import email.utils
import typing as t

import pytest
from helpers import FastClient, MakeClient, serving
from werkzeug.wrappers import Response

from flask_ecwid_sso import EcwidClient
from flask_ecwid_sso.answers import retry_after_seconds
from flask_ecwid_sso.exceptions import (
    EcwidAPIError,
    EcwidAuthError,
    EcwidConnectionError,
    EcwidNotFound,
    EcwidServerError,
)
from flask_ecwid_sso.testing import FakeEcwid

if t.TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment


@pytest.fixture
def client(make_client: MakeClient) -> EcwidClient:
    return make_client()


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


def answering(status: int, body: str, mimetype: str = "application/json") -> t.Any:
    """A server answering every request with ``status`` and ``body``."""

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> t.Iterable[bytes]:
        response = Response(body, status=status, mimetype=mimetype)
        return response(environ, start_response)

    return serving(app)


@pytest.mark.parametrize(
    ("body", "kind"), [("[1, 2]", "list"), ('"ok"', "str"), ("null", "NoneType")]
)
def test_a_200_with_json_that_is_not_an_object_is_an_api_error(body: str, kind: str) -> None:
    with (
        answering(200, body) as url,
        EcwidClient(1003, "secret_x", base_url=url) as client,
        pytest.raises(EcwidAPIError) as caught,
    ):
        client.store_profile()

    assert type(caught.value) is EcwidAPIError
    assert caught.value.message == f"Ecwid answered with JSON that is not an object: {kind}"


@pytest.mark.parametrize(
    ("status", "body", "mimetype", "error_class", "hint"),
    [
        (502, "<html>Bad gateway</html>", "text/html", EcwidServerError, "kept failing"),
        (401, "Unauthorized", "text/plain", EcwidAuthError, "check ECWID_API_TOKEN"),
        (404, "", "text/plain", EcwidNotFound, "check the store id"),
        (400, "[1]", "application/json", EcwidAPIError, "refused the request (BAD REQUEST)"),
        (400, '{"errorCode": 5}', "application/json", EcwidAPIError, "refused the request"),
    ],
)
def test_an_error_body_without_ecwids_fields_gives_our_hint(
    status: int, body: str, mimetype: str, error_class: type[EcwidAPIError], hint: str
) -> None:
    with (
        answering(status, body, mimetype) as url,
        EcwidClient(1003, "secret_x", base_url=url, max_retries=0) as client,
        pytest.raises(EcwidAPIError) as caught,
    ):
        client.store_profile()

    assert type(caught.value) is error_class
    assert (caught.value.status, caught.value.code) == (status, None)
    assert hint in caught.value.message
    [answer] = client.recent_answers
    assert (answer.status, answer.error_code) == (status, None)


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


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (" 7 ", 7.0),
        ("0", 0.0),
        ("9" * 11, None),
        ("9" * 5000, None),
        ("-5", None),
        ("1.5", None),
        ("soon", None),
        ("Sat, 01 Jan 2000 00:00:00 GMT", 0.0),
        (None, None),
    ],
)
def test_retry_after_reads_seconds_or_a_date_and_nothing_else(
    value: str | None, seconds: float | None
) -> None:
    assert retry_after_seconds(value) == seconds


def test_retry_after_as_a_future_date_is_the_seconds_until_then() -> None:
    soon = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=90)

    seconds = retry_after_seconds(email.utils.format_datetime(soon, usegmt=True))

    assert seconds is not None
    assert 85 <= seconds <= 90
