from __future__ import annotations

from hypothesis import settings

# 2-core CI machines are slow and noisy: no per-example deadline.
settings.register_profile("default", deadline=None)
settings.load_profile("default")
