"""Stored public answers: their cache key, their format and how a hit is replayed.

One stored answer is `(body, headers)`: the bytes as sent (already gzipped for
the gzip variant) and a tuple of (name, value) header pairs, Vary included. No
HttpResponse is pickled, and a hit rebuilds one from these in a few
microseconds. Both the view decorator (pagecache.decorators.cached_page) and
the early middleware (pagecache.middleware.CachedPageMiddleware) read and
write through here, so they share one key and one versions check.

A key holds the content version (and the votes version for pages with
community tallies), gzip-or-identity, and a hash of the path with only the
query parameters the view declares it reads.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.utils import timezone
from django.utils.http import http_date

from pagecache.cache_control import mark_public
from pagecache.models import Versions, current_versions

# Per-response headers a stored page never replays: the lower stack and the
# servers in front add their own.
_NOT_STORED = {"set-cookie", "content-length", "date", "expires"}
# Bumped whenever the stored format changes, so a new release never misreads
# what an old one left in a shared cache.
_FORMAT = "page2"


@dataclass(frozen=True)
class PageRule:
    """How one decorated view is cached: whether any vote retires it, which
    query parameters it reads (all others are dropped from the key), and the
    decorated view itself (so the early middleware serves only views whose
    outermost wrapper is cached_page)."""

    uses_votes: bool
    query: tuple[str, ...]
    view: object


def accepted_encoding(request) -> str:
    """The variant a request gets, "gzip" or "identity": Accept-Encoding read
    exactly as GZipMiddleware reads it."""
    accepts = re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", ""))
    return "gzip" if accepts else "identity"


def is_anonymous_read(request) -> bool:
    """GET or HEAD without the session cookie: a signed-in editor may be
    previewing drafts, so a session cookie means a personal page."""
    return request.method in ("GET", "HEAD") and settings.SESSION_COOKIE_NAME not in request.COOKIES


def versions_for(request) -> Versions:
    """The versions row, read once per request (the middleware and the decorator
    both ask on a miss)."""
    versions = getattr(request, "_page_versions", None)
    if versions is None:
        versions = request._page_versions = current_versions()
    return versions


def page_key(request, versions: Versions, uses_votes: bool, query: tuple[str, ...]) -> str:
    """The cache key of this request's page: versions, encoding, path and the
    declared query parameters (sorted by name, each with all its values in order)."""
    params = [(name, request.GET.getlist(name)) for name in sorted(query) if name in request.GET]
    address = repr((request.path, params)).encode("utf-8", "surrogatepass")
    votes = versions.votes_version if uses_votes else "-"
    digest = hashlib.sha256(address).hexdigest()[:40]
    return f"{_FORMAT}:{versions.version}:{votes}:{accepted_encoding(request)}:{digest}"


def seconds_left(versions: Versions) -> int | None:
    """Whole seconds (at least 1) until the next scheduled publication, or None."""
    left = versions.seconds_until_publication(timezone.now())
    return None if left is None else max(int(left), 1)


def stored_answer(request, rule: PageRule) -> HttpResponse | None:
    """The stored answer to this anonymous read, ready to send (public
    Cache-Control, Content-Length), or None when nothing is stored for it."""
    versions = versions_for(request)
    key = page_key(request, versions, rule.uses_votes, rule.query)
    if getattr(request, "_page_missed", None) == key:
        return None  # the early middleware asked already: a miss costs one lookup
    stored = caches["default"].get(key)
    if stored is None:
        request._page_missed = key
        return None
    body, headers = stored
    response = HttpResponse(body)
    # Content-Type and the rest come from the stored page, not HttpResponse's default.
    for name, value in headers:
        response[name] = value
    response["Content-Length"] = str(len(body))
    return mark_public(response, seconds_left(versions))


def store(request, rule: PageRule, response) -> None:
    """Keep a rendered 200 answer (its Vary already set) under this request's key,
    with a strong ETag of its bytes and Last-Modified of the content it shows, for
    PAGE_CACHE_SECONDS or until the next scheduled publication if sooner."""
    versions = versions_for(request)
    changed = versions.changed_at
    if rule.uses_votes:
        changed = max(changed, versions.votes_changed_at)
    response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
    response["Last-Modified"] = http_date(changed.timestamp())
    headers = tuple((k, v) for k, v in response.items() if k.lower() not in _NOT_STORED)
    timeout = settings.PAGE_CACHE_SECONDS
    left = seconds_left(versions)
    if left is not None:
        timeout = min(timeout, left)
    key = page_key(request, versions, rule.uses_votes, rule.query)
    caches["default"].set(key, (response.content, headers), timeout)
