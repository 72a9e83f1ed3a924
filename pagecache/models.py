"""The content version: one number that changes whenever a public page could.

Cached pages are stored under the current version, so bumping it retires them
all at once on every app server, whatever cache backend each one uses.
"""

from django.db import models
from django.db.models import F


class ContentVersion(models.Model):
    version = models.PositiveBigIntegerField(default=1)

    def __str__(self):
        return f"content version {self.version}"


def current_version() -> int:
    return ContentVersion.objects.filter(pk=1).values_list("version", flat=True).first() or 0


def bump_version() -> None:
    if not ContentVersion.objects.filter(pk=1).update(version=F("version") + 1):
        ContentVersion.objects.get_or_create(pk=1, defaults={"version": 2})
