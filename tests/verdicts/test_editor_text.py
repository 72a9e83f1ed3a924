"""Characters editors must never store, refused or cleaned on every write path:
admin forms, full_clean(), obj.save() in the shell and loaddata fixtures."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from comparisons.models import Comparison
from newsletter.models import Issue
from tests.admin_forms import admin_form, submit
from tests.factories import make_category, make_comparison, make_persona, make_take, make_tool
from tests.html import text_of
from verdicts.models import Category, Persona, Take, Tool

VT_ERROR = "Name contains a line break (U+000B); name must be one line of visible text."


def tool_fields(category, **changes):
    return {
        "name": "Cursor",
        "slug": "",
        "category": str(category.pk),
        "tagline": "An editor",
        "description": "Fine.",
        "entry_tier": "free",
        **changes,
    }


@pytest.mark.django_db
def test_a_vertical_tab_in_a_tool_name_is_a_form_error_naming_the_field(editor_client):
    response = submit(
        editor_client, "/admin/verdicts/tool/add/", tool_fields(make_category(), name="Cur\x0bsor")
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["name"] == [VT_ERROR]
    assert VT_ERROR in text_of(response.content.decode())
    assert not Tool.objects.exists()


@pytest.mark.django_db
def test_a_vertical_tab_in_a_tool_name_is_refused_by_save_in_the_shell():
    tool = Tool(
        name="Cur\x0bsor", category=make_category(), tagline="t", description="d", entry_tier="free"
    )
    with pytest.raises(ValidationError) as refused:
        tool.save()
    assert refused.value.message_dict == {"name": [VT_ERROR]}
    assert not Tool.objects.exists()


@pytest.mark.django_db
def test_a_vertical_tab_in_a_fixture_is_refused_by_loaddata(tmp_path):
    category = make_category()
    fixture = tmp_path / "bad.json"
    tool = {
        "name": "Cur\x0bsor",
        "slug": "cursor",
        "category": category.pk,
        "tagline": "t",
        "description": "d",
        "entry_tier": "free",
        "published_at": "2026-01-01T00:00:00Z",
        "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z",
    }
    fixture.write_text(json.dumps([{"model": "verdicts.tool", "pk": 7, "fields": tool}]))
    with pytest.raises(ValidationError, match="Name contains a line break") as refused:
        call_command("loaddata", str(fixture), verbosity=0)
    assert refused.value.message_dict == {"name": [VT_ERROR]}
    assert not Tool.objects.exists()


@pytest.mark.django_db
def test_cr_lf_in_any_name_is_refused_by_the_form_and_by_save(editor_client):
    injected = "Name\r\nBcc: someone@example.net"
    error = "Name contains a line break (U+000D); name must be one line of visible text."
    for url, fields in [
        ("/admin/verdicts/category/add/", {"name": injected, "slug": "c"}),
        (
            "/admin/verdicts/persona/add/",
            {
                "name": injected,
                "slug": "p",
                "position": "1",
                "motto": "m",
                "lens": "l",
                "excited_by": "e",
                "tired_of": "t",
            },
        ),
        ("/admin/verdicts/tool/add/", tool_fields(make_category(), name=injected)),
    ]:
        response = submit(editor_client, url, fields)
        assert response.status_code == 200, url
        assert response.context["adminform"].form.errors["name"] == [error], url
    assert not Category.objects.filter(name=injected).exists()
    assert not Persona.objects.exists()
    assert not Tool.objects.exists()

    with pytest.raises(ValidationError) as refused:
        make_persona(name=injected)
    assert refused.value.message_dict == {"name": [error]}
    with pytest.raises(ValidationError):
        make_category(name=injected)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("char", "named"),
    [
        ("\u200b", "U+200B ZERO WIDTH SPACE"),
        ("\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("\u2066", "U+2066 LEFT-TO-RIGHT ISOLATE"),
        ("\ufeff", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
    ],
)
def test_invisible_characters_in_taglines_are_refused(editor_client, char, named):
    fields = tool_fields(make_category(), tagline=f"Best{char} for teams")
    response = submit(editor_client, "/admin/verdicts/tool/add/", fields)
    assert response.context["adminform"].form.errors["tagline"] == [
        f"Tagline contains an invisible formatting character ({named}); "
        "tagline must be one line of visible text."
    ]
    with pytest.raises(ValidationError) as refused:
        make_tool(tagline=f"Best{char} for teams")
    assert list(refused.value.message_dict) == ["tagline"]
    assert not Tool.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["name", "motto", "lens", "excited_by", "tired_of"])
def test_zero_width_and_bidi_characters_in_persona_fields_are_refused(editor_client, field):
    label = field.replace("_", " ").capitalize()
    fields = {
        "name": "Skeptic",
        "slug": "skeptic",
        "position": "1",
        "motto": "Prove it",
        "lens": "Does it hold up?",
        "excited_by": "Evidence",
        "tired_of": "Hype",
    }
    response = submit(
        editor_client, "/admin/verdicts/persona/add/", {**fields, field: "Hy\u200dpe"}
    )
    assert response.context["adminform"].form.errors[field] == [
        f"{label} contains an invisible formatting character (U+200D ZERO WIDTH JOINER); "
        f"{label.lower()} must be one line of visible text."
    ]
    with pytest.raises(ValidationError) as refused:
        make_persona(**{field: "\u2067Hype\u2069"})
    assert list(refused.value.message_dict) == [field]
    assert not Persona.objects.exists()


@pytest.mark.django_db
def test_pricing_and_category_description_are_one_line_inputs(editor_client):
    tool_page = editor_client.get("/admin/verdicts/tool/add/").content.decode()
    assert '<input type="text" name="pricing"' in tool_page
    assert '<textarea name="pricing"' not in tool_page
    category_page = editor_client.get("/admin/verdicts/category/add/").content.decode()
    assert '<input type="text" name="description"' in category_page
    with pytest.raises(ValidationError) as refused:
        make_tool(pricing="Free\nPaid: $20")
    assert list(refused.value.message_dict) == ["pricing"]
    with pytest.raises(ValidationError) as refused:
        make_category(description="Two\u2028lines")
    assert list(refused.value.message_dict) == ["description"]


@pytest.mark.django_db
def test_a_clean_save_with_update_fields_checks_only_those_fields():
    tool = make_tool(name="Fine")
    Tool.objects.filter(pk=tool.pk).update(tagline="Dirty\x0b")  # as rows stored before the rule
    tool.refresh_from_db()
    tool.is_published = False
    tool.save(update_fields=["is_published"])
    with pytest.raises(ValidationError):
        tool.save()


@pytest.mark.django_db
def test_markdown_keeps_newlines_and_tabs_and_loses_other_control_characters(editor_client):
    tool = make_tool(description="First\r\nline\x0b\x00 two\r\n\n\tcode")
    tool.refresh_from_db()
    assert tool.description == "First\nline two\n\n\tcode"
    assert "\x0b" not in tool.description_html and "\x00" not in tool.description_html

    take = make_take(tool, make_persona(), body="A\tB\x0bC\x00D\nE")
    take.refresh_from_db()
    assert take.body == "A\tBCD\nE"
    assert take.body_html == "<p>A   BCD\nE</p>"  # Python-Markdown expands tabs

    comparison = make_comparison(tool, make_tool(), intro="Intro\x1b[31m red\r\nmore")
    comparison.refresh_from_db()
    assert comparison.intro == "Intro[31m red\nmore"

    # Through the admin form too: the textarea's CR LF arrive as LF.
    url = f"/admin/comparisons/comparison/{comparison.pk}/change/"
    fields = {**admin_form(editor_client, url), "intro": "One\r\nTwo\x0b\tthree", "_save": "Save"}
    assert editor_client.post(url, fields).status_code == 302
    assert Comparison.objects.get().intro == "One\nTwo\tthree"


@pytest.mark.django_db
def test_markdown_in_a_fixture_is_cleaned_on_loaddata(tmp_path):
    tool, persona = make_tool(), make_persona()
    fixture = tmp_path / "take.json"
    take = {
        "tool": tool.pk,
        "persona": persona.pk,
        "call": "ship",
        "body": "Keeps\ttabs\nand\x0b lines\x00",
        "body_html": "",
        "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z",
    }
    fixture.write_text(json.dumps([{"model": "verdicts.take", "pk": 3, "fields": take}]))
    call_command("loaddata", str(fixture), verbosity=0)
    assert Take.objects.get().body == "Keeps\ttabs\nand lines"


@pytest.mark.django_db
def test_an_issue_subject_with_a_line_break_is_refused():
    with pytest.raises(ValidationError) as refused:
        Issue.objects.create(
            iso_year=2026,
            iso_week=1,
            subject="Weekly — Name\r\nBcc: someone@example.net vs Other",
            period_since="2026-01-01T00:00:00Z",
            period_until="2026-01-08T00:00:00Z",
            html_body="",
            text_body="",
        )
    assert refused.value.message_dict == {
        "subject": [
            "Subject contains a line break (U+000D); subject must be one line of visible text."
        ]
    }
    assert not Issue.objects.exists()
