"""The panel arithmetic in SQL (the check on the stored columns) agrees with
PanelTally and PanelScores; lists sort and filter on the stored columns."""

import pytest

from tests.factories import make_category, make_persona, make_take, make_tool
from verdicts import ranking
from verdicts.forms import ToolListForm
from verdicts.models import Call, Take, Tool, Verdict
from verdicts.tallies import recount_panels
from verdicts.verdict import PanelScores, PanelTally, panel_sort_key, score_sort_key

COUNTS = [(ship, skip) for ship in range(9) for skip in range(9)]


@pytest.fixture
def every_panel(db):
    """One tool per (ship, skip) pair from 0/0 to 8/8, named so names tie-break."""
    personas = [make_persona() for _ in range(16)]
    category = make_category()
    takes = []
    for ship, skip in COUNTS:
        tool = make_tool(name=f"t{ship}-{skip}", category=category)
        calls = [Call.SHIP] * ship + [Call.SKIP] * skip
        takes += [
            Take(tool=tool, persona=persona, call=call, score=None, body="b")
            for persona, call in zip(personas, calls, strict=False)
        ]
    # bulk_create sends no post_save: store the panels as the drift command would.
    Take.objects.bulk_create(takes)
    assert recount_panels(Tool.objects.all(), fix=True).count == len(COUNTS) - 1  # all but 0/0


@pytest.mark.django_db
def test_the_sql_recount_computes_the_ship_percent_and_verdict_like_panel_tally(every_panel):
    for tool in ranking.with_counted_panel(Tool.objects.all()):
        tally = PanelTally(ship=tool.counted_ship, skip=tool.counted_skip)
        assert (tool.counted_ship, tool.counted_skip) == (tool.panel_ship, tool.panel_skip)
        assert tool.counted_ship_percent == tally.ship_percent == tool.panel_ship_percent, tool
        assert tool.counted_verdict_key == tally.verdict == tool.panel_verdict_key, tool.name


@pytest.mark.django_db
@pytest.mark.parametrize(
    "scores", [[70], [70, 75], [1, 2], [66, 67, 67], [0, 0, 1], [99, 100], [33, 33, 34, 35]]
)
def test_the_sql_recount_rounds_the_average_score_like_panel_scores(scores):
    personas = [make_persona() for _ in scores]
    tool = make_tool()
    for persona, score in zip(personas, scores, strict=True):
        make_take(tool, persona, score=score)
    [counted] = ranking.with_counted_panel(Tool.objects.filter(pk=tool.pk))
    mean = PanelScores(scores=tuple(scores), unscored=0).mean
    assert counted.counted_average_tenths == int(mean * 10)
    assert Tool.objects.get(pk=tool.pk).panel_average_score == mean


@pytest.mark.django_db
def test_it_orders_by_the_rounded_ship_percent_then_name_with_no_takes_last(every_panel):
    ordered = [tool.name for tool in Tool.objects.by_panel_ship_percent()]

    def expected_key(counts):
        percent = PanelTally(*counts).ship_percent
        return (percent is None, -(percent or 0), f"t{counts[0]}-{counts[1]}")

    assert ordered == [f"t{ship}-{skip}" for ship, skip in sorted(COUNTS, key=expected_key)]


@pytest.mark.django_db
def test_half_up_rounding_decides_ties_where_truncation_would_not():
    # 5 of 8 is 62.5%: half up makes it 63 and ties it with 12 of 19 (63.2%), so
    # the name decides. Truncating or banker's rounding would put it after.
    personas = [make_persona() for _ in range(19)]
    for name, ship, skip in [("Beta", 12, 7), ("alpha", 5, 3), ("Gamma", 8, 5)]:
        tool = make_tool(name=name)
        for persona, call in zip(personas, [Call.SHIP] * ship + [Call.SKIP] * skip, strict=False):
            make_take(tool, persona, call=call)
    ordered = list(Tool.objects.by_panel_ship_percent())
    assert [(tool.name, tool.panel_ship_percent) for tool in ordered] == [
        ("alpha", 63),
        ("Beta", 63),
        ("Gamma", 62),
    ]
    assert [tool.panel.ship_percent for tool in ordered] == [63, 63, 62]


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["ship", "skip", "split", "none"])
def test_filtering_by_verdict_in_sql_matches_panel_tally(every_panel, key):
    assert key in Verdict.values
    found = {tool.name for tool in Tool.objects.with_panel_ranking().with_panel_verdict(key)}
    expected = {f"t{s}-{k}" for s, k in COUNTS if PanelTally(s, k).verdict == key}
    assert found == expected
    assert expected


@pytest.fixture
def scored_panels(db):
    """Tools tying on ship % with different average scores, unscored ones and a
    199/1-like near-unanimity, named so that only the rule can order them."""
    personas = [make_persona() for _ in range(12)]
    rows = {
        "Alpha": [(70, Call.SHIP), (67, Call.SHIP), (60, Call.SHIP), (40, Call.SKIP)],
        "zed": [(74, Call.SHIP), (74, Call.SHIP), (75, Call.SHIP), (50, Call.SKIP)],
        "Beta": [(74, Call.SHIP), (74, Call.SHIP), (75, Call.SHIP), (50, Call.SKIP)],
        "Unscored": [(None, Call.SHIP)] * 3 + [(None, Call.SKIP)],
        "Eleven": [(90, Call.SHIP)] * 11 + [(10, Call.SKIP)],
        "Quarter": [(80, Call.SHIP), (81, Call.SHIP), (82, Call.SHIP), (83, Call.SKIP)],
        "Nobody": [],
    }
    for name, takes in rows.items():
        tool = make_tool(name=name)
        for persona, (score, call) in zip(personas, takes, strict=False):
            make_take(tool, persona, score=score, call=call)


@pytest.mark.django_db
@pytest.mark.parametrize("sort, key", [("ship", panel_sort_key), ("score", score_sort_key)])
def test_sql_orders_exactly_as_the_python_rule(scored_panels, sort, key):
    form = ToolListForm({"sort": sort}, [])
    assert form.is_valid()
    # The list's keyset order on the stored columns (the view pages through it).
    listed = form.apply(Tool.objects.with_panel_ranking()).order_by(*form.ordering().order_by())
    in_sql = [tool.name for tool in listed]
    tools = list(Tool.objects.with_page_relations())
    in_python = [t.name for t in sorted(tools, key=lambda t: key(t.panel, t.panel_scores, t.name))]
    assert in_sql == in_python
    assert len(in_sql) == 7


@pytest.mark.django_db
def test_a_ship_percent_tie_goes_to_the_higher_average_score(scored_panels):
    ordered = [tool.name for tool in Tool.objects.by_panel_ship_percent()]
    # 75% each: Quarter (81.5) > Beta = zed (73.3, then by name) > Alpha (59.3) > unscored.
    assert ordered == ["Eleven", "Quarter", "Beta", "zed", "Alpha", "Unscored", "Nobody"]


@pytest.mark.django_db
def test_sql_keeps_a_near_unanimous_panel_below_100(db):
    personas = [make_persona() for _ in range(201)]
    tool = make_tool()
    for n, persona in enumerate(personas):
        make_take(tool, persona, call=Call.SKIP if n == 0 else Call.SHIP)
    ranked = Tool.objects.with_panel_ranking().get(pk=tool.pk)
    assert ranked.panel_ship_percent == 99 == PanelTally(200, 1).ship_percent
