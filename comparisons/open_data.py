"""The open-data view of a comparison, curated or on demand: both tools' full
payloads (from verdicts.open_data) plus the pairing's own facts."""

from django.urls import reverse

from comparisons.scorecard import build_scorecard
from shiporskip.lib.urls import absolute_url
from verdicts.head_to_head import bottom_line, head_to_head
from verdicts.open_data import isoformat_or_none, tool_payload


def comparison_payload(comparison, panel_size: int) -> dict:
    """Needs both tools with categories and takes prefetched with personas;
    panel_size as tool_payload takes it."""
    a, b = comparison.tool_a, comparison.tool_b
    return {
        "title": comparison.title,
        "canonical_url": absolute_url(comparison.get_absolute_url()),
        "json_url": absolute_url(
            reverse("comparisons:compare_json", args=[comparison.canonical_slug])
        ),
        "editors_pick": comparison.is_curated,
        "intro_html": comparison.intro_html or None,
        "published_at": comparison.published_at.isoformat() if comparison.is_curated else None,
        "takes_updated_at": isoformat_or_none(comparison.takes_updated_at),
        "tools": [tool_payload(a, panel_size), tool_payload(b, panel_size)],
        "bottom_line": {
            "editors_markdown": comparison.bottom_line or None,
            "editors_html": comparison.bottom_line_html or None,
            "ship_if": [
                {"tool": tool.slug, "condition": condition}
                for tool, condition in comparison.ship_if
            ],
            "computed": bottom_line([a, b]).sentence,
        },
        # "favours" and each persona's pick index "tools" (0 or 1); null for neither.
        "head_to_head": head_to_head(a, b).as_dict(),
        "scorecard": [
            # Calls in the order of "tools"; null where the persona did not review.
            {
                "persona": row.persona.slug,
                "calls": [_call(row.take_a), _call(row.take_b)],
                "dissents": [row.dissent_a, row.dissent_b],
            }
            for row in build_scorecard(a, b)
        ],
    }


def _call(take) -> dict | None:
    if take is None:
        return None
    return {"score": take.score, "score_label": take.score_label, "call": take.call}
