"""FakeEcwid's storefront with clean store URLs in real Chromium: paths, links, History API."""

from __future__ import annotations

import json
import typing as t
from collections.abc import Iterator

import pytest
from helpers import serving
from werkzeug.wrappers import Request, Response

from flask_ecwid_sso.testing import FakeEcwid

if t.TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment
    from playwright.sync_api import Locator, Page

pytestmark = pytest.mark.browser


def clean_config(*, without_ids: bool) -> str:
    return (
        "window.ec = {config: {baseUrl: '/shop/', storefrontUrls: {cleanUrls: true,"
        f" slugsWithoutIds: {json.dumps(without_ids)}}}}}}};"
    )


def page_html(script_url: str, config: str, *, store: bool = True) -> str:
    widget = (
        '<div id="my-store-1003"></div>'
        '<script>xProductBrowser("categoriesPerRow=3", "id=my-store-1003");</script>'
        if store
        else ""
    )
    return f"""<!doctype html><html><head><meta charset="utf-8"></head><body>
<script>window.pages = []; {config}</script>
<div id="my-categories-1003"></div>
<script src="{script_url}?1003&data_platform=code"></script>
<script>
xCategoriesV2("id=my-categories-1003");
Ecwid.OnPageLoaded.add(function (page) {{ window.pages.push(page.type); }});
</script>
{widget}
</body></html>"""


class Site:
    """The store page for /shop/ and every path below it; /elsewhere has no store widget."""

    def __init__(self, script_url: str) -> None:
        self.script_url = script_url
        self.config = clean_config(without_ids=True)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> t.Any:
        path = Request(environ).path
        if path == "/shop" or path.startswith("/shop/"):
            html = page_html(self.script_url, self.config)
        elif path == "/elsewhere":
            html = page_html(self.script_url, self.config, store=False)
        else:
            return Response("not found", 404)(environ, start_response)
        return Response(html, mimetype="text/html")(environ, start_response)


@pytest.fixture
def site(fake_ecwid: FakeEcwid) -> Iterator[tuple[Site, str]]:
    pages = Site(fake_ecwid.script_url)
    with serving(pages) as url:
        yield pages, url


def store(page: Page) -> Locator:
    return page.locator("#my-store-1003")


def heading(page: Page) -> Locator:
    return store(page).locator(".ec-store__page h2")


def test_links_are_clean_paths_followed_without_a_page_load(
    page: Page, site: tuple[Site, str]
) -> None:
    from playwright.sync_api import expect

    _, url = site
    page.goto(f"{url}/shop/")
    expect(heading(page)).to_have_text("Our shop")
    links = store(page).locator(".ec-store__page ul a")
    assert [links.nth(i).get_attribute("href") for i in range(3)] == [
        "/shop/Coffee",
        "/shop/Tea",
        "/shop/Mugs",
    ]
    page.evaluate("window.__same_document = true")

    store(page).get_by_role("link", name="Mugs", exact=True).click()
    page.wait_for_url(f"{url}/shop/Mugs")
    store(page).get_by_role("link", name="Travel Mug", exact=True).click()
    page.wait_for_url(f"{url}/shop/Travel-Mug")
    expect(heading(page)).to_have_text("Travel Mug")
    store(page).get_by_role("link", name="Bag (0)").click()
    page.wait_for_url(f"{url}/shop/cart")

    page.go_back()
    page.wait_for_url(f"{url}/shop/Travel-Mug")
    expect(heading(page)).to_have_text("Travel Mug")
    page.go_back()
    page.go_back()
    page.wait_for_url(f"{url}/shop/")
    expect(heading(page)).to_have_text("Our shop")
    assert page.evaluate("window.__same_document") is True
    assert page.evaluate("window.pages") == [
        "CATEGORY",
        "CATEGORY",
        "PRODUCT",
        "CART",
        "PRODUCT",
        "CATEGORY",
        "CATEGORY",
    ]


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/shop/House-Blend-250-g", "House Blend, 250 g"),
        ("/shop/House-Blend-250-g-p101", "House Blend, 250 g"),
        ("/shop/Tea", "Tea"),
        ("/shop/Tea/", "Tea"),
        ("/shop/cart", "Shopping bag"),
        ("/shop/search?keyword=sencha", "Search results for \u201csencha\u201d"),
        ("/shop", "Our shop"),
        ("/shop/no-such-page", "Our shop"),
    ],
)
def test_the_store_opens_the_page_its_address_names(
    page: Page, site: tuple[Site, str], path: str, title: str
) -> None:
    from playwright.sync_api import expect

    _, url = site
    page.goto(url + path)
    expect(heading(page)).to_have_text(title)


def test_without_slugs_without_ids_the_paths_end_with_the_ids(
    page: Page, site: tuple[Site, str]
) -> None:
    from playwright.sync_api import expect

    pages, url = site
    pages.config = clean_config(without_ids=False)
    page.goto(f"{url}/shop/Coffee-c11")
    expect(heading(page)).to_have_text("Coffee")
    product = store(page).get_by_role("link", name="House Blend, 250 g", exact=True)
    assert product.get_attribute("href") == "/shop/House-Blend-250-g-p101"


def test_a_category_link_on_a_page_without_the_store_goes_to_the_store_page(
    page: Page, site: tuple[Site, str]
) -> None:
    from playwright.sync_api import expect

    _, url = site
    page.goto(f"{url}/elsewhere")
    page.locator("#my-categories-1003").get_by_role("link", name="Tea").click()
    page.wait_for_url(f"{url}/shop/Tea")
    expect(heading(page)).to_have_text("Tea")


def test_ecwid_open_page_moves_the_address_bar(page: Page, site: tuple[Site, str]) -> None:
    from playwright.sync_api import expect

    _, url = site
    page.goto(f"{url}/shop/")
    expect(heading(page)).to_have_text("Our shop")
    page.evaluate("Ecwid.openPage('product', {id: 104})")
    page.wait_for_url(f"{url}/shop/Sencha-100-g")
    expect(heading(page)).to_have_text("Sencha, 100 g")
