"""``python -m flask_ecwid_sso.testing``: serve one FakeEcwid until stopped.

As soon as it listens, it prints the ``ECWID_*`` settings that point an app at
it on standard output, ``KEY=value`` a line, ready for an env file or
``export $(...)``. SIGTERM or SIGINT (Ctrl+C) stops it with exit status 0.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .defaults import (
    DEFAULT_API_TOKEN,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_STORE_ID,
)
from .fake import FakeEcwid
from .serving import base_url, make_threaded_server, serve_until_stopped

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "ecwid_settings", "main"]

DEFAULT_HOST = "127.0.0.1"
#: Beside the example site's 5000.
DEFAULT_PORT = 5001


def ecwid_settings(fake: FakeEcwid) -> dict[str, str]:
    """The ``ECWID_*`` settings that point an app at the served ``fake``, as strings."""
    return {
        "ECWID_STORE_ID": str(fake.store_id),
        "ECWID_CLIENT_ID": fake.client_id,
        "ECWID_CLIENT_SECRET": fake.client_secret,
        "ECWID_API_TOKEN": fake.api_token,
        "ECWID_API_URL": fake.api_url,
        "ECWID_SCRIPT_URL": fake.script_url,
    }


def _store_id(text: str) -> int:
    if not text.isdigit() or int(text) == 0:
        raise argparse.ArgumentTypeError(f"a store id is a positive whole number, not {text!r}")
    return int(text)


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"a port is 0 to 65535 (0: any free port), not {text!r}")
    return int(text)


def _text(text: str) -> str:
    if not text or text != text.strip() or "\n" in text:
        raise argparse.ArgumentTypeError("must be non-empty, on one line, without outer spaces")
    return text


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m flask_ecwid_sso.testing",
        description=(
            "Serve one FakeEcwid (storefront script, SSO check, REST API) until SIGTERM or "
            "Ctrl+C, and print the ECWID_* settings that point an app at it. The defaults "
            "are fixed, public demo credentials: never use them for a real store."
        ),
    )
    parser.add_argument("--host", type=_text, default=DEFAULT_HOST, help="default: %(default)s")
    parser.add_argument(
        "--port", type=_port, default=DEFAULT_PORT, help="0 for any free port; default: %(default)s"
    )
    parser.add_argument(
        "--store-id", type=_store_id, default=DEFAULT_STORE_ID, help="default: %(default)s"
    )
    parser.add_argument(
        "--client-id", type=_text, default=DEFAULT_CLIENT_ID, help="default: %(default)s"
    )
    parser.add_argument(
        "--client-secret",
        type=_text,
        default=DEFAULT_CLIENT_SECRET,
        help="signs SSO payloads and webhooks; default: the fixed demo secret",
    )
    parser.add_argument(
        "--api-token", type=_text, default=DEFAULT_API_TOKEN, help="default: %(default)s"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the server; returns the exit status (0 after SIGTERM or SIGINT).

    An address it cannot listen on is reported on stderr and exits 1.
    """
    options = _parser().parse_args(argv)
    fake = FakeEcwid(
        store_id=options.store_id,
        client_id=options.client_id,
        client_secret=options.client_secret,
        api_token=options.api_token,
    )
    # werkzeug reports an address it cannot listen on and exits 1, without a traceback.
    server = make_threaded_server(options.host, options.port, fake)
    fake.url = base_url(server)

    def announce() -> None:
        # stdout last: whoever reads the settings may signal at once.
        print(f"FakeEcwid is serving store {fake.store_id} at {fake.url}", file=sys.stderr)
        sys.stderr.flush()
        for key, value in ecwid_settings(fake).items():
            print(f"{key}={value}")
        sys.stdout.flush()

    serve_until_stopped(server, announce)
    return 0


if __name__ == "__main__":
    sys.exit(main())
