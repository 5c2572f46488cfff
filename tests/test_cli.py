from __future__ import annotations

import functools
import json
import time
import typing as t
from collections.abc import Callable

import pytest
from click.testing import Result
from conftest import AppFactory
from flask import Flask
from helpers import C1, CLIENT_ID, CLIENT_SECRET, GOOD, TS, check_payload, make_payload

from flask_ecwid_sso import ConfigError, LegacyDigestWarning
from flask_ecwid_sso.state import app_state
from flask_ecwid_sso.testing import FakeEcwid


@pytest.fixture
def make_cli_app(make_api_app: AppFactory) -> AppFactory:
    """Apps on the served FakeEcwid that never retry; keyword args override the config."""
    return functools.partial(make_api_app, ECWID_API_MAX_RETRIES=0)


@pytest.fixture
def cli_app(make_cli_app: AppFactory) -> Flask:
    return make_cli_app()


def run(app: Flask, *args: str, input: str | None = None) -> Result:
    result = app.test_cli_runner().invoke(args=["ecwid", *args], input=input)
    settings = app_state(app).settings
    everything = result.stdout + result.stderr
    for secret in (settings.client_secret, settings.sso_secret, settings.api_token):
        if secret:
            assert secret not in everything
    return result


def lines(result: Result, status: str) -> list[str]:
    return [line for line in result.stdout.splitlines() if line.startswith(status + " ")]


def line(result: Result, name: str) -> str:
    [found] = [text for text in result.stdout.splitlines() if text[10:].startswith(name + ":")]
    return found


# -- token ------------------------------------------------------------------


def test_token_prints_a_payload_signed_with_the_app_settings(cli_app: Flask) -> None:
    result = run(cli_app, "token", "ann@example.com", "--user-id", "42", "--name", "Ann Lee")
    assert result.exit_code == 0
    document = check_payload(result.stdout.strip())
    assert document == {
        "appClientId": CLIENT_ID,
        "userId": "42",
        "profile": {"email": "ann@example.com", "billingPerson": {"name": "Ann Lee"}},
    }


def test_token_without_user_id_signs_the_email_and_says_so(cli_app: Flask) -> None:
    result = run(cli_app, "token", "ann@example.com")
    assert result.exit_code == 0
    assert check_payload(result.stdout.strip())["userId"] == "ann@example.com"
    assert "--user-id" in result.stderr


def test_token_refuses_when_sso_is_off(make_cli_app: AppFactory) -> None:
    result = run(make_cli_app(ECWID_SSO_ENABLED=False), "token", "ann@example.com")
    assert result.exit_code == 1
    assert "SSO is off" in result.stderr
    assert result.stdout == ""


def test_token_refuses_a_bad_email_as_a_usage_error(cli_app: Flask) -> None:
    result = run(cli_app, "token", "not-an-email", "--user-id", "1")
    assert result.exit_code == 2
    assert "not a plausible address" in result.stderr


def test_a_fresh_token_passes_inspect(cli_app: Flask) -> None:
    payload = run(cli_app, "token", "ann@example.com", "--user-id", "1").stdout
    result = run(cli_app, "inspect", "-", input=payload)
    assert result.exit_code == 0
    assert "Ecwid would accept this payload" in result.stdout


# -- inspect ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        pytest.param([C1], None, id="one-argument"),
        pytest.param(C1.split(" "), None, id="three-arguments"),
        pytest.param(["-"], C1 + "\n", id="stdin"),
        pytest.param([f"  {C1}\n"], None, id="surrounding-whitespace"),
    ],
)
def test_inspect_reads_every_form(cli_app: Flask, args: list[str], stdin: str | None) -> None:
    result = run(cli_app, "inspect", "--now", str(TS + 5), *args, input=stdin)
    assert result.exit_code == 0, result.output
    assert len(lines(result, "ok")) == 8
    assert "Ecwid would accept this payload" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        pytest.param([], id="nothing"),
        pytest.param(C1.split(" ")[:2], id="two-parts"),
        pytest.param([*C1.split(" "), "extra"], id="four-parts"),
        pytest.param(["-", "abc", "123"], id="stdin-and-parts"),
    ],
)
def test_inspect_usage_errors_exit_2(cli_app: Flask, args: list[str]) -> None:
    result = run(cli_app, "inspect", *args)
    assert result.exit_code == 2
    assert "Usage:" in result.stderr


@pytest.mark.parametrize(
    ("payload", "name", "words"),
    [
        pytest.param(C1, "age", "Ecwid accepts 600 s", id="expired"),
        pytest.param(
            make_payload(GOOD, timestamp=int(time.time()) + 3600), "age", "future", id="future"
        ),
        pytest.param(make_payload(GOOD, digest="sha1"), "digest", "SHA-1", id="sha1"),
        pytest.param(
            make_payload(GOOD, secret="secret_fake"), "signature", "ECWID_API_TOKEN", id="api-token"
        ),
        pytest.param("garbage", "format", "three parts", id="garbage"),
    ],
)
def test_inspect_refusal_exits_1_and_names_the_check(
    cli_app: Flask, payload: str, name: str, words: str
) -> None:
    result = run(cli_app, "inspect", payload)
    assert result.exit_code == 1
    assert line(result, name).startswith("problem")
    assert words in line(result, name)
    assert "Ecwid would refuse this payload" in result.stdout


def test_inspect_measures_age_against_the_local_clock_by_default(cli_app: Flask) -> None:
    fresh = make_payload(GOOD, timestamp=int(time.time()))
    assert run(cli_app, "inspect", fresh).exit_code == 0
    assert run(cli_app, "inspect", C1).exit_code == 1


@pytest.mark.parametrize(("now", "accepted"), [(TS + 5, True), (TS + 601, False)])
def test_inspect_json(cli_app: Flask, now: int, accepted: bool) -> None:
    result = run(cli_app, "inspect", "--json", "--now", str(now), C1)
    assert result.exit_code == (0 if accepted else 1)
    data = json.loads(result.stdout)
    assert data["accepted"] is accepted
    assert [check["name"] for check in data["checks"]][-2:] == ["signature", "age"]
    assert {check["status"] for check in data["checks"]} == (
        {"ok"} if accepted else {"ok", "problem"}
    )


@pytest.mark.parametrize("as_json", [[], ["--json"]])
def test_inspect_never_prints_a_secret_found_in_a_payload(
    make_cli_app: AppFactory, as_json: list[str]
) -> None:
    # A client id that holds the secret: the payload carries it, the output must not.
    app = make_cli_app(ECWID_CLIENT_ID=CLIENT_SECRET)
    payload = make_payload({**GOOD, "appClientId": CLIENT_SECRET}, timestamp=int(time.time()))
    result = run(app, "inspect", *as_json, payload)
    assert result.exit_code == 0
    assert "[redacted]" in result.stdout


# -- customer ---------------------------------------------------------------


def test_customer_prints_the_useful_fields(cli_app: Flask, fake_ecwid: FakeEcwid) -> None:
    fake_ecwid.add_customer(
        {
            "id": 77,
            "email": "Bob@Example.com",
            "name": "Bob Stone",
            "registered": "2024-05-01 10:00:00 +0000",
            "customerGroupName": "Wholesale",
            "billingPerson": {"name": "Bob Stone", "city": "Lyon", "countryCode": "FR"},
        }
    )
    result = run(cli_app, "customer", "bob@example.com")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "id          77",
        "email       Bob@Example.com",
        "name        Bob Stone",
        "registered  2024-05-01 10:00:00+00:00",
        "group       Wholesale",
        "billing     Lyon, FR",
    ]


def test_customer_shows_missing_fields_as_dashes(cli_app: Flask, fake_ecwid: FakeEcwid) -> None:
    fake_ecwid.add_customer({"id": 5, "email": "guest@example.com"})
    result = run(cli_app, "customer", "guest@example.com")
    assert "name        -" in result.stdout
    assert "billing     -" in result.stdout


def test_customer_not_found_exits_1(cli_app: Flask, fake_ecwid: FakeEcwid) -> None:
    fake_ecwid.add_customer({"email": "bob@example.com.au"})
    result = run(cli_app, "customer", "bob@example.com")
    assert result.exit_code == 1
    assert "no customer with that email" in result.stderr


@pytest.mark.parametrize(
    ("config", "words"),
    [
        pytest.param({"ECWID_API_TOKEN": "secret_wrong"}, "403 INVALID_API_TOKEN", id="bad-token"),
        pytest.param({"ECWID_API_TOKEN": None}, "ECWID_API_TOKEN is not set", id="no-token"),
    ],
)
def test_customer_errors_exit_1_without_the_token(
    make_cli_app: AppFactory, config: dict[str, t.Any], words: str
) -> None:
    result = run(make_cli_app(**config), "customer", "bob@example.com")
    assert result.exit_code == 1
    assert words in result.stderr


# -- doctor -----------------------------------------------------------------


def test_doctor_on_a_good_set_up(cli_app: Flask) -> None:
    result = run(cli_app, "doctor")
    assert result.exit_code == 0, result.output
    assert lines(result, "problem") == []
    assert lines(result, "warning") == []
    assert "accepted by store 1003" in line(result, "token")
    assert line(result, "clock").startswith("ok")
    assert line(result, "read_customers").startswith("ok")
    assert "ask Ecwid support" in line(result, "create_customers")
    assert line(result, "create_customers").startswith("unchecked")
    assert line(result, "customize_storefront").startswith("unchecked")
    assert "ask Ecwid support" in line(result, "customize_storefront")
    assert line(result, "plan").startswith("ok        plan: the store is on a paid plan (PREMIUM)")
    assert result.stdout.endswith("0 problems, 0 warnings.\n")


def test_doctor_says_when_the_plan_cannot_be_read(cli_app: Flask, fake_ecwid: FakeEcwid) -> None:
    fake_ecwid.scopes.discard("read_store_profile")
    result = run(cli_app, "doctor")
    assert result.exit_code == 0, result.output
    assert line(result, "plan").startswith("unchecked")
    assert "read_store_profile" in line(result, "plan")


def lose_read_scope(fake: FakeEcwid) -> None:
    fake.scopes.discard("read_customers")


def lapse_plan(fake: FakeEcwid) -> None:
    fake.plan_active = False


def free_plan(fake: FakeEcwid) -> None:
    fake.features.discard("PREMIUM")


def suspend(fake: FakeEcwid) -> None:
    fake.suspended = True


@pytest.mark.parametrize(
    ("config", "breakage", "name", "words"),
    [
        pytest.param(
            {"ECWID_API_TOKEN": "secret_wrong"}, None, "token", "Ecwid refused", id="bad-token"
        ),
        pytest.param(
            {},
            lose_read_scope,
            "read_customers",
            "ask Ecwid support to add read_customers",
            id="no-read-scope",
        ),
        pytest.param({}, lapse_plan, "plan", "paid plan", id="plan-lapsed"),
        pytest.param({}, free_plan, "plan", "lacks PREMIUM", id="free-plan"),
        pytest.param({}, suspend, "plan", "store is suspended", id="suspended"),
        pytest.param(
            {"ECWID_API_TOKEN": "public_0123456789"},
            None,
            "api token",
            "public_ token",
            id="public-token",
        ),
        pytest.param(
            {"ECWID_API_URL": "http://127.0.0.1:1/api/v3"},
            None,
            "api",
            "could not connect",
            id="unreachable",
        ),
    ],
)
def test_doctor_names_the_problem(
    make_cli_app: AppFactory,
    fake_ecwid: FakeEcwid,
    config: dict[str, t.Any],
    breakage: Callable[[FakeEcwid], None] | None,
    name: str,
    words: str,
) -> None:
    if breakage is not None:
        breakage(fake_ecwid)
    result = run(make_cli_app(**config), "doctor")
    assert result.exit_code == 1
    assert line(result, name).startswith("problem")
    assert words in line(result, name)


def test_doctor_stops_after_a_refused_token(
    make_cli_app: AppFactory, fake_ecwid: FakeEcwid
) -> None:
    run(make_cli_app(ECWID_API_TOKEN="secret_wrong"), "doctor", "--email", "a@example.com")
    assert [entry.status for entry in fake_ecwid.request_log] == [403]


def test_doctor_does_not_send_a_public_token(
    make_cli_app: AppFactory, fake_ecwid: FakeEcwid
) -> None:
    result = run(make_cli_app(ECWID_API_TOKEN="public_0123456789"), "doctor")
    assert fake_ecwid.request_log == []
    assert line(result, "api").startswith("unchecked")


def test_doctor_with_sha1(make_cli_app: AppFactory) -> None:
    with pytest.warns(LegacyDigestWarning):
        app = make_cli_app(ECWID_SSO_DIGEST="sha1")
    result = run(app, "doctor")
    assert result.exit_code == 1
    assert line(result, "digest") == (
        "problem   digest: ECWID_SSO_DIGEST is 'sha1': Ecwid refuses SHA-1 since 2025-03-20;"
        " set it to 'sha256'"
    )


@pytest.mark.parametrize(
    ("offset", "status", "words"),
    [
        (0, "ok", "within"),
        (120, "warning", "s ahead of Ecwid's: payloads look that far in the future"),
        (-120, "warning", "s behind Ecwid's: payloads lose that much of their 10 minutes"),
        (700, "problem", "from the future"),
        (-700, "problem", "as expired"),
    ],
)
def test_doctor_compares_the_clock_with_ecwids_date_header(
    cli_app: Flask, offset: int, status: str, words: str
) -> None:
    result = run(cli_app, "doctor", "--now", str(time.time() + offset))
    assert line(result, "clock").startswith(status)
    assert words in line(result, "clock")
    assert result.exit_code == (1 if status == "problem" else 0)


def test_doctor_warns_about_an_existing_customer_with_the_email(
    cli_app: Flask, fake_ecwid: FakeEcwid
) -> None:
    fake_ecwid.add_customer({"id": 31, "email": "ann@example.com"})
    result = run(cli_app, "doctor", "--email", "Ann@example.com")
    assert result.exit_code == 0
    assert line(result, "email").startswith("warning   email: customer #31")
    assert "same userId" in line(result, "email")


def test_doctor_reports_a_free_email(cli_app: Flask) -> None:
    result = run(cli_app, "doctor", "--email", "new@example.com")
    assert line(result, "email").startswith("ok")


def test_doctor_cannot_look_up_an_email_without_the_read_scope(
    cli_app: Flask, fake_ecwid: FakeEcwid
) -> None:
    fake_ecwid.scopes.discard("read_customers")
    result = run(cli_app, "doctor", "--email", "ann@example.com")
    assert line(result, "email").startswith("unchecked")


@pytest.mark.parametrize(
    ("config", "name", "words"),
    [
        pytest.param({"ECWID_API_TOKEN": None}, "api token", "not set", id="no-token"),
        pytest.param({"ECWID_SSO_ENABLED": False}, "sso", "off", id="sso-off"),
        pytest.param(
            {"ECWID_SSO_APP_ID": "my_site", "ECWID_SSO_SECRET": "legacy-key"},
            "legacy",
            "legacy variant",
            id="legacy",
        ),
        pytest.param(
            {"ECWID_CLIENT_SECRET": "A1Lu7ANIhKD6A1Lu7"},
            "client secret",
            "17 characters",
            id="short-secret",
        ),
    ],
)
def test_doctor_warnings_do_not_fail_it(
    make_cli_app: AppFactory, config: dict[str, t.Any], name: str, words: str
) -> None:
    result = run(make_cli_app(**config), "doctor")
    assert result.exit_code == 0, result.output
    assert line(result, name).startswith("warning")
    assert words in line(result, name)


@pytest.mark.parametrize("token", ["secret_0123456789abcdef0123456789", "public_0123456789"])
def test_a_rest_token_as_the_client_secret_fails_at_start_up_naming_the_key(
    make_cli_app: AppFactory, token: str
) -> None:
    with pytest.raises(ConfigError, match="belongs in ECWID_API_TOKEN") as caught:
        make_cli_app(ECWID_CLIENT_SECRET=token)
    assert caught.value.key == "ECWID_CLIENT_SECRET"
    assert token not in str(caught.value)


def test_swapped_keys_are_named_the_right_way_round(make_cli_app: AppFactory) -> None:
    with pytest.raises(ConfigError) as caught:
        make_cli_app(ECWID_CLIENT_SECRET="secret_fake", ECWID_API_TOKEN=CLIENT_SECRET)
    assert caught.value.key == "ECWID_CLIENT_SECRET"
    result = run(make_cli_app(ECWID_API_TOKEN=CLIENT_SECRET + "x"), "doctor")
    assert "it looks like a client secret" in line(result, "api token")


# -- bad input never gives a traceback -------------------------------------


@pytest.mark.parametrize("now", ["nan", "inf", "-inf", "-5", "1e13", "soon"])
@pytest.mark.parametrize("command", [["inspect", C1], ["doctor"]])
def test_a_bad_now_is_a_usage_error(cli_app: Flask, command: list[str], now: str) -> None:
    result = run(cli_app, *command, "--now", now)

    assert result.exit_code == 2
    assert "Invalid value for '--now'" in result.stderr
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_inspect_reports_a_timestamp_past_year_9999(cli_app: Flask) -> None:
    message = C1.split(" ")[0]

    result = run(cli_app, "inspect", f"{message} {'0' * 64} 999999999999")

    assert result.exit_code == 1
    assert line(result, "format").startswith("problem")
    assert "year 9999" in line(result, "format")
    assert isinstance(result.exception, SystemExit)
