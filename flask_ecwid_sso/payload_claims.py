"""What keeps SSO payloads unique: Ecwid refuses a signature it has seen before.

Two payloads for one user signed in the same second would be byte-identical.
The way out stays inside Ecwid's documented rules: insignificant whitespace
after the JSON (Ecwid decodes the JSON, and the signature covers the bytes as
sent). Every payload's JSON ends in whitespace that no other payload of the
same second ends in:

- a *process tag*, 64 random bits written in 32 whitespace characters, the
  same for every payload of the process;
- then a count of the payloads the process signed before, so that no two of
  its own are alike, whatever the clock does.

:class:`LocalClaims` needs no shared state: two processes draw the same tag
with probability 2**-64. :class:`SharedClaims` also claims the tag with an
atomic add in the shared store, once a minute and not once a page, so that no
two processes sharing the store ever hold the same tag. A forked process (a
worker of ``gunicorn --preload``) draws a tag of its own and claims it anew.
"""

from __future__ import annotations

import itertools
import logging
import math
import os
import secrets
import threading
import time
import typing as t
import weakref
from collections.abc import Callable

from .shared_state import SharedState, StoreUnavailable

logger = logging.getLogger("flask_ecwid_sso")

#: JSON's four whitespace characters: two bits each.
JSON_WHITESPACE = " \t\n\r"
#: Each hexadecimal digit as two whitespace characters (its high bits, then its low bits).
_HEX_AS_WHITESPACE = str.maketrans(
    {f"{value:x}": JSON_WHITESPACE[value >> 2] + JSON_WHITESPACE[value & 3] for value in range(16)}
)
#: A tag as 32 base-4 digits, for its key in the store.
_WHITESPACE_AS_DIGITS = str.maketrans(
    {char: str(value) for value, char in enumerate(JSON_WHITESPACE)}
)
#: How long a claimed tag stays claimed after its last renewal, in seconds: longer than
#: Ecwid accepts a payload (600 s), so a payload of a tag's last holder is dead before
#: another process can hold the tag.
CLAIM_TTL = 900


def whitespace_number(number: int) -> str:
    """``number`` (0 or more) written in JSON whitespace: distinct for each number.

    Two characters per hexadecimal digit, so a process's billionth payload
    carries 16 characters of count.
    """
    return format(number, "x").translate(_HEX_AS_WHITESPACE)


def _random_tag() -> str:
    bits = secrets.randbits(64)
    return "".join(JSON_WHITESPACE[(bits >> shift) & 3] for shift in range(0, 64, 2))


class Claims(t.Protocol):
    """Hands out the timestamp and whitespace suffix of a user's next payload."""

    def claim(self, user_id: str, now: int) -> tuple[int, str]:
        """Return ``(timestamp, suffix)`` for the next payload of ``user_id`` at ``now``."""


class LocalClaims:
    """Unique payloads within this process by a count, and across processes by a random tag.

    ``now`` is the timestamp of every payload: nothing is backdated, and a
    clock set back cannot make a repeat, since the count never goes back.
    """

    def __init__(self, *, tag: str | None = None) -> None:
        self.tag = _random_tag() if tag is None else tag
        # next() of an itertools.count is atomic: threads never share a number.
        self._count = itertools.count()
        _IN_THIS_PROCESS.add(self)

    def claim(self, user_id: str, now: int) -> tuple[int, str]:
        """``now``, and this process's tag followed by the count of payloads before this one."""
        return now, self.tag + whitespace_number(next(self._count))

    def retag(self) -> None:
        """Draw a new tag (the count goes on)."""
        self.tag = _random_tag()

    def _after_fork(self) -> None:
        self.retag()


class SharedClaims:
    """Unique payloads across every process that shares ``state``: no two hold one tag.

    The process claims its tag with an atomic add, and renews the claim every
    ``renew_every`` seconds: one store call a minute, none per page. When the
    store does not answer, payloads keep the tag they have (unique with
    probability 1 - 2**-64, as with ``memory://``), logged once a minute, and
    the claim is made again once the store is back.
    """

    #: How often the claim is renewed, in seconds.
    renew_every = 60.0
    #: New tags drawn, when the store says another process holds one, before giving up.
    max_draws = 3

    def __init__(
        self,
        state: SharedState,
        local: LocalClaims,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.state = state
        self.local = local
        self.clock = clock
        #: Until when (by ``clock``) the store holds this process's tag for it.
        self.held_until = -math.inf
        self._renew_at = -math.inf
        self._warned_at = -math.inf
        self._lock = threading.Lock()
        _IN_THIS_PROCESS.add(self)

    def claim(self, user_id: str, now: int) -> tuple[int, str]:
        """The local claim, once this process's tag is its own in the store (or cannot be)."""
        now_by_clock = self.clock()
        if now_by_clock >= self._renew_at:
            self._renew(waits=now_by_clock >= self.held_until)
        return self.local.claim(user_id, now)

    def _renew(self, *, waits: bool) -> None:
        # While the tag is still held, a thread that finds another renewing goes on.
        if not self._lock.acquire(blocking=waits):
            return
        try:
            started = self.clock()
            if started < self._renew_at:
                return  # another thread renewed it meanwhile
            try:
                self._hold_tag(started)
            except StoreUnavailable as exc:
                self._renew_at = started + self.state.retry_after
                self._warn(exc, started)
                return
            self._renew_at = started + self.renew_every
        finally:
            self._lock.release()

    def _after_fork(self) -> None:
        # The parent's claim is the parent's: the child claims its own new tag.
        self.held_until = self._renew_at = -math.inf
        self._lock = threading.Lock()

    def _hold_tag(self, started: float) -> None:
        if started < self.held_until:
            self.state.set(self._key(), 1, ttl=CLAIM_TTL)
        else:
            for _ in range(self.max_draws):
                if self.state.add(self._key(), 1, ttl=CLAIM_TTL):
                    break
                self.local.retag()
            else:
                raise StoreUnavailable(
                    f"the shared store {self.state.description} refused {self.max_draws}"
                    " random tags in a row: check that nothing else writes its keys"
                )
        self.held_until = started + CLAIM_TTL

    def _key(self) -> str:
        return f"tag:{self.local.tag.translate(_WHITESPACE_AS_DIGITS)}"

    def _warn(self, exc: StoreUnavailable, now: float) -> None:
        if now - self._warned_at >= 60:
            self._warned_at = now
            logger.warning(
                "Ecwid SSO: %s; meanwhile payloads stay unique through this process's random"
                " tag alone (logged once a minute)",
                exc,
            )


#: Every claims object of this process, to draw new tags in a forked child.
_IN_THIS_PROCESS: weakref.WeakSet[LocalClaims | SharedClaims] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for claims in list(_IN_THIS_PROCESS):
        claims._after_fork()


os.register_at_fork(after_in_child=_after_fork_in_child)
