"""Links: absolute ones for what leaves the site (emails, feeds, JSON, canonical
tags), and slug paths cheap enough for a list of dozens of tools."""

import functools
import re

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

SLUG_PLACEHOLDER = "-slug-"
# What a <slug:…> path converter accepts: such a slug goes into a path unquoted.
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


def absolute_url(path: str) -> str:
    """SITE_URL + path (a path from reverse() or get_absolute_url(), "/tools/x/")."""
    return f"{settings.SITE_URL}{path}"


@functools.lru_cache(maxsize=64)
def _slug_route(route: str, urlconf, script_prefix: str) -> tuple[str, str]:
    head, _, tail = reverse(route, urlconf=urlconf, args=[SLUG_PLACEHOLDER]).partition(
        SLUG_PLACEHOLDER
    )
    return head, tail


def slug_route(route: str) -> tuple[str, str]:
    """The path of `route`, a URL pattern of one <slug:…> argument, split around it:
    ("/tools/", "/") for "verdicts:tool". Reversed once per route, URLconf and
    script prefix: a list joins strings instead of calling reverse() per row (about
    35 µs each, a tenth of a search page of 10 hits; bench/SEARCH.md).
    Raises NoReverseMatch for an unknown route."""
    return _slug_route(route, get_urlconf(), get_script_prefix())


def slug_path(route: str, slug: str) -> str:
    """reverse(route, args=[slug]) for a route of one <slug:…> argument
    ("/tools/claude/"), by slug_route. A slug the converter would refuse goes
    through reverse() and raises NoReverseMatch as it would."""
    if not _SLUG.fullmatch(slug):
        return reverse(route, args=[slug])
    head, tail = slug_route(route)
    return f"{head}{slug}{tail}"
