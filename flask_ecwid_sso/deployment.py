"""What the doctor can tell of how the site is deployed: the shared store and the processes."""

from __future__ import annotations

import re
from collections.abc import Mapping

from .reports import Check

_WORKERS_OPTION = re.compile(r"(?:^|\s)(?:-w|--workers)(?:\s+|=)(\d+)")


def worker_count(environ: Mapping[str, str]) -> int | None:
    """How many worker processes the environment says the server runs, when it says so.

    Reads gunicorn's ``WEB_CONCURRENCY`` and ``GUNICORN_CMD_ARGS`` (``-w N``).
    """
    counts = []
    concurrency = environ.get("WEB_CONCURRENCY", "").strip()
    if concurrency.isdigit():
        counts.append(int(concurrency))
    match = _WORKERS_OPTION.search(environ.get("GUNICORN_CMD_ARGS", ""))
    if match:
        counts.append(int(match.group(1)))
    return max(counts) if counts else None


def check_cache(description: str, shared: bool, environ: Mapping[str, str]) -> Check:
    """Which ``ECWID_CACHE`` backend is in use, warning when it cannot serve several workers."""
    if shared:
        return Check(
            "cache",
            "ok",
            f"ECWID_CACHE is {description}: customers, webhook ids and payload claims are"
            " shared by every process that uses it",
        )
    workers = worker_count(environ)
    if workers is not None and workers > 1:
        return Check(
            "cache",
            "warning",
            f"ECWID_CACHE is {description} but the server runs {workers} workers: a webhook"
            " refreshes one worker's customers only and a repeated event may run in another."
            " Use file:///a/folder (one machine) or redis://host:port/db",
            reason="memory_cache_with_workers",
        )
    return Check(
        "cache",
        "ok",
        f"ECWID_CACHE is {description}: right for one process; several workers need"
        " file:///a/folder or redis://host:port/db",
    )


def check_trusted_hosts(trusted_hosts: tuple[str, ...]) -> Check:
    """Whether the site names the hosts an absolute return URL may point to."""
    if trusted_hosts:
        return Check(
            "hosts",
            "ok",
            f"absolute return URLs may name {', '.join(trusted_hosts)}; paths always work",
        )
    return Check(
        "hosts",
        "warning",
        "none of SERVER_NAME, TRUSTED_HOSTS or ECWID_ALLOWED_HOSTS is set: return URLs can"
        " only be paths on this site (the request's Host header is never trusted). The browser"
        " helper sends paths; set one of them if your own links use absolute URLs",
        reason="no_trusted_hosts",
    )
