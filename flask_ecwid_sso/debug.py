"""The debug page: what Ecwid would make of this shopper's payload, and of the set-up.

Served at ``{ECWID_URL_PREFIX}/debug`` only while the app runs in debug mode;
a 404 otherwise. Secrets and tokens appear only as "set" or "missing".
"""

from __future__ import annotations

from flask import abort, current_app, make_response, render_template
from werkzeug.wrappers import Response as BaseResponse

from .config_checks import inspect_with_settings
from .diagnostics import Report, redact
from .doctor import check_config, config_summary
from .state import app_state


def debug_page() -> BaseResponse:
    """Show the current shopper's payload checked as Ecwid would, the config, recent API answers.

    The API is not called: run ``flask ecwid doctor`` for that. Never cached.
    """
    if not current_app.debug:
        abort(404)
    state = app_state()
    settings = state.settings
    secrets = settings.secrets
    payload, payload_error, inspection = "", None, None
    if state.signer is not None:
        try:
            payload = state.extension.payload()
        except Exception as exc:  # shown on the page: a failing loader is what it is here for
            payload_error = redact(f"{type(exc).__name__}: {exc}", secrets)
    if payload:
        inspection = inspect_with_settings(payload, settings).redacted(secrets)
    page = render_template(
        "ecwid_sso/debug.html",
        sso_enabled=state.signer is not None,
        payload=payload,
        payload_error=payload_error,
        inspection=inspection,
        config=config_summary(settings),
        config_checks=Report(tuple(check_config(settings))).redacted(secrets).checks,
        api_token_set=settings.api_token is not None,
        answers=state.client.recent_answers if settings.api_token else (),
        page_warnings=tuple(state.page_warnings),
    )
    response = make_response(page)
    response.headers["Cache-Control"] = "private, no-store"
    return response
