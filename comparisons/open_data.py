"""The open-data view of a comparison, curated or on demand: every tool's full
payload (from verdicts.open_data) plus the comparison's own facts."""

from comparisons.scorecard import build_scorecard
from comparisons.take_changes import changes_since_published
from shiporskip.lib.urls import absolute_url
from verdicts.head_to_head import bottom_line
from verdicts.open_data import isoformat_or_none, tool_payload


def comparison_payload(comparison, panel_size: int) -> dict:
    """Needs every tool with its category and takes prefetched with personas, and
    their take history loaded (comparisons.take_changes.load_comparison_history);
    panel_size as tool_payload takes it."""
    tools = comparison.tools
    panel_line = bottom_line(tools)
    return {
        "title": comparison.title,
        "canonical_url": absolute_url(comparison.get_absolute_url()),
        "json_url": absolute_url(comparison.get_json_url()),
        "editors_pick": comparison.is_curated,
        "intro_html": comparison.intro_html or None,
        "published_at": comparison.published_at.isoformat() if comparison.is_curated else None,
        "takes_updated_at": isoformat_or_none(comparison.takes_updated_at),
        "tools": [tool_payload(tool, panel_size) for tool in tools],
        # Takes whose latest change came after publication (curated comparisons only).
        "changed_after_publication": [
            {
                "tool": late.tool.slug,
                "persona": late.change.persona.slug,
                "date": late.change.date.isoformat(),
                "kind": late.change.kind.value,
                "summary": late.change.summary,
            }
            for late in changes_since_published(comparison)
        ],
        "bottom_line": {
            "editors_markdown": comparison.bottom_line or None,
            "editors_html": comparison.bottom_line_html or None,
            # Tools A and B's lines only, also on a comparison of three or four tools.
            "ship_if": [
                {"tool": tool.slug, "condition": condition}
                for tool, condition in comparison.ship_if
            ],
            "computed": panel_line.sentence,
            # Index into "tools" of the tool favoured over each other one; null for none.
            "favoured": panel_line.favoured,
        },
        # One entry per pair of tools, in page order; "tools" holds the pair's indexes
        # into "tools" above, and every "favours" is such an index (null for neither).
        "head_to_head": [_pair(i, j, h2h) for i, j, h2h in panel_line.pairs],
        "scorecard": [
            # Calls and dissents in the order of "tools"; null where the persona did not review.
            {
                "persona": row.persona.slug,
                "calls": [_call(take) for take, _ in row.cells],
                "dissents": [dissents for _, dissents in row.cells],
            }
            for row in build_scorecard(tools)
        ],
    }


def _pair(i: int, j: int, h2h) -> dict:
    """A pair's head-to-head with its sides (0, 1) turned into indexes of "tools"."""
    sides = (i, j)
    data = h2h.as_dict()
    data["tools"] = [i, j]
    data["favours"] = None if data["favours"] is None else sides[data["favours"]]
    for pick in data["personas"]:
        pick["favours"] = None if pick["favours"] is None else sides[pick["favours"]]
    return data


def _call(take) -> dict | None:
    if take is None:
        return None
    return {"score": take.score, "score_label": take.score_label, "call": take.call}
