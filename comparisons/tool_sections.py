"""What comparisons add to a tool's page: the tool's comparisons and where
comparing it with its category's best-rated tools leads. Registered with
verdicts.tool_page_sections by ComparisonsConfig.ready()."""

from dataclasses import dataclass

from django.urls import reverse

from comparisons.models import Comparison, on_demand_slug
from verdicts.models import Tool

ALTERNATIVES = 6


@dataclass(frozen=True)
class Alternative:
    """A tool from the same category and where comparing with it leads."""

    tool: Tool
    compare_url: str
    is_curated: bool


def _alternatives(request, tool: Tool, comparisons: list[Comparison]) -> list[Alternative]:
    """The best-rated tools of the same category, each linked to its curated
    comparison with this tool where one exists, else to the on-demand pair: one query."""
    # Only a curated pair stands for "this tool against that one".
    curated = {
        other: c
        for c in comparisons
        if len(c.tool_ids) == 2
        for other in c.tool_ids
        if other != tool.pk
    }
    others = (
        Tool.objects.visible_to(request.user)
        .filter(category_id=tool.category_id)
        .exclude(pk=tool.pk)
        .by_panel_ship_percent()
        .only("name", "slug", "tagline", "panel_ship", "panel_skip")[:ALTERNATIVES]
    )
    return [
        Alternative(other, curated[other.pk].get_absolute_url(), True)
        if other.pk in curated
        else Alternative(
            other,
            reverse("comparisons:compare", args=[on_demand_slug(tool.slug, other.slug)]),
            False,
        )
        for other in others
    ]


def comparison_sections(request, tool: Tool) -> dict:
    """ "Compared with" and the alternatives for verdicts/tool.html: two queries."""
    comparisons = list(Comparison.objects.visible_to(request.user).with_tool(tool).with_tools())
    return {"comparisons": comparisons, "alternatives": _alternatives(request, tool, comparisons)}
