"""Fixtures for FakeEcwid's own tests: a fake on a manual clock, and a client on it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from helpers import ManualClock

from flask_ecwid_sso import EcwidClient
from flask_ecwid_sso.testing import FakeEcwid


@pytest.fixture
def fake(clock: ManualClock) -> Iterator[FakeEcwid]:
    with FakeEcwid(clock=clock).serve() as served:
        yield served


@pytest.fixture
def client(fake: FakeEcwid) -> Iterator[EcwidClient]:
    with EcwidClient(
        fake.store_id, fake.api_token, base_url=fake.api_url, timeout=5, max_retries=0
    ) as api:
        yield api
