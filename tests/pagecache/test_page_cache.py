"""Public pages are cached whole, yet every save, vote and reader stays exact."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from comparisons.models import Comparison
from tests.html import text_of, without_csrf
from verdicts.models import Take, Tool

COMPARE = "/compare/claude-4-api-tool-use-streaming-prompt-caching-vs-smolvm/"


@pytest.mark.django_db(transaction=True)
def test_an_editors_save_is_visible_at_once(seeded, django_assert_num_queries):
    client = Client()
    client.get(COMPARE)
    with django_assert_num_queries(1):
        client.get(COMPARE)
    tool = Tool.objects.get(slug="smolvm")
    tool.tagline = "Hardware-isolated sandboxes in 200 ms"
    tool.save()
    assert "Hardware-isolated sandboxes in 200 ms" in text_of(client.get(COMPARE).content.decode())
    take = Take.objects.get(tool=tool, persona__name="Skeptic")
    take.body = "Changed my mind: ship it."
    take.call = "ship"
    take.save()
    text = text_of(client.get(COMPARE).content.decode())
    assert "Changed my mind: ship it." in text
    assert "Ship · 4 ship / 0 skip" in text
    Comparison.objects.get(tool_b=tool).delete()
    # Without the curated comparison the pair is generated on demand.
    assert "not an editor" in text_of(client.get(COMPARE).content.decode()).lower()


@pytest.mark.django_db(transaction=True)
def test_a_new_vote_is_visible_at_once_to_other_readers(seeded):
    reader = Client()
    assert "No community votes yet" in text_of(reader.get(COMPARE).content.decode())
    Client().post("/tools/smolvm/vote/", {"verdict": "skip"})
    assert "0% ship · 1 vote" in text_of(reader.get(COMPARE).content.decode())


@pytest.mark.django_db
def test_readers_share_the_cached_page_but_see_their_own_votes(seeded):
    shipper, skipper, newcomer = Client(), Client(), Client()
    shipper.post("/tools/smolvm/vote/", {"verdict": "ship"})
    skipper.post("/tools/smolvm/vote/", {"verdict": "skip"})
    assert "You said Ship" in text_of(shipper.get(COMPARE).content.decode())
    assert "You said Skip" in text_of(skipper.get(COMPARE).content.decode())
    newcomer_page = newcomer.get(COMPARE).content.decode()
    assert "You said" not in text_of(newcomer_page)
    assert "<sos-hole" not in newcomer_page


@pytest.mark.django_db
def test_each_reader_gets_a_working_csrf_token_from_the_cached_page(seeded):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.get(COMPARE)
    page = second.get(COMPARE)  # served from the cache
    token = page.content.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert second.cookies["csrftoken"].value
    response = second.post("/tools/smolvm/vote/", {"verdict": "ship", "csrfmiddlewaretoken": token})
    assert response.status_code == 303


@pytest.mark.django_db
def test_staff_previews_are_never_served_to_readers(seeded):
    comparison = Comparison.objects.get(tool_b__slug="smolvm")
    comparison.intro = "Secret draft intro"
    comparison.is_published = False
    comparison.save()
    staff = Client()
    staff.force_login(User.objects.create_user("editor", is_staff=True))
    staff_page = staff.get(COMPARE).content.decode()
    assert "Draft preview" in staff_page and "Secret draft intro" in staff_page
    reader_page = Client().get(COMPARE).content.decode()
    assert "Draft preview" not in reader_page
    assert "Secret draft intro" not in reader_page


@pytest.mark.django_db
def test_a_repeated_get_with_the_etag_is_a_304(seeded):
    client = Client()
    first = client.get(COMPARE)
    etag = first["ETag"]
    assert etag.startswith('W/"')
    assert "no-cache" in first["Cache-Control"] and "private" in first["Cache-Control"]
    assert "Cookie" in first["Vary"]
    again = client.get(COMPARE, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    Client().post("/tools/smolvm/vote/", {"verdict": "ship"})
    changed = client.get(COMPARE, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag


@pytest.mark.django_db
def test_the_etag_differs_between_readers_with_different_votes(seeded):
    voter, reader = Client(), Client()
    voter.post("/tools/claude-4-api-tool-use-streaming-prompt-caching/vote/", {"verdict": "ship"})
    a, b = voter.get(COMPARE), reader.get(COMPARE)
    assert without_csrf(a.content) != without_csrf(b.content)
    assert a["ETag"] != b["ETag"]
    assert reader.get(COMPARE, headers={"If-None-Match": a["ETag"]}).status_code == 200


@pytest.mark.django_db
def test_the_content_length_matches_the_filled_page(seeded):
    client = Client()
    client.post("/tools/smolvm/vote/", {"verdict": "ship"})
    for _ in range(2):  # rendered, then from the cache
        response = client.get(COMPARE)
        assert int(response["Content-Length"]) == len(response.content)


@pytest.mark.django_db
def test_a_cached_page_keeps_the_headers_of_the_full_stack(seeded):
    first, second = Client().get(COMPARE), Client().get(COMPARE)
    for name in ["X-Frame-Options", "Content-Type", "X-Content-Type-Options", "Referrer-Policy"]:
        assert second[name] == first[name]
    assert second.cookies["csrftoken"].value


@pytest.mark.django_db
def test_pages_are_compressed_for_clients_that_ask(seeded):
    import gzip

    client = Client()
    plain = client.get(COMPARE)
    for _ in range(2):  # rendered, then cached
        packed = client.get(COMPARE, headers={"Accept-Encoding": "gzip"})
        assert packed["Content-Encoding"] == "gzip"
        assert len(packed.content) < len(plain.content) / 2
        assert without_csrf(gzip.decompress(packed.content)) == without_csrf(plain.content)


@pytest.mark.django_db
def test_a_vote_retires_only_the_pages_that_show_tallies(seeded, django_assert_num_queries):
    reader = Client()
    for url in ["/", "/reviewers/builder/", COMPARE, "/tools/smolvm/"]:
        reader.get(url)
    Client().post("/tools/smolvm/vote/", {"verdict": "ship"})
    for url in ["/", "/reviewers/builder/"]:  # no community figure on them
        with django_assert_num_queries(1):
            reader.get(url)
    for url in [COMPARE, "/tools/smolvm/"]:
        response = reader.get(url)
        assert "100% ship · 1 vote" in text_of(response.content.decode())
    tool = Tool.objects.get(slug="smolvm")
    tool.tagline = "A new tagline"
    tool.save()
    assert "A new tagline" in text_of(reader.get("/").content.decode())


@pytest.mark.django_db
def test_a_gzipped_cached_page_carries_the_readers_own_vote_and_a_working_token(
    seeded, monkeypatch
):
    import gzip

    def compress_the_whole_page(*args, **kwargs):
        raise AssertionError("the page cache gzips pages itself, from pre-deflated segments")

    monkeypatch.setattr("django.middleware.gzip.compress_string", compress_the_whole_page)

    voter = Client(enforce_csrf_checks=True)
    voter.get(COMPARE)
    token = voter.cookies["csrftoken"].value
    voter.post("/tools/smolvm/vote/", {"verdict": "ship"}, headers={"X-CSRFToken": token})
    voter.get(COMPARE)  # rendered after the vote, and cached
    packed = voter.get(COMPARE, headers={"Accept-Encoding": "gzip, deflate, br"})  # a hit

    assert packed["Content-Encoding"] == "gzip"
    assert int(packed["Content-Length"]) == len(packed.content)
    assert {"Cookie", "Accept-Encoding"} <= {v.strip() for v in packed["Vary"].split(",")}
    html = gzip.decompress(packed.content).decode()
    assert "You said Ship" in text_of(html)
    # Deflated in segments around the tokens, yet as small as gzipping it whole.
    assert len(packed.content) < len(gzip.compress(html.encode())) * 1.06
    form_token = html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = voter.post(
        "/tools/smolvm/vote/", {"verdict": "skip", "csrfmiddlewaretoken": form_token}
    )
    assert response.status_code == 303


@pytest.mark.django_db
def test_without_accept_encoding_the_page_is_plain_and_says_it_varies(seeded):
    client = Client()
    for _ in range(2):  # rendered, then cached
        response = client.get(COMPARE)
        assert not response.has_header("Content-Encoding")
        assert "Accept-Encoding" in response["Vary"]
        assert response.content.decode().startswith("<!doctype html>")
