"""Loaders with the mistakes the decorators' types must catch: each line marked ``E:`` fails."""

from __future__ import annotations

from flask import Flask

from flask_ecwid_sso import EcwidSSO

sso = EcwidSSO()
app = Flask(__name__)


@sso.profile_loader  # E: a profile loader takes the user
def no_user() -> None:
    return None


@sso.profile_loader  # E: a profile loader returns a Profile, a mapping or None
def returns_int(user: object) -> int:
    return 5


@sso.user_id_loader  # E: a userId is a string or an integer
def returns_list(user: object) -> list[int]:
    return [1]


@sso.current_user_loader  # E: the current user loader takes no argument
def takes_request(request: object) -> object:
    return None


@sso.on_webhook()  # E: a webhook handler takes the event
def no_event() -> None:
    pass


@sso.locale_loader  # E: a locale loader takes no argument
def locale_of(user: object) -> str:
    return "fr"


@sso.locale_loader  # E: a locale loader returns a language code or None
def locale_number() -> int:
    return 1


@sso.store_route(app, "/store/")  # E: a store view returns a response
def no_response() -> object:
    return object()
