"""The example shop's pages as a shopper opens them in Chromium, for the browser tests."""

from __future__ import annotations

import typing as t

from conftest import Shop

if t.TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

ALICE = "alice@example.com"

#: Every page of the demo a shopper can open by address, as (path, its heading): the
#: heading (the store's h2 on store pages, else the page's h1) shows the page is the one meant.
PAGES: dict[str, tuple[str, str]] = {
    "home": ("/", "Good coffee, good tea, good mugs"),
    "store front": ("/store/", "Our shop"),
    "category": ("/store/Coffee", "Coffee"),
    "product": ("/store/House-Blend-250-g", "House Blend, 250 g"),
    "cart": ("/store/cart", "Shopping bag"),
    "login": ("/login", "Log in"),
    "register": ("/register", "Create an account"),
    "404": ("/no-such-page", "We can\u2019t find that page"),
}
#: The pages only a logged-in shopper sees.
PERSONAL_PAGES: dict[str, tuple[str, str]] = {"account": ("/account", "My account")}


def header_bag(page: Page) -> Locator:
    """The store's bag link inside the site's ``<header>``."""
    return page.locator("header .ec-cart-widget")


def open_page(page: Page, shop: Shop, path: str, heading: str) -> None:
    """Go to ``path``, and wait until it shows ``heading`` and the store has drawn the bag."""
    from playwright.sync_api import expect

    page.goto(shop.url + path)
    if path.startswith("/store/"):
        expect(page.locator(".ec-store__page h2")).to_have_text(heading)
    else:
        expect(page.locator("main h1")).to_have_text(heading)
    expect(header_bag(page).get_by_role("link")).to_be_visible()


def log_in(page: Page, shop: Shop) -> None:
    """Log in as the demo shopper, through the login form; the site then opens the store."""
    page.goto(f"{shop.url}/login")
    page.fill("input[name=email]", ALICE)
    page.fill("input[name=password]", "wonderland")
    page.click("form button[type=submit]")
    page.wait_for_url(f"{shop.url}/store/")


def exhaust_login_attempts(page: Page, shop: Shop) -> None:
    """Spend the minute's login attempts, then open the page the next attempt gets (a 429)."""
    from playwright.sync_api import expect

    page.goto(f"{shop.url}/login")
    statuses = page.evaluate(
        """async (email) => {
            const form = document.querySelector("main form");
            const statuses = [];
            for (let tries = 0; tries < 12 && !statuses.includes(429); tries++) {
                const body = new URLSearchParams(new FormData(form));
                body.set("email", email);
                body.set("password", "not-the-password");
                statuses.push((await fetch(form.action, {method: "POST", body})).status);
            }
            return statuses;
        }""",
        ALICE,
    )
    assert statuses[-1] == 429, statuses
    page.fill("input[name=email]", ALICE)
    page.fill("input[name=password]", "wonderland")
    with page.expect_response(lambda answer: answer.request.method == "POST") as posted:
        page.click("main form button[type=submit]")
    assert posted.value.status == 429
    expect(page.locator("main h1")).to_have_text("Too many login attempts")
    expect(header_bag(page).get_by_role("link")).to_be_visible()
