from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flask_ecwid_sso.redirects import is_safe_redirect, safe_redirect_target

HOST = "shop.example.com"

HOSTILE = [
    pytest.param(None, id="none"),
    pytest.param("", id="empty"),
    pytest.param(b"/store", id="bytes"),
    pytest.param(42, id="int"),
    pytest.param("https://evil.com/", id="other-host"),
    pytest.param("http://evil.com", id="other-host-no-path"),
    pytest.param("//evil.com", id="scheme-relative"),
    pytest.param("//shop.example.com/store", id="scheme-relative-own-host"),
    pytest.param("///evil.com", id="triple-slash"),
    pytest.param("/\\evil.com", id="slash-backslash"),
    pytest.param("\\\\evil.com", id="double-backslash"),
    pytest.param("\\/evil.com", id="backslash-slash"),
    pytest.param("https://shop.example.com\\@evil.com/", id="backslash-in-authority"),
    pytest.param("/store\\..\\..\\evil", id="backslash-in-path"),
    pytest.param("javascript:alert(1)", id="javascript"),
    pytest.param("JaVaScRiPt:alert(1)", id="javascript-mixed-case"),
    pytest.param("data:text/html,<script>alert(1)</script>", id="data"),
    pytest.param("vbscript:msgbox(1)", id="vbscript"),
    pytest.param("ftp://shop.example.com/file", id="ftp-own-host"),
    pytest.param("mailto:a@shop.example.com", id="mailto"),
    pytest.param("http:evil.com", id="scheme-without-slashes"),
    pytest.param("https:/evil.com", id="scheme-one-slash"),
    pytest.param("http:///evil.com", id="scheme-empty-authority"),
    pytest.param("/\t/evil.com", id="tab-makes-double-slash"),
    pytest.param("/\n/evil.com", id="newline-makes-double-slash"),
    pytest.param("/store\r\nSet-Cookie: x=1", id="header-injection"),
    pytest.param("/store\x00", id="nul"),
    pytest.param("/store\x7f", id="del"),
    pytest.param("/store\x85", id="c1-next-line"),
    pytest.param("/store\u202e", id="bidi-override"),
    pytest.param("/store\u2028", id="line-separator"),
    pytest.param(" /store", id="leading-blank"),
    pytest.param("/store ", id="trailing-blank"),
    pytest.param("\u00a0/store", id="leading-nbsp"),
    pytest.param("http://shop.example.com@evil.com/", id="userinfo-own-host-as-user"),
    pytest.param("http://evil.com@shop.example.com/", id="userinfo-on-own-host"),
    pytest.param("http://:@shop.example.com/", id="empty-userinfo"),
    pytest.param("https://shop.example.com.evil.com/", id="suffix-look-alike"),
    pytest.param("https://evilshop.example.com/", id="prefix-look-alike"),
    pytest.param("https://shop.example.com./", id="trailing-dot"),
    pytest.param("https://example.com/", id="parent-domain"),
    pytest.param("https://sub.shop.example.com/", id="subdomain"),
    pytest.param("https://shop.ex\u0430mple.com/", id="cyrillic-a-homograph"),
    pytest.param("https://xn--shop-example-xyz.com/", id="punycode-other-host"),
    pytest.param("https://shop.example.com:8443/", id="other-port"),
    pytest.param("https://shop.example.com:/", id="empty-port"),
    pytest.param("https://shop%2Eexample.com/", id="encoded-dot-in-host"),
    pytest.param("/%2F%2Fevil.com", id="encoded-double-slash"),
    pytest.param("/%2f%5cevil.com", id="encoded-slash-backslash"),
    pytest.param("/%09/evil.com", id="encoded-tab"),
    pytest.param("/store?q=%0d%0aSet-Cookie:x", id="encoded-crlf-in-query"),
    pytest.param("store/page", id="relative-path"),
    pytest.param("evil.com", id="bare-domain"),
    pytest.param(".evil.com", id="dot-domain"),
    pytest.param("@evil.com", id="at-domain"),
    pytest.param("?next=1", id="query-only"),
    pytest.param("#top", id="fragment-only"),
    pytest.param("/" + "a" * 2048, id="over-long"),
]

GOOD = [
    pytest.param("/", HOST, (), id="root"),
    pytest.param("/store", HOST, (), id="path"),
    pytest.param("/store?x=1#y", HOST, (), id="query-and-fragment"),
    pytest.param("/store/#!/Shoes/c/42", HOST, (), id="ecwid-hash-route"),
    pytest.param(
        "/magasin/caf\u00e9/\u043a\u043d\u0438\u0433\u0438", HOST, (), id="non-ascii-path"
    ),
    pytest.param("/caf%C3%A9?q=a%2Fb", HOST, (), id="percent-encoded-path-and-query"),
    pytest.param("/search?next=//evil.com", HOST, (), id="double-slash-inside-query"),
    pytest.param("/store?q=a b", HOST, (), id="inner-blank-in-query"),
    pytest.param("https://shop.example.com/store", HOST, (), id="absolute-own-host"),
    pytest.param("HTTP://SHOP.Example.COM/store", HOST, (), id="absolute-case-insensitive"),
    pytest.param("https://shop.example.com", HOST, (), id="absolute-no-path"),
    pytest.param("https://shop.example.com?x=1", HOST, (), id="absolute-query-no-path"),
    pytest.param("http://localhost:5000/store", "localhost:5000", (), id="port"),
    pytest.param("http://[::1]:8000/store", "[::1]:8000", (), id="ipv6"),
    pytest.param("https://www.example.com/", HOST, ("www.example.com",), id="allowed-host"),
    pytest.param(
        "https://cdn.example.com:8443/a", HOST, ("cdn.example.com:8443",), id="allowed-port"
    ),
    pytest.param("https://xn--caf-dma.example/", "xn--caf-dma.example", (), id="punycode-own-host"),
    pytest.param("/" + "a" * 2047, HOST, (), id="longest-allowed"),
]


@pytest.mark.parametrize("target", HOSTILE)
def test_hostile_targets_are_unsafe(target: object) -> None:
    assert is_safe_redirect(target, host=HOST, allowed_hosts=("www.example.com",)) is False


@pytest.mark.parametrize(("target", "host", "allowed_hosts"), GOOD)
def test_same_site_targets_are_safe(target: str, host: str, allowed_hosts: tuple[str, ...]) -> None:
    assert is_safe_redirect(target, host=host, allowed_hosts=allowed_hosts) is True


def test_allowed_hosts_are_not_trusted_for_other_requests() -> None:
    assert is_safe_redirect("https://www.example.com/", host=HOST) is False


def test_port_less_target_is_not_the_dev_server() -> None:
    assert is_safe_redirect("http://localhost/store", host="localhost:5000") is False


def test_malformed_host_header_trusts_no_absolute_target() -> None:
    hostile_host = "evil.com@shop.example.com"
    assert is_safe_redirect(f"http://{hostile_host}/", host=hostile_host) is False
    assert is_safe_redirect("/store", host=hostile_host) is True


def test_allowed_hosts_as_one_string_is_refused() -> None:
    with pytest.raises(TypeError, match="allowed_hosts"):
        is_safe_redirect("/store", host=HOST, allowed_hosts="www.example.com")


def test_safe_redirect_target_picks_the_first_safe_candidate() -> None:
    chosen = safe_redirect_target(
        None, "https://evil.com/", "/store?page=2", "/other", host=HOST, default="/home"
    )
    assert chosen == "/store?page=2"


def test_safe_redirect_target_falls_back_to_default() -> None:
    assert safe_redirect_target(None, "//evil.com", host=HOST, default="/home") == "/home"
    assert safe_redirect_target(host=HOST) == "/"


def test_safe_redirect_target_honours_allowed_hosts() -> None:
    target = "https://www.example.com/cart"
    assert safe_redirect_target(target, host=HOST, allowed_hosts=["www.example.com"]) == target


CONTROL_CHARACTERS = st.characters(categories=["Cc"])


@given(
    prefix=st.text(max_size=40),
    control=CONTROL_CHARACTERS,
    suffix=st.text(max_size=40),
    encoded=st.booleans(),
)
def test_any_control_character_makes_a_target_unsafe(
    prefix: str, control: str, suffix: str, encoded: bool
) -> None:
    middle = f"%{ord(control):02X}" if encoded and ord(control) < 0x80 else control
    for base in ("/store", "https://shop.example.com/store", ""):
        target = base + prefix + middle + suffix
        assert is_safe_redirect(target, host=HOST) is False


HOSTISH = st.text(alphabet="abcEX.-:@[]1\\/%.", max_size=20)


@given(
    scheme=st.sampled_from(["http", "https", "HTTP", "hTtPs", "ftp", "http:", ""]),
    slashes=st.sampled_from(["//", "/", "///", "\\\\", "/\\", ""]),
    authority=st.one_of(st.just("shop.example.com"), st.just("a.b:1"), HOSTISH),
    rest=st.text(max_size=30),
)
def test_safe_absolute_targets_name_a_trusted_host_exactly(
    scheme: str, slashes: str, authority: str, rest: str
) -> None:
    target = f"{scheme}:{slashes}{authority}{rest}"
    if is_safe_redirect(target, host=HOST, allowed_hosts=("a.b:1",)):
        assert scheme.lower() in {"http", "https"}
        assert slashes == "//"
        after_slashes = target[len(scheme) + 3 :]
        named = after_slashes.split("/")[0].split("?")[0].split("#")[0]
        assert named.lower() in {HOST, "a.b:1"}


@given(
    start=st.sampled_from(["/", "//", "/\\", "\\", "", ".", "?", "#", "javascript:", " /"]),
    rest=st.text(max_size=60),
)
def test_safe_relative_targets_are_single_slash_paths(start: str, rest: str) -> None:
    target = start + rest
    if is_safe_redirect(target, host=HOST) and not target.lower().startswith("http"):
        assert target.startswith("/")
        assert not target.startswith("//")
        assert all(unicodedata.category(char) != "Cc" for char in target)
