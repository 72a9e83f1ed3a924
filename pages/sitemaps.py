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

from django.db import connection
from django.db.models import OuterRef, Subquery, Value
from django.http import Http404, HttpResponse
from django.urls import reverse

from comparisons.models import TOOL_FIELDS, Comparison, compare_slug
from newsletter.models import Issue
from pagecache.decorators import cached_page
from shiporskip.lib.methods import allow_methods
from shiporskip.lib.urls import absolute_route, absolute_url
from verdicts.list_counts import categories_with_tool_counts
from verdicts.models import Category, Persona, Take, Tool

# The protocol's limit of URLs in one sitemap file (and of files in an index).
SITEMAP_LIMIT = 50_000
XMLNS = "http://www.sitemaps.org/schemas/sitemap/0.9"
# Change when /methodology/ is rewritten: it has no row to date it.
METHODOLOGY_REVISED = datetime(2026, 11, 30, tzinfo=UTC)


def _w3c(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat(timespec="seconds")


def _latest(*moments):
    return max((moment for moment in moments if moment is not None), default=None)


@dataclass(frozen=True)
class Section(ABC):
    """One kind of page: how many sitemap files it needs, and the (loc, lastmod)
    entries of one file (numbered from 1) in a stable order, at most SITEMAP_LIMIT;
    None when the file is past the end of the section. Subclasses say how many
    files (files()) and what a run of entries holds (slice())."""

    name: str

    @abstractmethod
    def files(self) -> int:
        """How many sitemap files the section needs, at least 1."""

    @abstractmethod
    def slice(self, start: int, stop: int) -> list[tuple[str, datetime | None]]:
        """Entries start..stop (0-based) of the section: (absolute URL, lastmod or None)."""

    def entries(self, page: int) -> list[tuple[str, datetime | None]] | None:
        start = (page - 1) * SITEMAP_LIMIT
        entries = self.slice(start, start + SITEMAP_LIMIT)
        # A file the index lists is never a 404, even when it came out empty.
        if not entries and page > 1 and page > self.files():
            return None
        return entries


class CountedSection(Section):
    """A small section cut into files by a count of its entries."""

    def files(self) -> int:
        return max(1, -(-self.count() // SITEMAP_LIMIT))

    @abstractmethod
    def count(self) -> int:
        """How many entries the section has."""


def _pk_bounds(model) -> tuple[int, int] | None:
    """The lowest and highest primary key of `model`'s table, None when empty:
    one query of two index lookups (SQLite reads MIN() or MAX() from the index
    only when each stands alone in its SELECT)."""
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MIN({pk}) FROM {table}), (SELECT MAX({pk}) FROM {table})"  # noqa: S608
        )
        low, high = cursor.fetchone()
    return None if low is None else (low, high)


class RangeSection(Section):
    """A section of one row per page (tools, comparisons) cut into files by
    primary key: file n holds the live rows whose pk falls in the n-th run of
    SITEMAP_LIMIT keys from the table's lowest. Counting the live rows grew with
    the catalogue; the bounds are index lookups. A file can hold fewer URLs than
    the limit (drafts, deleted rows), never more, and no URL is in two files."""

    model = None

    def files(self):
        bounds = _pk_bounds(self.model)
        if bounds is None:
            return 1
        low, high = bounds
        return max(1, -(-(high - low + 1) // SITEMAP_LIMIT))

    def in_file(self, rows, page: int):
        """`rows` (of self.model) whose pk is in file `page`, by pk: the lowest
        key is a subquery of the same query."""
        lowest = Subquery(self.model.objects.order_by("pk").values("pk")[:1])
        start = (page - 1) * SITEMAP_LIMIT
        return rows.filter(
            pk__gte=lowest + Value(start), pk__lt=lowest + Value(start + SITEMAP_LIMIT)
        ).order_by("pk")

    def slice(self, start, stop):
        return self.rows(start // SITEMAP_LIMIT + 1)

    @abstractmethod
    def rows(self, page: int) -> list[tuple[str, datetime | None]]:
        """The entries of file `page` (from 1), by primary key."""


class PageSection(CountedSection):
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

    def slice(self, start, stop):
        # The latest change, read from the indexes tool_content_updated and
        # comparison_updated, newest first until a live row.
        content = _latest(
            Tool.objects.published()
            .order_by("-content_updated_at")
            .values_list("content_updated_at", flat=True)
            .first(),
            Comparison.objects.published()
            .order_by("-updated_at")
            .values_list("updated_at", flat=True)
            .first(),
        )
        return [
            (
                absolute_url(reverse(route)),
                METHODOLOGY_REVISED if route == "pages:methodology" else content,
            )
            for route in self.ROUTES[start:stop]
        ]


class ToolSection(RangeSection):
    model = Tool

    def rows(self, page):
        head, tail = absolute_route("verdicts:tool")
        rows = self.in_file(Tool.objects.published(), page).values_list(
            "slug", "content_updated_at"
        )
        return [(f"{head}{slug}{tail}", changed) for slug, changed in rows]


class ComparisonSection(RangeSection):
    model = Comparison

    def rows(self, page):
        head, tail = absolute_route("comparisons:compare")
        # Each of the 2-4 tool slots' slug and stored content date, then the
        # comparison's own date; empty slots read None.
        rows = self.in_file(Comparison.objects.published(), page).values_list(
            *(f"{field}__slug" for field in TOOL_FIELDS),
            *(f"{field}__content_updated_at" for field in TOOL_FIELDS),
            "updated_at",
        )
        slots = len(TOOL_FIELDS)
        return [
            (
                f"{head}{compare_slug(*(slug for slug in row[:slots] if slug))}{tail}",
                _latest(*row[slots:]),
            )
            for row in rows
        ]


class CategorySection(CountedSection):
    """Categories with at least one published tool (the stored counts, less the
    scheduled), dated by their latest published tool: a subquery per category
    that reads the index tool_category_content_updated newest first."""

    def _rows(self):
        latest = (
            Tool.objects.published()
            .filter(category=OuterRef("pk"))
            .order_by("-content_updated_at")
            .values("content_updated_at")[:1]
        )
        return (
            categories_with_tool_counts(Category.objects.all())
            .filter(tool_count__gt=0)
            .annotate(latest=Subquery(latest))
            .order_by("slug")
            .values_list("slug", "latest")
        )

    def count(self):
        # Categories are few; an upper bound is enough to number the files.
        return Category.objects.count()

    def slice(self, start, stop):
        head, tail = absolute_route("verdicts:category")
        return [(f"{head}{slug}{tail}", latest) for slug, latest in self._rows()[start:stop]]


class ReviewerSection(CountedSection):
    """Every persona, dated by their latest take: a subquery per persona that
    reads the index take_persona_updated newest first (a GROUP BY over every
    take grew with the catalogue)."""

    def count(self):
        return Persona.objects.count()

    def slice(self, start, stop):
        head, tail = absolute_route("verdicts:reviewer")
        latest = Take.objects.filter(persona=OuterRef("pk")).order_by("-updated_at")
        personas = (
            Persona.objects.order_by("position")
            .annotate(latest=Subquery(latest.values("updated_at")[:1]))
            .values_list("slug", "latest")[start:stop]
        )
        return [(f"{head}{slug}{tail}", changed) for slug, changed in personas]


class NewsletterSection(CountedSection):
    """The newsletter archive, dated by its newest issue, then each sent issue
    (the index issue_archive). Nothing until the first issue is sent."""

    def count(self):
        sent = Issue.objects.sent().count()
        return sent + 1 if sent else 0

    def slice(self, start, stop):
        issues = list(Issue.objects.sent().order_by("-sent_at", "-id").values_list("pk", "sent_at"))
        if not issues:
            return []
        head, tail = absolute_route("newsletter:issue", placeholder="999999999")
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
    """The index: every section's files (a query per section but the pages, none
    growing with the catalogue)."""
    lines = [f'<sitemapindex xmlns="{XMLNS}">']
    for name, section in SECTIONS.items():
        for page in range(1, section.files() + 1):
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
    entries = SECTIONS[section].entries(page)
    if entries is None:
        raise Http404("That sitemap is past the end of the section.")
    lines = [f'<urlset xmlns="{XMLNS}">']
    for loc, lastmod in entries:
        stamp = _w3c(lastmod)
        dated = f"<lastmod>{stamp}</lastmod>" if stamp else ""
        lines.append(f"<url><loc>{escape(loc)}</loc>{dated}</url>")
    lines.append("</urlset>")
    return _xml(lines)
