"""/sitemap.xml: every public page with its last change, from both apps.

URLs are made absolute from SITE_URL rather than the request's Host header, so
a crawler always sees the canonical address whatever host name it used.
On-demand comparisons are left out: there are n² pairs alone and none is an editor's page.
"""

from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max, OuterRef, Q, Subquery
from django.urls import reverse

from comparisons.models import TOOL_FIELDS, Comparison
from newsletter.models import Issue
from verdicts.models import Category, Persona, Take, Tool

# Change when /methodology/ is rewritten: it has no row to date it.
METHODOLOGY_REVISED = datetime(2026, 11, 21, tzinfo=UTC)


def _latest(*moments):
    return max((moment for moment in moments if moment is not None), default=None)


class SiteUrlSitemap(Sitemap):
    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class PageSitemap(SiteUrlSitemap):
    """The list pages: they change whenever a tool, take or comparison does."""

    def items(self):
        return [
            "pages:home",
            "comparisons:pick",
            "verdicts:tools",
            "verdicts:reviewers",
            "pages:methodology",
        ]

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        if item == "pages:methodology":
            return METHODOLOGY_REVISED
        if not hasattr(self, "_content_changed"):
            tools = Tool.objects.published().aggregate(
                tool=Max("updated_at"), take=Max("takes__updated_at")
            )
            comparison = Comparison.objects.published().aggregate(latest=Max("updated_at"))
            self._content_changed = _latest(tools["tool"], tools["take"], comparison["latest"])
        return self._content_changed


class ToolSitemap(SiteUrlSitemap):
    def items(self):
        return (
            Tool.objects.published()
            .annotate(last_take=Max("takes__updated_at"))
            .only("slug", "updated_at")
            .order_by("pk")
        )

    def lastmod(self, tool):
        return _latest(tool.updated_at, tool.last_take)


class ComparisonSitemap(SiteUrlSitemap):
    def items(self):
        # One subquery for the newest take on any of the 2-4 tools: joining every
        # tool's takes would multiply the rows by each tool's number of takes.
        on_its_tools = Q(pk__in=[])
        for field in TOOL_FIELDS:
            on_its_tools |= Q(tool_id=OuterRef(f"{field}_id"))
        last_take = Take.objects.filter(on_its_tools).order_by("-updated_at").values("updated_at")
        return (
            Comparison.objects.published()
            .with_tools()
            .only(
                "updated_at",
                *(f"{field}__{name}" for field in TOOL_FIELDS for name in ("slug", "updated_at")),
            )
            .annotate(last_take=Subquery(last_take[:1]))
            .order_by("pk")
        )

    def lastmod(self, comparison):
        return _latest(
            comparison.updated_at,
            *(tool.updated_at for tool in comparison.tools),
            comparison.last_take,
        )


class PersonaSitemap(SiteUrlSitemap):
    def items(self):
        published = Q(takes__tool__in=Tool.objects.published())
        return Persona.objects.annotate(
            last_take=Max("takes__updated_at", filter=published)
        ).order_by("position")

    def lastmod(self, persona):
        return persona.last_take


class CategorySitemap(SiteUrlSitemap):
    def items(self):
        # Filtering first makes both maxima range over published tools only.
        return (
            Category.objects.filter(tools__in=Tool.objects.published())
            .annotate(last_tool=Max("tools__updated_at"), last_take=Max("tools__takes__updated_at"))
            .order_by("name")
        )

    def lastmod(self, category):
        return _latest(category.last_tool, category.last_take)


class NewsletterSitemap(SiteUrlSitemap):
    """The newsletter archive (item None), dated by its newest issue, and each sent
    issue: one query. Nothing until the first issue is sent."""

    def items(self):
        issues = list(Issue.objects.sent().only("pk", "sent_at"))
        self._newest_sent = issues[0].sent_at if issues else None
        return [None, *issues] if issues else []

    def location(self, issue):
        return reverse("newsletter:archive") if issue is None else issue.get_absolute_url()

    def lastmod(self, issue):
        return self._newest_sent if issue is None else issue.sent_at


SITEMAPS = {
    "pages": PageSitemap,
    "comparisons": ComparisonSitemap,
    "tools": ToolSitemap,
    "reviewers": PersonaSitemap,
    "categories": CategorySitemap,
    "newsletter": NewsletterSitemap,
}
