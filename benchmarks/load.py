"""The example shop under concurrent load, on loopback, with every payload checked.

The shop runs as in production: gunicorn with two workers, a real Redis as
``ECWID_CACHE``, the standalone FakeEcwid. 8 client threads request the store
page for 50 logged-in users. Throughput is compared with the same shop with
its templates' Ecwid calls written by hand (the goal), and with them left out
(for information): the three shops are served at once, and timed in rounds
that take turns.
Every payload served is then checked twice, by an HMAC written here from
ECWID.md and by FakeEcwid's own rules (which also refuse any repeat).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import re
import statistics
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
    """The shop under gunicorn with WORKERS workers, on ``fake`` and a shared Redis.

    Every variant reads the same users from one database.
    """
    from example_site import create_app, db

    database = workdir / "load.sqlite3"
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


def _log_in(url: str) -> list[list[requests.Session]]:
    """One logged-in session per user, dealt out to the THREADS clients."""

    def log_in(user: int) -> requests.Session:
        session = requests.Session()
        answer = session.post(
            f"{url}/login",
            data={"email": f"load{user}@example.com", "password": "load-password"},
            timeout=30,
        )
        answer.raise_for_status()
        return session

    with ThreadPoolExecutor(THREADS) as pool:
        sessions = list(pool.map(log_in, range(USERS)))
    return [sessions[index::THREADS] for index in range(THREADS)]


def _round(
    url: str, clients: list[list[requests.Session]], pages: int
) -> tuple[float, int, list[str]]:
    """Seconds taken, errors, and the payloads served, for THREADS clients x ``pages`` pages."""

    def client(sessions: list[requests.Session]) -> tuple[int, list[str]]:
        errors, payloads = 0, []
        for n in range(pages):
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
        return errors, payloads

    started = time.perf_counter()
    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(client, clients))
    elapsed = time.perf_counter() - started
    return elapsed, sum(e for e, _ in results), [p for _, ps in results for p in ps]


def _hmac_valid(payload: str, secret: str) -> bool:
    message, signature, timestamp = payload.split(" ")
    text = f"{message} {timestamp}".encode()
    expected = hmac.new(secret.encode(), text, hashlib.sha256).hexdigest()
    base64.b64decode(message, validate=True)
    return hmac.compare_digest(signature, expected)


VARIANTS: dict[str, dict[str, t.Any]] = {
    "ours": {},
    "hand-rolled": {"hand_rolled": True},
    "left out": {"leave_out": ("ecwid_widget", "ecwid_sso_script")},
}


def bench_load(quick: bool, workdir: Path) -> list[Row]:
    """The three shops served side by side, timed in rounds that alternate between them.

    Each round is THREADS x ``pages`` store pages from logged-in users (the
    logins come before, untimed); the ratios are medians over the rounds of
    each round's requests per second against the baseline's round next to it.
    """
    from flask_ecwid_sso.testing import FakeEcwid

    pages, count = (20, 5) if quick else (50, 9)
    total = THREADS * pages * count
    times: dict[str, list[float]] = {name: [] for name in VARIANTS}
    errors = dict.fromkeys(VARIANTS, 0)
    payloads: dict[str, list[str]] = {name: [] for name in VARIANTS}
    redis = RedisServer(workdir)
    redis.start()
    try:
        with FakeEcwid().serve() as fake, contextlib.ExitStack() as stack:
            urls = {
                name: stack.enter_context(_serve(workdir, fake, redis.url, **options))
                for name, options in VARIANTS.items()
            }
            clients = {name: _log_in(url) for name, url in urls.items()}
            names = list(VARIANTS)
            for index in range(count):
                for name in names[index % 3 :] + names[: index % 3]:
                    elapsed, failed, served = _round(urls[name], clients[name], pages)
                    times[name].append(elapsed)
                    errors[name] += failed
                    payloads[name].extend(served)
            for sessions in clients.values():
                for session in (session for group in sessions for session in group):
                    session.close()
            ours_payloads = payloads["ours"]
            independent = sum(_hmac_valid(payload, fake.client_secret) for payload in ours_payloads)
            verdicts = [fake.sign_on(payload) for payload in ours_payloads]
            refused = [entry.reason for entry in verdicts if not entry.accepted]
            hand_valid = sum(
                _hmac_valid(payload, fake.client_secret) for payload in payloads["hand-rolled"]
            )
    finally:
        redis.stop()

    def ratio(baseline: str) -> float:
        return statistics.median(
            base / mine for mine, base in zip(times["ours"], times[baseline], strict=True)
        )

    def rate(name: str) -> float:
        return THREADS * pages / statistics.median(times[name])

    unique = len(set(ours_payloads))
    all_good = (
        errors["ours"] == 0
        and len(ours_payloads) == total
        and independent == total
        and not refused
        and unique == total
    )
    vs_hand, vs_bare = ratio("hand-rolled"), ratio("left out")
    hand_good = errors["hand-rolled"] == 0 and hand_valid == total
    return [
        Row(
            f"load (vs hand-rolled; gunicorn -w {WORKERS} + Redis, {count} rounds of"
            f" {THREADS}x{pages} pages, {USERS} users; requests/s)",
            f"{rate('ours'):,.0f}/s",
            f"{rate('hand-rolled'):,.0f}/s",
            vs_hand,
            ">= 0.9",
            vs_hand >= 0.9 and errors["ours"] == 0 and hand_good,
        ),
        Row(
            "load (Ecwid calls left out; requests/s)",
            f"{rate('ours'):,.0f}/s",
            f"{rate('left out'):,.0f}/s",
            vs_bare,
            "0 errors",
            errors["ours"] == 0 and errors["left out"] == 0,
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
