"""Keyset cursors (shiporskip/lib/keyset.py): what one holds comes back exactly,
and anything else is a BadCursor with a message for readers, never a 500."""

import base64
import json
from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from shiporskip.lib.keyset import BadCursor, Key, Ordering

ORDER = Ordering(
    "ship",
    (
        Key("percent", int, descending=True, nullable=True),
        Key("average", Decimal, descending=True, nullable=True),
        Key("when", datetime, descending=True),
        Key("name", str),
        Key("pk", int),
    ),
)


def encoded(data) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "row",
    [
        (63, Decimal("72.5"), datetime(2026, 11, 30, 12, 0, tzinfo=UTC), "alpha", 7),
        (None, None, datetime(2026, 1, 1, tzinfo=UTC), "ünïcode ✓", 2**62),
    ],
)
def test_a_cursor_gives_back_the_rows_sort_values(row):
    names = ("percent", "average", "when", "name", "pk")
    fields = SimpleNamespace(**dict(zip(names, row, strict=True)))
    cursor = ORDER.cursor(fields)
    assert cursor.replace("-", "").replace("_", "").isalnum()  # safe in a URL as it is
    assert ORDER.read_cursor(cursor) == list(row)


WHEN = "2026-11-30T12:00:00+00:00"


@pytest.mark.parametrize(
    ("cursor", "says"),
    [
        ("", "damaged"),
        ("%%%", "damaged"),
        ("x" * 601, "damaged"),
        (encoded({"a": 1}), "damaged"),
        (encoded(["ship", 1, "1.0", WHEN, "a"]), "damaged"),  # a value short
        (encoded(["name", 1, "1.0", WHEN, "a", 1]), "another sort order"),
        (encoded(["ship", "1", "1.0", WHEN, "a", 1]), "damaged"),  # a string for an int
        (encoded(["ship", True, "1.0", WHEN, "a", 1]), "damaged"),
        (encoded(["ship", 1, "1e999999", WHEN, "a", 1]), "damaged"),
        (encoded(["ship", 1, "NaN", WHEN, "a", 1]), "damaged"),
        (encoded(["ship", 1, 1.5, WHEN, "a", 1]), "damaged"),
        (encoded(["ship", 1, "1.0", "2026-11-30T12:00:00", "a", 1]), "damaged"),  # naive
        (encoded(["ship", 1, "1.0", "yesterday", "a", 1]), "damaged"),
        (encoded(["ship", 1, "1.0", "0001-01-01T00:00:00+01:00", "a", 1]), "damaged"),
        (encoded(["ship", 1, "1.0", None, "a", 1]), "damaged"),  # not nullable
        (encoded(["ship", 1, "1.0", WHEN, "a\x00b", 1]), "damaged"),
        (encoded(["ship", 1, "1.0", WHEN, "a\ud800", 1]), "damaged"),
        (encoded(["ship", 1, "1.0", WHEN, "a", 2**64]), "damaged"),
    ],
)
def test_anything_else_is_a_bad_cursor_with_a_message(cursor, says):
    with pytest.raises(BadCursor, match=says):
        ORDER.read_cursor(cursor)
