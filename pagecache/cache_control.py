"""The Cache-Control contract with the HTTP caches in front (nginx, a CDN).

Public pages (pagecache.decorators.cached_page) answer
`public, max-age=PAGE_BROWSER_MAX_AGE, s-maxage=PAGE_SHARED_MAX_AGE,
stale-while-revalidate=PAGE_STALE_SECONDS`, both ages capped at the seconds
left until the next scheduled publication. Everything else (form answers,
newsletter links, error pages, previews) is `private, no-store` unless the
view said otherwise, and no response that sets a cookie is ever public.
"""

from django.conf import settings
from django.utils.cache import get_max_age, patch_cache_control

PRIVATE = "private, no-store"


def mark_private(response):
    """Never stored by a shared cache nor kept by the browser."""
    response["Cache-Control"] = PRIVATE
    return response


def mark_public(response, seconds_left: int | None = None):
    """Shareable for the configured ages, never past `seconds_left` (when the next
    scheduled publication changes what the page shows). A max-age the view set
    itself (the badge's hour) is kept, capped the same way."""
    browser = get_max_age(response)
    if browser is None:
        browser = settings.PAGE_BROWSER_MAX_AGE
    shared = settings.PAGE_SHARED_MAX_AGE
    if seconds_left is not None:
        browser, shared = min(browser, seconds_left), min(shared, seconds_left)
    if response.has_header("Cache-Control"):
        del response["Cache-Control"]
    patch_cache_control(
        response,
        public=True,
        max_age=browser,
        s_maxage=shared,
        stale_while_revalidate=settings.PAGE_STALE_SECONDS,
    )
    return response


class PrivateByDefaultMiddleware:
    """`private, no-store` on every response that says nothing about caching, and
    on any response that sets a cookie: a shared cache must never hand one
    reader's cookie to another."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control") or response.cookies:
            mark_private(response)
        return response
