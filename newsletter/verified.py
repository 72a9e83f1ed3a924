"""Verified votes: a confirmed subscriber's ship/skip on the tools of an issue they
received, cast from the signed link in that issue's email.

- **The link.** Every message of an issue carries READER_VOTE_URL, replaced per
  message (newsletter/delivery.py build_message) by vote_url(): a token naming
  the subscriber, their address and the issue, dated by the issue
  (tokens.vote_token), so a re-sent message carries the same link; it expires
  NEWSLETTER_VOTE_MAX_AGE after the issue.
- **The page** (newsletter/verified_views.py) lists the issue's tools
  (issue_tools(): its updated tools and every tool of its comparisons) with a
  Ship and a Skip button each. Mail scanners follow links, so opening it never
  votes: only its POST does. Only a confirmed, deliverable subscriber votes
  (may_vote()).
- **One vote per subscriber and tool, changeable** (VerifiedVote's unique
  constraint). cast() locks the tool's row, then writes the vote row and moves
  the tool's stored counters (Tool.verified_ship_votes, verified_skip_votes) in
  the same transaction: a first vote adds one, a changed vote moves one from
  ship to skip (or back), the same vote again changes nothing. Deleting a vote
  row (its subscriber or tool deleted) takes its count back (_vote_deleted).
- **Pages.** Every change sends verified_tally_changed inside its transaction;
  newsletter/apps.py registers it with pagecache.invalidation as the community
  vote's signals are, so the tool's page, its comparisons and the JSON are
  retired exactly as after a community vote.
"""

from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.signals import post_delete
from django.dispatch import Signal, receiver
from django.urls import reverse
from django.utils import timezone

from comparisons.models import TOOL_FIELDS, Comparison
from newsletter import tokens
from newsletter.models import Issue, Subscriber, VerifiedVote
from verdicts.models import Call, Tool
from verdicts.verdict import VerifiedTally

# Stored in the rendered bodies; each message replaces it with its reader's vote link.
READER_VOTE_URL = "%%reader_vote_url%%"

# Sent inside the transaction that changed a tool's verified tally; kwargs: tool_id.
verified_tally_changed = Signal()

COUNTERS = {Call.SHIP: "verified_ship_votes", Call.SKIP: "verified_skip_votes"}


def vote_url(subscriber: Subscriber, issue: Issue) -> str:
    """Path of the reader's signed vote page for this issue (needs issue.pk and
    issue.created_at): the same for every message of the issue to this reader."""
    return reverse("newsletter:vote", args=[tokens.vote_token(subscriber, issue)])


def may_vote(subscriber: Subscriber) -> bool:
    """Confirmed and deliverable: a reader who left, or whose address bounced or
    complained, keeps the link but no longer votes with it."""
    return subscriber.status == Subscriber.Status.CONFIRMED and not subscriber.is_suppressed


def issue_tools(issue_pk: int, subscriber: Subscriber | None = None) -> QuerySet:
    """The published tools an issue covered: its updated tools and every tool of its
    comparisons, by name; one query (subqueries, no join that could repeat a tool).

    With `subscriber`, each tool carries `your_call`: that reader's verified vote
    ("ship", "skip") or None.
    """
    comparisons = Comparison.objects.filter(newsletter_issues=issue_pk)
    changed = Issue.changed_tools.through.objects.filter(issue_id=issue_pk)
    covered = Q(pk__in=changed.values("tool_id"))
    for field in TOOL_FIELDS:
        covered |= Q(pk__in=comparisons.values(f"{field}_id"))
    tools = (
        Tool.objects.published()
        .filter(covered)
        .only("name", "slug", "tagline", *COUNTERS.values())
        .order_by("name", "pk")
    )
    if subscriber is not None:
        mine = VerifiedVote.objects.filter(subscriber=subscriber, tool=OuterRef("pk"))
        tools = tools.annotate(your_call=Subquery(mine.values("call")[:1]))
    return tools


def cast(subscriber: Subscriber, tool: Tool, call: str) -> VerifiedTally:
    """Record the subscriber's call on the tool and return its verified tally.

    One vote per subscriber and tool: a second call changes the row and moves one
    count between ship and skip; the same call again changes nothing. Raises
    ValueError for a call that is neither ship nor skip. The caller checks
    may_vote() and that the tool was in the reader's issue.
    """
    if call not in Call.values:
        raise ValueError(f"not a call: {call!r}")
    with transaction.atomic():
        # The tool's row first (PostgreSQL: FOR UPDATE; SQLite's IMMEDIATE
        # transaction holds the write lock already): votes on one tool queue, so
        # neither a count nor the same reader's second click is lost.
        list(Tool.objects.select_for_update().filter(pk=tool.pk).values_list("pk"))
        votes = VerifiedVote.objects.filter(subscriber=subscriber, tool=tool)
        previous = votes.values_list("call", flat=True).first()
        if previous is None:
            try:
                with transaction.atomic():
                    VerifiedVote.objects.create(subscriber=subscriber, tool=tool, call=call)
            except IntegrityError:
                # Cannot happen behind the lock; never count a vote twice if it does.
                return cast(subscriber, tool, call)
            Tool.objects.filter(pk=tool.pk).update(**{COUNTERS[call]: F(COUNTERS[call]) + 1})
        elif previous != call:
            votes.update(call=call, updated_at=timezone.now())
            Tool.objects.filter(pk=tool.pk).update(
                **{
                    COUNTERS[call]: F(COUNTERS[call]) + 1,
                    COUNTERS[previous]: F(COUNTERS[previous]) - 1,
                }
            )
        if previous != call:
            verified_tally_changed.send(sender=VerifiedVote, tool_id=tool.pk)
        ship, skip = Tool.objects.filter(pk=tool.pk).values_list(*COUNTERS.values())[0]
    return VerifiedTally(ship=ship, skip=skip)


@receiver(post_delete, sender=VerifiedVote, dispatch_uid="verified-vote-deleted")
def _vote_deleted(sender, instance: VerifiedVote, **kwargs):
    """A vote row deleted (its subscriber's or tool's deletion cascades here, in
    the deleting transaction) takes its count with it."""
    counter = COUNTERS[instance.call]
    Tool.objects.filter(pk=instance.tool_id).update(**{counter: F(counter) - 1})
    verified_tally_changed.send(sender=VerifiedVote, tool_id=instance.tool_id)
