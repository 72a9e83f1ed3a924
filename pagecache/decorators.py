"""Whole-page caching for public pages, shared by every reader.

A page is cached under (content version, full path), with its reader holes
still open; ReaderHolesMiddleware fills them for each reader on the way out.
Staff and signed-in users bypass the cache: they may be previewing drafts.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

from pagecache.models import current_version

_KEPT_HEADERS = ("Content-Type", "Content-Language")


def _page_key(request, version: int) -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:40]
    return f"page:{version}:{path}"


def _signed_in(request) -> bool:
    # Only looks at the session when the browser sent a session cookie.
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    return request.user.is_authenticated


def cached_page(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or _signed_in(request):
            return view(request, *args, **kwargs)
        key = _page_key(request, current_version())
        stored = cache.get(key)
        if stored is not None:
            content, headers = stored
            response = HttpResponse(content)
            for name, value in headers.items():
                response[name] = value
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            headers = {h: response[h] for h in _KEPT_HEADERS if response.has_header(h)}
            cache.set(key, (response.content, headers), settings.PAGE_CACHE_SECONDS)
        return response

    return wrapper
