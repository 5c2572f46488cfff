"""The example shop as the load benchmark serves it with gunicorn.

``SHOP_DATABASE`` names the SQLite file. ``LEAVE_OUT`` (comma-separated) names
template helpers replaced by nothing, for the baseline without Ecwid.
``HAND_ROLLED=1`` replaces the templates' Ecwid helpers with what a developer
would write instead of the extension: the payload signed inline with
``json``, ``base64`` and ``hmac``, and Ecwid's embed code pasted in. CSRF and
the login limit are off: the benchmark logs in 50 users from one address at once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import time

import flask_login
from flask import current_app
from markupsafe import Markup

from example_site import create_app

app = create_app(
    {
        "DATABASE": os.environ["SHOP_DATABASE"],
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
    }
)
for name in filter(None, os.environ.get("LEAVE_OUT", "").split(",")):
    app.jinja_env.globals[name] = lambda *args, **kwargs: Markup("")


def hand_rolled_script() -> Markup:
    user = flask_login.current_user
    if not user.is_authenticated:
        return Markup('<script>var ecwid_sso_profile = "";</script>')
    config = current_app.config
    document = {
        "appClientId": config["ECWID_CLIENT_ID"],
        "userId": str(user.id),
        "profile": {"email": user.email, "billingPerson": {"name": user.name}},
    }
    message = base64.b64encode(json.dumps(document, separators=(",", ":")).encode()).decode()
    stamp = str(int(time.time()))
    key = config["ECWID_CLIENT_SECRET"].encode()
    signature = hmac.new(key, f"{message} {stamp}".encode(), hashlib.sha256).hexdigest()
    payload = f"{message} {signature} {stamp}"  # base64, hex and digits: nothing to escape
    return Markup(f'<script>var ecwid_sso_profile = "{payload}";</script>')  # noqa: S704


def hand_rolled_widget(kind: str = "store", **options: object) -> Markup:
    if kind == "cart":
        return Markup('<div class="ec-cart-widget"></div>')
    config = current_app.config
    store_id, script = config["ECWID_STORE_ID"], config["ECWID_SCRIPT_URL"]
    # The store id and script URL are the site's own checked config, as pasted by hand.
    return Markup(  # noqa: S704
        f'<div id="my-store-{store_id}"></div>'
        f'<script data-cfasync="false" src="{script}?{store_id}&amp;data_platform=code"'
        ' charset="utf-8"></script>'
        f'<script>xProductBrowser("categoriesPerRow=3","views=grid(20,3) list(60) table(60)",'
        f'"categoryView=grid","searchView=list","id=my-store-{store_id}");</script>'
    )


if os.environ.get("HAND_ROLLED") == "1":
    app.jinja_env.globals.update(
        ecwid_sso_script=hand_rolled_script, ecwid_widget=hand_rolled_widget
    )
