from verdicts.verdict import CommunityTally, PanelTally
from verdicts.vocabulary import Verdict


def test_it_computes_the_ship_percent_as_ship_takes_over_all_takes():
    assert PanelTally(ship=3, skip=1).ship_percent == 75
    assert PanelTally(ship=4, skip=0).ship_percent == 100
    assert PanelTally(ship=0, skip=2).ship_percent == 0


def test_it_rounds_half_up():
    assert PanelTally(ship=7, skip=1).ship_percent == 88  # 87.5
    assert PanelTally(ship=1, skip=7).ship_percent == 13  # 12.5
    assert PanelTally(ship=2, skip=1).ship_percent == 67  # 66.67
    assert PanelTally(ship=1, skip=2).ship_percent == 33  # 33.33


def test_it_calls_ship_skip_and_split():
    assert PanelTally(ship=3, skip=1).verdict == Verdict.SHIP
    assert PanelTally(ship=1, skip=3).verdict == Verdict.SKIP
    assert PanelTally(ship=2, skip=2).verdict == Verdict.SPLIT
    assert PanelTally(ship=2, skip=2).verdict.label == "Split"
    assert PanelTally(ship=2, skip=2).ship_percent == 50


def test_it_says_no_panel_yet_without_takes():
    panel = PanelTally(ship=0, skip=0)
    assert panel.verdict == Verdict.NONE
    assert panel.verdict.label == "No panel yet"
    assert panel.ship_percent is None
    assert panel.percent_label == "—"
    assert panel.summary == "No panel yet"
    assert panel.verdict.value == "none"


def test_it_writes_the_decision_table_line():
    assert PanelTally(ship=3, skip=1).summary == "Ship · 3 ship / 1 skip"
    assert PanelTally(ship=4, skip=0).summary == "Ship · 4 ship / 0 skip"
    assert PanelTally(ship=2, skip=2).summary == "Split · 2 ship / 2 skip"


def test_it_summarises_the_community_tally():
    assert CommunityTally(ship=0, skip=0).summary == "No community votes yet"
    assert CommunityTally(ship=16, skip=9).summary == "64% ship · 25 votes"
    assert CommunityTally(ship=1, skip=0).summary == "1 ship, 0 skip"  # below the minimum
    assert CommunityTally(ship=0, skip=10).ship_percent == 0
