"""Site-wide pages that belong to no single tool: the methodology, robots.txt
and llms.txt (a Markdown map of the site for language models)."""

import re

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from comparisons.models import Comparison
from pagecache.decorators import cached_page
from shiporskip.jinja2 import absolute_url
from shiporskip.methods import allow_methods
from verdicts.models import Persona, Tool
from verdicts.verdict import PanelTally
from verdicts.vocabulary import Verdict

# Worked examples on the methodology page, computed by the code every page uses.
METHODOLOGY_EXAMPLES = [PanelTally(7, 1), PanelTally(2, 1), PanelTally(3, 3), PanelTally(1, 3)]


@cached_page(uses_votes=False)
@allow_methods("GET", "HEAD")
def methodology(request):
    """One query: the personas, so their names and lenses are never out of date."""
    context = {"personas": Persona.objects.all(), "examples": METHODOLOGY_EXAMPLES}
    return render(request, "comparisons/methodology.html", context)


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


def _link(title: str, path: str) -> str:
    return f"[{markdown_text(title)}]({absolute_url(path)})"


def _llms_lines(tools, comparisons) -> list[str]:
    site = settings.SITE_NAME
    lines = [
        f"# {site}",
        "",
        f"> {site} publishes independent panel verdicts on AI developer tools. Six reviewer "
        "personas score each tool from 0 to 100 (or leave it unscored) and call ship or "
        "skip; comparison pages put two tools side by side. Every page has a JSON twin "
        "with the same figures and its canonical URL: cite the canonical URL.",
        "",
        f"The panel ship % is ship takes over all takes, rounded half up. The verdict is "
        f"{Verdict.SHIP.label} when ship takes outnumber skip takes, {Verdict.SKIP.label} when "
        f"fewer, {Verdict.SPLIT.label} when equal. Unknown scores are never invented.",
        "",
        "## Start here",
        "",
        f"- {_link('Methodology', reverse('comparisons:methodology'))}: how verdicts, "
        "percentages and community votes are computed; who the reviewers are",
        f"- {_link('All tools', reverse('verdicts:tools'))}: sortable by panel ship %",
        f"- {_link('Reviewers', reverse('verdicts:reviewers'))}: the six personas and their lens",
        f"- {_link('New comparisons (Atom feed)', reverse('comparisons:feed'))}",
        f"- {_link('Sitemap', reverse('sitemap'))}",
        "",
        "## Open data",
        "",
        "- `/tools/<slug>.json`: a tool's panel verdict, ship %, every take (score, call, "
        "text), community tally and pricing",
        "- `/compare/<a>-vs-<b>.json`: two tools side by side; any two published tools can "
        'be paired, and "editors_pick" says whether an editor curated the pair',
        "- `/badges/<slug>.svg`: an embeddable badge with the panel verdict and ship %",
        "",
        "## Comparisons",
        "",
    ]
    for comparison in comparisons:
        json_path = reverse("comparisons:compare_json", args=[comparison.canonical_slug])
        lines.append(
            f"- {_link(comparison.title, comparison.get_absolute_url())}: "
            f"JSON at {absolute_url(json_path)}"
        )
    lines += ["", "## Tools", ""]
    for tool in tools:
        json_path = reverse("verdicts:tool_json", args=[tool.slug])
        lines.append(
            f"- {_link(tool.name, tool.get_absolute_url())}: {markdown_text(tool.tagline)}. "
            f"Panel: {tool.panel.summary}. JSON at {absolute_url(json_path)}"
        )
    return lines


@cached_page(uses_votes=False)
@allow_methods("GET", "HEAD")
def llms_txt(request):
    """Published tools and comparisons only, whoever asks: two queries."""
    tools = Tool.objects.published().by_panel_ship_percent().only("name", "slug", "tagline")
    comparisons = (
        Comparison.objects.published()
        .select_related("tool_a", "tool_b")
        .only("tool_a__name", "tool_a__slug", "tool_b__name", "tool_b__slug")
    )
    body = "\n".join(_llms_lines(tools, comparisons)) + "\n"
    return HttpResponse(body, content_type="text/plain; charset=utf-8")
