"""The store page: ``sso.store_route``, clean store URLs, and the store's language per request."""

from __future__ import annotations

import html
import re
import typing as t

import pytest
from conftest import AppFactory
from flask import Blueprint, Flask, g, render_template_string, request, url_for
from flask_babel import Babel
from helpers import PAGE

from flask_ecwid_sso import ConfigError, EcwidSSO

CLEAN_CONFIG = (
    "window.ec.config.storefrontUrls.cleanUrls = true;",
    "window.ec.config.storefrontUrls.slugsWithoutIds = true;",
)


def shop(make_app: AppFactory, *, sso: EcwidSSO | None = None, **config: t.Any) -> Flask:
    """An app whose store page, at /boutique/ and below, is served by ``sso.store_route``."""
    sso = sso or EcwidSSO()
    app = make_app(sso=sso, **config)

    @sso.store_route(app, "/boutique/")
    def boutique() -> str:
        return render_template_string(PAGE)

    return app


def base_url_in(page: str) -> str | None:
    found = re.search(r"window\.ec\.config\.baseUrl = (\"[^\"]*\");", page)
    return None if found is None else str(found.group(1)).strip('"')


def script_src(page: str) -> str:
    found = re.search(r'src="([^"]*script\.js[^"]*)"', page)
    assert found is not None
    return html.unescape(found.group(1))


# -- sso.store_route -------------------------------------------------------


@pytest.mark.parametrize("path", ["/boutique/", "/boutique/Coffee", "/boutique/a/b%20c?x=1"])
def test_the_store_page_is_served_at_its_base_and_every_path_below(
    make_app: AppFactory, path: str
) -> None:
    response = shop(make_app).test_client().get(path)
    assert response.status_code == 200
    assert 'id="my-store-1003"' in response.get_data(as_text=True)


def test_the_base_without_its_slash_redirects_to_it(make_app: AppFactory) -> None:
    response = shop(make_app).test_client().get("/boutique")
    assert response.status_code == 308
    assert response.location.endswith("/boutique/")


def test_the_view_is_called_without_the_path_which_stays_in_view_args(
    make_app: AppFactory,
) -> None:
    sso = EcwidSSO()
    app = make_app(sso=sso)
    seen: list[tuple[tuple[object, ...], dict[str, t.Any]]] = []

    @sso.store_route(app, "/<lang>/store", methods=["GET", "POST"])
    def local_store(*args: object, **kwargs: t.Any) -> str:
        seen.append((args, kwargs))
        return f"{request.view_args} {url_for('local_store', lang=kwargs['lang'])}"

    client = app.test_client()
    deep = client.post("/fr/store/House-Blend-250-g").get_data(as_text=True)
    base = client.get("/fr/store/").get_data(as_text=True)

    assert seen == [((), {"lang": "fr"}), ((), {"lang": "fr"})]
    assert deep == "{'lang': 'fr', 'store_path': 'House-Blend-250-g'} /fr/store/"
    assert base == "{'lang': 'fr'} /fr/store/"


def test_the_decorator_returns_the_view_itself(make_app: AppFactory) -> None:
    sso = EcwidSSO()
    app = make_app(sso=sso)

    def store() -> str:
        return "store"

    assert sso.store_route(app, "/shop/", endpoint="shop")(store) is store
    with app.test_request_context():
        assert url_for("shop") == "/shop/"


def test_a_store_rule_starts_with_a_slash(make_app: AppFactory) -> None:
    with pytest.raises(ValueError, match="starts with '/'"):
        EcwidSSO().store_route(make_app(), "store/")


# -- clean URLs ------------------------------------------------------------


def test_clean_urls_take_the_store_routes_base_on_deep_links_too(make_app: AppFactory) -> None:
    client = shop(make_app, ECWID_CLEAN_URLS=True).test_client()
    for path in ("/boutique/", "/boutique/House-Blend-250-g"):
        page = client.get(path).get_data(as_text=True)
        assert base_url_in(page) == "/boutique/"
        assert all(line in page for line in CLEAN_CONFIG)
        assert page.index("slugsWithoutIds") < page.index("script.js?")


def test_the_base_includes_the_blueprints_prefix_and_the_script_root(
    make_app: AppFactory,
) -> None:
    sso = EcwidSSO()
    app = make_app(sso=sso, ECWID_CLEAN_URLS="true", SERVER_NAME=None)
    shop_pages = Blueprint("shop", __name__)

    @sso.store_route(shop_pages, "/store/")
    def store() -> str:
        return render_template_string(PAGE)

    app.register_blueprint(shop_pages, url_prefix="/en")
    page = app.test_client().get("/en/store/Tea", base_url="http://localhost/site/")
    assert base_url_in(page.get_data(as_text=True)) == "/site/en/store/"


def test_the_base_follows_the_store_routes_values_page_after_page(make_app: AppFactory) -> None:
    sso = EcwidSSO()
    app = make_app(sso=sso, ECWID_CLEAN_URLS=True)

    @sso.store_route(app, "/<shop>/store/")
    def shop_store(shop: str) -> str:
        return render_template_string(PAGE)

    client = app.test_client()
    for shop_name in ("north", "south", "north", "east"):
        page = client.get(f"/{shop_name}/store/Tea").get_data(as_text=True)
        assert base_url_in(page) == f"/{shop_name}/store/"


def language_in_every_url(scaffold: Flask | Blueprint) -> None:
    """Flask's pattern for a language in every URL: the views never see it in view_args."""

    @scaffold.url_value_preprocessor
    def pull_language(endpoint: str | None, values: dict[str, t.Any] | None) -> None:
        g.lang = (values or {}).pop("lang", "en")

    @scaffold.url_defaults
    def add_language(endpoint: str, values: dict[str, t.Any]) -> None:
        values.setdefault("lang", g.lang)


def test_the_base_follows_url_defaults_that_change_per_request(make_app: AppFactory) -> None:
    sso = EcwidSSO()
    app = make_app(sso=sso, ECWID_CLEAN_URLS=True)
    language_in_every_url(app)

    @sso.store_route(app, "/<lang>/store/")
    def store_in_language() -> str:
        return render_template_string(PAGE)

    client = app.test_client()
    for lang in ("en", "fr", "en", "de"):
        page = client.get(f"/{lang}/store/Tea").get_data(as_text=True)
        assert base_url_in(page) == f"/{lang}/store/"


def test_the_base_follows_a_parent_blueprints_url_defaults(make_app: AppFactory) -> None:
    sso = EcwidSSO()
    app = make_app(sso=sso, ECWID_CLEAN_URLS=True)
    site = Blueprint("site", __name__, url_prefix="/<lang>")
    language_in_every_url(site)
    shop_pages = Blueprint("shop", __name__)

    @sso.store_route(shop_pages, "/store/")
    def nested_store() -> str:
        return render_template_string(PAGE)

    site.register_blueprint(shop_pages)
    app.register_blueprint(site)
    client = app.test_client()
    for lang in ("en", "fr", "de"):
        page = client.get(f"/{lang}/store/Tea").get_data(as_text=True)
        assert base_url_in(page) == f"/{lang}/store/"


def test_clean_urls_are_off_by_default(make_app: AppFactory) -> None:
    page = shop(make_app).test_client().get("/boutique/Coffee").get_data(as_text=True)
    assert "cleanUrls" not in page
    assert base_url_in(page) is None


def test_a_widgets_base_url_turns_on_both_clean_url_settings(make_app: AppFactory) -> None:
    app = make_app()
    with app.test_request_context("/store"):
        page = render_template_string("{{ ecwid_widget('store', base_url='/shop/') }}")
    assert base_url_in(page) == "/shop/"
    assert all(line in page for line in CLEAN_CONFIG)


def test_outside_the_store_route_clean_urls_use_the_store_endpoint(make_app: AppFactory) -> None:
    app = shop(make_app, ECWID_CLEAN_URLS=True, ECWID_STORE_ENDPOINT="boutique")
    page = app.test_client().get("/store").get_data(as_text=True)
    assert base_url_in(page) == "/boutique/"


def test_clean_urls_without_any_base_say_what_to_do(make_app: AppFactory) -> None:
    app = make_app(ECWID_CLEAN_URLS=True)
    with pytest.raises(ConfigError, match=r"sso\.store_route\(\)") as info:
        app.test_client().get("/store")
    assert info.value.key == "ECWID_CLEAN_URLS"


@pytest.mark.parametrize(
    ("config", "key"),
    [
        ({"ECWID_CLEAN_URLS": "sometimes"}, "ECWID_CLEAN_URLS"),
        ({"ECWID_STORE_LANG": "french"}, "ECWID_STORE_LANG"),
        ({"ECWID_STORE_LANG": 7}, "ECWID_STORE_LANG"),
    ],
)
def test_bad_store_settings_fail_at_start_up(
    make_app: AppFactory, config: dict[str, t.Any], key: str
) -> None:
    with pytest.raises(ConfigError) as info:
        make_app(**config)
    assert info.value.key == key


# -- the store's language --------------------------------------------------


def store_src(app: Flask, path: str = "/store") -> str:
    return script_src(app.test_client().get(path).get_data(as_text=True))


def test_no_language_is_sent_by_default(make_app: AppFactory) -> None:
    assert "lang=" not in store_src(make_app())


def test_the_static_language_is_the_fallback(make_app: AppFactory) -> None:
    assert store_src(make_app(ECWID_STORE_LANG="fr")).endswith("?1003&data_platform=code&lang=fr")


@pytest.mark.parametrize(
    ("answer", "lang"), [("de", "de"), ("pt-BR", "pt_BR"), ("pt_BR", "pt_BR"), (None, "fr")]
)
def test_a_locale_loader_decides_per_request(
    make_app: AppFactory, answer: str | None, lang: str
) -> None:
    sso = EcwidSSO()
    sso.locale_loader(lambda: answer)
    app = make_app(sso=sso, ECWID_STORE_LANG="fr")
    assert store_src(app).endswith(f"&lang={lang}")


def test_a_widgets_own_lang_wins(make_app: AppFactory) -> None:
    sso = EcwidSSO()
    sso.locale_loader(lambda: "de")
    app = make_app(sso=sso, ECWID_STORE_LANG="fr")
    with app.test_request_context("/store"):
        page = render_template_string("{{ ecwid_widget('store', lang='es') }}")
    assert script_src(page).endswith("&lang=es")


@pytest.mark.parametrize("answer", ["French", "fr_fr", 5])
def test_a_locale_loaders_bad_answer_is_named(make_app: AppFactory, answer: t.Any) -> None:
    sso = EcwidSSO()
    sso.locale_loader(lambda: answer)
    app = make_app(sso=sso)
    with pytest.raises(ValueError, match="locale loader"):
        app.test_client().get("/store")


def test_flask_babels_locale_is_the_default(make_app: AppFactory) -> None:
    app = make_app(ECWID_STORE_LANG="fr")
    Babel(app, locale_selector=lambda: request.args.get("hl"))
    assert store_src(app, "/store?hl=de").endswith("&lang=de")
    assert store_src(app, "/store?hl=pt_BR").endswith("&lang=pt")
    # Without a choice Flask-Babel gives its default locale, which beats ECWID_STORE_LANG.
    assert store_src(app, "/store").endswith("&lang=en")


def test_a_locale_loader_replaces_flask_babel(make_app: AppFactory) -> None:
    sso = EcwidSSO()
    sso.locale_loader(lambda: None)
    app = make_app(sso=sso, ECWID_STORE_LANG="fr")
    Babel(app, locale_selector=lambda: "de")
    assert store_src(app).endswith("&lang=fr")
