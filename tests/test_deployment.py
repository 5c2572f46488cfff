"""The example site under gunicorn with several workers, sharing one Redis as ``ECWID_CACHE``.

Every process here is real: redis-server, gunicorn and its workers, and a
FakeEcwid served on loopback that all of them talk to.
"""

from __future__ import annotations

import concurrent.futures
import threading
import time
import typing as t
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
from helpers import check_payload, payload_in
from servers import RedisServer, ServerMissing, gunicorn, gunicorn_binary, unavailable

from flask_ecwid_sso import EcwidClient
from flask_ecwid_sso.testing import FakeEcwid
from flask_ecwid_sso.webhooks import sign_webhook

WORKERS = 3


class Site(t.NamedTuple):
    url: str
    fake: FakeEcwid
    redis: RedisServer


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    directory = tmp_path_factory.mktemp("deployment")
    try:
        gunicorn_binary()
        redis = RedisServer(directory)
    except ServerMissing as missing:
        unavailable(missing)
    redis.start()
    try:
        with FakeEcwid().serve() as fake:
            env = {
                "ECWID_STORE_ID": str(fake.store_id),
                "ECWID_CLIENT_ID": fake.client_id,
                "ECWID_CLIENT_SECRET": fake.client_secret,
                "ECWID_API_TOKEN": fake.api_token,
                "ECWID_API_URL": fake.api_url,
                "ECWID_SCRIPT_URL": fake.script_url,
                "ECWID_CACHE": redis.url,
                "SECRET_KEY": "deployment-test-secret-key",
                "SHOP_DATABASE": str(directory / "shop.sqlite3"),
            }
            with gunicorn(
                "gunicorn_site:app", workers=WORKERS, env=env, cwd=Path(__file__).parent
            ) as url:
                yield Site(url, fake, redis)
    finally:
        redis.stop()


def logged_in(
    site: Site, email: str = "alice@example.com", password: str = "wonderland"
) -> requests.Session:
    browser = requests.Session()
    page = browser.get(f"{site.url}/login", timeout=10).text
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    answer = browser.post(
        f"{site.url}/login",
        data={"email": email, "password": password, "csrf_token": token},
        timeout=10,
    )
    assert answer.ok
    return browser


def each_worker(fetch: Callable[[], requests.Response]) -> list[requests.Response]:
    """Fetch on fresh connections until every worker has answered at least once."""
    answers: list[requests.Response] = []
    workers: set[str] = set()
    for _ in range(300):
        answer = fetch()
        answers.append(answer)
        workers.add(answer.headers["X-Worker"])
        if len(workers) == WORKERS:
            return answers
    raise AssertionError(f"only {len(workers)} of {WORKERS} workers answered in 300 requests")


def signed_event(site: Site, **fields: t.Any) -> tuple[dict[str, t.Any], dict[str, str]]:
    event = {
        "eventId": str(uuid.uuid4()),
        "eventCreated": int(time.time()),
        "storeId": site.fake.store_id,
        "entityId": 1,
        "eventType": "customer.updated",
        **fields,
    }
    signature = sign_webhook(event["eventCreated"], event["eventId"], site.fake.client_secret)
    return event, {"X-Ecwid-Webhook-Signature": signature, "Connection": "close"}


def test_a_webhook_drops_the_cached_customer_in_every_worker(site: Site) -> None:
    stored = site.fake.add_customer({"email": "alice@example.com", "name": "Alice Liddell"})
    browser = logged_in(site)

    def account() -> requests.Response:
        return browser.get(f"{site.url}/account", headers={"Connection": "close"}, timeout=10)

    assert all("Alice Liddell" in answer.text for answer in each_worker(account))
    with EcwidClient(site.fake.store_id, site.fake.api_token, base_url=site.fake.api_url) as api:
        api.update_customer(stored["id"], name="Alice Pleasance")
    event, headers = signed_event(
        site, entityId=stored["id"], data={"customerEmail": "alice@example.com"}
    )
    answer = requests.post(
        f"{site.url}/ecwid-sso/webhooks", json=event, headers=headers, timeout=10
    )
    assert answer.json()["status"] == "ok"
    after = each_worker(account)
    assert [a.headers["X-Worker"] for a in after if "Alice Pleasance" not in a.text] == []


def test_an_event_delivered_to_several_workers_at_once_is_dispatched_once(site: Site) -> None:
    event, headers = signed_event(site)
    start = threading.Barrier(5)

    def deliver(_: int) -> tuple[str, str]:
        start.wait()
        answer = requests.post(
            f"{site.url}/ecwid-sso/webhooks", json=event, headers=headers, timeout=10
        )
        return answer.json()["status"], answer.headers["X-Worker"]

    with concurrent.futures.ThreadPoolExecutor(5) as pool:
        results = list(pool.map(deliver, range(5)))
    statuses = sorted(status for status, _ in results)
    assert statuses == ["duplicate"] * 4 + ["ok"]
    assert len({worker for _, worker in results}) >= 2


def test_concurrent_profile_fetches_for_one_user_give_distinct_valid_payloads(
    site: Site,
) -> None:
    browser = logged_in(site, "bob@example.com", "builder")
    cookies = browser.cookies.get_dict()

    def fetch(_: int) -> tuple[str, str]:
        answer = requests.get(
            f"{site.url}/ecwid-sso/profile",
            cookies=cookies,
            headers={"Connection": "close"},
            timeout=10,
        )
        return answer.json()["profile"], answer.headers["X-Worker"]

    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        results = list(pool.map(fetch, range(200)))
    payloads = [payload for payload, _ in results]
    assert len({worker for _, worker in results}) == WORKERS
    assert len(set(payloads)) == 200
    for payload in payloads:
        assert check_payload(payload, secret=site.fake.client_secret)["userId"] == "2"
    verdicts = [site.fake.sign_on(payload) for payload in payloads]
    assert [v.reason for v in verdicts if not v.accepted] == []


def test_with_redis_stopped_pages_render_and_webhooks_wait(site: Site) -> None:
    browser = logged_in(site)
    site.redis.stop()
    try:
        for answer in each_worker(
            lambda: browser.get(f"{site.url}/store", headers={"Connection": "close"}, timeout=10)
        ):
            assert answer.status_code == 200
            check_payload(payload_in(answer.text), secret=site.fake.client_secret)
        event, headers = signed_event(site)
        answer = requests.post(
            f"{site.url}/ecwid-sso/webhooks", json=event, headers=headers, timeout=10
        )
        assert answer.status_code == 503
    finally:
        site.redis.start()
    time.sleep(site_retry_after())
    answer = requests.post(
        f"{site.url}/ecwid-sso/webhooks", json=event, headers=headers, timeout=10
    )
    assert answer.json()["status"] == "ok"


def site_retry_after() -> float:
    from flask_ecwid_sso.shared_state import SharedState

    return SharedState.retry_after + 0.5
