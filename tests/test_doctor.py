from __future__ import annotations

import datetime
import socket
import typing as t

import pytest
from helpers import API_TOKEN, CLIENT_ID, CLIENT_SECRET, MakeClient, settings

from flask_ecwid_sso import ConfigError
from flask_ecwid_sso.doctor import (
    check_api,
    check_clock,
    check_config,
    check_plan,
    config_summary,
    diagnose,
)
from flask_ecwid_sso.testing import FakeEcwid

ECWID_NOW = datetime.datetime(2025, 6, 1, 12, 0, tzinfo=datetime.timezone.utc)


def test_a_good_config_is_all_ok() -> None:
    assert {check.status for check in check_config(settings())} == {"ok"}


@pytest.mark.parametrize(
    ("config", "name", "status", "reason"),
    [
        ({"ECWID_CLIENT_ID": CLIENT_SECRET}, "client id", "problem", "secret_as_client_id"),
        ({"ECWID_CLIENT_ID": "secret_abc"}, "client id", "problem", "api_token_as_client_id"),
        ({"ECWID_CLIENT_SECRET": "x" * 31}, "client secret", "warning", "short_client_secret"),
        ({"ECWID_API_TOKEN": "0123456789abcdef"}, "api token", "warning", "odd_api_token"),
        ({"ECWID_API_TOKEN": "public_abc"}, "api token", "problem", "public_api_token"),
        (
            {"ECWID_SSO_ENABLED": False, "ECWID_CLIENT_SECRET": None},
            "client secret",
            "warning",
            "missing_client_secret",
        ),
    ],
)
def test_config_mistakes_are_named(
    config: dict[str, t.Any], name: str, status: str, reason: str
) -> None:
    [check] = [check for check in check_config(settings(**config)) if check.name == name]
    assert (check.status, check.reason) == (status, reason)


@pytest.mark.parametrize(
    ("config", "key"),
    [
        ({"ECWID_CLIENT_SECRET": "public_0123456789abcdef0123456789"}, "ECWID_CLIENT_SECRET"),
        ({"ECWID_CLIENT_SECRET": API_TOKEN}, "ECWID_CLIENT_SECRET"),
        ({"ECWID_API_TOKEN": CLIENT_SECRET}, "ECWID_CLIENT_SECRET"),
        ({"ECWID_SSO_APP_ID": "my_site", "ECWID_SSO_SECRET": API_TOKEN}, "ECWID_SSO_SECRET"),
    ],
)
def test_a_rest_token_as_a_signing_secret_never_gets_as_far_as_the_doctor(
    config: dict[str, t.Any], key: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        settings(**config)
    assert caught.value.key == key
    assert API_TOKEN not in str(caught.value)
    assert CLIENT_SECRET not in str(caught.value)


def test_no_config_message_quotes_a_secret() -> None:
    for config in ({"ECWID_CLIENT_ID": CLIENT_SECRET}, {"ECWID_CLIENT_ID": API_TOKEN}):
        text = " ".join(check.message for check in check_config(settings(**config)))
        assert CLIENT_SECRET not in text
        assert API_TOKEN not in text


def test_config_summary_shows_secrets_only_as_set_or_missing() -> None:
    summary = dict(config_summary(settings(ECWID_SSO_APP_ID="my_site", ECWID_SSO_SECRET="k" * 20)))
    assert summary["ECWID_CLIENT_SECRET"] == "set"
    assert summary["ECWID_SSO_SECRET"] == "set"
    assert summary["ECWID_API_TOKEN"] == "set"
    assert summary["ECWID_SSO_APP_ID"] == "my_site"
    assert summary["ECWID_CLIENT_ID"] == CLIENT_ID
    assert dict(config_summary(settings(ECWID_API_TOKEN=None)))["ECWID_API_TOKEN"] == "missing"


@pytest.mark.parametrize(
    ("skew", "status"),
    [
        (0, "ok"),
        (60, "ok"),
        (-60, "ok"),
        (61, "warning"),
        (-600, "warning"),
        (601, "problem"),
        (-601, "problem"),
    ],
)
def test_clock_skew_thresholds(skew: int, status: str) -> None:
    check = check_clock(ECWID_NOW, ECWID_NOW.timestamp() + skew)
    assert check.status == status


def test_clock_without_a_date_header_is_unchecked() -> None:
    assert check_clock(None, 0).status == "unchecked"


def test_client_id_may_be_unset_when_sso_is_off_or_legacy() -> None:
    def client_id_check(**config: t.Any) -> str:
        [check] = [c for c in check_config(settings(**config)) if c.name == "client id"]
        assert check.status == "ok"
        return check.message

    assert "SSO is off" in client_id_check(ECWID_SSO_ENABLED=False, ECWID_CLIENT_ID=None)
    assert "legacy variant needs none" in client_id_check(
        ECWID_CLIENT_ID=None,
        ECWID_CLIENT_SECRET=None,
        ECWID_SSO_APP_ID="my_site",
        ECWID_SSO_SECRET="legacy-key",
    )


# What the API reveals


def by_name(checks: t.Iterable[t.Any]) -> dict[str, t.Any]:
    return {check.name: check for check in checks}


def test_an_unreachable_api_is_a_problem_naming_the_url(make_client: MakeClient) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/api/v3"
    client = make_client(base_url=url, max_retries=0)

    report = diagnose(settings(ECWID_API_URL=url), client, email="ann@example.com")

    checks = by_name(report.checks)
    assert (checks["api"].status, checks["api"].reason) == ("problem", "unreachable")
    assert "could not connect" in checks["api"].message
    assert f"{url}/1003/profile" in checks["api"].message
    assert checks["email"].status == "unchecked"
    assert "clock" not in checks
    assert report.has_problems


@pytest.mark.parametrize(
    ("retry_after", "words"), [(30, "try again in 30 s"), (None, "try again later")]
)
def test_a_rate_limited_token_is_a_warning_saying_when_to_retry(
    fake_ecwid: FakeEcwid, make_client: MakeClient, retry_after: int | None, words: str
) -> None:
    fake_ecwid.fail_next(429, retry_after=retry_after)

    checks = by_name(check_api(make_client(max_retries=0), now=lambda: ECWID_NOW.timestamp()))

    assert (checks["api"].status, checks["api"].reason) == ("warning", "rate_limited")
    assert checks["api"].message == f"Ecwid is rate-limiting this token: {words}"
    assert "clock" in checks


def test_a_rate_limit_on_the_email_lookup_leaves_the_rest_ok(
    fake_ecwid: FakeEcwid, make_client: MakeClient
) -> None:
    fake_ecwid.rate_limit = 2

    checks = check_api(make_client(max_retries=0), email="ann@example.com")

    assert [(check.name, check.status) for check in checks] == [
        ("token", "ok"),
        ("plan", "ok"),
        ("clock", "ok"),
        ("read_customers", "ok"),
        ("api", "warning"),
    ]
    assert checks[-1].reason == "rate_limited"


def test_a_failing_api_is_a_warning_to_try_later(
    fake_ecwid: FakeEcwid, make_client: MakeClient
) -> None:
    fake_ecwid.fail_next(500)

    [token, clock] = check_api(make_client(max_retries=0))

    assert (token.name, token.status, token.reason) == ("api", "warning", "api_error")
    assert token.message.startswith("Ecwid failed: 500 INTERNAL_ERROR: ")
    assert clock.name == "clock"


def test_a_refused_token_stops_the_api_checks(
    fake_ecwid: FakeEcwid, make_client: MakeClient
) -> None:
    checks = check_api(make_client(token="secret_wrong"), email="ann@example.com")

    assert [(check.name, check.status) for check in checks] == [
        ("token", "problem"),
        ("clock", "ok"),
        ("email", "unchecked"),
    ]
    assert checks[0].reason == "invalid_token"
    assert [entry.status for entry in fake_ecwid.request_log] == [403]


def test_a_token_that_cannot_read_the_store_profile_is_still_accepted(
    fake_ecwid: FakeEcwid, make_client: MakeClient
) -> None:
    fake_ecwid.scopes.discard("read_store_profile")

    checks = by_name(check_api(make_client()))

    assert checks["token"].status == "ok"
    assert "cannot read the store profile" in checks["token"].message
    assert checks["read_customers"].status == "ok"


@pytest.mark.parametrize(
    ("account", "status", "reason"),
    [
        ({"availableFeatures": ["API", "PREMIUM"]}, "ok", None),
        ({"availableFeatures": ["API"]}, "problem", "free_plan"),
        ({"availableFeatures": []}, "problem", "free_plan"),
        ({"availableFeatures": ["PREMIUM"], "suspended": True}, "problem", "store_suspended"),
        ({}, "unchecked", None),
        (None, "unchecked", None),
    ],
)
def test_the_plan_comes_from_the_profiles_available_features(
    account: dict[str, t.Any] | None, status: str, reason: str | None
) -> None:
    check = check_plan({} if account is None else {"account": account})
    assert (check.name, check.status, check.reason) == ("plan", status, reason)
