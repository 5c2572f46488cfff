"""The example shop's look in Chromium: on a phone, in the site's colours, with a favicon."""

from __future__ import annotations

import typing as t

import pytest
from conftest import Shop
from demo_pages import PAGES, PERSONAL_PAGES, log_in, open_page

if t.TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}

# The number of lines each link and button of the header takes: the boxes of its text,
# a new line where a box starts below the boxes before it.
HEADER_ITEM_LINES = """() => {
    const lines = {};
    for (const item of document.querySelectorAll("header a, header button")) {
        const boxes = [];
        const walker = document.createTreeWalker(item, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
            const range = document.createRange();
            range.selectNodeContents(walker.currentNode);
            boxes.push(...Array.from(range.getClientRects()).filter((box) => box.width > 0));
        }
        boxes.sort((a, b) => a.top - b.top);
        let count = 0, bottom = -Infinity;
        for (const box of boxes) {
            if (box.top >= bottom - 1) {
                count += 1;
            }
            bottom = Math.max(bottom, box.bottom);
        }
        lines[item.textContent.trim()] = count;
    }
    return lines;
}"""


@pytest.fixture
def phone(browser: Browser) -> t.Iterator[Page]:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def fits_the_phone(page: Page) -> tuple[int, dict[str, int]]:
    return page.evaluate("document.documentElement.scrollWidth"), page.evaluate(HEADER_ITEM_LINES)


def test_every_page_fits_a_360_pixel_phone_with_log_in_on_one_line(phone: Page, shop: Shop) -> None:
    for name, (path, heading) in PAGES.items():
        open_page(phone, shop, path, heading)
        width, lines = fits_the_phone(phone)
        assert width <= 360, f"{name} scrolls sideways: {width} px wide"
        assert lines["Log in"] == 1, f"{name}: {lines}"
        assert set(lines.values()) == {1}, f"{name}: {lines}"

    log_in(phone, shop)
    for name, (path, heading) in [*PERSONAL_PAGES.items(), *PAGES.items()]:
        open_page(phone, shop, path, heading)
        width, lines = fits_the_phone(phone)
        assert width <= 360, f"{name}, logged in, scrolls sideways: {width} px wide"
        assert lines["Log out"] == 1, f"{name}: {lines}"
        assert set(lines.values()) == {1}, f"{name}: {lines}"


def test_the_site_has_a_favicon_and_its_pages_ask_for_nothing_missing(
    page: Page, shop: Shop
) -> None:
    failed: list[str] = []
    page.on("response", lambda answer: answer.status >= 400 and failed.append(answer.url))
    for path, heading in PAGES.values():
        if path != "/no-such-page":
            open_page(page, shop, path, heading)
    icon = page.locator("link[rel=icon]").get_attribute("href")
    favicon = page.request.get(f"{shop.url}/favicon.ico")
    named = page.request.get(f"{shop.url}{icon}")

    assert failed == []
    assert icon == "/favicon.ico"
    assert favicon.status == 200
    assert favicon.headers["content-type"].startswith("image/svg+xml")
    assert favicon.text().lstrip().startswith("<svg")
    assert named.body() == favicon.body()


def test_the_store_wears_the_sites_colours_and_fonts_and_shows_its_pictures(
    page: Page, shop: Shop
) -> None:
    from playwright.sync_api import expect

    open_page(page, shop, *PAGES["store front"])
    store = page.locator("#my-store-1003")
    pictures = store.locator("img.ec-picture")
    expect(pictures).to_have_count(6)
    page.wait_for_function(
        "Array.from(document.querySelectorAll('img.ec-picture')).every(img => img.complete)"
    )
    widths = pictures.evaluate_all("(images) => images.map((image) => image.naturalWidth)")
    button = store.get_by_role("button", name="Add to bag").first
    style = button.evaluate(
        "(button) => [getComputedStyle(button).backgroundColor,"
        " getComputedStyle(button).borderRadius]"
    )
    heading_font = store.locator("h2").evaluate("(h2) => getComputedStyle(h2).fontFamily")

    assert all(width > 0 for width in widths), widths
    assert style == ["rgb(47, 107, 63)", "999px"]
    assert heading_font.startswith('"Iowan Old Style"')
    assert "Fake Ecwid" not in store.inner_text()
