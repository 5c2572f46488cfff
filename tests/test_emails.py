"""Email identity: ASCII case only, never Unicode case folding (one customer per shopper)."""

from __future__ import annotations

import pytest
import requests
from conftest import Shop

from flask_ecwid_sso.emails import email_key, same_email

LOOK_ALIKES = [
    ("strasse@example.com", "stra\u00dfe@example.com"),
    ("kate@example.com", "\u212aate@example.com"),
    ("emile@example.com", "\u00e9mile@example.com"),
]


@pytest.mark.parametrize(("victim", "attacker"), LOOK_ALIKES)
def test_look_alike_addresses_are_different_shoppers(victim: str, attacker: str) -> None:
    assert not same_email(victim, attacker)
    assert email_key(victim) != email_key(attacker)


def test_ascii_case_and_blanks_are_the_same_shopper() -> None:
    assert same_email(" Ann@Example.COM ", "ann@example.com")
    assert email_key("\u00c9mile@Example.com") == "\u00c9mile@example.com"


def _csrf(browser: requests.Session, url: str) -> str:
    page = browser.get(url, timeout=10).text
    return page.split('name="csrf_token" value="')[1].split('"')[0]


def _register(shop: Shop, email: str) -> requests.Session:
    browser = requests.Session()
    token = _csrf(browser, f"{shop.url}/register")
    browser.post(
        f"{shop.url}/register",
        data={"name": "Someone", "email": email, "password": "long-password", "csrf_token": token},
        timeout=10,
    )
    return browser


@pytest.mark.parametrize(("victim", "attacker"), LOOK_ALIKES)
def test_a_look_alike_account_never_sees_the_victims_customer(
    shop: Shop, victim: str, attacker: str
) -> None:
    shop.fake.add_customer({"email": victim, "name": "Victoria Victim"})
    with _register(shop, victim) as victim_browser:
        assert "Victoria Victim" in victim_browser.get(f"{shop.url}/account", timeout=10).text
    with _register(shop, attacker) as attacker_browser:
        page = attacker_browser.get(f"{shop.url}/account", timeout=10).text
    assert "My account" in page
    assert attacker in page
    assert "Victoria Victim" not in page
    assert victim not in page
