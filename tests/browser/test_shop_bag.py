"""The example shop's bag in Chromium: kept across pages and reloads, in every page's header."""

from __future__ import annotations

import typing as t

import pytest
from conftest import Shop
from demo_pages import PAGES, PERSONAL_PAGES, exhaust_login_attempts, header_bag, log_in, open_page

if t.TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

pytestmark = pytest.mark.browser


def store(page: Page) -> Locator:
    return page.locator("#my-store-1003")


def fill_the_bag_from_the_front_page(page: Page, shop: Shop) -> None:
    """House Blend twice and the Darjeeling once, with the front page's Add to bag buttons."""
    from playwright.sync_api import expect

    open_page(page, shop, *PAGES["store front"])
    add = store(page).get_by_role("button", name="Add to bag", exact=True)
    expect(add).to_have_count(6)
    add.nth(0).click()
    add.nth(0).click()
    add.nth(2).click()
    expect(header_bag(page)).to_have_text("Bag (3)")


def test_the_bag_outlasts_a_reload_and_shows_in_the_header_of_every_page(
    page: Page, shop: Shop
) -> None:
    from playwright.sync_api import expect

    fill_the_bag_from_the_front_page(page, shop)
    page.reload()
    expect(header_bag(page)).to_have_text("Bag (3)")
    expect(store(page).get_by_role("link", name="Bag (3)", exact=True)).to_be_visible()

    for path, heading in PAGES.values():
        open_page(page, shop, path, heading)
        expect(header_bag(page)).to_have_text("Bag (3)")
    log_in(page, shop)
    for path, heading in [*PERSONAL_PAGES.values(), *PAGES.values()]:
        open_page(page, shop, path, heading)
        expect(header_bag(page)).to_have_text("Bag (3)")
    exhaust_login_attempts(page, shop)
    expect(header_bag(page)).to_have_text("Bag (3)")


def test_the_headers_bag_opens_the_bag_with_what_was_added(page: Page, shop: Shop) -> None:
    from playwright.sync_api import expect

    fill_the_bag_from_the_front_page(page, shop)
    open_page(page, shop, *PAGES["home"])
    header_bag(page).get_by_role("link").click()
    page.wait_for_url(f"{shop.url}/store/cart")
    lines = store(page).locator(".ec-bag-line")
    expect(lines).to_have_count(2)
    expect(lines.nth(0)).to_contain_text("House Blend, 250 g \u00d7 2")
    expect(lines.nth(1)).to_contain_text("Darjeeling First Flush, 100 g \u00d7 1")
    expect(store(page).get_by_text("Total: $27.75")).to_be_visible()

    store(page).get_by_role("button", name="Remove House Blend, 250 g").click()
    expect(header_bag(page)).to_have_text("Bag (1)")
    page.reload()
    expect(lines).to_have_count(1)
    expect(store(page).get_by_text("Total: $8.75")).to_be_visible()


def test_a_change_to_the_bag_reaches_the_other_tabs_without_a_reload(
    page: Page, shop: Shop
) -> None:
    from playwright.sync_api import expect

    other = page.context.new_page()
    open_page(other, shop, *PAGES["login"])
    other.evaluate("window.__not_reloaded = true")
    expect(header_bag(other)).to_have_text("Bag (0)")

    fill_the_bag_from_the_front_page(page, shop)
    expect(header_bag(other)).to_have_text("Bag (3)")
    assert other.evaluate("window.__not_reloaded") is True
