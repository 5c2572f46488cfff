"""``GET /customers``'s query: Ecwid's search terms, filters, sort orders and paging.

:func:`read_search` turns the query string into a :class:`CustomerSearch`, or
raises :class:`WrongParameter` naming the parameter Ecwid would refuse (400
``WRONG_PARAMETER``). Parameters Ecwid documents but the fake does not model
(``phone``, ``minOrderCount``, ...) are ignored, as unknown ones are.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
import typing as t
from collections.abc import Callable, Mapping, Sequence

from .customers import matches_terms, parse_ecwid_date

__all__ = ["MAX_LIMIT", "SORT_ORDERS", "CustomerSearch", "WrongParameter", "read_search"]

#: The largest page Ecwid serves, and its default size.
MAX_LIMIT = 100

_Customer = Mapping[str, t.Any]


def _stats(field: str) -> Callable[[_Customer], t.Any]:
    def read(customer: _Customer) -> t.Any:
        stats = customer.get("stats")
        return stats.get(field) if isinstance(stats, Mapping) else None

    return read


def _text(field: str) -> Callable[[_Customer], t.Any]:
    def read(customer: _Customer) -> t.Any:
        value = customer.get(field)
        return value.casefold() if isinstance(value, str) and value else None

    return read


def _date(read: Callable[[_Customer], t.Any]) -> Callable[[_Customer], t.Any]:
    return lambda customer: parse_ecwid_date(read(customer))


def _order_count(customer: _Customer) -> t.Any:
    count = customer.get("totalOrderCount")
    return count if count is not None else _stats("numberOfOrders")(customer)


_SORT_KEYS: dict[str, Callable[[_Customer], t.Any]] = {
    "NAME": _text("name"),
    "EMAIL": _text("email"),
    "ORDER_COUNT": _order_count,
    "REGISTERED_DATE": _date(lambda customer: customer.get("registered")),
    "UPDATED_DATE": _date(lambda customer: customer.get("updated")),
    "SALES_VALUE": _stats("salesValue"),
    "FIRST_ORDER_DATE": _date(_stats("firstOrderDate")),
    "LAST_ORDER_DATE": _date(_stats("lastOrderDate")),
}
#: Ecwid's documented ``sortBy`` values: each key above, ``_ASC`` or ``_DESC``.
SORT_ORDERS = frozenset(f"{key}_{way}" for key in _SORT_KEYS for way in ("ASC", "DESC"))

_DATE_FILTERS = {
    "createdFrom": ("registered", False),
    "createdTo": ("registered", True),
    "updatedFrom": ("updated", False),
    "updatedTo": ("updated", True),
}
_QUERY_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d")
_DIGITS = re.compile(r"[0-9]+")


class WrongParameter(ValueError):
    """A query parameter Ecwid would refuse with 400 ``WRONG_PARAMETER``; the message says why."""


@dataclasses.dataclass(frozen=True)
class CustomerSearch:
    """A parsed customer search: what to keep, in what order, which page."""

    terms: Mapping[str, str]
    group_ids: frozenset[int] | None
    bounds: Sequence[tuple[str, float, bool]]
    sort_by: str | None
    offset: int
    limit: int

    def run(self, customers: Sequence[_Customer]) -> list[_Customer]:
        """Every matching customer, sorted (store order without ``sortBy``), before paging."""
        found = [customer for customer in customers if self._matches(customer)]
        if self.sort_by is None:
            return found
        key, _, way = self.sort_by.rpartition("_")
        read = _SORT_KEYS[key]
        # Customers without the sort field go last either way, in store order.
        known = [customer for customer in found if read(customer) is not None]
        unknown = [customer for customer in found if read(customer) is None]
        known.sort(key=read, reverse=way == "DESC")
        return known + unknown

    def _matches(self, customer: _Customer) -> bool:
        if not matches_terms(customer, self.terms):
            return False
        if self.group_ids is not None and customer.get("customerGroupId", 0) not in self.group_ids:
            return False
        for field, bound, upper in self.bounds:
            moment = parse_ecwid_date(customer.get(field))
            if moment is None or (moment > bound if upper else moment < bound):
                return False
        return True


def read_search(args: Mapping[str, str]) -> CustomerSearch:
    """The search ``args`` (the query string) ask for; :class:`WrongParameter` if malformed."""
    offset = _whole_number(args, "offset", 0)
    limit = _whole_number(args, "limit", MAX_LIMIT)
    if not 1 <= limit <= MAX_LIMIT:
        raise WrongParameter(f"limit must be 1 to {MAX_LIMIT}, not {limit}")
    sort_by = args.get("sortBy")
    if sort_by is not None and sort_by not in SORT_ORDERS:
        raise WrongParameter(f"sortBy must be one of {', '.join(sorted(SORT_ORDERS))}")
    return CustomerSearch(
        terms={key: args[key].casefold() for key in ("email", "keyword", "name") if key in args},
        group_ids=_group_ids(args.get("customerGroupIds")),
        bounds=[
            (field, _query_time(name, args[name]), upper)
            for name, (field, upper) in _DATE_FILTERS.items()
            if name in args
        ],
        sort_by=sort_by,
        offset=offset,
        limit=limit,
    )


def _whole_number(args: Mapping[str, str], name: str, default: int) -> int:
    value = args.get(name)
    if value is None:
        return default
    if not _DIGITS.fullmatch(value):
        raise WrongParameter(f"{name} must be a whole number, 0 or more, not {value!r}")
    return int(value)


def _group_ids(value: str | None) -> frozenset[int] | None:
    if value is None:
        return None
    parts = [part.strip() for part in value.split(",")]
    if not all(_DIGITS.fullmatch(part) for part in parts):
        raise WrongParameter(f"customerGroupIds must be group ids separated by commas: {value!r}")
    return frozenset(int(part) for part in parts)


def _query_time(name: str, value: str) -> float:
    """A UNIX timestamp, or a date as Ecwid reads them (UTC unless the text names an offset)."""
    if _DIGITS.fullmatch(value):
        return float(value)
    for date_format in _QUERY_DATE_FORMATS:
        try:
            moment = datetime.datetime.strptime(value, date_format)
        except ValueError:
            continue
        return moment.replace(tzinfo=moment.tzinfo or datetime.timezone.utc).timestamp()
    raise WrongParameter(
        f"{name} must be a UNIX timestamp or a date like '2023-01-15 19:27:50', not {value!r}"
    )
