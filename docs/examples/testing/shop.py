"""A small shop: the app that the testing guide's ``conftest.py`` points at FakeEcwid.

Yours will differ; what the conftest needs is an app factory that takes settings.
"""

from __future__ import annotations

import typing as t

from flask import Flask, render_template_string
from flask_login import LoginManager, UserMixin

from flask_ecwid_sso import EcwidSSO, Person, Profile

sso = EcwidSSO()
login_manager = LoginManager()


class User(UserMixin):
    def __init__(self, id: int, email: str, name: str) -> None:
        self.id = id
        self.email = email
        self.name = name


USERS = {1: User(1, "ann@example.com", "Ann Lee")}


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return USERS.get(int(user_id))


@sso.profile_loader
def ecwid_profile(user: User) -> Profile:
    return Profile(email=user.email, billing_person=Person(name=user.name))


def create_app(config: t.Mapping[str, t.Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_prefixed_env()  # FLASK_SECRET_KEY, FLASK_ECWID_STORE_ID, ...
    app.config.update(config or {})
    login_manager.init_app(app)
    login_manager.login_view = "login"
    sso.init_app(app)

    @app.get("/login")
    def login() -> str:
        return "the login form"

    @sso.store_route(app, "/store/")
    def store() -> str:
        return render_template_string('{{ ecwid_widget("store") }}')

    return app
