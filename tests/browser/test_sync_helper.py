"""ecwid-sso.js in real Chromium: late script.js, no script.js, AJAX login, Ecwid's sign-in page."""

from __future__ import annotations

import contextlib
import re
import typing as t
from collections.abc import Callable, Iterator

import flask_login
import pytest
from conftest import AppFactory
from flask import render_template_string
from helpers import USERS, serving

from flask_ecwid_sso.testing import FakeEcwid

if t.TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

LATE_STORE = """<!doctype html><html><body>
{{ ecwid_sso_script() }}
<div id="my-store-1003"></div>
<script>
setTimeout(function () {
  var script = document.createElement("script");
  script.src = {{ script_src|ecwid_json }};
  script.onload = function () { xProductBrowser("id=my-store-1003"); };
  document.body.appendChild(script);
}, 1500);
</script>
</body></html>"""

NO_STORE = "<!doctype html><html><body>{{ ecwid_sso_script() }}<p>No store here</p></body></html>"

#: Counts every look at ``window.Ecwid``, which stays undefined.
COUNT_ECWID_LOOKUPS = """
window.ecwidLookups = 0;
Object.defineProperty(window, "Ecwid", {
  configurable: true,
  get: function () {
    window.ecwidLookups += 1;
    return undefined;
  }
});
"""


Serve = Callable[..., str]


@pytest.fixture
def serve(make_app: AppFactory, fake_ecwid: FakeEcwid) -> Iterator[Serve]:
    """Serve a small site on the fake; returns its URL. Keyword arguments are config."""
    with contextlib.ExitStack() as servers:

        def start(**config: t.Any) -> str:
            app = make_app(
                SERVER_NAME=None,
                ECWID_STORE_ID=fake_ecwid.store_id,
                ECWID_CLIENT_ID=fake_ecwid.client_id,
                ECWID_CLIENT_SECRET=fake_ecwid.client_secret,
                ECWID_SCRIPT_URL=fake_ecwid.script_url,
                **config,
            )
            script_src = f"{fake_ecwid.script_url}?{fake_ecwid.store_id}&data_platform=code"

            @app.get("/late")
            def late() -> str:
                return render_template_string(LATE_STORE, script_src=script_src)

            @app.get("/none")
            def none() -> str:
                return render_template_string(NO_STORE)

            @app.post("/ajax-login")
            def ajax_login() -> str:
                flask_login.login_user(USERS[1])
                return "ok"

            url: str = servers.enter_context(serving(app))
            return url

        yield start


def store(page: Page) -> t.Any:
    return page.locator("#my-store-1003")


def test_a_late_script_js_still_gets_the_sign_in_url(page: Page, serve: Serve) -> None:
    url = serve()
    page.goto(f"{url}/late")
    sign_in = store(page).get_by_role("link", name="Sign in", exact=True)
    sign_in.wait_for()
    href = sign_in.get_attribute("href")
    assert href is not None
    assert href.startswith(f"{url}/ecwid-sso/sign-in?next=")
    assert "%2Flate" in href


def test_without_script_js_the_helper_does_no_harm(page: Page, serve: Serve) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.add_init_script(COUNT_ECWID_LOOKUPS)
    url = serve()
    page.goto(f"{url}/none")
    data = page.evaluate("EcwidSSO.refresh()")
    assert data["profile"] == ""
    assert page.evaluate("EcwidSSO.state()") == "anonymous"
    # The helper looks for Ecwid every 100 ms, since the page loaded and since the refresh:
    # let it look a few more times, which would have thrown by now if it could.
    looked = page.evaluate("window.ecwidLookups")
    page.wait_for_function(f"window.ecwidLookups >= {looked + 4}")
    assert errors == []


def test_an_ajax_login_reaches_the_store_without_a_reload(
    page: Page, serve: Serve, fake_ecwid: FakeEcwid
) -> None:
    url = serve()
    page.goto(f"{url}/store")
    store(page).get_by_role("link", name="Sign in", exact=True).wait_for()
    page.evaluate("window.__not_reloaded = true")
    page.evaluate(
        "fetch('/ajax-login', {method: 'POST', credentials: 'same-origin'})"
        ".then(() => EcwidSSO.loggedIn())"
    )
    store(page).get_by_text("Signed in as alice@example.com").wait_for()
    sign_out = store(page).get_by_role("link", name="Sign out", exact=True)
    assert re.match(
        rf"{re.escape(url)}/ecwid-sso/sign-out\?token=[^&]+&next=",
        sign_out.get_attribute("href") or "",
    )
    assert page.evaluate("window.__not_reloaded") is True
    assert [entry.reason for entry in fake_ecwid.sso_log][-1] == "ok"


def test_ecwids_own_sign_in_page_can_send_shoppers_to_the_site(page: Page, serve: Serve) -> None:
    url = serve(ECWID_REDIRECT_SIGN_IN_PAGE=True)
    page.goto(f"{url}/store")
    store(page).get_by_role("link", name="Sign in", exact=True).wait_for()
    page.evaluate("Ecwid.openPage('signin')")
    page.wait_for_url(re.compile(r"/login\?next="))
    assert "login page" in page.content()


def test_ecwids_own_sign_in_page_stays_by_default(page: Page, serve: Serve) -> None:
    url = serve()
    page.goto(f"{url}/store")
    store(page).get_by_role("link", name="Sign in", exact=True).wait_for()
    # Our listener runs after the helper's, which is added before the sign-in link appears;
    # a navigation the helper starts fires "navigate" at once.
    page.evaluate(
        """() => {
            window.pages = [];
            window.navigations = [];
            navigation.addEventListener("navigate", (event) => {
                window.navigations.push(event.destination.url);
            });
            Ecwid.OnPageLoaded.add((page) => window.pages.push(page.type));
            Ecwid.openPage("signin");
        }"""
    )
    # Once navigated away, the new page has no window.pages (nor window.navigations).
    page.wait_for_function("window.pages === undefined || window.pages.includes('SIGN_IN')")
    assert page.evaluate("window.navigations") == []
    page.wait_for_timeout(100)
    assert page.url == f"{url}/store"
