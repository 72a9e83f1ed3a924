"""Serves cached public pages from near the top of the stack, and fills reader
holes in every HTML response.

A hit costs one query (the content version) and skips URL resolution, sessions
and the view; the headers the lower middleware added (CSP, X-Frame-Options…)
were stored with the page and are replayed. Because the reader's CSRF token is
filled in up here, above CsrfViewMiddleware, this middleware runs that
middleware's own request and response hooks around the fill, so the CSRF
cookie is read and set exactly as Django would.
"""

import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.cache import patch_cache_control, patch_vary_headers

from pagecache.holes import reader_values, split_page
from pagecache.models import current_versions

_NOT_REPLAYED = {"set-cookie", "etag", "content-length"}
# Pages this process fetched from the shared cache, unpickled once. Keys carry
# the content version, so an entry can never be stale, only unused.
_recent = {}
_RECENT_MAX = 256
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")  # as GZipMiddleware reads Accept-Encoding


def _page_key(request, version: int) -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:40]
    return f"page:{version}:{path}"


def _cached(key):
    stored = _recent.get(key)
    if stored is None:
        stored = cache.get(key)
        if stored is not None:
            _remember(key, stored)
    return stored


def _remember(key, stored):
    if len(_recent) >= _RECENT_MAX:
        _recent.clear()
    _recent[key] = stored


def forget_recent_pages():
    _recent.clear()


def _may_use_cache(request) -> bool:
    # A session cookie means a signed-in editor, who may be previewing drafts.
    return request.method in ("GET", "HEAD") and settings.SESSION_COOKIE_NAME not in request.COOKIES


def _is_html(response) -> bool:
    return not response.streaming and response.get("Content-Type", "").startswith("text/html")


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request):
        if not _may_use_cache(request):
            return self._personalise(request, self.get_response(request))
        version, votes_version = current_versions()
        key = _page_key(request, version)
        stored = _cached(key)
        if stored is not None and stored[2] not in (None, votes_version):
            stored = None  # it shows community tallies, and somebody has voted since
        if stored is not None:
            page, headers, _ = stored
            response = HttpResponse()
            for name, value in headers.items():
                response[name] = value
            if isinstance(page, bytes):
                response.content = page
                return response
            self.csrf.process_request(request)
            return self._fill(request, response, page)
        response = self.get_response(request)
        if (
            getattr(response, "shareable_page", False)
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
        ):
            headers = {k: v for k, v in response.items() if k.lower() not in _NOT_REPLAYED}
            page = (
                split_page(response.content.decode(response.charset))
                if _is_html(response)
                else response.content  # JSON, feeds, badges: no holes, served as stored
            )
            entry = (page, headers, votes_version if response.page_uses_votes else None)
            cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
            _remember(key, entry)
            return self._fill(request, response, page) if _is_html(response) else response
        return self._personalise(request, response)

    def _personalise(self, request, response):
        if _is_html(response) and b"<sos-hole" in response.content:
            page = split_page(response.content.decode(response.charset))
            return self._fill(request, response, page)
        return response

    def _fill(self, request, response, page):
        values, personal = reader_values(request, page)
        # Gzipped here rather than by GZipMiddleware (which leaves a response with a
        # Content-Encoding alone): the shared text is deflated once, not per hit.
        packed = None
        if _ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")) and (
            response.charset.lower() == "utf-8"
        ):
            packed = page.gzipped(values)
        if packed is not None:
            response.content = packed
            response["Content-Encoding"] = "gzip"
        else:
            response.content = page.render(values).encode(response.charset)
        response["Content-Length"] = str(len(response.content))
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            response["ETag"] = f'W/"{page.digest}{hash_of(personal)}"'
        # Per-reader bits inside: browsers may keep the page but must revalidate.
        # (Set directly when absent: the patch helpers parse headers, and this runs
        # on every cached hit.)
        if response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_cache=True)
        else:
            response["Cache-Control"] = "private, no-cache"
        if response.has_header("Vary"):
            patch_vary_headers(response, ["Cookie", "Accept-Encoding"])
        else:
            response["Vary"] = "Cookie, Accept-Encoding"
        if _csrf_cookie_current(request):
            return response  # the browser already holds the secret its tokens are masked from
        return self.csrf.process_response(request, response)


def _csrf_cookie_current(request) -> bool:
    secret = request.META.get("CSRF_COOKIE")
    return secret is not None and request.COOKIES.get(settings.CSRF_COOKIE_NAME) == secret


def hash_of(personal: str) -> str:
    return hashlib.sha256(personal.encode()).hexdigest()[:8] if personal else ""
