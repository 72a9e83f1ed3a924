"""A reader takes back their vote: a form button that works without JavaScript
(303 back to the page at #withdrawn-<slug>), JSON for the script, counted
exactly once, protected and rate-limited as voting is."""

import re

import pytest
from django.test import Client

from tests.html import region, text_of
from verdicts.models import Call, CommunityVote, Tool
from verdicts.visitors import VISITOR_COOKIE

COMPARE = "/compare/claude-4-api-tool-use-streaming-prompt-caching-vs-smolvm/"
WITHDRAW = "/tools/smolvm/vote/withdraw/"


def vote(client, call, **fields):
    return client.post("/tools/smolvm/vote/", {"verdict": call, **fields})


def withdraw(client, **headers):
    return client.post(WITHDRAW, {"next": COMPARE}, headers=headers)


def tally_of(slug="smolvm"):
    tool = Tool.objects.get(slug=slug)
    return tool.community_ship_votes, tool.community_skip_votes


def others_vote(*calls):
    """Votes from other readers, through the real path (rows and counters)."""
    tool = Tool.objects.get(slug="smolvm")
    for n, call in enumerate(calls):
        CommunityVote.objects.cast(tool, f"another-reader-{n}", call)


@pytest.mark.django_db
def test_it_deletes_the_readers_vote_and_answers_303_back_to_the_withdrawn_line(client, seeded):
    others_vote(Call.SHIP, Call.SKIP)
    vote(client, "ship")
    assert tally_of() == (2, 1)

    response = withdraw(client)
    assert response.status_code == 303
    assert response["Location"] == f"{COMPARE}#withdrawn-smolvm"
    assert VISITOR_COOKIE not in response.cookies  # the reader keeps their id, nothing new set
    assert tally_of() == (1, 1)
    assert set(CommunityVote.objects.values_list("visitor_key", flat=True)) == {
        "another-reader-0",
        "another-reader-1",
    }

    page = client.get(COMPARE)
    assert page.content == Client().get(COMPARE).content  # the same page for everyone
    card = region(page.content.decode(), "tool-smolvm", "decision-heading")
    withdrawn = re.search(r'<p class="vote__withdrawn" id="withdrawn-smolvm"[^>]*>(.*?)</p>', card)
    assert text_of(withdrawn.group(1)) == "Your vote is withdrawn."
    # Two votes are below COMMUNITY_MIN_VOTES: the counts, never a %.
    assert "1 ship, 1 skip" in text_of(card)


@pytest.mark.django_db
def test_withdrawing_twice_counts_once_and_never_goes_below_the_real_count(client, seeded):
    others_vote(Call.SKIP, Call.SKIP, Call.SHIP)
    vote(client, "skip")
    assert tally_of() == (1, 3)
    assert withdraw(client).status_code == 303
    assert withdraw(client).status_code == 303  # a double click, a resubmitted form
    assert withdraw(client).status_code == 303
    assert tally_of() == (1, 2)
    rows = CommunityVote.objects.filter(tool__slug="smolvm")
    assert sorted(rows.values_list("call", flat=True)) == ["ship", "skip", "skip"]
    recounted = CommunityVote.objects.recount(Tool.objects.get(slug="smolvm"))
    assert (recounted.ship, recounted.skip) == (1, 2)  # the counters match the rows


@pytest.mark.django_db
def test_a_reader_can_vote_again_after_withdrawing(client, seeded):
    vote(client, "ship")
    withdraw(client)
    vote(client, "skip")
    assert tally_of() == (0, 1)
    assert CommunityVote.objects.get(tool__slug="smolvm").call == Call.SKIP


@pytest.mark.django_db
def test_without_a_visitor_cookie_there_is_nothing_to_withdraw(seeded):
    others_vote(Call.SHIP)
    response = withdraw(Client())
    assert response.status_code == 303
    assert response["Location"] == f"{COMPARE}#withdrawn-smolvm"
    assert not response.cookies
    assert tally_of() == (1, 0)


@pytest.mark.django_db
def test_scripts_get_json_with_every_figure_of_the_new_tally(client, seeded):
    others_vote(Call.SHIP, Call.SKIP, Call.SKIP)
    vote(client, "ship")
    response = client.post(WITHDRAW, headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.json() == {
        "tool": "smolvm",
        "your_vote": None,
        "community": {
            "ship": 1,
            "skip": 2,
            "total": 3,
            "ship_percent": None,  # three votes are below COMMUNITY_MIN_VOTES
            "percent_label": "1 ship, 2 skip",
            "has_enough_votes": False,
            "min_votes": 10,
            "summary": "1 ship, 2 skip",
        },
        "readers_vs_panel": "Too few reader votes to compare (fewer than 10)",
    }


@pytest.mark.django_db
def test_a_cross_site_withdrawal_is_refused_and_the_vote_stays(client, seeded):
    vote(client, "ship")
    response = withdraw(
        client, **{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}
    )
    assert response.status_code == 403
    assert tally_of() == (1, 0)
    assert CommunityVote.objects.count() == 1


@pytest.mark.django_db
def test_withdrawing_counts_against_the_vote_rate_limit(client, seeded, settings):
    settings.VOTE_RATE_LIMIT = "2/3600"
    vote(client, "ship")
    assert withdraw(client).status_code == 303
    response = withdraw(client)
    assert response.status_code == 429
    assert "Too many votes from your address" in response.content.decode()
    json_response = client.post(WITHDRAW, headers={"Accept": "application/json"})
    assert json_response.status_code == 429
    assert "Too many votes" in json_response.json()["error"]


@pytest.mark.django_db
def test_an_unknown_or_unpublished_tool_is_a_404_with_a_message(client, seeded):
    response = client.post("/tools/no-such-tool/vote/withdraw/")
    assert response.status_code == 404
    assert "There is no published tool at this address." in response.content.decode()
    Tool.objects.filter(slug="smolvm").update(is_published=False)
    assert client.post(WITHDRAW).status_code == 404


@pytest.mark.django_db
def test_a_next_on_another_host_is_ignored(client, seeded):
    vote(client, "ship")
    response = client.post(WITHDRAW, {"next": "https://evil.example/"})
    assert response["Location"] == "/tools/smolvm/#withdrawn-smolvm"


@pytest.mark.django_db
def test_cached_pages_show_the_tally_after_a_withdrawal(client, seeded):
    vote(client, "ship")
    # Now cached; one vote shows as its count (below COMMUNITY_MIN_VOTES).
    assert "1 ship, 0 skip" in text_of(Client().get(COMPARE).content.decode())
    withdraw(client)
    html = Client().get(COMPARE).content.decode()
    decision = text_of(region(html, "decision-heading", "scorecard-heading"))
    assert "1 ship, 0 skip" not in decision
    assert decision.count("No community votes yet") == 2
