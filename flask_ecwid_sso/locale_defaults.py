"""The locale loader's default, Flask-Babel's ``get_locale()``, when Flask-Babel is set up.

This is the only module that imports Flask-Babel (the optional extra ``babel``).
"""

from __future__ import annotations

import re

from flask import current_app

try:
    import flask_babel
except ImportError:  # pragma: no cover - Flask-Babel is optional
    flask_babel = None

_LANGUAGE = re.compile(r"[a-z]{2}")


def babel_language() -> str | None:
    """The language of Flask-Babel's locale for this request (``"pt"`` for ``pt_BR``), or ``None``.

    ``None`` when Flask-Babel is not installed or not set up on the app, or
    when its language has no two-letter code. Only the language is kept, as
    Ecwid's own plugins send it: register a ``@sso.locale_loader`` to send a
    regional code such as ``"pt_BR"``.
    """
    if flask_babel is None or "babel" not in current_app.extensions:
        return None
    locale = flask_babel.get_locale()
    language = getattr(locale, "language", None)
    return language if isinstance(language, str) and _LANGUAGE.fullmatch(language) else None
