"""The benchmark filler keeps up with the schema: every bench (make bench,
bench/cold_path.py, bench/search.py) starts by running it."""

import pytest
from django.core.management import call_command

from verdicts.models import CommunityVote, Take, Tool

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_small_fill_adds_every_kind_of_row_with_consistent_tallies(capsys):
    from bench.fill_benchmark_data import main as fill

    call_command("loadseed")
    assert (
        fill(["--tools", "30", "--votes", "300", "--comparisons", "10", "--categories", "3"]) == 0
    )
    bench_tools = Tool.objects.filter(slug__startswith="bench-")
    assert bench_tools.count() == 30
    assert Take.objects.filter(tool__in=bench_tools).count() == 30 * 6
    assert CommunityVote.objects.filter(tool__in=bench_tools).count() == 300
    # The stored panel tallies of the raw inserts match a recount.
    call_command("recount_panel_tallies", "--check")
    assert "Added 30 tools" in capsys.readouterr().out
