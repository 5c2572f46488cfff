"""Measured ratios: flask-ecwid-sso against a plain baseline, side by side in one run.

    python benchmarks/run.py            # the full run
    python benchmarks/run.py --quick    # a short run (under a minute)
    python benchmarks/run.py --json     # the rows as JSON

Each benchmark times ours and its baseline in alternating rounds and compares
medians, so a noisy neighbour slows both alike. Nothing here is a pass/fail
test: the table says whether each goal holds.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import dataclasses
import hashlib
import hmac
import json
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
import typing as t
from collections.abc import Callable, Iterator
from pathlib import Path

import requests
from common import Row, per_call, rounds, timed_row

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from handrolled import bench_handrolled
from load import bench_load

from flask_ecwid_sso import EcwidClient, EcwidSSO, Person, Profile, SSOSigner
from flask_ecwid_sso.testing import FakeEcwid

SECRET = "bench-client-secret-0123456789abcdef"


# -- sign ---------------------------------------------------------------------


def bench_sign(quick: bool) -> list[Row]:
    calls, count = (1_000, 11) if quick else (2_000, 31)
    signer = SSOSigner(SECRET, client_id="bench-app")
    users = [(f"user-{n}", f"user{n}@example.com", f"User {n}") for n in range(1_000)]
    key = SECRET.encode()

    def ours() -> None:
        for index in range(calls):
            user_id, email, name = users[index % 1_000]
            signer.sign(user_id, Profile(email=email, billing_person=Person(name=name)))

    def baseline() -> None:
        for index in range(calls):
            user_id, email, name = users[index % 1_000]
            document = {
                "appClientId": "bench-app",
                "userId": user_id,
                "profile": {"email": email, "billingPerson": {"name": name}},
            }
            message = base64.b64encode(json.dumps(document, separators=(",", ":")).encode())
            stamp = str(int(time.time()))
            text = message + b" " + stamp.encode()
            signature = hmac.new(key, text, hashlib.sha256).hexdigest()
            f"{message.decode()} {signature} {stamp}"

    profile = Profile(email="user0@example.com", billing_person=Person(name="User 0"))

    def ours_prebuilt() -> None:
        for index in range(calls):
            signer.sign(users[index % 1_000][0], profile)

    built = rounds(ours, baseline, count)
    prebuilt = rounds(ours_prebuilt, baseline, count)
    return [
        timed_row("sign", built, calls, at_most=2.0),
        timed_row("sign (Profile built outside the loop, for information)", prebuilt, calls),
    ]


# -- page ---------------------------------------------------------------------


def _shop(database: Path, *, leave_out: tuple[str, ...]) -> t.Any:
    from markupsafe import Markup

    from example_site import create_app

    app = create_app({"DATABASE": str(database), "WTF_CSRF_ENABLED": False})
    app.jinja_env.globals.update({name: lambda *a, **k: Markup("") for name in leave_out})
    client = app.test_client()
    client.post("/login", data={"email": "alice@example.com", "password": "wonderland"})
    assert client.get("/store/").status_code == 200
    return client


def bench_page(quick: bool, workdir: Path) -> list[Row]:
    """The store page for a logged-in user, against the same page without the widget call.

    Every page of the shop also carries the SSO script (the login sync), so a
    second row shows the page against one with no Ecwid at all, for information.
    """
    calls, count = (50, 7) if quick else (100, 21)
    full = _shop(workdir / "page-full.sqlite3", leave_out=())
    no_widget = _shop(workdir / "page-no-widget.sqlite3", leave_out=("ecwid_widget",))
    bare = _shop(workdir / "page-bare.sqlite3", leave_out=("ecwid_widget", "ecwid_sso_script"))

    def load(client: t.Any) -> Callable[[], None]:
        def run() -> None:
            for _ in range(calls):
                client.get("/store/")

        return run

    widget = rounds(load(full), load(no_widget), count)
    everything = rounds(load(full), load(bare), count)
    return [
        timed_row("page (widget left out)", widget, calls, at_most=1.2),
        timed_row("page (no Ecwid at all, for information)", everything, calls),
    ]


# -- lookup, cached, iterate --------------------------------------------------


@contextlib.contextmanager
def served_fake(customers: int) -> Iterator[FakeEcwid]:
    fake = FakeEcwid(client_secret=SECRET)
    for n in range(customers):
        fake.add_customer({"email": f"shopper{n}@example.com", "name": f"Shopper {n}"})
    with fake.serve() as served:
        yield served


def bench_lookup(quick: bool) -> list[Row]:
    lookups, count = (40, 7) if quick else (100, 21)
    with served_fake(200) as fake:
        emails = [f"shopper{n % 200}@example.com" for n in range(lookups)]
        url = f"{fake.api_url}/{fake.store_id}/customers"
        headers = {"Authorization": f"Bearer {fake.api_token}"}
        with (
            EcwidClient(fake.store_id, fake.api_token, base_url=fake.api_url) as client,
            requests.Session() as session,
        ):

            def ours() -> None:
                for email in emails:
                    assert client.find_customer_by_email(email) is not None

            def floor() -> None:
                for email in emails:
                    answer = session.get(url, params={"email": email}, headers=headers, timeout=10)
                    assert answer.json()["items"]

            def plain() -> None:
                for email in emails:
                    answer = requests.get(url, params={"email": email}, headers=headers, timeout=10)
                    assert answer.json()["items"]

            timing = rounds(ours, floor, count)
            started = time.perf_counter()
            plain()
            fresh = time.perf_counter() - started
    return [
        timed_row("lookup", timing, lookups, at_most=1.15),
        Row(
            "lookup (requests.get per call, for information)",
            per_call(timing.ours, lookups),
            per_call(fresh, lookups),
            timing.ours / fresh,
            "-",
            True,
        ),
    ]


def bench_cached(quick: bool) -> Row:
    from flask import Flask

    lookups = 100 if quick else 500
    with served_fake(200) as fake:

        def lookup_app(cache_ttl: int) -> Flask:
            app = Flask(__name__)
            app.config.update(
                ECWID_STORE_ID=fake.store_id,
                ECWID_SSO_ENABLED=False,
                ECWID_API_TOKEN=fake.api_token,
                ECWID_API_URL=fake.api_url,
                ECWID_CUSTOMER_CACHE_TTL=cache_ttl,
            )
            sso.init_app(app)
            return app

        sso = EcwidSSO()
        cold_app, warm_app = lookup_app(0), lookup_app(300)
        emails = [f"shopper{n % 200}@example.com" for n in range(lookups)]

        def run(app: Flask) -> float:
            with app.app_context():
                started = time.perf_counter()
                for email in emails:
                    sso.find_customer(email)
                return time.perf_counter() - started

        run(warm_app)
        colds, warms = [], []
        for _ in range(3):
            colds.append(run(cold_app))
            warms.append(run(warm_app))
        for app in (cold_app, warm_app):
            with app.app_context():
                sso.client.close()
    mine, base = statistics.median(warms), statistics.median(colds)
    speedup = base / mine
    return Row(
        "cached (speed-up, warm vs cold)",
        per_call(mine, lookups),
        per_call(base, lookups),
        speedup,
        ">= 50x",
        speedup >= 50,
    )


def bench_iterate(quick: bool) -> Row:
    customers = 2_000 if quick else 10_000
    with (
        served_fake(customers) as fake,
        EcwidClient(fake.store_id, fake.api_token, base_url=fake.api_url) as client,
    ):
        tracemalloc.start()
        started = time.perf_counter()
        seen = sum(1 for _ in client.iter_customers())
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert seen == customers
    megabytes = peak / 1e6
    return Row(
        f"iterate ({customers:,} customers; peak memory growth)",
        f"{elapsed:.2f} s",
        f"{megabytes:.1f} MB",
        None,
        "< 20 MB",
        megabytes < 20,
    )


BENCHMARKS = ("sign", "page", "lookup", "cached", "iterate", "load")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short run")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    parser.add_argument("only", nargs="*", choices=[*BENCHMARKS, []], help="benchmarks to run")
    args = parser.parse_args()
    chosen = args.only or BENCHMARKS
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as workdir:
        if "sign" in chosen:
            rows.extend(bench_sign(args.quick))
        if "page" in chosen:
            rows.append(bench_handrolled(args.quick))
            rows.extend(bench_page(args.quick, Path(workdir)))
        if "lookup" in chosen:
            rows.extend(bench_lookup(args.quick))
        if "cached" in chosen:
            rows.append(bench_cached(args.quick))
        if "iterate" in chosen:
            rows.append(bench_iterate(args.quick))
        if "load" in chosen:
            rows.extend(bench_load(args.quick, Path(workdir)))
    if args.json:
        print(json.dumps([dataclasses.asdict(row) for row in rows], indent=2))
    else:
        print_table(rows)
    return 0


def print_table(rows: list[Row]) -> None:
    header = ("benchmark", "ours", "baseline", "ratio", "goal", "ok")
    table = [header] + [
        (
            row.name,
            row.ours,
            row.baseline,
            "-" if row.ratio is None else f"{row.ratio:.2f}",
            row.goal,
            "yes" if row.ok else "NO",
        )
        for row in rows
    ]
    widths = [max(len(line[column]) for line in table) for column in range(len(header))]
    for index, line in enumerate(table):
        cells = (cell.ljust(width) for cell, width in zip(line, widths, strict=True))
        print("  ".join(cells).rstrip())
        if index == 0:
            print("  ".join("-" * width for width in widths))
    print(f"\n{os.cpu_count()} cores, Python {sys.version.split()[0]}, {sys.platform}")


if __name__ == "__main__":
    sys.exit(main())
