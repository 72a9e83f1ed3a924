"""Comparisons of two to four tools, each the subject of one comparison page,
and the rules of their URLs.

Model design: the first two tools stay the required `tool_a`/`tool_b` they
always were and a third and fourth are the nullable `tool_c`/`tool_d`, rather
than a through model (tools with a position). Every reader of a comparison
(page, JSON, feed, sitemap, home, digest, llms.txt, admin) keeps fetching it
with one `select_related()` of fixed width, so query counts stay constant, and
the stored pairs keep their rows and their URLs untouched. The rules a through
model would give for free are written down instead:

- the tools are distinct and `tool_d` comes only with `tool_c` (check constraints);
- a set of tools is compared once, in any order: `tools_key`, the sorted tool
  ids, is stored and unique. It is filled by a `pre_save` receiver, so `save()`,
  the shell and `loaddata` all keep it; `QuerySet.update()` and `bulk_create()`
  bypass it (bench/fill_benchmark_data.py writes it itself).

A comparison's URL slug is its tools' slugs joined by "-vs-": a curated one in
the editor's order, an on-demand one in alphabetical order of slug. Any other
order of the same tools answers 301 to that one.
"""

import itertools
import math
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from shiporskip.lib.markdown import render_markdown
from shiporskip.lib.text_fields import MarkdownTextField, OneLineCharField
from shiporskip.lib.urls import slug_path
from verdicts.models import Tool
from verdicts.publishing import published_q

PAIR_SEPARATOR = "-vs-"
MIN_TOOLS, MAX_TOOLS = 2, 4
# The tool slots, in the editor's order; the first MIN_TOOLS are required.
TOOL_FIELDS = ("tool_a", "tool_b", "tool_c", "tool_d")
# A comparison URL is read at most this many ways (every split of its "-vs-"
# into 2-4 slugs: 7 for four plain slugs, 14 when one of them holds "-vs-").
# A longer chain of "-vs-" names no comparison, and costs nothing to refuse.
MAX_SLUG_READINGS = 32


def compare_slug(*slugs: str) -> str:
    """The URL slug of tools in this order: "<a>-vs-<b>[-vs-<c>[-vs-<d>]]"."""
    return PAIR_SEPARATOR.join(slugs)


def pair_slug(slug_a: str, slug_b: str) -> str:
    return compare_slug(slug_a, slug_b)


def _separator_positions(slug: str) -> list[int]:
    positions, start = [], slug.find(PAIR_SEPARATOR)
    while start != -1:
        positions.append(start)
        start = slug.find(PAIR_SEPARATOR, start + 1)
    return positions


def read_compare_slug(slug: str) -> list[tuple[str, ...]]:
    """Every way to read a comparison URL as 2 to 4 non-empty tool slugs, fewest
    tools first (a slug may itself hold "-vs-"); [] past MAX_SLUG_READINGS."""
    positions = _separator_positions(slug)
    cut_counts = range(MIN_TOOLS - 1, MAX_TOOLS)
    if sum(math.comb(len(positions), cuts) for cuts in cut_counts) > MAX_SLUG_READINGS:
        return []
    readings = []
    for cuts in cut_counts:
        for chosen in itertools.combinations(positions, cuts):
            ends = [*chosen, len(slug)]
            starts = [0, *(position + len(PAIR_SEPARATOR) for position in chosen)]
            # Overlapping separators ("-vs-vs-") leave an empty or negative part.
            if all(start < end for start, end in zip(starts, ends, strict=True)):
                readings.append(tuple(slug[s:e] for s, e in zip(starts, ends, strict=True)))
    return readings


def split_pair_slug(pair: str) -> list[tuple[str, str]]:
    """Every way to read "<a>-vs-<b>" as exactly two slugs."""
    return [reading for reading in read_compare_slug(pair) if len(reading) == 2]


def finest_slug_parts(slug: str) -> list[str]:
    """The URL cut at every "-vs-": the most tools it could name (for saying
    why a URL names no comparison)."""
    return slug.split(PAIR_SEPARATOR)


def on_demand_slug(*slugs: str) -> str:
    """An uncurated comparison's URL slug: the tool slugs in alphabetical order."""
    return compare_slug(*sorted(slugs))


def tools_key(tool_ids) -> str:
    """The stored key of a set of tools, whatever their order: sorted ids, "3,7,12"."""
    return ",".join(str(pk) for pk in sorted(tool_ids))


def _optional_published_q(field: str, now: datetime) -> Q:
    """An optional tool slot is fine empty, else its tool must be live."""
    return Q(**{f"{field}__isnull": True}) | published_q(f"{field}__", now)


class ComparisonQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Readers see published comparisons; staff also preview drafts on the site."""
        return self if user.is_staff else self.published()

    def with_tools(self, *related: str):
        """Every tool slot joined in (nullable ones by LEFT JOIN), plus `related`
        of each tool ("category"): one query however many tools."""
        return self.select_related(
            *TOOL_FIELDS, *(f"{field}__{name}" for field in TOOL_FIELDS for name in related)
        )

    def for_list(self, *also: str):
        """What a list of comparisons shows (includes/comparison_list.html): the
        comparison's date and each tool's name, slug, category id and stored panel,
        plus the comparison's fields named in `also`, in one query of five tables.
        The categories come apart, through verdicts.models.attach_categories():
        four more joins (nine tables) cost PostgreSQL's planner 8 ms a page at
        10,000 tools against 2 ms for five (bench/COLD_PATH.md), and every other
        column is text the list never shows."""
        tool_columns = ("name", "slug", "category", "panel_ship", "panel_skip")
        return self.with_tools().only(
            "published_at",
            *also,
            *TOOL_FIELDS,
            *(f"{field}__{column}" for field in TOOL_FIELDS for column in tool_columns),
        )

    def for_slug(self, slug: str):
        """The comparison a "<a>-vs-<b>[-vs-…]" URL names, in any order, in one query."""
        match = Q(pk__in=[])
        for reading in read_compare_slug(slug):
            if len(set(reading)) != len(reading):
                continue
            # Distinct tools, as many as the reading names, each one of them: the same set.
            same_set = Q()
            for position, field in enumerate(TOOL_FIELDS):
                if position < len(reading):
                    same_set &= Q(**{f"{field}__slug__in": reading})
                else:
                    same_set &= Q(**{f"{field}__isnull": True})
            match |= same_set
        return self.filter(match)

    def for_pair_slug(self, pair: str):
        """for_slug() under its older name, for callers written for pairs."""
        return self.for_slug(pair)

    def for_tools(self, *tools: Tool):
        """The comparison of exactly these tools, in any order."""
        return self.filter(tools_key=tools_key(tool.pk for tool in tools))

    def with_tool(self, tool: Tool):
        """Comparisons that hold this tool, in any slot."""
        match = Q(pk__in=[])
        for field in TOOL_FIELDS:
            match |= Q(**{field: tool})
        return self.filter(match)

    def published(self):
        """Comparisons readers see now: the comparison and all its tools are live."""
        now = timezone.now()
        return self.filter(
            published_q(now=now),
            published_q("tool_a__", now),
            published_q("tool_b__", now),
            _optional_published_q("tool_c", now),
            _optional_published_q("tool_d", now),
        )


def _tool_field(*, optional: bool):
    return models.ForeignKey(
        Tool,
        on_delete=models.CASCADE,
        related_name="+",
        null=optional,
        blank=optional,
        help_text="Optional: compare three or four tools." if optional else "",
    )


class Comparison(models.Model):
    tool_a = _tool_field(optional=False)
    tool_b = _tool_field(optional=False)
    tool_c = _tool_field(optional=True)
    tool_d = _tool_field(optional=True)
    # The sorted ids of the tools (see tools_key()): a set of tools is compared once.
    tools_key = models.CharField(max_length=100, editable=False, default="")
    intro = MarkdownTextField(blank=True, help_text="Markdown. Optional editor's introduction.")
    intro_html = models.TextField(editable=False, default="")
    # The editors' decision, which leads the page's bottom line when written; the
    # computed head-to-head (verdicts/head_to_head.py) follows it.
    bottom_line = MarkdownTextField(
        blank=True,
        help_text="Markdown. Optional: the editors' answer to “which one should you ship "
        "with?”, shown above the tool cards, before the panel's computed bottom line.",
    )
    bottom_line_html = models.TextField(editable=False, default="")
    ship_a_if = OneLineCharField(
        "Ship tool A if…",
        max_length=200,
        blank=True,
        help_text="Optional, one line: who should pick the first tool, e.g. “you need "
        "streaming tool calls today”.",
    )
    ship_b_if = OneLineCharField(
        "Ship tool B if…",
        max_length=200,
        blank=True,
        help_text="Optional, one line: who should pick the second tool.",
    )
    is_published = models.BooleanField(default=False)
    published_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ComparisonQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(tool_a=F("tool_b"))
                & (Q(tool_c__isnull=True) | (~Q(tool_c=F("tool_a")) & ~Q(tool_c=F("tool_b"))))
                & (
                    Q(tool_d__isnull=True)
                    | (~Q(tool_d=F("tool_a")) & ~Q(tool_d=F("tool_b")) & ~Q(tool_d=F("tool_c")))
                ),
                name="compare_distinct_tools",
            ),
            models.CheckConstraint(
                condition=Q(tool_d__isnull=True) | Q(tool_c__isnull=False),
                name="fourth_tool_after_third",
            ),
            # A set of tools is compared once, whichever order the editor chose.
            models.UniqueConstraint(fields=["tools_key"], name="one_comparison_per_tool_set"),
        ]
        indexes = [
            # Home page and feed: newest published comparisons first.
            models.Index(fields=["is_published", "-published_at"], name="comparison_newest"),
            # /compare/, the home page and the admin's list (Meta.ordering), newest
            # first to the last tie (the order of views.NEWEST_COMPARISONS): read in
            # order, no sort of every row.
            models.Index(F("published_at").desc(), F("id").desc(), name="comparison_newest_order"),
            # The sitemap's pages section: the latest change of a live comparison.
            models.Index(fields=["-updated_at"], name="comparison_updated"),
        ]

    def __str__(self):
        return " vs ".join(str(tool) for tool in self.tools)

    def save(self, *args, **kwargs):
        self.intro_html = render_markdown(self.intro)
        self.bottom_line_html = render_markdown(self.bottom_line)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return slug_path("comparisons:compare", self.canonical_slug)

    def get_json_url(self):
        return reverse("comparisons:compare_json", args=[self.canonical_slug])

    @property
    def tool_ids(self) -> list[int]:
        """The ids of the filled slots, in the editor's order."""
        ids = (getattr(self, f"{field}_id") for field in TOOL_FIELDS)
        return [pk for pk in ids if pk is not None]

    @property
    def tools(self) -> list[Tool]:
        """The 2-4 tools in the editor's order (fetch with with_tools())."""
        return [
            getattr(self, field)
            for field in TOOL_FIELDS
            if getattr(self, f"{field}_id") is not None
        ]

    def set_tools(self, tools) -> None:
        """Fill the slots in order with 2-4 tools (already fetched), emptying the rest."""
        if not MIN_TOOLS <= len(tools) <= MAX_TOOLS:
            raise ValueError(f"a comparison holds {MIN_TOOLS} to {MAX_TOOLS} tools")
        for position, field in enumerate(TOOL_FIELDS):
            setattr(self, field, tools[position] if position < len(tools) else None)

    def clean(self):
        filled = [(field, getattr(self, f"{field}_id")) for field in TOOL_FIELDS]
        if self.tool_d_id and not self.tool_c_id:
            raise ValidationError({"tool_d": "Fill the third tool before the fourth."})
        seen = set()
        for field, pk in filled:
            if pk is not None and pk in seen:
                raise ValidationError({field: "A tool cannot be compared with itself."})
            seen.add(pk)
        if self.tool_a_id and self.tool_b_id:
            same_set = Comparison.objects.filter(tools_key=tools_key(self.tool_ids))
            existing = same_set.exclude(pk=self.pk).with_tools().first()
            if existing:
                # On the last tool, like the rules above, so the database constraints
                # (skipped for a field in error) do not repeat it in their own terse words.
                last = TOOL_FIELDS[len(self.tool_ids) - 1]
                message = (
                    "These two tools already have a comparison, in either order."
                    if len(self.tool_ids) == 2
                    else f"These tools already have a comparison, in any order: “{existing}”."
                )
                raise ValidationError({last: message})

    @classmethod
    def on_demand(cls, *tools: Tool) -> "Comparison":
        """An unsaved comparison of 2-4 tools no editor has put together: never
        stored, tools in alphabetical order of slug so it has one URL."""
        comparison = cls(is_published=True)
        comparison.set_tools(sorted(tools, key=lambda tool: tool.slug))
        return comparison

    @property
    def is_curated(self) -> bool:
        """An editor's pick; on-demand comparisons are generated and never saved."""
        return self.pk is not None

    @property
    def takes_updated_at(self) -> datetime | None:
        """When a panel take on any of the tools last changed; None before any take."""
        moments = [tool.takes_updated_at for tool in self.tools]
        return max((moment for moment in moments if moment is not None), default=None)

    @property
    def canonical_slug(self) -> str:
        """Derived from the tools, so renaming a tool can never strand a stale slug."""
        return compare_slug(*(tool.slug for tool in self.tools))

    @property
    def ship_if(self) -> list[tuple[Tool, str]]:
        """The editors' "Ship <tool> if…" lines that are written, tool by tool."""
        lines = [(self.tool_a, self.ship_a_if), (self.tool_b, self.ship_b_if)]
        return [(tool, condition) for tool, condition in lines if condition]

    @property
    def title(self) -> str:
        """ "A vs B", "A vs B vs C"…"""
        return " vs ".join(tool.name for tool in self.tools)


@receiver(pre_save, sender=Comparison)
def _keep_tools_key(sender, instance, **kwargs):
    # A receiver, not save(): loaddata (raw saves) must keep the key too.
    instance.tools_key = tools_key(instance.tool_ids)
