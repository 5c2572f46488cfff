"""Tests of the shop against FakeEcwid, using the fixtures of ``conftest.py``."""

from __future__ import annotations

import pytest
from shop import USERS, sso

from flask_ecwid_sso import EcwidPlanError


def test_an_anonymous_page_logs_the_store_out(client, store_sign_on):
    verdict = store_sign_on(client.get("/store/"))

    assert verdict.accepted
    assert verdict.reason == "logged_out"


def test_a_logged_in_shopper_is_signed_in_to_the_store(app, store_sign_on, fake_ecwid):
    client = app.test_client(user=USERS[1])

    verdict = store_sign_on(client.get("/store/"))

    assert verdict.accepted, verdict.reason
    assert verdict.email == "ann@example.com"
    assert fake_ecwid.find_customer(verdict.customer_id)["name"] == "Ann Lee"


def test_the_site_finds_the_customer_that_sso_created(app, store_sign_on):
    store_sign_on(app.test_client(user=USERS[1]).get("/store/"))

    with app.app_context():
        customer = sso.find_customer("Ann@Example.com")

    assert customer is not None
    assert customer.name == "Ann Lee"


def test_a_free_plan_ignores_the_sign_on(app, store_sign_on, fake_ecwid):
    fake_ecwid.features.discard("PREMIUM")

    verdict = store_sign_on(app.test_client(user=USERS[1]).get("/store/"))

    assert not verdict.accepted
    assert verdict.reason == "plan_inactive"


def test_a_suspended_store_is_an_error_the_site_can_catch(app, fake_ecwid):
    fake_ecwid.fail_next(402, code="STORE_IS_SUSPENDED")

    with app.app_context(), pytest.raises(EcwidPlanError) as caught:
        sso.find_customer("ann@example.com")

    assert caught.value.code == "STORE_IS_SUSPENDED"


def test_every_page_a_shopper_saw_would_have_been_accepted(app, store_sign_on, fake_ecwid):
    client = app.test_client(user=USERS[1])
    for _ in range(3):
        store_sign_on(client.get("/store/"))

    assert [entry.reason for entry in fake_ecwid.sso_log if not entry.accepted] == []
