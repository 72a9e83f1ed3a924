"""Head-to-head and the bottom line (verdicts/head_to_head.py), on small
hand-made takes and on every seed pair."""

from types import SimpleNamespace

import pytest

from comparisons.models import Comparison
from verdicts.head_to_head import bottom_line, head_to_head, persona_pick
from verdicts.models import Take, Tool

NAMES = ("A", "B")


def _take(persona, score, call):
    who = SimpleNamespace(name=persona, slug=persona.lower(), position=len(persona))
    return SimpleNamespace(persona=who, score=score, call=call)


def test_scores_decide_and_give_the_margin():
    pick = persona_pick(_take("Builder", 88, "ship"), _take("Builder", 85, "ship"), NAMES)
    assert (pick.favours, pick.margin, pick.decided_by) == (0, 3, "score")
    assert pick.label == "Favours A by 3 points"


def test_calls_decide_when_a_score_is_unknown():
    pick = persona_pick(_take("PM", None, "skip"), _take("PM", 60, "ship"), NAMES)
    assert (pick.favours, pick.margin, pick.decided_by) == (1, None, "call")
    assert pick.label == "Favours B on the call (ship against skip)"


def test_level_scores_with_different_calls_go_by_the_call():
    pick = persona_pick(_take("PM", 60, "ship"), _take("PM", 60, "skip"), NAMES)
    assert (pick.favours, pick.decided_by) == (0, "call")


def test_never_a_guess_when_nothing_parts_them():
    pick = persona_pick(_take("PM", None, "ship"), _take("PM", None, "ship"), NAMES)
    assert (pick.favours, pick.decided_by) == (None, None)
    assert pick.label == "Neither: the same call and no scores to part them"


def _tool(name, takes):
    return SimpleNamespace(name=name, takes=SimpleNamespace(all=lambda: takes))


def _taken(name, score, call, persona_id, position):
    take = _take(name, score, call)
    take.persona.position = position
    take.persona_id = persona_id
    return take


def test_a_real_split_names_each_side():
    a = _tool(
        "A",
        [
            _taken("Builder", 80, "ship", 1, 1),
            _taken("Skeptic", 40, "skip", 2, 2),
            _taken("Founder", 70, "ship", 4, 4),
        ],
    )
    b = _tool(
        "B",
        [
            _taken("Builder", 70, "ship", 1, 1),
            _taken("Skeptic", 60, "ship", 2, 2),
            _taken("Founder", 60, "skip", 4, 4),
        ],
    )
    h2h = head_to_head(a, b)
    assert h2h.is_split and h2h.leader == 0
    assert h2h.bottom_line == "The panel is split: Builder and Founder favour A, Skeptic favours B."


def test_no_shared_persona_means_no_pick():
    a = _tool("A", [_taken("Builder", 80, "ship", 1, 1)])
    b = _tool("B", [_taken("Skeptic", 60, "ship", 2, 2)])
    assert head_to_head(a, b).bottom_line == (
        "No persona has reviewed both A and B yet, so the panel cannot pick."
    )


def test_a_bottom_line_over_three_tools_names_the_one_that_leads_every_pair():
    a = _tool("A", [_taken("Builder", 90, "ship", 1, 1)])
    b = _tool("B", [_taken("Builder", 80, "ship", 1, 1)])
    c = _tool("C", [_taken("Builder", 85, "ship", 1, 1)])
    line = bottom_line([b, c, a])
    assert [(i, j) for i, j, _ in line.pairs] == [(0, 1), (0, 2), (1, 2)]
    assert line.sentence == "The panel favours A over each of the others."
    assert bottom_line([a, b]).sentence == head_to_head(a, b).bottom_line


CLAUDE = "claude-4-api-tool-use-streaming-prompt-caching"
# Seed page -> (other tool, favours, personas counted, bottom line).
SEED_PAIRS = {
    "000": ("smolvlm-3b", ["Builder", "Skeptic", "Futurist", "Founder"], "by 9.3 points"),
    "001": ("smollm3", ["Founder"], None),
    "002": ("smolagents-20", ["Builder", "Skeptic", "Futurist"], "by 12 points"),
    "003": ("smolvm", ["Builder", "Skeptic", "Futurist"], "by 16.7 points"),
    "004": ("llama-4-compact-12b", ["Builder", "Skeptic", "Futurist", "Founder"], "by 6.3 points"),
}


def _seed_pair(other):
    comparison = (
        Comparison.objects.filter(tool_a__slug=CLAUDE, tool_b__slug=other)
        .select_related("tool_a", "tool_b")
        .get()
    )
    tools = {
        tool.slug: tool
        for tool in Tool.objects.filter(slug__in=[CLAUDE, other]).with_page_relations()
    }
    return tools[comparison.tool_a.slug], tools[comparison.tool_b.slug]


@pytest.mark.django_db
@pytest.mark.parametrize("seed", sorted(SEED_PAIRS))
def test_the_panel_favours_claude_on_every_seed_pair(seeded, seed):
    other, favouring, margin = SEED_PAIRS[seed]
    claude, rival = _seed_pair(other)
    h2h = head_to_head(claude, rival)
    assert h2h.leader == 0 and not h2h.is_split
    assert [pick.persona.name for pick in h2h.favouring(0)] == favouring
    assert "The panel favours Claude 4 API" in h2h.bottom_line
    if margin:
        assert margin in h2h.bottom_line
    assert Take.objects.count() == 24


@pytest.mark.django_db
def test_seed_000_claude_leads_on_all_4_shared_personas(seeded):
    h2h = head_to_head(*_seed_pair("smolvlm-3b"))
    assert [(p.persona.name, p.margin) for p in h2h.picks] == [
        ("Builder", 3),
        ("Skeptic", 4),
        ("Futurist", 3),
        ("Founder", 27),
    ]
    assert h2h.bottom_line.endswith(": all 4 personas who reviewed both, by 9.3 points on average.")


@pytest.mark.django_db
def test_seed_002_counts_only_personas_who_reviewed_both(seeded):
    claude, smolagents = _seed_pair("smolagents-20")
    h2h = head_to_head(claude, smolagents)
    assert [p.persona.name for p in h2h.picks] == ["Builder", "Skeptic", "Futurist"]
    assert {t.persona.name for t in claude.takes.all()} >= {"Founder"}
    assert {t.persona.name for t in smolagents.takes.all()} >= {"PM"}
    assert "all 3 personas who reviewed both" in h2h.bottom_line


@pytest.mark.django_db
def test_seed_001_is_decided_by_calls_alone_without_scores(seeded):
    h2h = head_to_head(*_seed_pair("smollm3"))
    assert [(p.persona.name, p.decided_by) for p in h2h.picks] == [
        ("Builder", None),
        ("Skeptic", None),
        ("Futurist", None),
        ("Founder", "call"),
    ]
    assert h2h.average_margin is None
    assert h2h.bottom_line == (
        "The panel favours Claude 4 API: Tool Use Streaming & Prompt Caching: "
        "1 of 4 personas who reviewed both."
    )
