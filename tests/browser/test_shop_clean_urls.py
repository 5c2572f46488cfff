"""The example shop's clean store URLs in real Chromium: deep links, reloads, and the way back."""

from __future__ import annotations

import re
import typing as t
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import Shop

if t.TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

pytestmark = pytest.mark.browser

ALICE = "alice@example.com"


def store(page: Page) -> Locator:
    return page.locator("#my-store-1003")


def heading(page: Page) -> str:
    return store(page).locator(".ec-store__page h2").inner_text()


def sign_in_next(page: Page) -> str:
    """The return target the store's Sign in link carries."""
    href = store(page).get_by_role("link", name="Sign in", exact=True).get_attribute("href")
    assert href is not None
    [target] = parse_qs(urlsplit(href).query)["next"]
    return target


def test_a_shopper_browses_by_clean_urls_reloads_and_signs_in_back_on_the_same_product(
    page: Page, shop: Shop
) -> None:
    from playwright.sync_api import expect

    page.goto(f"{shop.url}/store/")
    store(page).get_by_role("link", name="Sign in", exact=True).wait_for()
    page.evaluate("window.__same_document = true")

    store(page).get_by_role("link", name="Coffee", exact=True).click()
    page.wait_for_url(f"{shop.url}/store/Coffee")
    expect(store(page).locator(".ec-store__page h2")).to_have_text("Coffee")
    assert sign_in_next(page) == "/store/Coffee"

    product = store(page).get_by_role("link", name="House Blend, 250 g", exact=True)
    assert product.get_attribute("href") == "/store/House-Blend-250-g"
    product.click()
    page.wait_for_url(f"{shop.url}/store/House-Blend-250-g")
    expect(store(page).locator(".ec-store__page h2")).to_have_text("House Blend, 250 g")
    assert page.evaluate("window.__same_document") is True
    assert "#!" not in page.url
    assert sign_in_next(page) == "/store/House-Blend-250-g"

    page.reload()
    expect(store(page).locator(".ec-store__page h2")).to_have_text("House Blend, 250 g")
    assert page.url == f"{shop.url}/store/House-Blend-250-g"

    sign_in = store(page).get_by_role("link", name="Sign in", exact=True)
    assert (sign_in.get_attribute("href") or "").startswith(f"{shop.url}/ecwid-sso/sign-in?")
    sign_in.click()
    page.wait_for_url(re.compile(r"/login\?next="))
    page.fill("input[name=email]", ALICE)
    page.fill("input[name=password]", "wonderland")
    page.click("form button[type=submit]")

    page.wait_for_url(f"{shop.url}/store/House-Blend-250-g")
    expect(store(page).get_by_text(f"Signed in as {ALICE}")).to_be_visible()
    assert heading(page) == "House Blend, 250 g"
    assert [entry for entry in shop.fake.sso_log if not entry.accepted] == []


def test_the_back_button_and_the_sign_out_link_keep_the_shopper_in_place(
    page: Page, shop: Shop
) -> None:
    from playwright.sync_api import expect

    page.goto(f"{shop.url}/login?next=/store/Tea")
    page.fill("input[name=email]", ALICE)
    page.fill("input[name=password]", "wonderland")
    page.click("form button[type=submit]")
    page.wait_for_url(f"{shop.url}/store/Tea")
    expect(store(page).get_by_text(f"Signed in as {ALICE}")).to_be_visible()

    store(page).get_by_role("link", name="Sencha, 100 g", exact=True).click()
    page.wait_for_url(f"{shop.url}/store/Sencha-100-g")
    page.go_back()
    page.wait_for_url(f"{shop.url}/store/Tea")
    expect(store(page).locator(".ec-store__page h2")).to_have_text("Tea")

    store(page).get_by_role("link", name="Sign out", exact=True).click()
    page.wait_for_url(f"{shop.url}/store/Tea")
    expect(store(page).get_by_role("link", name="Sign in", exact=True)).to_be_visible()
    assert heading(page) == "Tea"
