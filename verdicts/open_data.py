"""The open-data view of a tool: every fact its page shows, as plain JSON types.

One function builds the payload so /tools/<slug>.json, the comparison JSON and
anything else that exports a tool can never disagree with each other or with
the page, which reads the same PanelTally, CommunityTally, VerifiedTally and
PanelScores.
"""

from django.http import JsonResponse
from django.urls import reverse

from shiporskip.lib.urls import absolute_url
from verdicts.history import verdict_timeline


def _persona(persona) -> dict:
    return {
        "name": persona.name,
        "slug": persona.slug,
        "url": absolute_url(persona.get_absolute_url()),
    }


def take_payload(take) -> dict:
    return {
        "persona": _persona(take.persona),
        "score": take.score,
        "score_label": take.score_label,
        "call": take.call,
        "body_markdown": take.body,
        "body_html": take.body_html,
        "reviewed_version": take.reviewed_version or None,
        "updated_at": take.updated_at.isoformat(),
    }


def _old_new(old, new) -> dict:
    return {"old": old, "new": new}


def take_change_payload(change) -> dict:
    """One TakeChange (verdicts/history.py): old is null for a first take, new for a
    withdrawn one; a score is null when the reviewer gave none."""
    return {
        "date": change.date.isoformat(),
        "persona": _persona(change.persona),
        "kind": change.kind.value,
        "call": _old_new(change.old_call, change.new_call),
        "score": _old_new(change.old_score, change.new_score),
        "text_revised": change.text_revised,
        "reviewed_version": _old_new(change.old_version or None, change.new_version or None),
        "summary": change.summary,
    }


def tool_payload(tool, panel_size: int) -> dict:
    """Needs the tool's category, its takes prefetched with their personas and its
    take history loaded (verdicts.history.load_take_history); panel_size is how
    many personas could have reviewed it (the panel, or a lens)."""
    panel, community, scores, gap = tool.panel, tool.community, tool.panel_scores, tool.reader_gap
    return {
        "name": tool.name,
        "slug": tool.slug,
        "canonical_url": absolute_url(tool.get_absolute_url()),
        "json_url": absolute_url(reverse("verdicts:tool_json", args=[tool.slug])),
        "badge_url": absolute_url(reverse("verdicts:badge", args=[tool.slug])),
        "category": {
            "name": tool.category.name,
            "slug": tool.category.slug,
            "url": absolute_url(reverse("verdicts:category", args=[tool.category.slug])),
        },
        "tagline": tool.tagline,
        "description_markdown": tool.description,
        "description_html": tool.description_html,
        "website": tool.website or None,
        "pricing": {
            "entry_tier": tool.entry_tier,
            "entry_tier_label": tool.get_entry_tier_display(),
            "read": tool.pricing or None,
        },
        "panel": {
            "verdict": panel.verdict.label,
            "verdict_key": panel.verdict.value,
            "verdict_label": panel.verdict_label,
            "preliminary": panel.is_preliminary,
            "min_takes": panel.min_takes,
            "reviewed": panel.total,
            "panel_size": panel_size,
            "reviewed_label": panel.reviewed_label(panel_size),
            "dissenters": list(panel.dissenters),
            "ship": panel.ship,
            "skip": panel.skip,
            "total": panel.total,
            "ship_percent": panel.ship_percent,
            "summary": panel.summary,
            "average_score": float(scores.mean) if scores.mean is not None else None,
            "scored_takes": scores.count,
            "unscored_takes": scores.unscored,
        },
        "community": community.as_dict(),
        # Confirmed subscribers' votes from their issue's signed link, counted apart.
        "verified_readers": tool.verified.as_dict(),
        "readers_vs_panel": {
            # Readers' ship % minus the panel's; null until both have spoken enough.
            "points": gap.points if gap else None,
            "label": tool.reader_gap_label,
        },
        "takes": [take_payload(take) for take in tool.takes.all()],
        # Every change of a take, newest first, from each take's first take on.
        "history": [take_change_payload(change) for change in verdict_timeline(tool)],
        "published_at": tool.published_at.isoformat(),
        "updated_at": tool.updated_at.isoformat(),
        "takes_updated_at": isoformat_or_none(tool.takes_updated_at),
    }


def isoformat_or_none(moment) -> str | None:
    return moment.isoformat() if moment is not None else None


def open_data_response(payload: dict) -> JsonResponse:
    """UTF-8 JSON that any site may fetch: the data is public by design."""
    response = JsonResponse(
        payload,
        json_dumps_params={"ensure_ascii": False, "indent": 2},
        content_type="application/json; charset=utf-8",
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response
