from __future__ import annotations

import base64
import json
import typing as t

import pytest
from helpers import API_TOKEN, C1, CLIENT_ID, CLIENT_SECRET, GOOD, TS, make_payload, settings

from flask_ecwid_sso.config_checks import inspect_with_settings
from flask_ecwid_sso.diagnostics import Inspection, inspect_payload


def tampered() -> str:
    """A good payload whose email was changed after signing."""
    _, signature, timestamp = make_payload(GOOD).split(" ")
    message = make_payload({**GOOD, "profile": {"email": "mallory@example.com"}}).split(" ")[0]
    return f"{message} {signature} {timestamp}"


TAMPERED = tampered()


def inspect(payload: str, *, now: float = TS + 5, **overrides: t.Any) -> Inspection:
    options: dict[str, t.Any] = {
        "app_field": "appClientId",
        "app_id": CLIENT_ID,
        "secret": CLIENT_SECRET,
        "other_keys": {"ECWID_API_TOKEN": API_TOKEN},
        **overrides,
    }
    return inspect_payload(payload, now=now, **options)


def failing(report: Inspection) -> list[tuple[str, str, str | None]]:
    return [(c.name, c.status, c.reason) for c in report.checks if c.status != "ok"]


def test_vector_c1_passes_every_check() -> None:
    report = inspect(C1)
    assert report.accepted
    assert [c.name for c in report.checks] == [
        "format",
        "json",
        "app id",
        "user id",
        "email",
        "digest",
        "signature",
        "age",
    ]
    assert all(c.status == "ok" for c in report.checks)
    assert report.decoded is not None
    assert report.decoded.user_id == "234"


@pytest.mark.parametrize(
    ("payload", "now", "expected"),
    [
        pytest.param(C1, TS + 601, [("age", "problem", "expired")], id="expired"),
        pytest.param(C1, TS - 61, [("age", "problem", "future")], id="future"),
        pytest.param(TAMPERED, TS, [("signature", "problem", "bad_signature")], id="tampered"),
        pytest.param(
            make_payload(GOOD, secret="another-secret-0123456789abcdef0"),
            TS,
            [("signature", "problem", "bad_signature")],
            id="unknown-secret",
        ),
        pytest.param(
            make_payload(GOOD, secret=API_TOKEN),
            TS,
            [("signature", "problem", "other_secret")],
            id="signed-with-the-api-token",
        ),
        pytest.param(
            make_payload(GOOD, digest="sha1"),
            TS,
            [("digest", "problem", "other_digest"), ("signature", "problem", "other_digest")],
            id="sha1",
        ),
        pytest.param(
            make_payload({**GOOD, "appClientId": "someone-else"}),
            TS,
            [("app id", "problem", "wrong_app")],
            id="wrong-app-id",
        ),
        pytest.param(
            make_payload({"appId": CLIENT_ID, "userId": "234", "profile": GOOD["profile"]}),
            TS,
            [("app id", "problem", "app_variant")],
            id="legacy-appId-for-a-current-app",
        ),
        pytest.param(
            make_payload({"userId": "234", "profile": GOOD["profile"]}),
            TS,
            [("app id", "problem", "missing_app_id")],
            id="no-app-id",
        ),
        pytest.param(
            make_payload({**GOOD, "profile": {"billingPerson": {"name": "Ann"}}}),
            TS,
            [("email", "problem", "missing_email")],
            id="missing-email",
        ),
        pytest.param(
            make_payload({"appClientId": CLIENT_ID, "profile": GOOD["profile"]}),
            TS,
            [("user id", "problem", "missing_user_id")],
            id="missing-user-id",
        ),
        pytest.param(
            make_payload({**GOOD, "userId": 234}),
            TS,
            [("user id", "problem", "missing_user_id")],
            id="numeric-user-id",
        ),
        pytest.param(
            " ".join(
                part.upper() if index == 1 else part for index, part in enumerate(C1.split(" "))
            ),
            TS,
            [("digest", "problem", "uppercase_signature")],
            id="uppercase-hex",
        ),
        pytest.param(
            C1.replace(" c5d9581b", " c5d9"),
            TS,
            [
                ("digest", "problem", "bad_signature_format"),
                ("signature", "problem", "bad_signature"),
            ],
            id="cut-signature",
        ),
    ],
)
def test_refusals_name_the_failing_check(
    payload: str, now: int, expected: list[tuple[str, str, str | None]]
) -> None:
    report = inspect(payload, now=now)
    assert failing(report) == expected
    assert not report.accepted


@pytest.mark.parametrize(
    ("payload", "reason", "words"),
    [
        ("", "empty", "nobody is logged in"),
        ("hello", "malformed", "three parts"),
        (C1.replace(" ", "+"), "malformed", "three parts"),
        ("a b c", "malformed", "base64"),
        (C1.replace(" 1421317550", " yesterday"), "malformed", "timestamp"),
    ],
)
def test_garbage_stops_at_the_format(payload: str, reason: str, words: str) -> None:
    report = inspect(payload)
    [check] = report.checks
    assert (check.name, check.status, check.reason) == ("format", "problem", reason)
    assert words in check.message
    assert not report.accepted
    assert report.decoded is None


@pytest.mark.parametrize("text", ["not json at all", "[1, 2]"])
def test_base64_of_something_else_fails_the_json_check(text: str) -> None:
    message = base64.b64encode(text.encode()).decode()
    report = inspect(f"{message} {'0' * 64} {TS}")
    assert failing(report) == [("json", "problem", "malformed")]


@pytest.mark.parametrize(("age", "accepted"), [(0, True), (600, True), (601, False)])
def test_the_window_is_ten_minutes(age: int, accepted: bool) -> None:
    assert inspect(C1, now=TS + age).accepted is accepted


def test_a_slightly_future_timestamp_warns_but_passes() -> None:
    report = inspect(C1, now=TS - 30)
    assert failing(report) == [("age", "warning", "future")]
    assert report.accepted
    assert "30 s in the future" in report.checks[-1].message


def test_sha1_message_says_ecwid_refuses_it_since_the_cut_over() -> None:
    report = inspect(make_payload(GOOD, digest="sha1"))
    digest = next(c for c in report.checks if c.name == "digest")
    assert "Ecwid refuses SHA-1 since 2025-03-20" in digest.message


def test_a_payload_signed_with_a_rest_token_as_client_secret_is_refused() -> None:
    report = inspect(make_payload(GOOD, secret=API_TOKEN), secret=API_TOKEN, other_keys={})
    assert failing(report) == [("signature", "problem", "api_token_as_secret")]
    assert API_TOKEN not in str(report)


def test_without_a_secret_the_signature_is_unchecked_and_nothing_is_promised() -> None:
    report = inspect(C1, secret=None)
    assert failing(report) == [("signature", "unchecked", None)]
    assert not report.accepted


def test_json_form_has_accepted_and_every_check() -> None:
    data = inspect(C1, now=TS + 601).to_json()
    assert data["accepted"] is False
    assert data["checks"][-1] == {
        "name": "age",
        "status": "problem",
        "message": data["checks"][-1]["message"],
        "reason": "expired",
    }
    json.dumps(data)


def test_no_message_quotes_a_key_even_from_the_payload() -> None:
    # A client id that is really the secret ends up in the payload: it must not be echoed.
    payload = make_payload({**GOOD, "appClientId": CLIENT_SECRET})
    report = inspect(payload).redacted([CLIENT_SECRET, API_TOKEN])
    text = " ".join(check.message for check in report.checks)
    assert CLIENT_SECRET not in text
    assert "[redacted]" in text


def test_settings_supply_the_app_id_the_secret_and_the_api_token() -> None:
    assert inspect_with_settings(C1, settings(), now=TS).accepted
    wrong_key = make_payload(GOOD, secret=API_TOKEN)
    [check] = [c for c in inspect_with_settings(wrong_key, settings(), now=TS).checks if c.reason]
    assert (check.name, check.reason) == ("signature", "other_secret")
    assert "signed with ECWID_API_TOKEN instead of ECWID_CLIENT_SECRET" in check.message


def test_legacy_settings_check_app_id_against_the_legacy_key() -> None:
    legacy = settings(ECWID_SSO_APP_ID="my_cool_website1", ECWID_SSO_SECRET="TEST")
    l1 = make_payload(
        {"appId": "my_cool_website1", "userId": "234", "profile": GOOD["profile"]}, secret="TEST"
    )
    assert inspect_with_settings(l1, legacy, now=TS).accepted
    with_client_secret = make_payload(
        {"appId": "my_cool_website1", "userId": "234", "profile": GOOD["profile"]}
    )
    report = inspect_with_settings(with_client_secret, legacy, now=TS)
    assert failing(report) == [("signature", "problem", "other_secret")]
    assert "ECWID_CLIENT_SECRET instead of ECWID_SSO_SECRET" in report.checks[-2].message


def test_redact_skips_unset_secrets_and_keeps_the_report_type() -> None:
    report = inspect(TAMPERED).redacted([None, "", CLIENT_ID])

    assert isinstance(report, Inspection)
    assert report.decoded is not None
    assert CLIENT_ID not in " ".join(check.message for check in report.checks)
    assert any("[redacted]" in check.message for check in report.checks)
