"""Absolute links, for what leaves the site: emails, feeds, JSON, canonical tags."""

from django.conf import settings


def absolute_url(path: str) -> str:
    """SITE_URL + path (a path from reverse() or get_absolute_url(), "/tools/x/")."""
    return f"{settings.SITE_URL}{path}"
