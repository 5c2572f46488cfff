"""The ``ecwid_sso`` blueprint: profile refresh, sign-in and sign-out hand-off, webhooks.

Views stay thin: the protocol lives in the pure core, the per-app state in the
extension.
"""

from __future__ import annotations

import logging
import time
import typing as t

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from .debug import debug_page
from .exceptions import ConfigError, WebhookError
from .identity import current_identity
from .redirects import path_of, safe_redirect_target
from .rendering import browser_config, sign_out_token
from .shared_state import StoreUnavailable
from .snippets import mark_personal
from .state import app_state
from .webhooks import WebhookEvent, verify_webhook

logger = logging.getLogger("flask_ecwid_sso")

blueprint = Blueprint(
    "ecwid_sso",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)

#: A second sign-in request within this many seconds means Ecwid refused the payload.
SIGN_IN_LOOP_WINDOW = 10
#: Webhook bodies are small JSON objects; anything larger is refused unread.
WEBHOOK_MAX_BYTES = 64 * 1024

_BOUNCE_KEY = "_ecwid_sso_sign_in_bounce"


def exempt_from_csrf(app: Flask) -> None:
    """Exempt the blueprint from Flask-WTF's CSRF check, when Flask-WTF is in use.

    Its POST routes carry their own proof: the webhook signature, and the
    session-bound sign-out token.
    """
    csrf = app.extensions.get("csrf")
    if csrf is not None and callable(getattr(csrf, "exempt", None)):
        csrf.exempt(blueprint)


@blueprint.url_value_preprocessor
def _exempt_late_csrf(endpoint: str | None, values: dict[str, t.Any] | None) -> None:
    # CSRFProtect may be set up after the extension. Every URL value preprocessor
    # runs before any before_request hook (its check), and the blueprint's only on
    # the blueprint's own requests: the site's pages pay nothing for it.
    exempt_from_csrf(current_app)


def _return_target(given: str | None) -> str:
    """``given`` if it is same-site, else the ``Referer``'s path, else the store page."""
    settings = app_state().settings
    default = url_for(settings.store_endpoint) if settings.store_endpoint else "/"
    return safe_redirect_target(
        given,
        path_of(request.referrer),
        allowed_hosts=settings.trusted_hosts,
        default=default,
    )


def _login_url(target: str) -> str:
    endpoint = app_state().settings.login_endpoint
    if endpoint is None:
        manager = getattr(current_app, "login_manager", None)
        endpoint = getattr(manager, "login_view", None)
    if not endpoint:
        raise ConfigError(
            "no login page to send shoppers to: set ECWID_LOGIN_ENDPOINT or Flask-Login's"
            " login_manager.login_view",
            key="ECWID_LOGIN_ENDPOINT",
        )
    return url_for(endpoint, next=target)


def _personal(response: BaseResponse) -> BaseResponse:
    mark_personal()
    return response


@blueprint.get("/profile")
def profile() -> BaseResponse:
    """The current payload and URLs, for ``Ecwid.setSsoProfile`` after an AJAX login or logout.

    ``signInUrl`` and ``signOutUrl`` are paths; the browser makes them absolute
    with its own origin (Ecwid's ``setSignInUrls`` wants absolute URLs).
    """
    identity = current_identity()
    config = browser_config(identity)
    return _personal(
        jsonify(
            profile=identity.payload,
            signInUrl=config["signInUrl"],
            signOutUrl=config["signOutUrl"],
            state=config["state"],
        )
    )


@blueprint.get("/sign-in")
def sign_in() -> BaseResponse | tuple[str, int]:
    """Ecwid's ``signInUrl``: on to the site's login page, then back to the store."""
    target = _return_target(request.args.get("next"))
    if not current_identity().logged_in:
        session.pop(_BOUNCE_KEY, None)
        return redirect(_login_url(target))
    now = time.time()
    last = session.get(_BOUNCE_KEY)
    if isinstance(last, (int, float)) and 0 <= now - last < SIGN_IN_LOOP_WINDOW:
        session.pop(_BOUNCE_KEY, None)
        logger.warning(
            "Ecwid asked a logged-in shopper to sign in twice within %s s: it refused the"
            " SSO payload. Run `flask ecwid doctor` to find out why.",
            SIGN_IN_LOOP_WINDOW,
        )
        return render_template("ecwid_sso/sign_in_refused.html", target=target), 409
    session[_BOUNCE_KEY] = now
    return redirect(target)


@blueprint.route("/sign-out", methods=["GET", "POST"])
def sign_out() -> BaseResponse | tuple[BaseResponse, int]:
    """Ecwid's ``signOutUrl``: logs out only with a valid token, else asks first."""
    source = request.form if request.method == "POST" else request.args
    target = _return_target(source.get("next"))
    identity = current_identity()
    if identity.user_id is None:
        return _personal(redirect(target))
    if app_state().sign_out.is_valid(source.get("token"), identity.user_id):
        app_state().extension.logout_current_user()
        return _personal(redirect(target))
    page = render_template("ecwid_sso/sign_out.html", token=sign_out_token(identity), target=target)
    status = 400 if request.method == "POST" else 200
    return _personal(Response(page, status=status, mimetype="text/html")), status


@blueprint.post("/webhooks")
def webhooks() -> tuple[Response, int]:
    """Ecwid's webhook URL: verify, drop repeats, dispatch, answer fast."""
    state = app_state()
    secret = state.settings.client_secret
    if secret is None:
        return jsonify(error="webhooks need ECWID_CLIENT_SECRET"), 404
    # Read at most one byte past the limit: a chunked body announces no length.
    body = request.stream.read(WEBHOOK_MAX_BYTES + 1)
    if len(body) > WEBHOOK_MAX_BYTES:
        return jsonify(error="body too large"), 413
    signature = request.headers.get("X-Ecwid-Webhook-Signature")
    if not signature or not verify_webhook(body, signature, secret):
        return jsonify(error="invalid or missing signature"), 401
    try:
        event = WebhookEvent.from_ecwid(body)
    except WebhookError as exc:
        return jsonify(error=str(exc)), 400
    stale = event.freshness_problem(time.time())
    if stale is not None:
        logger.warning("Ecwid webhook %s refused: %s", event.event_id, stale)
        return jsonify(error=stale), 400
    if event.store_id != state.settings.store_id:
        logger.info("ignoring a webhook for store %s", event.store_id)
        return jsonify(status="ignored", reason="another store"), 200
    try:
        # Dropping cached customers first is safe to repeat: a failure below gets a retry.
        if event.event_type.startswith("customer."):
            state.customers.forget(event)
        if not state.remember_webhook(event.event_id):
            return jsonify(status="duplicate"), 200
    except StoreUnavailable as exc:
        logger.error("Ecwid webhook %s deferred: %s", event.event_id, exc)
        return jsonify(error="the shared store is unreachable; Ecwid will retry"), 503
    handled = state.extension.dispatch_webhook(event)
    return jsonify(status="ok", handlers=handled), 200


blueprint.add_url_rule("/debug", view_func=debug_page)
