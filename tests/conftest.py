from __future__ import annotations

import os
import typing as t
from collections.abc import Callable, Iterator
from pathlib import Path

import flask_login
import pytest
from flask import Flask, render_template_string
from flask.testing import FlaskClient
from helpers import (
    CLIENT_ID,
    CLIENT_SECRET,
    PAGE,
    SECRET_KEY,
    STORE_ID,
    USERS,
    MakeClient,
    ManualClock,
    client_maker,
    running,
)
from hypothesis import settings
from servers import RedisServer, ServerMissing, unavailable

from flask_ecwid_sso import EcwidSSO
from flask_ecwid_sso.state import app_state
from flask_ecwid_sso.testing import FakeEcwid

if t.TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

# 2-core CI machines are slow and noisy: no per-example deadline.
settings.register_profile("default", deadline=None)
settings.load_profile("default")

AppFactory = Callable[..., Flask]


@pytest.fixture
def make_app() -> AppFactory:
    """Build an app with Flask-Login, two users and a store page; keyword args are config."""

    def factory(*, sso: EcwidSSO | None = None, **config: t.Any) -> Flask:
        app = Flask(__name__)
        app.config.update(
            TESTING=True,
            SECRET_KEY=SECRET_KEY,
            SERVER_NAME="shop.test",
            ECWID_STORE_ID=STORE_ID,
            ECWID_CLIENT_ID=CLIENT_ID,
            ECWID_CLIENT_SECRET=CLIENT_SECRET,
        )
        app.config.update(config)
        manager = flask_login.LoginManager(app)
        manager.login_view = "login"
        manager.user_loader(lambda user_id: USERS.get(int(user_id)))

        @app.get("/login")
        def login() -> str:
            return "login page"

        @app.get("/login-as/<int:user_id>")
        def login_as(user_id: int) -> str:
            flask_login.login_user(USERS[user_id])
            return "ok"

        @app.get("/logout")
        def logout() -> str:
            flask_login.logout_user()
            return "ok"

        @app.get("/store")
        def store() -> str:
            return render_template_string(PAGE)

        @app.get("/plain")
        def plain() -> str:
            return "no store here"

        (sso or EcwidSSO()).init_app(app)
        return app

    return factory


@pytest.fixture
def app(make_app: AppFactory) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def make_api_app(make_app: AppFactory, fake_ecwid: FakeEcwid) -> Iterator[AppFactory]:
    """Like ``make_app``, with the REST client on the served FakeEcwid.

    Keyword args override the config; ``None`` leaves a key unset. The apps'
    REST clients are closed after the test.
    """
    apps: list[Flask] = []

    def factory(**config: t.Any) -> Flask:
        config = {
            "ECWID_API_URL": fake_ecwid.api_url,
            "ECWID_API_TOKEN": fake_ecwid.api_token,
            **config,
        }
        app = make_app(**{key: value for key, value in config.items() if value is not None})
        apps.append(app)
        return app

    yield factory
    for app in apps:
        if app_state(app).settings.api_token:
            app_state(app).client.close()


@pytest.fixture
def make_client(fake_ecwid: FakeEcwid) -> Iterator[MakeClient]:
    """Make ``EcwidClient``s on the served FakeEcwid (keywords go to the client), closed after."""
    with client_maker(fake_ecwid) as make:
        yield make


@pytest.fixture
def clock() -> ManualClock:
    """A clock that stands still at ``helpers.NOW`` until the test advances it."""
    return ManualClock()


class Shop(t.NamedTuple):
    """The example site served on loopback, on its own mounted FakeEcwid."""

    url: str
    app: Flask

    @property
    def fake(self) -> t.Any:
        return self.app.extensions["fake_ecwid"]


@pytest.fixture
def shop(tmp_path: Path) -> t.Iterator[Shop]:
    from example_site import make_shop_server

    server, app = make_shop_server(
        "127.0.0.1", 0, {"DATABASE": str(tmp_path / "shop.sqlite3"), "ECWID_API_MAX_RETRIES": 0}
    )
    with running(server) as url:
        yield Shop(url, app)


# -- real Chromium, for tests/browser ------------------------------------------

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
INSTALL_HINT = (
    "browser tests need Debian's Chromium, Playwright and axe-playwright-python:"
    " apt-get update && apt-get install -y chromium; pip install -e '.[test]'"
)


def _unavailable(reason: str) -> t.NoReturn:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: browser tests must run). {INSTALL_HINT}")
    pytest.skip(f"{reason}. {INSTALL_HINT}")


@pytest.fixture(scope="session")
def browser() -> t.Iterator[Browser]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed")
    if not CHROMIUM.exists():
        _unavailable(f"no Chromium at {CHROMIUM}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def axe() -> t.Any:
    """axe-core, from axe-playwright-python: ``axe.run(page)`` checks the page as it is."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        _unavailable("axe-playwright-python is not installed")
    return Axe()


@pytest.fixture
def page(browser: Browser) -> t.Iterator[Page]:
    context = browser.new_context()
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


# -- real servers: redis-server ------------------------------------------------


@pytest.fixture
def redis_server(tmp_path: Path) -> t.Iterator[RedisServer]:
    """A private redis-server on a free loopback port, stopped after the test."""
    try:
        server = RedisServer(tmp_path)
    except ServerMissing as missing:
        unavailable(missing)
    server.start()
    try:
        yield server
    finally:
        server.stop()
