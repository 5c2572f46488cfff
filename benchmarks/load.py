"""The example shop under concurrent load, on loopback, with every payload checked.

The shop runs as in production: gunicorn with two workers, a real Redis as
``ECWID_CACHE``, the standalone FakeEcwid. 8 client threads request the store
page for 50 logged-in users. Throughput is compared with the same shop with
its templates' Ecwid calls written by hand (the goal), and with them left out
(for information).
Every payload served is then checked twice, by an HMAC written here from
ECWID.md and by FakeEcwid's own rules (which also refuse any repeat).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import re
import sys
import time
import typing as t
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from common import Row

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from servers import RedisServer, gunicorn  # noqa: E402 - the tests' own server helpers

from flask_ecwid_sso.testing.__main__ import ecwid_settings  # noqa: E402

THREADS = 8
USERS = 50
PAYLOAD = re.compile(r'(?:window\.|var )ecwid_sso_profile = "([^"]*)";')


WORKERS = 2


@contextlib.contextmanager
def _serve(
    workdir: Path,
    fake: t.Any,
    redis_url: str,
    *,
    leave_out: tuple[str, ...] = (),
    hand_rolled: bool = False,
) -> Iterator[str]:
    """The shop under gunicorn with WORKERS workers, on ``fake`` and a shared Redis."""
    from example_site import create_app, db

    variant = "hand-rolled" if hand_rolled else "-".join(leave_out) or "full"
    database = workdir / f"load-{variant}.sqlite3"
    with create_app({"DATABASE": str(database)}).app_context():
        for n in range(USERS):
            if db.find_by_email(f"load{n}@example.com") is None:
                db.add_user(f"load{n}@example.com", "load-password", f"Load Tester {n}")
    env = {
        **ecwid_settings(fake),
        "ECWID_CACHE": redis_url,
        "SECRET_KEY": "load-benchmark-secret-key",
        "SHOP_DATABASE": str(database),
        "LEAVE_OUT": ",".join(leave_out),
        "HAND_ROLLED": "1" if hand_rolled else "",
    }
    with gunicorn("gunicorn_shop:app", workers=WORKERS, env=env, cwd=HERE) as url:
        yield url


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
    from flask_ecwid_sso.testing import FakeEcwid

    per_thread = 50 if quick else 250
    total = THREADS * per_thread
    redis = RedisServer(workdir)
    redis.start()
    try:
        with FakeEcwid().serve() as fake:
            with _serve(workdir, fake, redis.url) as url:
                elapsed, errors, payloads = _run(url, per_thread)
            with _serve(workdir, fake, redis.url, hand_rolled=True) as url:
                hand_elapsed, hand_errors, hand_payloads = _run(url, per_thread)
            leave_out = ("ecwid_widget", "ecwid_sso_script")
            with _serve(workdir, fake, redis.url, leave_out=leave_out) as url:
                bare_elapsed, bare_errors, _ = _run(url, per_thread)
            independent = sum(_hmac_valid(payload, fake.client_secret) for payload in payloads)
            verdicts = [fake.sign_on(payload) for payload in payloads]
            refused = [entry.reason for entry in verdicts if not entry.accepted]
    finally:
        redis.stop()

    ours, hand, bare = total / elapsed, total / hand_elapsed, total / bare_elapsed
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
            f"load (vs hand-rolled; gunicorn -w {WORKERS} + Redis, {THREADS}x{per_thread}"
            f" pages, {USERS} users; requests/s)",
            f"{ours:,.0f}/s",
            f"{hand:,.0f}/s",
            ours / hand,
            ">= 0.9",
            ours / hand >= 0.9 and errors == 0 and hand_errors == 0 and len(hand_payloads) == total,
        ),
        Row(
            "load (Ecwid calls left out; requests/s)",
            f"{ours:,.0f}/s",
            f"{bare:,.0f}/s",
            ours / bare,
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
