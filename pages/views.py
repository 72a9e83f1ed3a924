"""Site-wide pages, above every app: the home page, the methodology, robots.txt,
llms.txt (a Markdown map of the site for language models) and the admin's live
Markdown preview. The sitemap's sections are in pages/sitemaps.py."""

import re

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from comparisons.forms import PairPickerForm
from comparisons.models import TOOL_FIELDS, Comparison, compare_slug
from comparisons.views import listed_comparisons, picker_tools
from pagecache.decorators import cached_page
from shiporskip.lib.markdown import render_markdown
from shiporskip.lib.methods import allow_methods
from shiporskip.lib.urls import absolute_route, absolute_url
from verdicts.list_counts import categories_with_tool_counts, published_tool_count
from verdicts.models import Category, Persona, Tool, attach_categories
from verdicts.structured_data import json_ld, web_site
from verdicts.verdict import PanelTally
from verdicts.vocabulary import Verdict

HOME_TOP_TOOLS = 6
# The home page lists the newest comparisons; /compare/ lists them all, by pages.
HOME_LATEST_COMPARISONS = 24
# Far beyond any review; refuses to spend a request rendering a pasted novel.
MAX_PREVIEW_CHARS = 50_000

# Worked examples on the methodology page, computed by the code every page uses.
METHODOLOGY_EXAMPLES = [PanelTally(7, 1), PanelTally(2, 1), PanelTally(3, 3), PanelTally(1, 3)]


def home_sections(request) -> dict:
    """Top tools, the panel, categories and the picker's tools: four queries."""
    return {
        "top_tools": list(
            Tool.objects.published()
            .by_panel_ship_percent()
            .select_related("category")[:HOME_TOP_TOOLS]
        ),
        "personas": list(Persona.objects.all()),
        # Stored counts (verdicts/list_counts.py), not a count of every tool.
        "categories": list(
            categories_with_tool_counts(Category.objects.all()).filter(tool_count__gt=0)
        ),
        "picker": PairPickerForm(None, list(picker_tools(request))),
    }


@cached_page(uses_votes=False)
@allow_methods("GET", "HEAD")
def home(request):
    comparisons = list(listed_comparisons(request)[:HOME_LATEST_COMPARISONS])
    sections = home_sections(request)
    # Live tools' categories are among those listed with a tool count.
    attach_categories(
        (tool for comparison in comparisons for tool in comparison.tools),
        known=sections["categories"],
    )
    context = {
        "comparisons": comparisons,
        "structured_data": json_ld(web_site()),
        **sections,
    }
    return render(request, "pages/home.html", context)


@cached_page(uses_votes=False)
@allow_methods("GET", "HEAD")
def methodology(request):
    """One query: the personas, so their names and lenses are never out of date."""
    context = {
        "personas": Persona.objects.all(),
        "examples": METHODOLOGY_EXAMPLES,
        "min_takes": settings.VERDICT_MIN_TAKES,
        "min_votes": settings.COMMUNITY_MIN_VOTES,
        "vote_days": settings.NEWSLETTER_VOTE_MAX_AGE // 86400,
    }
    return render(request, "pages/methodology.html", context)


@cached_page(uses_votes=False)
@allow_methods("GET", "HEAD")
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        # Result pages are endless and thin; the tools they list are in the sitemap.
        "Disallow: /search/",
        "",
        f"Sitemap: {absolute_url(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


# Characters that can make Markdown of text: headings, links, images, emphasis,
# code, HTML and entities, tables, strikethrough. "-", "+" and "." only matter
# at the start of a line, where editors' text never is in llms.txt.
_MARKDOWN_SIGNIFICANT = re.compile(r"([\\`*_\[\]()#!<>&|~])")
# A bare URL would still become a link in GitHub-flavoured Markdown.
_BARE_URL = re.compile(r":(?=//)")


def markdown_text(text: str) -> str:
    """Editors' text (a name, a tagline) backslash-escaped so that Markdown reads
    it as the very characters typed: `# Hi [x](http://e.example)` stays text."""
    return _BARE_URL.sub("\\:", _MARKDOWN_SIGNIFICANT.sub(r"\\\1", text))


def _link(title: str, url: str) -> str:
    """A Markdown link to an absolute URL."""
    return f"[{markdown_text(title)}]({url})"


def _page_link(title: str, path: str) -> str:
    return _link(title, absolute_url(path))


# The per-section files /llms.txt links to: name -> (title, what each line says).
LLMS_SECTIONS = {
    "tools": ("Tools", "every published tool with its panel verdict, best first"),
    "comparisons": ("Comparisons", "every comparison an editor picked, newest first"),
}


def _llms_summary(counts: dict[str, int]) -> list[str]:
    site = settings.SITE_NAME
    lines = [
        f"# {site}",
        "",
        f"> {site} publishes independent panel verdicts on AI developer tools. Six reviewer "
        "personas score each tool from 0 to 100 (or leave it unscored) and call ship or "
        "skip; comparison pages put two to four tools side by side. Every page has a JSON twin "
        "with the same figures and its canonical URL: cite the canonical URL.",
        "",
        f"The panel ship % is ship takes over all takes, rounded half up. The verdict is "
        f"{Verdict.SHIP.label} when ship takes outnumber skip takes, {Verdict.SKIP.label} when "
        f"fewer, {Verdict.SPLIT.label} when equal. Unknown scores are never invented.",
        "",
        "## Start here",
        "",
        f"- {_page_link('Methodology', reverse('pages:methodology'))}: how verdicts, "
        "percentages and community votes are computed; who the reviewers are",
        f"- {_page_link('All tools', reverse('verdicts:tools'))}: sortable by panel ship %",
        f"- {_page_link('Reviewers', reverse('verdicts:reviewers'))}: the six personas and their "
        "lens",
        f"- {_page_link('New comparisons (Atom feed)', reverse('comparisons:feed'))}",
        f"- {_page_link('Sitemap', reverse('sitemap'))}",
        "",
        "## Open data",
        "",
        "- `/tools/<slug>.json`: a tool's panel verdict, ship %, every take (score, call, "
        "text), community tally and pricing",
        "- `/compare/<a>-vs-<b>[-vs-<c>[-vs-<d>]].json`: two to four tools side by side; any "
        'published tools can be compared, and "editors_pick" says whether an editor curated them',
        "- `/badges/<slug>.svg`: an embeddable badge with the panel verdict and ship %",
        "",
        "## Sections",
        "",
    ]
    for name, (title, says) in LLMS_SECTIONS.items():
        path = reverse("pages:llms_section", args=[name])
        # Comparisons are not counted: whether one is live depends on it and on
        # each of its tools, and a model reading the map needs the link, not the total.
        count = f" ({counts[name]:,})" if name in counts else ""
        lines.append(f"- {_page_link(title, path)}: {says}{count}")
    return lines


def _llms_tool_lines(tools) -> list[str]:
    page_head, page_tail = absolute_route("verdicts:tool")
    json_head, json_tail = absolute_route("verdicts:tool_json")
    lines = [f"# {settings.SITE_NAME}: tools", ""]
    for tool in tools:
        lines.append(
            f"- {_link(tool.name, f'{page_head}{tool.slug}{page_tail}')}: "
            f"{markdown_text(tool.tagline)}. Panel: {tool.panel.summary}. "
            f"JSON at {json_head}{tool.slug}{json_tail}"
        )
    return lines


def _llms_comparison_lines(rows) -> list[str]:
    """rows: (name, slug) of each tool slot, tool_a to tool_d, None when empty."""
    page_head, page_tail = absolute_route("comparisons:compare")
    json_head, json_tail = absolute_route("comparisons:compare_json")
    lines = [f"# {settings.SITE_NAME}: comparisons", ""]
    for row in rows:
        names, slugs = row[0::2], row[1::2]
        slug = compare_slug(*(s for s in slugs if s is not None))
        title = " vs ".join(name for name in names if name is not None)
        lines.append(
            f"- {_link(title, f'{page_head}{slug}{page_tail}')}: "
            f"JSON at {json_head}{slug}{json_tail}"
        )
    return lines


def _text(lines: list[str]) -> HttpResponse:
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@cached_page(uses_votes=False)
@allow_methods("GET", "HEAD")
def llms_txt(request):
    """A summary linking the per-section files, with how many tools there are
    (published only, whoever asks): one query, from the stored category counts."""
    return _text(_llms_summary({"tools": published_tool_count()}))


@cached_page(uses_votes=False)
@allow_methods("GET", "HEAD")
def llms_section(request, section):
    """Every published tool or comparison as a line of Markdown: one query."""
    if section == "tools":
        tools = (
            Tool.objects.published()
            .by_panel_ship_percent()
            .only("name", "slug", "tagline", "panel_ship", "panel_skip")
        )
        return _text(_llms_tool_lines(tools))
    if section == "comparisons":
        rows = (
            Comparison.objects.published()
            .order_by("-published_at", "-pk")
            .values_list(
                *(f"{field}__{name}" for field in TOOL_FIELDS for name in ("name", "slug"))
            )
        )
        return _text(_llms_comparison_lines(rows))
    raise Http404("No such section.")


@never_cache
@allow_methods("POST")  # and Django's token CSRF, checked after the method
def markdown_preview(request):
    """POST text=<Markdown> → {"html": <sanitised HTML>}; staff only. The live
    preview of shiporskip.lib.admin_markdown.MarkdownPreviewMixin's fields."""
    if not (request.user.is_active and request.user.is_staff):
        return JsonResponse({"error": "Only staff can preview Markdown."}, status=403)
    text = request.POST.get("text")
    if text is None:
        return JsonResponse({"error": "Send the Markdown in the 'text' field."}, status=400)
    if len(text) > MAX_PREVIEW_CHARS:
        return JsonResponse(
            {"error": f"Too long to preview: at most {MAX_PREVIEW_CHARS:,} characters."},
            status=400,
        )
    return JsonResponse({"html": render_markdown(text)})
