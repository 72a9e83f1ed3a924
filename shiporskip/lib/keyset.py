"""Keyset pagination: a list read page by page from where the last page ended.

`?after=<cursor>` names the last row of the page before, `?before=<cursor>` the
first row of the page after; the next page is the rows beyond it in the list's
order (`WHERE (a, b, pk) > (…) ORDER BY a, b, pk LIMIT n`), so a page costs
the same at row 30 as at row 30,000 (no OFFSET), and rows added or removed
between two requests never make a reader see a row twice or miss one.

A cursor is the row's sort values as URL-safe base64 of JSON, with the order's
name: plain, not signed (it holds only public sort values) and checked field by
field when read, so a bad or foreign cursor is a BadCursor (answered 400).
"""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from django.db.models import F, Q
from django.shortcuts import redirect

# Longer than any cursor we make; refuses a pasted novel before decoding it.
MAX_CURSOR_CHARS = 600


class BadCursor(ValueError):
    """A cursor that is not one of ours for this list; the message is for readers."""


@dataclass(frozen=True)
class Key:
    """One column of an order: a field or annotation, its type (int, str,
    Decimal or datetime), descending or not, and whether it may be NULL (NULLs
    always sort last)."""

    field: str
    kind: type
    descending: bool = False
    nullable: bool = False

    def order(self, reverse: bool):
        descending = self.descending != reverse
        # NULLs last reading forwards, so first when reading backwards.
        nulls = {"nulls_last": True} if not reverse else {"nulls_first": True}
        expression = F(self.field)
        if not self.nullable:
            return expression.desc() if descending else expression.asc()
        return expression.desc(**nulls) if descending else expression.asc(**nulls)

    def beyond(self, value, reverse: bool) -> Q:
        """Rows strictly past `value` in this column, reading forwards or backwards."""
        if value is None:
            # NULLs are last: nothing is past them forwards, everything else backwards.
            return Q(pk__in=[]) if not reverse else Q(**{f"{self.field}__isnull": False})
        lookup = "lt" if self.descending != reverse else "gt"
        past = Q(**{f"{self.field}__{lookup}": value})
        if self.nullable and not reverse:
            past |= Q(**{f"{self.field}__isnull": True})
        return past

    def equal(self, value) -> Q:
        if value is None:
            return Q(**{f"{self.field}__isnull": True})
        return Q(**{self.field: value})

    def dump(self, value):
        if value is None or self.kind in (int, str):
            return value
        if self.kind is Decimal:
            return str(value)
        return value.isoformat()

    def _is_plain(self, raw) -> bool:
        if self.kind is int:
            # Within a 64-bit column: a larger number would overflow the driver.
            return isinstance(raw, int) and not isinstance(raw, bool) and abs(raw) < 2**63
        # PostgreSQL refuses NUL in text; neither database takes a lone surrogate.
        if self.kind is not str or not isinstance(raw, str) or "\x00" in raw:
            return False
        try:
            raw.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True

    def load(self, raw):
        if raw is None:
            if self.nullable:
                return None
        elif self._is_plain(raw):
            return raw
        elif self.kind is Decimal and isinstance(raw, str):
            try:
                value = Decimal(raw)
            except InvalidOperation:
                pass
            else:
                # Sort values are small (a score, a percentage): refuse 1E+999999.
                if value.is_finite() and abs(value) < 10**9:
                    return value
        elif self.kind is datetime and isinstance(raw, str):
            try:
                value = datetime.fromisoformat(raw)
                # Year 1 at +01:00 is before year 1 in UTC: the driver would overflow.
                if value.tzinfo is not None and value.astimezone(UTC):
                    return value
            except (ValueError, OverflowError):
                pass
        raise BadCursor("This page link is damaged or out of date: start from the first page.")


@dataclass(frozen=True)
class Ordering:
    """A total order of a list: keys ending with the primary key."""

    name: str
    keys: tuple[Key, ...]

    def order_by(self, reverse: bool = False) -> list:
        return [key.order(reverse) for key in self.keys]

    def past(self, values, reverse: bool = False) -> Q:
        """Rows after (or, reverse, before) the row with these sort values."""
        condition = Q(pk__in=[])
        same = Q()
        for key, value in zip(self.keys, values, strict=True):
            condition |= same & key.beyond(value, reverse)
            same &= key.equal(value)
        return condition

    def cursor(self, row) -> str:
        values = [key.dump(getattr(row, key.field)) for key in self.keys]
        raw = json.dumps([self.name, *values], separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def read_cursor(self, cursor: str) -> list:
        """The sort values in a cursor of this order; BadCursor otherwise."""
        damaged = "This page link is damaged or out of date: start from the first page."
        if len(cursor) > MAX_CURSOR_CHARS:
            raise BadCursor(damaged)
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            data = json.loads(raw)
        except (binascii.Error, ValueError):
            raise BadCursor(damaged) from None
        if not isinstance(data, list) or len(data) != len(self.keys) + 1:
            raise BadCursor(damaged)
        if data[0] != self.name:
            raise BadCursor(
                "This page link belongs to another sort order: start from the first page."
            )
        return [key.load(raw) for key, raw in zip(self.keys, data[1:], strict=True)]


@dataclass(frozen=True)
class KeysetPage:
    """One page of rows, in the list's order, and the cursors of its neighbours
    (None where there is no such page)."""

    object_list: list
    next_cursor: str | None
    previous_cursor: str | None

    @property
    def is_first(self) -> bool:
        return self.previous_cursor is None


def keyset_page(queryset, ordering: Ordering, per_page: int, *, after=None, before=None):
    """The page of `queryset` after the cursor `after`, before the cursor
    `before`, or the first page: one query. Raises BadCursor."""
    if before:
        values = ordering.read_cursor(before)
        rows = list(
            queryset.filter(ordering.past(values, reverse=True)).order_by(
                *ordering.order_by(reverse=True)
            )[: per_page + 1]
        )
        more_before = len(rows) > per_page
        rows = rows[:per_page][::-1]
        return KeysetPage(
            rows,
            next_cursor=ordering.cursor(rows[-1]) if rows else None,
            previous_cursor=ordering.cursor(rows[0]) if more_before else None,
        )
    listed = queryset.order_by(*ordering.order_by())
    if after:
        listed = listed.filter(ordering.past(ordering.read_cursor(after)))
    rows = list(listed[: per_page + 1])
    more_after = len(rows) > per_page
    rows = rows[:per_page]
    return KeysetPage(
        rows,
        next_cursor=ordering.cursor(rows[-1]) if more_after else None,
        previous_cursor=ordering.cursor(rows[0]) if after and rows else None,
    )


def redirect_page_number(request):
    """301 from an old `?page=N` link to the list's first page with the same
    filters: lists are read by keyset cursors now (shiporskip/lib/keyset.py), and
    a number would mean a different slice every time a tool is added, so the
    redirect sends readers and crawlers to the one stable address."""
    params = request.GET.copy()
    params.pop("page", None)
    query = params.urlencode()
    return redirect(request.path + (f"?{query}" if query else ""), permanent=True)
