"""The content and votes versions: numbers that change whenever a public page could.

Cached pages are stored under the current content version, so bumping it (any
editor's save) retires them all at once on every app server, whatever cache
backend each one uses. Votes bump only the votes version, which retires just
the pages that show community tallies. The numbers are random rather than
counted: restoring a backup brings back old numbers together with the old
content they were cached for, never numbers that cached pages of some other
content already used.
"""

import secrets

from django.db import connection, models


class ContentVersion(models.Model):
    version = models.PositiveBigIntegerField(default=1)
    votes_version = models.PositiveBigIntegerField(default=1)

    def __str__(self):
        return f"content version {self.version}, votes version {self.votes_version}"


def current_versions() -> tuple[int, int]:
    # Read on every page request: plain SQL, a tenth of the ORM's cost.
    with connection.cursor() as cursor:
        table = ContentVersion._meta.db_table
        cursor.execute(f"SELECT version, votes_version FROM {table} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
    return (row[0], row[1]) if row else (0, 0)


def _bump(field: str) -> None:
    value = secrets.randbits(62)
    if not ContentVersion.objects.filter(pk=1).update(**{field: value}):
        ContentVersion.objects.update_or_create(pk=1, defaults={field: value})


def bump_version() -> None:
    _bump("version")


def bump_votes_version() -> None:
    _bump("votes_version")
