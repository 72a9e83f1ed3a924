"""The content and votes versions: numbers that change whenever a public page could.

Cached pages are stored under the current content version, so bumping it (any
editor's save, or a scheduled publication coming due) retires them all at once
on every app server. Votes bump only the votes version, which retires just the
pages that show community tallies. The numbers are random rather than counted:
restoring a backup brings back old numbers together with the old content they
were cached for, never numbers that cached pages of some other content used.

The row also holds when each version last changed (pages' Last-Modified) and
the next moment a scheduled tool or comparison goes live: pages rendered now
must not outlive it, and the first request after it bumps the version.
"""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection, models
from django.utils import timezone
from django.utils.dateparse import parse_datetime


class ContentVersion(models.Model):
    version = models.PositiveBigIntegerField(default=1)
    votes_version = models.PositiveBigIntegerField(default=1)
    changed_at = models.DateTimeField(
        default=timezone.now, help_text="When the content version last changed."
    )
    votes_changed_at = models.DateTimeField(
        default=timezone.now, help_text="When the votes version last changed."
    )
    next_publication_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The earliest future published_at of a published tool or comparison.",
    )

    def __str__(self):
        return f"content version {self.version}, votes version {self.votes_version}"


@dataclass(frozen=True)
class Versions:
    """What cached pages are keyed on, as read once per request."""

    version: int
    votes_version: int
    changed_at: datetime
    votes_changed_at: datetime
    next_publication_at: datetime | None

    def seconds_until_publication(self, now: datetime) -> float | None:
        """Seconds left until the next scheduled publication, or None if none is due."""
        if self.next_publication_at is None:
            return None
        return (self.next_publication_at - now).total_seconds()


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _as_datetime(value) -> datetime | None:
    # Plain SQL skips Django's converters: SQLite answers naive UTC (as a datetime
    # or text), PostgreSQL aware datetimes.
    moment = value if value is None or isinstance(value, datetime) else parse_datetime(value)
    return moment if moment is None or timezone.is_aware(moment) else moment.replace(tzinfo=UTC)


def _read() -> Versions | None:
    # Read on every page request: plain SQL, a tenth of the ORM's cost.
    with connection.cursor() as cursor:
        table = ContentVersion._meta.db_table
        cursor.execute(
            "SELECT version, votes_version, changed_at, votes_changed_at, "  # noqa: S608
            f"next_publication_at FROM {table} WHERE id = 1"
        )
        row = cursor.fetchone()
    if row is None:
        return None
    return Versions(
        row[0],
        row[1],
        _as_datetime(row[2]) or _EPOCH,
        _as_datetime(row[3]) or _EPOCH,
        _as_datetime(row[4]),
    )


def current_versions() -> Versions:
    """The versions to key pages on: one query, or three on the first request
    after a scheduled publication came due (that request bumps the version, so
    every page shows the newly published tool or comparison)."""
    versions = _read()
    if versions is None:
        bump_version()
        return _read()
    due = versions.next_publication_at
    if due is not None and due <= timezone.now():
        _bump("version", only_if_next_publication_is=due)
        return _read()
    return versions


def next_publication_at(now: datetime | None = None) -> datetime | None:
    """The earliest published_at after now of a row scheduled to go live, among the
    models the apps registered (pagecache.invalidation.retire_pages_when_published;
    a comparison may wait for its tools too: any of these moments can change a page)."""
    from pagecache.invalidation import scheduled_publications

    now = now or timezone.now()
    moments = [
        model.objects.filter(scheduled(now))
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
        for model, scheduled in scheduled_publications()
    ]
    return min((moment for moment in moments if moment is not None), default=None)


def _bump(field: str, only_if_next_publication_is: datetime | None = None) -> None:
    now = timezone.now()
    changes = {field: secrets.randbits(62), f"{field.removesuffix('version')}changed_at": now}
    if field == "version":
        changes["next_publication_at"] = next_publication_at(now)
    rows = ContentVersion.objects.filter(pk=1)
    if only_if_next_publication_is is not None:
        # Many requests may find the moment passed at once; one bump is enough.
        rows = rows.filter(next_publication_at=only_if_next_publication_is)
        rows.update(**changes)
        return
    if not rows.update(**changes):
        ContentVersion.objects.update_or_create(pk=1, defaults=changes)


def bump_version() -> None:
    """Retire every cached page; call inside the transaction that changed content."""
    _bump("version")


def bump_votes_version() -> None:
    """Retire the cached pages that show community tallies."""
    _bump("votes_version")
