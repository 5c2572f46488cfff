"""``flask ecwid ...``: commands for when Ecwid says nothing."""

from __future__ import annotations

import click
from flask.cli import AppGroup

ecwid_command = AppGroup("ecwid", help="Ecwid SSO: sign, inspect and diagnose.")


@ecwid_command.command("version")
def version() -> None:
    """Print the installed flask-ecwid-sso version."""
    from importlib.metadata import version as package_version

    click.echo(package_version("flask-ecwid-sso"))
