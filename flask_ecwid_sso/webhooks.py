"""Ecwid webhooks: the signature check and the event model.

Ecwid signs a delivery with the ``X-Ecwid-Webhook-Signature`` header: standard
base64 of the HMAC-SHA256 of ``"{eventCreated}.{eventId}"``, keyed with the
app's ``client_secret``. Only those two fields are signed, never the body: a
valid signature proves that Ecwid sent *an* event with that id at that time,
not that ``storeId``, ``entityId``, ``eventType`` or ``data`` are what Ecwid
sent. Handlers should treat them as a hint and re-read the entity through the
REST helper before acting on it. Ecwid retries a delivery for 24 hours, so a
handler may see the same ``eventId`` more than once.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import typing as t
from collections.abc import Mapping
from datetime import datetime, timezone

from .exceptions import ConfigError, WebhookError
from .numbers import is_whole_number

__all__ = ["SIGNATURE_HEADER", "WebhookEvent", "sign_webhook", "verify_webhook"]

SIGNATURE_HEADER = "X-Ecwid-Webhook-Signature"
"""The request header that carries the signature."""

# datetime cannot represent later instants; 253402300799 is 9999-12-31T23:59:59Z.
_MAX_TIMESTAMP = 253_402_300_799

WebhookBody: t.TypeAlias = Mapping[str, t.Any] | bytes | str


def sign_webhook(event_created: int, event_id: str, client_secret: str) -> str:
    """Return the ``X-Ecwid-Webhook-Signature`` value Ecwid would send for an event.

    Useful for tests and for fakes of Ecwid; the result reveals nothing of the
    secret.
    """
    _check_secret(client_secret)
    message = f"{event_created}.{event_id}".encode()
    digest = hmac.new(client_secret.encode(), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def verify_webhook(
    event: WebhookBody | None, signature: str | bytes | None, client_secret: str
) -> bool:
    """Tell whether ``signature`` is Ecwid's signature of ``event``.

    ``event`` is the parsed JSON body or the raw body (``bytes`` or ``str``);
    ``signature`` is the ``X-Ecwid-Webhook-Signature`` header. The comparison
    takes constant time. Returns ``False``, never raises, for anything that is
    not a correctly signed event: a missing or non-ASCII signature, a body that
    is not a JSON object, a missing or mistyped ``eventId`` (a string) or
    ``eventCreated`` (an integer).

    Only ``eventCreated`` and ``eventId`` are signed: see the module
    documentation for what that means for the rest of the body.

    Raises :class:`~flask_ecwid_sso.ConfigError` when ``client_secret`` is not a
    non-empty string, since an empty key would let anyone sign.
    """
    _check_secret(client_secret)
    fields = _load_body(event)
    if fields is None:
        return False
    event_id = fields.get("eventId")
    event_created = fields.get("eventCreated")
    if not isinstance(event_id, str) or not is_whole_number(event_created):
        return False
    if isinstance(signature, str):
        if not signature.isascii():
            return False
        signature = signature.encode("ascii")
    elif not isinstance(signature, bytes):
        return False
    try:
        expected = sign_webhook(event_created, event_id, client_secret)
    except ValueError:  # a lone surrogate in eventId, or an integer too long to print
        return False
    return hmac.compare_digest(expected.encode("ascii"), signature)


#: Ecwid retries a failed delivery for 24 hours; an older event is a replay.
MAX_EVENT_AGE = 25 * 3600
#: Clock skew tolerated for an event's ``eventCreated``.
MAX_EVENT_AHEAD = 5 * 60


@dataclasses.dataclass(frozen=True)
class WebhookEvent:
    """One webhook delivery from Ecwid, read from its JSON body.

    ``data`` holds the event's extra fields as Ecwid sent them (customer events
    carry ``customerEmail``); it is empty when the body has none. Reading an
    event checks its shape, not its signature: call :func:`verify_webhook`
    first, and remember that only ``event_id`` and ``event_created`` are
    covered by the signature.
    """

    event_id: str
    event_created: int
    store_id: int
    entity_id: int | str
    event_type: str
    data: Mapping[str, t.Any] = dataclasses.field(default_factory=dict, hash=False)

    @classmethod
    def from_ecwid(cls, body: WebhookBody) -> WebhookEvent:
        """Read an event from the parsed JSON body or the raw body.

        Raises :class:`~flask_ecwid_sso.WebhookError` naming the first field
        that is missing or of the wrong type, or saying that the body is not a
        JSON object.
        """
        fields = _load_body(body)
        if fields is None:
            raise WebhookError("the webhook body is not a JSON object")
        event_id = _str_field(fields, "eventId")
        event_created = _int_field(fields, "eventCreated")
        if not 0 <= event_created <= _MAX_TIMESTAMP:
            raise WebhookError("webhook field 'eventCreated' is not a plausible UNIX time")
        store_id = _int_field(fields, "storeId")
        entity_id = fields.get("entityId")
        if not (is_whole_number(entity_id) or (isinstance(entity_id, str) and entity_id)):
            raise _field_error(fields, "entityId", "an integer or a non-empty string")
        event_type = _str_field(fields, "eventType")
        data = fields.get("data")
        if data is None:
            data = {}
        elif not isinstance(data, Mapping):
            raise WebhookError("webhook field 'data' must be a JSON object when present")
        return cls(event_id, event_created, store_id, entity_id, event_type, dict(data))

    def freshness_problem(
        self,
        now: float,
        *,
        max_age: float = MAX_EVENT_AGE,
        max_ahead: float = MAX_EVENT_AHEAD,
    ) -> str | None:
        """Why this event is too old or too new to trust at ``now``, or ``None`` when fresh.

        Only ``eventCreated`` and ``eventId`` are signed: a captured signature
        can carry a rewritten body. Ecwid retries a delivery for 24 hours, so
        an event older than ``max_age`` (25 hours) is a replay, not a retry;
        one more than ``max_ahead`` (5 minutes) ahead means a clock is wrong.
        """
        age = now - self.event_created
        if age > max_age:
            return f"the event was created {age / 3600:.0f} hours ago: Ecwid retries for 24 only"
        if -age > max_ahead:
            return f"the event was created {-age:.0f} s in the future: check this server's clock"
        return None

    @property
    def created_at(self) -> datetime:
        """When Ecwid created the event, as an aware UTC datetime."""
        return datetime.fromtimestamp(self.event_created, tz=timezone.utc)

    @property
    def customer_email(self) -> str | None:
        """``data["customerEmail"]`` of customer events, else ``None``."""
        email = self.data.get("customerEmail")
        return email if isinstance(email, str) else None


def _check_secret(client_secret: object) -> None:
    if not isinstance(client_secret, str) or not client_secret:
        raise ConfigError(
            "client_secret must be the app's non-empty client_secret string",
            key="client_secret",
        )


def _load_body(body: object) -> Mapping[str, t.Any] | None:
    if isinstance(body, (bytes, str)):
        try:
            body = json.loads(body)
        except (ValueError, RecursionError):
            return None
    return body if isinstance(body, Mapping) else None


def _str_field(fields: Mapping[str, t.Any], name: str) -> str:
    value = fields.get(name)
    if not isinstance(value, str) or not value:
        raise _field_error(fields, name, "a non-empty string")
    return value


def _int_field(fields: Mapping[str, t.Any], name: str) -> int:
    value = fields.get(name)
    if not is_whole_number(value):
        raise _field_error(fields, name, "an integer")
    return value


def _field_error(fields: Mapping[str, t.Any], name: str, expected: str) -> WebhookError:
    if fields.get(name) is None:
        return WebhookError(f"webhook field {name!r} is missing")
    return WebhookError(f"webhook field {name!r} must be {expected}")
