"""Curated pairings of two tools, each the subject of one comparison page."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Greatest, Least
from django.urls import reverse
from django.utils import timezone

from verdicts.markdown import render_markdown
from verdicts.models import Tool

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

    def published(self):
        now = timezone.now()
        return self.filter(
            is_published=True,
            published_at__lte=now,
            tool_a__is_published=True,
            tool_a__published_at__lte=now,
            tool_b__is_published=True,
            tool_b__published_at__lte=now,
        )


class Comparison(models.Model):
    tool_a = models.ForeignKey(Tool, on_delete=models.CASCADE, related_name="+")
    tool_b = models.ForeignKey(Tool, on_delete=models.CASCADE, related_name="+")
    intro = models.TextField(blank=True, help_text="Markdown. Optional editor's introduction.")
    intro_html = models.TextField(editable=False, default="")
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

    @property
    def canonical_slug(self) -> str:
        """Derived from the tools, so renaming a tool can never strand a stale slug."""
        return pair_slug(self.tool_a.slug, self.tool_b.slug)

    @property
    def title(self) -> str:
        return f"{self.tool_a.name} vs {self.tool_b.name}"
