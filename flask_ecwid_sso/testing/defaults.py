"""FakeEcwid's fixed defaults: demo credentials, scopes and plan features.

The fixture, ``FakeEcwid()`` and ``python -m flask_ecwid_sso.testing`` all
start from these, so every process that uses the defaults agrees.
"""

from __future__ import annotations

__all__ = [
    "ALL_SCOPES",
    "DEFAULT_API_TOKEN",
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "DEFAULT_FEATURES",
    "DEFAULT_STORE_ID",
]

#: The fake's fixed demo credentials, shared by the fixture and
#: ``python -m flask_ecwid_sso.testing``. They are public: never use them for
#: a real store. The secret has the 32 characters of Ecwid's client secrets.
DEFAULT_STORE_ID = 1003
DEFAULT_CLIENT_ID = "fake-app"
DEFAULT_CLIENT_SECRET = "fakeEcwidDemoSecret0123456789abc"  # noqa: S105 (public demo value)
DEFAULT_API_TOKEN = "secret_fake"  # noqa: S105 (public demo value)

#: The scopes a fresh fake grants; remove one to see Ecwid's 403.
ALL_SCOPES = frozenset(
    {"read_customers", "create_customers", "update_customers", "read_store_profile"}
)
#: The plan features a fresh fake's profile lists (``account.availableFeatures``):
#: a paid plan's ``PREMIUM``, which SSO needs, among them.
DEFAULT_FEATURES = frozenset({"API", "PREMIUM", "CUSTOMER_GROUPS", "TAX_EXEMPT_CUSTOMERS"})
