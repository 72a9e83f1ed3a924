"""Public pages of comparisons: the picker and the page of two to four tools
side by side (curated or generated on demand) with its JSON. The home page (pages/) lists
comparisons and the picker through listed_comparisons() and picker_tools()."""

from datetime import datetime

from django.core.validators import slug_re
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render

from comparisons.forms import PICKER_FIELDS, PairPickerForm
from comparisons.lookup import NoComparison, comparison_for_slug, load_takes
from comparisons.models import Comparison, on_demand_slug
from comparisons.open_data import comparison_payload
from comparisons.scorecard import build_scorecard
from comparisons.take_changes import changes_since_published, load_comparison_history
from pagecache.decorators import cached_page
from shiporskip.lib.keyset import BadCursor, Key, Ordering, keyset_page, redirect_page_number
from shiporskip.lib.methods import allow_methods
from verdicts.head_to_head import bottom_line
from verdicts.lens import LENS_PARAMETER, UnknownLens, lens_spelling, read_lens
from verdicts.models import Persona, Tool, attach_categories
from verdicts.open_data import open_data_response
from verdicts.structured_data import json_ld, software_application

PICKER_TOOLS = 200
# /compare/ lists every comparison, by pages.
COMPARISONS_PER_PAGE = 24
# Comparison.Meta.ordering as a keyset order (the index `comparison_newest`).
NEWEST_COMPARISONS = Ordering(
    "newest", (Key("published_at", datetime, descending=True), Key("pk", int, descending=True))
)


def _cannot_compare(request, problem: NoComparison):
    if problem.status == 404:
        raise Http404(problem.message)
    return render(
        request,
        "comparisons/cannot_compare.html",
        {"message": problem.message},
        status=problem.status,
    )


@cached_page(query=[LENS_PARAMETER])
@allow_methods("GET", "HEAD")
def compare(request, pair):
    """Two to four tools side by side, through the reader's lens when ?lens= names
    some of the panel: six queries with the page cache's (versions, the panel, the
    tools, the curated comparison, every tool's takes, every tool's history)."""
    panel = list(Persona.objects.all())
    asked = request.GET.getlist(LENS_PARAMETER)
    status, message = 200, None
    try:
        lens = read_lens(asked, panel)
    except UnknownLens as refused:
        # Nothing is lost: the reader gets the whole panel's page and why.
        lens, status, message = read_lens([], panel), 400, str(refused)
    try:
        comparison = comparison_for_slug(request.user, pair)
    except NoComparison as problem:
        return _cannot_compare(request, problem)
    if pair != comparison.canonical_slug:
        return redirect(comparison.get_absolute_url() + lens.query_string, permanent=True)
    if status == 200 and asked and lens_spelling(asked) != lens.value:
        # One spelling per lens (the form sends lens=a&lens=b): one cached copy.
        return redirect(comparison.get_absolute_url() + lens.query_string)
    # The lens narrows every tool's takes; the history below stays the whole panel's.
    load_takes(comparison, lens.personas if lens.is_active else None)
    load_comparison_history(comparison)
    tools = comparison.tools
    panel_line = bottom_line(tools)
    context = {
        "comparison": comparison,
        "tools": tools,
        # Every two of the tools, in page order, with their head-to-head:
        # (tool, other tool, HeadToHead), as the bottom line already weighed them.
        "pairs": [(tools[i], tools[j], h2h) for i, j, h2h in panel_line.pairs],
        "bottom_line": panel_line,
        "scorecard": build_scorecard(tools),
        "late_changes": changes_since_published(comparison),
        "lens": lens,
        "message": message,
        "alternate_json": comparison.get_json_url(),
    }
    if not lens.is_active:
        # Search engines index the whole panel's page only (a lensed one is noindex).
        context["structured_data"] = json_ld(*(software_application(tool) for tool in tools))
    return render(request, "comparisons/compare.html", context, status=status)


@cached_page
@allow_methods("GET", "HEAD")
def compare_json(request, pair):
    try:
        comparison = comparison_for_slug(request.user, pair)
    except NoComparison as problem:
        if problem.status == 404:
            raise Http404(problem.message) from None
        return JsonResponse({"error": problem.message}, status=problem.status)
    if pair != comparison.canonical_slug:
        return redirect(comparison.get_json_url(), permanent=True)
    load_takes(comparison)
    load_comparison_history(comparison)
    return open_data_response(comparison_payload(comparison, Persona.objects.count()))


def picker_tools(request, also=()):
    """The tools a picker offers: the PICKER_TOOLS newest, plus any named in
    `also` (chosen elsewhere), in one query. A select of ten thousand options
    would weigh a megabyte; every other tool is a search away."""
    visible = Tool.objects.visible_to(request.user)
    # The order of the index tool_newest, read from it to the 200th (ties on the
    # date sorted by name would sort every tool published at that moment).
    popular = (
        visible.with_panel_ranking()
        .order_by("-published_at", "name_sort_key", "pk")
        .values("pk")[:PICKER_TOOLS]
    )
    chosen = [slug for slug in also if slug and slug_re.match(slug)]  # PostgreSQL refuses NUL
    return (
        visible.filter(Q(pk__in=popular) | Q(slug__in=chosen)).only("name", "slug").order_by("name")
    )


@cached_page(uses_votes=False, query=[*PICKER_FIELDS, "after", "before", "page"])
@allow_methods("GET", "HEAD")
def pick(request):
    """The "compare tools" form (two to four), which redirects to their page,
    above every published comparison, newest first, by keyset pages."""
    if "page" in request.GET:
        return redirect_page_number(request)
    tools = list(picker_tools(request, also=[request.GET.get(name) for name in PICKER_FIELDS]))
    form = PairPickerForm(request.GET, tools)
    given = form.given()
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
    chosen = form.chosen_tools()
    curated = Comparison.objects.visible_to(request.user).for_tools(*chosen).with_tools().first()
    if curated:
        return redirect(curated.get_absolute_url())
    return redirect("comparisons:compare", on_demand_slug(*(tool.slug for tool in chosen)))


def listed_comparisons(request):
    """Comparisons the request may see, with what a list shows of their tools
    (Comparison.objects.for_list(): categories are attached after the page is read)."""
    return Comparison.objects.visible_to(request.user).for_list()


def _all_comparisons(request) -> tuple[dict, str | None]:
    """One keyset page of every comparison with its tools' panels and categories:
    two queries.
    No total: counting every live comparison (each with two to four tools to
    check) grew with the catalogue, and a reader paging by "Next" needs none.
    The message says why a cursor was refused (the first page is shown instead)."""
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
    attach_categories(tool for comparison in page.object_list for tool in comparison.tools)
    return {"page": page}, message
