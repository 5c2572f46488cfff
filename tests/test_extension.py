from __future__ import annotations

import json
import logging
import threading
import typing as t

import flask_login
import pytest
from conftest import AppFactory
from flask import Flask, render_template_string, request
from helpers import CLIENT_SECRET, STORE_ID, USERS, check_payload, payload_in
from hypothesis import given
from hypothesis import strategies as st
from jinja2 import ChoiceLoader, DictLoader

from flask_ecwid_sso import ConfigError, EcwidSSO, Profile, ProfileError
from flask_ecwid_sso.signals import payload_failed, payload_issued
from flask_ecwid_sso.state import app_state
from flask_ecwid_sso.tokens import user_marker
from flask_ecwid_sso.widgets import script_json


def logged_in_page(app: Flask, user_id: int = 1, path: str = "/store") -> t.Any:
    client = app.test_client()
    client.get(f"/login-as/{user_id}")
    return client.get(path)


# -- configuration ---------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "key"),
    [
        ({"ECWID_STORE_ID": None}, "ECWID_STORE_ID"),
        ({"ECWID_STORE_ID": "12ab"}, "ECWID_STORE_ID"),
        ({"ECWID_STORE_ID": True}, "ECWID_STORE_ID"),
        ({"ECWID_CLIENT_ID": None}, "ECWID_CLIENT_ID"),
        ({"ECWID_CLIENT_SECRET": "  "}, "ECWID_CLIENT_SECRET"),
        ({"ECWID_SSO_DIGEST": "md5"}, "ECWID_SSO_DIGEST"),
        ({"ECWID_SSO_APP_ID": "my_site"}, "ECWID_SSO_SECRET"),
        ({"ECWID_SSO_ENABLED": "maybe"}, "ECWID_SSO_ENABLED"),
        ({"ECWID_URL_PREFIX": "ecwid/"}, "ECWID_URL_PREFIX"),
        ({"ECWID_ALLOWED_HOSTS": ["ok.test", "bad host/"]}, "ECWID_ALLOWED_HOSTS"),
        ({"ECWID_API_URL": "ftp://x"}, "ECWID_API_URL"),
        ({"ECWID_API_TIMEOUT": 0}, "ECWID_API_TIMEOUT"),
        ({"ECWID_API_MAX_RETRIES": 1.5}, "ECWID_API_MAX_RETRIES"),
        ({"ECWID_CUSTOMER_CACHE_TTL": "soon"}, "ECWID_CUSTOMER_CACHE_TTL"),
    ],
)
def test_bad_config_fails_at_start_up_naming_the_key(
    make_app: AppFactory, config: dict[str, t.Any], key: str
) -> None:
    with pytest.raises(ConfigError) as info:
        make_app(**config)
    assert info.value.key == key
    assert key in str(info.value)
    assert CLIENT_SECRET not in str(info.value)


def test_sso_needs_a_secret_key_at_start_up(make_app: AppFactory) -> None:
    with pytest.raises(ConfigError) as info:
        make_app(SECRET_KEY=None)
    assert info.value.key == "SECRET_KEY"
    assert make_app(SECRET_KEY=None, ECWID_SSO_ENABLED=False)


def test_store_id_from_the_environment_may_be_a_string(make_app: AppFactory) -> None:
    app = make_app(ECWID_STORE_ID="1003")
    with app.test_request_context():
        assert app_state(app).settings.store_id == 1003


def test_sso_off_needs_no_secret_and_renders_no_sso_script(make_app: AppFactory) -> None:
    app = make_app(ECWID_SSO_ENABLED=False, ECWID_CLIENT_ID=None, ECWID_CLIENT_SECRET=None)
    html = logged_in_page(app).get_data(as_text=True)
    assert "ecwid_sso_profile" not in html
    assert "xProductBrowser" in html


def test_legacy_variant_signs_with_app_id_and_sso_secret(make_app: AppFactory) -> None:
    app = make_app(ECWID_SSO_APP_ID="my_site", ECWID_SSO_SECRET="legacy-key")
    payload = payload_in(logged_in_page(app).get_data(as_text=True))
    document = check_payload(payload, secret="legacy-key")
    assert document["appId"] == "my_site"
    assert "appClientId" not in document


def test_registering_twice_raises(app: Flask) -> None:
    with pytest.raises(RuntimeError, match="once per app"):
        EcwidSSO(app)


def test_an_unregistered_app_says_to_call_init_app() -> None:
    sso = EcwidSSO()
    with Flask(__name__).test_request_context(), pytest.raises(RuntimeError, match="init_app"):
        sso.payload()


def test_one_extension_serves_several_apps(make_app: AppFactory) -> None:
    sso = EcwidSSO()
    first = make_app(sso=sso, ECWID_STORE_ID=1)
    second = make_app(sso=sso, ECWID_STORE_ID=2, ECWID_CLIENT_ID="other-app")
    assert "script.js?1&amp;" in logged_in_page(first).get_data(as_text=True)
    html = logged_in_page(second).get_data(as_text=True)
    assert "script.js?2&amp;" in html
    assert check_payload(payload_in(html))["appClientId"] == "other-app"


# -- the payload -----------------------------------------------------------


def test_logged_in_page_carries_a_valid_payload_for_the_user(app: Flask) -> None:
    document = check_payload(payload_in(logged_in_page(app).get_data(as_text=True)))
    assert document == {
        "appClientId": "my-cool-app",
        "userId": "1",
        "profile": {"email": "alice@example.com", "billingPerson": {"name": "Alice Liddell"}},
    }


def test_anonymous_page_defines_an_empty_payload(app: Flask) -> None:
    html = app.test_client().get("/store").get_data(as_text=True)
    assert payload_in(html) == ""


def test_payload_is_computed_once_per_request(make_app: AppFactory) -> None:
    sso = EcwidSSO()
    calls: list[object] = []

    @sso.profile_loader
    def profile(user: t.Any) -> Profile:
        calls.append(user)
        return Profile(email=user.email)

    app = make_app(sso=sso)
    with app.test_request_context():
        flask_login.login_user(USERS[1])
        assert sso.payload() == sso.payload()
    assert len(calls) == 1


def test_custom_loaders_shape_the_payload(make_app: AppFactory) -> None:
    sso = EcwidSSO()

    @sso.current_user_loader
    def current() -> t.Any:
        return USERS[2] if request.args.get("as") == "bob" else None

    @sso.user_id_loader
    def user_id(user: t.Any) -> str:
        return f"site-{user.id}"

    @sso.profile_loader
    def profile(user: t.Any) -> dict[str, t.Any]:
        return {"email": user.email, "billingPerson": {"name": "B", "countryCode": "de"}}

    app = make_app(sso=sso)
    document = check_payload(
        payload_in(app.test_client().get("/store?as=bob").get_data(as_text=True))
    )
    assert document["userId"] == "site-2"
    assert document["profile"]["billingPerson"] == {"name": "B", "countryCode": "DE"}
    assert payload_in(app.test_client().get("/store").get_data(as_text=True)) == ""


def test_default_profile_joins_first_and_last_name(make_app: AppFactory) -> None:
    class Person:
        id = 9
        email = "c@example.com"
        first_name = "Cara"
        last_name = "Diaz"

    sso = EcwidSSO()
    sso.current_user_loader(Person)
    app = make_app(sso=sso)
    html = app.test_client().get("/store").get_data(as_text=True)
    assert check_payload(payload_in(html))["profile"]["billingPerson"] == {"name": "Cara Diaz"}


def test_profile_loader_returning_none_means_nobody(make_app: AppFactory) -> None:
    sso = EcwidSSO()
    sso.profile_loader(lambda user: None)
    assert payload_in(logged_in_page(make_app(sso=sso)).get_data(as_text=True)) == ""


def _broken(user: t.Any) -> Profile:
    raise KeyError("database went away")


def _invalid(user: t.Any) -> dict[str, str]:
    return {"email": "not-an-address"}


@pytest.mark.parametrize("loader", [_broken, _invalid])
def test_failing_loader_logs_and_treats_the_shopper_as_logged_out(
    make_app: AppFactory, loader: t.Any, caplog: pytest.LogCaptureFixture
) -> None:
    sso = EcwidSSO()
    sso.profile_loader(loader)
    failures: list[Exception] = []
    app = make_app(sso=sso, PROPAGATE_EXCEPTIONS=False)
    payload_failed.connect(lambda sender, error: failures.append(error), app, weak=False)
    with caplog.at_level(logging.ERROR, "flask_ecwid_sso"):
        response = logged_in_page(app)
    assert response.status_code == 200
    assert payload_in(response.get_data(as_text=True)) == ""
    assert "logged out" in caplog.text
    assert CLIENT_SECRET not in caplog.text
    assert len(failures) == 1


def test_failing_loader_surfaces_while_testing(make_app: AppFactory) -> None:
    sso = EcwidSSO()
    sso.profile_loader(_invalid)
    app = make_app(sso=sso)
    with pytest.raises(ProfileError, match="email"):
        logged_in_page(app)


def test_payload_issued_signal_carries_the_user_id_only(app: Flask) -> None:
    seen: list[dict[str, t.Any]] = []
    payload_issued.connect(lambda sender, **kw: seen.append(kw), app, weak=False)
    logged_in_page(app)
    assert seen == [{"user_id": "1"}]


def test_payloads_for_one_user_never_repeat_under_a_burst(app: Flask) -> None:
    payloads: list[str] = []
    lock = threading.Lock()

    def shopper() -> None:
        client = app.test_client()
        client.get("/login-as/1")
        for _ in range(25):
            payload = payload_in(client.get("/store").get_data(as_text=True))
            with lock:
                payloads.append(payload)

    threads = [threading.Thread(target=shopper) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(payloads) == 200
    assert len(set(payloads)) == 200
    for payload in payloads:
        check_payload(payload)


# -- widgets and the page --------------------------------------------------


def render(app: Flask, source: str, *, user_id: int | None = 1) -> str:
    @app.get("/t")
    def page() -> str:
        return render_template_string(source)

    client = app.test_client()
    if user_id is not None:
        client.get(f"/login-as/{user_id}")
    return client.get("/t").get_data(as_text=True)


def test_store_widget_follows_ecwids_embed_code(app: Flask) -> None:
    html = render(app, "{{ ecwid_widget('store', default_category_id=5, lang='fr') }}")
    assert f'<div id="my-store-{STORE_ID}"></div>' in html
    assert (
        '<script data-cfasync="false" data-no-optimize="1" type="text/javascript"'
        f' src="https://app.ecwid.com/script.js?{STORE_ID}&amp;data_platform=code&amp;lang=fr"'
        ' charset="utf-8"></script>'
    ) in html
    assert (
        'xProductBrowser("categoriesPerRow=3", "views=grid(20,3) list(60) table(60)",'
        ' "categoryView=grid", "searchView=list", "defaultCategoryId=5",'
        f' "id=my-store-{STORE_ID}");'
    ) in html


@pytest.mark.parametrize(
    ("kind", "markup"),
    [
        ("categories", f'xCategoriesV2("id=my-categories-{STORE_ID}")'),
        ("search", f'xSearch("id=my-search-{STORE_ID}")'),
        ("cart", '<div class="ec-cart-widget"></div>'),
    ],
)
def test_other_widgets(app: Flask, kind: str, markup: str) -> None:
    assert markup in render(app, f"{{{{ ecwid_widget({kind!r}) }}}}")


def test_many_widgets_load_script_js_and_the_sso_script_once(app: Flask) -> None:
    html = render(
        app,
        "{{ ecwid_sso_script() }}{{ ecwid_widget('cart') }}{{ ecwid_widget('search') }}"
        "{{ ecwid_widget('categories') }}{{ ecwid_widget('store') }}",
    )
    assert html.count("script.js?") == 1
    assert html.count("window.ecwid_sso_profile") == 1
    assert html.count("ecwid-sso.js") == 1
    assert html.index("window.ecwid_sso_profile") < html.index("script.js?")


@pytest.mark.parametrize(
    "source",
    [
        "{{ ecwid_widget('store') }}",
        "{{ ecwid_widget('store', lang='fr', base_url='/store/') }}{{ ecwid_widget('cart') }}",
        "{{ ecwid_sso_script() }}{{ ecwid_widget('cart') }}{{ ecwid_widget('search') }}",
        "{{ ecwid_widget('categories') }}{{ ecwid_sso_script() }}{{ ecwid_widget('store') }}",
    ],
)
def test_reused_snippets_make_the_page_a_full_render_makes(app: Flask, source: str) -> None:
    @app.get("/t")
    def page() -> str:
        return render_template_string(source)

    client = app.test_client()
    client.get("/login-as/1")
    pages = [client.get("/t").get_data(as_text=True) for _ in range(2)]
    app.jinja_env.auto_reload = True  # snippets rendered in full, none reused
    pages.append(client.get("/t").get_data(as_text=True))
    payloads = [payload_in(page) for page in pages]
    assert len(set(payloads)) == 3
    assert all(check_payload(payload)["userId"] == "1" for payload in payloads)
    assert (
        len({page.replace(payload, "") for page, payload in zip(pages, payloads, strict=True)}) == 1
    )


def test_the_tag_renders_what_the_function_renders(app: Flask) -> None:
    tag = render(app, '{% ecwid_widget "store" default_product_id=7, categories_per_row=2 %}')
    assert '"defaultProductId=7"' in tag
    assert '"categoriesPerRow=2"' in tag
    assert "window.ecwid_sso_profile" in tag
    assert check_payload(payload_in(tag))["userId"] == "1"


@pytest.mark.parametrize(
    ("call", "error"),
    [
        ("ecwid_widget('shop')", ValueError),
        ("ecwid_widget('store', views='</script>')", ValueError),
        ("ecwid_widget('store', category_view='grid\"')", ValueError),
        ("ecwid_widget('store', default_category_id='5')", ValueError),
        ("ecwid_widget('store', categories_per_row=0)", ValueError),
        ("ecwid_widget('store', default_product_id=-1)", ValueError),
        ("ecwid_widget('store', lang='fr\" onload=\"x')", ValueError),
        ("ecwid_widget('store', base_url='//evil.test')", ValueError),
        ("ecwid_widget('cart', default_category_id=5)", TypeError),
        ("ecwid_widget('store', colour='red')", TypeError),
        ("ecwid_widget('cart') ~ ecwid_widget('store', lang='fr')", ValueError),
    ],
)
def test_bad_widget_options_are_refused(app: Flask, call: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        render(app, "{{ " + call + " }}")


HOSTILE = [
    "</script><script>alert(1)</script>",
    "</SCRIPT ><img src=x onerror=alert(1)>",
    "\u2028\u2029alert(1)//",
    "'\"; alert(1); //",
    "<!--<script>",
    "]]><b>&amp;",
]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_profile_values_reach_the_page_only_inside_the_payload(
    make_app: AppFactory, hostile: str
) -> None:
    sso = EcwidSSO()
    sso.profile_loader(
        lambda user: Profile.from_ecwid(
            {"email": "x@example.com", "billingPerson": {"name": hostile, "city": hostile}}
        )
    )
    html = logged_in_page(make_app(sso=sso)).get_data(as_text=True)
    # Exactly our own script elements, no injected markup, and the name round-trips.
    assert html.lower().count("<script") == html.lower().count("</script>")
    assert "<img" not in html
    assert "\u2028" not in html
    assert "<!--" not in html
    assert check_payload(payload_in(html))["profile"]["billingPerson"]["name"] == hostile


def test_base_url_turns_on_clean_urls_before_script_js(app: Flask) -> None:
    html = render(app, "{{ ecwid_widget('store', base_url='/store') }}")
    assert 'window.ec.config.baseUrl = "/store";' in html
    assert html.index("cleanUrls") < html.index("script.js?")


def test_inline_scripts_carry_the_csp_nonce(app: Flask) -> None:
    @app.before_request
    def set_nonce() -> None:
        request.csp_nonce = "n0nce123"  # type: ignore[attr-defined]

    html = render(app, "{{ ecwid_widget('store') }}")
    scripts = html.count("<script")
    assert scripts >= 3
    assert html.count('nonce="n0nce123"') == scripts - 1  # script.js itself needs none


def test_sso_script_passes_urls_to_the_helper_and_never_the_secret(app: Flask) -> None:
    html = render(app, "{{ ecwid_sso_script() }}")
    assert "/ecwid-sso/static/ecwid_sso/ecwid-sso.js" in html
    assert '"signInUrl":"/ecwid-sso/sign-in"' in html
    assert '"signOutUrl":"/ecwid-sso/sign-out?token=' in html
    assert CLIENT_SECRET not in html


# -- response headers ------------------------------------------------------


def test_logged_in_store_page_is_private_and_never_stored(app: Flask) -> None:
    response = logged_in_page(app)
    assert "Cookie" in response.vary
    assert response.cache_control.no_store
    assert response.cache_control.private


def test_anonymous_store_page_varies_on_cookie_but_may_be_cached(app: Flask) -> None:
    response = app.test_client().get("/store")
    assert "Cookie" in response.vary
    assert not response.cache_control.no_store


def test_a_cache_header_set_by_the_app_is_overridden(app: Flask) -> None:
    @app.after_request
    def cache_everything(response: t.Any) -> t.Any:
        response.cache_control.public = True
        response.cache_control.max_age = 3600
        return response

    response = logged_in_page(app)
    assert response.cache_control.no_store
    assert not response.cache_control.public
    assert response.cache_control.max_age is None


def test_pages_without_the_script_keep_their_headers(app: Flask) -> None:
    response = logged_in_page(app, path="/plain")
    assert not response.cache_control.no_store
    assert not response.cache_control.private


def test_the_secret_never_reaches_any_response(app: Flask) -> None:
    client = app.test_client()
    client.get("/login-as/1")
    for path in ("/store", "/ecwid-sso/profile", "/ecwid-sso/sign-in", "/ecwid-sso/sign-out"):
        response = client.get(path)
        assert CLIENT_SECRET not in response.get_data(as_text=True)
        assert CLIENT_SECRET not in str(response.headers)


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
    )
)
def test_script_json_is_inert_in_a_script_element_and_round_trips(value: object) -> None:
    text = str(script_json(value))
    assert not set(text) & set("<>&'\u2028\u2029")
    assert json.loads(text) == value


@pytest.mark.parametrize("hostile", HOSTILE)
def test_values_through_the_ecwid_json_filter_stay_inside_the_script(
    app: Flask, hostile: str
) -> None:
    with app.test_request_context():
        html = render_template_string(
            "<script>var x = {{ value|ecwid_json }};</script>", value=hostile
        )
    assert html.lower().count("<script") == 1
    assert html.lower().count("</script") == 1
    assert json.loads(html[len("<script>var x = ") : -len(";</script>")]) == hostile


def test_the_signer_of_an_app_without_sso_says_sso_is_off(make_app: AppFactory) -> None:
    sso = EcwidSSO()
    app = make_app(sso=sso, ECWID_SSO_ENABLED=False)
    with app.app_context(), pytest.raises(ConfigError, match="ECWID_SSO_ENABLED"):
        sso.signer  # noqa: B018 - the property raises


def test_the_client_without_a_token_names_the_setting(make_app: AppFactory) -> None:
    sso = EcwidSSO()
    app = make_app(sso=sso)
    with app.app_context(), pytest.raises(ConfigError, match="ECWID_API_TOKEN") as caught:
        sso.client  # noqa: B018 - the property raises
    assert caught.value.key == "ECWID_API_TOKEN"


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"ECWID_LOGIN_ENDPOINT": 5}, "must be a string"),
        ({"ECWID_SSO_ENABLED": 2}, "True or False"),
        ({"ECWID_API_TIMEOUT": True}, "must be a number"),
        ({"ECWID_STORE_ID": "0"}, "positive"),
    ],
)
def test_settings_say_what_is_wrong_with_a_value(
    make_app: AppFactory, config: dict[str, t.Any], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        make_app(**config)


def test_a_logged_in_page_without_a_payload_is_still_private(make_app: AppFactory) -> None:
    sso = EcwidSSO()
    sso.profile_loader(lambda user: None)
    app = make_app(sso=sso)

    @app.after_request
    def cache_everything(response: t.Any) -> t.Any:
        response.cache_control.public = True
        response.cache_control.max_age = 3600
        return response

    response = logged_in_page(app)
    assert payload_in(response.get_data(as_text=True)) == ""
    assert "/ecwid-sso/sign-out?token=" in response.get_data(as_text=True)
    assert response.cache_control.no_store
    assert response.cache_control.private
    assert not response.cache_control.public


def test_cdn_and_surrogate_cache_headers_are_dropped_from_personal_pages(app: Flask) -> None:
    @app.after_request
    def cdn_headers(response: t.Any) -> t.Any:
        response.headers["CDN-Cache-Control"] = "max-age=600"
        response.headers["Surrogate-Control"] = "max-age=600"
        response.headers["Expires"] = "Thu, 01 Jan 2099 00:00:00 GMT"
        return response

    personal = logged_in_page(app)
    for header in ("CDN-Cache-Control", "Surrogate-Control", "Expires"):
        assert header not in personal.headers
    anonymous = app.test_client().get("/store")
    assert anonymous.headers["CDN-Cache-Control"] == "max-age=600"


@pytest.mark.parametrize(
    "key",
    [
        "ECWID_SSO_DIGEST",
        "ECWID_URL_PREFIX",
        "ECWID_API_URL",
        "ECWID_SCRIPT_URL",
        "ECWID_STORE_ID",
        "ECWID_SSO_ENABLED",
        "ECWID_API_TIMEOUT",
        "ECWID_ALLOWED_HOSTS",
        "ECWID_CACHE",
    ],
)
def test_a_secret_pasted_into_the_wrong_key_stays_out_of_the_error(
    make_app: AppFactory, key: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        make_app(**{key: f"x/{CLIENT_SECRET}/"})
    assert caught.value.key == key
    assert CLIENT_SECRET not in str(caught.value)


def test_a_widget_option_of_the_wrong_type_is_refused_even_after_a_good_one(
    make_app: AppFactory,
) -> None:
    assert "defaultCategoryId=1" in render(
        make_app(), "{{ ecwid_widget('store', default_category_id=1) }}"
    )
    with pytest.raises(ValueError, match="default_category_id"):
        render(make_app(), "{{ ecwid_widget('store', default_category_id=True) }}")


def test_an_overridden_sso_script_using_the_values_its_own_way_still_gets_them(
    make_app: AppFactory,
) -> None:
    app = make_app()
    own = (
        '<script data-own="1">var me = "{{ config.state }}";'
        " var sso = {{ payload|ecwid_json }}; var again = {{ payload|ecwid_json }};</script>"
    )
    app.jinja_loader = ChoiceLoader(  # type: ignore[assignment]
        [DictLoader({"ecwid_sso/sso_script.html": own}), app.jinja_loader]
    )
    client = app.test_client()
    client.get("/login-as/1")
    for _ in range(2):  # the second page would be the one reusing a rendered frame
        html = client.get("/store").get_data(as_text=True)
        assert 'data-own="1"' in html
        assert f'var me = "{user_marker_for(app, "1")}"' in html
        payloads = html.split("var sso = ")[1].split(";")[0], html.split("var again = ")[1]
        assert payloads[1].startswith(payloads[0])
        check_payload(json.loads(payloads[0]))


def user_marker_for(app: Flask, user_id: str) -> str:
    with app.app_context():
        return user_marker(user_id)
