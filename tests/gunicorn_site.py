"""The example site as the deployment tests serve it with gunicorn: each answer names its worker.

``SHOP_DATABASE`` names the SQLite file; the ``ECWID_*`` settings come from the
environment, as in production.
"""

from __future__ import annotations

import os

from flask import Response

from example_site import create_app

app = create_app({"DATABASE": os.environ["SHOP_DATABASE"]})


@app.after_request
def name_the_worker(response: Response) -> Response:
    response.headers["X-Worker"] = str(os.getpid())
    return response
