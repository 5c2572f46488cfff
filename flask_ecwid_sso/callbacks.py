"""The app's callbacks: who is logged in, their profile and ``userId``, logout, webhooks, locale.

Each decorator of :class:`~flask_ecwid_sso.EcwidSSO` is typed with one of the
``T_*`` type variables below, bound to the exact callable it accepts (as Flask
types ``after_request``), so ``mypy --strict`` rejects a profile loader that
takes no user or returns an ``int``, while a loader annotated with the app's
own user class passes.
"""

from __future__ import annotations

import dataclasses
import typing as t
from collections.abc import Callable, Mapping

from . import locale_defaults, login_defaults
from .profile import Profile
from .webhooks import WebhookEvent

#: What a profile loader may return: a :class:`Profile`, an Ecwid-shaped mapping, or nobody.
ProfileResult = Profile | Mapping[str, t.Any] | None

CurrentUserLoader = Callable[[], t.Any]
ProfileLoader = Callable[[t.Any], ProfileResult]
UserIdLoader = Callable[[t.Any], str | int]
LogoutHandler = Callable[[], object]
WebhookHandler = Callable[[WebhookEvent], object]
LocaleLoader = Callable[[], str | None]

T_current_user_loader = t.TypeVar("T_current_user_loader", bound=CurrentUserLoader)
T_profile_loader = t.TypeVar("T_profile_loader", bound=ProfileLoader)
T_user_id_loader = t.TypeVar("T_user_id_loader", bound=UserIdLoader)
T_logout_handler = t.TypeVar("T_logout_handler", bound=LogoutHandler)
T_webhook_handler = t.TypeVar("T_webhook_handler", bound=WebhookHandler)
T_locale_loader = t.TypeVar("T_locale_loader", bound=LocaleLoader)


@dataclasses.dataclass(eq=False)
class Callbacks:
    """The callbacks one :class:`~flask_ecwid_sso.EcwidSSO` holds for all of its apps.

    Defaults come from :mod:`.login_defaults` (Flask-Login, when installed)
    and :mod:`.locale_defaults` (Flask-Babel, when installed).
    """

    current_user: CurrentUserLoader = login_defaults.current_user
    profile: ProfileLoader = login_defaults.profile
    user_id: UserIdLoader = login_defaults.user_id
    logout: LogoutHandler = login_defaults.logout
    locale: LocaleLoader = locale_defaults.babel_language
    webhook_handlers: list[tuple[frozenset[str] | None, WebhookHandler]] = dataclasses.field(
        default_factory=list
    )

    def handlers_for(self, event_type: str) -> list[WebhookHandler]:
        """The webhook handlers registered for ``event_type`` (or for every type), in order."""
        return [
            handler
            for event_types, handler in self.webhook_handlers
            if event_types is None or event_type in event_types
        ]
