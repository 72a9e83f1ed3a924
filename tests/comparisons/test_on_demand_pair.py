"""Any two published tools can be compared, even when no editor paired them."""

import pytest

from comparisons.models import Comparison
from tests.factories import make_comparison, make_persona, make_take, make_tool
from tests.html import assert_in_order, region, text_of
from verdicts.models import Call

NOTICE = "On demand — not an editor's pick."


@pytest.mark.django_db
def test_it_renders_two_unpaired_tools_from_their_data_and_says_it_is_not_curated(client):
    persona = make_persona(name="Skeptic")
    alpha = make_tool(name="Alpha", pricing="$10 a month", tagline="Fast alpha")
    beta = make_tool(name="Beta", pricing="", tagline="Careful beta")
    make_take(alpha, persona, score=81, call=Call.SHIP, body="Alpha holds up.")
    make_take(beta, persona, score=None, call=Call.SKIP, body="Beta does not.")
    response = client.get("/compare/alpha-vs-beta/")
    assert response.status_code == 200
    html = response.content.decode()
    assert NOTICE in text_of(html)
    assert Comparison.objects.count() == 0  # generated, never stored
    assert_in_order(
        text_of(region(html, "decision-heading", "scorecard-heading")),
        [
            "Ship (preliminary) · 1 ship / 0 skip",
            "Skip (preliminary) · 0 ship / 1 skip",
            "$10 a month",
            "No pricing read yet",
        ],
    )
    assert_in_order(
        text_of(region(html, "scorecard-heading")),
        ["Skeptic", "Alpha", "81/100 · ship", "Alpha holds up.", "Beta", "Unscored · skip"],
    )


@pytest.mark.django_db
def test_a_reversed_on_demand_pair_redirects_to_alphabetical_order(client):
    make_tool(name="Zed"), make_tool(name="Able")
    response = client.get("/compare/zed-vs-able/")
    assert response.status_code == 301
    assert response["Location"] == "/compare/able-vs-zed/"


@pytest.mark.django_db
def test_a_curated_comparison_always_wins_whatever_the_order(client):
    zed, able = make_tool(name="Zed"), make_tool(name="Able")
    make_comparison(zed, able, intro="Why these two.")
    assert client.get("/compare/able-vs-zed/")["Location"] == "/compare/zed-vs-able/"
    text = text_of(client.get("/compare/zed-vs-able/").content.decode())
    assert "Why these two." in text
    assert "On demand" not in text


@pytest.mark.django_db
def test_slugs_that_contain_vs_are_read_every_way(client):
    make_tool(name="Alpha"), make_tool(name="Beta-vs-Gamma")
    response = client.get("/compare/alpha-vs-beta-vs-gamma/")
    assert response.status_code == 200
    assert "Alpha vs Beta-vs-Gamma" in text_of(response.content.decode())
    assert client.get("/compare/beta-vs-gamma-vs-alpha/")["Location"] == (
        "/compare/alpha-vs-beta-vs-gamma/"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("pair", ["alpha-vs-draft", "alpha-vs-nobody", "alpha"])
def test_it_is_a_404_unless_two_distinct_published_tools_match(client, pair):
    make_tool(name="Alpha"), make_tool(name="Draft", is_published=False)
    response = client.get(f"/compare/{pair}/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def _tools_with_takes(takes):
    tools = [make_tool(), make_tool()]
    for n in range(takes):
        persona = make_persona()
        for tool in tools:
            take = make_take(tool, persona, score=None if n % 2 else n)
            take.body += " Revised."  # a second history record per take
            take.save()
    return tools


@pytest.mark.django_db
@pytest.mark.parametrize("takes", [1, 10])
def test_the_on_demand_page_runs_three_queries(client, django_assert_num_queries, takes):
    a, b = sorted(_tools_with_takes(takes), key=lambda tool: tool.slug)
    # No curated match, both tools with categories, their takes with personas, the
    # takes' history. +1: the content version read by the page cache; +1: the panel
    # (lens form, "N of M")
    with django_assert_num_queries(6):
        response = client.get(f"/compare/{a.slug}-vs-{b.slug}/")
    assert response.status_code == 200
    assert text_of(response.content.decode()).count("Unscored") == 2 * (takes // 2)


@pytest.mark.django_db
@pytest.mark.parametrize("takes", [1, 10])
def test_the_curated_page_runs_three_queries(client, django_assert_num_queries, takes):
    comparison = make_comparison(*_tools_with_takes(takes))
    # The tools, the comparison, their takes (one query), the takes' history.
    # +1: the content version read by the page cache; +1: the panel (lens form, "N of M")
    with django_assert_num_queries(6):
        response = client.get(comparison.get_absolute_url())
    assert response.status_code == 200
    assert NOTICE not in text_of(response.content.decode())
