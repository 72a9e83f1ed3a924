"""Community votes in the desk: readable, counted per tool, never editable."""

import pytest
from django.contrib.auth.models import User

from tests.factories import make_editor, make_tool, make_vote
from tests.html import assert_in_order, text_of
from verdicts.models import Call, CommunityVote

VOTES = "/admin/verdicts/communityvote/"


def cast(tool, call):
    # As CommunityVote.cast() will: the vote row plus the tool's counter.
    vote = make_vote(tool, call=call)
    field = "community_ship_votes" if call == Call.SHIP else "community_skip_votes"
    setattr(tool, field, getattr(tool, field) + 1)
    tool.save()
    return vote


@pytest.fixture(params=["editor", "superuser"])
def desk_client(request, client, db):
    if request.param == "editor":
        client.force_login(make_editor())
    else:
        client.force_login(User.objects.create_superuser("root", "root@example.com", "x"))
    return client


@pytest.mark.django_db
def test_it_lists_votes_with_each_tools_tally_and_filters_them(desk_client):
    alpha, beta = make_tool(name="Alpha"), make_tool(name="Beta")
    cast(alpha, Call.SHIP)
    cast(alpha, Call.SHIP)
    cast(alpha, Call.SKIP)
    cast(beta, Call.SKIP)
    text = text_of(desk_client.get(VOTES).content.decode())
    assert "Alpha Ship" in text and "2 ship, 1 skip" in text
    assert "Beta Skip" in text and "0 ship, 1 skip" in text
    only_alpha = text_of(desk_client.get(f"{VOTES}?tool__id__exact={alpha.pk}").content.decode())
    assert only_alpha.count("2 ship, 1 skip") == 3 and "0 ship, 1 skip" not in only_alpha
    skips = text_of(desk_client.get(f"{VOTES}?call__exact=skip").content.decode())
    assert "Alpha Skip" in skips and "Beta Skip" in skips
    assert "Alpha Ship" not in skips
    tools = text_of(desk_client.get("/admin/verdicts/tool/").content.decode())
    assert_in_order(tools, ["Alpha", "2 ship, 1 skip", "Beta", "0 ship, 1 skip"])


@pytest.mark.django_db
def test_nobody_adds_changes_or_deletes_a_vote(desk_client):
    vote = make_vote(make_tool())
    listing = desk_client.get(VOTES).content.decode()
    assert "Add community vote" not in listing
    assert 'value="delete_selected"' not in listing
    change = f"{VOTES}{vote.pk}/change/"
    page = desk_client.get(change)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert desk_client.get(f"{VOTES}add/").status_code == 403
    assert desk_client.post(change, {"call": "skip"}).status_code == 403
    assert desk_client.post(f"{VOTES}{vote.pk}/delete/", {"post": "yes"}).status_code == 403
    vote.refresh_from_db()
    assert vote.call == Call.SHIP and CommunityVote.objects.count() == 1


@pytest.mark.django_db
def test_the_vote_list_runs_a_constant_number_of_queries(client, django_assert_num_queries):
    client.force_login(make_editor())
    tool = make_tool()
    for size in (2, 20):
        while CommunityVote.objects.count() < size:
            make_vote(make_tool())  # a tool per vote: the filter must not list them
        # Session, user, the count, the page of votes with their tools and the
        # admin's own bookkeeping; the tool filter adds one query only when used.
        with django_assert_num_queries(6):
            assert client.get(VOTES).status_code == 200
        with django_assert_num_queries(7):
            assert client.get(VOTES, {"tool": tool.slug}).status_code == 200


@pytest.mark.django_db
def test_the_tool_filter_is_a_search_box_not_a_link_per_tool(client):
    client.force_login(make_editor())
    rocket, snail = make_tool(name="Rocket"), make_tool(name="Snail")
    for _ in range(3):
        make_vote(rocket, call=Call.SHIP)
    make_vote(snail, call=Call.SKIP)
    html = client.get(VOTES).content.decode()
    assert '<input type="search" id="tool-filter-input" name="tool" value=""' in html
    assert "?tool=" not in html  # no link per tool

    by_slug = client.get(VOTES, {"tool": "rocket", "call__exact": "ship"})
    listed = by_slug.content.decode()
    assert text_of(listed).count("Rocket") >= 3 and "Snail" not in text_of(listed)
    assert '<input type="hidden" name="call__exact" value="ship">' in listed
    by_name = client.get(VOTES, {"tool": "sNAIL"}).content.decode()
    assert "Snail" in text_of(by_name) and "3 ship" not in text_of(by_name)

    unknown = client.get(VOTES, {"tool": "<b>nope</b>"})
    assert unknown.status_code == 200
    text = text_of(unknown.content.decode())
    assert "No tool called “<b>nope</b>”" in text
    assert "<b>nope</b>" not in unknown.content.decode().replace("value=", "")
