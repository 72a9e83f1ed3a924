"""`@cached_page`: a public view's answers to anonymous readers, kept in Django's
cache and marked for any shared HTTP cache in front (nginx, a CDN).

A public page is the same bytes for every anonymous reader: the view runs with
an AnonymousUser (so no session is read and nothing varies on Cookie) and no
template carries a CSRF token or the reader's own votes. The key is the
content version (and the votes version for pages with community tallies), the
path, only the query parameters the view reads (`query=`; anything else is
dropped, so `?x=1…1200` cannot fill the cache) and gzip-or-identity. A stored
variant is compressed once, when rendered (gzip_page under the cache), and
carries a strong ETag of its bytes and a Last-Modified of the content it shows;
ConditionalGetMiddleware answers 304 from them.

Readers with a session cookie (signed-in staff, who may preview drafts) get
the view uncached and `Cache-Control: private, no-store`.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date
from django.views.decorators.gzip import gzip_page

from pagecache.cache_control import mark_private, mark_public
from pagecache.models import Versions, current_versions
from shiporskip.lib.cross_origin import leave_csrf_cookie_alone

# Per-response headers a stored page never replays: the lower stack and the
# servers in front add their own.
_NOT_STORED = {"set-cookie", "content-length", "date", "expires"}


def accepted_encoding(request) -> str:
    """The variant a request gets, "gzip" or "identity": Accept-Encoding read
    exactly as GZipMiddleware reads it."""
    accepts = re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", ""))
    return "gzip" if accepts else "identity"


def page_key(request, versions: Versions, uses_votes: bool, query: tuple[str, ...]) -> str:
    """The cache key of this request's page: versions, encoding, path and the
    declared query parameters (sorted by name, each with all its values in order)."""
    params = [(name, request.GET.getlist(name)) for name in sorted(query) if name in request.GET]
    address = repr((request.path, params)).encode("utf-8", "surrogatepass")
    votes = versions.votes_version if uses_votes else "-"
    digest = hashlib.sha256(address).hexdigest()[:40]
    return f"page:{versions.version}:{votes}:{accepted_encoding(request)}:{digest}"


def _is_anonymous_read(request) -> bool:
    # A session cookie means a signed-in editor, who may be previewing drafts.
    return request.method in ("GET", "HEAD") and settings.SESSION_COOKIE_NAME not in request.COOKIES


def _storable(response) -> bool:
    return response.status_code == 200 and not response.streaming and not response.cookies


def _last_modified(versions: Versions, uses_votes: bool):
    changed = versions.changed_at
    if uses_votes:
        changed = max(changed, versions.votes_changed_at)
    return changed


def _seconds_left(versions: Versions) -> int | None:
    left = versions.seconds_until_publication(timezone.now())
    return None if left is None else max(int(left), 1)


def _store(response, key: str, timeout: int, last_modified) -> None:
    response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
    response["Last-Modified"] = http_date(last_modified.timestamp())
    headers = {k: v for k, v in response.items() if k.lower() not in _NOT_STORED}
    caches["default"].set(key, (response.content, headers), timeout)


def _replay(stored) -> HttpResponse:
    content, headers = stored
    response = HttpResponse(content)
    # Content-Type and the rest come from the stored page, not HttpResponse's default.
    for name, value in headers.items():
        response[name] = value
    return response


def cached_page(view=None, *, uses_votes=True, query=()):
    """Cache a public GET view for anonymous readers.

    uses_votes: the page shows community tallies, so any vote retires it.
    query: the names of the query parameters the view reads; others are
    dropped from the cache key (the view ignores them anyway).
    """
    query = tuple(query)

    def decorate(view):
        compressed = gzip_page(view)

        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _is_anonymous_read(request):
                return mark_private(view(request, *args, **kwargs))
            # Set before the view runs: request.user from AuthenticationMiddleware
            # would read the session and make SessionMiddleware add Vary: Cookie.
            request.user = AnonymousUser()
            leave_csrf_cookie_alone(request)
            versions = current_versions()
            key = page_key(request, versions, uses_votes, query)
            left = _seconds_left(versions)
            stored = caches["default"].get(key)
            if stored is not None:
                response = _replay(stored)
            else:
                response = compressed(request, *args, **kwargs)
                if hasattr(response, "render") and not response.is_rendered:
                    response.render()  # TemplateResponse (the sitemap): store its bytes
                if not _storable(response):
                    return mark_private(response)
                timeout = settings.PAGE_CACHE_SECONDS
                if left is not None:
                    timeout = min(timeout, left)
                _store(response, key, timeout, _last_modified(versions, uses_votes))
            patch_vary_headers(response, ["Accept-Encoding"])
            return mark_public(response, left)

        wrapper.page_query = query
        return wrapper

    return decorate(view) if view is not None else decorate
