"""The store page through the extension against the same page written by hand.

What a Flask developer would write instead of flask-ecwid-sso: build the
profile dict, sign it inline with ``json``, ``base64`` and ``hmac``, and put
``ecwid_sso_profile``, ``script.js`` and ``xProductBrowser(...)`` in the
template. Both pages share one layout (a nav of 20 links), real templates
through a loader, and the same logged-in user, given to the extension by
``@sso.current_user_loader`` (no Flask-Login, no session on either side).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
import typing as t
from collections.abc import Callable

from common import Row, rounds, timed_row
from jinja2 import DictLoader

from flask_ecwid_sso import EcwidSSO, Person, Profile

SECRET = "bench-client-secret-0123456789abcdef"
CLIENT_ID = "bench-app"
STORE_ID = 1003
SCRIPT_URL = "https://app.ecwid.com/script.js"
PAYLOAD = re.compile(r'(?:window\.|var )ecwid_sso_profile = "([^"]*)";')

LAYOUT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{% block title %}{% endblock %}</title></head>
<body>
<nav><ul>{% for n in range(20) %}<li><a href="/section/{{ n }}">Section {{ n }}</a></li>
{% endfor %}</ul></nav>
<main>{% block content %}{% endblock %}</main>
</body></html>"""

OURS = """{% extends "layout.html" %}{% block title %}Store{% endblock %}
{% block content %}<h1>Store</h1>{{ ecwid_widget("store") }}{% endblock %}"""

BY_HAND = """{% extends "layout.html" %}{% block title %}Store{% endblock %}
{% block content %}<h1>Store</h1>
<script>var ecwid_sso_profile = {{ payload|tojson }};</script>
<div id="my-store-{{ store_id }}"></div>
<script data-cfasync="false" type="text/javascript"
 src="{{ script_url }}?{{ store_id }}&data_platform=code" charset="utf-8"></script>
<script type="text/javascript">xProductBrowser("categoriesPerRow=3","views=grid(20,3) list(60) \
table(60)","categoryView=grid","searchView=list","id=my-store-{{ store_id }}");</script>
{% endblock %}"""


class Shopper:
    id = 42
    email = "ann@example.com"
    name = "Ann Lee"


def _app(name: str) -> t.Any:
    from flask import Flask

    app = Flask(name)
    app.config.update(SECRET_KEY="bench-secret-key")
    app.jinja_loader = DictLoader(
        {"layout.html": LAYOUT, "ours.html": OURS, "by_hand.html": BY_HAND}
    )
    return app


def ours_app() -> t.Any:
    from flask import render_template

    app = _app("ours")
    app.config.update(
        ECWID_STORE_ID=STORE_ID,
        ECWID_CLIENT_ID=CLIENT_ID,
        ECWID_CLIENT_SECRET=SECRET,
        ECWID_SCRIPT_URL=SCRIPT_URL,
    )
    sso = EcwidSSO(app)
    shopper = Shopper()
    sso.current_user_loader(lambda: shopper)
    sso.profile_loader(
        lambda user: Profile(email=user.email, billing_person=Person(name=user.name))
    )
    app.add_url_rule("/store", "store", lambda: render_template("ours.html"))
    return app


def by_hand_app() -> t.Any:
    from flask import render_template

    app = _app("by_hand")
    key = SECRET.encode()
    shopper = Shopper()

    def store() -> str:
        document = {
            "appClientId": CLIENT_ID,
            "userId": str(shopper.id),
            "profile": {"email": shopper.email, "billingPerson": {"name": shopper.name}},
        }
        message = base64.b64encode(json.dumps(document, separators=(",", ":")).encode()).decode()
        stamp = str(int(time.time()))
        signature = hmac.new(key, f"{message} {stamp}".encode(), hashlib.sha256).hexdigest()
        return render_template(
            "by_hand.html",
            payload=f"{message} {signature} {stamp}",
            store_id=STORE_ID,
            script_url=SCRIPT_URL,
        )

    app.add_url_rule("/store", "store", store)
    return app


def bench_handrolled(quick: bool) -> Row:
    calls, count = (150, 21) if quick else (250, 61)
    ours, by_hand = ours_app().test_client(), by_hand_app().test_client()
    payloads: dict[str, list[str]] = {"ours": [], "by hand": []}

    def load(client: t.Any, kept: list[str]) -> Callable[[], None]:
        # Both sides do the same work around the page: read it, find the payload, keep it.
        def run() -> None:
            for _ in range(calls):
                found = PAYLOAD.search(client.get("/store").get_data(as_text=True))
                kept.append(found.group(1) if found else "")

        return run

    timing = rounds(load(ours, payloads["ours"]), load(by_hand, payloads["by hand"]), count)
    signed = payloads["ours"]
    valid = sum(_valid(payload) for payload in signed)
    distinct = len(set(signed))
    all_good = valid == distinct == len(signed) and all(
        _valid(payload) for payload in payloads["by hand"]
    )
    return timed_row(
        f"page (vs hand-rolled; {valid}/{len(signed)} valid, {distinct} distinct)",
        timing,
        calls,
        at_most=1.15,
        checked=all_good,
    )


def _valid(payload: str) -> bool:
    if payload.count(" ") != 2:
        return False
    message, signature, stamp = payload.split(" ")
    expected = hmac.new(SECRET.encode(), f"{message} {stamp}".encode(), hashlib.sha256)
    document = json.loads(base64.b64decode(message, validate=True))
    return hmac.compare_digest(signature, expected.hexdigest()) and document["userId"] == "42"
