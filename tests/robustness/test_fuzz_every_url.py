"""Hostile input at every URL pattern of the site: never a 500.

The patterns are read from the URL resolver, so a page added later is fuzzed
without anyone remembering to list it. Hypothesis throws random and hostile
slugs, query strings, form bodies and methods at each, with and without CSRF
checks; the answer must always be a page or a sensible 4xx.
"""

import re
import string

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SEED_SLUGS = [
    "claude-4-api-tool-use-streaming-prompt-caching",
    "smolvm",
    "smollm3",
    "builder",
    "developer-tools",
    "claude-4-api-tool-use-streaming-prompt-caching-vs-smolvm",
    "smolvm-vs-claude-4-api-tool-use-streaming-prompt-caching",
]
HOSTILE = [
    "",
    "'",
    '"><script>alert(1)</script>',
    "' OR 1=1 --",
    "%00",
    "\x00",
    "../../etc/passwd",
    "-vs-",
    "a-vs-" * 60,
    "x" * 5000,
    "😀",
    "Ω≈ç√∫",
    "%E0%A4%A",
    "null",
    "-1",
    "99999999999999999999",
    "javascript:alert(1)",
]


def _routes(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # Django's own admin, tested by its maintainers and ours elsewhere
            yield from _routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


ROUTES = sorted(set(_routes(get_resolver().url_patterns)))
_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")

segment = st.one_of(
    st.sampled_from(SEED_SLUGS),
    st.sampled_from(HOSTILE),
    st.text(alphabet=string.ascii_lowercase + string.digits + "-_", max_size=80),
    st.text(max_size=40),
)
query_value = st.one_of(st.sampled_from(HOSTILE + SEED_SLUGS), st.text(max_size=200))
query = st.dictionaries(
    st.sampled_from(
        ["q", "tools", "a", "b", "sort", "category", "tier", "verdict", "page", "next"]
    ),
    query_value,
    max_size=4,
)
form = st.dictionaries(
    st.sampled_from(
        ["verdict", "email", "website", "next", "csrfmiddlewaretoken", "List-Unsubscribe"]
    ),
    st.one_of(
        st.sampled_from(["ship", "skip", "a@example.com", "One-Click", *HOSTILE]),
        st.text(max_size=300),
    ),
    max_size=4,
)
method = st.sampled_from(["get", "head", "post", "put", "patch", "delete", "options"])


def _fill(route: str, values) -> str:
    values = iter(values)
    path = _PARAM.sub(lambda m: next(values), route.replace("^", "").replace("$", ""))
    return "/" + path


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES)
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), verb=method, params=query, body=form, csrf=st.booleans())
def test_no_url_pattern_answers_500(seeded, route, data, verb, params, body, csrf):
    count = len(_PARAM.findall(route))
    path = _fill(route, data.draw(st.lists(segment, min_size=count, max_size=count)))
    client = Client(enforce_csrf_checks=csrf, raise_request_exception=False)
    if verb in ("get", "head", "options", "delete"):
        response = getattr(client, verb)(path, params)
    else:
        response = getattr(client, verb)(path, body)
    assert response.status_code < 500, (verb, path, params, body, response.status_code)
    if 400 <= response.status_code < 500 and verb not in ("head", "options"):
        assert response.content.strip() or response.status_code == 405, (verb, path)


def test_every_route_is_fuzzed():
    # A guard against the resolver walk silently finding nothing.
    assert {"compare/<slug:pair>/", "tools/<slug:slug>/vote/", "newsletter/subscribe/"} <= set(
        ROUTES
    )


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES)
def test_every_hostile_value_in_every_slot_of_every_route(seeded, route):
    """The deterministic half: each listed hostile value, in each slot, by GET and POST."""
    client = Client(raise_request_exception=False)
    count = len(_PARAM.findall(route))
    for value in HOSTILE + SEED_SLUGS:
        path = _fill(route, [value] * count)
        for response in (
            client.get(path, {"q": value, "tools": value, "a": value, "b": value}),
            client.post(path, {"verdict": value, "email": value, "next": value}),
        ):
            assert response.status_code < 500, (path, value, response.status_code)
