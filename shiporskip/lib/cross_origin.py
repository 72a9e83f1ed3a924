"""Cross-site request protection for readers' forms, without per-reader tokens.

Vote, subscribe, confirm and unsubscribe are posted from public pages that are
the same bytes for everyone (and so carry no CSRF token). They are protected as
Go 1.25's http.CrossOriginProtection does, from what browsers say about where
a request comes from:

- safe methods (GET, HEAD, OPTIONS) always pass;
- `Sec-Fetch-Site: same-origin` or `none` (typed, bookmarked) passes;
  `cross-site` or `same-site` is refused unless its Origin is trusted;
- without Sec-Fetch-Site (older browsers), an `Origin` that is neither this
  site's own origin nor in CSRF_TRUSTED_ORIGINS is refused;
- with neither header the client is not a browser acting for a reader (curl,
  a mail provider's RFC 8058 one-click unsubscribe): it passes, and rate limits
  bound what it can do.

Everything staff touch keeps Django's token CSRF (CsrfViewMiddleware).
"""

from functools import wraps

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.http import is_same_domain
from django.views.decorators.csrf import csrf_exempt

from shiporskip.lib.http import wants_json

REFUSED = (
    "This form was sent from another site, so we did not act on it. "
    "Open the page on our site and send it from there."
)
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


def _trusted(origin: str) -> bool:
    for trusted in settings.CSRF_TRUSTED_ORIGINS:
        if "*" in trusted:  # Django's form: https://*.example.com
            scheme, _, host = trusted.partition("://")
            given_scheme, _, given_host = origin.partition("://")
            if scheme == given_scheme and is_same_domain(given_host, host.lstrip("*")):
                return True
        elif origin == trusted:
            return True
    return False


def _own_origin(request) -> str:
    # get_host() refuses a Host outside ALLOWED_HOSTS (400) before we compare.
    return f"{request.scheme}://{request.get_host()}"


def is_cross_origin(request) -> bool:
    """True when a browser sent this unsafe request on behalf of another site."""
    if request.method in _SAFE_METHODS:
        return False
    origin = request.headers.get("Origin")
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        if fetch_site in ("same-origin", "none"):
            return False
        return not (origin and _trusted(origin))
    if not origin:
        return False
    return origin != _own_origin(request) and not _trusted(origin)


def cross_origin_refused(request):
    """403 with a sentence, as a page or (for scripts) as JSON."""
    if wants_json(request):
        return JsonResponse({"error": REFUSED}, status=403)
    return render(request, "403_csrf.html", {"message": REFUSED}, status=403)


def leave_csrf_cookie_alone(request) -> None:
    """Keep CsrfViewMiddleware from renewing a reader's malformed csrftoken cookie
    on this response. Readers' pages carry no token, so they have no use for the
    cookie, and a Set-Cookie would make the page personal (and uncacheable)."""
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = False


def cross_origin_protected(view):
    """Exempt a reader's form view from token CSRF and refuse cross-site posts to it."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if is_cross_origin(request):
            return cross_origin_refused(request)
        response = view(request, *args, **kwargs)
        leave_csrf_cookie_alone(request)
        return response

    return csrf_exempt(wrapper)
