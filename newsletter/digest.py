"""What goes into an issue of Weekly AI Tool Verdicts, composed once and stored.

A digest covers the period (since, until]: comparisons that went live in it and
tools whose panel takes were added or revised in it. publish() renders it into
an Issue row (subject, HTML and text bodies) with one pending Delivery per
confirmed subscriber, so a resumed run sends the very same issue; only the
reader's own unsubscribe link is put in per message (READER_UNSUBSCRIBE_URL).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.utils import timezone

from comparisons.models import Comparison, load_tool_panels
from newsletter.models import Delivery, Issue, Subscriber
from verdicts.models import Take, Tool

NEWSLETTER_NAME = "Weekly AI Tool Verdicts"
# The first issue, without --since, covers the week before it.
FIRST_PERIOD = timedelta(days=7)
# Stored in the rendered bodies; each message replaces it with its reader's link.
READER_UNSUBSCRIBE_URL = "%%reader_unsubscribe_url%%"


class AnotherIssueStored(Exception):
    def __init__(self, issue: Issue):
        super().__init__(f"Another run stored “{issue.subject}” while this one was composing.")
        self.issue = issue


@dataclass
class ChangedTool:
    tool: Tool  # annotated with panel counts, so tool.panel costs no query
    revised_takes: list[Take]


@dataclass
class Digest:
    since: datetime
    until: datetime
    comparisons: list[Comparison] = field(default_factory=list)
    changed: list[ChangedTool] = field(default_factory=list)
    # The newest issue when this digest was composed: publish() refuses the
    # digest if another run has stored an issue since.
    follows_issue_pk: int = 0

    @property
    def is_empty(self) -> bool:
        return not self.comparisons and not self.changed

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
        others = len(self.changed) - 1
        if not others:
            return f"updated verdict on {first}"
        return f"updated verdicts on {first} and {others} more tool{'s' if others > 1 else ''}"


def default_since(now: datetime) -> datetime:
    """Where the next issue starts: the end of the last one, else a week ago."""
    last = Issue.objects.order_by("-period_until").values_list("period_until", flat=True).first()
    return last or now - FIRST_PERIOD


def compose(since: datetime, until: datetime) -> Digest:
    """Everything new in (since, until], in five queries."""
    follows_issue_pk = _newest_issue_pk()
    comparisons = _new_comparisons(since, until)
    load_tool_panels(comparisons)
    in_comparisons = {pk for c in comparisons for pk in c.tool_ids}
    changed = _changed_tools(since, until, exclude=in_comparisons)
    return Digest(
        since=since,
        until=until,
        comparisons=comparisons,
        changed=changed,
        follows_issue_pk=follows_issue_pk,
    )


def _newest_issue_pk() -> int:
    return Issue.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _new_comparisons(since, until) -> list[Comparison]:
    # updated_at too: a draft published by ticking "published" keeps the
    # published_at it was created with, and must still be announced once. Never
    # twice: what an earlier issue covered is left out.
    window = Q(published_at__gt=since, published_at__lte=until) | Q(
        updated_at__gt=since, updated_at__lte=until
    )
    return list(
        Comparison.objects.published()
        .filter(window)
        .exclude(newsletter_issues__isnull=False)
        .with_tools()
        .order_by("-published_at", "-pk")
    )


def _changed_tools(since, until, exclude: set[int]) -> list[ChangedTool]:
    """Tools with takes added or revised in the period, after any issue reported them."""
    revised = Take.objects.filter(updated_at__gt=since, updated_at__lte=until)
    # An issue reported a tool's panel if it listed the tool or one of its comparisons.
    last_reported = (
        Issue.objects.filter(
            Q(changed_tools=OuterRef("pk"))
            | Q(comparisons__tool_a=OuterRef("pk"))
            | Q(comparisons__tool_b=OuterRef("pk"))
            | Q(comparisons__tool_c=OuterRef("pk"))
            | Q(comparisons__tool_d=OuterRef("pk"))
        )
        .order_by("-period_until")
        .values("period_until")[:1]
    )
    # pk__in, not a join on takes: a join would make with_panel_counts() count
    # only the revised takes.
    tools = list(
        Tool.objects.published()
        .filter(pk__in=revised.values("tool_id"))
        .exclude(pk__in=exclude)
        .annotate(last_reported=Subquery(last_reported))
        .with_panel_counts()
        .order_by("name")
    )
    takes: dict[int, list[Take]] = {tool.pk: [] for tool in tools}
    reported = {tool.pk: tool.last_reported for tool in tools}
    for take in revised.filter(tool__in=tools).select_related("persona") if tools else []:
        # An overlapping --since must not announce the same revision twice.
        if reported[take.tool_id] is None or take.updated_at > reported[take.tool_id]:
            takes[take.tool_id].append(take)
    return [
        ChangedTool(tool=tool, revised_takes=takes[tool.pk]) for tool in tools if takes[tool.pk]
    ]


def render(digest: Digest) -> tuple[str, str, str]:
    """Subject, HTML body and text body, with READER_UNSUBSCRIBE_URL for the link."""
    year, week = digest.iso_year_week
    context = {
        "digest": digest,
        "subject": digest.subject,
        "week_label": f"Week {week}, {year}",
        "unsubscribe_url": READER_UNSUBSCRIBE_URL,
    }
    return (
        digest.subject,
        render_to_string("emails/weekly_digest.html", context),
        render_to_string("emails/weekly_digest.txt", context),
    )


def publish(digest: Digest) -> Issue | None:
    """Store the issue and a pending delivery per confirmed subscriber, in one transaction.

    Returns None, storing nothing, when nobody is confirmed: the news waits for
    the first reader instead of being marked as covered. Raises
    AnotherIssueStored when a concurrent run (a second cron host, a retry
    started by hand) stored an issue after this digest was composed: its
    readers would otherwise get the same news twice.
    """
    subject, html_body, text_body = render(digest)
    year, week = digest.iso_year_week
    with transaction.atomic():
        # Locking the confirmed readers' rows queues concurrent publishers on
        # PostgreSQL; SQLite's IMMEDIATE transaction already holds the write lock.
        subscriber_ids = list(
            Subscriber.objects.confirmed()
            .select_for_update()
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not subscriber_ids:
            return None
        newer = Issue.objects.filter(pk__gt=digest.follows_issue_pk).order_by("pk").first()
        if newer is not None:
            raise AnotherIssueStored(newer)
        issue = Issue.objects.create(
            iso_year=year,
            iso_week=week,
            subject=subject,
            period_since=digest.since,
            period_until=digest.until,
            html_body=html_body,
            text_body=text_body,
        )
        issue.comparisons.set(digest.comparisons)
        issue.changed_tools.set([changed.tool for changed in digest.changed])
        Delivery.objects.bulk_create(
            [Delivery(issue=issue, subscriber_id=pk) for pk in subscriber_ids], batch_size=1000
        )
    return issue
