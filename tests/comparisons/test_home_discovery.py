"""The home page's ways in: top-rated tools, the panel and the categories."""

import pytest

from tests.factories import make_category, make_persona, make_take, make_tool
from tests.html import assert_in_order, region, text_of
from verdicts.models import Call


@pytest.mark.django_db
def test_it_shows_the_top_rated_tools_by_panel_ship_percent(client):
    personas = [make_persona() for _ in range(4)]
    for name, calls in [
        ("Half", [Call.SHIP, Call.SKIP]),
        ("Most", [Call.SHIP, Call.SHIP, Call.SHIP, Call.SKIP]),
        ("All", [Call.SHIP]),
        ("None yet", []),
    ]:
        tool = make_tool(name=name)
        for persona, call in zip(personas, calls, strict=False):
            make_take(tool, persona, call=call)
    make_take(make_tool(name="Draft", is_published=False), personas[0])
    text = text_of(region(client.get("/").content.decode(), "top-tools-heading", "panel-heading"))
    assert_in_order(
        text,
        # One take and two are below VERDICT_MIN_TAKES: preliminary.
        [
            "All",
            "Ship (preliminary) 100%",
            "Most",
            "Ship 75%",
            "Half",
            "Split (preliminary) 50%",
            "None yet",
            "No panel yet",
        ],
    )
    assert "Draft" not in text


@pytest.mark.django_db
def test_it_introduces_the_panel_and_the_categories_with_published_tools(client, seeded):
    make_tool(name="Draft", category=make_category(name="Empty Category"), is_published=False)
    html = client.get("/").content.decode()
    panel = text_of(region(html, "panel-heading", "categories-heading"))
    assert_in_order(panel, ["Builder", "Show me the primitive", "Skeptic", "Creator"])
    categories = text_of(region(html, "categories-heading"))
    assert "Developer Tools (6)" in categories
    assert "Empty Category" not in categories
    assert '<a class="chip" href="/categories/developer-tools/">' in html
