"""The panel figures each Tool stores, and how they are kept true.

A tool's panel ship/skip counts, ship %, verdict key and average score are
columns on its row (Tool.panel_ship … Tool.panel_average_score), so lists sort
and filter on indexed columns instead of recounting every take. They are
computed here by verdicts/verdict.py itself (PanelTally, PanelScores) from the
tool's takes, and written in the same transaction as the take's save or delete
(the receivers below; Take.save() opens the transaction). `content_updated_at`
moves with every change to the tool or its takes: the sitemap's lastmod.

The SQL twin of the arithmetic (verdicts/ranking.py) no longer serves pages: it
checks the stored columns (`drifted_tools`, the `recount_panel_tallies` command
and the tests).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from verdicts.verdict import PanelScores, PanelTally
from verdicts.vocabulary import Call

# The stored panel columns, in the order StoredPanel lists them.
PANEL_FIELDS = (
    "panel_ship",
    "panel_skip",
    "panel_ship_percent",
    "panel_verdict_key",
    "panel_average_score",
)
# Written only by this module: Tool.save() leaves them alone on an update.
STORED_FIELDS = (*PANEL_FIELDS, "content_updated_at")


@dataclass(frozen=True)
class StoredPanel:
    """A tool's stored panel figures, as verdicts/verdict.py computes them.

    panel_ship_percent: 0-100 or None without takes; panel_verdict_key: a
    Verdict value; panel_average_score: Decimal to one place or None without a
    known score.
    """

    panel_ship: int
    panel_skip: int
    panel_ship_percent: int | None
    panel_verdict_key: str
    panel_average_score: Decimal | None

    @classmethod
    def from_takes(cls, takes) -> "StoredPanel":
        """takes: (call, score) pairs of one tool's takes, score None when unscored."""
        takes = list(takes)
        calls = [call for call, _ in takes]
        tally = PanelTally(ship=calls.count(Call.SHIP), skip=calls.count(Call.SKIP))
        known = tuple(score for _, score in takes if score is not None)
        scores = PanelScores(scores=known, unscored=len(takes) - len(known))
        return cls(
            panel_ship=tally.ship,
            panel_skip=tally.skip,
            panel_ship_percent=tally.ship_percent,
            panel_verdict_key=tally.verdict.value,
            panel_average_score=scores.mean,
        )

    @classmethod
    def of(cls, tool) -> "StoredPanel":
        """What a Tool instance holds in its panel columns now."""
        return cls(*(getattr(tool, name) for name in PANEL_FIELDS))

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in PANEL_FIELDS}


def refresh_tool_panel(tool_id: int) -> StoredPanel:
    """Recompute one tool's stored panel from its takes and store it: two queries
    and an update. Run inside the transaction that changed a take; the tool row
    is locked first (PostgreSQL), so two takes saved at once on one tool each
    count the other's once it commits, and neither total is lost."""
    from verdicts.models import Take, Tool

    with transaction.atomic():
        list(Tool.objects.select_for_update().filter(pk=tool_id).values_list("pk"))
        panel = StoredPanel.from_takes(
            Take.objects.filter(tool_id=tool_id).values_list("call", "score").order_by()
        )
        Tool.objects.filter(pk=tool_id).update(**panel.as_dict(), content_updated_at=timezone.now())
    return panel


def counted_panels(tools) -> dict[int, StoredPanel]:
    """What the takes say for every tool in the `tools` queryset, by pk: one
    query, grouped in SQL (verdicts/ranking.py), compared field by field."""
    from verdicts import ranking

    rows = ranking.with_counted_panel(tools.order_by()).values_list(
        "pk",
        "counted_ship",
        "counted_skip",
        "counted_ship_percent",
        "counted_verdict_key",
        "counted_average_tenths",
    )
    return {
        pk: StoredPanel(ship, skip, percent, key, None if tenths is None else Decimal(tenths) / 10)
        for pk, ship, skip, percent, key, tenths in rows
    }


@dataclass(frozen=True)
class Drift:
    """Tools whose stored panel differed from their takes: how many, and their
    slugs in pk order."""

    count: int
    slugs: list[str]


def recount_panels(tools, *, fix: bool) -> Drift:
    """Compare every tool's stored panel with a recount by the SQL twin; with
    fix, store the recount on those that differ (one update each, in one
    transaction). Two queries when nothing drifted."""
    from verdicts.models import Tool

    counted = counted_panels(tools)
    drifted = []
    for tool in tools.only("slug", *PANEL_FIELDS).order_by("pk"):
        if StoredPanel.of(tool) != counted[tool.pk]:
            drifted.append((tool.pk, tool.slug))
    if fix and drifted:
        with transaction.atomic():
            for pk, _ in drifted:
                # Not refresh_tool_panel: a repair is not a content change.
                Tool.objects.filter(pk=pk).update(**counted[pk].as_dict())
    return Drift(count=len(drifted), slugs=[slug for _, slug in drifted])


@receiver(post_save, sender="verdicts.Take", dispatch_uid="take-saved-refresh-panel")
def _take_saved(sender, instance, **kwargs):
    refresh_tool_panel(instance.tool_id)


@receiver(post_delete, sender="verdicts.Take", dispatch_uid="take-deleted-refresh-panel")
def _take_deleted(sender, instance, **kwargs):
    refresh_tool_panel(instance.tool_id)
