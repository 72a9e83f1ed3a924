"""Every URL pattern answers every method sensibly: HEAD exactly as GET minus the
body, and 405 with an `Allow` header and a short text for the methods it does not
take, even without a CSRF token (the method is checked first)."""

import pytest
from django.test import Client
from django.utils import timezone

from newsletter import tokens
from newsletter.models import Follow, Issue
from tests.factories import make_subscriber
from tests.robustness.routes import all_routes, fill
from verdicts.models import Tool

GET = ("GET", "HEAD")
FORM = ("GET", "HEAD", "POST")
POST = ("POST",)
PAIR = "claude-4-api-tool-use-streaming-prompt-caching-vs-smolvm"
# What each route is called with (seed values, so GET answers 200) and what it takes.
# A route added later fails test_every_route_is_listed until it is given a line here.
ROUTE_TABLE = {
    "": ([], GET),
    "admin/markdown-preview/": ([], POST),
    "badges/<slug:slug>.svg": (["smolvm"], GET),
    "bookmarks/": ([], GET),
    "categories/<slug:slug>/": (["developer-tools"], GET),
    "compare/": ([], GET),
    "compare/<slug:pair>.json": ([PAIR], GET),
    "compare/<slug:pair>/": ([PAIR], GET),
    "feeds/comparisons/": ([], GET),
    "feeds/newsletter/": ([], GET),
    "llms.txt": ([], GET),
    "llms/<slug:section>.txt": (["tools"], GET),
    "methodology/": ([], GET),
    "newsletter/": ([], GET),
    "newsletter/confirm/<str:token>/": (["<confirm>"], FORM),
    "newsletter/esp/<slug:esp>/tracking/": (["postmark"], POST),
    "newsletter/follow/<slug:slug>/": (["smolvm"], FORM),
    "newsletter/follow/confirm/<str:token>/": (["<follow>"], FORM),
    "newsletter/issues/<int:number>/": (["<sent issue>"], GET),
    "newsletter/manage/": ([], FORM),
    "newsletter/manage/<str:token>/": (["<manage>"], FORM),
    "newsletter/subscribe/": ([], FORM),
    "newsletter/unsubscribe/<str:token>/": (["<unsubscribe>"], FORM),
    "newsletter/vote/<str:token>/": (["<vote>"], FORM),
    "reviewers/": ([], GET),
    "reviewers/<slug:slug>/": (["builder"], GET),
    "robots.txt": ([], GET),
    "search/": ([], GET),
    "sitemap.xml": ([], GET),
    "sitemaps/<slug:section>-<int:page>.xml": (["tools", "1"], GET),
    "tools/": ([], GET),
    "tools/<slug:slug>.json": (["smolvm"], GET),
    "tools/<slug:slug>/": (["smolvm"], GET),
    "tools/<slug:slug>/vote/": (["smolvm"], POST),
    "tools/<slug:slug>/vote/withdraw/": (["smolvm"], POST),
}
ALL_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE")
# Different on every response by design; and Django's ConditionalGetMiddleware tags
# only GETs with an ETag (issue 12 replaces our conditional-GET handling).
PER_RESPONSE_HEADERS = {"x-request-id", "etag"}


def test_every_route_is_listed():
    assert sorted(ROUTE_TABLE) == all_routes()


def _sent_issue():
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


def _path(route: str) -> str:
    values, _ = ROUTE_TABLE[route]
    subscriber = make_subscriber(status="pending")
    real = {
        "<confirm>": tokens.confirm_token(subscriber),
        "<unsubscribe>": tokens.unsubscribe_token(subscriber),
        "<manage>": tokens.manage_token(subscriber, timezone.now()),
    }
    if "<follow>" in values:
        tool = Tool.objects.get(slug="smolvm")
        real["<follow>"] = tokens.follow_confirm_token(
            Follow.objects.create(subscriber=subscriber, tool=tool)
        )
    if "<sent issue>" in values:
        real["<sent issue>"] = str(_sent_issue().pk)
    if "<vote>" in values:
        voter = make_subscriber()  # confirmed: the page answers 200
        real["<vote>"] = tokens.vote_token(voter, _sent_issue())
    return fill(route, [real.get(value, value) for value in values])


def _reader() -> Client:
    """An anonymous reader whose unsafe requests go through every CSRF check."""
    return Client(enforce_csrf_checks=True)


@pytest.mark.django_db
@pytest.mark.parametrize("route", [r for r, (_, takes) in ROUTE_TABLE.items() if "GET" in takes])
def test_head_answers_like_get_without_a_body(seeded, route):
    path = _path(route)
    got = _reader().get(path)
    head = _reader().head(path)
    assert got.status_code == 200, (path, got.status_code)
    assert head.status_code == got.status_code
    assert got.content and head.content == b""
    assert head["Content-Length"] == got["Content-Length"] == str(len(got.content))
    same = {k.lower(): v for k, v in got.headers.items() if k.lower() not in PER_RESPONSE_HEADERS}
    assert {
        k.lower(): v for k, v in head.headers.items() if k.lower() not in PER_RESPONSE_HEADERS
    } == same


@pytest.mark.django_db
@pytest.mark.parametrize("route", sorted(ROUTE_TABLE))
def test_other_methods_answer_405_with_allow(seeded, route):
    path = _path(route)
    _, takes = ROUTE_TABLE[route]
    refused = [method for method in ALL_METHODS if method not in takes]
    assert refused
    for method in refused:
        response = _reader().generic(method, path)
        assert response.status_code == 405, (method, path, response.status_code)
        assert response["Allow"] == ", ".join(takes)
        if method != "HEAD":
            text = response.content.decode()
            assert response["Content-Type"] == "text/plain; charset=utf-8"
            assert f"{method} is not allowed here" in text
            assert ", ".join(takes) in text


@pytest.mark.django_db
def test_a_post_only_url_checks_the_method_then_where_the_post_comes_from(seeded):
    # Readers' forms carry no token: a cross-site post is refused (shiporskip/lib/cross_origin.py)
    # after the method check, and the same post from our own pages counts.
    cross_site = {"Sec-Fetch-Site": "cross-site", "Origin": "https://elsewhere.example"}
    response = _reader().post("/tools/smolvm/vote/", {"verdict": "ship"}, headers=cross_site)
    assert response.status_code == 403
    assert _reader().put("/tools/smolvm/vote/", headers=cross_site).status_code == 405
    same_origin = {"Sec-Fetch-Site": "same-origin"}
    response = _reader().post("/tools/smolvm/vote/", {"verdict": "ship"}, headers=same_origin)
    assert response.status_code == 303


@pytest.mark.django_db
def test_a_post_only_url_still_checks_csrf_after_the_method(seeded):
    # Readers' votes carry no token (Fetch Metadata protects them); the admin's
    # Markdown preview is the POST-only URL that keeps Django's token CSRF.
    response = _reader().post("/admin/markdown-preview/", {"text": "*hi*"})
    assert response.status_code == 403
    assert "Your form expired or came from another site" in response.content.decode()
    assert _reader().put("/admin/markdown-preview/").status_code == 405
