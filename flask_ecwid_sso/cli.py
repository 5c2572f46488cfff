"""``flask ecwid ...``: commands for when Ecwid says nothing.

The commands print what the pure core (:mod:`.diagnostics`, :mod:`.doctor`)
finds. None prints a secret or a token: every line but the payload ``token``
prints goes through the same redaction, whatever its source.
"""

from __future__ import annotations

import json
import os
import sys
import time
import typing as t

import click
from flask.cli import AppGroup

from .config_checks import inspect_with_settings
from .deployment import check_cache, check_trusted_hosts
from .diagnostics import Check, Report, redact
from .doctor import diagnose
from .exceptions import ConfigError, EcwidAPIError, ProfileError
from .payloads import MAX_TIMESTAMP
from .person import Person
from .profile import Profile
from .settings import Settings
from .state import app_state

ecwid_command = AppGroup("ecwid", help="Ecwid SSO: sign, inspect and diagnose.")


def _echo(settings: Settings, text: str, *, err: bool = False) -> None:
    click.echo(redact(text, settings.secrets), err=err)


def _fail(settings: Settings, message: str) -> click.ClickException:
    return click.ClickException(redact(message, settings.secrets))


def _line(check: Check) -> str:
    return f"{check.status:<10}{check.name}: {check.message}"


def _counts(checks: t.Sequence[Check]) -> str:
    problems = sum(check.status == "problem" for check in checks)
    warnings = sum(check.status == "warning" for check in checks)
    return f"{problems} problem{'s' * (problems != 1)}, {warnings} warning{'s' * (warnings != 1)}"


@ecwid_command.command("token")
@click.argument("email")
@click.option(
    "--user-id",
    help="The userId to sign (default: EMAIL). For a real user of the site, give their real id:"
    " Ecwid keys customers by it.",
)
@click.option("--name", help="The shopper's name (billingPerson.name).")
def token(email: str, user_id: str | None, name: str | None) -> None:
    """Print an SSO payload for EMAIL, signed with this app's settings.

    Ecwid accepts it for 10 minutes, once. Pipe it to `flask ecwid inspect -`
    to see what Ecwid would check.
    """
    state = app_state()
    if state.signer is None:
        raise _fail(
            state.settings,
            "SSO is off (ECWID_SSO_ENABLED = False): there is nothing to sign with."
            " Turn it on, with ECWID_CLIENT_ID and ECWID_CLIENT_SECRET set.",
        )
    if user_id is None:
        user_id = email
        _echo(
            state.settings,
            f"note: signing userId {email!r}. Ecwid keys customers by (app id, userId): for a"
            " real user of the site pass --user-id with their real id, or their own sign-ons"
            " may be ignored afterwards.",
            err=True,
        )
    try:
        profile = Profile(email=email, billing_person=Person(name=name) if name else None)
        payload = state.signer.sign(user_id, profile)
    except ProfileError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(payload)


def _unix_time(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    if value is not None and not 0 <= value <= MAX_TIMESTAMP:
        raise click.BadParameter(
            f"must be UNIX seconds from 0 to {MAX_TIMESTAMP} (the end of year 9999), not {value}"
        )
    return value


def _read_payload(parts: tuple[str, ...]) -> str:
    if parts == ("-",):
        return sys.stdin.read().strip()
    if len(parts) == 1:
        return parts[0].strip()
    if len(parts) == 3 and "-" not in parts:
        return " ".join(parts)
    raise click.UsageError(
        "give the payload as one quoted argument, as its three parts (MESSAGE SIGNATURE"
        f" TIMESTAMP), or as - to read it from standard input; got {len(parts)} arguments"
    )


@ecwid_command.command("inspect")
@click.argument("parts", nargs=-1, required=True, metavar="PAYLOAD...")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option(
    "--now",
    type=float,
    callback=_unix_time,
    metavar="UNIX_TIME",
    help="Measure the age against this time instead of this machine's clock.",
)
def inspect(parts: tuple[str, ...], as_json: bool, now: float | None) -> None:
    """Say whether Ecwid would accept an SSO payload, and why not.

    PAYLOAD is the payload as one quoted argument, its three parts as three
    arguments, or - to read it from standard input. Exits 0 when Ecwid would
    accept it, 1 when not, 2 on usage errors. Ecwid also refuses a payload it
    has seen before, which no inspection can know.
    """
    settings = app_state().settings
    payload = _read_payload(parts)
    report = inspect_with_settings(payload, settings, now=now).redacted(settings.secrets)
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2))
    else:
        for check in report.checks:
            click.echo(_line(check))
        verdict = "would accept" if report.accepted else "would refuse"
        click.echo(f"Ecwid {verdict} this payload ({_counts(report.checks)}).")
    click.get_current_context().exit(0 if report.accepted else 1)


@ecwid_command.command("customer")
@click.argument("email")
def customer(email: str) -> None:
    """Look up the store's customer with EMAIL (exact match, ignoring case)."""
    state = app_state()
    settings = state.settings
    if not email.strip():
        raise click.UsageError("EMAIL must not be empty")
    try:
        found = state.extension.find_customer(email)
    except ConfigError as exc:
        raise _fail(settings, str(exc)) from None
    except EcwidAPIError as exc:
        raise _fail(settings, f"Ecwid's API: {exc}") from None
    if found is None:
        raise _fail(settings, f"no customer with that email in store {settings.store_id}")
    billing = found.billing_person
    place = ", ".join(filter(None, (billing.city, billing.country_code))) if billing else ""
    group = found.customer_group_name or (
        None if found.customer_group_id is None else f"#{found.customer_group_id}"
    )
    for label, value in (
        ("id", found.id),
        ("email", found.email),
        ("name", found.name),
        ("registered", found.registered),
        ("group", group),
        ("billing", place),
    ):
        _echo(settings, f"{label:<11} {value if value not in (None, '') else '-'}")


@ecwid_command.command("doctor")
@click.option("--email", help="A shopper's email: report a customer that would block SSO.")
@click.option("--now", type=float, callback=_unix_time, hidden=True)
def doctor(email: str | None, now: float | None) -> None:
    """Check the set-up for the reasons Ecwid ignores SSO silently.

    Each line is ok, warning, problem, or unchecked (with whom to ask). Reads
    from Ecwid's API, never writes. Exits 1 when there is a problem.
    """
    state = app_state()
    settings = state.settings
    client = state.client if settings.api_token else None
    clock = time.time if now is None else (lambda fixed=now: fixed)
    report = diagnose(settings, client, now=clock, email=email)
    deployment = (
        check_cache(state.shared.description, state.shared.shared, os.environ),
        check_trusted_hosts(settings.trusted_hosts),
    )
    report = Report((*report.checks, *deployment)).redacted(settings.secrets)
    for check in report.checks:
        click.echo(_line(check))
    click.echo(_counts(report.checks) + ".")
    click.get_current_context().exit(1 if report.has_problems else 0)
