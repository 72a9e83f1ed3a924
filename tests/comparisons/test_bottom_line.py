"""The comparison page decides: the bottom line above the tool cards (editors'
Markdown and "Ship … if" lines leading the computed one), the head-to-head,
"N of M reviewed", dissent on the scorecard and the readers/panel gap."""

import re

import pytest
from django.test import Client

from comparisons.models import Comparison
from tests.factories import make_comparison, make_persona, make_take, make_tool, make_vote
from tests.html import assert_in_order, region, text_of
from verdicts.models import CommunityVote, Tool

CLAUDE = "Claude 4 API: Tool Use Streaming & Prompt Caching"
PAIRS = {
    "smolvlm-3b": (["Builder", "Skeptic", "Futurist", "Founder"], "all 4 personas", "9.3"),
    "smollm3": (["Founder"], "1 of 4 personas", None),
    "smolagents-20": (["Builder", "Skeptic", "Futurist"], "all 3 personas", "12"),
    "smolvm": (["Builder", "Skeptic", "Futurist"], "all 3 personas", "16.7"),
    "llama-4-compact-12b": (["Builder", "Skeptic", "Futurist", "Founder"], "all 4 personas", "6.3"),
}


def _url(other):
    return f"/compare/claude-4-api-tool-use-streaming-prompt-caching-vs-{other}/"


@pytest.mark.django_db
@pytest.mark.parametrize("other", sorted(PAIRS))
def test_each_seed_page_answers_which_one_above_the_cards(client, seeded, other):
    favouring, on, margin = PAIRS[other]
    html = client.get(_url(other)).content.decode()
    text = text_of(html)
    expected = f"The panel favours {CLAUDE}: {on} who reviewed both"
    if margin:
        expected += f", by {margin} points on average"
    assert_in_order(text, ["Bottom line", expected + ".", "Panel verdict", "Decision"])
    head_to_head = text_of(region(html, "head-to-head-heading", "scorecard-heading"))
    for persona in favouring:
        assert re.search(
            rf"{persona} Favours {re.escape(CLAUDE)} (by \d+ points?|on the call)", head_to_head
        )
    assert head_to_head.count("Favours") == len(favouring)


@pytest.mark.django_db
def test_seed_002_counts_neither_founder_nor_pm(client, seeded):
    html = client.get(_url("smolagents-20")).content.decode()
    head_to_head = text_of(region(html, "head-to-head-heading", "scorecard-heading"))
    assert "Founder" not in head_to_head and "PM" not in head_to_head
    scorecard = text_of(region(html, "scorecard-heading"))
    assert "Founder" in scorecard and "PM" in scorecard  # still shown, just not counted


@pytest.mark.django_db
def test_the_editors_bottom_line_and_ship_if_lines_lead_the_computed_one(client, seeded):
    comparison = Comparison.objects.get(tool_b__slug="smolvm")
    comparison.bottom_line = "Pick **Claude** for agents that talk; *smolvm* to contain them."
    comparison.ship_a_if = "your agents need long cached context"
    comparison.ship_b_if = "you run untrusted code"
    comparison.save()
    html = client.get(_url("smolvm")).content.decode()
    assert "<strong>Claude</strong>" in region(html, "bottom-line-heading")
    assert_in_order(
        text_of(html),
        [
            "Bottom line",
            "Pick Claude for agents that talk; smolvm to contain them.",
            f"Ship {CLAUDE} if your agents need long cached context",
            "Ship smolvm if you run untrusted code",
            f"The panel favours {CLAUDE}",
            "Decision",
        ],
    )
    data = client.get(
        "/compare/claude-4-api-tool-use-streaming-prompt-caching-vs-smolvm.json"
    ).json()
    assert data["bottom_line"]["editors_html"].startswith("<p>Pick <strong>Claude</strong>")
    assert data["bottom_line"]["ship_if"] == [
        {
            "tool": "claude-4-api-tool-use-streaming-prompt-caching",
            "condition": "your agents need long cached context",
        },
        {"tool": "smolvm", "condition": "you run untrusted code"},
    ]


@pytest.mark.django_db
def test_a_real_split_is_worded_as_one(client):
    a, b = make_tool(name="Able"), make_tool(name="Baker")
    for name, score_a, score_b in [("Builder", 80, 70), ("Skeptic", 40, 60), ("Founder", 75, 50)]:
        persona = make_persona(name=name, slug=name.lower())
        make_take(a, persona, score=score_a)
        make_take(b, persona, score=score_b)
    comparison = make_comparison(a, b)
    text = text_of(Client().get(comparison.get_absolute_url()).content.decode())
    assert "The panel is split: Builder and Founder favour Able, Skeptic favours Baker." in text


@pytest.mark.django_db
def test_the_scorecard_marks_the_dissent_and_the_verdict_names_it(client, seeded):
    html = client.get(_url("smolvm")).content.decode()
    decision = text_of(region(html, "decision-heading", "head-to-head-heading"))
    assert "Ship · 3 ship / 1 skip · Skeptic dissents" in decision
    assert_in_order(decision, ["Reviewers", "4 of 6 reviewed", "4 of 6 reviewed"])
    scorecard = region(html, "scorecard-heading")
    assert scorecard.count("take--dissent") == 1
    skeptic = text_of(region(scorecard, "persona-skeptic", "persona-futurist"))
    assert_in_order(skeptic, ["smolvm", "45/100 · skip · Dissents"])


@pytest.mark.django_db
def test_the_gap_between_readers_and_panel_shows_once_enough_readers_voted(client, seeded):
    smolvm = Tool.objects.get(slug="smolvm")  # the panel: 3 ship / 1 skip, 75%
    for n in range(9):
        make_vote(smolvm, call="ship" if n < 4 else "skip")
    CommunityVote.objects.recount(smolvm)
    decision = text_of(region(Client().get(_url("smolvm")).content.decode(), "decision-heading"))
    assert "4 ship, 5 skip" in decision  # nine votes: counts, no percentage
    assert "Too few reader votes to compare (fewer than 10)" in decision
    make_vote(smolvm, call="skip")
    CommunityVote.objects.recount(smolvm)
    page = Client().get(_url("smolvm")).content.decode()
    decision = text_of(region(page, "decision-heading"))
    assert "40% ship · 10 votes" in decision
    assert "Readers are 35 points cooler than the panel" in decision
    data = Client().get(_url("smolvm").rstrip("/") + ".json").json()
    smolvm_data = data["tools"][1]
    assert smolvm_data["community"]["summary"] == "40% ship · 10 votes"
    assert smolvm_data["readers_vs_panel"] == {
        "points": -35,
        "label": "Readers are 35 points cooler than the panel",
    }


def _seed_trio():
    """The seed's Claude, SmolVM and smolagents as one curated comparison, in that order."""
    tools = [
        Tool.objects.get(slug=slug)
        for slug in ["claude-4-api-tool-use-streaming-prompt-caching", "smolvm", "smolagents-20"]
    ]
    return tools, make_comparison(
        *tools, ship_a_if="your agents need long cached context", ship_b_if="you run untrusted code"
    )


@pytest.mark.django_db
def test_a_three_tool_page_has_one_bottom_line_and_a_head_to_head_per_pair(client, seeded):
    (claude, smolvm, _smolagents), comparison = _seed_trio()
    html = client.get(comparison.get_absolute_url()).content.decode()
    bottom = text_of(region(html, "bottom-line-heading", "decision-heading"))
    # Claude leads both of its seed pairs, so it leads the trio's bottom line.
    assert f"The panel favours {CLAUDE} over each of the others." in bottom
    assert text_of(html).count("over each of the others") == 1
    # The "Ship … if" lines name tools A and B; the third tool has none.
    assert_in_order(
        bottom,
        [
            f"Ship {CLAUDE} if your agents need long cached context",
            "Ship smolvm if you run untrusted code",
        ],
    )
    assert "Ship SmolAgents" not in bottom
    head_to_head = text_of(region(html, "head-to-head-heading", "scorecard-heading"))
    assert_in_order(
        head_to_head,
        [
            f"{CLAUDE} vs smolvm",
            f"The panel favours {CLAUDE}: all 3 personas who reviewed both, by 16.7 points",
            f"{CLAUDE} vs SmolAgents 2.0",
            f"The panel favours {CLAUDE}: all 3 personas who reviewed both, by 12 points",
            "smolvm vs SmolAgents 2.0",
        ],
    )
    assert head_to_head.count(" vs ") == 3
    assert html.count('class="head-to-head__table"') == 3
    data = client.get(comparison.get_json_url()).json()
    assert [pair["tools"] for pair in data["head_to_head"]] == [[0, 1], [0, 2], [1, 2]]
    assert [pair["favours"] for pair in data["head_to_head"][:2]] == [0, 0]
    assert data["bottom_line"]["favoured"] == 0
    assert data["bottom_line"]["computed"] == (
        f"The panel favours {CLAUDE} over each of the others."
    )
    assert [line["tool"] for line in data["bottom_line"]["ship_if"]] == [claude.slug, smolvm.slug]


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 4])
def test_the_bottom_line_page_runs_the_same_queries_for_2_or_4_tools(
    client, seeded, django_assert_num_queries, count
):
    slugs = ["claude-4-api-tool-use-streaming-prompt-caching", "smolvm", "smolagents-20", "smollm3"]
    tools = [Tool.objects.get(slug=slug) for slug in slugs[:count]]
    Comparison.objects.filter(tool_a=tools[0], tool_b=tools[1]).delete()
    comparison = make_comparison(*tools)
    # Versions, the panel, the tools, the comparison, every tool's takes (one query),
    # their history (one): every pair's head-to-head and the bottom line add none.
    with django_assert_num_queries(6):
        html = client.get(comparison.get_absolute_url()).content.decode()
    assert html.count('class="head-to-head__table"') == count * (count - 1) // 2
