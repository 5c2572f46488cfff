"""The README's quick start, run as written."""

from __future__ import annotations

import re
import typing as t
from pathlib import Path

import flask_login
import pytest
from flask import render_template_string
from helpers import CLIENT_ID, CLIENT_SECRET, check_payload, payload_in

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def quick_start() -> tuple[str, str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    python = re.search(r"```python\n(.*?)```", section, re.S)
    template = re.search(r"```html\+jinja\n(.*?)```", section, re.S)
    assert python is not None
    assert template is not None
    return python.group(1), template.group(1)


class Shopper(flask_login.UserMixin):
    id = 42
    email = "quick@example.com"
    full_name = "Quinn Start"


def test_the_quick_start_signs_the_logged_in_user(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in {
        "FLASK_SECRET_KEY": '"quick-start-key"',
        "FLASK_ECWID_STORE_ID": "1003",
        "FLASK_ECWID_CLIENT_ID": f'"{CLIENT_ID}"',
        "FLASK_ECWID_CLIENT_SECRET": f'"{CLIENT_SECRET}"',
    }.items():
        monkeypatch.setenv(key, value)
    code, template = quick_start()
    namespace: dict[str, t.Any] = {"__name__": "quick_start"}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - our own README
    app = namespace["create_app"]()
    namespace["login_manager"].user_loader(lambda user_id: Shopper())

    @app.get("/login-as")
    def login_as() -> str:
        flask_login.login_user(Shopper())
        return "ok"

    @app.get("/store")
    def store() -> str:
        return render_template_string(template)

    client = app.test_client()
    assert payload_in(client.get("/store").get_data(as_text=True)) == ""
    client.get("/login-as")
    document = check_payload(payload_in(client.get("/store").get_data(as_text=True)))
    assert document == {
        "appClientId": CLIENT_ID,
        "userId": "42",
        "profile": {"email": "quick@example.com", "billingPerson": {"name": "Quinn Start"}},
    }
