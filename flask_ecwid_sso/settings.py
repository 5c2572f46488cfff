"""The ``ECWID_*`` configuration, read once and validated at start-up."""

from __future__ import annotations

import dataclasses
import re
import typing as t
from collections.abc import Mapping, MutableMapping

from .cache_backends import check_cache_url
from .exceptions import ConfigError
from .numbers import is_whole_number
from .payload_claims import Claims
from .signing import SSOSigner
from .widgets import check_lang

DEFAULTS: Mapping[str, t.Any] = {
    "ECWID_STORE_ID": None,
    "ECWID_SSO_ENABLED": True,
    "ECWID_CLIENT_ID": None,
    "ECWID_CLIENT_SECRET": None,
    "ECWID_SSO_APP_ID": None,
    "ECWID_SSO_SECRET": None,
    "ECWID_SSO_DIGEST": "sha256",
    "ECWID_API_TOKEN": None,
    "ECWID_API_URL": "https://app.ecwid.com/api/v3",
    "ECWID_SCRIPT_URL": "https://app.ecwid.com/script.js",
    "ECWID_URL_PREFIX": "/ecwid-sso",
    "ECWID_LOGIN_ENDPOINT": None,
    "ECWID_STORE_ENDPOINT": None,
    "ECWID_ALLOWED_HOSTS": (),
    "ECWID_API_TIMEOUT": 10,
    "ECWID_API_MAX_RETRIES": 3,
    "ECWID_CUSTOMER_CACHE_TTL": 300,
    "ECWID_REDIRECT_SIGN_IN_PAGE": False,
    "ECWID_CACHE": "memory://",
    "ECWID_CLEAN_URLS": False,
    "ECWID_STORE_LANG": None,
}

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_HOST = re.compile(r"[A-Za-z0-9.-]+(:[0-9]{1,5})?")


def describe(value: object) -> str:
    """What a config value is, never what it holds: a secret pasted into the wrong key stays out.

    ``ConfigError`` messages reach logs and consoles.
    """
    if isinstance(value, str):
        return f"a string of {len(value)} characters"
    if isinstance(value, (list, tuple, set, frozenset)):
        return f"a {type(value).__name__} of {len(value)} items"
    return f"a {type(value).__name__}"


def _check_not_a_rest_token(key: str, value: str | None, api_token: str | None) -> None:
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


def _trusted_hosts(config: Mapping[str, t.Any], allowed: t.Iterable[str]) -> tuple[str, ...]:
    trusted = [*allowed, config.get("SERVER_NAME")]
    flask_trusted = config.get("TRUSTED_HOSTS")
    if isinstance(flask_trusted, (list, tuple, set, frozenset)):
        # Patterns such as ".example.com" (any subdomain) are Flask's to judge, not a host.
        trusted += [host for host in flask_trusted if isinstance(host, str)]
    names = (
        host.lower()
        for host in trusted
        if isinstance(host, str) and _HOST.fullmatch(host) and not host.startswith(".")
    )
    return tuple(dict.fromkeys(names))


def _text(config: Mapping[str, t.Any], key: str) -> str | None:
    value = config.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(f"{key} must be a string, not {type(value).__name__}", key=key)
    value = value.strip()
    return value or None


def _flag(config: Mapping[str, t.Any], key: str) -> bool:
    value = config.get(key)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise ConfigError(f"{key} must be True or False, not {describe(value)}", key=key)


def _number(config: Mapping[str, t.Any], key: str, *, minimum: float) -> float:
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


def _url(config: Mapping[str, t.Any], key: str, *, allow_path: bool = False) -> str:
    value = _text(config, key)
    # No query or fragment: the store id and options are appended as the query.
    if value is not None and (
        re.fullmatch(r"https?://[^/\s?#]+(/[^\s?#]*)?", value)
        or (allow_path and re.fullmatch(r"/[^/\s?#][^\s?#]*", value))
    ):
        return value.rstrip("/")
    kind = "an http(s) URL or a path on this site" if allow_path else "an http(s) URL"
    raise ConfigError(f"{key} must be {kind}, without a query, not {describe(value)}", key=key)


def _cache(config: Mapping[str, t.Any]) -> object:
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


@dataclasses.dataclass(frozen=True)
class Settings:
    """The extension's configuration for one app, validated.

    Secrets are kept out of ``repr``. ``sso_app_field``/``sso_app_id``/``sso_secret``
    are what SSO signs with: the legacy ``ECWID_SSO_APP_ID``/``ECWID_SSO_SECRET``
    pair when set, else the app's client id and secret.
    """

    store_id: int
    sso_enabled: bool
    client_id: str | None
    client_secret: str | None = dataclasses.field(repr=False)
    sso_app_field: t.Literal["appClientId", "appId"]
    sso_app_id: str | None
    sso_secret: str | None = dataclasses.field(repr=False)
    sso_digest: str
    api_token: str | None = dataclasses.field(repr=False)
    api_url: str
    script_url: str
    url_prefix: str
    login_endpoint: str | None
    store_endpoint: str | None
    allowed_hosts: tuple[str, ...]
    #: Hosts an absolute return URL may name: ``allowed_hosts``, Flask's ``TRUSTED_HOSTS``
    #: (exact names) and ``SERVER_NAME``; never the request's ``Host`` header.
    trusted_hosts: tuple[str, ...]
    api_timeout: float
    api_max_retries: int
    customer_cache_ttl: float
    redirect_sign_in_page: bool
    clean_urls: bool
    store_lang: str | None
    #: ``ECWID_CACHE`` as given: a checked URL, a cachelib cache, or a Flask-Caching ``Cache``.
    cache: object = dataclasses.field(default="memory://", repr=False)

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every secret value set (client secret, legacy SSO key, API token), for redaction."""
        values = (self.client_secret, self.sso_secret, self.api_token)
        return tuple(value for value in values if value)

    def make_signer(self, claims: Claims | None = None) -> SSOSigner | None:
        """The signer SSO uses, unique by ``claims``, or ``None`` while SSO is off."""
        if not self.sso_enabled or self.sso_secret is None or self.sso_app_id is None:
            return None
        app = {"app_id" if self.sso_app_field == "appId" else "client_id": self.sso_app_id}
        return SSOSigner(self.sso_secret, digest=self.sso_digest, claims=claims, **app)

    @classmethod
    def from_config(cls, config: MutableMapping[str, t.Any]) -> Settings:
        """Fill in defaults, then read and check every ``ECWID_*`` key.

        Raises :class:`ConfigError` naming the first key that is malformed, or
        missing while an enabled feature needs it.
        """
        for key, default in DEFAULTS.items():
            config.setdefault(key, default)

        raw_store = config["ECWID_STORE_ID"]
        if raw_store is None:
            raise ConfigError(
                "ECWID_STORE_ID is required: the number in your Ecwid admin's URL"
                " (my.ecwid.com/store/NNNN)",
                key="ECWID_STORE_ID",
            )
        if not (is_whole_number(raw_store) or (isinstance(raw_store, str) and raw_store.isdigit())):
            raise ConfigError(
                f"ECWID_STORE_ID must be a whole number, not {describe(raw_store)}",
                key="ECWID_STORE_ID",
            )
        store_id = int(raw_store)
        if store_id <= 0:
            raise ConfigError("ECWID_STORE_ID must be positive", key="ECWID_STORE_ID")

        sso_enabled = _flag(config, "ECWID_SSO_ENABLED")
        client_id = _text(config, "ECWID_CLIENT_ID")
        client_secret = _text(config, "ECWID_CLIENT_SECRET")
        legacy_id = _text(config, "ECWID_SSO_APP_ID")
        legacy_secret = _text(config, "ECWID_SSO_SECRET")
        api_token = _text(config, "ECWID_API_TOKEN")
        _check_not_a_rest_token("ECWID_CLIENT_SECRET", client_secret, api_token)
        _check_not_a_rest_token("ECWID_SSO_SECRET", legacy_secret, api_token)
        if (legacy_id is None) != (legacy_secret is None):
            missing = "ECWID_SSO_SECRET" if legacy_secret is None else "ECWID_SSO_APP_ID"
            raise ConfigError(
                "the legacy SSO variant needs both ECWID_SSO_APP_ID and ECWID_SSO_SECRET;"
                f" {missing} is missing",
                key=missing,
            )
        sso_app_id: str | None
        sso_secret: str | None
        if legacy_id is not None:
            app_field: t.Literal["appClientId", "appId"] = "appId"
            sso_app_id, sso_secret = legacy_id, legacy_secret
        else:
            app_field = "appClientId"
            sso_app_id, sso_secret = client_id, client_secret
        if sso_enabled:
            for key, value in (
                ("ECWID_CLIENT_ID", sso_app_id),
                ("ECWID_CLIENT_SECRET", sso_secret),
            ):
                if value is None:
                    raise ConfigError(
                        f"{key} is required while ECWID_SSO_ENABLED is on: copy it from"
                        " your Ecwid admin, #develop-apps (or set ECWID_SSO_ENABLED = False)",
                        key=key,
                    )
        digest = _text(config, "ECWID_SSO_DIGEST") or "sha256"
        if digest not in ("sha256", "sha1"):
            raise ConfigError(
                "ECWID_SSO_DIGEST must be 'sha256' (or 'sha1' for legacy stores), not"
                f" {describe(digest)}",
                key="ECWID_SSO_DIGEST",
            )

        prefix = _text(config, "ECWID_URL_PREFIX") or ""
        if prefix and (not prefix.startswith("/") or prefix.endswith("/")):
            raise ConfigError(
                "ECWID_URL_PREFIX must start with '/' and not end with one, not"
                f" {describe(prefix)}",
                key="ECWID_URL_PREFIX",
            )
        raw_hosts = config["ECWID_ALLOWED_HOSTS"]
        if isinstance(raw_hosts, str):
            raw_hosts = [host for host in re.split(r"[,\s]+", raw_hosts) if host]
        if not isinstance(raw_hosts, (list, tuple, set, frozenset)) or not all(
            isinstance(host, str) and _HOST.fullmatch(host) for host in raw_hosts
        ):
            raise ConfigError(
                "ECWID_ALLOWED_HOSTS must be a list of host names (with an optional :port),"
                f" not {describe(raw_hosts)}",
                key="ECWID_ALLOWED_HOSTS",
            )
        retries = _number(config, "ECWID_API_MAX_RETRIES", minimum=0)
        if retries != int(retries):
            raise ConfigError(
                "ECWID_API_MAX_RETRIES must be a whole number", key="ECWID_API_MAX_RETRIES"
            )
        timeout = _number(config, "ECWID_API_TIMEOUT", minimum=0.001)
        store_lang = _text(config, "ECWID_STORE_LANG")
        try:
            store_lang = None if store_lang is None else check_lang(store_lang)
        except ValueError as exc:
            raise ConfigError(f"ECWID_STORE_LANG: {exc}", key="ECWID_STORE_LANG") from None

        return cls(
            store_id=store_id,
            sso_enabled=sso_enabled,
            client_id=client_id,
            client_secret=client_secret,
            sso_app_field=app_field,
            sso_app_id=sso_app_id,
            sso_secret=sso_secret,
            sso_digest=digest,
            api_token=api_token,
            api_url=_url(config, "ECWID_API_URL"),
            script_url=_url(config, "ECWID_SCRIPT_URL", allow_path=True),
            url_prefix=prefix,
            login_endpoint=_text(config, "ECWID_LOGIN_ENDPOINT"),
            store_endpoint=_text(config, "ECWID_STORE_ENDPOINT"),
            allowed_hosts=tuple(host.lower() for host in raw_hosts),
            trusted_hosts=_trusted_hosts(config, raw_hosts),
            api_timeout=timeout,
            api_max_retries=int(retries),
            customer_cache_ttl=_number(config, "ECWID_CUSTOMER_CACHE_TTL", minimum=0),
            redirect_sign_in_page=_flag(config, "ECWID_REDIRECT_SIGN_IN_PAGE"),
            clean_urls=_flag(config, "ECWID_CLEAN_URLS"),
            store_lang=store_lang,
            cache=_cache(config),
        )
