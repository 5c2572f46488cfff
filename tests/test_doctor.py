from __future__ import annotations

import datetime
import typing as t

import pytest
from helpers import API_TOKEN, CLIENT_ID, CLIENT_SECRET, settings

from flask_ecwid_sso.doctor import check_clock, check_config, check_plan, config_summary

ECWID_NOW = datetime.datetime(2025, 6, 1, 12, 0, tzinfo=datetime.timezone.utc)


def test_a_good_config_is_all_ok() -> None:
    assert {check.status for check in check_config(settings())} == {"ok"}


@pytest.mark.parametrize(
    ("config", "name", "status", "reason"),
    [
        ({"ECWID_CLIENT_ID": CLIENT_SECRET}, "client id", "problem", "secret_as_client_id"),
        ({"ECWID_CLIENT_ID": "secret_abc"}, "client id", "problem", "api_token_as_client_id"),
        (
            {"ECWID_CLIENT_SECRET": "public_0123456789abcdef0123456789"},
            "client secret",
            "problem",
            "api_token_as_client_secret",
        ),
        (
            {"ECWID_CLIENT_SECRET": API_TOKEN},
            "client secret",
            "problem",
            "api_token_as_client_secret",
        ),
        ({"ECWID_CLIENT_SECRET": "x" * 31}, "client secret", "warning", "short_client_secret"),
        (
            {"ECWID_API_TOKEN": CLIENT_SECRET},
            "client secret",
            "problem",
            "api_token_as_client_secret",
        ),
        ({"ECWID_API_TOKEN": "0123456789abcdef"}, "api token", "warning", "odd_api_token"),
        ({"ECWID_API_TOKEN": "public_abc"}, "api token", "problem", "public_api_token"),
        (
            {"ECWID_SSO_APP_ID": "my_site", "ECWID_SSO_SECRET": API_TOKEN},
            "legacy",
            "problem",
            "api_token_as_sso_secret",
        ),
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


def test_no_config_message_quotes_a_secret() -> None:
    for config in ({"ECWID_CLIENT_ID": CLIENT_SECRET}, {"ECWID_CLIENT_SECRET": API_TOKEN}):
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
