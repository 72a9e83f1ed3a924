"""Verified readers' tally beside the community's: on the comparison page's decision
table, the tool page and both JSONs, with the same minimum-sample rule; cached
pages retired by a verified vote; query counts unchanged by it."""

import json
import re

import pytest
from django.test import Client
from django.utils import timezone

from newsletter import verified
from newsletter.models import Issue
from pagecache.models import ContentVersion
from tests.factories import make_comparison, make_subscriber, make_tool, make_vote
from tests.html import text_of
from verdicts.models import Call, Tool
from verdicts.verdict import VerifiedTally

pytestmark = pytest.mark.django_db


def cast_verified(tool: Tool, ship: int, skip: int) -> None:
    """`ship` + `skip` confirmed subscribers vote on the tool, as their link's page does."""
    for n in range(ship + skip):
        reader = make_subscriber()
        verified.cast(reader, tool, Call.SHIP if n < ship else Call.SKIP)


def row(html: str, label: str) -> str:
    """The text of a decision-table row, by its header."""
    found = re.search(rf'<tr><th scope="row">{label}</th>(.*?)</tr>', html, re.S)
    assert found, label
    return text_of(found.group(1))


def verified_cells(html: str) -> list[str]:
    """Each tool's verified readers in the decision table's Community row, in order."""
    community = re.search(r'<tr><th scope="row">Community</th>(.*?)</tr>', html, re.S).group(1)
    return [
        text_of(cell)
        for cell in re.findall(r"Verified readers: <span[^>]*>(.*?)</span>", community)
    ]


def fact(html: str, label: str) -> str:
    """The text of an "At a glance" fact on the tool page, by its term."""
    facts = html[html.index('id="facts-heading"') :]
    found = re.search(rf"<dt>{label}</dt><dd[^>]*>(.*?)</dd>", facts, re.S)
    assert found, label
    return text_of(found.group(1))


@pytest.fixture
def pair():
    alpha, beta = make_tool(name="Alpha"), make_tool(name="Beta")
    make_comparison(alpha, beta)
    return alpha, beta


def test_the_tally_counts_below_the_minimum_and_is_a_percent_from_it():
    assert VerifiedTally(ship=0, skip=0).summary == "No verified votes yet"
    assert VerifiedTally(ship=3, skip=1).summary == "3 ship, 1 skip"
    assert VerifiedTally(ship=6, skip=3).ship_percent is None
    assert VerifiedTally(ship=7, skip=3).summary == "70% ship · 10 votes"
    assert VerifiedTally(ship=199, skip=1).summary == "99% ship · 200 votes"


def test_the_comparison_page_shows_verified_readers_apart_from_the_community(client, pair):
    alpha, _ = pair
    cast_verified(alpha, ship=3, skip=1)
    for _ in range(2):
        make_vote(alpha, call=Call.SKIP)
    Tool.objects.filter(pk=alpha.pk).update(community_ship_votes=0, community_skip_votes=2)
    html = client.get("/compare/alpha-vs-beta/").content.decode()
    assert row(html, "Community") == (
        "Alpha 0 ship, 2 skip · Verified readers: 3 ship, 1 skip "
        "Beta No community votes yet · Verified readers: No verified votes yet"
    )


def test_from_the_minimum_the_comparison_and_tool_pages_show_a_percent(client, pair, settings):
    assert settings.COMMUNITY_MIN_VOTES == 10
    alpha, beta = pair
    cast_verified(alpha, ship=7, skip=3)
    cast_verified(beta, ship=6, skip=3)
    html = client.get("/compare/alpha-vs-beta/").content.decode()
    assert verified_cells(html) == ["70% ship · 10 votes", "6 ship, 3 skip"]
    tool_page = client.get("/tools/alpha/").content.decode()
    assert fact(tool_page, "Verified readers") == "70% ship · 10 votes"
    assert fact(tool_page, "Community") == "No community votes yet"
    assert fact(client.get("/tools/beta/").content.decode(), "Verified readers") == (
        "6 ship, 3 skip"
    )


def test_the_minimum_is_the_community_s_setting(client, pair, settings):
    settings.COMMUNITY_MIN_VOTES = 2
    alpha, _ = pair
    cast_verified(alpha, ship=1, skip=1)
    assert fact(client.get("/tools/alpha/").content.decode(), "Verified readers") == (
        "50% ship · 2 votes"
    )


def test_the_json_carries_the_verified_readers_apart(client, pair):
    alpha, _ = pair
    cast_verified(alpha, ship=3, skip=1)
    tool = json.loads(client.get("/tools/alpha.json").content)
    assert tool["verified_readers"] == {
        "ship": 3,
        "skip": 1,
        "total": 4,
        "ship_percent": None,
        "percent_label": "3 ship, 1 skip",
        "has_enough_votes": False,
        "min_votes": 10,
        "summary": "3 ship, 1 skip",
    }
    assert tool["community"]["total"] == 0
    comparison = json.loads(client.get("/compare/alpha-vs-beta.json").content)
    assert [t["verified_readers"]["summary"] for t in comparison["tools"]] == [
        "3 ship, 1 skip",
        "No verified votes yet",
    ]


def test_a_verified_vote_retires_the_cached_pages_that_show_it(
    client, pair, django_assert_num_queries
):
    alpha, _ = pair
    pages = ["/compare/alpha-vs-beta/", "/tools/alpha/", "/tools/alpha.json", "/compare/"]
    before = {url: client.get(url).content for url in pages}
    for url in pages:
        with django_assert_num_queries(1):  # cached: only the versions row
            assert client.get(url).content == before[url]
    votes_version = ContentVersion.objects.get().votes_version

    reader = make_subscriber()
    verified.cast(reader, alpha, Call.SHIP)

    assert ContentVersion.objects.get().votes_version != votes_version
    assert verified_cells(client.get(pages[0]).content.decode())[0] == "1 ship, 0 skip"
    assert fact(client.get(pages[1]).content.decode(), "Verified readers") == "1 ship, 0 skip"
    assert json.loads(client.get(pages[2]).content)["verified_readers"]["ship"] == 1
    # A change of call retires them again; the same call again leaves them cached.
    verified.cast(reader, alpha, Call.SKIP)
    assert fact(client.get(pages[1]).content.decode(), "Verified readers") == "0 ship, 1 skip"
    unchanged = ContentVersion.objects.get().votes_version
    verified.cast(reader, alpha, Call.SKIP)
    assert ContentVersion.objects.get().votes_version == unchanged
    with django_assert_num_queries(1):
        client.get(pages[1])


def test_a_vote_through_the_page_retires_the_comparison_page(client, pair):
    alpha, beta = pair
    issue = Issue.objects.create(
        iso_year=2026,
        iso_week=48,
        subject="Weekly AI Tool Verdicts — week 48, 2026",
        period_since=timezone.now(),
        period_until=timezone.now(),
        html_body="",
        text_body="",
    )
    issue.changed_tools.add(alpha, beta)
    assert verified_cells(client.get("/compare/alpha-vs-beta/").content.decode()) == [
        "No verified votes yet",
        "No verified votes yet",
    ]
    link = verified.vote_url(make_subscriber(), issue)
    Client(enforce_csrf_checks=True).post(link, {"tool": "beta", "verdict": "skip"})
    assert verified_cells(client.get("/compare/alpha-vs-beta/").content.decode()) == [
        "No verified votes yet",
        "0 ship, 1 skip",
    ]


@pytest.mark.parametrize("voters", [0, 12])
def test_verified_votes_add_no_query_to_the_pages(client, pair, django_assert_num_queries, voters):
    alpha, beta = pair
    cast_verified(alpha, ship=voters, skip=0)
    cast_verified(beta, ship=0, skip=voters)
    # The pins of tests/verdicts/test_tool_page.py and test_community_votes.py:
    # the tallies are columns of the tool rows those pages load anyway.
    with django_assert_num_queries(6):
        assert client.get("/compare/alpha-vs-beta/").status_code == 200
    with django_assert_num_queries(7):
        assert client.get("/tools/alpha/").status_code == 200
    with django_assert_num_queries(5):
        assert client.get("/tools/alpha.json").status_code == 200


def test_the_methodology_explains_both_tallies(client, settings):
    settings.NEWSLETTER_VOTE_MAX_AGE = 30 * 24 * 3600
    text = text_of(client.get("/methodology/").content.decode())
    community = text[text.index("Community votes Anyone") : text.index("Verified readers Sub")]
    readers = text[text.index("Verified readers Sub") : text.index("Editorial independence Tools")]
    assert "anonymously" in community and "random visitor id kept in a cookie" in community
    assert "One vote per subscriber per tool." in readers
    assert "Only confirmed subscribers" in readers and "Opening the link never votes" in readers
    assert "shown only from 10 votes" in readers and "3 ship, 1 skip" in readers
    assert "30 days after its issue" in readers
