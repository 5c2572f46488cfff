"""The example shop under concurrent load, on loopback, with every payload checked.

8 client threads request the store page for 50 logged-in users. Throughput is
compared with the same shop with the Ecwid calls left out of its templates.
Every payload served is then checked twice, by an HMAC written here from
ECWID.md and by FakeEcwid's own rules (which also refuse any repeat).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import threading
import time
import typing as t
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from common import Row

THREADS = 8
USERS = 50
PAYLOAD = re.compile(r'window\.ecwid_sso_profile = "([^"]*)";')


def _serve(
    database: Path, *, leave_out: tuple[str, ...]
) -> tuple[t.Any, t.Any, Callable[[], None]]:
    from markupsafe import Markup

    from example_site import db, make_shop_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request drowns the table
    # 50 logins from one address in a few seconds: the shop's login limit would refuse them.
    config = {"DATABASE": str(database), "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False}
    server, app = make_shop_server("127.0.0.1", 0, config)
    app.jinja_env.globals.update({name: lambda *a, **k: Markup("") for name in leave_out})
    with app.app_context():
        for n in range(USERS):
            if db.find_by_email(f"load{n}@example.com") is None:
                db.add_user(f"load{n}@example.com", "load-password", f"Load Tester {n}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join()

    return server, app, stop


def _run(url: str, requests_per_thread: int) -> tuple[float, int, list[str]]:
    """Seconds taken, errors, and the payloads served, for THREADS x requests_per_thread."""

    def client(index: int) -> tuple[int, list[str]]:
        sessions = []
        for user in range(index, USERS, THREADS):
            session = requests.Session()
            session.post(
                f"{url}/login",
                data={"email": f"load{user}@example.com", "password": "load-password"},
                timeout=30,
            )
            sessions.append(session)
        errors, payloads = 0, []
        try:
            for n in range(requests_per_thread):
                try:
                    answer = sessions[n % len(sessions)].get(f"{url}/store/", timeout=30)
                except requests.RequestException:
                    errors += 1
                    continue
                if answer.status_code != 200:
                    errors += 1
                    continue
                found = PAYLOAD.search(answer.text)
                if found:
                    payloads.append(found.group(1))
        finally:
            for session in sessions:
                session.close()
        return errors, payloads

    started = time.perf_counter()
    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(client, range(THREADS)))
    elapsed = time.perf_counter() - started
    return elapsed, sum(e for e, _ in results), [p for _, ps in results for p in ps]


def _hmac_valid(payload: str, secret: str) -> bool:
    message, signature, timestamp = payload.split(" ")
    text = f"{message} {timestamp}".encode()
    expected = hmac.new(secret.encode(), text, hashlib.sha256).hexdigest()
    base64.b64decode(message, validate=True)
    return hmac.compare_digest(signature, expected)


def bench_load(quick: bool, workdir: Path) -> list[Row]:
    per_thread = 50 if quick else 250
    total = THREADS * per_thread
    server, app, stop = _serve(workdir / "load-full.sqlite3", leave_out=())
    try:
        elapsed, errors, payloads = _run(f"http://127.0.0.1:{server.port}", per_thread)
        fake = app.extensions["fake_ecwid"]
        secret = app.config["ECWID_CLIENT_SECRET"]
        independent = sum(_hmac_valid(payload, secret) for payload in payloads)
        verdicts = [fake.sign_on(payload) for payload in payloads]
        refused = [entry.reason for entry in verdicts if not entry.accepted]
    finally:
        stop()
    bare_server, _, stop_bare = _serve(
        workdir / "load-bare.sqlite3", leave_out=("ecwid_widget", "ecwid_sso_script")
    )
    try:
        bare_elapsed, bare_errors, _ = _run(f"http://127.0.0.1:{bare_server.port}", per_thread)
    finally:
        stop_bare()

    ours, bare = total / elapsed, total / bare_elapsed
    unique = len(set(payloads))
    all_good = (
        errors == 0
        and len(payloads) == total
        and independent == total
        and not refused
        and unique == total
    )
    return [
        Row(
            f"load ({THREADS} threads x {per_thread} store pages, {USERS} users; req/s)",
            f"{ours:,.0f}/s",
            f"{bare:,.0f}/s",
            bare / ours,
            "0 errors",
            errors == 0 and bare_errors == 0,
        ),
        Row(
            "load: payloads valid (own HMAC, FakeEcwid's rules) and unique",
            f"{independent}/{total} HMAC, {total - len(refused)}/{total} fake, {unique} unique",
            "-",
            None,
            "all",
            all_good,
        ),
    ]
