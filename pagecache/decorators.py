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
ConditionalGetMiddleware answers 304 from them. The key and the stored format
live in pagecache.store; most hits never reach this decorator, because
pagecache.middleware serves them first from the same store.

Readers with a session cookie (signed-in staff, who may preview drafts) get
the view uncached and `Cache-Control: private, no-store`.
"""

from functools import wraps

from django.contrib.auth.models import AnonymousUser
from django.utils.cache import patch_vary_headers
from django.views.decorators.gzip import gzip_page

from pagecache.cache_control import mark_private, mark_public
from pagecache.store import (
    PageRule,
    is_anonymous_read,
    seconds_left,
    store,
    stored_answer,
    versions_for,
)
from shiporskip.lib.cross_origin import leave_csrf_cookie_alone


def _storable(response) -> bool:
    return response.status_code == 200 and not response.streaming and not response.cookies


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
            if not is_anonymous_read(request):
                return mark_private(view(request, *args, **kwargs))
            # Set before the view runs: request.user from AuthenticationMiddleware
            # would read the session and make SessionMiddleware add Vary: Cookie.
            request.user = AnonymousUser()
            leave_csrf_cookie_alone(request)
            hit = stored_answer(request, rule)
            if hit is not None:
                return hit
            response = compressed(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()  # TemplateResponse (the sitemap): store its bytes
            if not _storable(response):
                return mark_private(response)
            patch_vary_headers(response, ["Accept-Encoding"])
            store(request, rule, response)
            return mark_public(response, seconds_left(versions_for(request)))

        rule = PageRule(uses_votes=uses_votes, query=query, view=wrapper)
        wrapper.page_query = query
        # Read by pagecache.middleware, which serves hits before the session stack.
        wrapper.page_rule = rule
        return wrapper

    return decorate(view) if view is not None else decorate
