"""CachedPageMiddleware: a stored public page served before the session stack.

A page-cache hit needs none of what sits below this middleware in MIDDLEWARE
(sessions, CSRF, authentication, messages, django-axes, URL dispatch to the
view): for an anonymous GET or HEAD of a URL whose view is decorated with
`cached_page`, it looks up the stored answer exactly as the decorator would
(pagecache.store: same key, same versions row, read once) and returns it.
Anything else, and every miss, passes through to the decorator, which renders
and stores the page.

What the skipped middleware would have done for a hit, it does itself:
CommonMiddleware's Host check (a disallowed Host is still 400, from the same
DisallowedHost) and Content-Length. It sits below GZipMiddleware,
ConditionalGetMiddleware (304s) and PrivateByDefaultMiddleware, which treat a
hit from here as they treat one from the view.
"""

from functools import lru_cache

from django.urls import Resolver404, get_resolver, get_urlconf

from pagecache.store import PageRule, is_anonymous_read, stored_answer


@lru_cache(maxsize=2048)
def _page_rule(urlconf: str | None, path_info: str) -> PageRule | None:
    """The cached_page rule of the view this path resolves to, or None. URL
    patterns never change while the process runs, so the answer is kept; the
    bound keeps a flood of distinct paths from growing it."""
    try:
        match = get_resolver(urlconf).resolve(path_info)
    except Resolver404:
        return None
    rule = getattr(match.func, "page_rule", None)
    # Only when cached_page is the outermost wrapper: functools.wraps copies the
    # attribute onto any decorator around it, whose work a hit here would skip.
    return rule if rule is not None and rule.view is match.func else None


class CachedPageMiddleware:
    """Serve page-cache hits for anonymous readers; pass everything else on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_anonymous_read(request):
            rule = _page_rule(getattr(request, "urlconf", None) or get_urlconf(), request.path_info)
            if rule is not None:
                # CommonMiddleware's check: raises DisallowedHost (400) as it would.
                request.get_host()
                response = stored_answer(request, rule)
                if response is not None:
                    return response
        return self.get_response(request)
