"""Reading one ``ECWID_*`` value: the checks every setting goes through.

Every ``ConfigError`` names its key and describes a bad value without quoting
it (:func:`describe`): a secret pasted into the wrong key stays out of logs.
"""

from __future__ import annotations

import re
import typing as t
from collections.abc import Mapping

from .cache_backends import check_cache_url
from .exceptions import ConfigError

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
HOST = re.compile(r"[A-Za-z0-9.-]+(:[0-9]{1,5})?")


def describe(value: object) -> str:
    """What a config value is, never what it holds: a secret pasted into the wrong key stays out.

    ``ConfigError`` messages reach logs and consoles.
    """
    if isinstance(value, str):
        return f"a string of {len(value)} characters"
    if isinstance(value, (list, tuple, set, frozenset)):
        return f"a {type(value).__name__} of {len(value)} items"
    return f"a {type(value).__name__}"


def check_not_a_rest_token(key: str, value: str | None, api_token: str | None) -> None:
    if value is None:
        return
    if value.startswith(("secret_", "public_")):
        raise ConfigError(
            f"{key} holds a REST API token (secret_... or public_...), not a signing secret:"
            " that token belongs in ECWID_API_TOKEN; copy the app's client_secret from Ecwid"
            " admin, #develop-apps",
            key=key,
        )
    if value == api_token:
        raise ConfigError(
            f"{key} and ECWID_API_TOKEN hold the same value: {key} is the app's client_secret,"
            " ECWID_API_TOKEN its secret_... REST token",
            key=key,
        )


def trusted_hosts(config: Mapping[str, t.Any], allowed: t.Iterable[str]) -> tuple[str, ...]:
    trusted = [*allowed, config.get("SERVER_NAME")]
    flask_trusted = config.get("TRUSTED_HOSTS")
    if isinstance(flask_trusted, (list, tuple, set, frozenset)):
        # Patterns such as ".example.com" (any subdomain) are Flask's to judge, not a host.
        trusted += [host for host in flask_trusted if isinstance(host, str)]
    names = (
        host.lower()
        for host in trusted
        if isinstance(host, str) and HOST.fullmatch(host) and not host.startswith(".")
    )
    return tuple(dict.fromkeys(names))


def text(config: Mapping[str, t.Any], key: str) -> str | None:
    value = config.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(f"{key} must be a string, not {type(value).__name__}", key=key)
    value = value.strip()
    return value or None


def flag(config: Mapping[str, t.Any], key: str) -> bool:
    value = config.get(key)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise ConfigError(f"{key} must be True or False, not {describe(value)}", key=key)


def number(config: Mapping[str, t.Any], key: str, *, minimum: float) -> float:
    value = config.get(key)
    try:
        if isinstance(value, bool):
            raise TypeError
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ConfigError(f"{key} must be a number, not {describe(value)}", key=key) from None
    if not number >= minimum:
        raise ConfigError(f"{key} must be at least {minimum:g}, not {number:g}", key=key)
    return number


def url(config: Mapping[str, t.Any], key: str, *, allow_path: bool = False) -> str:
    value = text(config, key)
    # No query or fragment: the store id and options are appended as the query.
    if value is not None and (
        re.fullmatch(r"https?://[^/\s?#]+(/[^\s?#]*)?", value)
        or (allow_path and re.fullmatch(r"/[^/\s?#][^\s?#]*", value))
    ):
        return value.rstrip("/")
    kind = "an http(s) URL or a path on this site" if allow_path else "an http(s) URL"
    raise ConfigError(f"{key} must be {kind}, without a query, not {describe(value)}", key=key)


def cache_value(config: Mapping[str, t.Any]) -> object:
    value = config.get("ECWID_CACHE")
    if isinstance(value, str):
        check_cache_url(value.strip())
        return value.strip()
    if value is None:
        raise ConfigError(
            "ECWID_CACHE must be set: memory:// for one process, file:///folder or"
            " redis://host:port/db for several",
            key="ECWID_CACHE",
        )
    return value
