"""Hostile input at every URL pattern of the site: never a 500.

The patterns are read from the URL resolver, so a page added later is fuzzed
without anyone remembering to list it. Hypothesis throws random and hostile
slugs, query strings, form bodies and methods at each, with and without CSRF
checks; the answer must always be a page or a sensible 4xx.
"""

import string

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.robustness.routes import PARAM, all_routes, fill

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
# Control, line-break and invisible formatting characters, alone, inside a slug
# and in the header-injection shape editors and bots actually send.
INVISIBLE = ["\x00", "\x0b", "\r\n", "\u200b", "\u202e", "\u2028", "\ufeff"]
HOSTILE += [
    *INVISIBLE,
    *(f"smol{char}vm" for char in INVISIBLE),
    *(f"smolvm{char}" for char in INVISIBLE),
    "Name\r\nBcc: someone@example.net",
    "a@example.com\r\nBcc: someone@example.net",
    "\u202eofni\u200b@example.com",
]
# Every field a reader's or editor's form posts to these URLs.
FORM_FIELDS = [
    "verdict",
    "email",
    "website",
    "next",
    "text",
    "csrfmiddlewaretoken",
    "List-Unsubscribe",
]
METHODS = ["get", "head", "post", "put", "patch", "delete", "options", "trace"]


ROUTES = all_routes()


def _mixed(pieces, max_size):
    """Text made of the given pieces in any order ("\r\n" is one piece)."""
    return st.lists(st.sampled_from(pieces), max_size=max_size).map("".join)


segment = st.one_of(
    st.sampled_from(SEED_SLUGS),
    st.sampled_from(HOSTILE),
    st.text(alphabet=string.ascii_lowercase + string.digits + "-_", max_size=80),
    st.text(max_size=40),
    _mixed([*INVISIBLE, "a", "-", "1"], max_size=20),
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
    st.sampled_from(FORM_FIELDS),
    st.one_of(
        st.sampled_from(["ship", "skip", "a@example.com", "One-Click", *HOSTILE]),
        st.text(max_size=300),
        _mixed([*INVISIBLE, "a", "@", ".", " "], max_size=40),
    ),
    max_size=4,
)
method = st.sampled_from(METHODS)


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES)
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), verb=method, params=query, body=form, csrf=st.booleans())
def test_no_url_pattern_answers_500(seeded, route, data, verb, params, body, csrf):
    count = len(PARAM.findall(route))
    path = fill(route, data.draw(st.lists(segment, min_size=count, max_size=count)))
    client = Client(enforce_csrf_checks=csrf, raise_request_exception=False)
    response = _send(client, verb, path, params, body)
    assert response.status_code < 500, (verb, path, params, body, response.status_code)
    if response.status_code == 405:
        assert response["Allow"], (verb, path)
    if 400 <= response.status_code < 500 and verb != "head":
        assert response.content.strip(), (verb, path, response.status_code)


def _send(client, verb, path, params, body):
    if verb in ("get", "head", "options", "delete", "trace"):
        return getattr(client, verb)(path, params)
    return getattr(client, verb)(path, body)


def test_every_route_is_fuzzed():
    # A guard against the resolver walk silently finding nothing.
    assert {"compare/<slug:pair>/", "tools/<slug:slug>/vote/", "newsletter/subscribe/"} <= set(
        ROUTES
    )


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES)
def test_every_hostile_value_in_every_slot_of_every_route(seeded, route):
    """The deterministic half: each listed hostile value, in each slot, in every query
    parameter and every form field, by every method."""
    client = Client(raise_request_exception=False)
    count = len(PARAM.findall(route))
    for value in HOSTILE + SEED_SLUGS:
        path = fill(route, [value] * count)
        params = {"q": value, "tools": value, "a": value, "b": value}
        body = dict.fromkeys(FORM_FIELDS, value)
        for verb in METHODS:
            response = _send(client, verb, path, params, body)
            assert response.status_code < 500, (verb, path, value, response.status_code)
