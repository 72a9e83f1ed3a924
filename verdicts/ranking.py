"""PanelTally in SQL, so lists can sort and filter in the database.

Each expression mirrors a property of verdicts.verdict.PanelTally over the
panel_ship / panel_skip counts that ToolQuerySet.with_panel_counts() annotates,
and the orders mirror verdicts.verdict.panel_sort_key / score_sort_key;
tests/verdicts/test_panel_ranking.py pins that the two always agree.
"""

from django.db.models import Avg, Case, CharField, F, Func, IntegerField, Q, Value, When
from django.db.models.functions import Greatest, Least

from verdicts.vocabulary import Verdict


def panel_ship_percent():
    """PanelTally.ship_percent: (ship * 200 + total) // (total * 2), kept within
    1..99 unless unanimous, NULL without takes.

    Both databases divide integers by truncation, which for these positive
    operands is the floor that makes the formula round half up.
    """
    total = F("panel_ship") + F("panel_skip")
    rounded = (F("panel_ship") * 200 + total) / (total * 2)
    return Case(
        When(
            Q(panel_ship__gt=0, panel_skip__gt=0),
            then=Least(Greatest(rounded, Value(1)), Value(99)),
        ),
        When(Q(panel_ship__gt=0) | Q(panel_skip__gt=0), then=rounded),
        default=Value(None),
        output_field=IntegerField(),
    )


def panel_verdict_key():
    """PanelTally.verdict as its key (a Verdict value: ship, skip, split or none)."""
    return Case(
        When(panel_ship__gt=F("panel_skip"), then=Value(Verdict.SHIP.value)),
        When(panel_ship__lt=F("panel_skip"), then=Value(Verdict.SKIP.value)),
        When(panel_ship__gt=0, then=Value(Verdict.SPLIT.value)),
        default=Value(Verdict.NONE.value),
        output_field=CharField(),
    )


def panel_mean_score():
    """PanelScores.exact_mean: the average known score, NULL without one (AVG skips NULLs)."""
    return Avg("takes__score")


# verdict.panel_sort_key: highest panel ship % first, then the higher average
# score, then by name; tools without takes (or scores) last.
PANEL_ORDER = (
    F("panel_ship_percent").desc(nulls_last=True),
    F("panel_mean_score").desc(nulls_last=True),
    "name_sort_key",
    "pk",
)
# verdict.score_sort_key: highest average score first, then ship %, then name.
SCORE_ORDER = (
    F("panel_mean_score").desc(nulls_last=True),
    F("panel_ship_percent").desc(nulls_last=True),
    "name_sort_key",
    "pk",
)


class NameSortKey(Func):
    """A name lower-cased for ASCII only and compared byte by byte.

    SQLite's LOWER() folds ASCII only and compares bytes; PostgreSQL would fold and
    collate by its locale. Forcing the "C" collation there makes both databases
    order names identically, so a tie-break never differs between them.
    """

    function = "LOWER"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template='LOWER(%(expressions)s COLLATE "C")', **extra_context
        )
