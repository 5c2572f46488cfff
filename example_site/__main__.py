"""``python -m example_site``: serve the demo shop (HOST and PORT from the environment)."""

from __future__ import annotations

import os

from . import make_shop_server


def main() -> None:
    host = os.environ.get("HOST", "127.0.0.1")
    server, app = make_shop_server(host, int(os.environ.get("PORT", "5000")))
    store = "FakeEcwid, offline" if "fake_ecwid" in app.extensions else "a real Ecwid store"
    print(f"Fern & Fig is open at http://{host}:{server.port}/ (store: {store})")
    print("Log in as alice@example.com / wonderland. Ctrl+C stops it.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
