"""Each tool's stored panel figures equal what verdicts/verdict.py computes from
its takes, after every save and delete, and `recount_panel_tallies` finds and
repairs any drift."""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from tests.factories import make_persona, make_take, make_tool
from verdicts import ranking
from verdicts.models import Call, Take, Tool
from verdicts.tallies import StoredPanel, recount_panels
from verdicts.verdict import PanelScores, PanelTally


def stored(tool) -> tuple:
    fresh = Tool.objects.get(pk=tool.pk)
    return (
        fresh.panel_ship,
        fresh.panel_skip,
        fresh.panel_ship_percent,
        fresh.panel_verdict_key,
        fresh.panel_average_score,
    )


def computed(tool) -> tuple:
    takes = list(Take.objects.filter(tool=tool))
    tally = PanelTally(
        ship=sum(t.call == Call.SHIP for t in takes), skip=sum(t.call == Call.SKIP for t in takes)
    )
    known = tuple(t.score for t in takes if t.score is not None)
    mean = PanelScores(scores=known, unscored=len(takes) - len(known)).mean
    return (tally.ship, tally.skip, tally.ship_percent, tally.verdict.value, mean)


@pytest.mark.django_db
def test_every_save_and_delete_of_a_take_keeps_the_stored_panel_equal_to_a_recount():
    personas = [make_persona() for _ in range(4)]
    tool = make_tool()
    assert stored(tool) == (0, 0, None, "none", None)
    first = make_take(tool, personas[0], call=Call.SHIP, score=70)
    assert stored(tool) == computed(tool) == (1, 0, 100, "ship", Decimal("70.0"))
    make_take(tool, personas[1], call=Call.SKIP, score=75)
    assert stored(tool) == computed(tool) == (1, 1, 50, "split", Decimal("72.5"))
    third = make_take(tool, personas[2], call=Call.SKIP, score=None)
    assert stored(tool) == computed(tool) == (1, 2, 33, "skip", Decimal("72.5"))
    third.call, third.score = Call.SHIP, 66
    third.save()
    assert stored(tool) == computed(tool) == (2, 1, 67, "ship", Decimal("70.3"))
    first.delete()
    assert stored(tool) == computed(tool) == (1, 1, 50, "split", Decimal("70.5"))
    Take.objects.filter(tool=tool).delete()  # a queryset delete sends post_delete too
    assert stored(tool) == computed(tool) == (0, 0, None, "none", None)
    assert recount_panels(Tool.objects.all(), fix=False).count == 0


@pytest.mark.django_db
def test_a_tool_saved_from_an_instance_loaded_before_a_take_keeps_the_new_figures():
    tool = make_tool()
    loaded_earlier = Tool.objects.get(pk=tool.pk)
    make_take(tool, make_persona(), call=Call.SKIP, score=10)
    loaded_earlier.tagline = "Renamed tagline"
    loaded_earlier.save()
    assert stored(tool) == (0, 1, 0, "skip", Decimal("10.0"))
    assert Tool.objects.get(pk=tool.pk).tagline == "Renamed tagline"


@pytest.mark.django_db
def test_a_take_change_moves_the_content_date_the_sitemap_reads():
    tool = make_tool()
    before = Tool.objects.get(pk=tool.pk).content_updated_at
    take = make_take(tool, make_persona())
    after_save = Tool.objects.get(pk=tool.pk).content_updated_at
    take.delete()
    after_delete = Tool.objects.get(pk=tool.pk).content_updated_at
    assert before < after_save < after_delete


@pytest.mark.django_db
def test_a_failed_take_save_leaves_the_stored_panel_as_it_was(monkeypatch):
    tool = make_tool()
    make_take(tool, make_persona(), call=Call.SHIP)

    def broken(tool_id):
        raise RuntimeError("the tally could not be stored")

    monkeypatch.setattr("verdicts.tallies.refresh_tool_panel", broken)
    with pytest.raises(RuntimeError):
        make_take(tool, make_persona(), call=Call.SKIP)
    # Same transaction: the take that could not be counted was not kept either.
    assert Take.objects.filter(tool=tool).count() == 1
    assert stored(tool) == computed(tool)


@pytest.fixture
def drifted(db):
    """Three tools, two whose stored panel an update() behind the receivers' back spoilt."""
    persona = make_persona()
    tools = [make_tool(name=name) for name in ("Alpha", "Beta", "Gamma")]
    for tool in tools:
        make_take(tool, persona, call=Call.SHIP, score=81)
    Tool.objects.filter(name__in=["Alpha", "Gamma"]).update(panel_ship=0, panel_ship_percent=None)
    Take.objects.filter(tool=tools[2]).update(score=82)
    return tools


def test_the_check_reports_drift_and_exits_non_zero_without_fixing(drifted, capsys):
    with pytest.raises(CommandError, match=r"^2 tools' stored panel tallies drifted"):
        call_command("recount_panel_tallies", "--check")
    with pytest.raises(CommandError, match=r"alpha, gamma\.$"):
        call_command("recount_panel_tallies", "--check")
    assert stored(drifted[0])[0] == 0


def test_the_recount_fixes_drift_and_says_which(drifted, capsys):
    call_command("recount_panel_tallies")
    out = capsys.readouterr().out
    assert "Fixed 2 tools' stored panel tallies that had drifted: alpha, gamma." in out
    for tool in drifted:
        assert stored(tool) == computed(tool)
    assert stored(drifted[2])[4] == Decimal("82.0")
    call_command("recount_panel_tallies", "--check")
    assert "Every stored panel tally matches its takes." in capsys.readouterr().out


def test_the_sql_recount_and_the_python_arithmetic_agree_on_every_tool(drifted):
    call_command("recount_panel_tallies")
    for tool in ranking.with_counted_panel(Tool.objects.all()):
        assert StoredPanel.of(tool) == StoredPanel.from_takes(
            Take.objects.filter(tool=tool).values_list("call", "score")
        )
