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
def _route_parts(route: str, placeholder: str, urlconf, script_prefix: str) -> tuple[str, str]:
    head, _, tail = reverse(route, urlconf=urlconf, args=[placeholder]).partition(placeholder)
    return head, tail


def slug_route(route: str, placeholder: str = SLUG_PLACEHOLDER) -> tuple[str, str]:
    """The path of `route`, a URL pattern of one argument, split around it:
    ("/tools/", "/") for "verdicts:tool". `placeholder` must suit the argument's
    converter ("999999999" for an <int:…>). Reversed once per route, URLconf and
    script prefix: a list joins strings instead of calling reverse() per row (about
    35 µs each, a tenth of a search page of 10 hits; bench/SEARCH.md).
    Raises NoReverseMatch for an unknown route."""
    return _route_parts(route, placeholder, get_urlconf(), get_script_prefix())


def absolute_route(route: str, placeholder: str = SLUG_PLACEHOLDER) -> tuple[str, str]:
    """slug_route() with SITE_URL before the path: ("https://site/tools/", "/"), for
    files of one line per row (sitemaps, llms.txt sections)."""
    head, tail = slug_route(route, placeholder)
    return absolute_url(head), tail


def slug_path(route: str, slug: str) -> str:
    """reverse(route, args=[slug]) for a route of one <slug:…> argument
    ("/tools/claude/"), by slug_route. A slug the converter would refuse goes
    through reverse() and raises NoReverseMatch as it would."""
    if not _SLUG.fullmatch(slug):
        return reverse(route, args=[slug])
    head, tail = slug_route(route)
    return f"{head}{slug}{tail}"
