"""The fake's storefront: ``/script.js`` and the SSO check its store posts payloads to.

``script.js`` is made of the files in ``shop/`` beside this module: the
JavaScript parts in :data:`SCRIPT_PARTS` order, inside one function, after two
values they read: ``STYLESHEET`` (``shop.css``, whose header lists the
``--fake-ecwid-*`` custom properties a host page sets to style the store) and
``PICTURES`` (each ``shop/pictures/NAME.svg`` as a ``data:`` URL under
``NAME``). So the store loads nothing but its script and its SSO check.

The stateless checks live in :mod:`.sso_check`; this module adds the ones that
need memory (signatures seen, one customer per email, the (app id, ``userId``)
binding of each SSO customer) and the store's plan and scope.
"""

from __future__ import annotations

import base64
import importlib.resources
import json
import typing as t

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from .customers import customer_from_profile, email_taken, merge_profile
from .responses import cross_origin, error_response, json_response, read_json_body
from .sso_check import SSOLogEntry, read_payload

if t.TYPE_CHECKING:
    from .fake import FakeEcwid

__all__ = ["SCRIPT_PARTS", "Storefront", "storefront_script"]

#: The storefront's JavaScript files in ``shop/``, in the order they run.
SCRIPT_PARTS = (
    "start.js",
    "catalogue.js",
    "events.js",
    "sso.js",
    "navigation.js",
    "bag.js",
    "dom.js",
    "pages.js",
    "widgets.js",
    "api.js",
)


def storefront_script() -> str:
    """The text of ``script.js``: the parts of ``shop/`` with their stylesheet and pictures."""
    shop = importlib.resources.files(__package__).joinpath("shop")
    pictures = {
        entry.name.removesuffix(".svg"): "data:image/svg+xml;base64,"
        + base64.b64encode(entry.read_bytes()).decode("ascii")
        for entry in sorted(shop.joinpath("pictures").iterdir(), key=lambda entry: entry.name)
        if entry.name.endswith(".svg")
    }
    values = (
        '"use strict";\n'
        f"var STYLESHEET = {json.dumps(shop.joinpath('shop.css').read_text(encoding='utf-8'))};\n"
        f"var PICTURES = {json.dumps(pictures)};\n"
    )
    parts = [shop.joinpath(name).read_text(encoding="utf-8") for name in SCRIPT_PARTS]
    return "(function () {\n" + values + "\n".join(parts) + "})();\n"


class Storefront:
    """The storefront routes of ``fake``'s store and its memory of SSO sign-ons.

    It reads the fake's credentials, ``digest``, ``suspended``,
    ``plan_active``, ``features`` and ``scopes`` at each payload. Called with
    the fake's ``lock`` held.
    """

    def __init__(self, fake: FakeEcwid) -> None:
        self.fake = fake
        self._seen_signatures: set[str] = set()
        # (app id, userId) -> customer id: how Ecwid keys an SSO customer; never served.
        self._sso_bindings: dict[tuple[str, str], int] = {}

    def rules(self) -> list[Rule]:
        """The routes: the script, and the SSO check with its CORS preflight."""
        return [
            Rule("/script.js", methods=["GET"], endpoint=self.script),
            Rule("/storefront/sso", methods=["POST"], endpoint=self.sso),
            Rule("/storefront/sso", methods=["OPTIONS"], endpoint=self.preflight),
        ]

    def script(self, request: Request) -> Response:
        """``GET /script.js``: the storefront (:func:`storefront_script`)."""
        return Response(
            storefront_script(),
            mimetype="text/javascript",
            headers={"Cache-Control": "no-cache"},
        )

    def sso(self, request: Request) -> Response:
        """``POST /storefront/sso``: judge ``{"storeId", "payload"}``; answer the verdict."""
        body = read_json_body(request)
        if isinstance(body, Response):
            return cross_origin(body)
        payload, store_id = body.get("payload"), body.get("storeId")
        if not isinstance(payload, str) or not isinstance(store_id, (int, type(None))):
            return cross_origin(error_response(400, "Send {'storeId': number, 'payload': string}"))
        entry = self.fake.sign_on(payload, store_id=store_id)
        customer = None if entry.customer_id is None else self.fake.find_customer(entry.customer_id)
        return cross_origin(
            json_response(
                {"accepted": entry.accepted, "reason": entry.reason, "customer": customer}
            )
        )

    def preflight(self, request: Request) -> Response:
        """``OPTIONS /storefront/sso``: let a page on any origin post payloads."""
        response = cross_origin(Response(status=204))
        response.headers["Access-Control-Allow-Methods"] = "POST"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type"
        response.headers["Access-Control-Max-Age"] = "600"
        return response

    def judge(self, payload: str, store_id: int | None, now: float) -> SSOLogEntry:
        """The verdict on ``payload`` at ``now``, applied to the store; the caller logs it."""
        fake = self.fake
        if store_id is not None and store_id != fake.store_id:
            return SSOLogEntry(now, None, None, accepted=False, reason="wrong_store")
        if payload == "":
            return SSOLogEntry(now, None, None, accepted=True, reason="logged_out")
        if fake.app_id is None:
            app_field, app_id, key = "appClientId", fake.client_id, fake.client_secret
        else:
            app_field, app_id, key = "appId", fake.app_id, fake.sso_secret or fake.client_secret
        reading = read_payload(
            payload, key=key, app_field=app_field, app_id=app_id, digest=fake.digest, now=now
        )

        def verdict(reason: str, customer_id: int | None = None) -> SSOLogEntry:
            return SSOLogEntry(
                now,
                reading.user_id,
                reading.email,
                accepted=reason == "ok",
                reason=reason,
                customer_id=customer_id,
                signature=reading.signature,
            )

        user_id, email, signature = reading.user_id, reading.email, reading.signature
        if reading.reason != "ok" or user_id is None or email is None or signature is None:
            return verdict(reading.reason)
        if signature in self._seen_signatures:
            return verdict("replayed")
        self._seen_signatures.add(signature)
        if fake.suspended:
            return verdict("store_suspended")
        if not fake.plan_active or "PREMIUM" not in fake.features:
            return verdict("plan_inactive")
        binding = (app_id, user_id)
        bound_id = self._sso_bindings.get(binding)
        bound = None if bound_id is None else fake.find_customer(bound_id)
        if email_taken(fake.customers, email, other_than=None if bound is None else bound["id"]):
            return verdict("email_conflict")
        if bound is None:
            if "create_customers" not in fake.scopes:
                return verdict("missing_scope")
            bound = fake.add_customer(customer_from_profile(reading.profile, now))
            self._sso_bindings[binding] = bound["id"]
        else:
            merge_profile(bound, reading.profile, now)
        return verdict("ok", bound["id"])
