"""The verdict timeline's diffing of consecutive history records, tested directly."""

from datetime import UTC, datetime
from types import SimpleNamespace

from verdicts.history import ChangeKind, changes_of_one_take, newest_first

SKEPTIC = SimpleNamespace(pk=2, name="Skeptic", position=20)
BUILDER = SimpleNamespace(pk=1, name="Builder", position=10)


def record(day, history_type="~", persona=SKEPTIC, **fields):
    take = {"call": "skip", "score": 45, "body": "Who needs it?", "reviewed_version": ""}
    return SimpleNamespace(
        history_date=datetime(2026, 5, day, 12, tzinfo=UTC),
        history_type=history_type,
        tool_id=7,
        persona=persona,
        **{**take, **fields},
    )


def summaries(records):
    return [change.summary for change in changes_of_one_take(records)]


def test_a_first_take_is_dated_and_worded():
    [change] = changes_of_one_take([record(1, "+")])
    assert change.kind == ChangeKind.FIRST_TAKE
    assert change.date == datetime(2026, 5, 1, 12, tzinfo=UTC)
    assert (change.old_call, change.new_call, change.new_score) == (None, "skip", 45)
    assert change.summary == "Skeptic: skip, 45 (first take)"


def test_a_call_and_score_change_reads_old_to_new():
    changes = changes_of_one_take([record(1, "+"), record(20, call="ship", score=71)])
    assert changes[1].summary == "Skeptic: skip → ship, 45 → 71"
    assert changes[1].date == datetime(2026, 5, 20, 12, tzinfo=UTC)
    assert (changes[1].old_call, changes[1].new_call) == ("skip", "ship")
    assert (changes[1].old_score, changes[1].new_score) == (45, 71)
    assert not changes[1].text_revised


def test_a_call_or_a_score_alone_is_named():
    assert summaries([record(1, "+"), record(2, call="ship")])[1] == "Skeptic: skip → ship"
    assert summaries([record(1, "+"), record(2, score=50)])[1] == "Skeptic: score 45 → 50"
    assert summaries([record(1, "+"), record(2, score=None)])[1] == "Skeptic: score 45 → unscored"


def test_a_text_only_change_says_text_revised():
    changes = changes_of_one_take([record(1, "+"), record(2, body="Who needs it, really?")])
    assert changes[1].summary == "Skeptic: text revised"
    assert changes[1].text_revised and changes[1].kind == ChangeKind.REVISED


def test_every_change_of_one_save_is_listed():
    later = record(2, call="ship", score=71, body="Fine.", reviewed_version="v0.6.0")
    assert summaries([record(1, "+", reviewed_version="v0.5.18"), later])[1] == (
        "Skeptic: skip → ship, 45 → 71, text revised, reviewed version v0.5.18 → v0.6.0"
    )
    assert summaries([record(1, "+"), record(2, reviewed_version="v1")])[1] == (
        "Skeptic: reviewed version v1"
    )


def test_a_save_that_changed_nothing_tracked_is_no_change():
    assert summaries([record(1, "+"), record(2), record(3, score=50), record(4, score=50)]) == [
        "Skeptic: skip, 45 (first take)",
        "Skeptic: score 45 → 50",
    ]


def test_a_withdrawn_take_says_what_it_was():
    changes = changes_of_one_take([record(1, "+"), record(3, "-", score=60)])
    assert changes[1].kind == ChangeKind.WITHDRAWN
    assert changes[1].summary == "Skeptic: take withdrawn (was skip, 60)"
    assert (changes[1].old_call, changes[1].new_call) == ("skip", None)


def test_history_that_starts_after_the_take_only_sets_the_starting_point():
    assert summaries([record(1), record(2, score=50)]) == ["Skeptic: score 45 → 50"]


def test_the_timeline_is_newest_first_and_one_moment_in_panel_order():
    skeptic = changes_of_one_take([record(1, "+"), record(9, call="ship")])
    builder = changes_of_one_take([record(1, "+", persona=BUILDER)])
    assert [c.summary for c in newest_first(skeptic + builder)] == [
        "Skeptic: skip → ship",
        "Builder: skip, 45 (first take)",
        "Skeptic: skip, 45 (first take)",
    ]
