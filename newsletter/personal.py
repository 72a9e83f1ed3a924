"""Each reader's own part of an issue: what changed on what they follow, stored
once and worded the same on every attempt.

What is stored, and when (publish()):

- Issue.personal_changes, once per issue: the period's verdict changes per tool,
  already worded as the lead shows them, and the issue's new comparisons with
  the ids of their tools::

      {"max_items": 20,
       "tools": [{"id": 3, "name": "Alpha", "url": "https://…/tools/alpha/",
                  "changes": ["Skeptic: skip → ship, 45 → 71 · 20 May 2026"]}],
       "comparisons": [{"title": "Alpha vs Beta", "url": "https://…", "tool_ids": [3, 4]}]}

  A verdict change is a take's first take, a withdrawal, or a revision of its
  call or score in (since, until], from the take history (verdicts/history.py,
  whose wording it reuses); a revision of the text or version only is not one.
  Tools are in name order, each one's changes newest first.
- Delivery.digest_scope and Delivery.followed_tool_ids, once per delivery: the
  reader's scope and, of the tools above (with changes or in a new comparison),
  those they followed (confirmed follows of the tool or of its category), by id.

A message is built from those rows only (lead_for, render_lead), never from the
live follows or takes: a re-run after a crash sends the same words even if the
reader changed their follows or an editor revised a take meanwhile. A reader
with scope "followed" whose snapshot is empty gets a delivery marked skipped
(Delivery.Status.SKIPPED) at publish, never sent; a paused reader gets no
delivery at all.

The stored bodies hold placeholders (READER_LEAD, the reader's links, the
markers around the shared part of the text body): fill() puts each reader's
values in, one entry per placeholder in reader_values(). A reader of only what
they follow gets the HTML body without its shared part, its preview line
(between HTML_PREVIEW_START and HTML_PREVIEW_END) replaced by the lead's own
(Lead.preview); a lead's "and N more" links to the issue's archive page.
"""

import html
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from markupsafe import escape

from comparisons.models import TOOL_FIELDS as COMPARED_TOOLS
from comparisons.models import Comparison
from newsletter.models import Follow, Subscriber
from newsletter.verified import READER_VOTE_URL
from shiporskip.lib.urls import absolute_url
from verdicts.history import ChangeKind, changes_by_tool, newest_first
from verdicts.models import Take, Tool

# Where each reader's own links and lead go, in both stored bodies.
READER_UNSUBSCRIBE_URL = "%%reader_unsubscribe_url%%"
READER_LEAD = "%%reader_lead%%"
READER_MANAGE_URL = "%%reader_manage_url%%"
# Around the shared part of the text body (the HTML body has its archive
# markers): removed for "everything", cut out with what they hold for "followed".
SHARED_TEXT_START = "%%shared_start%%"
SHARED_TEXT_END = "%%shared_end%%"
HTML_SHARED_START = "<!--archive:start-->"
HTML_SHARED_END = "<!--archive:end-->"
# Around the HTML body's preview line (what the inbox shows after the subject):
# kept for "everything", replaced by the lead's own for "followed".
HTML_PREVIEW_START = "<!--preview:start-->"
HTML_PREVIEW_END = "<!--preview:end-->"


@dataclass
class PeriodChanges:
    """What publish() stores on the issue (stored), and what it needs to expand the
    readers' followed categories (category_of: tool id -> category id)."""

    stored: dict
    category_of: dict[int, int]

    @property
    def tool_ids(self) -> set[int]:
        return set(self.category_of)


def _is_verdict_change(change) -> bool:
    return change.kind != ChangeKind.REVISED or change.call_changed or change.score_changed


def _day(moment: datetime) -> str:
    moment = timezone.localtime(moment)
    return f"{moment.day} {moment:%B %Y}"


def period_changes(
    since: datetime, until: datetime, comparison_ids, max_items: int
) -> PeriodChanges:
    """The period's verdict changes on published tools and the issue's new
    comparisons (comparison_ids), worded for the lead: three queries."""
    changed_takes = Take.history.filter(history_date__gt=since, history_date__lte=until)
    # Every record of those takes: the one before the period is the starting point.
    every_change = changes_by_tool(
        Take.history.filter(id__in=changed_takes.values("id")).filter(
            tool_id__in=Tool.objects.published().values("pk")
        )
    )
    by_tool = defaultdict(list)
    for tool_id, changes in every_change.items():
        for change in changes:
            if since < change.date <= until and _is_verdict_change(change):
                by_tool[tool_id].append(change)
    comparisons = list(
        Comparison.objects.filter(pk__in=list(comparison_ids))
        .with_tools()
        .only(
            *COMPARED_TOOLS,
            *(f"{slot}__{name}" for slot in COMPARED_TOOLS for name in ("name", "slug")),
        )
        .order_by("-published_at", "-pk")
    )
    compared_ids = {tool.pk for comparison in comparisons for tool in comparison.tools}
    tools = list(
        Tool.objects.filter(pk__in=set(by_tool) | compared_ids)
        .only("name", "slug", "category_id")
        .order_by("name", "pk")
    )
    stored = {
        "max_items": max_items,
        "tools": [
            {
                "id": tool.pk,
                "name": tool.name,
                "url": absolute_url(tool.get_absolute_url()),
                "changes": [
                    f"{change.summary} · {_day(change.date)}"
                    for change in newest_first(by_tool[tool.pk])
                ],
            }
            for tool in tools
            if by_tool[tool.pk]
        ],
        "comparisons": [
            {
                "title": comparison.title,
                "url": absolute_url(comparison.get_absolute_url()),
                "tool_ids": [tool.pk for tool in comparison.tools],
            }
            for comparison in comparisons
        ],
    }
    return PeriodChanges(stored=stored, category_of={tool.pk: tool.category_id for tool in tools})


def followed_in_range(first_pk: int, last_pk: int, changes: PeriodChanges) -> dict[int, list[int]]:
    """Subscriber pk -> the ids of changes' tools they follow, sorted, for the
    subscribers with pks in [first_pk, last_pk]: one query (none when nothing changed)."""
    tool_ids = changes.tool_ids
    if not tool_ids:
        return {}
    category_ids = set(changes.category_of.values())
    tools_of = defaultdict(set)
    for tool_id, category_id in changes.category_of.items():
        tools_of[category_id].add(tool_id)
    follows = (
        Follow.objects.confirmed()
        .filter(subscriber_id__gte=first_pk, subscriber_id__lte=last_pk)
        .filter(Q(tool_id__in=tool_ids) | Q(category_id__in=category_ids))
        .values_list("subscriber_id", "tool_id", "category_id")
    )
    followed = defaultdict(set)
    for subscriber_id, tool_id, category_id in follows:
        followed[subscriber_id] |= {tool_id} if tool_id else tools_of[category_id]
    return {pk: sorted(ids) for pk, ids in followed.items()}


@dataclass(frozen=True)
class Lead:
    """One reader's lead: the stored tools (dicts as stored) and comparisons they
    follow, the first max_items of each, and how many there are in all."""

    tools: list[dict]
    comparisons: list[dict]
    tool_count: int
    comparison_count: int
    followed_only: bool

    @property
    def is_empty(self) -> bool:
        return not self.tools and not self.comparisons

    @property
    def more(self) -> int:
        """How many followed tools and comparisons are past max_items, not shown."""
        return self.tool_count - len(self.tools) + self.comparison_count - len(self.comparisons)

    @property
    def preview(self) -> str:
        """The inbox preview line of a message holding this lead alone, worded as
        the whole issue's ("5 new comparisons and 2 updated verdicts this week.")."""
        comparisons = _counted(self.comparison_count, "new comparison")
        verdicts = _counted(self.tool_count, "updated verdict")
        return f"{comparisons} and {verdicts} on what you follow this week."


def _counted(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def lead_for(stored: dict, followed_tool_ids, scope: str) -> Lead:
    """The lead of a reader who followed followed_tool_ids (a delivery's snapshot)
    with scope (a Subscriber.DigestScope value), from an issue's stored changes. No query."""
    followed = set(followed_tool_ids)
    tools = [tool for tool in stored.get("tools", []) if tool["id"] in followed]
    comparisons = [
        comparison
        for comparison in stored.get("comparisons", [])
        if followed.intersection(comparison["tool_ids"])
    ]
    limit = stored.get("max_items", len(tools) + len(comparisons))
    return Lead(
        tools=tools[:limit],
        comparisons=comparisons[:limit],
        tool_count=len(tools),
        comparison_count=len(comparisons),
        followed_only=scope == Subscriber.DigestScope.FOLLOWED,
    )


def render_lead(lead: Lead, issue_url: str) -> tuple[str, str]:
    """The lead's HTML and text, with READER_MANAGE_URL for the reader's manage
    link; ("", "") for an empty lead of a reader who gets everything. Its "and N
    more" links to issue_url, the issue's archive page (absolute), whose
    "Everything in this issue" lists every tool and comparison the issue covered."""
    if lead.is_empty and not lead.followed_only:
        return "", ""
    context = {"lead": lead, "manage_url": READER_MANAGE_URL, "issue_url": issue_url}
    return (
        render_to_string("emails/weekly_digest_lead.html", context),
        render_to_string("emails/weekly_digest_lead.txt", context),
    )


@dataclass(frozen=True)
class ReaderLinks:
    """A reader's own absolute links, put into every message."""

    unsubscribe_url: str
    manage_url: str
    vote_url: str  # the verified-vote page (newsletter/verified.py)


def reader_values(links: ReaderLinks, lead_html: str, lead_text: str) -> tuple[dict, dict]:
    """Placeholder -> value for the HTML body and for the text body, in the order
    fill() applies them (the lead first: it holds the manage link's placeholder)."""
    html_values = {
        READER_LEAD: lead_html,
        READER_UNSUBSCRIBE_URL: html.escape(links.unsubscribe_url),
        READER_MANAGE_URL: html.escape(links.manage_url),
        READER_VOTE_URL: html.escape(links.vote_url),
    }
    text_values = {
        READER_LEAD: lead_text,
        SHARED_TEXT_START: "",
        SHARED_TEXT_END: "",
        READER_UNSUBSCRIBE_URL: links.unsubscribe_url,
        READER_MANAGE_URL: links.manage_url,
        READER_VOTE_URL: links.vote_url,
    }
    return html_values, text_values


def compose_message(
    issue, scope: str, followed_tool_ids, links: ReaderLinks
) -> tuple[str, str, str]:
    """One reader's subject, HTML body and text body of a stored issue, from the
    issue's stored changes and the delivery's snapshot (scope, followed_tool_ids):
    the same three strings on every attempt. No query."""
    lead = lead_for(issue.personal_changes or {}, followed_tool_ids, scope)
    lead_html, lead_text = render_lead(lead, absolute_url(issue.get_absolute_url()))
    html_values, text_values = reader_values(links, lead_html, lead_text)
    html_body, text_body, subject = issue.html_body, issue.text_body, issue.subject
    if lead.followed_only:
        # The preview line counted the shared part's news; this message holds the lead only.
        html_body = with_part_replaced(
            html_body, HTML_PREVIEW_START, HTML_PREVIEW_END, html.escape(lead.preview)
        )
        html_body = without_shared_part(html_body, HTML_SHARED_START, HTML_SHARED_END)
        text_body = without_shared_part(text_body, SHARED_TEXT_START, SHARED_TEXT_END)
        # "<newsletter> — week N, YYYY: <headline>": the shared headline names news
        # this reader does not get, in the subject and where the bodies repeat it
        # (the HTML title, autoescaped as Jinja does; the text's first line).
        subject = f"{subject.partition(':')[0]}: what changed on what you follow"
        html_body = html_body.replace(
            f"<title>{escape(issue.subject)}</title>", f"<title>{escape(subject)}</title>", 1
        )
        text_body = text_body.replace(issue.subject, subject, 1)
    return subject, fill(html_body, html_values), fill(text_body, text_values)


def fill(body: str, values: dict[str, str]) -> str:
    """The body with each placeholder replaced by its value, in values' order."""
    for placeholder, value in values.items():
        body = body.replace(placeholder, value)
    return body


def without_shared_part(body: str, start: str, end: str) -> str:
    """The body without what lies between start and end (markers included), for a
    reader who wants only what they follow; unchanged when the markers are missing."""
    return with_part_replaced(body, start, end, "")


def with_part_replaced(body: str, start: str, end: str, value: str) -> str:
    """The body with what lies between start and end (markers included) replaced
    by value; unchanged when the markers are missing (issues stored before them)."""
    first = body.find(start)
    last = body.find(end, first)
    if first < 0 or last < 0:
        return body
    return body[:first] + value + body[last + len(end) :]
