"""CachedPageMiddleware serves stored pages before the session stack: the same
bytes and headers the decorator would send, never to staff, never past the
Host check, and HEAD answers as GET does."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from comparisons.models import Comparison
from verdicts.models import Tool

COMPARE = "/compare/claude-4-api-tool-use-streaming-prompt-caching-vs-smolvm/"
EARLY = "pagecache.middleware.CachedPageMiddleware"
# Set per response by the layers above the cache, never part of a stored page.
_PER_RESPONSE = {"Date", "X-Request-ID"}


def _headers(response) -> dict:
    return {k: v for k, v in response.headers.items() if k not in _PER_RESPONSE}


def _served_early(response) -> bool:
    # SessionMiddleware, below the early middleware, gives every request it sees a session.
    return not hasattr(response.wsgi_request, "session")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [COMPARE, "/", "/tools/smolvm/", "/tools/smolvm.json", "/badges/smolvm.svg", "/sitemap.xml"],
)
@pytest.mark.parametrize("encoding", ["identity", "gzip"])
def test_a_hit_it_serves_is_byte_identical_to_the_decorators(seeded, settings, url, encoding):
    reader = {"Accept-Encoding": encoding}
    rendered = Client(headers=reader).get(url)
    assert rendered.status_code == 200 and not _served_early(rendered)
    early = Client(headers=reader).get(url)
    assert _served_early(early)
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if name != EARLY]
    from_view = Client(headers=reader).get(url)
    assert not _served_early(from_view)
    assert early.status_code == from_view.status_code == 200
    assert early.content == from_view.content == rendered.content
    assert _headers(early) == _headers(from_view) == _headers(rendered)
    assert int(early["Content-Length"]) == len(early.content)
    assert "Set-Cookie" not in early.headers and not early.cookies


@pytest.mark.django_db
def test_a_hit_costs_the_versions_query_only(seeded, django_assert_num_queries):
    Client().get(COMPARE)
    with django_assert_num_queries(1):
        assert _served_early(Client().get(COMPARE))


@pytest.mark.django_db
def test_staff_bypass_it_and_see_their_drafts(seeded):
    Client().get(COMPARE)  # stored for readers
    comparison = Comparison.objects.get(tool_b__slug="smolvm")
    comparison.intro = "Secret draft intro"
    comparison.is_published = False
    comparison.save()
    Client().get(COMPARE)  # stored again, without the draft
    staff = Client()
    staff.force_login(User.objects.create_user("editor", is_staff=True))
    page = staff.get(COMPARE)
    assert not _served_early(page)
    assert "Secret draft intro" in page.content.decode()
    assert page["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_a_disallowed_host_is_still_refused_on_a_stored_page(seeded, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    assert Client().get(COMPARE).status_code == 200
    assert _served_early(Client().get(COMPARE))
    refused = Client(headers={"Host": "evil.example"}).get(COMPARE)
    assert refused.status_code == 400
    assert b"smolvm" not in refused.content.lower()


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["identity", "gzip"])
def test_head_answers_what_get_does_without_the_body(seeded, encoding):
    reader = {"Accept-Encoding": encoding}
    Client(headers=reader).get(COMPARE)
    got = Client(headers=reader).get(COMPARE)
    head = Client(headers=reader).head(COMPARE)
    assert _served_early(head) and _served_early(got)
    assert head.status_code == 200
    assert head.content == b""
    assert _headers(head) == _headers(got)
    assert int(head["Content-Length"]) == len(got.content)


@pytest.mark.django_db
def test_a_revalidation_it_serves_is_a_304_without_a_cookie(seeded):
    first = Client().get(COMPARE)
    again = Client(headers={"If-None-Match": first["ETag"], "Cookie": "csrftoken=stale"}).get(
        COMPARE
    )
    assert _served_early(again)
    assert again.status_code == 304
    assert again.content == b"" and not again.cookies


@pytest.mark.django_db
def test_a_save_is_served_at_once(seeded):
    Client().get("/tools/smolvm/")
    assert _served_early(Client().get("/tools/smolvm/"))
    Tool.objects.get(slug="smolvm").save()
    fresh = Client().get("/tools/smolvm/")
    assert not _served_early(fresh)  # the old version's answer is never found
