"""The one exception family of flask-ecwid-sso.

Every error the library raises on purpose is an :class:`EcwidSSOError`, so an
application can catch them all at once, or pick the one it cares about. Data
travels on attributes; messages say what to do. No message ever carries the
client secret or the API token.
"""

from __future__ import annotations

import typing as t


class EcwidSSOError(Exception):
    """Base class of every error raised by flask-ecwid-sso."""


class ConfigError(EcwidSSOError):
    """A configuration value is missing or malformed.

    ``key`` names the offending ``ECWID_*`` key (or constructor argument) when
    there is one.
    """

    def __init__(self, message: str, *, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key


class ProfileError(EcwidSSOError, ValueError):
    """A profile is not acceptable to Ecwid; ``field`` names the culprit."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


TokenErrorReason = t.Literal[
    "malformed", "bad_signature", "wrong_app", "expired", "future", "missing_field"
]


class TokenError(EcwidSSOError):
    """An SSO payload failed a check Ecwid would make.

    ``reason`` is one of ``"malformed"``, ``"bad_signature"``, ``"wrong_app"``,
    ``"expired"``, ``"future"`` or ``"missing_field"``.
    """

    def __init__(self, message: str, *, reason: TokenErrorReason) -> None:
        super().__init__(message)
        self.reason: TokenErrorReason = reason


class WebhookError(EcwidSSOError):
    """A webhook delivery is unsigned, wrongly signed, or malformed."""


class PayloadError(EcwidSSOError):
    """A native-app payload cannot be decrypted or read."""


class EcwidAPIError(EcwidSSOError):
    """Ecwid's REST API answered with an error, or did not answer.

    ``status`` is the HTTP status (``None`` when no answer came), ``code`` is
    Ecwid's ``errorCode`` when it sent one and ``error_message`` its
    ``errorMessage`` (both with the API token redacted, and cut to a sane
    length). ``message`` is Ecwid's message or, where that would not help (a
    409, no answer, no message), our own explanation of what to do.
    ``method`` and ``url`` say which request failed. The URL never carries
    the token: it travels only in the ``Authorization`` header.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        method: str | None = None,
        url: str | None = None,
        error_message: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.method = method
        self.url = url
        self.error_message = error_message

    @classmethod
    def from_status(
        cls,
        status: int,
        *,
        code: str | None = None,
        message: str | None = None,
        reason: str | None = None,
        retry_after: float | None = None,
        method: str | None = None,
        url: str | None = None,
    ) -> EcwidAPIError:
        """The error for an answer with HTTP ``status``, of the subclass that status means.

        ``code`` and ``message`` are Ecwid's ``errorCode`` and ``errorMessage``
        (``None`` when the body had none), kept as ``code`` and
        ``error_message``; without a message the error says what the status
        means and what to do. ``reason`` is the HTTP reason phrase, for
        statuses this family has no word for. ``retry_after`` is kept on
        :class:`EcwidRateLimited`. A 3xx is an error too: redirects are never
        followed, so the token never travels to another address.
        """
        error_class, hint = _STATUS_ERRORS.get(status) or _status_range(status, reason)
        if status == 409:
            # Ecwid's wording for a conflict is not documented; ours names the likely cause.
            hint = _CONFLICTS.get(code or "", hint)
            text = f"{hint} (Ecwid: {message})" if message else hint
        else:
            text = message or hint
        if error_class is EcwidRateLimited:
            return EcwidRateLimited(
                text,
                retry_after=retry_after,
                status=status,
                code=code,
                method=method,
                url=url,
                error_message=message,
            )
        return error_class(
            text, status=status, code=code, method=method, url=url, error_message=message
        )

    def __str__(self) -> str:
        where = f"{self.method} {self.url}" if self.method and self.url else None
        parts = [str(self.status)] if self.status is not None else []
        if self.code:
            parts.append(self.code)
        prefix = " ".join(parts)
        text = f"{prefix}: {self.message}" if prefix else self.message
        return f"{text} ({where})" if where else text


class EcwidAuthError(EcwidAPIError):
    """401 or 403: the token is wrong, revoked, or lacks a scope. Never retried."""


class EcwidPlanError(EcwidAPIError):
    """402: the store's plan lacks the feature, or the store is suspended."""


class EcwidNotFound(EcwidAPIError):
    """404: the store or the entity does not exist.

    Also raised, with ``status`` 200, when Ecwid answers an update or a delete
    with ``updateCount`` or ``deleteCount`` 0: nothing was changed.
    """


class EcwidRateLimited(EcwidAPIError):
    """429: too many requests; ``retry_after`` is how long Ecwid asked to wait, in seconds."""

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        status: int | None = 429,
        code: str | None = None,
        method: str | None = None,
        url: str | None = None,
        error_message: str | None = None,
    ) -> None:
        super().__init__(
            message, status=status, code=code, method=method, url=url, error_message=error_message
        )
        self.retry_after = retry_after


class EcwidServerError(EcwidAPIError):
    """5xx, or 408: Ecwid failed or timed out, and kept doing so through every retry."""


class EcwidConnectionError(EcwidAPIError):
    """No answer at all: the connection was refused, reset, or timed out."""


_STATUS_ERRORS: dict[int, tuple[type[EcwidAPIError], str]] = {
    401: (EcwidAuthError, "the API token was refused; check ECWID_API_TOKEN"),
    402: (EcwidPlanError, "the store's plan lacks this feature, or the store is suspended"),
    403: (
        EcwidAuthError,
        "the API token was refused or lacks a scope (read_customers, create_customers, "
        "update_customers); check the token and the app's scopes",
    ),
    404: (EcwidNotFound, "not found; check the store id and the customer id"),
    408: (EcwidServerError, "Ecwid timed out on the request, through every retry; try later"),
    409: (
        EcwidAPIError,
        "a customer with this email already exists (Ecwid allows one customer per email); "
        "look it up with find_customer_by_email()",
    ),
    429: (EcwidRateLimited, "too many requests; wait for Retry-After and try again"),
}

# 409 hints by Ecwid's errorCode; the default names the usual cause, a taken email.
_CONFLICTS = {
    "EXTERNAL_ID_ALREADY_USED": "another customer already has this external id",
}


def _status_range(status: int, reason: str | None) -> tuple[type[EcwidAPIError], str]:
    if status >= 500:
        return EcwidServerError, "Ecwid failed, and kept failing through every retry; try later"
    if 300 <= status < 400:
        return (
            EcwidAPIError,
            "Ecwid answered with a redirect, which this client never follows (the token must"
            " not travel to another address): check ECWID_API_URL",
        )
    if status < 200:
        return EcwidAPIError, f"Ecwid answered with an interim status {status}, not an answer"
    return EcwidAPIError, f"Ecwid refused the request ({reason or status})"


class LegacyDigestWarning(UserWarning):
    """SHA-1 signing was asked for; Ecwid stopped accepting it on 2025-03-20."""
