"""``flask ecwid doctor``'s checks of the settings alone, without asking Ecwid anything.

The usual mistakes: a client id that holds a secret, a ``public_`` token, a
cut secret, SHA-1, the legacy variant. (A REST token where a signing secret
belongs never gets this far: start-up refuses it.) :func:`config_summary`
shows the settings without their secrets; :func:`inspect_with_settings`
inspects a payload against them. Nothing here imports Flask.
"""

from __future__ import annotations

from .diagnostics import inspect_payload
from .reports import SHA1_REFUSED, VARIANTS, Check, Inspection, looks_like_api_token, show
from .settings import Settings

__all__ = ["CLIENT_SECRET_LENGTH", "check_config", "config_summary"]

#: Ecwid's client secrets are this long; a shorter one was probably cut when copied.
CLIENT_SECRET_LENGTH = 32


def _public(value: str | None, settings: Settings) -> str:
    """``value`` for display, unless it is one of the secrets (a client id pasted wrong)."""
    if value is None:
        return "missing"
    if value in settings.secrets:
        return "(a secret: not shown)"
    return value


def config_summary(settings: Settings) -> list[tuple[str, str]]:
    """The ``ECWID_*`` settings for display: secrets and tokens only as ``set`` or ``missing``."""

    def presence(value: str | None) -> str:
        return "missing" if value is None else "set"

    legacy = settings.sso_app_field == "appId"
    return [
        ("ECWID_STORE_ID", str(settings.store_id)),
        ("ECWID_SSO_ENABLED", str(settings.sso_enabled)),
        ("ECWID_CLIENT_ID", _public(settings.client_id, settings)),
        ("ECWID_CLIENT_SECRET", presence(settings.client_secret)),
        ("ECWID_SSO_APP_ID", _public(settings.sso_app_id if legacy else None, settings)),
        ("ECWID_SSO_SECRET", presence(settings.sso_secret if legacy else None)),
        ("ECWID_SSO_DIGEST", settings.sso_digest),
        ("ECWID_API_TOKEN", presence(settings.api_token)),
        ("ECWID_API_URL", settings.api_url),
        ("ECWID_SCRIPT_URL", settings.script_url),
        ("ECWID_URL_PREFIX", settings.url_prefix or "/"),
    ]


def check_config(settings: Settings) -> list[Check]:
    """Check the settings alone, without asking Ecwid anything."""
    checks = [Check("store id", "ok", f"ECWID_STORE_ID is {settings.store_id}")]
    if settings.sso_enabled:
        checks.append(
            Check(
                "sso",
                "ok",
                f"SSO is on, {VARIANTS[settings.sso_app_field]} variant:"
                f" {settings.sso_app_field} {_public(settings.sso_app_id, settings)!r}",
            )
        )
    else:
        checks.append(
            Check(
                "sso",
                "warning",
                "ECWID_SSO_ENABLED is off: no payloads are made, so shoppers are never signed"
                " in to the store",
                "sso_off",
            )
        )
    checks.append(_check_client_id(settings))
    checks.append(_check_client_secret(settings))
    if settings.sso_app_field == "appId":
        checks.append(_check_legacy(settings))
    if settings.sso_digest == "sha1":
        checks.append(
            Check(
                "digest",
                "problem",
                f"ECWID_SSO_DIGEST is 'sha1': {SHA1_REFUSED}; set it to 'sha256'",
                "sha1",
            )
        )
    else:
        checks.append(Check("digest", "ok", "payloads are signed with SHA-256"))
    checks.append(_check_api_token(settings))
    return checks


def _check_client_id(settings: Settings) -> Check:
    client_id = settings.client_id
    if client_id is None:
        if not settings.sso_enabled:
            return Check("client id", "ok", "ECWID_CLIENT_ID is not set (SSO is off)")
        return Check(
            "client id", "ok", "ECWID_CLIENT_ID is not set (the legacy variant needs none)"
        )
    if client_id in (settings.client_secret, settings.api_token, settings.sso_secret):
        return Check(
            "client id",
            "problem",
            "ECWID_CLIENT_ID holds a secret: the client id travels in every payload, so that"
            " secret is now public; put the app's client_id there and have the secret rotated",
            "secret_as_client_id",
        )
    if looks_like_api_token(client_id):
        return Check(
            "client id",
            "problem",
            "ECWID_CLIENT_ID holds a REST token (secret_.../public_...), not the app's"
            " client_id: copy the client_id from Ecwid admin, #develop-apps",
            "api_token_as_client_id",
        )
    return Check("client id", "ok", f"ECWID_CLIENT_ID is {show(client_id)}")


def _check_client_secret(settings: Settings) -> Check:
    # A REST token here, or the API token itself, is refused at start-up (Settings).
    secret = settings.client_secret
    if secret is None:
        return Check(
            "client secret",
            "warning",
            "ECWID_CLIENT_SECRET is not set: webhooks and native-app payloads need it",
            "missing_client_secret",
        )
    if len(secret) < CLIENT_SECRET_LENGTH:
        return Check(
            "client secret",
            "warning",
            f"ECWID_CLIENT_SECRET has {len(secret)} characters; Ecwid's client secrets have"
            f" {CLIENT_SECRET_LENGTH}: was it cut when copied?",
            "short_client_secret",
        )
    return Check("client secret", "ok", "ECWID_CLIENT_SECRET is set")


def _check_legacy(settings: Settings) -> Check:
    # A REST token as the legacy SSO key is refused at start-up (Settings).
    return Check(
        "legacy",
        "warning",
        "the legacy variant is in use (appId with ECWID_SSO_SECRET): Ecwid documents only"
        " appClientId today. Keep it only while this live site has always used it:"
        " switching app id makes existing customers' emails collide",
        "legacy_variant",
    )


def _check_api_token(settings: Settings) -> Check:
    token = settings.api_token
    if token is None:
        return Check(
            "api token",
            "warning",
            "ECWID_API_TOKEN is not set: customer lookups are off, and the token, scopes, plan,"
            " clock and email conflicts cannot be checked",
            "missing_api_token",
        )
    if token.startswith("public_"):
        return Check(
            "api token",
            "problem",
            "ECWID_API_TOKEN is a public_ token, which cannot read customers: use the app's"
            " secret_ token (Ecwid admin, #develop-apps)",
            "public_api_token",
        )
    if not token.startswith("secret_"):
        return Check(
            "api token",
            "warning",
            "ECWID_API_TOKEN does not start with secret_, as Ecwid's REST tokens do: it looks"
            " like a client secret. The secret_ token goes in ECWID_API_TOKEN, the app's"
            " client_secret in ECWID_CLIENT_SECRET",
            "odd_api_token",
        )
    return Check("api token", "ok", "ECWID_API_TOKEN is a secret_ token")


def inspect_with_settings(
    payload: str, settings: Settings, *, now: float | None = None
) -> Inspection:
    """:func:`inspect_payload` with the app id, secret and other keys of ``settings``."""
    legacy = settings.sso_app_field == "appId"
    others: dict[str, str | None] = {"ECWID_API_TOKEN": settings.api_token}
    if legacy:
        others["ECWID_CLIENT_SECRET"] = settings.client_secret
    return inspect_payload(
        payload,
        app_field=settings.sso_app_field,
        app_id=settings.sso_app_id,
        secret=settings.sso_secret,
        key_name="ECWID_SSO_SECRET" if legacy else "ECWID_CLIENT_SECRET",
        other_keys=others,
        now=now,
    )
