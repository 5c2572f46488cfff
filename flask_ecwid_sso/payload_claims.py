"""What keeps SSO payloads unique: Ecwid refuses a signature it has seen before.

Two payloads for one user signed in the same second would be byte-identical.
Both ways out stay inside Ecwid's documented rules: an earlier second (Ecwid
accepts a payload for ten minutes), or insignificant whitespace after the JSON
(Ecwid decodes the JSON, and the signature covers the bytes as sent).

- :class:`LocalClaims` needs no shared state. Within the process, a repeat
  takes the latest second not yet used for its user, up to ``max_backdate``
  seconds back, then whitespace counting the repeats. Every payload also ends
  in a whitespace *process tag*, 64 random bits drawn once per process, so
  payloads from different processes differ too (two tags collide with
  probability 2**-64).
- :class:`SharedClaims` claims ``(user, second)`` with an atomic add in the
  shared store, so no two processes anywhere sign the same pair; past
  ``shared_tries`` taken seconds, or while the store is unreachable, it falls
  back to :class:`LocalClaims`, whose tagged payloads never equal a claimed
  (untagged) one.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
import typing as t

from .shared_state import SharedState, StoreUnavailable

logger = logging.getLogger("flask_ecwid_sso")

#: JSON's four whitespace characters: two bits each.
_WHITESPACE = " \t\n\r"
#: A claimed second stays claimed past the payload's life: Ecwid's 600 s, plus clock leeway.
CLAIM_TTL = 900


def whitespace_number(number: int) -> str:
    """``number`` (0 or more) in bijective base 4 over JSON whitespace: distinct for each number."""
    digits = []
    while number > 0:
        number -= 1
        digits.append(_WHITESPACE[number % 4])
        number //= 4
    return "".join(reversed(digits))


def _process_tag() -> str:
    bits = secrets.randbits(64)
    return "".join(_WHITESPACE[(bits >> shift) & 3] for shift in range(0, 64, 2))


class Claims(t.Protocol):
    """Hands out the timestamp and whitespace suffix of a user's next payload."""

    def claim(self, user_id: str, now: int) -> tuple[int, str]:
        """Return ``(timestamp, suffix)`` for the next payload of ``user_id`` at ``now``."""


class LocalClaims:
    """Unique payloads within this process, and across processes by a random process tag."""

    def __init__(self, max_backdate: int = 30, *, tag: str | None = None) -> None:
        self.max_backdate = max_backdate
        self.tag = _process_tag() if tag is None else tag
        self._used: dict[str, dict[int, int]] = {}
        #: Users whose every second back to ``now - max_backdate`` is taken, by that ``now``.
        self._full: dict[str, int] = {}
        self._lock = threading.Lock()
        self._pruned_at = 0

    def claim(self, user_id: str, now: int) -> tuple[int, str]:
        """The latest unused second of the last ``max_backdate``, else ``now`` and a count."""
        with self._lock:
            if now - self._pruned_at > self.max_backdate:
                self._prune(now)
            used = self._used.setdefault(user_id, {})
            if self._full.get(user_id) != now:
                for second in range(now, now - self.max_backdate - 1, -1):
                    if second not in used:
                        used[second] = 1
                        return second, self.tag
                self._full[user_id] = now
            repeats = used[now]
            used[now] = repeats + 1
            return now, self.tag + whitespace_number(repeats)

    def _prune(self, now: int) -> None:
        # Claims never reach below now - max_backdate, so older seconds cannot collide.
        oldest = now - self.max_backdate
        self._used = {
            user_id: kept
            for user_id, seconds in self._used.items()
            if (kept := {second: n for second, n in seconds.items() if second >= oldest})
        }
        self._full = {user_id: at for user_id, at in self._full.items() if at >= oldest}
        self._pruned_at = now


class SharedClaims:
    """Unique payloads across every process that shares ``state``: one atomic claim a second."""

    #: How many seconds back (now included) a payload tries to claim before falling back.
    shared_tries = 3

    def __init__(self, state: SharedState, fallback: LocalClaims) -> None:
        self.state = state
        self.fallback = fallback
        self._warned_at = -float("inf")

    def claim(self, user_id: str, now: int) -> tuple[int, str]:
        """An untagged payload for a ``(user, second)`` claimed in the store, else a tagged one."""
        try:
            for second in range(now, now - self.shared_tries, -1):
                if self.state.add(f"claim:{user_id}:{second}", 1, ttl=CLAIM_TTL):
                    return second, ""
        except StoreUnavailable as exc:
            self._warn(exc)
        return self.fallback.claim(user_id, now)

    def _warn(self, exc: StoreUnavailable) -> None:
        now = time.monotonic()
        if now - self._warned_at >= 60:
            self._warned_at = now
            logger.warning(
                "Ecwid SSO: %s; payloads stay unique through this process's own tag until it"
                " is back (logged once a minute)",
                exc,
            )
