"""PanelScores: the average of known scores, never of guessed ones."""

from decimal import Decimal

from verdicts.verdict import PanelScores


def test_it_averages_known_scores_rounding_half_up_to_one_decimal():
    assert PanelScores(scores=(80, 45), unscored=1).mean == Decimal("62.5")
    assert PanelScores(scores=(70, 71, 71, 71), unscored=0).mean == Decimal("70.8")  # 70.75
    # 62.25: banker's rounding would give 62.2.
    assert PanelScores(scores=(62, 62, 62, 63), unscored=0).mean == Decimal("62.3")
    assert PanelScores(scores=(0, 0, 1), unscored=0).mean == Decimal("0.3")


def test_it_says_how_many_takes_were_unscored():
    assert PanelScores(scores=(80, 45), unscored=1).mean_label == (
        "62.5/100 from 2 scored takes (1 unscored)"
    )
    assert PanelScores(scores=(70,), unscored=0).mean_label == "70/100 from 1 scored take"
    assert PanelScores(scores=(), unscored=3).mean_label == "No scored takes"
    assert PanelScores(scores=(), unscored=3).mean is None
