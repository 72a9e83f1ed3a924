"""Public pages are cached by Django's cache framework, the same bytes for every
anonymous reader, and every write path retires them at once."""

import gzip

import pytest
from django.contrib.auth.models import User
from django.core.cache import caches
from django.test import Client

from comparisons.models import Comparison
from tests.html import text_of
from verdicts.models import CommunityVote, Take, Tool

COMPARE = "/compare/claude-4-api-tool-use-streaming-prompt-caching-vs-smolvm/"
TOOL = "/tools/smolvm/"


@pytest.fixture
def stored_keys(monkeypatch):
    """The keys pages are stored under, whatever the cache backend (make pytest
    runs the dev settings' file cache, plain pytest the test settings' memory)."""
    cache, keys = caches["default"], set()
    original = cache.set

    def recording_set(key, *args, **kwargs):
        keys.add(key)
        return original(key, *args, **kwargs)

    monkeypatch.setattr(cache, "set", recording_set)
    return keys


@pytest.mark.django_db
def test_the_304_then_vote_sequence_of_issue_12_now_votes(seeded):
    """GET a tool page, keep its ETag; GET again with If-None-Match and no cookie:
    304 without Set-Cookie; the vote then counts (it needs no token at all)."""
    first = Client(enforce_csrf_checks=True).get(TOOL)
    assert first.status_code == 200
    etag = first["ETag"]
    again = Client(enforce_csrf_checks=True).get(TOOL, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert "Set-Cookie" not in again.headers and not again.cookies
    voter = Client(enforce_csrf_checks=True)
    response = voter.post("/tools/smolvm/vote/", {"verdict": "ship", "next": TOOL})
    assert response.status_code == 303
    assert response["Location"] == "/tools/smolvm/#voted-ship-smolvm"
    assert CommunityVote.objects.filter(tool__slug="smolvm", call="ship").count() == 1
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_hit_costs_one_query_and_returns_the_same_bytes(seeded, django_assert_num_queries):
    first = Client().get(COMPARE)
    with django_assert_num_queries(1):  # the versions row
        second = Client(headers={"Cookie": "sos_visitor=someone; csrftoken=stale"}).get(COMPARE)
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]


@pytest.mark.django_db
def test_public_pages_carry_the_shared_cache_contract(seeded):
    for _ in range(2):  # rendered, then from the cache
        response = Client().get(COMPARE)
        assert response["Cache-Control"] == (
            "public, max-age=0, s-maxage=60, stale-while-revalidate=30"
        )
        assert response["Vary"] == "Accept-Encoding"
        assert response["ETag"].startswith('"')  # strong
        assert response.has_header("Last-Modified")
        assert int(response["Content-Length"]) == len(response.content)
        assert not response.cookies


@pytest.mark.django_db
def test_the_ages_come_from_the_environment_settings(seeded, settings):
    settings.PAGE_BROWSER_MAX_AGE, settings.PAGE_SHARED_MAX_AGE = 5, 120
    settings.PAGE_STALE_SECONDS = 7
    assert Client().get("/")["Cache-Control"] == (
        "public, max-age=5, s-maxage=120, stale-while-revalidate=7"
    )


@pytest.mark.django_db
def test_if_modified_since_is_answered_304(seeded):
    first = Client().get("/methodology/")
    again = Client().get("/methodology/", headers={"If-Modified-Since": first["Last-Modified"]})
    assert again.status_code == 304


@pytest.mark.django_db
def test_staff_get_uncached_private_pages_and_previews_never_reach_readers(seeded):
    comparison = Comparison.objects.get(tool_b__slug="smolvm")
    comparison.intro = "Secret draft intro"
    comparison.is_published = False
    comparison.save()
    staff = Client()
    staff.force_login(User.objects.create_user("editor", is_staff=True))
    staff_page = staff.get(COMPARE)
    assert "Secret draft intro" in staff_page.content.decode()
    assert staff_page["Cache-Control"] == "private, no-store"
    reader_page = Client().get(COMPARE).content.decode()
    assert "Draft preview" not in reader_page
    assert "Secret draft intro" not in reader_page


@pytest.mark.django_db
def test_the_gzip_variant_is_stored_compressed_and_never_recompressed(seeded, monkeypatch):
    plain = Client().get(COMPARE)
    packed = Client().get(COMPARE, headers={"Accept-Encoding": "gzip, br"})  # rendered
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content) / 2

    def no_compression(*args, **kwargs):
        raise AssertionError("a cached hit must not compress again")

    monkeypatch.setattr("django.middleware.gzip.compress_string", no_compression)
    hit = Client().get(COMPARE, headers={"Accept-Encoding": "gzip"})
    assert hit.content == packed.content
    assert hit["ETag"] == packed["ETag"] != plain["ETag"]
    assert int(hit["Content-Length"]) == len(hit.content)


@pytest.mark.django_db
def test_a_flood_of_unknown_query_parameters_adds_no_cache_entries(seeded, stored_keys):
    client = Client()
    for url in ["/robots.txt", "/tools/", COMPARE]:
        client.get(url)
    entries = len(stored_keys)
    assert entries == 3
    for n in range(1, 1201):
        url = ["/robots.txt", "/tools/", COMPARE][n % 3]
        assert client.get(url, {"x": "1" * n}).status_code == 200
    assert len(stored_keys) == entries
    # A parameter the view reads is part of the key.
    assert "Name" in text_of(client.get("/tools/", {"sort": "name"}).content.decode())
    assert len(stored_keys) == entries + 1


@pytest.mark.django_db
def test_only_successful_pages_are_cached(seeded, stored_keys):
    assert Client().get("/tools/no-such-tool/").status_code == 404
    assert Client().get("/tools/", {"sort": "nonsense"}).status_code == 400
    assert stored_keys == set()
    response = Client().get("/tools/", {"sort": "nonsense"})
    assert response["Cache-Control"] == "private, no-store"


# Every write path retires cached pages.


def _shows(url: str, text: str) -> bool:
    return text in text_of(Client().get(url).content.decode())


@pytest.mark.django_db
def test_a_save_and_a_delete_retire_pages(seeded):
    assert not _shows(COMPARE, "Hardware-isolated sandboxes")
    tool = Tool.objects.get(slug="smolvm")
    tool.tagline = "Hardware-isolated sandboxes in 200 ms"
    tool.save()
    assert _shows(COMPARE, "Hardware-isolated sandboxes in 200 ms")
    take = Take.objects.get(tool=tool, persona__name="Skeptic")
    take.body = "Changed my mind: ship it."
    take.save()
    assert _shows(COMPARE, "Changed my mind: ship it.")
    Comparison.objects.get(tool_b=tool).delete()
    assert _shows(COMPARE, "not an editor")


@pytest.mark.django_db
def test_the_admin_publish_action_retires_pages(seeded, editor_client):
    tool = Tool.objects.get(slug="smolvm")
    Tool.objects.filter(pk=tool.pk).update(is_published=False)  # behind the cache's back
    caches["default"].clear()
    assert not _shows("/tools/", "smolvm")
    response = editor_client.post(
        "/admin/verdicts/tool/",
        {"action": "publish_selected", "_selected_action": [tool.pk]},
    )
    assert response.status_code == 302
    assert _shows("/tools/", "smolvm")


@pytest.mark.django_db
def test_a_vote_retires_only_the_pages_that_show_tallies(seeded, django_assert_num_queries):
    for url in ["/", "/reviewers/builder/", COMPARE, TOOL]:
        Client().get(url)
    Client().post("/tools/smolvm/vote/", {"verdict": "ship"})
    for url in ["/", "/reviewers/builder/"]:  # no community figure on them
        with django_assert_num_queries(1):
            Client().get(url)
    for url in [COMPARE, TOOL]:
        assert _shows(url, "1 ship, 0 skip")


@pytest.mark.django_db
def test_a_recount_retires_the_pages_with_tallies(seeded):
    assert _shows(TOOL, "No community votes yet")
    tool = Tool.objects.get(slug="smolvm")
    # Rows written in bulk (an import, a repair): the counters lag until a recount.
    CommunityVote.objects.bulk_create(
        [CommunityVote(tool=tool, visitor_key=f"imported-{n}", call="skip") for n in range(3)]
    )
    assert _shows(TOOL, "No community votes yet")
    CommunityVote.objects.recount(tool)
    assert _shows(TOOL, "0 ship, 3 skip")


@pytest.mark.django_db
def test_a_session_less_reader_never_reads_the_session(seeded):
    response = Client().get(COMPARE)
    assert "Cookie" not in response["Vary"]
