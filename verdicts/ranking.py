"""PanelTally in SQL, so lists can sort and filter in the database.

Each expression mirrors a property of verdicts.verdict.PanelTally over the
panel_ship / panel_skip counts that ToolQuerySet.with_panel_counts() annotates;
tests/verdicts/test_panel_ranking.py pins that the two always agree.
"""

from django.db.models import Case, CharField, F, Func, IntegerField, Q, Value, When

from verdicts.vocabulary import Verdict


def panel_ship_percent():
    """PanelTally.ship_percent: (ship * 200 + total) // (total * 2), NULL without takes.

    Both databases divide integers by truncation, which for these positive
    operands is the floor that makes the formula round half up.
    """
    total = F("panel_ship") + F("panel_skip")
    return Case(
        When(
            Q(panel_ship__gt=0) | Q(panel_skip__gt=0),
            then=(F("panel_ship") * 200 + total) / (total * 2),
        ),
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


# Highest panel ship % first, tools without takes last, then by name.
PANEL_ORDER = (F("panel_ship_percent").desc(nulls_last=True), "name_sort_key", "pk")


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
