"""The open-data view of a comparison, curated or on demand: every tool's full
payload (from verdicts.open_data) plus the comparison's own facts."""

from comparisons.scorecard import build_scorecard
from comparisons.take_changes import changes_since_published
from shiporskip.lib.urls import absolute_url
from verdicts.open_data import isoformat_or_none, tool_payload


def comparison_payload(comparison) -> dict:
    """Needs every tool with its category and takes prefetched with personas, and
    their take history loaded (comparisons.take_changes.load_comparison_history)."""
    tools = comparison.tools
    return {
        "title": comparison.title,
        "canonical_url": absolute_url(comparison.get_absolute_url()),
        "json_url": absolute_url(comparison.get_json_url()),
        "editors_pick": comparison.is_curated,
        "intro_html": comparison.intro_html or None,
        "published_at": comparison.published_at.isoformat() if comparison.is_curated else None,
        "takes_updated_at": isoformat_or_none(comparison.takes_updated_at),
        "tools": [tool_payload(tool) for tool in tools],
        # Takes whose latest change came after publication (curated pairs only).
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
        "scorecard": [
            # Calls in the order of "tools"; null where the persona did not review.
            {"persona": row.persona.slug, "calls": [_call(take) for take in row.takes]}
            for row in build_scorecard(tools)
        ],
    }


def _call(take) -> dict | None:
    if take is None:
        return None
    return {"score": take.score, "score_label": take.score_label, "call": take.call}
