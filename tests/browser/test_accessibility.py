"""axe-core in Chromium on every page of the demo shop and of the blueprint.

A test fails on any serious or critical violation and lists them all, page by page.
"""

from __future__ import annotations

import json
import typing as t
from pathlib import Path

import pytest
from conftest import Shop
from demo_pages import PAGES, PERSONAL_PAGES, exhaust_login_attempts, log_in, open_page
from helpers import running, serving
from werkzeug.wrappers import Response

from flask_ecwid_sso.testing import FakeEcwid

if t.TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

FAILING_IMPACTS = ("serious", "critical")


def violations(axe: t.Any, page: Page, name: str) -> list[str]:
    """The serious and critical violations axe-core finds on ``page``, one line each."""
    found = []
    for violation in axe.run(page).response["violations"]:
        if violation["impact"] in FAILING_IMPACTS:
            where = "; ".join(json.dumps(node["target"]) for node in violation["nodes"])
            found.append(
                f"{name}: {violation['id']} ({violation['impact']}) {violation['help']}: {where}"
            )
    return found


@pytest.fixture
def debug_shop(tmp_path: Path) -> t.Iterator[Shop]:
    """The example shop in debug mode, where the blueprint serves its debug page."""
    from example_site import make_shop_server

    server, app = make_shop_server(
        "127.0.0.1", 0, {"DATABASE": str(tmp_path / "shop.sqlite3"), "DEBUG": True}
    )
    with running(server) as url:
        yield Shop(url, app)


def test_every_page_of_the_demo_passes_axe(page: Page, shop: Shop, axe: t.Any) -> None:
    from playwright.sync_api import expect

    found = []
    for name, (path, heading) in PAGES.items():
        open_page(page, shop, path, heading)
        found += violations(axe, page, name)
    log_in(page, shop)
    expect(page.locator(".ec-store .ec-sign-out")).to_be_visible()
    found += violations(axe, page, "store front, logged in")
    for name, (path, heading) in PERSONAL_PAGES.items():
        open_page(page, shop, path, heading)
        found += violations(axe, page, name)
    exhaust_login_attempts(page, shop)
    found += violations(axe, page, "429")

    assert found == [], "\n".join(found)


def test_every_page_of_the_blueprint_passes_axe(page: Page, debug_shop: Shop, axe: t.Any) -> None:
    from playwright.sync_api import expect

    found = []
    log_in(page, debug_shop)
    page.goto(f"{debug_shop.url}/ecwid-sso/sign-out?next=/store/")
    expect(page.locator("h1")).to_have_text("Sign out of the site and the store?")
    found += violations(axe, page, "sign-out confirmation")

    page.goto(f"{debug_shop.url}/ecwid-sso/sign-in?next=/store/")
    page.wait_for_url(f"{debug_shop.url}/store/")
    refused = page.goto(f"{debug_shop.url}/ecwid-sso/sign-in?next=/store/")
    assert refused is not None
    assert refused.status == 409
    expect(page.locator("h1")).to_have_text("The store did not accept the sign-in")
    found += violations(axe, page, "sign-in refused")

    page.goto(f"{debug_shop.url}/ecwid-sso/debug")
    expect(page.locator("h1")).to_have_text("Ecwid SSO debug")
    found += violations(axe, page, "debug")

    assert found == [], "\n".join(found)


WIDGETS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Widgets</title></head><body><main>
<h1>Every widget</h1>
<div class="ec-cart-widget"></div>
<div id="my-categories-1003"></div>
<div id="my-search-1003"></div>
<div id="my-store-1003"></div>
<script src="{script}?1003&data_platform=code"></script>
<script>
xCategoriesV2("id=my-categories-1003");
xSearch("id=my-search-1003");
xProductBrowser("id=my-store-1003");
Ecwid.init();
</script>
</main></body></html>"""


def test_the_fakes_widgets_and_its_own_sign_in_page_pass_axe(
    page: Page, fake_ecwid: FakeEcwid, axe: t.Any
) -> None:
    from playwright.sync_api import expect

    html = WIDGETS_PAGE.format(script=fake_ecwid.script_url)
    with serving(Response(html, mimetype="text/html")) as url:
        page.goto(url)
        store = page.locator("#my-store-1003")
        store.get_by_role("button", name="Add to bag").first.click()
        found = violations(axe, page, "widgets")
        store.get_by_role("link", name="Sign in", exact=True).click()
        expect(store.locator("h2")).to_have_text("Sign in")
        found += violations(axe, page, "the store's sign-in page")
        page.locator("#my-search-1003 input").fill("tea")
        page.locator("#my-search-1003").get_by_role("button", name="Search").click()
        expect(store.locator("h2")).to_have_text("Search results for \u201ctea\u201d")
        found += violations(axe, page, "search results")

    assert found == [], "\n".join(found)
