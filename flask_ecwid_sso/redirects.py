"""Same-site return targets: the rule the blueprint and the site's own login share.

A return target (the ``next`` of a login page, the page a shopper goes back to
after signing in to the store) is safe when it is either

* a path on this site: it starts with exactly one ``/``, such as ``/store`` or
  ``/store?x=1#y``; or
* an ``http`` or ``https`` URL whose authority (``host`` or ``host:port``) is
  one the site trusts: the configured ``host`` or one of ``allowed_hosts``.

The request's ``Host`` header decides nothing: a client sets it, so a redirect
built from it can be sent anywhere (and a page cached for one client would
carry another's).

Everything else is unsafe, including relative references (``store/page``,
``?x=1``, ``evil.com``): they resolve against the login page rather than the
page the shopper came from, and code that glues a target onto a host URL would
turn ``.evil.com`` or ``@evil.com`` into another site. The check is strict by
design, and it errs towards "unsafe": the cost is a shopper landing on the
default page instead of a phishing site.
"""

from __future__ import annotations

import re
import typing as t
import unicodedata
from urllib.parse import unquote, urlsplit

__all__ = ["is_safe_redirect", "path_of", "safe_redirect_target"]

_MAX_LENGTH = 2048

# Cc: C0 controls, DEL and C1 controls (browsers drop tab and newline, so
# "/\t/evil.com" becomes "//evil.com"); Cf: invisible format characters such as
# bidi overrides; Zl/Zp: line breaks; Cs: lone surrogates, which no URL can hold.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})

_AUTHORITY = re.compile(
    r"""
    (?:
        [a-z0-9](?:[a-z0-9_-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?)*
      | \[[0-9a-f:.]+\]
    )
    (?::[0-9]{1,5})?
    """,
    re.ASCII | re.IGNORECASE | re.VERBOSE,
)
_HTTP_PREFIX = re.compile(r"https?://", re.ASCII | re.IGNORECASE)


def is_safe_redirect(
    target: object,
    *,
    host: str | None = None,
    allowed_hosts: t.Iterable[str] = (),
) -> bool:
    """Tell whether ``target`` may be used as a same-site redirect.

    A path starting with a single ``/`` is always same-site. An absolute
    ``http(s)`` URL is accepted only when its ``host`` or ``host:port`` is
    ``host`` (the site's own name from configuration, such as Flask's
    ``SERVER_NAME``; never the request's ``Host`` header, which the client
    chooses) or one of ``allowed_hosts``. Hosts are compared
    case-insensitively but otherwise exactly: the port must match,
    ``example.com.`` is not ``example.com``, and internationalised names must be
    given, and sent, in their ASCII (``xn--``) form.

    The target is judged twice, as written and once percent-decoded, and both
    must pass; so ``/%2F%2Fevil.com`` and ``/%09/evil.com`` are unsafe, and so
    is a percent-encoded control character anywhere, even in the query. A
    target is also unsafe when it is not a non-empty string, is longer than
    2048 characters, has surrounding whitespace, holds a control or invisible
    format character, holds a backslash before its query, or carries user
    info (``http://user@host``). Never raises for any ``target``.
    """
    return _is_safe(target, _trusted_authorities(host, allowed_hosts))


def safe_redirect_target(
    *candidates: str | None,
    host: str | None = None,
    allowed_hosts: t.Iterable[str] = (),
    default: str = "/",
) -> str:
    """Return the first of ``candidates`` that :func:`is_safe_redirect` accepts, else ``default``.

    Candidates may be ``None`` (a missing ``next`` argument, a missing
    ``Referer``), so a view can write
    ``safe_redirect_target(request.args.get("next"),
    allowed_hosts=sso.settings.trusted_hosts, default=url_for("store"))``.
    ``default`` is the site's own value and is returned as given, unchecked.
    """
    trusted = _trusted_authorities(host, allowed_hosts)
    for candidate in candidates:
        if _is_safe(candidate, trusted):
            return candidate
    return default


def _trusted_authorities(host: str | None, allowed_hosts: t.Iterable[str]) -> frozenset[str]:
    if isinstance(allowed_hosts, str):
        raise TypeError("allowed_hosts must be a collection of host names, not one string")
    # A malformed name trusts nothing.
    return frozenset(
        name.lower()
        for name in (*([] if host is None else [host]), *allowed_hosts)
        if isinstance(name, str) and name.isascii() and _AUTHORITY.fullmatch(name)
    )


def _is_safe(target: object, trusted: frozenset[str]) -> t.TypeGuard[str]:
    if not isinstance(target, str) or not target or len(target) > _MAX_LENGTH:
        return False
    if target != target.strip():
        return False
    return _is_same_site(target, trusted) and _is_same_site(unquote(target), trusted)


def _is_same_site(target: str, trusted: frozenset[str]) -> bool:
    if any(unicodedata.category(char) in _FORBIDDEN_CATEGORIES for char in target):
        return False
    before_query = re.split(r"[?#]", target, maxsplit=1)[0]
    if "\\" in before_query:
        return False
    if target.startswith("/"):
        return not target.startswith("//")
    scheme = _HTTP_PREFIX.match(target)
    if scheme is None:
        return False
    authority = re.split(r"[/?#]", target[scheme.end() :], maxsplit=1)[0]
    return (
        authority.isascii()
        and _AUTHORITY.fullmatch(authority) is not None
        and authority.lower() in trusted
    )


def path_of(url: str | None) -> str | None:
    """The path and query of ``url`` (a ``Referer``, say), without its scheme and host.

    ``None`` for nothing, or for a URL without a path; the result still needs
    :func:`is_safe_redirect`.
    """
    if not url:
        return None
    parts = urlsplit(url)
    if not parts.path.startswith("/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")
