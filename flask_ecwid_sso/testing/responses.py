"""The fake's answers: Ecwid-shaped JSON and errors, and request bodies read as Ecwid does."""

from __future__ import annotations

import json
import typing as t

from werkzeug.wrappers import Request, Response

__all__ = [
    "ERROR_CODES",
    "JSON_TYPES",
    "cross_origin",
    "error_response",
    "json_response",
    "read_json_body",
]

#: The ``errorCode`` and default ``errorMessage`` of each status: the codes of
#: Ecwid's documented table (402 also has ``STORE_IS_SUSPENDED``, 403 also
#: ``INSUFFICIENT_APP_SCOPE``); 401, 404, 415 and 502 to 504 have no documented
#: code, so theirs are our stand-ins.
ERROR_CODES = {
    400: ("WRONG_PARAMETER", "Wrong request parameter"),
    401: ("INVALID_API_TOKEN", "Unauthorized"),
    402: ("NOT_AVAILABLE_ON_CURRENT_PLAN", "Feature not available on current plan"),
    403: ("INVALID_API_TOKEN", "Access denied"),
    404: ("NOT_FOUND", "Not found"),
    405: ("METHOD_NOT_ALLOWED", "HTTP method not supported by this endpoint"),
    408: ("TIMEOUT", "Request failed due to timeout"),
    409: ("CONSTRAINT_VIOLATION", "Constraint violation"),
    415: ("UNSUPPORTED_MEDIA_TYPE", "Content-Type must be application/json or text/json"),
    429: ("RATE_LIMITED", "Too many requests, rate limit exceeded"),
    500: ("INTERNAL_ERROR", "Internal server error"),
    502: ("BAD_GATEWAY", "Bad gateway"),
    503: ("SERVICE_UNAVAILABLE", "Service temporarily unavailable"),
    504: ("GATEWAY_TIMEOUT", "Gateway timeout"),
}
#: The media types Ecwid reads a request body as JSON from.
JSON_TYPES = frozenset({"application/json", "text/json"})


def json_response(body: object, status: int = 200) -> Response:
    """``body`` as an ``application/json`` answer."""
    return Response(json.dumps(body), status=status, mimetype="application/json")


def error_response(status: int, message: str | None = None, code: str | None = None) -> Response:
    """An Ecwid error answer: ``{"errorMessage": ..., "errorCode": ...}``.

    ``message`` and ``code`` default to the status's entry in ``ERROR_CODES``.
    """
    default_code, default_message = ERROR_CODES.get(status, ("ERROR", "Error"))
    return json_response(
        {"errorMessage": message or default_message, "errorCode": code or default_code}, status
    )


def cross_origin(response: Response) -> Response:
    """Let a store page on any origin read the answer, as Ecwid's storefront can."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def read_json_body(request: Request) -> dict[str, t.Any] | Response:
    """The request's JSON object, or the error answer Ecwid gives for anything else.

    The body may come as ``application/json`` or ``text/json``, as Ecwid's
    docs allow; another type is 415, malformed JSON or a non-object 400.
    """
    if request.mimetype not in JSON_TYPES:
        return error_response(415)
    try:
        body = json.loads(request.get_data(as_text=True))
    except ValueError:
        return error_response(400, "The request body is not valid JSON")
    if not isinstance(body, dict):
        return error_response(400, "The request body must be a JSON object")
    return body
