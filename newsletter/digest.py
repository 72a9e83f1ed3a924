"""What goes into an issue of Weekly AI Tool Verdicts, composed once and stored.

A digest covers the period (since, until]: comparisons that went live in it and
tools whose panel takes were added or revised in it. At most DIGEST_MAX_ITEMS
of each are shown in the email, newest comparisons and tools by name first;
the rest are counted ("and N more") and listed on the issue's archive page, so
the message stays small enough that mail clients do not clip it. The issue
covers them all (Issue.comparisons, Issue.changed_tools): none is announced
again. publish() renders it into an Issue row (subject, HTML and text bodies,
and the period's changes each reader's lead is composed from) with one
Delivery per subscriber receiving the digest (confirmed, deliverable, not
paused), so a resumed run sends the very same issue. Only the reader's own part
is put in per message: their lead and links (newsletter/personal.py).
"""

import html
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Prefetch, Q, prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import timezone

from comparisons.models import TOOL_FIELDS as COMPARED_TOOLS
from comparisons.models import Comparison
from newsletter import delivery_counts, personal
from newsletter.models import Delivery, Issue, Subscriber
from newsletter.personal import READER_UNSUBSCRIBE_URL
from newsletter.verified import READER_VOTE_URL
from shiporskip.lib.urls import absolute_url
from verdicts.head_to_head import bottom_line
from verdicts.models import Take, Tool

NEWSLETTER_NAME = "Weekly AI Tool Verdicts"
# The first issue, without --since, covers the week before it.
FIRST_PERIOD = timedelta(days=7)
# Readers are added to the issue this many at a time: memory stays flat however
# many subscribe (one query for the batch, one for their follows, one insert).
PUBLISH_BATCH = 1000
# Stored nowhere: publish() puts the issue's archive address in its place once
# the row (and so its number) exists.
ISSUE_URL = "%%issue_url%%"
# What the email shows of each tool and comparison (templates/emails/weekly_digest.*).
TOOL_FIELDS = [
    "name",
    "slug",
    "tagline",
    "community_ship_votes",
    "community_skip_votes",
    # The stored panel tallies (verdicts/tallies.py): Tool.panel reads them.
    "panel_ship",
    "panel_skip",
]


class AnotherIssueStored(Exception):
    def __init__(self, issue: Issue):
        super().__init__(f"Another run stored “{issue.subject}” while this one was composing.")
        self.issue = issue


@dataclass
class ChangedTool:
    tool: Tool  # with its takes and personas prefetched, so tool.panel costs no query
    revised_takes: list[Take]


@dataclass
class Digest:
    since: datetime
    until: datetime
    # Shown in the email: at most DIGEST_MAX_ITEMS of each.
    comparisons: list[Comparison] = field(default_factory=list)
    changed: list[ChangedTool] = field(default_factory=list)
    # Covered by the issue, shown or not (pks, in the email's order).
    comparison_ids: list[int] = field(default_factory=list)
    changed_tool_ids: list[int] = field(default_factory=list)
    # How many of each the email leaves to the issue's archive page ("and N more").
    more_comparisons: int = 0
    more_changed: int = 0
    # The newest issue when this digest was composed: publish() refuses the
    # digest if another run has stored an issue since.
    follows_issue_pk: int = 0

    @property
    def is_empty(self) -> bool:
        return not self.comparisons and not self.changed

    def bottom_line(self, comparison: Comparison) -> str:
        """The panel's computed bottom line on a new comparison, over all its tools."""
        return bottom_line(comparison.tools).sentence

    def shrink(self) -> bool:
        """Leave a quarter (at least one) of the longer shown list to the archive
        page; False when one item is all that is left to show."""
        if len(self.comparisons) + len(self.changed) <= 1:
            return False
        if len(self.comparisons) >= len(self.changed):
            keep = len(self.comparisons) - max(1, len(self.comparisons) // 4)
            self.more_comparisons += len(self.comparisons) - keep
            self.comparisons = self.comparisons[:keep]
        else:
            keep = len(self.changed) - max(1, len(self.changed) // 4)
            self.more_changed += len(self.changed) - keep
            self.changed = self.changed[:keep]
        return True

    @property
    def comparison_count(self) -> int:
        return len(self.comparisons) + self.more_comparisons

    @property
    def changed_count(self) -> int:
        return len(self.changed) + self.more_changed

    @property
    def iso_year_week(self) -> tuple[int, int]:
        year, week, _ = timezone.localtime(self.until).isocalendar()
        return year, week

    @property
    def since_label(self) -> str:
        since = timezone.localtime(self.since)
        return f"{since.day} {since:%B %Y}"

    @property
    def subject(self) -> str:
        year, week = self.iso_year_week
        return f"{NEWSLETTER_NAME} — week {week}, {year}: {self._headline()}"

    def _headline(self) -> str:
        if self.comparisons:
            return self.comparisons[0].title
        first = self.changed[0].tool.name
        others = self.changed_count - 1
        if not others:
            return f"updated verdict on {first}"
        return f"updated verdicts on {first} and {others} more tool{'s' if others > 1 else ''}"


def default_since(now: datetime) -> datetime:
    """Where the next issue starts: the end of the last one, else a week ago."""
    last = Issue.objects.order_by("-period_until").values_list("period_until", flat=True).first()
    return last or now - FIRST_PERIOD


def compose(since: datetime, until: datetime, max_items: int | None = None) -> Digest:
    """Everything new in (since, until], the first max_items (default
    DIGEST_MAX_ITEMS) comparisons and updated verdicts loaded to be shown, the
    rest only counted: at most seven queries, whatever the size (panels are stored
    columns; one more when an overlapping --since finds tools an earlier issue
    reported). The new comparisons' and changed tools' ids are read whole, once:
    the issue covers them all."""
    if max_items is None:
        max_items = settings.DIGEST_MAX_ITEMS
    follows_issue_pk = _newest_issue_pk()
    # (pk, tool_a_id, …, tool_d_id) of every new comparison, newest first: one
    # scan gives the count, the shown ones and the tools they announce.
    new = list(
        _new_comparisons(since, until).values_list("pk", *(f"{f}_id" for f in COMPARED_TOOLS))
    )
    comparison_ids = [pk for pk, *_ in new]
    compared = {tool_id for _, *tool_ids in new for tool_id in tool_ids if tool_id}
    comparisons = _shown_comparisons(comparison_ids[:max_items])
    reported = _last_reported(since)
    changed_tool_ids = _changed_tool_ids(since, until, compared, reported)
    changed_tools = _shown_changed_tools(changed_tool_ids[:max_items], reported)
    # One query for every shown tool's takes, compared or changed.
    _load_takes([tool for c in comparisons for tool in c.tools] + changed_tools)
    changed = _changes(changed_tools, since, until)
    return Digest(
        since=since,
        until=until,
        comparisons=comparisons,
        changed=changed,
        comparison_ids=comparison_ids,
        changed_tool_ids=changed_tool_ids,
        more_comparisons=len(comparison_ids) - len(comparisons),
        more_changed=len(changed_tool_ids) - len(changed),
        follows_issue_pk=follows_issue_pk,
    )


def _newest_issue_pk() -> int:
    return Issue.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _new_comparisons(since, until):
    # updated_at too: a draft published by ticking "published" keeps the
    # published_at it was created with, and must still be announced once. Never
    # twice: what an earlier issue covered is left out.
    window = Q(published_at__gt=since, published_at__lte=until) | Q(
        updated_at__gt=since, updated_at__lte=until
    )
    return (
        Comparison.objects.published()
        .filter(window)
        .exclude(newsletter_issues__isnull=False)
        .order_by("-published_at", "-pk")
    )


def _shown_comparisons(pks: list[int]) -> list[Comparison]:
    tool_fields = [f"{tool}__{name}" for tool in COMPARED_TOOLS for name in TOOL_FIELDS]
    return list(
        Comparison.objects.filter(pk__in=pks)
        .with_tools()
        .only(*COMPARED_TOOLS, *tool_fields)
        .order_by("-published_at", "-pk")
    )


def _revised(since, until):
    return Take.objects.filter(updated_at__gt=since, updated_at__lte=until)


def _last_reported(since) -> dict[int, datetime]:
    """Tool id -> the end of the last issue that reported the tool's panel (listed
    the tool or one of its comparisons), for issues ending after since: one query.

    Only those can have reported a revision made after since: the next issue
    (since = the end of the last one) finds none, and an overlapping --since
    finds the few tools those issues listed, never the whole catalogue."""
    after = {"issue__period_until__gt": since}
    listed = Issue.changed_tools.through.objects.filter(**after).values_list(
        "tool_id", "issue__period_until"
    )
    compared = Issue.comparisons.through.objects.filter(**after)
    for slot in COMPARED_TOOLS:
        listed = listed.union(
            compared.filter(**{f"comparison__{slot}__isnull": False}).values_list(
                f"comparison__{slot}_id", "issue__period_until"
            ),
            all=True,
        )
    reported = {}
    for tool_id, until in listed:
        reported[tool_id] = max(until, reported.get(tool_id, until))
    return reported


def _changed_tool_ids(since, until, compared: set[int], reported: dict) -> list[int]:
    """Published tools, by name, with takes added or revised in the period after any
    issue reported them (reported: _last_reported()), leaving out the tools of
    this issue's new comparisons (compared, ids): one query, a second one only
    when an issue ending after since reported some of them (an overlapping --since)."""
    # From the takes revised in the period (their updated_at index): a quiet week
    # reads a few tools, not every published one.
    revised = _revised(since, until)
    ids = [
        pk
        for pk in Tool.objects.published()
        .filter(pk__in=revised.values("tool_id"))
        .order_by("name")
        .values_list("pk", flat=True)
        if pk not in compared
    ]
    # An overlapping --since must not announce the same revision twice.
    seen = [pk for pk in ids if pk in reported]
    if not seen:
        return ids
    last_revised = dict(
        revised.filter(tool_id__in=seen)
        .values("tool_id")
        .annotate(last=Max("updated_at"))
        .values_list("tool_id", "last")
    )
    return [pk for pk in ids if pk not in reported or last_revised[pk] > reported[pk]]


def _load_takes(tools: list[Tool]) -> None:
    """Every take with its persona on the shown tools, so the panels name dissenters
    and the bottom line compares persona by persona: one query for all."""
    # Not the bodies: the email shows calls, scores and names only.
    takes = Take.objects.with_personas().defer("body", "body_html")
    prefetch_related_objects(tools, Prefetch("takes", queryset=takes))


def _shown_changed_tools(pks: list[int], reported: dict) -> list[Tool]:
    """The shown updated tools by name, each with last_reported (when an issue last
    reported it, from _last_reported(), or None): one query."""
    if not pks:
        return []
    tools = list(Tool.objects.filter(pk__in=pks).only(*TOOL_FIELDS).order_by("name"))
    for tool in tools:
        tool.last_reported = reported.get(tool.pk)
    return tools


def _changes(tools: list[Tool], since, until) -> list[ChangedTool]:
    """Each tool (takes prefetched, _load_takes) with its unreported revised takes,
    from the prefetched ones: no query."""
    changes = []
    for tool in tools:
        # Added or changed in the period, after any issue last reported the tool;
        # the prefetched takes are already in panel order.
        after = max(since, tool.last_reported) if tool.last_reported else since
        revised = [take for take in tool.takes.all() if after < take.updated_at <= until]
        changes.append(ChangedTool(tool=tool, revised_takes=revised))
    return changes


def render(digest: Digest) -> tuple[str, str, str]:
    """Subject, HTML body and text body, with READER_UNSUBSCRIBE_URL for the reader's
    link and ISSUE_URL for the issue's archive page (publish() fills it in).

    When both bodies together pass DIGEST_MAX_BYTES (long tool names and taglines
    can make twenty items too many), fewer items are shown (Digest.shrink()) until
    they fit: the cap on items and the cap on bytes both hold. No query.
    """
    while True:
        subject, html_body, text_body = _render(digest)
        size = len(html_body.encode()) + len(text_body.encode())
        if size <= settings.DIGEST_MAX_BYTES or not digest.shrink():
            return subject, html_body, text_body


def _render(digest: Digest) -> tuple[str, str, str]:
    year, week = digest.iso_year_week
    context = {
        "digest": digest,
        "subject": digest.subject,
        "week_label": f"Week {week}, {year}",
        "unsubscribe_url": READER_UNSUBSCRIBE_URL,
        "manage_url": personal.READER_MANAGE_URL,
        "reader_lead": personal.READER_LEAD,
        "shared_start": personal.SHARED_TEXT_START,
        "shared_end": personal.SHARED_TEXT_END,
        "vote_url": READER_VOTE_URL,
        "issue_url": ISSUE_URL,
    }
    return (
        digest.subject,
        render_to_string("emails/weekly_digest.html", context),
        render_to_string("emails/weekly_digest.txt", context),
    )


def publish(digest: Digest, batch_size: int = PUBLISH_BATCH) -> Issue | None:
    """Store the issue, its period's changes and a delivery per subscriber receiving
    the digest, with their snapshot (newsletter/personal.py), in one transaction.

    Readers are read and their deliveries inserted batch_size at a time, by
    ascending pk: three queries a batch, never one per reader. A reader who wants
    only what they follow and follows nothing that changed gets a delivery marked
    skipped; a paused reader gets none.

    Returns None, storing nothing, when nobody receives the digest: the news waits
    for the first reader instead of being marked as covered. Raises
    AnotherIssueStored when a concurrent run (a second cron host, a retry
    started by hand) stored an issue after this digest was composed: its
    readers would otherwise get the same news twice.
    """
    subject, html_body, text_body = render(digest)
    year, week = digest.iso_year_week
    # Locking the readers' rows, a batch at a time, queues concurrent publishers on
    # PostgreSQL at the first batch; SQLite's IMMEDIATE transaction already holds
    # the write lock.
    readers = (
        Subscriber.objects.receiving_digest()
        .select_for_update()
        .order_by("pk")
        .values_list("pk", "digest_scope")
    )
    with transaction.atomic():
        batch = list(readers[:batch_size])
        if not batch:
            return None
        newer = Issue.objects.filter(pk__gt=digest.follows_issue_pk).order_by("pk").first()
        if newer is not None:
            raise AnotherIssueStored(newer)
        changes = personal.period_changes(
            digest.since, digest.until, digest.comparison_ids, settings.DIGEST_MAX_ITEMS
        )
        issue = Issue.objects.create(
            iso_year=year,
            iso_week=week,
            subject=subject,
            period_since=digest.since,
            period_until=digest.until,
            personal_changes=changes.stored,
        )
        issue_url = absolute_url(issue.get_absolute_url())
        issue.html_body = html_body.replace(ISSUE_URL, html.escape(issue_url))
        issue.text_body = text_body.replace(ISSUE_URL, issue_url)
        issue.save(update_fields=["html_body", "text_body"])
        _cover(issue, digest)
        created = Counter()
        while batch:
            created.update(_add_deliveries(issue, batch, changes))
            batch = list(readers.filter(pk__gt=batch[-1][0])[:batch_size])
        delivery_counts.add(issue.pk, created)
    return issue


def _add_deliveries(issue: Issue, readers: list[tuple[int, str]], changes) -> dict[str, int]:
    """One delivery per (pk, digest_scope), ascending by pk, with the reader's
    snapshot: one query for their follows, one insert. Returns {status: how many}."""
    followed = personal.followed_in_range(readers[0][0], readers[-1][0], changes)
    deliveries = []
    for pk, scope in readers:
        tool_ids = followed.get(pk, [])
        nothing_to_send = scope == Subscriber.DigestScope.FOLLOWED and not tool_ids
        deliveries.append(
            Delivery(
                issue=issue,
                subscriber_id=pk,
                digest_scope=scope,
                followed_tool_ids=tool_ids,
                status=Delivery.Status.SKIPPED if nothing_to_send else Delivery.Status.PENDING,
            )
        )
    Delivery.objects.bulk_create(deliveries, batch_size=len(deliveries))
    return delivery_counts.by_status(deliveries)


def _cover(issue: Issue, digest: Digest) -> None:
    """Record everything the issue covers, shown or not, in a few bulk inserts."""
    comparisons = Issue.comparisons.through
    tools = Issue.changed_tools.through
    comparisons.objects.bulk_create(
        [comparisons(issue=issue, comparison_id=pk) for pk in digest.comparison_ids],
        batch_size=500,
    )
    tools.objects.bulk_create(
        [tools(issue=issue, tool_id=pk) for pk in digest.changed_tool_ids], batch_size=500
    )
