"""Which HTTP methods each view answers, and the 405 every other method gets.

Every view of ours is wrapped in `allow_methods(...)`, built on Django's
`require_http_methods`: a method the URL does not take (OPTIONS, TRACE, PUT,
PATCH, DELETE, or POST on a page) answers 405 with an `Allow` header listing
what it takes and a one-line text body saying so. HEAD is listed beside GET
everywhere, so it answers exactly as GET does; the server drops the body.

The method is checked before CSRF: a PUT to a page is "not allowed" (405), not
"forbidden" (403) because it carried no token. So the wrapper is exempt from
CsrfViewMiddleware and runs Django's own `csrf_protect` itself, after the
method check, for the unsafe methods a view does take, unless the view was
marked `csrf_exempt` before being wrapped (put `allow_methods` outermost).
"""

from functools import wraps

from django.http import HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from shiporskip.lib.cross_origin import leave_csrf_cookie_alone

# Methods CsrfViewMiddleware never checks (RFC 9110's safe methods).
_SAFE = {"GET", "HEAD", "OPTIONS", "TRACE"}


def allow_methods(*methods: str, hint: str = ""):
    """Decorator: the view answers only `methods` (e.g. "GET", "HEAD", "POST");
    any other method gets 405 with `Allow: GET, HEAD, POST` and a text/plain body,
    followed by `hint` when given (a sentence telling a person what to do instead).
    The view must be a callable taking (request, *args, **kwargs)."""
    allowed = [method.upper() for method in methods]
    takes_unsafe = bool(set(allowed) - _SAFE)

    def decorate(view):
        checked = view
        if takes_unsafe and not getattr(view, "csrf_exempt", False):
            checked = csrf_protect(view)
        guarded = require_http_methods(allowed)(checked)

        @wraps(view)
        def wrapper(request, *args, **kwargs):
            response = guarded(request, *args, **kwargs)
            if isinstance(response, HttpResponseNotAllowed) and not response.content:
                return _not_allowed(request, allowed, hint)
            return response

        # CSRF is checked inside, after the method (see the module docstring).
        wrapper.csrf_exempt = True
        return wrapper

    return decorate


def _not_allowed(request, allowed: list[str], hint: str) -> HttpResponseNotAllowed:
    # A refusal is the same for every reader: it never renews a csrftoken cookie.
    leave_csrf_cookie_alone(request)
    # HEAD answers exactly as GET would, Content-Length included.
    method = "GET" if request.method == "HEAD" else request.method
    text = f"{method} is not allowed here; this address answers {', '.join(allowed)}."
    if hint:
        text = f"{text} {hint}"
    return HttpResponseNotAllowed(allowed, text + "\n", content_type="text/plain; charset=utf-8")
