"""When readers see a row: the one "published" rule for tools and comparisons.

A row is live once an editor has ticked is_published and its published_at has
come; until then it is a draft (404 for readers, previewable by staff). Every
queryset, page and the page cache's "next publication" read this module, so the
rule is written once, for a row or for a related row (prefix "tool_a__").
"""

from datetime import datetime

from django.db.models import Q
from django.utils import timezone


def published_q(prefix: str = "", now: datetime | None = None) -> Q:
    """Rows (or the rows at `prefix`, e.g. "tools__") that readers see at `now`
    (default: this moment)."""
    now = now or timezone.now()
    # "Not after now" rather than "at or before now" (the same rows: published_at
    # is never NULL). Nearly every row is published, but SQLite's planner, which
    # cannot tell, took the date range for a selective index and sorted every
    # published row instead of reading a list's order from its own index; a NOT
    # keeps the range out of its choice. PostgreSQL rewrites it back to <=.
    return Q(**{f"{prefix}is_published": True}) & ~Q(**{f"{prefix}published_at__gt": now})


def scheduled_q(prefix: str = "", now: datetime | None = None) -> Q:
    """Rows published by an editor but dated after `now`: they go live by themselves."""
    now = now or timezone.now()
    return Q(**{f"{prefix}is_published": True, f"{prefix}published_at__gt": now})


def is_live(is_published: bool, published_at: datetime, now: datetime | None = None) -> bool:
    """published_q() for one row already in memory."""
    return is_published and published_at <= (now or timezone.now())
