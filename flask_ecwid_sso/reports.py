"""The reports of the diagnostics: :class:`Check` lines, a :class:`Report`, an :class:`Inspection`.

Shared by :mod:`.diagnostics` (what Ecwid would make of a payload),
:mod:`.config_checks` and :mod:`.doctor`. Values that come from outside reach
a message only through :func:`show`, which bounds their length and depth;
:meth:`Report.redacted` takes every secret out. Nothing here imports Flask.
"""

from __future__ import annotations

import dataclasses
import reprlib
import typing as t
from collections.abc import Iterable

from .payloads import AppField, DecodedPayload

__all__ = [
    "SHA1_REFUSED",
    "VARIANTS",
    "Check",
    "Inspection",
    "Report",
    "looks_like_api_token",
    "redact",
    "show",
]

Status = t.Literal["ok", "warning", "problem", "unchecked"]
_R = t.TypeVar("_R", bound="Report")

VARIANTS: dict[AppField, str] = {"appClientId": "current", "appId": "legacy"}
SHA1_REFUSED = "Ecwid refuses SHA-1 since 2025-03-20"

# Depth and breadth bounded, so any JSON a payload holds prints in a line.
_SHOWN = reprlib.Repr()
_SHOWN.maxlevel = 3
_SHOWN.maxstring = _SHOWN.maxother = 200


@dataclasses.dataclass(frozen=True)
class Check:
    """One line of a report.

    ``status`` is ``"ok"``, ``"warning"`` (may cause trouble), ``"problem"``
    (Ecwid will refuse or ignore SSO) or ``"unchecked"`` (cannot be seen from
    here; ``message`` says whom to ask). ``reason`` is a stable short code for
    scripts (``"expired"``, ``"other_secret"``, ...), ``None`` when all is well.
    """

    name: str
    status: Status
    message: str
    reason: str | None = None

    def to_json(self) -> dict[str, str | None]:
        """The check as a JSON-ready dict: ``name``, ``status``, ``message``, ``reason``."""
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class Report:
    """The checks of one diagnosis, in the order they ran."""

    checks: tuple[Check, ...]

    def with_status(self, status: Status) -> tuple[Check, ...]:
        """The checks that ended with ``status``."""
        return tuple(check for check in self.checks if check.status == status)

    @property
    def has_problems(self) -> bool:
        """Whether any check found a problem."""
        return bool(self.with_status("problem"))

    def redacted(self: _R, secrets: Iterable[str | None]) -> _R:
        """A copy with every occurrence of ``secrets`` in the messages replaced.

        The messages never quote a secret themselves; this guards values read
        from a payload or from Ecwid, should one of them hold a secret.
        """
        secrets = tuple(secrets)
        return dataclasses.replace(
            self,
            checks=tuple(
                dataclasses.replace(check, message=redact(check.message, secrets))
                for check in self.checks
            ),
        )


@dataclasses.dataclass(frozen=True)
class Inspection(Report):
    """What Ecwid would make of one payload; ``decoded`` is ``None`` when it does not decode."""

    decoded: DecodedPayload | None = None

    @property
    def accepted(self) -> bool:
        """Whether Ecwid would accept the payload: no problem, and nothing left unchecked.

        Ecwid also refuses a payload it has seen before, which no inspection can know.
        """
        return bool(self.checks) and not (
            self.with_status("problem") or self.with_status("unchecked")
        )

    def to_json(self) -> dict[str, t.Any]:
        """``{"accepted": bool, "checks": [...]}``, ready for ``json.dumps``."""
        return {"accepted": self.accepted, "checks": [check.to_json() for check in self.checks]}


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """``text`` with each non-empty secret replaced by ``[redacted]``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "[redacted]")
    return text


def show(value: object, limit: int = 60) -> str:
    """``repr(value)`` cut to ``limit`` characters, for values from outside (of any depth)."""
    text = _SHOWN.repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def looks_like_api_token(value: str) -> bool:
    """Whether ``value`` has the prefix of Ecwid's REST tokens (``secret_``, ``public_``)."""
    return value.startswith(("secret_", "public_"))
