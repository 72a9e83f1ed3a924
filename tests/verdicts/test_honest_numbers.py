"""Honest numbers: preliminary verdicts, the community minimum, rounding that never
claims unanimity, dissent and the panel/readers gap (verdicts/verdict.py)."""

from types import SimpleNamespace

import pytest

from verdicts.verdict import (
    CommunityTally,
    PanelScores,
    PanelTally,
    panel_from_takes,
    panel_reader_gap,
    panel_sort_key,
)


def _take(persona, call):
    return SimpleNamespace(persona=SimpleNamespace(name=persona), call=call)


def test_it_rounds_to_100_or_0_only_when_unanimous():
    assert CommunityTally(ship=199, skip=1).ship_percent == 99
    assert CommunityTally(ship=199, skip=1).summary == "99% ship · 200 votes"
    assert CommunityTally(ship=1, skip=201).ship_percent == 1
    assert CommunityTally(ship=1, skip=201).summary == "1% ship · 202 votes"
    assert CommunityTally(ship=200, skip=0).ship_percent == 100
    assert CommunityTally(ship=0, skip=200).ship_percent == 0
    assert PanelTally(ship=999, skip=1).ship_percent == 99


def test_a_single_vote_shows_the_count_never_a_percent():
    tally = CommunityTally(ship=0, skip=1)
    assert tally.ship_percent is None
    assert tally.percent_label == "0 ship, 1 skip"
    assert tally.summary == "0 ship, 1 skip"
    assert "%" not in tally.summary


def test_nine_votes_are_counts_and_ten_are_a_percent():
    nine, ten = CommunityTally(ship=6, skip=3), CommunityTally(ship=7, skip=3)
    assert (nine.ship_percent, nine.summary) == (None, "6 ship, 3 skip")
    assert (ten.ship_percent, ten.summary) == (70, "70% ship · 10 votes")
    assert ten.as_dict()["has_enough_votes"] and not nine.as_dict()["has_enough_votes"]


def test_the_minimum_of_votes_is_a_setting(settings):
    settings.COMMUNITY_MIN_VOTES = 2
    assert CommunityTally(ship=1, skip=1).summary == "50% ship · 2 votes"
    assert CommunityTally(ship=1, skip=0).summary == "1 ship, 0 skip"


def test_a_verdict_below_the_minimum_of_takes_is_preliminary(settings):
    assert settings.VERDICT_MIN_TAKES == 3
    assert PanelTally(ship=1, skip=0).summary == "Ship (preliminary) · 1 ship / 0 skip"
    assert PanelTally(ship=1, skip=1).is_preliminary
    assert not PanelTally(ship=2, skip=1).is_preliminary
    assert not PanelTally(ship=0, skip=0).is_preliminary
    settings.VERDICT_MIN_TAKES = 5
    assert PanelTally(ship=3, skip=1).verdict_label == "Ship (preliminary)"


def test_it_says_how_much_of_the_panel_reviewed():
    assert PanelTally(ship=3, skip=1).reviewed_label(6) == "4 of 6 reviewed"


def test_a_call_against_the_majority_is_a_dissent():
    panel = panel_from_takes(
        [
            _take("Builder", "ship"),
            _take("Skeptic", "skip"),
            _take("Futurist", "ship"),
            _take("Creator", "ship"),
        ]
    )
    assert panel.dissenters == ("Skeptic",)
    assert panel.summary == "Ship · 3 ship / 1 skip · Skeptic dissents"


def test_two_dissenters_dissent_and_a_split_has_none():
    takes = [_take(name, "skip") for name in ("A", "B", "C")]
    panel = panel_from_takes([*takes, _take("PM", "ship"), _take("Founder", "ship")])
    assert panel.dissent_label == "PM and Founder dissent"
    split = panel_from_takes([_take("A", "ship"), _take("B", "skip")])
    assert split.dissenters == ()


def test_the_gap_between_readers_and_panel_is_worded():
    panel = PanelTally(ship=3, skip=1)  # 75%
    gap = panel_reader_gap(panel, CommunityTally(ship=9, skip=11))  # 45%
    assert gap.points == -30
    assert gap.label == "Readers are 30 points cooler than the panel"
    warmer = panel_reader_gap(PanelTally(ship=2, skip=2), CommunityTally(ship=51, skip=49))
    assert warmer.label == "Readers are 1 point warmer than the panel"
    same = panel_reader_gap(panel, CommunityTally(ship=15, skip=5))
    assert same.label == "Readers agree with the panel (75% ship)"


@pytest.mark.parametrize(
    "panel, community",
    [
        (PanelTally(ship=3, skip=1), CommunityTally(ship=6, skip=3)),  # too few readers
        (PanelTally(ship=1, skip=1), CommunityTally(ship=60, skip=30)),  # preliminary panel
        (PanelTally(ship=0, skip=0), CommunityTally(ship=60, skip=30)),  # no panel
    ],
)
def test_no_gap_until_both_have_spoken(panel, community):
    assert panel_reader_gap(panel, community) is None


def test_ship_percent_ties_break_by_average_score_then_name():
    tally = PanelTally(ship=3, skip=1)
    rows = [
        ("Alpha", tally, PanelScores((70, 67), 0)),  # 68.5
        ("Zed", tally, PanelScores((74, 74, 75), 0)),  # 74.3
        ("beta", tally, PanelScores((74, 74, 75), 0)),
        ("Top", PanelTally(ship=4, skip=0), PanelScores((), 4)),
        ("Empty", PanelTally(ship=0, skip=0), PanelScores((), 0)),
    ]
    ordered = sorted(rows, key=lambda row: panel_sort_key(row[1], row[2], row[0]))
    assert [row[0] for row in ordered] == ["Top", "beta", "Zed", "Alpha", "Empty"]
