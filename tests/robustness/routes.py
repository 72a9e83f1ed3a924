"""Every URL pattern of the site, read from the resolver (Django's admin aside),
so a page added later is tested without anyone remembering to list it."""

import re

from django.urls import URLPattern, URLResolver, get_resolver

PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def _routes(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # Django's own admin, tested by its maintainers and ours elsewhere
            yield from _routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def all_routes() -> list[str]:
    """Each pattern as written, e.g. "tools/<slug:slug>/vote/", sorted."""
    return sorted(set(_routes(get_resolver().url_patterns)))


def fill(route: str, values) -> str:
    """The route's path with its parameters replaced, in order, by `values`."""
    values = iter(values)
    path = PARAM.sub(lambda m: next(values), route.replace("^", "").replace("$", ""))
    return "/" + path
