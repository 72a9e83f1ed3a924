"""Every GET URL pattern of the site, read from the URL resolver with seed slugs:
the same bytes for every anonymous reader, no cookie, a Content-Length, HEAD
identical to GET minus the body, and a disallowed Host refused, cached or not."""

import gzip
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from newsletter import tokens
from tests.factories import make_subscriber

_PARAM = re.compile(r"<(?:\w+:)?(\w+)>")
# The seed slug each URL parameter takes, by the route's first segment.
_SLUGS = {
    "tools": "smolvm",
    "badges": "smolvm",
    "categories": "developer-tools",
    "reviewers": "builder",
    "compare": "claude-4-api-tool-use-streaming-prompt-caching-vs-smolvm",
    "llms": "tools",
}
# Routes with parameters of other kinds, by the route's first segment and the name.
_VALUES = {
    ("sitemaps", "section"): "tools",
    ("sitemaps", "page"): "1",
    ("newsletter", "slug"): "smolvm",  # "Email me when this verdict changes"
}


def _routes(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # staff pages: token CSRF, never cached, tested in tests/verdicts
            yield from _routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and not str(entry.pattern).startswith("admin/"):
            yield prefix + str(entry.pattern)


ROUTES = sorted(set(_routes(get_resolver().url_patterns)))


def _sent_issue():
    from django.utils import timezone

    from newsletter.models import Issue

    now = timezone.now()
    return Issue.objects.create(
        iso_year=2026,
        iso_week=48,
        subject="Weekly AI Tool Verdicts — week 48, 2026",
        period_since=now,
        period_until=now,
        html_body="<!--archive:start--><p>The week's verdicts.</p><!--archive:end-->",
        text_body="The week's verdicts.",
        sent_at=now,
    )


def _url(route: str) -> str:
    def value(match):
        name = match.group(1)
        if name == "token":
            subscriber = make_subscriber(email="reader@example.com", status="pending")
            if route.startswith("newsletter/confirm"):
                return tokens.confirm_token(subscriber)
            if route.startswith("newsletter/manage"):
                return tokens.manage_token(subscriber, timezone.now())
            return tokens.unsubscribe_token(subscriber)
        if name == "number":
            return str(_sent_issue().pk)
        if name == "esp":
            return "postmark"  # the email service's webhook: POST only
        first = route.split("/")[0]
        return _VALUES.get((first, name)) or _SLUGS[first]

    return "/" + _PARAM.sub(value, route)


def test_the_resolver_walk_finds_every_public_page():
    # Guards against the parametrised tests below silently collecting nothing.
    assert len(ROUTES) >= 20
    assert {"", "tools/<slug:slug>/", "compare/<slug:pair>/", "sitemap.xml"} <= set(ROUTES)


READERS = [
    {},
    {"Cookie": "sos_visitor=someone-signed; csrftoken=stale0123456789abcdef0123456789ab"},
]


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES)
def test_every_reader_gets_the_same_bytes_and_no_cookie(seeded, route):
    url = _url(route)
    for accept in ("identity", "gzip"):
        answers = []
        for headers in READERS * 2:  # rendered, then cached
            response = Client(headers={**headers, "Accept-Encoding": accept}).get(url)
            assert response.status_code < 500, url
            assert not response.cookies and "Set-Cookie" not in response.headers, url
            if not response.streaming:
                assert int(response["Content-Length"]) == len(response.content), url
            body = response.content
            if (
                response.get("Content-Encoding") == "gzip"
                and "private" in response["Cache-Control"]
            ):
                # GZipMiddleware pads each private answer with random bytes (BREACH).
                body = gzip.decompress(body)
            answers.append((response.status_code, body))
        assert len(set(answers)) == 1, url


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES)
def test_head_is_get_without_the_body(seeded, route):
    url = _url(route)
    for accept in ("identity", "gzip", "identity", "gzip"):  # rendered, then cached
        got = Client().get(url, headers={"Accept-Encoding": accept})
        head = Client().head(url, headers={"Accept-Encoding": accept})
        assert head.status_code == got.status_code, url
        assert head.content == b"", url
        ignored = {"X-Request-ID", "Date", "Expires"}
        if accept == "gzip" and "private" in got["Cache-Control"]:
            ignored.add("Content-Length")  # random BREACH padding in each private answer
            assert head.has_header("Content-Length"), url
        assert {k: v for k, v in head.items() if k not in ignored} == {
            k: v for k, v in got.items() if k not in ignored
        }, url


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES)
def test_a_disallowed_host_is_400_cached_or_not(seeded, settings, route):
    settings.ALLOWED_HOSTS = ["testserver"]
    url = _url(route)
    client = Client(raise_request_exception=False)
    for _ in range(2):  # before and after a reader's visit fills the cache
        response = client.get(url, HTTP_HOST="evil.example")
        assert response.status_code == 400, url
        assert "Cache-Control" not in response or "public" not in response["Cache-Control"]
        client.get(url)


@pytest.mark.django_db
def test_the_public_pages_among_them_are_actually_served(seeded):
    public = [
        route for route in ROUTES if not route.startswith(("newsletter/", "tools/<slug:slug>/vote"))
    ]
    for route in public:
        response = Client().get(_url(route))
        assert response.status_code == 200, route
        assert response["Cache-Control"].startswith("public"), route
