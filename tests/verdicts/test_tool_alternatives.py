"""A tool page offers same-category alternatives with "Compare with…" links:
the curated comparison where an editor made one, else the on-demand pair."""

import re

import pytest

from tests.factories import make_category, make_comparison, make_persona, make_take, make_tool
from tests.html import region, text_of
from verdicts.models import Call


@pytest.mark.django_db
def test_it_links_alternatives_to_curated_or_on_demand_comparisons(client):
    agents = make_category(name="Agents")
    tool = make_tool(name="Middle", category=agents)
    best = make_tool(name="Best", category=agents)
    make_take(best, make_persona(), call=Call.SHIP)
    worst = make_tool(name="Zorro", category=agents)
    make_take(worst, make_persona(), call=Call.SKIP)
    make_tool(name="Elsewhere")
    make_tool(name="Hidden", category=agents, is_published=False)
    make_comparison(tool, worst)

    html = client.get(tool.get_absolute_url()).content.decode()
    section = region(html, "alternatives-heading", "open-data-heading")
    links = re.findall(r'<a href="([^"]+)">Compare with <bdi>([^<]+)</bdi></a>', section)
    assert links == [
        ("/compare/best-vs-middle/", "Best"),
        ("/compare/middle-vs-zorro/", "Zorro"),
    ]
    text = text_of(section)
    assert "Alternatives in Agents" in text
    assert "Compare with Zorro (editor's pick)" in text
    assert "Elsewhere" not in text and "Hidden" not in text
    for url, _ in links:
        assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_a_tool_alone_in_its_category_says_so(client):
    tool = make_tool(name="Lonely", category=make_category(name="Niche"))
    text = text_of(client.get(tool.get_absolute_url()).content.decode())
    assert "No other tool in Niche yet." in text
    assert "Compare Lonely with any tool" in text


@pytest.mark.django_db
def test_it_shows_a_badge_and_how_to_embed_it(client):
    tool = make_tool(name="Rocket")
    html = client.get(tool.get_absolute_url()).content.decode()
    assert '<img class="badge-preview" src="/badges/rocket.svg"' in html
    assert (
        '&lt;img src="http://127.0.0.1:8000/badges/rocket.svg" alt="Rocket on Ship or Skip"' in html
    )
