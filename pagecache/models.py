"""The content version: one number that changes whenever a public page could.

Cached pages are stored under the current version, so bumping it retires them
all at once on every app server, whatever cache backend each one uses. The
number is random rather than counted: restoring a backup brings back an old
number together with the old content it was cached for, never a number that
cached pages of some other content already used.
"""

import secrets

from django.db import connection, models


class ContentVersion(models.Model):
    version = models.PositiveBigIntegerField(default=1)

    def __str__(self):
        return f"content version {self.version}"


def current_version() -> int:
    # Read on every page request: plain SQL, a tenth of the ORM's cost.
    with connection.cursor() as cursor:
        table = ContentVersion._meta.db_table
        cursor.execute(f"SELECT version FROM {table} WHERE id = 1")  # noqa: S608 - our table
        row = cursor.fetchone()
    return row[0] if row else 0


def bump_version() -> None:
    version = secrets.randbits(62)
    if not ContentVersion.objects.filter(pk=1).update(version=version):
        ContentVersion.objects.update_or_create(pk=1, defaults={"version": version})
