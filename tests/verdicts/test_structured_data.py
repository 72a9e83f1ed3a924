"""JSON-LD on tool and comparison pages: valid JSON, one Review per take, a
rating only where a score is known, and an AggregateRating of known scores."""

import json
import re

import pytest

from tests.factories import make_comparison, make_persona, make_take, make_tool
from verdicts.models import Call

SITE = "http://127.0.0.1:8000"


def json_ld(html: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


@pytest.fixture
def scored_tool(db):
    tool = make_tool(name="Rocket", tagline="Launches things", website="https://rocket.example")
    make_take(tool, make_persona(name="Builder"), score=80, call=Call.SHIP, body="Solid **API**.")
    make_take(tool, make_persona(name="Skeptic"), score=45, call=Call.SKIP, body="Meh.")
    make_take(tool, make_persona(name="Futurist"), score=None, call=Call.SHIP, body="Bet on it.")
    make_take(tool, make_persona(name="Founder"), score=70, call=Call.SHIP, body="Sells.")
    return tool


@pytest.mark.django_db
def test_the_tool_page_describes_the_tool_with_a_review_per_take(client, scored_tool):
    document = json_ld(client.get("/tools/rocket/").content.decode())
    assert document["@context"] == "https://schema.org"
    assert document["@type"] == "SoftwareApplication"
    assert document["name"] == "Rocket"
    assert document["url"] == f"{SITE}/tools/rocket/"
    assert document["sameAs"] == "https://rocket.example"
    reviews = {review["author"]["name"]: review for review in document["review"]}
    assert set(reviews) == {"Builder", "Skeptic", "Futurist", "Founder"}
    assert reviews["Builder"]["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 80,
        "bestRating": 100,
        "worstRating": 0,
    }
    assert reviews["Builder"]["reviewBody"] == "Solid API."
    assert reviews["Builder"]["author"]["url"].startswith(f"{SITE}/reviewers/")
    assert reviews["Skeptic"]["reviewRating"]["ratingValue"] == 45
    assert reviews["Skeptic"]["name"] == "Skeptic: Skip"


@pytest.mark.django_db
def test_an_unscored_take_gets_no_invented_rating(client, scored_tool):
    document = json_ld(client.get("/tools/rocket/").content.decode())
    futurist = next(r for r in document["review"] if r["author"]["name"] == "Futurist")
    assert "reviewRating" not in futurist
    assert futurist["name"] == "Futurist: Ship"


@pytest.mark.django_db
def test_the_aggregate_rating_averages_the_known_scores_only(client, scored_tool):
    html = client.get("/tools/rocket/").content.decode()
    rating = json_ld(html)["aggregateRating"]
    assert rating == {
        "@type": "AggregateRating",
        "ratingValue": 65.0,  # (80 + 45 + 70) / 3, the unscored take left out
        "bestRating": 100,
        "worstRating": 0,
        "ratingCount": 3,
        "reviewCount": 4,
    }
    assert "65/100 from 3 scored takes (1 unscored)" in html


@pytest.mark.django_db
def test_a_preliminary_panel_gets_no_aggregate_rating(client, settings):
    tool = make_tool(name="Young")
    make_take(tool, make_persona(), score=90)
    make_take(tool, make_persona(), score=80)
    make_take(tool, make_persona(), score=None)  # three takes, two scores
    document = json_ld(client.get("/tools/young/").content.decode())
    assert "aggregateRating" not in document
    assert [r["reviewRating"]["ratingValue"] for r in document["review"][:2]] == [90, 80]
    settings.VERDICT_MIN_TAKES = 2
    from django.core.cache import caches

    caches["default"].clear()
    document = json_ld(client.get("/tools/young/").content.decode())
    assert document["aggregateRating"]["ratingValue"] == 85.0


@pytest.mark.django_db
def test_a_tool_without_scores_has_no_aggregate_rating(client):
    tool = make_tool(name="Quiet")
    make_take(tool, make_persona(), score=None)
    document = json_ld(client.get("/tools/quiet/").content.decode())
    assert "aggregateRating" not in document
    assert "reviewRating" not in document["review"][0]
    empty = json_ld(client.get(make_tool(name="Empty").get_absolute_url()).content.decode())
    assert empty["review"] == []
    assert "aggregateRating" not in empty


@pytest.mark.django_db
def test_text_can_never_close_the_script_element(client):
    tool = make_tool(name="Evil </script><script>alert(1)</script>", tagline="a & b <i>")
    make_take(tool, make_persona(), body="`</script>` & <!-- -->")
    html = client.get(tool.get_absolute_url()).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in block and ">" not in block and "&" not in block
    document = json.loads(block)
    assert document["name"] == "Evil </script><script>alert(1)</script>"
    assert document["description"] == "a & b <i>"


@pytest.mark.django_db
def test_the_comparison_page_describes_both_tools(client):
    alpha, beta = make_tool(name="Alpha"), make_tool(name="Beta")
    make_take(alpha, make_persona(name="PM"), score=90)
    make_take(beta, make_persona(name="Founder"), score=None, call=Call.SKIP)
    on_demand = client.get("/compare/alpha-vs-beta/").content.decode()
    curated = client.get(make_comparison(beta, alpha).get_absolute_url()).content.decode()
    assert "On demand" in on_demand and "On demand" not in curated
    for html in (on_demand, curated):
        document = json_ld(html)
        if html is curated:
            document["@graph"].reverse()  # the curated pair puts Beta first
        first, second = document["@graph"]
        assert (first["name"], second["name"]) == ("Alpha", "Beta")
        # One score is a preliminary panel: the review keeps its rating, no aggregate.
        assert "aggregateRating" not in first
        assert first["review"][0]["reviewRating"]["ratingValue"] == 90
        assert "aggregateRating" not in second
        assert "reviewRating" not in second["review"][0]


@pytest.mark.django_db
def test_the_home_page_describes_the_site_search(client):
    document = json_ld(client.get("/").content.decode())
    assert document["@type"] == "WebSite"
    assert document["potentialAction"]["target"] == f"{SITE}/search/?q={{search_term_string}}"
