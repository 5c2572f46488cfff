"""The example shop in real Chromium, on its mounted FakeEcwid: every sign-in/out flow."""

from __future__ import annotations

import re
import typing as t

import pytest
from conftest import Shop

if t.TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

pytestmark = pytest.mark.browser

ALICE = "alice@example.com"


def signed_in(email: str) -> re.Pattern[str]:
    return re.compile(rf"Signed in as {re.escape(email)}")


def store_shows(page: Page, text: str | re.Pattern[str]) -> None:
    from playwright.sync_api import expect

    expect(page.locator("#my-store-1003").get_by_text(text)).to_be_visible()


def log_in_on_site(
    page: Page, shop: Shop, email: str = ALICE, password: str = "wonderland"
) -> None:
    page.goto(f"{shop.url}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]")


def refused(shop: Shop) -> list[t.Any]:
    return [entry for entry in shop.fake.sso_log if not entry.accepted]


def test_an_anonymous_shopper_sees_sign_in(page: Page, shop: Shop) -> None:
    page.goto(f"{shop.url}/store/")
    store_shows(page, "Sign in")
    assert page.locator("#my-store-1003").get_by_text("Signed in as").count() == 0


def test_the_stores_sign_in_link_logs_in_on_the_site_and_comes_back(page: Page, shop: Shop) -> None:
    page.goto(f"{shop.url}/store/")
    page.locator("#my-store-1003").get_by_role("link", name="Sign in", exact=True).click()
    page.wait_for_url(re.compile(r"/login\?next="))
    page.fill("input[name=email]", ALICE)
    page.fill("input[name=password]", "wonderland")
    page.click("form button[type=submit]")
    page.wait_for_url(f"{shop.url}/store/")
    store_shows(page, signed_in(ALICE))
    assert refused(shop) == []
    page.goto(f"{shop.url}/account")
    assert page.get_by_text("Customer number").is_visible()
    assert page.locator("dl.customer").get_by_text(ALICE).is_visible()


def test_logging_out_on_the_site_signs_out_of_the_store(page: Page, shop: Shop) -> None:
    log_in_on_site(page, shop)
    page.goto(f"{shop.url}/store/")
    store_shows(page, signed_in(ALICE))
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{shop.url}/")
    page.goto(f"{shop.url}/store/")
    store_shows(page, "Sign in")


def test_the_stores_sign_out_link_logs_out_of_both(page: Page, shop: Shop) -> None:
    log_in_on_site(page, shop)
    page.goto(f"{shop.url}/store/")
    store_shows(page, signed_in(ALICE))
    page.locator("#my-store-1003").get_by_role("link", name="Sign out", exact=True).click()
    page.wait_for_url(f"{shop.url}/store/")
    store_shows(page, "Sign in")
    assert page.get_by_role("link", name="Log in").is_visible()


def _two_tabs(context: BrowserContext, shop: Shop) -> tuple[Page, Page]:
    store = context.new_page()
    store.goto(f"{shop.url}/store/")
    store_shows(store, "Sign in")
    return store, context.new_page()


def test_a_login_in_one_tab_reaches_the_store_in_another_without_reload(
    page: Page, shop: Shop
) -> None:
    store, other = _two_tabs(page.context, shop)
    store.evaluate("window.__not_reloaded = true")
    log_in_on_site(other, shop)
    other.wait_for_url(f"{shop.url}/store/")
    store_shows(store, signed_in(ALICE))
    assert store.evaluate("window.__not_reloaded") is True

    other.get_by_role("button", name="Log out").click()
    other.wait_for_url(f"{shop.url}/")
    store_shows(store, "Sign in")
    assert store.evaluate("window.__not_reloaded") is True
    assert refused(shop) == []


def test_reloading_fast_never_replays_a_payload(page: Page, shop: Shop) -> None:
    log_in_on_site(page, shop)
    page.goto(f"{shop.url}/store/")
    store_shows(page, signed_in(ALICE))
    for _ in range(6):
        page.reload()
    store_shows(page, signed_in(ALICE))
    accepted = [entry for entry in shop.fake.sso_log if entry.accepted and entry.email == ALICE]
    assert len(accepted) >= 7
    assert refused(shop) == []
