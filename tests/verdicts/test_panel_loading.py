"""A tool's panel comes only from data fetched with it (its stored columns, or
its prefetched takes): a list that deferred the panel columns fails loudly
instead of issuing one query per tool."""

import pytest
from django.template import engines

from tests.factories import make_comparison, make_persona, make_take, make_tool
from verdicts.models import Call, PanelNotLoaded, Tool


@pytest.fixture
def tools(db):
    persona = make_persona()
    alpha, beta = make_tool(name="Alpha"), make_tool(name="Beta")
    make_take(alpha, persona, call=Call.SHIP)
    make_take(beta, persona, call=Call.SKIP)
    return alpha, beta


def test_a_tool_without_panel_counts_raises_and_names_the_fix(tools, django_assert_num_queries):
    tool = Tool.objects.only("name").get(name="Alpha")
    with django_assert_num_queries(0), pytest.raises(PanelNotLoaded, match="keep them in the only"):
        tool.panel  # noqa: B018
    whole = Tool.objects.get(name="Alpha")
    with django_assert_num_queries(0):
        assert whole.panel.ship == 1  # the stored columns


def test_a_tool_list_rendered_without_panel_counts_fails_instead_of_querying(
    tools, django_assert_num_queries
):
    template = engines["jinja2"].from_string(
        '{% from "includes/tool_list.html" import tool_list %}{{ tool_list(tools) }}'
    )
    forgotten = list(Tool.objects.select_related("category").defer("panel_ship"))
    with django_assert_num_queries(0), pytest.raises(PanelNotLoaded):
        template.render({"tools": forgotten})
    counted = list(Tool.objects.select_related("category"))
    with django_assert_num_queries(0):
        assert "Alpha" in template.render({"tools": counted})


def test_tools_reached_through_a_comparison_carry_their_panels(tools, django_assert_num_queries):
    from comparisons.models import Comparison

    make_comparison(*tools)
    [comparison] = Comparison.objects.select_related("tool_a", "tool_b")
    with django_assert_num_queries(0):
        assert (comparison.tool_a.panel.ship, comparison.tool_b.panel.skip) == (1, 1)
