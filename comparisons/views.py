"""Public pages of comparisons: the pair picker and the side-by-side page
(curated or generated on demand) with its JSON. The home page (pages/) lists
comparisons and the picker through listed_comparisons() and picker_tools()."""

from datetime import datetime

from django.core.validators import slug_re
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from comparisons.forms import PairPickerForm
from comparisons.models import (
    Comparison,
    on_demand_slug,
    tools_for_pair_slug,
)
from comparisons.open_data import comparison_payload
from comparisons.scorecard import build_scorecard
from pagecache.decorators import cached_page
from shiporskip.lib.keyset import BadCursor, Key, Ordering, keyset_page, redirect_page_number
from shiporskip.lib.methods import allow_methods
from verdicts.models import Take, Tool
from verdicts.open_data import open_data_response
from verdicts.structured_data import json_ld, software_application

PICKER_TOOLS = 200
# /compare/ lists every comparison, by pages.
COMPARISONS_PER_PAGE = 24
# Comparison.Meta.ordering as a keyset order (the index `comparison_newest`).
NEWEST_COMPARISONS = Ordering(
    "newest", (Key("published_at", datetime, descending=True), Key("pk", int, descending=True))
)


def _curated_comparison(request, pair: str) -> Comparison | None:
    """The comparison with both tools, categories and takes: three queries."""
    return (
        Comparison.objects.visible_to(request.user)
        .for_pair_slug(pair)
        .select_related("tool_a__category", "tool_b__category")
        .prefetch_related(
            # Take.Meta.ordering already puts takes in panel order.
            Prefetch("tool_a__takes", queryset=Take.objects.select_related("persona")),
            Prefetch("tool_b__takes", queryset=Take.objects.select_related("persona")),
        )
        .first()
    )


def _on_demand_comparison(request, pair: str) -> Comparison | None:
    """An unsaved pairing of two tools with categories and takes: two queries."""
    tools = Tool.objects.visible_to(request.user).with_page_relations()
    found = tools_for_pair_slug(tools, pair)
    return Comparison.on_demand(*found) if found else None


def _comparison_for_pair(request, pair: str) -> Comparison:
    """A curated comparison always wins; otherwise any two visible tools pair up."""
    comparison = _curated_comparison(request, pair) or _on_demand_comparison(request, pair)
    if comparison is None:
        raise Http404("No such comparison.")
    return comparison


@cached_page
@allow_methods("GET", "HEAD")
def compare(request, pair):
    comparison = _comparison_for_pair(request, pair)
    if pair != comparison.canonical_slug:
        return redirect(comparison.get_absolute_url(), permanent=True)
    a, b = comparison.tool_a, comparison.tool_b
    return render(
        request,
        "comparisons/compare.html",
        {
            "comparison": comparison,
            "tools": [a, b],
            "scorecard": build_scorecard(a, b),
            "structured_data": json_ld(software_application(a), software_application(b)),
            "alternate_json": reverse("comparisons:compare_json", args=[comparison.canonical_slug]),
        },
    )


@cached_page
@allow_methods("GET", "HEAD")
def compare_json(request, pair):
    comparison = _comparison_for_pair(request, pair)
    if pair != comparison.canonical_slug:
        return redirect(
            reverse("comparisons:compare_json", args=[comparison.canonical_slug]), permanent=True
        )
    return open_data_response(comparison_payload(comparison))


def picker_tools(request, also=()):
    """The tools a picker offers: the PICKER_TOOLS newest, plus any named in
    `also` (chosen elsewhere), in one query. A select of ten thousand options
    would weigh a megabyte; every other tool is a search away."""
    visible = Tool.objects.visible_to(request.user)
    popular = visible.order_by("-published_at", "name").values("pk")[:PICKER_TOOLS]
    chosen = [slug for slug in also if slug and slug_re.match(slug)]  # PostgreSQL refuses NUL
    return (
        visible.filter(Q(pk__in=popular) | Q(slug__in=chosen)).only("name", "slug").order_by("name")
    )


@cached_page(uses_votes=False, query=["a", "b", "after", "before", "page"])
@allow_methods("GET", "HEAD")
def pick(request):
    """The "compare any two tools" form, which redirects to the pair's page, above
    every published comparison, newest first, by keyset pages."""
    if "page" in request.GET:
        return redirect_page_number(request)
    tools = list(picker_tools(request, also=[request.GET.get("a"), request.GET.get("b")]))
    form = PairPickerForm(request.GET, tools)
    given = [name for name in ("a", "b") if request.GET.get(name)]
    if len(given) < 2 and all(request.GET[name] in form.by_slug for name in given):
        # Nothing chosen yet, or one tool chosen elsewhere ("compare X with…").
        listing, message = _all_comparisons(request)
        context = {"picker": form, **listing}
        if message:
            context["message"] = message
        return render(request, "comparisons/pick.html", context, status=400 if message else 200)
    if not form.is_valid():
        listing, _ = _all_comparisons(request)
        context = {"picker": form, "message": form.error_message(), **listing}
        return render(request, "comparisons/pick.html", context, status=400)
    first, second = form.cleaned_data["a"], form.cleaned_data["b"]
    curated = (
        Comparison.objects.visible_to(request.user)
        .for_tools(first, second)
        .select_related("tool_a", "tool_b")
        .first()
    )
    if curated:
        return redirect(curated.get_absolute_url())
    return redirect("comparisons:compare", on_demand_slug(first.slug, second.slug))


def listed_comparisons(request):
    """Comparisons the request may see, newest first, with both tools' categories."""
    return Comparison.objects.visible_to(request.user).select_related(
        "tool_a__category", "tool_b__category"
    )


def _all_comparisons(request) -> tuple[dict, str | None]:
    """One keyset page of every comparison with its tools' panels, and the
    comparison count: two queries. The message says why a cursor was refused
    (the first page is shown instead)."""
    listed = listed_comparisons(request)
    message = None
    try:
        page = keyset_page(
            listed,
            NEWEST_COMPARISONS,
            COMPARISONS_PER_PAGE,
            after=request.GET.get("after"),
            before=request.GET.get("before"),
        )
    except BadCursor as error:
        message = str(error)
        page = keyset_page(listed, NEWEST_COMPARISONS, COMPARISONS_PER_PAGE)
    return {"page": page, "count": listed.count()}, message
