"""The new figures where readers meet them outside the comparison page: tool
lists sorted by average score (and ship % ties broken by it), the tool page's
reviewers, dissent and gap, with constant queries at 2 and 12 personas."""

import re

import pytest

from tests.factories import make_comparison, make_persona, make_take, make_tool
from tests.html import region, text_of
from verdicts.models import Call, CommunityVote


def listed(response) -> list[str]:
    return re.findall(
        r'class="tool-row__name" href="[^"]+"><bdi>([^<]+)</bdi></a>', response.content.decode()
    )


@pytest.fixture
def ranked(db):
    """The issue's case: 68.5 and 74.3 averages tie at 75% ship; names say nothing."""
    personas = [make_persona() for _ in range(4)]
    for name, scores in [("Aardvark", [70, 67, 80, 57]), ("Zebra", [74, 74, 75, 74])]:
        tool = make_tool(name=name)
        for persona, score, call in zip(personas, scores, ["ship"] * 3 + ["skip"], strict=True):
            make_take(tool, persona, score=score, call=call)
    top = make_tool(name="Middling")
    for persona, score in zip(personas, [60, 60, 60, 60], strict=True):
        make_take(top, persona, score=score, call=Call.SHIP)


@pytest.mark.django_db
def test_a_ship_percent_tie_goes_to_the_higher_average_not_the_name(client, ranked):
    assert listed(client.get("/tools/")) == ["Middling", "Zebra", "Aardvark"]


@pytest.mark.django_db
def test_tools_can_be_sorted_by_average_score(client, ranked):
    response = client.get("/tools/", {"sort": "score"})
    assert response.status_code == 200
    assert listed(response) == ["Zebra", "Aardvark", "Middling"]  # 74.3, 68.5, 60
    assert '<option value="score" selected>Average score</option>' in response.content.decode()


@pytest.mark.django_db
def test_the_tool_page_counts_reviewers_and_marks_the_dissent(client, seeded):
    html = client.get("/tools/smolvm/").content.decode()
    facts = text_of(region(html, "facts-heading", "takes-heading"))
    assert "Panel verdict Ship · 3 ship / 1 skip · Skeptic dissents" in facts
    assert "Reviewers 4 of 6 reviewed" in facts
    assert "Readers vs panel Too few reader votes to compare (fewer than 10)" in facts
    takes = region(html, "takes-heading", "compared-heading")
    assert takes.count("take--dissent") == 1
    assert "Skeptic 45/100 · skip · Dissents" in text_of(takes)


@pytest.mark.django_db
def test_the_tool_page_words_the_gap_once_ten_readers_voted(client, seeded):
    from verdicts.models import Tool

    smolvm = Tool.objects.get(slug="smolvm")
    for n in range(12):
        CommunityVote.objects.cast(smolvm, f"reader-{n}", Call.SHIP if n < 3 else Call.SKIP)
    facts = text_of(region(client.get("/tools/smolvm/").content.decode(), "facts-heading"))
    assert "Community 25% ship · 12 votes" in facts
    assert "Readers are 50 points cooler than the panel" in facts


def _tool_with_personas(count):
    tool, other = make_tool(), make_tool()
    for n in range(count):
        persona = make_persona()
        make_take(tool, persona, score=n, call=Call.SHIP if n % 3 else Call.SKIP)
        make_take(other, persona, score=None)
    return tool, make_comparison(tool, other)


@pytest.mark.django_db
@pytest.mark.parametrize("personas", [2, 12])
def test_pages_and_json_run_the_same_queries_with_2_or_12_personas(
    client, django_assert_num_queries, personas
):
    tool, comparison = _tool_with_personas(personas)
    pages = [
        # versions, tool, takes, take history, panel size, comparisons, alternatives
        (tool.get_absolute_url(), 7),
        # versions, tool, takes, take history, panel size
        (f"/tools/{tool.slug}.json", 5),
        # versions, panel size, tools, comparison, every tool's takes, take history
        (comparison.get_absolute_url().rstrip("/") + ".json", 6),
        # versions, the panel, tools, comparison, every tool's takes, take history
        (comparison.get_absolute_url(), 6),
        # versions, categories, count, page
        ("/tools/?sort=score", 4),
    ]
    for url, queries in pages:
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200, url


@pytest.mark.django_db
@pytest.mark.parametrize(
    "ship, skip, card, summary, percent",
    [
        (199, 1, "99%", "99% ship · 200 votes", 99),
        (1, 201, "1%", "1% ship · 202 votes", 1),
        (1, 0, "1 ship, 0 skip", "1 ship, 0 skip", None),
        (6, 3, "6 ship, 3 skip", "6 ship, 3 skip", None),
        (7, 3, "70%", "70% ship · 10 votes", 70),
    ],
)
def test_community_figures_on_the_page_and_in_the_json(client, ship, skip, card, summary, percent):
    from verdicts.models import Tool

    tool = make_tool(name="Counted")
    Tool.objects.filter(pk=tool.pk).update(community_ship_votes=ship, community_skip_votes=skip)
    html = client.get("/tools/counted/").content.decode()
    assert f'data-community-percent="counted">{card}</dd>' in html
    assert f"Community {summary}" in text_of(region(html, "facts-heading"))
    data = client.get("/tools/counted.json").json()
    assert data["community"]["summary"] == summary
    assert data["community"]["ship_percent"] == percent
