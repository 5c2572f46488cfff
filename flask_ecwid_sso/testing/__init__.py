"""FakeEcwid: an offline stand-in for Ecwid, for tests and the demo.

``FakeEcwid().serve()`` runs it on a free loopback port for a ``with`` block;
the pytest plugin's ``fake_ecwid`` fixture does that for one test. Its
``script_url`` serves a small storefront whose SSO payloads the fake judges
with Ecwid's rules, recording each verdict as an :class:`SSOLogEntry`.
``python -m flask_ecwid_sso.testing`` serves one on its own, until stopped.
"""

from __future__ import annotations

from .defaults import ALL_SCOPES as ALL_SCOPES
from .defaults import DEFAULT_API_TOKEN as DEFAULT_API_TOKEN
from .defaults import DEFAULT_CLIENT_ID as DEFAULT_CLIENT_ID
from .defaults import DEFAULT_CLIENT_SECRET as DEFAULT_CLIENT_SECRET
from .defaults import DEFAULT_FEATURES as DEFAULT_FEATURES
from .defaults import DEFAULT_STORE_ID as DEFAULT_STORE_ID
from .fake import FakeEcwid as FakeEcwid
from .fake import LoggedRequest as LoggedRequest
from .sso_check import SSOLogEntry as SSOLogEntry
