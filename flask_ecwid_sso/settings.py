"""The ``ECWID_*`` configuration, read once and validated at start-up."""

from __future__ import annotations

import dataclasses
import re
import typing as t
from collections.abc import Mapping, MutableMapping

from . import config_values
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
                f"ECWID_STORE_ID must be a whole number, not {config_values.describe(raw_store)}",
                key="ECWID_STORE_ID",
            )
        store_id = int(raw_store)
        if store_id <= 0:
            raise ConfigError("ECWID_STORE_ID must be positive", key="ECWID_STORE_ID")

        sso_enabled = config_values.flag(config, "ECWID_SSO_ENABLED")
        client_id = config_values.text(config, "ECWID_CLIENT_ID")
        client_secret = config_values.text(config, "ECWID_CLIENT_SECRET")
        legacy_id = config_values.text(config, "ECWID_SSO_APP_ID")
        legacy_secret = config_values.text(config, "ECWID_SSO_SECRET")
        api_token = config_values.text(config, "ECWID_API_TOKEN")
        config_values.check_not_a_rest_token("ECWID_CLIENT_SECRET", client_secret, api_token)
        config_values.check_not_a_rest_token("ECWID_SSO_SECRET", legacy_secret, api_token)
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
        digest = config_values.text(config, "ECWID_SSO_DIGEST") or "sha256"
        if digest not in ("sha256", "sha1"):
            raise ConfigError(
                "ECWID_SSO_DIGEST must be 'sha256' (or 'sha1' for legacy stores), not"
                f" {config_values.describe(digest)}",
                key="ECWID_SSO_DIGEST",
            )

        prefix = config_values.text(config, "ECWID_URL_PREFIX") or ""
        if prefix and (not prefix.startswith("/") or prefix.endswith("/")):
            raise ConfigError(
                "ECWID_URL_PREFIX must start with '/' and not end with one, not"
                f" {config_values.describe(prefix)}",
                key="ECWID_URL_PREFIX",
            )
        raw_hosts = config["ECWID_ALLOWED_HOSTS"]
        if isinstance(raw_hosts, str):
            raw_hosts = [host for host in re.split(r"[,\s]+", raw_hosts) if host]
        if not isinstance(raw_hosts, (list, tuple, set, frozenset)) or not all(
            isinstance(host, str) and config_values.HOST.fullmatch(host) for host in raw_hosts
        ):
            raise ConfigError(
                "ECWID_ALLOWED_HOSTS must be a list of host names (with an optional :port),"
                f" not {config_values.describe(raw_hosts)}",
                key="ECWID_ALLOWED_HOSTS",
            )
        retries = config_values.number(config, "ECWID_API_MAX_RETRIES", minimum=0)
        if retries != int(retries):
            raise ConfigError(
                "ECWID_API_MAX_RETRIES must be a whole number", key="ECWID_API_MAX_RETRIES"
            )
        timeout = config_values.number(config, "ECWID_API_TIMEOUT", minimum=0.001)
        store_lang = config_values.text(config, "ECWID_STORE_LANG")
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
            api_url=config_values.url(config, "ECWID_API_URL"),
            script_url=config_values.url(config, "ECWID_SCRIPT_URL", allow_path=True),
            url_prefix=prefix,
            login_endpoint=config_values.text(config, "ECWID_LOGIN_ENDPOINT"),
            store_endpoint=config_values.text(config, "ECWID_STORE_ENDPOINT"),
            allowed_hosts=tuple(host.lower() for host in raw_hosts),
            trusted_hosts=config_values.trusted_hosts(config, raw_hosts),
            api_timeout=timeout,
            api_max_retries=int(retries),
            customer_cache_ttl=config_values.number(config, "ECWID_CUSTOMER_CACHE_TTL", minimum=0),
            redirect_sign_in_page=config_values.flag(config, "ECWID_REDIRECT_SIGN_IN_PAGE"),
            clean_urls=config_values.flag(config, "ECWID_CLEAN_URLS"),
            store_lang=store_lang,
            cache=config_values.cache_value(config),
        )
