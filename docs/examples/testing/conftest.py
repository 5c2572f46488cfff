"""Point the app at FakeEcwid in every test. Copy this file beside your tests.

The ``fake_ecwid`` fixture comes with flask-ecwid-sso (its pytest plugin): a
FakeEcwid served on a free loopback port for one test.
"""

from __future__ import annotations

import json
import re
import typing as t
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_login import FlaskLoginClient
from shop import create_app, sso  # your app factory and your EcwidSSO

from flask_ecwid_sso.testing import FakeEcwid, SSOLogEntry

PAYLOAD = re.compile(r'window\.ecwid_sso_profile = ("(?:[^"\\]|\\.)*");')


@pytest.fixture
def app(fake_ecwid: FakeEcwid) -> Iterator[Flask]:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "only-for-tests",
            # The settings that match the fake: its store, app and token...
            "ECWID_STORE_ID": fake_ecwid.store_id,  # 1003
            "ECWID_CLIENT_ID": fake_ecwid.client_id,  # "fake-app"
            "ECWID_CLIENT_SECRET": fake_ecwid.client_secret,
            "ECWID_API_TOKEN": fake_ecwid.api_token,  # "secret_fake"
            # ...and where it is served.
            "ECWID_API_URL": fake_ecwid.api_url,
            "ECWID_SCRIPT_URL": fake_ecwid.script_url,
        }
    )
    # app.test_client(user=...) logs that user in (Flask-Login's test client).
    app.test_client_class = FlaskLoginClient
    yield app
    with app.app_context():
        sso.client.close()  # the REST client's connections to the fake


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def store_sign_on(fake_ecwid: FakeEcwid) -> Callable[[t.Any], SSOLogEntry]:
    """Do what the store's script does with a page: hand its SSO payload to the fake.

    Returns the fake's verdict; ``accepted`` is False, with a ``reason``, where
    Ecwid would silently ignore the payload.
    """

    def sign_on(response: t.Any) -> SSOLogEntry:
        found = PAYLOAD.search(response.get_data(as_text=True))
        assert found is not None, "the page carries no SSO script"
        return fake_ecwid.sign_on(json.loads(found.group(1)))

    return sign_on
