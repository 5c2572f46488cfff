"""The example shop as the load benchmark serves it with gunicorn.

``SHOP_DATABASE`` names the SQLite file; ``LEAVE_OUT`` (comma-separated) names
template helpers replaced by nothing, for the baseline. CSRF and the login
limit are off: the benchmark logs in 50 users from one address at once.
"""

from __future__ import annotations

import os

from markupsafe import Markup

from example_site import create_app

app = create_app(
    {
        "DATABASE": os.environ["SHOP_DATABASE"],
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
    }
)
for name in filter(None, os.environ.get("LEAVE_OUT", "").split(",")):
    app.jinja_env.globals[name] = lambda *args, **kwargs: Markup("")
