"""Ecwid Storefront Single Sign-On for Flask."""

from __future__ import annotations

from .api import EcwidClient as EcwidClient
from .app_payload import AppPayload as AppPayload
from .app_payload import decode_app_payload as decode_app_payload
from .customers import Customer as Customer
from .customers import CustomerPage as CustomerPage
from .exceptions import ConfigError as ConfigError
from .exceptions import EcwidAPIError as EcwidAPIError
from .exceptions import EcwidAuthError as EcwidAuthError
from .exceptions import EcwidConnectionError as EcwidConnectionError
from .exceptions import EcwidNotFound as EcwidNotFound
from .exceptions import EcwidPlanError as EcwidPlanError
from .exceptions import EcwidRateLimited as EcwidRateLimited
from .exceptions import EcwidServerError as EcwidServerError
from .exceptions import EcwidSSOError as EcwidSSOError
from .exceptions import LegacyDigestWarning as LegacyDigestWarning
from .exceptions import PayloadError as PayloadError
from .exceptions import ProfileError as ProfileError
from .exceptions import TokenError as TokenError
from .exceptions import WebhookError as WebhookError
from .extension import EcwidSSO as EcwidSSO
from .person import Person as Person
from .profile import Profile as Profile
from .redirects import is_safe_redirect as is_safe_redirect
from .redirects import safe_redirect_target as safe_redirect_target
from .signing import DecodedPayload as DecodedPayload
from .signing import SignedProfile as SignedProfile
from .signing import SSOSigner as SSOSigner
from .signing import decode_payload as decode_payload
from .webhooks import WebhookEvent as WebhookEvent
from .webhooks import verify_webhook as verify_webhook
