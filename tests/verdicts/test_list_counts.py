"""The counts list pages show are stored on categories and personas
(verdicts/list_counts.py): they equal a recount after every save, delete,
publication and scheduled publication, and the pages show the same figures as a
count over every row would."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Q
from django.test import Client
from django.utils import timezone

from tests.factories import make_category, make_persona, make_take, make_tool
from tests.html import text_of
from verdicts.list_counts import (
    categories_with_tool_counts,
    personas_with_verdict_counts,
    published_tool_count,
    recount_list_counts,
)
from verdicts.models import Call, Category, Persona, Take, Tool


def _counted_categories() -> dict[str, int]:
    """Published tools readers see now per category, counted over every tool."""
    rows = Category.objects.annotate(
        n=Count("tools", filter=Q(tools__in=Tool.objects.published()))
    ).values_list("name", "n")
    return dict(rows)


def _counted_personas() -> dict[str, tuple[int, int]]:
    live = Q(takes__tool__in=Tool.objects.published())
    rows = Persona.objects.annotate(
        takes_n=Count("takes", filter=live),
        ships_n=Count("takes", filter=live & Q(takes__call=Call.SHIP)),
    ).values_list("name", "takes_n", "ships_n")
    return {name: (takes, ships) for name, takes, ships in rows}


def _stored_figures():
    categories = dict(
        categories_with_tool_counts(Category.objects.all()).values_list("name", "tool_count")
    )
    personas = {
        name: (verdicts, ships)
        for name, verdicts, ships in personas_with_verdict_counts(
            Persona.objects.all()
        ).values_list("name", "verdicts", "ships")
    }
    return categories, personas


def assert_stored_equal_recount():
    categories, personas = _stored_figures()
    assert categories == _counted_categories()
    assert personas == _counted_personas()
    assert published_tool_count() == Tool.objects.published().count()
    assert recount_list_counts(fix=False).count == 0


@pytest.mark.django_db
def test_stored_counts_follow_every_save_and_delete():
    agents, models = make_category(name="Agents"), make_category(name="Models")
    skeptic, builder = make_persona(name="Skeptic"), make_persona(name="Builder")
    one = make_tool(category=agents)
    two = make_tool(category=agents)
    draft = make_tool(category=models, is_published=False)
    assert_stored_equal_recount()
    assert Category.objects.get(pk=agents.pk).listed_tools == 2

    make_take(one, skeptic, call=Call.SKIP)
    make_take(two, skeptic)
    take = make_take(one, builder)
    make_take(draft, builder)  # a draft's take is not counted
    assert_stored_equal_recount()
    assert _stored_figures()[1]["Builder"] == (1, 1)

    take.call = Call.SKIP
    take.save()
    assert _stored_figures()[1]["Builder"] == (1, 0)
    Take.objects.filter(tool=one, persona=skeptic).delete()
    take.persona = skeptic  # moved to another persona: both recount
    take.save()
    assert_stored_equal_recount()

    two.category = models  # moved: both categories change
    two.save()
    assert_stored_equal_recount()
    assert _stored_figures()[0] == {"Agents": 1, "Models": 1}

    draft.is_published = True  # published: its category and its takes' personas count it
    draft.save()
    assert_stored_equal_recount()
    one.is_published = False
    one.save()
    assert_stored_equal_recount()

    two.delete()  # its takes go first, then the tool
    draft.takes.all().delete()
    assert_stored_equal_recount()
    assert _stored_figures() == ({"Agents": 0, "Models": 1}, {"Skeptic": (0, 0), "Builder": (0, 0)})


@pytest.mark.django_db
def test_a_stale_instance_never_writes_old_counts_back():
    category, persona = make_category(), make_persona()
    stale_category = Category.objects.get(pk=category.pk)
    stale_persona = Persona.objects.get(pk=persona.pk)
    make_take(make_tool(category=category), persona)
    stale_category.description = "Edited in the admin meanwhile."
    stale_category.save()
    stale_persona.motto = "A new motto."
    stale_persona.save()
    assert Category.objects.get(pk=category.pk).listed_tools == 1
    assert Persona.objects.get(pk=persona.pk).listed_takes == 1
    assert_stored_equal_recount()


@pytest.mark.django_db
def test_scheduled_tools_count_once_their_time_comes(monkeypatch):
    category, persona = make_category(name="Agents"), make_persona(name="Skeptic")
    make_take(make_tool(category=category), persona)
    due = timezone.now() + timedelta(days=1)
    later = make_tool(category=category, published_at=due)
    make_take(later, persona, call=Call.SKIP)
    # Stored: both published tools; shown: only the live one.
    assert Category.objects.get(pk=category.pk).listed_tools == 2
    assert_stored_equal_recount()
    assert _stored_figures() == ({"Agents": 1}, {"Skeptic": (1, 1)})
    assert "Agents (1)" in text_of(Client().get("/").content.decode())
    assert "1 verdict · 1 ship / 0 skip" in text_of(Client().get("/reviewers/").content.decode())
    assert "best first (1)" in Client().get("/llms.txt").content.decode()

    # Its time comes; no save happens: the same stored rows, a later moment (the
    # page cache retires its pages at that moment, pagecache/models.py).
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(days=1, minutes=1))

    assert_stored_equal_recount()
    assert _stored_figures() == ({"Agents": 2}, {"Skeptic": (2, 1)})
    assert "Agents (2)" in text_of(Client().get("/").content.decode())
    assert "2 verdicts · 1 ship / 1 skip" in text_of(Client().get("/reviewers/").content.decode())
    assert "best first (2)" in Client().get("/llms.txt").content.decode()


@pytest.mark.django_db
def test_the_recount_command_reports_and_repairs_drift(capsys):
    category, persona = make_category(name="Agents"), make_persona(name="Skeptic")
    make_take(make_tool(category=category), persona)
    call_command("recount_panel_tallies", "--check")
    # Bulk updates bypass the receivers, as a bulk import would.
    Category.objects.update(listed_tools=7)
    Persona.objects.update(listed_ships=0)
    with pytest.raises(
        CommandError,
        match=r"^the stored list counts drifted from their tools and takes: Agents, Skeptic\.$",
    ):
        call_command("recount_panel_tallies", "--check")
    assert Category.objects.get(pk=category.pk).listed_tools == 7  # --check fixes nothing
    call_command("recount_panel_tallies")
    out = capsys.readouterr().out
    assert "Fixed the stored list counts that had drifted: Agents, Skeptic." in out
    call_command("recount_panel_tallies", "--check")
    assert_stored_equal_recount()


@pytest.mark.django_db
def test_the_seed_counts_match_a_recount(seeded):
    assert_stored_equal_recount()
    text = text_of(Client().get("/reviewers/").content.decode())
    assert "6 verdicts · 5 ship / 1 skip" in text  # Builder
