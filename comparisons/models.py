"""Curated pairings of two tools, each the subject of one comparison page."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Greatest, Least
from django.urls import reverse
from django.utils import timezone

from shiporskip.lib.markdown import render_markdown
from shiporskip.lib.text_fields import MarkdownTextField, OneLineCharField
from verdicts.models import Tool, load_panel_counts
from verdicts.publishing import published_q

PAIR_SEPARATOR = "-vs-"
# A pair URL is read at most this many ways; a longer chain of "-vs-" is not a pair.
MAX_PAIR_READINGS = 8


def pair_slug(slug_a: str, slug_b: str) -> str:
    return f"{slug_a}{PAIR_SEPARATOR}{slug_b}"


def split_pair_slug(pair: str) -> list[tuple[str, str]]:
    """Every way to read "<a>-vs-<b>" as two slugs: a slug may itself hold "-vs-"."""
    candidates = []
    start = pair.find(PAIR_SEPARATOR)
    while start != -1:
        left, right = pair[:start], pair[start + len(PAIR_SEPARATOR) :]
        if left and right:
            candidates.append((left, right))
        start = pair.find(PAIR_SEPARATOR, start + 1)
    return candidates if len(candidates) <= MAX_PAIR_READINGS else []


def on_demand_slug(slug_x: str, slug_y: str) -> str:
    """An uncurated pair's URL slug: the two tool slugs in alphabetical order."""
    return pair_slug(*sorted((slug_x, slug_y)))


def tools_for_pair_slug(tools, pair: str) -> tuple[Tool, Tool] | None:
    """Two distinct tools from `tools` named by the first reading of "<a>-vs-<b>"
    that matches both, fetched for every reading in one query; None if none does."""
    readings = split_pair_slug(pair)
    slugs = {slug for reading in readings for slug in reading}
    found = {tool.slug: tool for tool in tools.filter(slug__in=slugs)} if slugs else {}
    for left, right in readings:
        if left != right and left in found and right in found:
            return found[left], found[right]
    return None


class ComparisonQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Readers see published pairs; staff also preview drafts on the site."""
        return self if user.is_staff else self.published()

    def for_pair_slug(self, pair: str):
        """The comparison a "<a>-vs-<b>" URL names, in either order, in one query."""
        match = Q(pk__in=[])
        for left, right in split_pair_slug(pair):
            match |= Q(tool_a__slug=left, tool_b__slug=right)
            match |= Q(tool_a__slug=right, tool_b__slug=left)
        return self.filter(match)

    def for_tools(self, tool_x: Tool, tool_y: Tool):
        """The comparison of these two tools, whichever is on the left."""
        return self.filter(Q(tool_a=tool_x, tool_b=tool_y) | Q(tool_a=tool_y, tool_b=tool_x))

    def published(self):
        """Pairs readers see now: the comparison and both its tools are live."""
        now = timezone.now()
        return self.filter(
            published_q(now=now),
            published_q("tool_a__", now),
            published_q("tool_b__", now),
        )


class Comparison(models.Model):
    tool_a = models.ForeignKey(Tool, on_delete=models.CASCADE, related_name="+")
    tool_b = models.ForeignKey(Tool, on_delete=models.CASCADE, related_name="+")
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
            models.CheckConstraint(condition=~Q(tool_a=F("tool_b")), name="compare_two_tools"),
            # A pair exists once, whichever tool is on the left.
            models.UniqueConstraint(
                Least("tool_a", "tool_b"),
                Greatest("tool_a", "tool_b"),
                name="one_comparison_per_pair",
            ),
        ]
        indexes = [
            # Home page and feed: newest published comparisons first.
            models.Index(fields=["is_published", "-published_at"], name="comparison_newest"),
        ]

    def __str__(self):
        return f"{self.tool_a} vs {self.tool_b}"

    def save(self, *args, **kwargs):
        self.intro_html = render_markdown(self.intro)
        self.bottom_line_html = render_markdown(self.bottom_line)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("comparisons:compare", args=[self.canonical_slug])

    def clean(self):
        if self.tool_a_id and self.tool_a_id == self.tool_b_id:
            raise ValidationError({"tool_b": "A tool cannot be compared with itself."})
        if self.tool_a_id and self.tool_b_id:
            same_pair = Comparison.objects.filter(
                Q(tool_a_id=self.tool_a_id, tool_b_id=self.tool_b_id)
                | Q(tool_a_id=self.tool_b_id, tool_b_id=self.tool_a_id)
            ).exclude(pk=self.pk)
            if same_pair.exists():
                # On tool_b, like the rule above, so the database constraints (skipped
                # for a field in error) do not repeat it in their own terse words.
                raise ValidationError(
                    {"tool_b": "These two tools already have a comparison, in either order."}
                )

    @classmethod
    def on_demand(cls, tool_x: Tool, tool_y: Tool) -> "Comparison":
        """An unsaved pairing for two tools no editor has paired: never stored,
        tools in alphabetical order of slug so the pair has one URL."""
        first, second = sorted((tool_x, tool_y), key=lambda tool: tool.slug)
        return cls(tool_a=first, tool_b=second, is_published=True)

    @property
    def is_curated(self) -> bool:
        """An editor's pick; on-demand pairs are generated and never saved."""
        return self.pk is not None

    @property
    def takes_updated_at(self) -> datetime | None:
        """When a panel take on either tool last changed; None before any take."""
        moments = [self.tool_a.takes_updated_at, self.tool_b.takes_updated_at]
        return max((moment for moment in moments if moment is not None), default=None)

    @property
    def canonical_slug(self) -> str:
        """Derived from the tools, so renaming a tool can never strand a stale slug."""
        return pair_slug(self.tool_a.slug, self.tool_b.slug)

    @property
    def ship_if(self) -> list[tuple[Tool, str]]:
        """The editors' "Ship <tool> if…" lines that are written, tool by tool."""
        lines = [(self.tool_a, self.ship_a_if), (self.tool_b, self.ship_b_if)]
        return [(tool, condition) for tool, condition in lines if condition]

    @property
    def title(self) -> str:
        return f"{self.tool_a.name} vs {self.tool_b.name}"


def load_tool_panels(comparisons) -> None:
    """Both tools' panel counts on every comparison in the list: one query."""
    load_panel_counts([tool for c in comparisons for tool in (c.tool_a, c.tool_b)])
