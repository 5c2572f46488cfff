"""Fern & Fig, a small shop site showing flask-ecwid-sso end to end.

``create_app()`` builds it. With no ``ECWID_*`` settings in the environment it runs
offline: a FakeEcwid is mounted under ``/_ecwid/`` and the extension points its
script and API URLs there. With ``ECWID_STORE_ID``, ``ECWID_CLIENT_ID``,
``ECWID_CLIENT_SECRET`` and ``ECWID_API_TOKEN`` set, it talks to the real Ecwid.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import typing as t
from collections.abc import Mapping

import flask_login
from flask import (
    Flask,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_limiter import Limiter
from flask_wtf import CSRFProtect
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wrappers import Response

from flask_ecwid_sso import (
    ConfigError,
    EcwidAPIError,
    EcwidSSO,
    Person,
    Profile,
    safe_redirect_target,
)

from . import db, limits

sso = EcwidSSO()
login_manager = flask_login.LoginManager()
csrf = CSRFProtect()

FAKE_PREFIX = "/_ecwid"


def create_app(
    config: Mapping[str, t.Any] | None = None, *, public_url: str = "http://127.0.0.1:5000"
) -> Flask:
    """Build the shop. ``public_url`` is where it is served (the offline API lives there)."""
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_hex(32),
        DATABASE=os.path.join(app.instance_path, "shop.sqlite3"),
        ECWID_STORE_ENDPOINT="store",
        ECWID_CLEAN_URLS=True,
    )
    app.config.update({key: value for key, value in os.environ.items() if key.startswith("ECWID_")})
    app.config.update(config or {})
    if "ECWID_STORE_ID" not in app.config:
        _use_fake_ecwid(app, public_url)

    db.init_app(app)
    limiter = limits.init_limiter(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "login"
    login_manager.login_message = "Please sign in to see that page."
    sso.init_app(app)
    _register_views(app, limiter)
    return app


def make_shop_server(
    host: str = "127.0.0.1", port: int = 5000, config: Mapping[str, t.Any] | None = None
) -> tuple[BaseWSGIServer, Flask]:
    """A threaded server with the shop in it, bound but not yet serving.

    The socket is bound before the app is built, so that the offline store's
    API URL names the real port, even for ``port=0``.
    """
    server = make_server(host, port, app=_not_ready, threaded=True)
    app = create_app(config, public_url=f"http://{host}:{server.port}")
    server.app = app
    return server, app


def _not_ready(environ: t.Any, start_response: t.Any) -> list[bytes]:
    start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
    return [b"starting"]


def _use_fake_ecwid(app: Flask, public_url: str) -> None:
    from flask_ecwid_sso.testing import FakeEcwid

    # FakeEcwid's fixed demo credentials: every process (the server, `flask ecwid ...`)
    # signs and checks with the same ones. They protect nothing real.
    fake = FakeEcwid()
    fake.url = public_url.rstrip("/") + FAKE_PREFIX
    app.config.update(
        ECWID_STORE_ID=fake.store_id,
        ECWID_CLIENT_ID=fake.client_id,
        ECWID_CLIENT_SECRET=fake.client_secret,
        ECWID_API_TOKEN=fake.api_token,
        ECWID_API_URL=fake.api_url,
        ECWID_SCRIPT_URL=FAKE_PREFIX + "/script.js",
    )
    app.extensions["fake_ecwid"] = fake
    app.wsgi_app = DispatcherMiddleware(app.wsgi_app, {FAKE_PREFIX: fake})  # type: ignore[method-assign]


@login_manager.user_loader
def load_user(session_id: str) -> db.User | None:
    return db.get_by_session_id(session_id)


@sso.user_id_loader
def ecwid_user_id(user: db.User) -> int:
    return user.id


def start_session(user: db.User) -> None:
    """Log ``user`` in on a fresh session: nothing from before the login survives it."""
    session.clear()
    flask_login.login_user(user)


@sso.logout_handler
def end_session() -> None:
    """Log out for good: the session is emptied and every copy of its cookie stops working."""
    user = flask_login.current_user
    if user.is_authenticated:
        db.end_sessions(user.id)
    flask_login.logout_user()
    session.clear()


@sso.profile_loader
def ecwid_profile(user: db.User) -> Profile:
    return Profile(
        email=user.email, billing_person=Person(name=user.name), registered=user.created_at
    )


def _register_views(app: Flask, limiter: Limiter) -> None:
    @app.get("/")
    def home() -> str:
        return render_template("home.html")

    @app.get("/favicon.ico")
    def favicon() -> Response:
        # An SVG under the name browsers ask for on their own, so they never get a 404.
        static = os.path.join(app.root_path, "static")
        return send_from_directory(static, "favicon.svg", mimetype="image/svg+xml")

    @app.errorhandler(404)
    def not_found(_: Exception) -> tuple[str, int]:
        return render_template("not_found.html"), 404

    # The store lives at /store/ with clean URLs: /store/Coffee, /store/House-Blend-250-g, ...
    @sso.store_route(app, "/store/")
    def store() -> str:
        return render_template("store.html")

    @app.route("/login", methods=["GET", "POST"])
    @limiter.limit(limits.LOGIN_LIMIT, key_func=limits.client_address_key, methods=["POST"])
    @limiter.limit(limits.LOGIN_LIMIT, key_func=limits.login_email_key, methods=["POST"])
    def login() -> str | Response:
        target = safe_redirect_target(
            request.values.get("next"),
            allowed_hosts=sso.settings.trusted_hosts,
            default=url_for("store"),
        )
        if request.method == "POST":
            user = db.authenticate(request.form.get("email", ""), request.form.get("password", ""))
            if user is not None:
                start_session(user)
                return redirect(target)
            flash("That email and password do not match an account.", "error")
        return render_template("login.html", next=target)

    @app.route("/register", methods=["GET", "POST"])
    def register() -> str | Response:
        if request.method == "POST":
            email = request.form.get("email", "").strip()
            name = request.form.get("name", "").strip()
            password = request.form.get("password", "")
            if not name:
                flash("Please give your name.", "error")
                return render_template("register.html")
            try:
                Profile(email=email, billing_person=Person(name=name))
            except ValueError as exc:
                flash(f"Please check the form: {exc}", "error")
                return render_template("register.html")
            if len(password) < 8:
                flash("Please choose a password of at least 8 characters.", "error")
                return render_template("register.html")
            try:
                user = db.add_user(email, password, name)
            except sqlite3.IntegrityError:
                flash("There is already an account with that email.", "error")
                return render_template("register.html")
            start_session(user)
            return redirect(url_for("store"))
        return render_template("register.html")

    @app.post("/logout")
    def logout() -> Response:
        end_session()
        return redirect(url_for("home"))

    @app.get("/account")
    @flask_login.login_required
    def account() -> str:
        customer = problem = None
        try:
            customer = sso.customer_for(flask_login.current_user)
        except ConfigError:
            problem = "The store's API is not configured (ECWID_API_TOKEN is missing)."
        except EcwidAPIError as exc:
            app.logger.warning("Ecwid customer lookup failed: %s", exc)
            problem = "The store cannot be reached just now. Please try again in a minute."
        return render_template("account.html", customer=customer, problem=problem)
