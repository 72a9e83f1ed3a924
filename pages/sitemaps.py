"""/sitemap.xml, a sitemap index, and one sitemap file per section (pages, tools,
comparisons, categories, reviewers, newsletter), each split into files of at most
SITEMAP_LIMIT URLs (the protocol's 50,000).

Entries come from columns on the listed rows (a tool's stored
content_updated_at, a comparison's and its tools' dates) read with
values_list(), and the XML is written directly: no template and no reverse()
per entry, so a section of ten thousand tools costs one query and a join of
strings. URLs are made absolute from SITE_URL rather than the request's Host
header, so a crawler always sees the canonical address whatever host name it
used. On-demand comparisons are left out: there are n² of them and none is an
editor's page.
"""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.sax.saxutils import escape

from django.db.models import Max
from django.http import Http404, HttpResponse
from django.urls import reverse

from comparisons.models import TOOL_FIELDS, Comparison, compare_slug
from newsletter.models import Issue
from pagecache.decorators import cached_page
from shiporskip.lib.methods import allow_methods
from shiporskip.lib.urls import absolute_url
from verdicts.models import Persona, Take, Tool

# The protocol's limit of URLs in one sitemap file (and of files in an index).
SITEMAP_LIMIT = 50_000
XMLNS = "http://www.sitemaps.org/schemas/sitemap/0.9"
# Change when /methodology/ is rewritten: it has no row to date it.
METHODOLOGY_REVISED = datetime(2026, 11, 21, tzinfo=UTC)


def _w3c(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat(timespec="seconds")


def _latest(*moments):
    return max((moment for moment in moments if moment is not None), default=None)


def url_prefix(route: str, placeholder_args=("-slug-",)) -> tuple[str, str]:
    """The absolute URL of a route split around its one argument, reversed once:
    ("https://site/tools/", "/") for "verdicts:tool"."""
    path = absolute_url(reverse(route, args=list(placeholder_args)))
    head, _, tail = path.partition(placeholder_args[0])
    return head, tail


@dataclass(frozen=True)
class Section(ABC):
    """One kind of page: how many there are, and a slice of (loc, lastmod) in a
    stable order (primary key or slug). Each section implements both methods."""

    name: str

    @abstractmethod
    def count(self) -> int:
        """How many URLs the section lists."""

    @abstractmethod
    def entries(self, start: int, stop: int) -> list[tuple[str, datetime | None]]:
        """The (absolute loc, lastmod or None) of URLs start to stop (exclusive)."""


class PageSection(Section):
    """The list pages: they change whenever a tool, take or comparison does."""

    ROUTES = (
        "pages:home",
        "comparisons:pick",
        "verdicts:tools",
        "verdicts:reviewers",
        "pages:methodology",
    )

    def count(self):
        return len(self.ROUTES)

    def entries(self, start, stop):
        content = _latest(
            Tool.objects.published().aggregate(latest=Max("content_updated_at"))["latest"],
            Comparison.objects.published().aggregate(latest=Max("updated_at"))["latest"],
        )
        return [
            (
                absolute_url(reverse(route)),
                METHODOLOGY_REVISED if route == "pages:methodology" else content,
            )
            for route in self.ROUTES[start:stop]
        ]


class ToolSection(Section):
    def count(self):
        return Tool.objects.published().count()

    def entries(self, start, stop):
        head, tail = url_prefix("verdicts:tool")
        rows = (
            Tool.objects.published()
            .order_by("pk")
            .values_list("slug", "content_updated_at")[start:stop]
        )
        return [(f"{head}{slug}{tail}", changed) for slug, changed in rows]


class ComparisonSection(Section):
    def count(self):
        return Comparison.objects.published().count()

    def entries(self, start, stop):
        head, tail = url_prefix("comparisons:compare")
        # Each of the 2-4 tool slots' slug and stored content date, then the
        # comparison's own date; empty slots read None.
        rows = (
            Comparison.objects.published()
            .order_by("pk")
            .values_list(
                *(f"{field}__slug" for field in TOOL_FIELDS),
                *(f"{field}__content_updated_at" for field in TOOL_FIELDS),
                "updated_at",
            )[start:stop]
        )
        slots = len(TOOL_FIELDS)
        return [
            (
                f"{head}{compare_slug(*(slug for slug in row[:slots] if slug))}{tail}",
                _latest(*row[slots:]),
            )
            for row in rows
        ]


class CategorySection(Section):
    """Categories with at least one published tool, dated by their latest tool."""

    def _rows(self):
        return (
            Tool.objects.published()
            .values("category__slug")
            .annotate(latest=Max("content_updated_at"))
            .order_by("category__slug")
        )

    def count(self):
        return self._rows().count()

    def entries(self, start, stop):
        head, tail = url_prefix("verdicts:category")
        return [
            (f"{head}{row['category__slug']}{tail}", row["latest"])
            for row in self._rows()[start:stop]
        ]


class ReviewerSection(Section):
    """Every persona, dated by their latest take (the index take_persona_updated)."""

    def count(self):
        return Persona.objects.count()

    def entries(self, start, stop):
        head, tail = url_prefix("verdicts:reviewer")
        latest = dict(
            Take.objects.values_list("persona").annotate(latest=Max("updated_at")).order_by()
        )
        personas = Persona.objects.order_by("position").values_list("pk", "slug")[start:stop]
        return [(f"{head}{slug}{tail}", latest.get(pk)) for pk, slug in personas]


class NewsletterSection(Section):
    """The newsletter archive, dated by its newest issue, then each sent issue
    (the index issue_archive). Nothing until the first issue is sent."""

    def count(self):
        sent = Issue.objects.sent().count()
        return sent + 1 if sent else 0

    def entries(self, start, stop):
        issues = list(Issue.objects.sent().order_by("-sent_at", "-id").values_list("pk", "sent_at"))
        if not issues:
            return []
        head, tail = url_prefix("newsletter:issue", placeholder_args=("999999999",))
        archive = (absolute_url(reverse("newsletter:archive")), issues[0][1])
        every = [archive, *((f"{head}{pk}{tail}", sent) for pk, sent in issues)]
        return every[start:stop]


SECTIONS = {
    section.name: section
    for section in (
        PageSection("pages"),
        ToolSection("tools"),
        ComparisonSection("comparisons"),
        CategorySection("categories"),
        ReviewerSection("reviewers"),
        NewsletterSection("newsletter"),
    )
}


def _xml(response_lines) -> HttpResponse:
    body = '<?xml version="1.0" encoding="UTF-8"?>\n' + "\n".join(response_lines) + "\n"
    return HttpResponse(body, content_type="application/xml; charset=utf-8")


@cached_page(uses_votes=False)
@allow_methods("GET", "HEAD")
def sitemap_index(request):
    """The index: every section's files (one count query per section)."""
    lines = [f'<sitemapindex xmlns="{XMLNS}">']
    for name, section in SECTIONS.items():
        files = max(1, -(-section.count() // SITEMAP_LIMIT))
        for page in range(1, files + 1):
            loc = absolute_url(reverse("sitemap-section", args=[name, page]))
            lines.append(f"<sitemap><loc>{escape(loc)}</loc></sitemap>")
    lines.append("</sitemapindex>")
    return _xml(lines)


@cached_page(uses_votes=False)
@allow_methods("GET", "HEAD")
def sitemap_section(request, section, page):
    """One file of a section: at most SITEMAP_LIMIT URLs, one or two queries."""
    if section not in SECTIONS or page < 1:
        raise Http404("No such sitemap.")
    start = (page - 1) * SITEMAP_LIMIT
    entries = SECTIONS[section].entries(start, start + SITEMAP_LIMIT)
    if not entries and page > 1:
        raise Http404("That sitemap is past the end of the section.")
    lines = [f'<urlset xmlns="{XMLNS}">']
    for loc, lastmod in entries:
        stamp = _w3c(lastmod)
        dated = f"<lastmod>{stamp}</lastmod>" if stamp else ""
        lines.append(f"<url><loc>{escape(loc)}</loc>{dated}</url>")
    lines.append("</urlset>")
    return _xml(lines)
