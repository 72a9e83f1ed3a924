"""The search page's comparison block: "claude vs smolvm" leads to that comparison.

Each side of the query is searched on its own (verdicts.search) and its best hit
taken; two different tools make a pair, curated when an editor paired them,
else the on-demand page. Registered with verdicts.search_page_sections in
ComparisonsConfig.ready().
"""

from comparisons.models import Comparison
from verdicts.models import Tool
from verdicts.search import parse_query, rank_tool_ids


def comparison_for_search(request, query) -> dict:
    """{"search_comparison": Comparison} for a two-sided "a vs b" query whose sides
    find two different tools, else {}: four queries at most without typos (one
    per side, the tools, the curated pair), one more per misspelt side."""
    if len(query.sides) != 2:
        return {}
    tools = Tool.objects.visible_to(request.user)
    picked = []
    for side in query.sides:
        hits, _ = rank_tool_ids(parse_query(side), tools, limit=1)
        if hits:
            picked.append(hits[0][0])
    if len(set(picked)) != 2:
        return {}
    by_id = {tool.pk: tool for tool in tools.filter(pk__in=picked).only("pk", "name", "slug")}
    if len(by_id) != 2:
        return {}
    tool_x, tool_y = (by_id[pk] for pk in picked)
    curated = (
        Comparison.objects.visible_to(request.user)
        .for_tools(tool_x, tool_y)
        .select_related("tool_a", "tool_b")
        .first()
    )
    return {"search_comparison": curated or Comparison.on_demand(tool_x, tool_y)}
