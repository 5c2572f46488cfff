"""FakeEcwid's storefront script in real Chromium: the Ecwid API our helper relies on."""

from __future__ import annotations

import json
import typing as t
from collections.abc import Iterator

import pytest
from helpers import ANN, payload, serving
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.wrappers import Request, Response

from flask_ecwid_sso.testing import FakeEcwid

if t.TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser


class Site:
    """A small web site on loopback whose pages embed the fake's storefront."""

    def __init__(self) -> None:
        self.url = ""
        self.pages: dict[str, str] = {}

    def add(self, html: str) -> str:
        path = f"/page-{len(self.pages)}"
        self.pages[path] = html
        return self.url + path

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> t.Any:
        html = self.pages.get(Request(environ).path)
        response = Response(html or "not found", 200 if html else 404, mimetype="text/html")
        return response(environ, start_response)


@pytest.fixture
def site() -> Iterator[Site]:
    pages = Site()
    with serving(pages) as url:
        pages.url = url
        yield pages


def store_page(script_url: str, *, before: str = "", after: str = "") -> str:
    """Ecwid's embed code, as our templates write it, between two inline scripts."""
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>Shop</title></head><body>
<script>window.events = []; {before}</script>
<div class="ec-cart-widget"></div>
<div id="my-categories-1003"></div>
<div id="my-search-1003"></div>
<div id="my-store-1003"></div>
<script data-cfasync="false" src="{script_url}?1003&data_platform=code" charset="utf-8"></script>
<script>
xCategoriesV2("id=my-categories-1003");
xSearch("id=my-search-1003");
xProductBrowser("categoriesPerRow=3", "views=grid(20,3) list(60) table(60)",
  "categoryView=grid", "searchView=list", "id=my-store-1003");
Ecwid.init();
Ecwid.OnAPILoaded.add(function () {{ window.events.push("api"); }});
Ecwid.OnSetProfile.add(function (c) {{ window.events.push("profile:" + (c && c.email)); }});
Ecwid.OnPageLoaded.add(function (page) {{ window.events.push("page:" + page.type); }});
{after}
</script>
</body></html>"""


def sso(value: str) -> str:
    return f"window.ecwid_sso_profile = {json.dumps(value)};"


def live_payload(fake: FakeEcwid, age: int = 0, **fields: t.Any) -> str:
    return payload(fake, timestamp=int(fake.clock()) - age, **fields)


def store_text(page: Page) -> str:
    from playwright.sync_api import expect

    expect(page.locator("#my-store-1003 .ec-store__header")).to_be_visible()
    return page.locator("#my-store-1003 .ec-store__account").inner_text()


def wait_for_event(page: Page, name: str) -> list[str]:
    page.wait_for_function(f"window.events.indexOf({json.dumps(name)}) !== -1")
    events: list[str] = page.evaluate("window.events")
    return events


def link_hrefs(page: Page, text: str) -> list[str | None]:
    links = page.locator("#my-store-1003").get_by_role("link", name=text, exact=True)
    return [links.nth(i).get_attribute("href") for i in range(links.count())]


def test_a_valid_payload_shows_the_shopper_signed_in(
    page: Page, site: Site, fake_ecwid: FakeEcwid
) -> None:
    url = site.add(store_page(fake_ecwid.script_url, before=sso(live_payload(fake_ecwid))))

    def steps(page: Page) -> tuple[str, list[str], t.Any, int]:
        page.goto(url)
        signed_in = page.locator("#my-store-1003 .ec-signed-in")
        signed_in.wait_for()
        events = wait_for_event(page, "page:CATEGORY")
        customer = page.evaluate("new Promise(done => Ecwid.Customer.get(done))")
        return signed_in.inner_text(), events, customer, page.evaluate("Ecwid.getOwnerId()")

    text, events, customer, owner = steps(page)

    assert text == f"Signed in as {ANN}"
    assert events == ["api", f"profile:{ANN}", "page:CATEGORY"]
    assert customer["email"] == ANN
    assert owner == 1003
    assert [(e.accepted, e.reason) for e in fake_ecwid.sso_log] == [(True, "ok")]


def test_nobody_signed_in_gets_the_sites_sign_in_link(
    page: Page, site: Site, fake_ecwid: FakeEcwid
) -> None:
    urls = 'Ecwid.setSignInUrls({signInUrl: "/login", signOutUrl: "/logout"});'
    url = site.add(store_page(fake_ecwid.script_url, before=sso(""), after=urls))

    def steps(page: Page) -> tuple[list[str | None], list[str | None], str]:
        page.goto(url)
        page.locator("#my-store-1003 .ec-sign-in").wait_for()
        return link_hrefs(page, "Sign in"), link_hrefs(page, "Sign out"), store_text(page)

    sign_in, sign_out, text = steps(page)

    assert sign_in == ["/login"]
    assert sign_out == []
    assert "Signed in as" not in text
    assert [(e.accepted, e.reason) for e in fake_ecwid.sso_log] == [(True, "logged_out")]


def test_in_sso_mode_without_urls_the_store_offers_no_sign_in_of_its_own(
    page: Page, site: Site, fake_ecwid: FakeEcwid
) -> None:
    url = site.add(store_page(fake_ecwid.script_url, before=sso("")))

    def steps(page: Page) -> tuple[list[str | None], str]:
        page.goto(url)
        wait_for_event(page, "page:CATEGORY")
        return link_hrefs(page, "Sign in"), store_text(page)

    sign_in, text = steps(page)

    assert sign_in == []
    assert text == ""


@pytest.mark.parametrize(
    ("urls", "sign_out"),
    [
        ('{signInUrl: "/login", signOutUrl: "/logout?token=t"}', ["/logout?token=t"]),
        ('{signInUrl: "/login"}', []),
    ],
)
def test_a_sign_out_link_only_when_the_site_gives_one(
    page: Page, site: Site, fake_ecwid: FakeEcwid, urls: str, sign_out: list[str]
) -> None:
    url = site.add(
        store_page(
            fake_ecwid.script_url,
            before=sso(live_payload(fake_ecwid)),
            after=f"Ecwid.OnAPILoaded.add(function () {{ Ecwid.setSignInUrls({urls}); }});",
        )
    )

    def steps(page: Page) -> tuple[list[str | None], list[str | None]]:
        page.goto(url)
        page.locator("#my-store-1003 .ec-signed-in").wait_for()
        return link_hrefs(page, "Sign out"), link_hrefs(page, "Sign in")

    assert steps(page) == (sign_out, [])


def test_outside_sso_mode_the_sso_calls_do_nothing(
    page: Page, site: Site, fake_ecwid: FakeEcwid
) -> None:
    calls = (
        f"Ecwid.setSsoProfile({json.dumps(live_payload(fake_ecwid))});"
        'Ecwid.setSignInUrls({signInUrl: "/login", signOutUrl: "/logout"});'
    )
    url = site.add(store_page(fake_ecwid.script_url, after=calls))

    def steps(page: Page) -> tuple[list[str | None], list[str]]:
        page.goto(url)
        # The calls ran before the first page was announced; a request they started would
        # be answered, so logged by the fake, before the network went idle.
        wait_for_event(page, "page:CATEGORY")
        page.wait_for_load_state("networkidle")
        return link_hrefs(page, "Sign in"), page.evaluate("window.events")

    sign_in, events = steps(page)

    assert len(sign_in) == 1
    assert sign_in != ["/login"]
    assert "profile:null" in events
    assert fake_ecwid.sso_log == []
    assert all(r.path != "/storefront/sso" for r in fake_ecwid.request_log)


def test_outside_sso_mode_sign_in_opens_the_stores_own_page(
    page: Page, site: Site, fake_ecwid: FakeEcwid
) -> None:
    url = site.add(store_page(fake_ecwid.script_url))

    def steps(page: Page) -> tuple[list[str], str]:
        page.goto(url)
        page.locator("#my-store-1003").get_by_role("link", name="Sign in", exact=True).click()
        events = wait_for_event(page, "page:SIGN_IN")
        return events, page.locator("#my-store-1003 h2").inner_text()

    events, heading = steps(page)

    assert events[-1] == "page:SIGN_IN"
    assert heading == "Sign in"


def test_set_sso_profile_logs_out_and_back_in_without_a_reload(
    page: Page, site: Site, fake_ecwid: FakeEcwid
) -> None:
    url = site.add(
        store_page(
            fake_ecwid.script_url,
            before=sso(live_payload(fake_ecwid)),
            after='Ecwid.setSignInUrls({signInUrl: "/login", signOutUrl: "/logout"});',
        )
    )
    again = live_payload(fake_ecwid, age=1)

    def steps(page: Page) -> list[str]:
        page.goto(url)
        page.locator("#my-store-1003 .ec-signed-in").wait_for()
        page.evaluate("window.marker = 1; Ecwid.setSsoProfile('')")
        page.locator("#my-store-1003 .ec-sign-in").wait_for()
        assert page.locator(".ec-signed-in").count() == 0
        page.evaluate(f"Ecwid.setSsoProfile({json.dumps(again)})")
        page.locator("#my-store-1003 .ec-signed-in").wait_for()
        assert page.evaluate("window.marker") == 1
        events: list[str] = page.evaluate("window.events")
        return [event for event in events if event.startswith("profile:")]

    assert steps(page) == [f"profile:{ANN}", "profile:null", f"profile:{ANN}"]
    assert [(e.accepted, e.reason) for e in fake_ecwid.sso_log] == [
        (True, "ok"),
        (True, "logged_out"),
        (True, "ok"),
    ]


def test_a_refused_payload_shows_the_shopper_logged_out(
    page: Page, site: Site, fake_ecwid: FakeEcwid
) -> None:
    fake_ecwid.add_customer({"email": ANN})
    url = site.add(
        store_page(
            fake_ecwid.script_url,
            before=sso(live_payload(fake_ecwid)),
            after='Ecwid.setSignInUrls({signInUrl: "/login"});',
        )
    )

    def steps(page: Page) -> str:
        page.goto(url)
        page.locator("#my-store-1003 .ec-sign-in").wait_for()
        return store_text(page)

    assert steps(page) == "Sign in"
    assert [(e.accepted, e.reason) for e in fake_ecwid.sso_log] == [(False, "email_conflict")]


def test_a_sign_in_provider_replaces_the_urls(
    page: Page, site: Site, fake_ecwid: FakeEcwid
) -> None:
    provider = """Ecwid.setSignInProvider({
        addSignInLinkToPB: function () { return true; },
        signIn: function () { window.events.push("signIn"); },
        canSignOut: function () { return true; },
        signOut: function () { window.events.push("signOut"); }
    });"""
    url = site.add(store_page(fake_ecwid.script_url, before=sso(""), after=provider))

    def steps(page: Page) -> list[str]:
        page.goto(url)
        store = page.locator("#my-store-1003")
        store.get_by_role("link", name="Sign in", exact=True).click()
        wait_for_event(page, "signIn")
        page.evaluate(f"Ecwid.setSsoProfile({json.dumps(live_payload(fake_ecwid))})")
        store.get_by_role("link", name="Sign out", exact=True).click()
        return wait_for_event(page, "signOut")

    events = steps(page)

    assert events.index("signIn") < events.index("signOut")


def test_the_store_works_under_a_prefix_inside_another_app(page: Page) -> None:
    pages, fake = Site(), FakeEcwid()
    with serving(DispatcherMiddleware(pages, {"/_ecwid": fake})) as root:
        pages.url, fake.url = root, root + "/_ecwid"
        url = pages.add(store_page(fake.script_url, before=sso(live_payload(fake))))

        def steps(page: Page) -> str:
            page.goto(url)
            return page.locator("#my-store-1003 .ec-signed-in").inner_text()

        assert steps(page) == f"Signed in as {ANN}"
    assert {r.path for r in fake.request_log} == {"/script.js", "/storefront/sso"}


def test_the_widgets_make_a_small_shop(page: Page, site: Site, fake_ecwid: FakeEcwid) -> None:
    url = site.add(store_page(fake_ecwid.script_url))

    def steps(page: Page) -> dict[str, t.Any]:
        page.goto(url)
        wait_for_event(page, "api")
        store = page.locator("#my-store-1003")
        store.get_by_role("button", name="Add to bag").first.click()
        store.get_by_role("button", name="Add to bag").first.click()
        page.locator("#my-categories-1003").get_by_role("link", name="Tea").click()
        tea = store.locator(".ec-product__name").all_inner_texts()
        page.locator("#my-search-1003 input").fill("mug")
        page.locator("#my-search-1003").get_by_role("button", name="Search").click()
        return {
            "cart": page.locator(".ec-cart-widget").inner_text(),
            "tea": tea,
            "mugs": store.locator(".ec-product__name").all_inner_texts(),
            "pages": wait_for_event(page, "page:SEARCH"),
        }

    shop = steps(page)

    assert shop["cart"] == "Bag (2)"
    assert shop["tea"] == ["Darjeeling First Flush, 100 g", "Sencha, 100 g"]
    assert shop["mugs"] == ["Stoneware Mug", "Travel Mug"]
    assert shop["pages"][-2:] == ["page:CATEGORY", "page:SEARCH"]
