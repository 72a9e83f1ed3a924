"""Verified votes in the desk: editors read them by tool (a search box), call or
address, with each tool's verified tally; nobody adds, changes or deletes one."""

import pytest

from newsletter import verified
from newsletter.models import VerifiedVote
from tests.factories import make_editor, make_subscriber, make_tool
from tests.html import text_of
from verdicts.models import Call

VOTES = "/admin/newsletter/verifiedvote/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client):
    client.force_login(make_editor())
    return client


def test_editors_list_votes_by_tool_call_and_address(desk):
    rocket, snail = make_tool(name="Rocket"), make_tool(name="Snail")
    ada, bo = make_subscriber(email="ada@example.com"), make_subscriber(email="bo@example.com")
    verified.cast(ada, rocket, Call.SHIP)
    verified.cast(bo, rocket, Call.SKIP)
    verified.cast(ada, snail, Call.SKIP)
    html = desk.get(VOTES).content.decode()
    text = text_of(html)
    assert "Rocket Skip bo@example.com 1 ship, 1 skip" in text
    assert "Snail Skip ada@example.com 0 ship, 1 skip" in text
    assert '<input type="search" id="tool-filter-input" name="tool" value=""' in html
    assert "?tool=" not in html  # no link per tool

    by_tool = text_of(desk.get(VOTES, {"tool": "snail"}).content.decode())
    assert "Snail" in by_tool and "Rocket" not in by_tool
    skips = text_of(desk.get(VOTES, {"call__exact": "skip"}).content.decode())
    assert "bo@example.com" in skips and "Rocket Ship" not in skips
    by_address = text_of(desk.get(VOTES, {"q": "ADA@example.com"}).content.decode())
    assert "ada@example.com" in by_address and "bo@example.com" not in by_address


def test_nobody_adds_changes_or_deletes_a_verified_vote(desk):
    tool = make_tool()
    verified.cast(make_subscriber(), tool, Call.SHIP)
    vote = VerifiedVote.objects.get()
    listing = desk.get(VOTES).content.decode()
    assert "Add verified vote" not in listing and 'value="delete_selected"' not in listing
    change = f"{VOTES}{vote.pk}/change/"
    assert desk.get(change).status_code == 200
    assert desk.get(f"{VOTES}add/").status_code == 403
    assert desk.post(change, {"call": "skip"}).status_code == 403
    assert desk.post(f"{VOTES}{vote.pk}/delete/", {"post": "yes"}).status_code == 403
    tool.refresh_from_db()
    assert VerifiedVote.objects.get().call == Call.SHIP
    assert (tool.verified_ship_votes, tool.verified_skip_votes) == (1, 0)


def test_the_list_runs_a_constant_number_of_queries(desk, django_assert_num_queries):
    tool = make_tool()
    for size in (2, 20):
        while VerifiedVote.objects.count() < size:
            verified.cast(make_subscriber(), make_tool(), Call.SHIP)  # a tool per vote
        # Session, user, the count, the page of votes with their tools and
        # subscribers, the admin's bookkeeping; the tool filter adds its one query.
        with django_assert_num_queries(6):
            assert desk.get(VOTES).status_code == 200
        with django_assert_num_queries(7):
            assert desk.get(VOTES, {"tool": tool.slug}).status_code == 200
