"""The panel arithmetic in SQL: the check on the stored panel columns, and the
list orders that read them.

Each counted_* expression mirrors verdicts.verdict over a tool's takes, grouped
in the database. Pages never use them: they read the columns that
verdicts/tallies.py stores on every take's save or delete. The expressions
recount those columns for `recount_panel_tallies` and the tests
(tests/verdicts/test_panel_ranking.py pins that SQL and Python always agree).
"""

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    Func,
    Index,
    IntegerField,
    Max,
    OrderBy,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Greatest, Least

from verdicts.vocabulary import Call, Verdict


def _ship_percent(ship: str, skip: str):
    """PanelTally.ship_percent: (ship * 200 + total) // (total * 2), kept within
    1..99 unless unanimous, NULL without takes.

    Both databases divide integers by truncation, which for these positive
    operands is the floor that makes the formula round half up.
    """
    total = F(ship) + F(skip)
    rounded = (F(ship) * 200 + total) / (total * 2)
    return Case(
        When(
            Q(**{f"{ship}__gt": 0}, **{f"{skip}__gt": 0}),
            then=Least(Greatest(rounded, Value(1)), Value(99)),
        ),
        When(Q(**{f"{ship}__gt": 0}) | Q(**{f"{skip}__gt": 0}), then=rounded),
        default=Value(None),
        output_field=IntegerField(),
    )


def _verdict_key(ship: str, skip: str):
    """PanelTally.verdict as its key (a Verdict value: ship, skip, split or none)."""
    return Case(
        When(**{f"{ship}__gt": F(skip)}, then=Value(Verdict.SHIP.value)),
        When(**{f"{ship}__lt": F(skip)}, then=Value(Verdict.SKIP.value)),
        When(**{f"{ship}__gt": 0}, then=Value(Verdict.SPLIT.value)),
        default=Value(Verdict.NONE.value),
        output_field=CharField(),
    )


def _average_tenths(total: str, count: str):
    """PanelScores.mean in tenths, rounded half up like _ship_percent: NULL
    without a known score. (A decimal AVG would round differently per database.)"""
    return Case(
        When(**{f"{count}__gt": 0}, then=(F(total) * 20 + F(count)) / (F(count) * 2)),
        default=Value(None),
        output_field=IntegerField(),
    )


def with_counted_panel(tools):
    """Tools annotated with the panel recounted from their takes: counted_ship,
    counted_skip, counted_ship_percent, counted_verdict_key,
    counted_average_tenths (ten times the average score, an integer) and
    counted_takes_updated_at. One grouped query; for checks, never for pages."""
    return tools.annotate(
        counted_ship=Count("takes", filter=Q(takes__call=Call.SHIP)),
        counted_skip=Count("takes", filter=Q(takes__call=Call.SKIP)),
        counted_score_total=Sum("takes__score"),
        counted_scored=Count("takes__score"),
        counted_takes_updated_at=Max("takes__updated_at"),
    ).annotate(
        counted_ship_percent=_ship_percent("counted_ship", "counted_skip"),
        counted_verdict_key=_verdict_key("counted_ship", "counted_skip"),
        counted_average_tenths=_average_tenths("counted_score_total", "counted_scored"),
    )


# Highest stored panel ship % first, then the highest average score, tools
# without takes (or scores) after, then by name: the index `tool_panel_order`.
PANEL_ORDER = (
    F("panel_ship_percent").desc(nulls_last=True),
    F("panel_average_score").desc(nulls_last=True),
    "name_sort_key",
    "pk",
)
# verdict.score_sort_key on the stored columns: highest average score first,
# then ship %, then name: the index `tool_score_order`.
SCORE_ORDER = (
    F("panel_average_score").desc(nulls_last=True),
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


class NullsLastIndex(Index):
    """An index of ordered expressions that keeps their NULLS LAST where the
    database can declare it (PostgreSQL, whose DESC puts NULLs first).

    SQLite refuses NULLS LAST in an index, but its DESC already puts NULLs last
    and its planner reads such an index for ORDER BY … DESC NULLS LAST.
    """

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.features.supports_order_by_nulls_modifier and (
            schema_editor.connection.vendor == "postgresql"
        ):
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        plain = self.clone()
        plain.expressions = tuple(_without_nulls(expression) for expression in self.expressions)
        return Index.create_sql(plain, model, schema_editor, using=using, **kwargs)


def _without_nulls(expression):
    if isinstance(expression, OrderBy) and (expression.nulls_last or expression.nulls_first):
        expression = expression.copy()
        expression.nulls_last = expression.nulls_first = None
    return expression
