"""Regenerate the demo shop's screenshots in ``docs/_static/screenshots/``.

Run from the repository's root: ``python docs/screenshots.py``. It serves the
example site offline (on its mounted FakeEcwid, with a throwaway database) on a
free loopback port, logs in as the demo shopper, puts one item in the bag, and
photographs the home, store and account pages in Chromium at desktop (1280 px)
and phone (360 px) width. ``CHROMIUM`` names the browser (``/usr/bin/chromium``).
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "_static" / "screenshots"
WIDTHS = {"desktop": (1280, 800), "phone": (360, 740)}
PAGES = {"home": "/", "store": "/store/", "account": "/account"}


def log_in_and_fill_the_bag(page: Page, url: str) -> None:
    page.goto(f"{url}/login")
    page.fill("input[name=email]", "alice@example.com")
    page.fill("input[name=password]", "wonderland")
    page.click("form button[type=submit]")
    page.wait_for_url(f"{url}/store/")
    page.locator(".ec-store").get_by_role("button", name="Add to bag").first.click()
    page.locator(".ec-cart-widget").get_by_text("Bag (1)").first.wait_for()


def photograph(url: str) -> list[Path]:
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
            args=["--no-sandbox"],
        )
        for width_name, (width, height) in WIDTHS.items():
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            log_in_and_fill_the_bag(page, url)
            for page_name, path in PAGES.items():
                page.goto(url + path)
                page.locator(".ec-cart-widget").get_by_text("Bag (1)").first.wait_for()
                if page_name == "store":
                    page.locator(".ec-store .ec-sign-out").wait_for()
                target = OUT / f"{page_name}-{width_name}.png"
                page.screenshot(path=str(target), full_page=True)
                written.append(target)
            context.close()
        browser.close()
    return written


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from example_site import make_shop_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        server, _ = make_shop_server(
            "127.0.0.1", 0, {"DATABASE": str(Path(folder) / "shop.sqlite3")}
        )
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            written = photograph(f"http://127.0.0.1:{server.port}")
        finally:
            server.shutdown()
            thread.join()
            server.server_close()
    for path in written:
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
