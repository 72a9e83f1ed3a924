"""/tools/<slug>.json carries the same facts as the tool page."""

import json
import re

import pytest
from django.contrib.auth.models import User

from tests.factories import make_persona, make_take, make_tool
from tests.html import region, text_of
from verdicts.models import Call, Tool

SITE = "http://127.0.0.1:8000"


def page_facts(html: str) -> dict:
    """The "At a glance" list of the tool page, label -> visible text."""
    facts = region(html, "facts-heading", "takes-heading")
    pairs = re.findall(r"<dt>(.*?)</dt><dd[^>]*>(.*?)</dd>", facts, re.S)
    return {text_of(label): text_of(value) for label, value in pairs}


def canonical(html: str) -> str:
    return re.search(r'<link rel="canonical" href="([^"]+)">', html).group(1)


@pytest.fixture
def rocket(db):
    tool = make_tool(
        name="Rocket & Co",
        tagline="Launches things",
        pricing="$20 a seat",
        entry_tier=Tool.EntryTier.FREEMIUM,
    )
    make_take(tool, make_persona(name="Builder"), score=81, call=Call.SHIP, body="Fast *API*.")
    make_take(tool, make_persona(name="Skeptic"), score=None, call=Call.SKIP, body="Who cares.")
    make_take(tool, make_persona(name="PM"), score=70, call=Call.SHIP, body="Users like it.")
    # The tally kept on the row, as CommunityVote.cast() leaves it.
    Tool.objects.filter(pk=tool.pk).update(community_ship_votes=2, community_skip_votes=1)
    return tool


@pytest.mark.django_db
def test_every_figure_in_the_json_is_what_the_page_shows(client, rocket):
    html = client.get("/tools/rocket-co/").content.decode()
    response = client.get("/tools/rocket-co.json")
    assert response.status_code == 200
    data = json.loads(response.content)
    facts = page_facts(html)
    card = text_of(html[html.index('class="tool-card"') : html.index('id="facts-heading"')])

    assert data["canonical_url"] == canonical(html) == f"{SITE}/tools/rocket-co/"
    assert data["name"] in card and data["tagline"] in card
    assert f"{data['panel']['ship_percent']}%" in card
    assert data["panel"]["verdict"] in card
    assert data["community"]["percent_label"] in card
    assert data["pricing"]["entry_tier_label"] in card
    assert (
        facts["Panel verdict"]
        == data["panel"]["summary"]
        == ("Ship · 2 ship / 1 skip · Skeptic dissents")
    )
    assert facts["Reviewers"] == data["panel"]["reviewed_label"] == "3 of 3 reviewed"
    assert data["panel"]["dissenters"] == ["Skeptic"] and not data["panel"]["preliminary"]
    # Three votes are below COMMUNITY_MIN_VOTES: the counts, no percentage.
    assert facts["Community"] == data["community"]["summary"] == "2 ship, 1 skip"
    assert data["community"]["ship_percent"] is None
    assert facts["Readers vs panel"] == data["readers_vs_panel"]["label"]
    assert data["readers_vs_panel"]["points"] is None
    assert facts["Pricing"] == data["pricing"]["read"] == "$20 a seat"
    assert facts["Best for"] == data["tagline"]
    assert facts["Average score"].startswith(f"{data['panel']['average_score']:g}/100")
    assert data["panel"]["average_score"] == 75.5

    takes_text = text_of(region(html, "takes-heading", "compared-heading"))
    position = 0
    for take in data["takes"]:
        for fragment in (
            take["persona"]["name"],
            f"{take['score_label']} · {take['call']}",
            text_of(take["body_html"]),
        ):
            position = takes_text.index(fragment, position)
    assert [take["score"] for take in data["takes"]] == [81, None, 70]


@pytest.mark.django_db
def test_it_is_utf8_json_that_any_site_may_read(client, rocket):
    response = client.get("/tools/rocket-co.json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    data = json.loads(response.content)
    assert data["json_url"] == f"{SITE}/tools/rocket-co.json"
    assert data["badge_url"] == f"{SITE}/badges/rocket-co.svg"
    assert data["category"]["url"] == f"{SITE}{rocket.category.get_absolute_url()}"


@pytest.mark.django_db
def test_the_page_links_its_json_twin(client, rocket):
    html = client.get("/tools/rocket-co/").content.decode()
    assert f'<link rel="alternate" type="application/json" href="{SITE}/tools/rocket-co.json">' in (
        html
    )


@pytest.mark.django_db
def test_unknown_and_draft_tools_have_no_json_except_for_staff(client):
    draft = make_tool(name="Draft", is_published=False)
    assert client.get("/tools/nothing.json").status_code == 404
    assert client.get("/tools/draft.json").status_code == 404
    client.force_login(User.objects.create_user("editor", is_staff=True))
    assert json.loads(client.get("/tools/draft.json").content)["name"] == draft.name


@pytest.mark.django_db
def test_an_unreviewed_tool_says_so_with_nulls_not_guesses(client):
    make_tool(name="Quiet", pricing="")
    data = json.loads(client.get("/tools/quiet.json").content)
    assert data["panel"]["ship_percent"] is None
    assert data["panel"]["average_score"] is None
    assert data["panel"]["summary"] == "No panel yet"
    assert data["community"]["ship_percent"] is None
    assert data["pricing"]["read"] is None
    assert data["takes"] == []


@pytest.mark.django_db
@pytest.mark.parametrize("takes", [1, 8])
def test_the_json_runs_five_queries(client, django_assert_num_queries, takes):
    tool = make_tool()
    for _ in range(takes):
        take = make_take(tool, make_persona())
        take.call = Call.SKIP
        take.save()
    # The tool, its takes, their history; +1: the content version read by the page
    # cache; +1: the panel's size ("N of M reviewed")
    with django_assert_num_queries(5):
        response = client.get(f"/tools/{tool.slug}.json")
    assert len(json.loads(response.content)["takes"]) == takes
    assert len(json.loads(response.content)["history"]) == 2 * takes
