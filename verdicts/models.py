"""The verdict domain: categories, tools, the reviewer panel, their takes and
readers' community votes."""

from collections import defaultdict
from datetime import datetime

from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from shiporskip.lib.markdown import render_markdown
from shiporskip.lib.text_fields import (
    MarkdownTextField,
    OneLineCharField,
    OneLineSlugField,
    OneLineTextField,
)
from shiporskip.lib.urls import slug_path
from verdicts import list_counts, publishing, ranking, tallies
from verdicts.signals import tally_recounted, vote_cast, vote_withdrawn
from verdicts.slugs import slug_from_name
from verdicts.verdict import (
    CommunityTally,
    PanelReaderGap,
    PanelScores,
    PanelTally,
    VerifiedTally,
    panel_from_calls,
    panel_from_takes,
    panel_reader_gap,
    panel_reader_gap_label,
)

# Re-exported: callers reach the vocabulary where they reach the models.
from verdicts.vocabulary import Call, Verdict

# Tool's verified readers' counters, written only by the newsletter's verified votes.
VERIFIED_TALLY_FIELDS = ("verified_ship_votes", "verified_skip_votes")


def _leave_stored_counts(instance, stored: tuple[str, ...], save_kwargs: dict) -> None:
    """An update of a row leaves its stored counts (verdicts/list_counts.py) as
    they are: an instance loaded before a tool or take changed must not write its
    old figures back."""
    if save_kwargs.get("update_fields") is None and not instance._state.adding:
        save_kwargs["update_fields"] = [
            field.name
            for field in instance._meta.concrete_fields
            if not field.primary_key and field.name not in stored
        ]


class Category(models.Model):
    name = OneLineCharField(max_length=80, unique=True)
    slug = OneLineSlugField(max_length=80, unique=True, help_text="Used in URLs; lowercase.")
    description = OneLineTextField(blank=True, help_text="One or two sentences for readers.")
    # Published tools, live or scheduled: the home page's and llms.txt's counts,
    # kept by verdicts/list_counts.py in the transaction of each tool's change.
    listed_tools = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slug_from_name(self.name, self._meta.get_field("slug").max_length)
        _leave_stored_counts(self, list_counts.CATEGORY_FIELDS, kwargs)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return slug_path("verdicts:category", self.slug)


def attach_categories(tools, known=()) -> None:
    """Give each of `tools` (fetched without their category) its Category, so
    `tool.category` costs no query: from `known` (categories the page already
    holds) and one query for the rest, none when all are known. Lists of
    comparisons fetch categories this way rather than by four more joins."""
    tools = list(tools)
    by_id = {category.pk: category for category in known}
    missing = {tool.category_id for tool in tools} - by_id.keys()
    if missing:
        by_id.update(
            (category.pk, category) for category in Category.objects.filter(pk__in=missing)
        )
    for tool in tools:
        tool.category = by_id[tool.category_id]


class PanelNotLoaded(Exception):
    """Tool.panel was read on a tool fetched without its stored panel columns.

    Deliberately not an AttributeError: Jinja2 would render that as empty.
    """

    def __init__(self, tool):
        super().__init__(
            f"Tool.panel of {tool.name!r} needs the stored panel columns (panel_ship, "
            "panel_skip): keep them in the only() of the query, or do not defer() them."
        )


# The columns ToolQuerySet.for_rows() loads.
ROW_FIELDS = (
    "name",
    "slug",
    "logo_initial",
    "tagline",
    "entry_tier",
    "panel_ship",
    "panel_skip",
    "category",
    "category__name",
    "category__slug",
)


class ToolQuerySet(models.QuerySet):
    def published(self):
        """Tools readers see now (verdicts/publishing.py)."""
        return self.filter(publishing.published_q())

    def visible_to(self, user):
        """Readers see published tools; staff also preview drafts on the site."""
        return self if user.is_staff else self.published()

    def for_rows(self):
        """Only what a row of a tool list shows (templates/includes/tool_list.html
        tool_row): name, slug, logo, tagline, entry tier, category name and slug, the
        stored panel counts. One query with the category; a search page of 10 hits
        loads in two thirds of the time the whole rows take (bench/SEARCH.md)."""
        return self.select_related("category").only(*ROW_FIELDS)

    def with_page_relations(self, personas=None):
        """Category and takes with personas, as a tool page, its JSON and its
        JSON-LD read them: two queries however many takes. With `personas` (a
        reader's lens), only those personas' takes."""
        return self.select_related("category").prefetch_related(
            models.Prefetch("takes", queryset=Take.objects.with_personas(personas))
        )

    def with_panel_ranking(self):
        """The name sort key the list orders tie-break on (the panel figures
        themselves are stored columns)."""
        return self.annotate(name_sort_key=ranking.NameSortKey("name"))

    def by_panel_ship_percent(self):
        """Highest stored panel ship %, then average score, first; tools without
        takes last, then by name (verdicts/ranking.py PANEL_ORDER)."""
        return self.with_panel_ranking().order_by(*ranking.PANEL_ORDER)

    def with_panel_verdict(self, verdict: "Verdict | str"):
        """Tools whose PanelTally.verdict is verdict (a Verdict or its key), from
        the stored column."""
        return self.filter(panel_verdict_key=verdict)


class Tool(models.Model):
    class EntryTier(models.TextChoices):
        FREE = "free", "Free"
        FREEMIUM = "freemium", "Freemium"
        PAID = "paid", "Paid"
        ENTERPRISE = "enterprise", "Enterprise"

    name = OneLineCharField(max_length=120, unique=True)
    slug = OneLineSlugField(
        max_length=140, unique=True, help_text="Filled from the name when left empty."
    )
    logo_initial = OneLineCharField(
        max_length=2, blank=True, help_text="One or two letters on the card; the name's first."
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="tools")
    tagline = OneLineCharField(
        max_length=200, help_text="The one-line 'Best for' read shown on cards and tables."
    )
    description = MarkdownTextField(help_text="Markdown. What the tool is, for readers.")
    description_html = models.TextField(editable=False, default="")
    entry_tier = models.CharField(
        max_length=12, choices=EntryTier.choices, help_text="The cheapest way in."
    )
    pricing = OneLineTextField(
        blank=True, help_text="The pricing read, as in the decision table. Empty when unknown."
    )
    website = models.URLField(blank=True)
    is_published = models.BooleanField(
        default=False, help_text="Readers see the tool only once it is published."
    )
    published_at = models.DateTimeField(default=timezone.now)
    # Community votes counted on the row, kept in step by CommunityVote.cast(), so
    # every page reads a tally without counting a million vote rows.
    community_ship_votes = models.PositiveIntegerField(default=0, editable=False)
    community_skip_votes = models.PositiveIntegerField(default=0, editable=False)
    # Verified readers' votes (one per confirmed subscriber, from the signed link in
    # their issue), counted on the row by newsletter/verified.py in the vote's own
    # transaction: shown beside the community tally, never mixed into it.
    verified_ship_votes = models.PositiveIntegerField(default=0, editable=False)
    verified_skip_votes = models.PositiveIntegerField(default=0, editable=False)
    # The panel as verdicts/verdict.py computes it from the takes, stored by
    # verdicts/tallies.py in the transaction of each take's save or delete, so
    # lists sort and filter on indexed columns instead of counting every take.
    panel_ship = models.PositiveIntegerField(default=0, editable=False)
    panel_skip = models.PositiveIntegerField(default=0, editable=False)
    panel_ship_percent = models.PositiveSmallIntegerField(null=True, editable=False)
    panel_verdict_key = models.CharField(
        max_length=5, choices=Verdict.choices, default=Verdict.NONE, editable=False
    )
    panel_average_score = models.DecimalField(
        max_digits=4, decimal_places=1, null=True, editable=False
    )
    # When the tool or one of its takes last changed (a take's deletion too): the
    # sitemap's lastmod, read from the row without joining the takes.
    content_updated_at = models.DateTimeField(default=timezone.now, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ToolQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [
            # /tools/, categories, the home page's top tools, llms.txt: the panel order
            # (ranking.PANEL_ORDER), read page by page (keyset) from the index.
            ranking.NullsLastIndex(
                F("panel_ship_percent").desc(nulls_last=True),
                F("panel_average_score").desc(nulls_last=True),
                ranking.NameSortKey("name"),
                "id",
                name="tool_panel_order",
            ),
            # /tools/?sort=score: verdicts/ranking.py SCORE_ORDER.
            ranking.NullsLastIndex(
                F("panel_average_score").desc(nulls_last=True),
                F("panel_ship_percent").desc(nulls_last=True),
                ranking.NameSortKey("name"),
                "id",
                name="tool_score_order",
            ),
            # /tools/?sort=newest and the pickers' newest tools.
            models.Index(
                F("published_at").desc(), ranking.NameSortKey("name"), "id", name="tool_newest"
            ),
            # /tools/?sort=name.
            models.Index(ranking.NameSortKey("name"), "id", name="tool_name_order"),
            # /tools/?verdict= and its count (covering: the published rule is in
            # it), and the admin's panel verdict filter.
            models.Index(
                fields=["panel_verdict_key", "is_published", "published_at"],
                name="tool_panel_verdict",
            ),
            # /tools/?verdict=: the panel order within one verdict, so a page of
            # the verdict at the bottom of the order is read from the index too.
            ranking.NullsLastIndex(
                "panel_verdict_key",
                F("panel_ship_percent").desc(nulls_last=True),
                F("panel_average_score").desc(nulls_last=True),
                ranking.NameSortKey("name"),
                "id",
                name="tool_verdict_panel_order",
            ),
            # The admin's entry tier and published filters.
            models.Index(fields=["entry_tier"], name="tool_entry_tier"),
            models.Index(fields=["is_published", "published_at"], name="tool_published"),
            # The sitemap's lastmod: the latest change of any tool (the pages
            # section) and of each category's tools, newest first.
            models.Index(fields=["-content_updated_at"], name="tool_content_updated"),
            models.Index(
                fields=["category", "-content_updated_at"], name="tool_category_content_updated"
            ),
            # The stored category counts less each category's scheduled tools
            # (verdicts/list_counts.py): home, llms.txt, the sitemap's categories.
            models.Index(
                fields=["category", "is_published", "published_at"], name="tool_category_published"
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slug_from_name(self.name, self._meta.get_field("slug").max_length)
        if not self.logo_initial:
            self.logo_initial = self.name[:1].upper()
        self.description_html = render_markdown(self.description)
        self.content_updated_at = timezone.now()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "content_updated_at"}
        elif not self._state.adding:
            # The stored panel belongs to verdicts/tallies.py, the verified tally to
            # the newsletter's votes: an instance loaded before a take or a vote
            # changed must not write its old figures back.
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key
                and field.name not in (*tallies.PANEL_FIELDS, *VERIFIED_TALLY_FIELDS)
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        # Lists link dozens of tools: the route is reversed once (shiporskip.lib.urls).
        return slug_path("verdicts:tool", self.slug)

    @property
    def is_live(self) -> bool:
        """ToolQuerySet.published() for this one tool."""
        return publishing.is_live(self.is_published, self.published_at)

    @cached_property
    def panel(self) -> PanelTally:
        """The panel from data fetched with the tool, never from a query of its own.

        A page that prefetched the takes (with_page_relations()) counts those, as
        it shows them, naming dissenters when the personas came with them;
        otherwise the stored columns (verdicts/tallies.py) answer.
        Raises PanelNotLoaded when those were deferred (only()/defer()), so a list
        that left them out fails in tests rather than costing one query per tool.
        """
        if "takes" in getattr(self, "_prefetched_objects_cache", {}):
            takes = list(self.takes.all())
            if all(Take.persona.is_cached(take) for take in takes):
                # With their personas the takes also name who dissents.
                return panel_from_takes(takes)
            calls = [take.call for take in takes]
            return PanelTally(ship=calls.count(Call.SHIP), skip=calls.count(Call.SKIP))
        if {"panel_ship", "panel_skip"} & self.get_deferred_fields():
            raise PanelNotLoaded(self)
        return PanelTally(ship=self.panel_ship, skip=self.panel_skip)

    @cached_property
    def takes_updated_at(self) -> datetime | None:
        """When a panel take on the tool last changed (prefetched takes); None without takes."""
        return max((take.updated_at for take in self.takes.all()), default=None)

    @cached_property
    def panel_scores(self) -> PanelScores:
        """The known scores of the prefetched takes; unscored ones counted apart."""
        takes = list(self.takes.all())
        known = tuple(take.score for take in takes if take.score is not None)
        return PanelScores(scores=known, unscored=len(takes) - len(known))

    @cached_property
    def community(self) -> CommunityTally:
        return CommunityTally(ship=self.community_ship_votes, skip=self.community_skip_votes)

    @cached_property
    def verified(self) -> VerifiedTally:
        """Verified readers' votes, from the stored counters: no query."""
        return VerifiedTally(ship=self.verified_ship_votes, skip=self.verified_skip_votes)

    @property
    def reader_gap(self) -> PanelReaderGap | None:
        """Readers' ship % against the panel's, once both have spoken enough."""
        return panel_reader_gap(self.panel, self.community)

    @property
    def reader_gap_label(self) -> str:
        """ "Readers are 30 points cooler than the panel", or why there is no gap yet."""
        return panel_reader_gap_label(self.panel, self.community)


class Persona(models.Model):
    name = OneLineCharField(max_length=40, unique=True)
    slug = OneLineSlugField(max_length=40, unique=True)
    position = models.PositiveSmallIntegerField(
        unique=True, help_text="Order on every page: lower comes first."
    )
    motto = OneLineCharField(max_length=160, help_text="One line in the persona's own voice.")
    lens = OneLineTextField(help_text="The question this persona judges every tool by.")
    excited_by = OneLineTextField(help_text="What makes this persona say ship.")
    tired_of = OneLineTextField(help_text="What makes this persona say skip.")
    # Takes (and ship calls) on published tools, live or scheduled: /reviewers/'
    # counts, kept by verdicts/list_counts.py in the transaction of each change.
    listed_takes = models.PositiveIntegerField(default=0, editable=False)
    listed_ships = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["position"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        _leave_stored_counts(self, list_counts.PERSONA_FIELDS, kwargs)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return slug_path("verdicts:reviewer", self.slug)


class TakeQuerySet(models.QuerySet):
    def with_personas(self, personas=None):
        """Takes with their personas selected; only these personas' when given."""
        takes = self.select_related("persona")
        return takes if personas is None else takes.filter(persona__in=personas)


class Take(models.Model):
    """One persona's scored verdict on one tool."""

    tool = models.ForeignKey(Tool, on_delete=models.CASCADE, related_name="takes")
    persona = models.ForeignKey(Persona, on_delete=models.PROTECT, related_name="takes")
    score = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="0 to 100. Leave empty when the reviewer gave no score: never guess one.",
    )
    call = models.CharField(max_length=4, choices=Call.choices)
    body = MarkdownTextField(help_text="Markdown. The take, in the persona's voice.")
    body_html = models.TextField(editable=False, default="")
    reviewed_version = OneLineCharField(
        max_length=40,
        blank=True,
        help_text="Optional: the tool's version the take reviewed, as the tool names it (v0.5.18).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TakeQuerySet.as_manager()
    # Every save and delete leaves a dated record (verdicts/history.py reads them);
    # the rendered HTML is derived from body, so it is not kept twice.
    history = HistoricalRecords(excluded_fields=["body_html"])

    class Meta:
        ordering = ["persona__position"]
        constraints = [
            models.UniqueConstraint(fields=["tool", "persona"], name="one_take_per_persona_tool"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="take_score_0_to_100",
            ),
            models.CheckConstraint(condition=Q(call__in=Call.values), name="take_call_valid"),
        ]
        indexes = [
            # The admin's take list, newest edit first (ties by id, as the admin
            # adds "-pk"), whatever its filter, and:
            # - the sitemap's reviewers: each persona's latest take;
            # - the weekly issue: the takes revised in its period, found without
            #   reading every tool (newsletter/digest.py).
            models.Index(fields=["persona", "updated_at", "id"], name="take_persona_updated"),
            models.Index(fields=["updated_at", "id"], name="take_updated"),
            models.Index(fields=["call", "updated_at", "id"], name="take_call_updated"),
            # A reviewer's page: their verdicts, best score first, unscored last
            # (views.PERSONA_VERDICTS; ties by tool name are sorted within a score).
            ranking.NullsLastIndex(
                F("persona"), F("score").desc(nulls_last=True), name="take_persona_score"
            ),
        ]

    def __str__(self):
        return f"{self.persona} on {self.tool}"

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        # One transaction with the post_save receiver that stores the tool's new
        # panel (verdicts/tallies.py): the figures never disagree with the takes.
        with transaction.atomic():
            super().save(*args, **kwargs)

    @property
    def score_label(self) -> str:
        return "Unscored" if self.score is None else f"{self.score}/100"


def load_panels(tools) -> None:
    """Give each of `tools` its panel naming dissenters (Tool.panel) from one query
    of (tool id, call, persona name) rows in panel order, with no model instance
    per take: a feed of 20 comparisons holds 240 takes, and building them with
    their personas was half of its time at scale (bench/COLD_PATH.md)."""
    tools = list(tools)
    calls = defaultdict(list)
    rows = Take.objects.filter(tool__in=tools).values_list("tool_id", "call", "persona__name")
    for tool_id, call, persona_name in rows:
        calls[tool_id].append((call, persona_name))
    for tool in tools:
        tool.panel = panel_from_calls(calls[tool.pk])  # Tool.panel's cache


class CommunityVoteQuerySet(models.QuerySet):
    def cast(self, tool: Tool, visitor_key: str, call: str) -> CommunityTally:
        """Record a reader's call on a tool and return the tool's new tally.

        One vote per reader and tool: voting again changes the call, never adds a
        vote. The row and the tool's counters change in one transaction (IMMEDIATE
        on SQLite, so concurrent writers queue instead of failing); counters move
        with F() expressions so no concurrent vote is lost.
        """
        if call not in Call.values:
            raise ValueError(f"not a call: {call!r}")
        counter = {Call.SHIP: "community_ship_votes", Call.SKIP: "community_skip_votes"}
        with transaction.atomic():
            previous = (
                self.select_for_update()
                .filter(tool=tool, visitor_key=visitor_key)
                .values_list("call", flat=True)
                .first()
            )
            if previous is None:
                try:
                    with transaction.atomic():
                        self.create(tool=tool, visitor_key=visitor_key, call=call)
                except IntegrityError:
                    # The same reader's concurrent first vote won (PostgreSQL); retry as a change.
                    return self.cast(tool, visitor_key, call)
                Tool.objects.filter(pk=tool.pk).update(**{counter[call]: F(counter[call]) + 1})
            elif previous != call:
                self.filter(tool=tool, visitor_key=visitor_key).update(
                    call=call, updated_at=timezone.now()
                )
                Tool.objects.filter(pk=tool.pk).update(
                    **{
                        counter[call]: F(counter[call]) + 1,
                        counter[previous]: F(counter[previous]) - 1,
                    }
                )
            ship, skip = Tool.objects.filter(pk=tool.pk).values_list(
                "community_ship_votes", "community_skip_votes"
            )[0]
            vote_cast.send(sender=Tool, tool_id=tool.pk, call=call)
        return CommunityTally(ship=ship, skip=skip)

    def withdraw(self, tool: Tool, visitor_key: str) -> CommunityTally:
        """Delete a reader's vote on a tool, if any, and return the tool's tally.

        The row goes and its counter drops in one transaction: a second withdrawal
        (a double click, a replayed form) finds no row and changes nothing, so the
        tally never falls below the votes really cast.
        """
        counter = {Call.SHIP: "community_ship_votes", Call.SKIP: "community_skip_votes"}
        with transaction.atomic():
            previous = (
                self.select_for_update()
                .filter(tool=tool, visitor_key=visitor_key)
                .values_list("call", flat=True)
                .first()
            )
            if previous is not None:
                deleted, _ = self.filter(tool=tool, visitor_key=visitor_key).delete()
                if deleted:
                    Tool.objects.filter(pk=tool.pk).update(
                        **{counter[previous]: F(counter[previous]) - 1}
                    )
                    vote_withdrawn.send(sender=Tool, tool_id=tool.pk, call=previous)
            ship, skip = Tool.objects.filter(pk=tool.pk).values_list(
                "community_ship_votes", "community_skip_votes"
            )[0]
        return CommunityTally(ship=ship, skip=skip)

    def recount(self, tool: Tool) -> CommunityTally:
        """Rebuild a tool's counters from the vote rows (for repairs and checks)."""
        counts = dict(self.filter(tool=tool).values_list("call").annotate(n=Count("pk")).order_by())
        tally = CommunityTally(ship=counts.get(Call.SHIP, 0), skip=counts.get(Call.SKIP, 0))
        with transaction.atomic():
            # update() sends no post_save: the signal tells cached pages the tally moved.
            Tool.objects.filter(pk=tool.pk).update(
                community_ship_votes=tally.ship, community_skip_votes=tally.skip
            )
            tally_recounted.send(sender=Tool, tool_id=tool.pk)
        return tally


class CommunityVote(models.Model):
    """A reader's ship/skip on a tool: one per visitor and tool, changeable."""

    tool = models.ForeignKey(Tool, on_delete=models.CASCADE, related_name="community_votes")
    call = models.CharField(max_length=4, choices=Call.choices)
    visitor_key = models.CharField(max_length=64, help_text="The reader's signed cookie id.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CommunityVoteQuerySet.as_manager()

    class Meta:
        constraints = [
            # Also the index for "this reader's vote on this tool".
            models.UniqueConstraint(fields=["tool", "visitor_key"], name="one_vote_per_visitor"),
            models.CheckConstraint(condition=Q(call__in=Call.values), name="vote_call_valid"),
        ]
        indexes = [
            # The admin's vote list filtered by call, newest first.
            models.Index(fields=["call", "-id"], name="vote_call_newest"),
        ]

    def __str__(self):
        return f"{self.get_call_display()} on {self.tool_id} by {self.visitor_key[:8]}…"


class SearchDocument(models.Model):
    """A tool's text as site search reads it: one row per tool, plain text (Markdown
    rendered then stripped), rewritten by verdicts/search_index.py whenever the tool,
    one of its takes or its category is saved or deleted.

    The engines' indexes follow this row: on SQLite two FTS5 external-content tables
    (words, and trigrams of the name) kept in step by triggers; on PostgreSQL the
    weighted `vector`, set from the same columns. Those indexes are created by the
    migration for the database in use, not declared here (see verdicts/search_index.py).
    """

    tool = models.OneToOneField(
        Tool, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    name = models.TextField()
    tagline = models.TextField(blank=True)
    category = models.TextField(blank=True)
    description = models.TextField(blank=True)
    takes = models.TextField(blank=True)
    # PostgreSQL only (NULL on SQLite): name (A), tagline (B), category and
    # description (C), takes (D). GIN-indexed by migration verdicts 0005.
    vector = SearchVectorField(null=True, editable=False)

    def __str__(self):
        return f"Search document of {self.name}"
