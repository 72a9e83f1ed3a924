"""Public pages of the verdict domain: a tool, all tools, a category, the
reviewers and search. Open-data endpoints live in verdicts/open_data_views.py,
readers' actions (votes, bookmarks) in verdicts/reader_views.py."""

from django.db.models import Exists, F, OuterRef, Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from pagecache.decorators import cached_page
from shiporskip.lib.keyset import BadCursor, Key, Ordering, keyset_page, redirect_page_number
from shiporskip.lib.methods import allow_methods
from verdicts.forms import ToolListForm
from verdicts.history import load_take_history, verdict_timeline
from verdicts.list_counts import personas_with_verdict_counts
from verdicts.models import Category, Persona, Take, Tool
from verdicts.publishing import published_q
from verdicts.search import parse_query, search_tools
from verdicts.search_page_sections import search_page_sections
from verdicts.structured_data import json_ld, software_application
from verdicts.tool_page_sections import tool_page_sections

TOOLS_PER_PAGE = 30
VERDICTS_PER_PAGE = 40
SUGGESTED_TOOLS = 6


def _tool_for_page(request, slug: str) -> Tool:
    """The tool with its category, takes (with personas) and their history: three queries."""
    tool = get_object_or_404(Tool.objects.visible_to(request.user).with_page_relations(), slug=slug)
    load_take_history([tool])
    return tool


@cached_page
@allow_methods("GET", "HEAD")
def tool_page(request, slug):
    tool = _tool_for_page(request, slug)
    return render(
        request,
        "verdicts/tool.html",
        {
            "tool": tool,
            # For "4 of 6 reviewed": one query.
            "panel_size": Persona.objects.count(),
            "timeline": verdict_timeline(tool),
            # Comparisons and "compare with" links, from the apps above (comparisons).
            "comparisons": [],
            "alternatives": [],
            **tool_page_sections(request, tool),
            "structured_data": json_ld(software_application(tool)),
            "alternate_json": reverse("verdicts:tool_json", args=[tool.slug]),
        },
    )


def _tool_listing(request, form: ToolListForm, tools, template: str, context: dict):
    """Filter, sort and read one keyset page of tools from the form: two queries
    (count, page), whatever the page."""
    if "page" in request.GET:
        return redirect_page_number(request)
    status = 200
    if not form.is_valid():
        status = 400
        context["message"] = form.error_message()
        form = ToolListForm({}, form.categories, with_category="category" in form.fields)
        form.is_valid()
    listed = form.apply(
        tools.with_panel_ranking()
        .select_related("category")
        .defer("description", "description_html", "pricing")
    )
    try:
        page = keyset_page(
            listed,
            form.ordering(),
            TOOLS_PER_PAGE,
            after=form.cleaned_data["after"],
            before=form.cleaned_data["before"],
        )
    except BadCursor as error:
        status = 400
        context["message"] = str(error)
        page = keyset_page(listed, form.ordering(), TOOLS_PER_PAGE)
    context = {**context, "form": form, "page": page, "count": listed.count()}
    return render(request, template, context, status=status)


LIST_QUERY = ["sort", "category", "tier", "verdict", "after", "before", "page"]


@cached_page(uses_votes=False, query=LIST_QUERY)
@allow_methods("GET", "HEAD")
def tools_index(request):
    categories = list(Category.objects.all())
    form = ToolListForm(request.GET, categories)
    tools = Tool.objects.visible_to(request.user)
    return _tool_listing(request, form, tools, "verdicts/tools.html", {})


@cached_page(uses_votes=False, query=[name for name in LIST_QUERY if name != "category"])
@allow_methods("GET", "HEAD")
def category_page(request, slug):
    category = get_object_or_404(Category, slug=slug)
    form = ToolListForm(request.GET, [category], with_category=False)
    tools = Tool.objects.visible_to(request.user).filter(category=category)
    context = {"category": category}
    return _tool_listing(request, form, tools, "verdicts/category.html", context)


@cached_page(uses_votes=False)
@allow_methods("GET", "HEAD")
def reviewers(request):
    """The panel with how many published tools each has judged, from the stored
    counts (verdicts/list_counts.py; staff too, as readers see it): one query."""
    personas = personas_with_verdict_counts(Persona.objects.all())
    return render(request, "verdicts/reviewers.html", {"personas": personas})


# A persona's verdicts, best score first, unscored last, then by tool name.
PERSONA_VERDICTS = Ordering(
    "score",
    (
        Key("score", int, descending=True, nullable=True),
        Key("tool_name", str),
        Key("pk", int),
    ),
)


@cached_page(uses_votes=False, query=["category", "after", "before", "page"])
@allow_methods("GET", "HEAD")
def reviewer_page(request, slug):
    """A persona's verdicts, optionally in one category, a keyset page at a time:
    four queries, none growing with the catalogue but the count of one category's
    verdicts (the whole count is stored: verdicts/list_counts.py)."""
    if "page" in request.GET:
        return redirect_page_number(request)
    staff = request.user.is_staff
    personas = Persona.objects.filter(slug=slug)
    if not staff:
        personas = personas_with_verdict_counts(personas)
    persona = get_object_or_404(personas)
    # Joined, not `tool__in=<published tools>`: that subquery listed every tool.
    visible = Q() if staff else published_q("tool__")
    takes = Take.objects.filter(visible, persona=persona)
    categories = list(Category.objects.filter(Exists(takes.filter(tool__category=OuterRef("pk")))))
    # Not select_related("tool__category"): joining the categories led SQLite to
    # read every take by category and sort them all; each take's category is one
    # of `categories`, given to its tool below.
    takes = takes.select_related("tool").annotate(tool_name=F("tool__name"))
    chosen = request.GET.get("category", "")
    known = {category.slug: category for category in categories}
    context = {"persona": persona, "categories": categories, "category": known.get(chosen)}
    status = 200
    if chosen in known:
        takes = takes.filter(tool__category=known[chosen])
    elif chosen:
        status = 400
        context["message"] = (
            f"{persona.name} has no verdicts in a category called “{chosen[:80]}”; "
            "showing every verdict instead."
        )
    try:
        page = keyset_page(
            takes,
            PERSONA_VERDICTS,
            VERDICTS_PER_PAGE,
            after=request.GET.get("after"),
            before=request.GET.get("before"),
        )
    except BadCursor as error:
        status = 400
        context["message"] = str(error)
        page = keyset_page(takes, PERSONA_VERDICTS, VERDICTS_PER_PAGE)
    by_id = {category.pk: category for category in categories}
    for take in page.object_list:
        take.tool.category = by_id[take.tool.category_id]
    whole = context["category"] is None and not staff
    context.update(page=page, count=persona.verdicts if whole else takes.count())
    return render(request, "verdicts/reviewer.html", context, status=status)


def _suggestions(request) -> dict:
    """Where to go when a search finds nothing: two queries."""
    tools = Tool.objects.visible_to(request.user)
    return {
        "suggested_tools": list(
            tools.by_panel_ship_percent().select_related("category")[:SUGGESTED_TOOLS]
        ),
        "categories": list(Category.objects.filter(tools__in=tools).distinct()),
    }


@cached_page(uses_votes=False, query=["q"])
@allow_methods("GET", "HEAD")
def search(request):
    query = parse_query(request.GET.get("q", ""))
    results = search_tools(query, Tool.objects.visible_to(request.user))
    context = {"query": query, "results": results, **search_page_sections(request, query)}
    if not results:
        context.update(_suggestions(request))
    status = 400 if query.too_long else 200
    return render(request, "verdicts/search.html", context, status=status)
