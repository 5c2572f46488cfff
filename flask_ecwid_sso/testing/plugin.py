"""pytest plugin: the ``fake_ecwid`` fixture.

Registered as the ``ecwid_sso`` plugin (entry point ``pytest11``); disable it
with ``-p no:ecwid_sso``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .fake import FakeEcwid


@pytest.fixture
def fake_ecwid() -> Iterator[FakeEcwid]:
    """A :class:`FakeEcwid` served on loopback for one test.

    Its ``url``, ``api_url``, ``script_url`` and ``sso_url`` point at the
    running server; its switches and state (``customers``, ``sso_log``,
    ``rate_limit``, ``fail_next``, ``request_log``, ``clock``...) can be
    changed and read during the test.
    """
    with FakeEcwid().serve() as fake:
        yield fake
