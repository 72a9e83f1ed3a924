"""The data migrations that repair text stored before the character rules:
run on real rows written with QuerySet.update(), which bypasses every check."""

import pytest
from django.apps import apps

from comparisons.models import Comparison
from newsletter.models import Issue
from tests.factories import make_category, make_comparison, make_persona, make_take, make_tool
from tests.migrations_helpers import migration_module
from verdicts.models import Category, Persona, Take, Tool


@pytest.mark.django_db
def test_it_cleans_one_line_fields_slugs_and_markdown_in_verdicts():
    category = make_category(name="Editors")
    tool = make_tool(name="Cursor", category=category)
    persona = make_persona(name="Skeptic")
    take = make_take(tool, persona, body="Fine.")
    clean = make_tool(name="Untouched", tagline="Clean tagline")
    Category.objects.filter(pk=category.pk).update(description="Two\r\nlines\u200b here ")
    Tool.objects.filter(pk=tool.pk).update(
        name="Name\r\nBcc: someone@example.net",
        slug="cur\x0bsor",
        tagline="\u202eBest  for\u2028teams\x01",  # not NUL: PostgreSQL refuses it in text
        pricing="Free\n\nPaid",
        description="Keeps\ttabs\r\nand\x0b lines\x01",
        description_html="<p>Keeps\ttabs\nand\x0b lines\x01</p>",
    )
    Persona.objects.filter(pk=persona.pk).update(motto="Prove\x85it", lens="\ufeffWhy?")
    Take.objects.filter(pk=take.pk).update(body="A\x0bB\r\nC", body_html="<p>A\x0bB\nC</p>")

    migration_module("verdicts.migrations.0004_clean_stored_text").clean_stored_text(apps, None)

    category.refresh_from_db()
    assert category.description == "Two lines here"
    tool.refresh_from_db()
    assert tool.name == "Name Bcc: someone@example.net"
    assert tool.slug == "cursor"
    assert tool.tagline == "Best for teams"
    assert tool.pricing == "Free Paid"
    assert tool.description == "Keeps\ttabs\nand lines"
    assert tool.description_html == "<p>Keeps\ttabs\nand lines</p>"
    persona.refresh_from_db()
    assert (persona.motto, persona.lens) == ("Prove it", "Why?")
    take.refresh_from_db()
    assert (take.body, take.body_html) == ("AB\nC", "<p>AB\nC</p>")
    clean.refresh_from_db()
    assert (clean.name, clean.tagline) == ("Untouched", "Clean tagline")
    # Every repaired row now saves under the rules.
    for row in (category, tool, persona, take):
        row.full_clean()
        row.save()


@pytest.mark.django_db
def test_a_cleaned_name_that_would_clash_keeps_its_row():
    make_tool(name="Cursor Pro", slug="cursor-pro")
    dirty = make_tool(name="Other", slug="other")
    Tool.objects.filter(pk=dirty.pk).update(name="Cursor\x0bPro", slug="cursor-pro\u200b")
    migration_module("verdicts.migrations.0004_clean_stored_text").clean_stored_text(apps, None)
    dirty.refresh_from_db()
    assert (dirty.name, dirty.slug) == (f"Cursor Pro ({dirty.pk})", f"cursor-pro-{dirty.pk}")
    assert Tool.objects.count() == 2


@pytest.mark.django_db
def test_it_cleans_comparison_intros():
    comparison = make_comparison(make_tool(), make_tool(), intro="Fine.")
    Comparison.objects.filter(pk=comparison.pk).update(
        intro="One\r\ntwo\x0b\tthree", intro_html="<p>One\ntwo\x0b\tthree</p>"
    )
    migration_module("comparisons.migrations.0003_clean_stored_intros").clean_stored_intros(
        apps, None
    )
    comparison.refresh_from_db()
    assert (comparison.intro, comparison.intro_html) == (
        "One\ntwo\tthree",
        "<p>One\ntwo\tthree</p>",
    )


@pytest.mark.django_db
def test_it_cleans_issue_subjects():
    issue = Issue.objects.create(
        iso_year=2026,
        iso_week=3,
        subject="Weekly",
        period_since="2026-01-01T00:00:00Z",
        period_until="2026-01-08T00:00:00Z",
        html_body="",
        text_body="",
    )
    Issue.objects.filter(pk=issue.pk).update(
        subject="Weekly — Name\r\nBcc: someone@example.net vs Other"
    )
    migration_module("newsletter.migrations.0006_clean_stored_subjects").clean_stored_subjects(
        apps, None
    )
    issue.refresh_from_db()
    assert issue.subject == "Weekly — Name Bcc: someone@example.net vs Other"
