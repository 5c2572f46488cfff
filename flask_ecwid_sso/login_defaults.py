"""The callbacks' defaults, built on Flask-Login when it is installed.

This is the only module that imports Flask-Login.
"""

from __future__ import annotations

import typing as t
from collections.abc import Callable

from flask import Flask, current_app

from .exceptions import ConfigError, ProfileError
from .person import Person
from .profile import Profile

try:
    import flask_login
except ImportError:  # pragma: no cover - Flask-Login is optional
    flask_login = None


def current_user() -> t.Any:
    """Flask-Login's ``current_user`` when it is set up and authenticated, else ``None``."""
    if flask_login is None or not hasattr(current_app, "login_manager"):
        return None
    # One lookup through the proxy, not one per attribute read.
    user = flask_login.current_user._get_current_object()
    if user is None or not user.is_authenticated:
        return None
    return user


def profile(user: t.Any) -> Profile:
    """A :class:`Profile` from the user's ``email`` and ``name`` (or first and last name)."""
    email = getattr(user, "email", None)
    if not email:
        raise ProfileError(
            f"{type(user).__name__} has no email attribute: register a profile loader with"
            " @sso.profile_loader",
            field="email",
        )
    name = getattr(user, "name", None) or " ".join(
        part
        for part in (getattr(user, "first_name", None), getattr(user, "last_name", None))
        if part
    )
    return Profile(email=email, billing_person=Person(name=name) if name else None)


def user_id(user: t.Any) -> str | int:
    """The user's ``id`` attribute, else what its ``get_id()`` returns."""
    value: str | int | None = getattr(user, "id", None)
    if value is None and callable(getattr(user, "get_id", None)):
        value = user.get_id()
    if value is None:
        raise ProfileError(
            f"{type(user).__name__} has neither id nor get_id(): register a loader with"
            " @sso.user_id_loader",
            field="userId",
        )
    return value


def logout() -> object:
    """Flask-Login's ``logout_user``."""
    if flask_login is None:
        raise ConfigError(
            "no logout handler: install Flask-Login or register one with @sso.logout_handler"
        )
    return flask_login.logout_user()


def on_login_change(app: Flask, callback: Callable[[], object]) -> None:
    """Call ``callback`` whenever Flask-Login logs a user of ``app`` in or out."""
    if flask_login is None:  # pragma: no cover - Flask-Login is optional
        return

    def changed(sender: Flask, **extra: t.Any) -> None:
        callback()

    flask_login.user_logged_in.connect(changed, app, weak=False)
    flask_login.user_logged_out.connect(changed, app, weak=False)
