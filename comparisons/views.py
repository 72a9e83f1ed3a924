"""Public pages of comparisons: the home list and the side-by-side page."""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render

from comparisons.models import Comparison
from comparisons.scorecard import build_scorecard
from pagecache.decorators import cached_page
from verdicts.models import Take, Tool


def _takes_with_personas():
    return Take.objects.select_related("persona").order_by("persona__position")


def _comparison_for_page(request, pair: str) -> Comparison:
    """The comparison with both tools, categories and takes: three queries."""
    comparison = (
        Comparison.objects.visible_to(request.user)
        .for_pair_slug(pair)
        .select_related("tool_a__category", "tool_b__category")
        .prefetch_related(
            Prefetch("tool_a__takes", queryset=_takes_with_personas()),
            Prefetch("tool_b__takes", queryset=_takes_with_personas()),
        )
        .first()
    )
    if comparison is None:
        raise Http404("No such comparison.")
    return comparison


@cached_page
def compare(request, pair):
    comparison = _comparison_for_page(request, pair)
    if pair != comparison.canonical_slug:
        return redirect(comparison.get_absolute_url(), permanent=True)
    return render(
        request,
        "comparisons/compare.html",
        {
            "comparison": comparison,
            "tools": [comparison.tool_a, comparison.tool_b],
            "scorecard": build_scorecard(comparison.tool_a, comparison.tool_b),
        },
    )


def _published_comparisons_with_panels(request):
    """Published comparisons and their tools' panel counts: two queries."""
    comparisons = list(
        Comparison.objects.visible_to(request.user).select_related(
            "tool_a__category", "tool_b__category"
        )
    )
    tool_ids = {c.tool_a_id for c in comparisons} | {c.tool_b_id for c in comparisons}
    panels = {
        tool.pk: tool.panel
        for tool in Tool.objects.filter(pk__in=tool_ids).with_panel_counts().only("pk")
    }
    return comparisons, panels


@cached_page
def home(request):
    comparisons, panels = _published_comparisons_with_panels(request)
    return render(request, "comparisons/home.html", {"comparisons": comparisons, "panels": panels})
