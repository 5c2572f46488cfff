"""Clickjacking: a same-site page framing the sign-out confirmation gets nothing to click."""

from __future__ import annotations

import typing as t

import flask_login
import pytest
from conftest import AppFactory
from helpers import USERS, serving

if t.TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

FRAMING_PAGE = """<!doctype html><html><body>
<p>Win a prize! Click the button below.</p>
<iframe id="bait" src="/ecwid-sso/sign-out" width="600" height="400"></iframe>
</body></html>"""


def test_chromium_refuses_to_show_the_sign_out_form_in_a_frame(
    page: Page, make_app: AppFactory
) -> None:
    app = make_app(SERVER_NAME=None)
    app.add_url_rule("/prize", "prize", lambda: FRAMING_PAGE)

    @app.get("/login-now")
    def login_now() -> str:
        flask_login.login_user(USERS[1])
        return "logged in"

    with serving(app) as url:
        page.goto(f"{url}/login-now")
        page.goto(f"{url}/ecwid-sso/sign-out")
        assert page.get_by_role("button").count() == 1  # the form shows when not framed
        page.goto(f"{url}/prize")
        page.wait_for_timeout(500)
        frame = page.frame_locator("#bait")
        assert frame.get_by_role("button").count() == 0
        page.goto(f"{url}/ecwid-sso/profile")
        assert '"profile":"' in page.content()
        assert '"profile":""' not in page.content()
