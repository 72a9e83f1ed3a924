"""The counts list pages show, stored on the rows they describe, and how they
are kept true.

The home page's "Agents (412)", /reviewers/' "6 verdicts · 5 ship / 1 skip"
and llms.txt's number of tools were counted over every tool and take on each
cache miss, so those pages slowed down as the catalogue grew. Now:

- Category.listed_tools: the category's tools an editor has published
  (is_published), whether live or scheduled;
- Persona.listed_takes, Persona.listed_ships: the persona's takes (and ship
  calls) on such tools.

They are recounted here in the same transaction as the save or delete that can
change them (a tool's publication or category, a take's tool, persona or call),
under a lock of the counted row, as verdicts/tallies.py keeps the panel figures.

"Published" depends on the time as well (verdicts/publishing.py): a tool with
a future published_at goes live by itself. So the stored figure counts
scheduled tools too, and a page subtracts the few still scheduled with an
indexed subquery (the index tool_published) in the same query: the figure is
right at any moment, and the page cache already expires at the next scheduled
publication (pagecache/models.py).

Bulk writes (QuerySet.update(), raw inserts) bypass the receivers:
`manage.py recount_panel_tallies` recounts these too, and `--check` reports drift.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, F, Func, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from verdicts.publishing import scheduled_q
from verdicts.vocabulary import Call

CATEGORY_FIELDS = ("listed_tools",)
PERSONA_FIELDS = ("listed_takes", "listed_ships")


def _count(rows):
    """A scalar subquery: how many `rows` (a queryset, may use OuterRef) there are."""
    # Func, not the Count aggregate: an aggregate in values() would GROUP BY.
    counted = rows.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _scheduled_tools():
    from verdicts.models import Tool

    return Tool.objects.filter(scheduled_q())


def categories_with_tool_counts(categories):
    """`categories` annotated with `tool_count`, the published tools readers see
    now: the stored count less the tools still scheduled (few, from an index).
    One query, however many tools."""
    scheduled = _scheduled_tools().filter(category=OuterRef("pk"))
    return categories.annotate(tool_count=_count_expression("listed_tools", scheduled))


def categories_with_all_tool_counts(categories):
    """`categories` annotated with `tool_total`, every tool in the category (drafts,
    scheduled and live), as the admin's list shows it: the stored count of
    published tools plus the drafts (few, from the (category, is_published)
    index). One query, however many tools."""
    from verdicts.models import Tool

    drafts = Tool.objects.filter(category=OuterRef("pk"), is_published=False)
    return categories.annotate(tool_total=F("listed_tools") + _count(drafts))


def personas_with_verdict_counts(personas):
    """`personas` annotated with `verdicts` and `ships`: their takes (and ship
    calls) on tools readers see now, as /reviewers/ shows them. One query."""
    from verdicts.models import Take

    scheduled = Take.objects.filter(persona=OuterRef("pk"), tool__in=_scheduled_tools())
    return personas.annotate(
        verdicts=_count_expression("listed_takes", scheduled),
        ships=_count_expression("listed_ships", scheduled, ships=True),
    )


def _count_expression(field: str, scheduled, *, ships: bool = False):
    """The stored `field` less the count of `scheduled` rows (ship takes only with ships)."""
    return F(field) - _count(scheduled.filter(call=Call.SHIP) if ships else scheduled)


def published_tool_count() -> int:
    """Tools readers see now, from the stored category counts: one query."""
    from verdicts.models import Category

    counted = categories_with_tool_counts(Category.objects.all())
    return counted.aggregate(total=Coalesce(Sum("tool_count"), 0))["total"]


def _listed_takes(persona_ids):
    from verdicts.models import Take

    return (
        Take.objects.filter(persona_id__in=persona_ids, tool__is_published=True)
        .values("persona_id")
        .annotate(takes=Count("pk"), ships=Count("pk", filter=Q(call=Call.SHIP)))
        .order_by()
    )


def _listed_tools(category_ids):
    from verdicts.models import Tool

    return (
        Tool.objects.filter(category_id__in=category_ids, is_published=True)
        .values("category_id")
        .annotate(tools=Count("pk"))
        .order_by()
    )


def refresh_category_counts(category_ids) -> None:
    """Recount the listed tools of these categories and store them: a lock, a
    grouped count and an update per category. Run inside the changing transaction."""
    from verdicts.models import Category

    category_ids = sorted({pk for pk in category_ids if pk is not None})
    if not category_ids:
        return
    with transaction.atomic():
        # Locked in pk order, so two saves never wait on each other in a circle.
        list(Category.objects.select_for_update().filter(pk__in=category_ids).values_list("pk"))
        counted = {row["category_id"]: row["tools"] for row in _listed_tools(category_ids)}
        for pk in category_ids:
            Category.objects.filter(pk=pk).update(listed_tools=counted.get(pk, 0))


def refresh_persona_counts(persona_ids) -> None:
    """Recount the listed takes and ships of these personas and store them."""
    from verdicts.models import Persona

    persona_ids = sorted({pk for pk in persona_ids if pk is not None})
    if not persona_ids:
        return
    with transaction.atomic():
        list(Persona.objects.select_for_update().filter(pk__in=persona_ids).values_list("pk"))
        counted = {row["persona_id"]: row for row in _listed_takes(persona_ids)}
        for pk in persona_ids:
            row = counted.get(pk, {"takes": 0, "ships": 0})
            Persona.objects.filter(pk=pk).update(
                listed_takes=row["takes"], listed_ships=row["ships"]
            )


@dataclass(frozen=True)
class CountDrift:
    """Rows whose stored list counts differed from a recount: names, in pk order."""

    categories: list[str]
    personas: list[str]

    @property
    def count(self) -> int:
        return len(self.categories) + len(self.personas)


def recount_list_counts(*, fix: bool) -> CountDrift:
    """Compare every category's and persona's stored counts with a recount (two
    grouped queries and two reads); with fix, store the recount where it differs."""
    from verdicts.models import Category, Persona

    tools = {row["category_id"]: row["tools"] for row in _listed_tools(Category.objects.all())}
    takes = {row["persona_id"]: row for row in _listed_takes(Persona.objects.all())}
    categories, personas = [], []
    with transaction.atomic():
        for pk, name, stored in Category.objects.order_by("pk").values_list(
            "pk", "name", "listed_tools"
        ):
            if stored != tools.get(pk, 0):
                categories.append(name)
                if fix:
                    Category.objects.filter(pk=pk).update(listed_tools=tools.get(pk, 0))
        for pk, name, stored_takes, stored_ships in Persona.objects.order_by("pk").values_list(
            "pk", "name", "listed_takes", "listed_ships"
        ):
            row = takes.get(pk, {"takes": 0, "ships": 0})
            if (stored_takes, stored_ships) != (row["takes"], row["ships"]):
                personas.append(name)
                if fix:
                    Persona.objects.filter(pk=pk).update(
                        listed_takes=row["takes"], listed_ships=row["ships"]
                    )
    return CountDrift(categories=categories, personas=personas)


# What a tool or take was before this save, read from the database: an instance
# loaded long ago (or built by loaddata) cannot say.
def _stored(model, pk, *fields):
    if pk is None:
        return None
    return model.objects.filter(pk=pk).values_list(*fields).first()


@receiver(pre_save, sender="verdicts.Tool", dispatch_uid="tool-list-counts-before")
def _tool_before(sender, instance, **kwargs):
    instance._listed_before = _stored(sender, instance.pk, "category_id", "is_published")


@receiver(post_save, sender="verdicts.Tool", dispatch_uid="tool-list-counts-after")
def _tool_saved(sender, instance, created, **kwargs):
    from verdicts.models import Take

    before = getattr(instance, "_listed_before", None)
    was_published = bool(before and before[1])
    if before is None or before != (instance.category_id, instance.is_published):
        refresh_category_counts([instance.category_id, before and before[0]])
    if was_published != instance.is_published:
        refresh_persona_counts(
            Take.objects.filter(tool_id=instance.pk).values_list("persona_id", flat=True)
        )


@receiver(post_delete, sender="verdicts.Tool", dispatch_uid="tool-list-counts-deleted")
def _tool_deleted(sender, instance, **kwargs):
    # Its takes went first (CASCADE), each recounting its persona.
    refresh_category_counts([instance.category_id])


@receiver(pre_save, sender="verdicts.Take", dispatch_uid="take-list-counts-before")
def _take_before(sender, instance, **kwargs):
    before = _stored(sender, instance.pk, "persona_id")
    instance._persona_before = before[0] if before else None


def _lock_tool(tool_id) -> None:
    """Lock the take's tool row before any persona row: a tool's save holds its row
    and then locks personas, so the same order here never deadlocks with it
    (PostgreSQL; verdicts/tallies.py locks the tool too, in whichever order the
    receivers run)."""
    from verdicts.models import Tool

    list(Tool.objects.select_for_update().filter(pk=tool_id).values_list("pk"))


@receiver(post_save, sender="verdicts.Take", dispatch_uid="take-list-counts-after")
def _take_saved(sender, instance, **kwargs):
    with transaction.atomic():
        _lock_tool(instance.tool_id)
        refresh_persona_counts([instance.persona_id, getattr(instance, "_persona_before", None)])


@receiver(post_delete, sender="verdicts.Take", dispatch_uid="take-list-counts-deleted")
def _take_deleted(sender, instance, **kwargs):
    with transaction.atomic():
        _lock_tool(instance.tool_id)
        refresh_persona_counts([instance.persona_id])


# A category or persona loaded after its tools or takes (loaddata keeps no order
# the receivers above could rely on) counts them once it exists.
@receiver(post_save, sender="verdicts.Category", dispatch_uid="category-list-counts")
def _category_saved(sender, instance, created, **kwargs):
    if created:
        refresh_category_counts([instance.pk])


@receiver(post_save, sender="verdicts.Persona", dispatch_uid="persona-list-counts")
def _persona_saved(sender, instance, created, **kwargs):
    if created:
        refresh_persona_counts([instance.pk])
