"""The search page's comparison block: "claude vs smolvm" leads to that comparison.

Each side of the query is searched on its own (verdicts.search) and its best hit
taken; two different tools make a pair, curated when an editor paired them,
else the on-demand page. Registered with verdicts.search_page_sections in
ComparisonsConfig.ready().
"""

from comparisons.models import Comparison
from verdicts.models import Tool
from verdicts.search import parse_query, rank_tool_ids

# Each side's best few hits: the first the reader may see (not a draft) is taken.
CANDIDATES_PER_SIDE = 5


def comparison_for_search(request, query) -> dict:
    """{"search_comparison": Comparison} for a two-sided "a vs b" query whose sides
    find two different tools the reader may see, else {}: four queries at most
    without typos (one per side, the tools, the curated pair), one more per
    misspelt side."""
    if len(query.sides) != 2:
        return {}
    sides = [rank_tool_ids(parse_query(side), CANDIDATES_PER_SIDE)[0] for side in query.sides]
    if not all(sides):
        return {}
    tools = Tool.objects.visible_to(request.user)
    by_id = {
        tool.pk: tool
        for tool in tools.filter(pk__in={pk for side in sides for pk in side}).only(
            "pk", "name", "slug"
        )
    }
    picked = [next((by_id[pk] for pk in side if pk in by_id), None) for side in sides]
    if None in picked or picked[0] == picked[1]:
        return {}
    tool_x, tool_y = picked
    curated = (
        Comparison.objects.visible_to(request.user).for_tools(tool_x, tool_y).with_tools().first()
    )
    return {"search_comparison": curated or Comparison.on_demand(tool_x, tool_y)}
