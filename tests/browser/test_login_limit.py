"""The example shop's login rate limit, as a shopper in Chromium meets it."""

from __future__ import annotations

import re
import typing as t

import pytest
from conftest import Shop

if t.TYPE_CHECKING:
    from playwright.sync_api import Page, Response

pytestmark = pytest.mark.browser


def attempt(page: Page, shop: Shop, password: str) -> Response:
    page.goto(f"{shop.url}/login")
    page.fill("input[name=email]", "alice@example.com")
    page.fill("input[name=password]", password)
    with page.expect_response(
        lambda answer: answer.request.method == "POST" and answer.url.endswith("/login")
    ) as posted:
        page.click("form button[type=submit]")
    return posted.value


def test_the_eleventh_attempt_in_a_minute_gets_a_friendly_page(page: Page, shop: Shop) -> None:
    from playwright.sync_api import expect

    statuses = [attempt(page, shop, f"guess-{n}").status for n in range(10)]
    assert statuses == [200] * 10
    refused = attempt(page, shop, "wonderland")
    assert refused.status == 429
    wait = int(refused.headers["retry-after"])
    assert 1 <= wait <= 60

    expect(page.get_by_role("heading", name="Too many login attempts")).to_be_visible()
    expect(page.get_by_text(re.compile(rf"try again in {wait} seconds?"))).to_be_visible()
    expect(page.locator(".site-header .brand")).to_have_text(re.compile("Fern & Fig"))
    assert "Traceback" not in page.content()
    assert page.get_by_role("link", name="Log in").is_visible()

    page.get_by_role("link", name="Back to the login page").click()
    expect(page.locator("input[name=password]")).to_be_visible()
