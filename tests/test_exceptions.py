"""The exception family: the status table of EcwidAPIError.from_status, and messages."""

from __future__ import annotations

import pytest

from flask_ecwid_sso.exceptions import (
    EcwidAPIError,
    EcwidAuthError,
    EcwidNotFound,
    EcwidPlanError,
    EcwidRateLimited,
    EcwidServerError,
)


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (400, EcwidAPIError),
        (401, EcwidAuthError),
        (402, EcwidPlanError),
        (403, EcwidAuthError),
        (404, EcwidNotFound),
        (409, EcwidAPIError),
        (415, EcwidAPIError),
        (429, EcwidRateLimited),
        (500, EcwidServerError),
        (503, EcwidServerError),
        (599, EcwidServerError),
    ],
)
def test_from_status_picks_the_subclass_of_the_status(
    status: int, error_class: type[EcwidAPIError]
) -> None:
    error = EcwidAPIError.from_status(status, method="GET", url="https://x.test/1/profile")

    assert type(error) is error_class
    assert (error.status, error.method, error.url) == (status, "GET", "https://x.test/1/profile")
    assert error.message


def test_from_status_keeps_ecwids_code_and_message() -> None:
    error = EcwidAPIError.from_status(403, code="INSUFFICIENT_APP_SCOPE", message="No scope")

    assert (error.code, error.message) == ("INSUFFICIENT_APP_SCOPE", "No scope")
    assert str(error) == "403 INSUFFICIENT_APP_SCOPE: No scope"


def test_without_a_message_the_error_says_what_to_do() -> None:
    assert "check ECWID_API_TOKEN" in EcwidAPIError.from_status(401).message
    assert "plan lacks this feature" in EcwidAPIError.from_status(402).message
    assert EcwidAPIError.from_status(418, reason="I'M A TEAPOT").message == (
        "Ecwid refused the request (I'M A TEAPOT)"
    )
    assert EcwidAPIError.from_status(418).message == "Ecwid refused the request (418)"


def test_a_conflict_names_its_likely_cause() -> None:
    error = EcwidAPIError.from_status(409, code="CONSTRAINT_VIOLATION", message="Conflict")

    assert type(error) is EcwidAPIError
    assert "already exists" in error.message
    assert error.code == "CONSTRAINT_VIOLATION"


def test_a_rate_limit_carries_retry_after() -> None:
    error = EcwidAPIError.from_status(429, retry_after=12.5)

    assert isinstance(error, EcwidRateLimited)
    assert error.retry_after == 12.5
    assert EcwidAPIError.from_status(503, retry_after=5).status == 503


def test_str_names_the_request_only_when_known() -> None:
    error = EcwidAPIError("no answer", method="GET", url="https://x.test/1/profile")

    assert str(error) == "no answer (GET https://x.test/1/profile)"
    assert str(EcwidAPIError("plain")) == "plain"
