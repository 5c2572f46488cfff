"""FakeEcwid: an offline stand-in for Ecwid, for tests and the demo.

``FakeEcwid().serve()`` runs it on a free loopback port for a ``with`` block;
the pytest plugin's ``fake_ecwid`` fixture does that for one test. Its
``script_url`` serves a small storefront whose SSO payloads the fake judges
with Ecwid's rules, recording each verdict as an :class:`SSOLogEntry`.
"""

from __future__ import annotations

from .fake import ALL_SCOPES as ALL_SCOPES
from .fake import FakeEcwid as FakeEcwid
from .fake import LoggedRequest as LoggedRequest
from .sso_check import SSOLogEntry as SSOLogEntry
