"""Signals in the extension's own blinker namespace, sent with the real app object.

``payload_issued``: a payload was signed for a shopper; keyword ``user_id``.
``payload_failed``: a loader or the profile failed, the shopper was treated as
logged out; keyword ``error`` (the exception).
``user_signed_out``: the sign-out hand-off logged a user out; keyword ``user``.
``webhook_received``: a verified webhook is about to be dispatched; keyword ``event``.

No signal ever carries the payload itself.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

payload_issued = _signals.signal("payload-issued")
payload_failed = _signals.signal("payload-failed")
user_signed_out = _signals.signal("user-signed-out")
webhook_received = _signals.signal("webhook-received")
