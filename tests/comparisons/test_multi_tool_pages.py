"""Three or four tools side by side: /compare/a-vs-b-vs-c/ and its JSON twin."""

import itertools
import json
import re

import pytest
from django.test import Client

from comparisons.models import Comparison
from tests.factories import make_comparison, make_persona, make_take, make_tool
from tests.html import assert_in_order, region, text_of
from verdicts.models import Call

NOTICE = "On demand — not an editor's pick."


def decision_rows(html: str) -> dict:
    """Decision table: row label -> the cell texts, one per tool, without the
    tool name each cell repeats for phones (data-tool-name)."""
    # The decision table only: the head-to-head tables below it have rows too.
    table = region(html, "decision-heading", "head-to-head-heading")
    table = re.sub(r"<span [^>]*data-tool-name[^>]*>.*?</span>", "", table, flags=re.S)
    rows = re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', table, re.S)
    return {
        text_of(label): [text_of(c) for c in re.findall(r"<td>(.*?)</td>", cells)]
        for label, cells in rows
    }


def column_heads(html: str) -> list[str]:
    # The decision table only: the head-to-head tables below it have column heads too.
    table = region(html, "decision-heading", "head-to-head-heading")
    return [text_of(head) for head in re.findall(r'<th scope="col">(.*?)</th>', table, re.S)][1:]


def scorecard_rows(html: str) -> dict:
    """Scorecard: persona name -> the text of each tool's take box, in page order."""
    card = region(html, "scorecard-heading")
    rows = {}
    for row in re.findall(r'<section class="scorecard__row".*?</section>', card, re.S):
        name = text_of(re.search(r"<h3.*?<a[^>]*>(.*?)</a>", row, re.S).group(1))
        boxes = re.findall(r'<(?:article|div) class="take take--.*?</(?:article|div)>', row, re.S)
        rows[name] = [text_of(box) for box in boxes]
    return rows


@pytest.fixture
def panel():
    return make_persona(name="Builder", slug="builder"), make_persona(
        name="Skeptic", slug="skeptic"
    )


def tools_with_takes(panel, names):
    """Tools named `names`; the Builder reviews each, the Skeptic only the first."""
    builder, skeptic = panel
    tools = []
    for n, name in enumerate(names):
        tool = make_tool(name=name, pricing=f"${n + 1}0 a month", tagline=f"{name} tagline")
        make_take(tool, builder, score=60 + n, call=Call.SHIP, body=f"Builder on {name}.")
        tools.append(tool)
    make_take(tools[0], skeptic, score=40, call=Call.SKIP, body="Skeptic doubts it.")
    return tools


@pytest.mark.django_db
def test_three_unpaired_tools_get_cards_table_and_scorecard_in_slug_order(client, panel):
    tools_with_takes(panel, ["Gamma", "Alpha", "Beta"])
    response = client.get("/compare/alpha-vs-beta-vs-gamma/")
    assert response.status_code == 200
    html = response.content.decode()
    text = text_of(html)
    assert "<h1><bdi>Alpha</bdi> vs <bdi>Beta</bdi> vs <bdi>Gamma</bdi></h1>" in html
    assert NOTICE in text
    assert Comparison.objects.count() == 0
    for slug in ("alpha", "beta", "gamma"):
        assert f'<article class="tool-card" id="tool-{slug}"' in html
    assert_in_order(html, ['id="tool-alpha"', 'id="tool-beta"', 'id="tool-gamma"'])
    assert column_heads(html) == ["Alpha", "Beta", "Gamma"]
    rows = decision_rows(html)
    assert rows["Pricing"] == ["$20 a month", "$30 a month", "$10 a month"]
    assert [cell.split("/")[0] for cell in rows["Average score"]] == ["61", "62", "50"]
    assert rows["Panel verdict"][2].startswith("Split")
    assert all(len(cells) == 3 for cells in rows.values())
    scorecard = scorecard_rows(html)
    assert list(scorecard) == ["Builder", "Skeptic"]
    for box, (name, score) in zip(
        scorecard["Builder"], [("Alpha", 61), ("Beta", 62), ("Gamma", 60)], strict=True
    ):
        assert_in_order(box, [name, f"{score}/100", "ship", f"Builder on {name}."])
    assert scorecard["Skeptic"][:2] == ["Alpha No panel take", "Beta No panel take"]
    assert_in_order(scorecard["Skeptic"][2], ["Gamma", "40/100", "skip", "Skeptic doubts it."])


@pytest.mark.django_db
def test_a_curated_four_tool_comparison_keeps_the_editors_order(client, panel):
    zed, able, mid, kit = tools_with_takes(panel, ["Zed", "Able", "Mid", "Kit"])
    make_comparison(zed, able, mid, kit, intro="Four agents, one **budget**.")
    response = client.get("/compare/zed-vs-able-vs-mid-vs-kit/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1><bdi>Zed</bdi> vs <bdi>Able</bdi> vs <bdi>Mid</bdi> vs <bdi>Kit</bdi></h1>" in html
    assert "<strong>budget</strong>" in html
    assert NOTICE not in text_of(html)
    assert column_heads(html) == ["Zed", "Able", "Mid", "Kit"]
    assert_in_order(html, ['id="tool-zed"', 'id="tool-able"', 'id="tool-mid"', 'id="tool-kit"'])
    rows = decision_rows(html)
    assert rows["Best for"] == ["Zed tagline", "Able tagline", "Mid tagline", "Kit tagline"]
    scorecard = scorecard_rows(html)
    assert [box.split(" ")[0] for box in scorecard["Builder"]] == ["Zed", "Able", "Mid", "Kit"]
    assert_in_order(scorecard["Skeptic"][0], ["Zed", "40/100", "skip", "Skeptic doubts it."])
    assert all(box.endswith("No panel take") for box in scorecard["Skeptic"][1:])
    ld = json.loads(re.search(r'application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert [node["name"] for node in ld["@graph"]] == ["Zed", "Able", "Mid", "Kit"]


@pytest.mark.django_db
def test_every_other_order_of_three_unpaired_tools_redirects_page_and_json(client, panel):
    tools_with_takes(panel, ["Gamma", "Alpha", "Beta"])
    canonical = "alpha-vs-beta-vs-gamma"
    orders = ["-vs-".join(order) for order in itertools.permutations(["alpha", "beta", "gamma"])]
    assert len(orders) == 6
    for order in orders:
        page, data = client.get(f"/compare/{order}/"), client.get(f"/compare/{order}.json")
        if order == canonical:
            assert (page.status_code, data.status_code) == (200, 200)
            continue
        assert page.status_code == data.status_code == 301
        assert page["Location"] == f"/compare/{canonical}/"
        assert data["Location"] == f"/compare/{canonical}.json"


@pytest.mark.django_db
def test_every_other_order_of_a_curated_four_redirects_to_the_editors_order(client, panel):
    zed, able, mid, kit = tools_with_takes(panel, ["Zed", "Able", "Mid", "Kit"])
    make_comparison(zed, able, mid, kit)
    canonical = "zed-vs-able-vs-mid-vs-kit"
    redirected = 0
    for order in itertools.permutations(["zed", "able", "mid", "kit"]):
        slug = "-vs-".join(order)
        if slug == canonical:
            continue
        page, data = client.get(f"/compare/{slug}/"), client.get(f"/compare/{slug}.json")
        assert (page.status_code, page["Location"]) == (301, f"/compare/{canonical}/")
        assert (data.status_code, data["Location"]) == (301, f"/compare/{canonical}.json")
        redirected += 1
    assert redirected == 23


@pytest.mark.django_db
def test_a_curated_trio_wins_over_the_on_demand_one(client, panel):
    a, b, c = tools_with_takes(panel, ["Able", "Baker", "Cook"])
    make_comparison(c, a, b, intro="Editor's trio.")
    assert client.get("/compare/able-vs-baker-vs-cook/")["Location"] == (
        "/compare/cook-vs-able-vs-baker/"
    )
    assert "Editor's trio." in text_of(
        client.get("/compare/cook-vs-able-vs-baker/").content.decode()
    )


@pytest.mark.django_db
def test_the_json_lists_every_tool_and_a_call_per_tool(client, panel):
    tools_with_takes(panel, ["Gamma", "Alpha", "Beta"])
    response = client.get("/compare/alpha-vs-beta-vs-gamma.json")
    assert response.status_code == 200
    data = response.json()
    assert data["title"] == "Alpha vs Beta vs Gamma"
    assert data["editors_pick"] is False
    assert [tool["slug"] for tool in data["tools"]] == ["alpha", "beta", "gamma"]
    assert data["json_url"].endswith("/compare/alpha-vs-beta-vs-gamma.json")
    by_persona = {row["persona"]: row["calls"] for row in data["scorecard"]}
    assert [call["score"] for call in by_persona["builder"]] == [61, 62, 60]
    assert by_persona["skeptic"][:2] == [None, None]
    assert by_persona["skeptic"][2]["call"] == "skip"


@pytest.mark.django_db
def test_slugs_holding_vs_are_read_as_three_tools(client):
    make_tool(name="Alpha"), make_tool(name="Beta-vs-Gamma"), make_tool(name="Delta")
    response = client.get("/compare/alpha-vs-beta-vs-gamma-vs-delta/")
    assert response.status_code == 200
    assert (
        "<h1><bdi>Alpha</bdi> vs <bdi>Beta-vs-Gamma</bdi> vs <bdi>Delta</bdi></h1>"
        in response.content.decode()
    )
    assert client.get("/compare/delta-vs-beta-vs-gamma-vs-alpha/")["Location"] == (
        "/compare/alpha-vs-beta-vs-gamma-vs-delta/"
    )


@pytest.mark.django_db
def test_five_tools_is_a_400_that_says_at_most_four(client):
    for name in ("Able", "Baker", "Cook", "Dean", "Eve"):
        make_tool(name=name)
    response = client.get("/compare/able-vs-baker-vs-cook-vs-dean-vs-eve/")
    assert response.status_code == 400
    text = text_of(response.content.decode())
    assert "We cannot compare these tools" in text
    assert "This address names 5 tools; a comparison puts 2 to 4 side by side." in text
    data = client.get("/compare/able-vs-baker-vs-cook-vs-dean-vs-eve.json")
    assert data.status_code == 400
    assert data.json() == {
        "error": "This address names 5 tools; a comparison puts 2 to 4 side by side."
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "slug", ["able-vs-able", "able-vs-baker-vs-able", "able-vs-baker-vs-cook-vs-baker"]
)
def test_a_repeated_tool_is_a_400_that_names_it(client, slug):
    for name in ("Able", "Baker", "Cook"):
        make_tool(name=name)
    response = client.get(f"/compare/{slug}/")
    assert response.status_code == 400
    repeated = "Able" if slug.count("able") > 1 else "Baker"
    message = (
        f"“{repeated}” appears more than once: a comparison puts different tools side by side."
    )
    assert message in text_of(response.content.decode())
    assert client.get(f"/compare/{slug}.json").json() == {"error": message}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "slug",
    [
        "able-vs-baker-vs-nobody",
        "able-vs-baker-vs-draft",
        "able-vs-baker-vs-cook-vs-dean-vs-nobody",
    ],
)
def test_an_unknown_or_draft_tool_among_several_is_a_404(client, slug):
    for name in ("Able", "Baker", "Cook", "Dean"):
        make_tool(name=name)
    make_tool(name="Draft", is_published=False)
    response = client.get(f"/compare/{slug}/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()
    assert client.get(f"/compare/{slug}.json").status_code == 404


@pytest.mark.django_db
def test_a_curated_trio_with_a_draft_tool_is_hidden_from_readers(client, panel):
    a, b, c = tools_with_takes(panel, ["Able", "Baker", "Cook"])
    make_comparison(a, b, c)
    c.is_published = False
    c.save()
    assert not Comparison.objects.published().exists()
    assert client.get("/compare/able-vs-baker-vs-cook/").status_code == 404
    assert client.get("/compare/able-vs-baker/").status_code == 200  # on demand


def _tools_for_counts(count: int, takes: int):
    personas = [make_persona() for _ in range(takes)]
    tools = sorted((make_tool() for _ in range(count)), key=lambda tool: tool.slug)
    for tool in tools:
        for persona in personas:
            make_take(tool, persona)
    return tools


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 4])
@pytest.mark.parametrize("takes", [1, 6])
@pytest.mark.parametrize("curated", [False, True], ids=["on demand", "curated"])
@pytest.mark.parametrize("suffix", ["/", ".json"], ids=["page", "json"])
def test_the_page_and_json_run_six_queries_whatever_the_number_of_tools(
    client, django_assert_num_queries, count, takes, curated, suffix
):
    tools = _tools_for_counts(count, takes)
    if curated:
        make_comparison(*tools)
    url = "/compare/" + "-vs-".join(tool.slug for tool in tools) + suffix
    # The content version (page cache), the tools of every reading of the URL,
    # the curated comparisons of those sets, every tool's takes with personas,
    # every tool's take history; +1: the panel (page: lens form and "N of M
    # reviewed"; JSON: the panel's size).
    with django_assert_num_queries(6):
        response = client.get(url)
    assert response.status_code == 200
    if suffix == ".json":
        assert len(response.json()["tools"]) == count
    else:
        assert len(column_heads(response.content.decode())) == count


@pytest.mark.django_db
def test_staff_preview_a_draft_trio_that_readers_cannot_see(editor_client, panel):
    a, b, c = tools_with_takes(panel, ["Able", "Baker", "Cook"])
    make_comparison(c, b, a, is_published=False, intro="Draft trio.")
    preview = editor_client.get("/compare/cook-vs-baker-vs-able/")
    assert preview.status_code == 200
    assert "Draft preview" in text_of(preview.content.decode())
    assert "Draft trio." in text_of(preview.content.decode())
    # Readers get the on-demand trio, in alphabetical order.
    reader = Client()
    assert reader.get("/compare/cook-vs-baker-vs-able/")["Location"] == (
        "/compare/able-vs-baker-vs-cook/"
    )
    assert NOTICE in text_of(reader.get("/compare/able-vs-baker-vs-cook/").content.decode())
