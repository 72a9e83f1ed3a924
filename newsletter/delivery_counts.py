"""Each issue's stored delivery counts (Issue.pending_count, Issue.sent_count, …:
one column per Delivery.Status), kept exact, and their recount.

The admin's issue list shows how many deliveries of each issue were sent, failed
or are still pending. Counting them per page view is a GROUP BY over every
delivery of every listed issue (millions of rows at 100,000 subscribers and a
year of issues), so the counts are stored on the issue and moved by the code
that changes a delivery's status, in the same transaction:

- publish() adds its pending and skipped deliveries (add());
- a delivery run changes one delivery's status with set_status(), which updates
  the delivery only if its status is still one of those expected and, when it
  did, moves one from the old status's count to the new one's;
- `send_weekly_digest --requeue-interrupted` moves "sending" back to "pending"
  with requeue_interrupted().

Every change is an UPDATE … SET x = x + n (F expressions), never a read and a
write, so two senders running at once cannot lose a count; each status is
tried in its own conditional UPDATE, so the count moved is always the one the
delivery really left. recount() compares the columns with the delivery rows and
repairs what drifted (a delivery deleted with its subscriber, a change made by
hand in a shell).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import models, transaction
from django.db.models import F

from newsletter.models import Delivery, Issue

# Delivery status -> the Issue column that counts it.
COUNT_FIELDS = {status: f"{status}_count" for status in Delivery.Status.values}


def add(issue_id: int, counts: dict[str, int]) -> None:
    """Add new deliveries to the issue's counts: `counts` maps a Delivery.Status to
    how many were created with it. One UPDATE; call it in the creating transaction."""
    changes = {
        COUNT_FIELDS[status]: F(COUNT_FIELDS[status]) + n for status, n in counts.items() if n
    }
    if changes:
        Issue.objects.filter(pk=issue_id).update(**changes)


def set_status(
    delivery_id: int,
    issue_id: int,
    was: list[str],
    to: str,
    where: models.Q | None = None,
    **fields,
) -> str | None:
    """Give the delivery status `to` (and `fields`, model field -> value or
    expression) if its status is one of `was`, tried in that order, and it matches
    `where`; move one from the issue's count of the old status to the new one's in
    the same transaction. Returns the status it had, or None when it had none of
    `was` (nothing changed). One UPDATE per status tried, one for the counts.

    Usable inside a caller's transaction (no savepoint of its own).
    """
    deliveries = Delivery.objects.filter(pk=delivery_id)
    if where is not None:
        deliveries = deliveries.filter(where)
    with transaction.atomic(savepoint=False):
        for old in was:
            if deliveries.filter(status=old).update(status=to, **fields):
                if old != to:
                    move(issue_id, old, to)
                return old
    return None


def move(issue_id: int, old: str, new: str, n: int = 1) -> None:
    """Move n deliveries of the issue from status `old` to `new` in its counts: one
    UPDATE. Call it in the transaction that changed their statuses."""
    Issue.objects.filter(pk=issue_id).update(
        **{COUNT_FIELDS[old]: F(COUNT_FIELDS[old]) - n, COUNT_FIELDS[new]: F(COUNT_FIELDS[new]) + n}
    )


def requeue_interrupted() -> int:
    """Make every delivery left "sending" pending again, moving the counts of their
    issues in the same transaction (their rows locked on PostgreSQL, so a run
    recording one as sent meanwhile waits). Returns how many were requeued."""
    with transaction.atomic():
        interrupted = list(
            Delivery.objects.select_for_update()
            .filter(status=Delivery.Status.SENDING)
            .values_list("pk", "issue_id")
        )
        per_issue: dict[int, int] = defaultdict(int)
        for _, issue_id in interrupted:
            per_issue[issue_id] += 1
        Delivery.objects.filter(
            pk__in=[pk for pk, _ in interrupted], status=Delivery.Status.SENDING
        ).update(status=Delivery.Status.PENDING)
        for issue_id, n in per_issue.items():
            move(issue_id, Delivery.Status.SENDING, Delivery.Status.PENDING, n)
    return len(interrupted)


def counted(issue_ids=None) -> dict[int, dict[str, int]]:
    """The counts of the delivery rows: {issue pk: {count column: n}}, every column
    present (0 when none), for the issues of `issue_ids` (all when None). One
    GROUP BY over their deliveries: for checks and repairs, not for pages."""
    issues = Issue.objects.all() if issue_ids is None else Issue.objects.filter(pk__in=issue_ids)
    deliveries = (
        Delivery.objects.all()
        if issue_ids is None
        else Delivery.objects.filter(issue__in=issue_ids)
    )
    counts = {
        pk: dict.fromkeys(COUNT_FIELDS.values(), 0) for pk in issues.values_list("pk", flat=True)
    }
    rows = deliveries.order_by().values_list("issue_id", "status").annotate(n=models.Count("pk"))
    for issue_id, status, n in rows:
        if status in COUNT_FIELDS:  # a status no longer defined is in no column
            counts[issue_id][COUNT_FIELDS[status]] = n
    return counts


@dataclass
class Drift:
    """The issues whose stored counts differed from their delivery rows:
    {issue pk: {column: (stored, counted)}} for the differing columns."""

    issues: dict[int, dict[str, tuple[int, int]]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.issues)


def recount(fix: bool) -> Drift:
    """Compare every issue's stored counts with its delivery rows; with fix, store
    the counted ones for the issues that drifted. Returns what drifted (as found).

    A repair locks the issue's row (PostgreSQL; SQLite's IMMEDIATE transaction
    holds the write lock) and counts again under the lock, so a delivery run
    sending meanwhile moves the repaired counts on instead of being overwritten.
    """
    stored_columns = list(COUNT_FIELDS.values())
    drift = Drift()
    stored = {row["pk"]: row for row in Issue.objects.values("pk", *stored_columns)}
    for issue_id, counts in counted().items():
        differing = {
            column: (stored[issue_id][column], n)
            for column, n in counts.items()
            if stored[issue_id][column] != n
        }
        if differing:
            drift.issues[issue_id] = differing
    if fix:
        for issue_id in drift.issues:
            with transaction.atomic():
                Issue.objects.select_for_update().filter(pk=issue_id).values_list("pk").first()
                Issue.objects.filter(pk=issue_id).update(**counted([issue_id])[issue_id])
    return drift


def by_status(deliveries: list[Delivery]) -> dict[str, int]:
    """{status: how many} of new delivery rows, for add()."""
    counts: dict[str, int] = defaultdict(int)
    for delivery in deliveries:
        counts[delivery.status] += 1
    return counts
