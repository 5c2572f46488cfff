"""Loaders written as the docs write them: ``mypy --strict`` must accept every one."""

from __future__ import annotations

from flask import Flask

from flask_ecwid_sso import EcwidSSO, Person, Profile, WebhookEvent

sso = EcwidSSO()
app = Flask(__name__)


class User:
    id: int = 1
    email: str = "alice@example.com"
    name: str = "Alice"


@sso.current_user_loader
def current_user() -> User | None:
    return User()


@sso.profile_loader
def profile(user: User) -> Profile:
    return Profile(email=user.email, billing_person=Person(name=user.name))


@sso.profile_loader
def profile_mapping(user: User) -> dict[str, str] | None:
    return {"email": user.email}


@sso.user_id_loader
def user_id(user: User) -> int:
    return user.id


@sso.logout_handler
def logout() -> None:
    pass


@sso.on_webhook("customer.updated")
def customer_updated(event: WebhookEvent) -> None:
    pass


@sso.locale_loader
def store_language() -> str | None:
    return "fr"


@sso.store_route(app, "/store/")
def store() -> str:
    return "the store page"


assert profile(User()).email == "alice@example.com"
assert store_language() == "fr"
assert store() == "the store page"
