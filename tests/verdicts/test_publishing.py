"""The one "published" rule: querysets, Tool.is_live and comparisons agree."""

from datetime import timedelta

import pytest
from django.utils import timezone

from comparisons.models import Comparison
from tests.factories import make_comparison, make_tool
from verdicts.models import Tool


@pytest.fixture
def tools(db):
    now = timezone.now()
    return {
        "live": make_tool(name="Live", published_at=now - timedelta(days=1)),
        "future": make_tool(name="Future", published_at=now + timedelta(days=1)),
        "draft": make_tool(name="Draft", is_published=False, published_at=now - timedelta(days=1)),
    }


def test_it_shows_readers_only_published_tools_whose_date_has_come(tools):
    assert [tool.name for tool in Tool.objects.published()] == ["Live"]


def test_is_live_agrees_with_the_queryset(tools):
    published = set(Tool.objects.published().values_list("pk", flat=True))
    for tool in Tool.objects.all():
        assert tool.is_live == (tool.pk in published), tool.name


def test_a_comparison_is_published_only_with_both_its_tools(tools):
    other = make_tool(name="Other")
    shown = make_comparison(tools["live"], other)
    make_comparison(tools["live"], tools["future"])
    make_comparison(tools["draft"], other)
    make_comparison(tools["future"], other, is_published=False)
    assert list(Comparison.objects.published()) == [shown]
