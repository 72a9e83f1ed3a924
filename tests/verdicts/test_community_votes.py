"""Readers' ship/skip votes: one per reader per tool, the same tally everywhere."""

import re

import pytest
from django.test import Client

from tests.factories import make_comparison, make_tool
from tests.html import assert_in_order, region, text_of
from verdicts.models import Call, CommunityVote, Tool
from verdicts.visitors import VISITOR_COOKIE

SMOLVM = "/tools/smolvm/"
COMPARE = "/compare/claude-4-api-tool-use-streaming-prompt-caching-vs-smolvm/"


def vote(client, slug, verdict, **fields):
    return client.post(f"/tools/{slug}/vote/", {"verdict": verdict, **fields})


def tally_of(slug):
    tool = Tool.objects.get(slug=slug)
    return tool.community_ship_votes, tool.community_skip_votes


@pytest.mark.django_db
def test_a_form_vote_answers_303_back_to_the_line_that_shows_the_readers_vote(client, seeded):
    response = client.post("/tools/smolvm/vote/", {"verdict": "ship", "next": COMPARE})
    assert response.status_code == 303
    assert response["Location"] == f"{COMPARE}#voted-ship-smolvm"
    assert VISITOR_COOKIE in response.cookies
    assert response.cookies[VISITOR_COOKIE]["httponly"]
    assert response.cookies[VISITOR_COOKIE]["samesite"] == "Lax"

    page = client.get(COMPARE)
    assert page.content == Client().get(COMPARE).content  # the same page for everyone
    html = page.content.decode()
    card = region(html, "tool-smolvm", "decision-heading")
    # The fragment's target; CSS :target shows it (tests/pagecache, in Chromium).
    mine = re.search(r'<div class="vote__mine" id="voted-ship-smolvm"[^>]*>(.*?)</div>', card, re.S)
    assert text_of(mine.group(1)) == (
        "You said Ship change your vote on smolvm Skip instead Withdraw my vote"
    )
    assert 'formaction="/tools/smolvm/vote/withdraw/"' in mine.group(1)
    assert "1 ship, 0 skip" in text_of(card)  # one vote: the count, never "100%"


@pytest.mark.django_db
def test_voting_again_changes_the_vote_and_never_adds_one(client, seeded):
    vote(client, "smolvm", "ship")
    vote(client, "smolvm", "ship")
    vote(client, "smolvm", "skip")
    assert CommunityVote.objects.filter(tool__slug="smolvm").count() == 1
    assert CommunityVote.objects.get(tool__slug="smolvm").call == Call.SKIP
    assert tally_of("smolvm") == (0, 1)
    assert vote(client, "smolvm", "skip")["Location"] == f"{SMOLVM}#voted-skip-smolvm"


@pytest.mark.django_db
def test_each_reader_is_counted_once(seeded):
    readers = [Client() for _ in range(4)]
    for reader, call in zip(readers, ["ship", "ship", "skip", "ship"], strict=True):
        assert vote(reader, "smolvm", call).status_code == 303
    assert tally_of("smolvm") == (3, 1)
    assert CommunityVote.objects.filter(tool__slug="smolvm").count() == 4
    assert CommunityVote.objects.recount(Tool.objects.get(slug="smolvm")).summary == (
        "3 ship, 1 skip"  # below COMMUNITY_MIN_VOTES: counts, no percentage
    )


@pytest.mark.django_db
def test_the_tally_is_the_same_on_the_card_the_decision_table_and_the_tool_page(seeded):
    for call in ["ship"] * 16 + ["skip"] * 9:
        vote(Client(), "smolvm", call)
    compare_html = Client().get(COMPARE).content.decode()
    card = text_of(region(compare_html, "tool-smolvm", "decision-heading"))
    decision = text_of(region(compare_html, "decision-heading", "scorecard-heading"))
    tool_page = text_of(Client().get(SMOLVM).content.decode())
    assert "Community 64%" in card
    assert "64% ship · 25 votes" in card
    assert_in_order(decision, ["Community", "No community votes yet", "64% ship · 25 votes"])
    assert "Community 64% ship · 25 votes" in tool_page


@pytest.mark.django_db
def test_scripts_get_json_with_the_new_tally(client, seeded):
    response = client.post(
        "/tools/smolvm/vote/", {"verdict": "skip"}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 200
    assert response.json() == {
        "tool": "smolvm",
        "your_vote": "skip",
        "community": {
            "ship": 0,
            "skip": 1,
            "total": 1,
            "ship_percent": None,  # one vote is below COMMUNITY_MIN_VOTES
            "percent_label": "0 ship, 1 skip",
            "has_enough_votes": False,
            "min_votes": 10,
            "summary": "0 ship, 1 skip",
        },
        "readers_vs_panel": "Too few reader votes to compare (fewer than 10)",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("verdict", ["", "maybe", "SHIP", "ship ", "x" * 5000])
def test_a_verdict_that_is_not_ship_or_skip_is_a_400_and_nothing_is_stored(client, seeded, verdict):
    response = vote(client, "smolvm", verdict)
    assert response.status_code == 400
    assert "A vote is either ship or skip." in response.content.decode()
    assert CommunityVote.objects.count() == 0
    assert tally_of("smolvm") == (0, 0)
    json_response = client.post(
        "/tools/smolvm/vote/", {"verdict": verdict}, headers={"Accept": "application/json"}
    )
    assert json_response.status_code == 400
    assert json_response.json() == {"error": "A vote is either ship or skip."}


@pytest.mark.django_db
def test_an_unknown_or_draft_tool_is_a_404(client):
    draft = make_tool(is_published=False)
    assert vote(client, "no-such-tool", "ship").status_code == 404
    response = vote(client, draft.slug, "ship")
    assert response.status_code == 404
    assert "There is no published tool at this address." in response.content.decode()
    assert CommunityVote.objects.count() == 0


@pytest.mark.django_db
def test_a_vote_from_another_site_is_a_403_in_our_design(seeded):
    client = Client(enforce_csrf_checks=True, headers={"Sec-Fetch-Site": "cross-site"})
    response = vote(client, "smolvm", "ship")
    assert response.status_code == 403
    text = text_of(response.content.decode())
    assert "We could not accept that form" in text
    assert "Weekly AI Tool Verdicts" in text  # the site's layout, not Django's plain page
    assert CommunityVote.objects.count() == 0


@pytest.mark.django_db
def test_a_vote_from_our_own_page_needs_no_token(seeded):
    client = Client(enforce_csrf_checks=True, headers={"Sec-Fetch-Site": "same-origin"})
    html = client.get(SMOLVM).content.decode()
    assert "csrfmiddlewaretoken" not in html
    response = vote(client, "smolvm", "ship")
    assert response.status_code == 303
    assert tally_of("smolvm") == (1, 0)


@pytest.mark.django_db
def test_too_many_votes_from_one_address_is_a_429(seeded, settings):
    settings.VOTE_RATE_LIMIT = "3/3600"  # an hour: the test never straddles two windows
    for _ in range(3):
        assert vote(Client(), "smolvm", "ship").status_code == 303
    response = vote(Client(), "smolvm", "ship")
    assert response.status_code == 429
    assert "Too many votes from your address" in response.content.decode()
    assert tally_of("smolvm") == (3, 0)
    other_address = Client(REMOTE_ADDR="10.1.2.3")
    assert vote(other_address, "smolvm", "ship").status_code == 303


@pytest.mark.django_db
def test_behind_a_proxy_the_forwarded_address_is_limited(seeded, settings):
    settings.VOTE_RATE_LIMIT = "1/3600"
    settings.TRUSTED_PROXY_HOPS = 1
    first = Client(HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert vote(first, "smolvm", "ship").status_code == 303
    assert vote(Client(HTTP_X_FORWARDED_FOR="203.0.113.7"), "smolvm", "ship").status_code == 429
    assert vote(Client(HTTP_X_FORWARDED_FOR="203.0.113.8"), "smolvm", "ship").status_code == 303


@pytest.mark.django_db
def test_a_get_is_405_with_a_message(client, seeded):
    response = client.get("/tools/smolvm/vote/")
    assert response.status_code == 405
    assert "Vote with the ship/skip buttons" in response.content.decode()


@pytest.mark.django_db
def test_a_tampered_visitor_cookie_counts_as_a_new_reader(client, seeded):
    vote(client, "smolvm", "ship")
    client.cookies[VISITOR_COOKIE] = "forged-value:bad-signature"
    vote(client, "smolvm", "skip")
    assert CommunityVote.objects.count() == 2
    assert tally_of("smolvm") == (1, 1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "back", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
)
def test_it_never_redirects_off_site(client, seeded, back):
    response = vote(client, "smolvm", "ship", next=back)
    assert response["Location"] == "/tools/smolvm/#voted-ship-smolvm"


@pytest.mark.django_db
@pytest.mark.parametrize("tools", [2, 10])
def test_a_returning_reader_costs_no_more_than_a_stranger_whatever_the_page(
    client, django_assert_num_queries, tools
):
    a, b = make_tool(), make_tool()
    make_comparison(a, b)
    for tool in [a, b, *(make_tool() for _ in range(tools - 2))]:
        vote(client, tool.slug, "ship")
    # versions, the panel (lens form), the tools, the comparison, every tool's takes
    # (one query), the takes' history
    with django_assert_num_queries(6):
        first = client.get(f"/compare/{a.slug}-vs-{b.slug}/")
    with django_assert_num_queries(1):  # the cached page: only the versions
        again = client.get(f"/compare/{a.slug}-vs-{b.slug}/")
    assert first.content == again.content == Client().get(f"/compare/{a.slug}-vs-{b.slug}/").content


@pytest.mark.django_db
def test_the_vote_control_works_without_javascript(client, seeded):
    html = client.get(COMPARE).content.decode()
    form = re.search(r'<form class="vote" id="vote-smolvm".*?</form>', html, re.S).group(0)
    assert 'method="post" action="/tools/smolvm/vote/"' in form
    assert "csrfmiddlewaretoken" not in form  # Fetch Metadata protects it instead
    assert 'id="voted-ship-smolvm"' in form and 'id="voted-skip-smolvm"' in form
    assert f'name="next" value="{COMPARE}"' in form
    # Ship and Skip, and under each "You said …" line's "change", the other call.
    assert form.count('type="submit" name="verdict"') == 4
    assert form.count('formaction="/tools/smolvm/vote/withdraw/"') == 2
