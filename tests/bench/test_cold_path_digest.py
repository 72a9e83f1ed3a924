"""bench/cold_path.py's busy week: the same news at any size, rolled back after."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from comparisons.models import Comparison
from newsletter import digest
from verdicts.models import Take

pytestmark = pytest.mark.django_db


def test_the_busy_week_holds_its_set_news_and_leaves_nothing_behind():
    from bench.cold_path import BUSY_WEEK, _busy_week, _compose_busy_week

    call_command("loadseed")

    def dates():
        return [list(model.objects.values_list("pk", "updated_at")) for model in (Take, Comparison)]

    before = dates()

    with _busy_week() as since:
        news = digest.compose(since, timezone.now())
        _compose_busy_week(since)  # asserts the same counts, and renders

    assert len(news.comparisons) == BUSY_WEEK["comparisons"]
    assert len(news.changed) == BUSY_WEEK["tools"]
    assert all(len(changed.revised_takes) == 4 for changed in news.changed)
    assert dates() == before
