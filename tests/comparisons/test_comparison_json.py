"""/compare/<a>-vs-<b>.json carries the same facts as the comparison page."""

import json
import re

import pytest

from tests.factories import make_comparison, make_persona, make_take, make_tool
from tests.html import region, text_of
from tests.seed_pages import seed_pages
from verdicts.models import Call, Take

SITE = "http://127.0.0.1:8000"
SEED_URLS = [
    "/compare/claude-4-api-tool-use-streaming-prompt-caching-vs-smolvm/",
    "/compare/claude-4-api-tool-use-streaming-prompt-caching-vs-smollm3/",
    "/compare/smollm3-vs-smolvm/",  # on demand
]


def decision_rows(html: str) -> dict:
    """Decision table: row label -> [cell text for tool a, cell text for tool b]."""
    table = region(html, "decision-heading", "scorecard-heading")
    # Each cell repeats its tool's name for phones (hidden on wide screens): not a figure.
    table = re.sub(r"<span[^>]*data-tool-name>.*?</span>", "", table, flags=re.S)
    rows = re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', table, re.S)
    return {
        text_of(label): [text_of(c) for c in re.findall(r"<td>(.*?)</td>", cells)]
        for label, cells in rows
    }


def json_url(page_url: str) -> str:
    return page_url.rstrip("/") + ".json"


@pytest.mark.django_db
@pytest.mark.parametrize("url", SEED_URLS)
def test_every_figure_in_the_json_is_what_the_page_shows(client, seeded, url):
    html = client.get(url).content.decode()
    response = client.get(json_url(url))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = json.loads(response.content)
    rows = decision_rows(html)

    assert data["canonical_url"] == f"{SITE}{url}"
    assert data["title"] == text_of(re.search(r"<h1>(.*?)</h1>", html).group(1))
    assert data["editors_pick"] == ("On demand" not in html)
    for index, tool in enumerate(data["tools"]):
        assert rows["Panel verdict"][index] == tool["panel"]["summary"]
        # Verified readers share the community's row (templates/comparisons/compare.html).
        assert rows["Community"][index] == (
            f"{tool['community']['summary']} · Verified readers: "
            f"{tool['verified_readers']['summary']}"
        )
        assert rows["Pricing"][index] == (tool["pricing"]["read"] or "No pricing read yet")
        assert rows["Best for"][index] == tool["tagline"]
        assert rows["Category"][index] == tool["category"]["name"]
        card = text_of(html[html.index(f'id="tool-{tool["slug"]}"') :].split("</article>")[0])
        assert f"{tool['panel']['ship_percent']}%" in card

    scorecard = text_of(region(html, "scorecard-heading"))
    names = [tool["name"] for tool in data["tools"]]
    position = 0
    for row in data["scorecard"]:
        persona = next(
            take["persona"]["name"]
            for tool in data["tools"]
            for take in tool["takes"]
            if take["persona"]["slug"] == row["persona"]
        )
        position = scorecard.index(persona, position)
        for name, call in zip(names, row["calls"], strict=True):
            position = scorecard.index(name, position)
            expected = (
                "No panel take" if call is None else f"{call['score_label']} · {call['call']}"
            )
            position = scorecard.index(expected, position)


@pytest.mark.django_db
def test_the_seed_figures_come_through_the_json(client, seeded):
    seed = next(s for s in seed_pages() if "smolvm" in s.tool_b)
    data = json.loads(client.get(json_url(SEED_URLS[0])).content)
    assert [tool["name"] for tool in data["tools"]] == [seed.tool_a, seed.tool_b]
    # The seed's lines, and now who dissents: SmolVM's Skeptic says skip against three ships.
    a_line, b_line = seed.panel_lines.values()
    assert [tool["panel"]["summary"] for tool in data["tools"]] == [
        a_line,
        f"{b_line} · Skeptic dissents",
    ]
    assert [f"{tool['panel']['ship_percent']}%" for tool in data["tools"]] == list(
        seed.percents.values()
    )


@pytest.mark.django_db
def test_a_reversed_pair_redirects_to_the_canonical_json(client):
    zed, able = make_tool(name="Zed"), make_tool(name="Able")
    assert client.get("/compare/zed-vs-able.json")["Location"] == "/compare/able-vs-zed.json"
    make_comparison(zed, able)
    assert client.get("/compare/able-vs-zed.json")["Location"] == "/compare/zed-vs-able.json"
    data = json.loads(client.get("/compare/zed-vs-able.json").content)
    assert data["editors_pick"] is True
    assert data["json_url"] == f"{SITE}/compare/zed-vs-able.json"
    assert client.get("/compare/zed-vs-nobody.json").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("takes", [1, 9])
@pytest.mark.parametrize("curated", [True, False])
def test_the_json_runs_three_queries(client, django_assert_num_queries, takes, curated):
    a, b = make_tool(name="Able"), make_tool(name="Zed")
    for _ in range(takes):
        persona = make_persona()
        make_take(a, persona), make_take(b, persona, score=None, call=Call.SKIP)
    if curated:
        make_comparison(a, b)
    for take in Take.objects.filter(tool=b):  # revised after publication
        take.call = Call.SHIP
        take.save()
    # The tools, the curated comparison, their takes in one query, the takes' history in
    # one. +1: the content version read by the page cache; +1: the panel's size
    with django_assert_num_queries(6):
        data = json.loads(client.get("/compare/able-vs-zed.json").content)
    assert len(data["scorecard"]) == takes
    assert len(data["tools"][1]["history"]) == 2 * takes
    assert len(data["changed_after_publication"]) == (takes if curated else 0)
    assert data["editors_pick"] is curated
