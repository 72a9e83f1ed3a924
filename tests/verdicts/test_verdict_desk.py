"""An editor publishes through the admin's own forms and readers see it."""

import pytest
from django.test import Client

from comparisons.models import Comparison
from tests.admin_forms import admin_form, submit
from tests.factories import make_editor
from tests.html import assert_in_order, region, text_of
from verdicts.models import Category, Persona, Tool

PASSWORD = "a long editor password 42"

TAKES = [
    # (score, call, body); the third reviewer gave no score.
    ("82", "ship", "Boots a **sandbox** in a blink."),
    ("41", "skip", "Another *runtime* to babysit."),
    ("", "ship", "Where agents will live next."),
    ("67", "ship", "Cheap enough to try this week."),
]


def log_in(client, editor):
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": editor.username, "password": PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 302, text_of(response.content.decode())
    assert response["Location"] == "/admin/"


def assert_saved(response):
    # A failed admin form comes back as 200 with its errors; a save redirects.
    assert response.status_code == 302, text_of(response.content.decode())[:3000]


@pytest.mark.django_db
def test_it_lets_an_editor_publish_a_category_tool_takes_and_comparison(client, seeded):
    editor = make_editor()
    assert editor.is_staff and not editor.is_superuser
    log_in(client, editor)
    assert "Ship or Skip — verdict desk" in client.get("/admin/").content.decode()

    # A category; the slug is left empty and made from the name.
    assert_saved(
        submit(
            client,
            "/admin/verdicts/category/add/",
            {"name": "Agent sandboxes", "slug": "", "description": "Where agents run code."},
        )
    )
    category = Category.objects.get(name="Agent sandboxes")
    assert category.slug == "agent-sandboxes"

    # A tool with four takes; each take row arrives with its persona preselected.
    form = admin_form(client, "/admin/verdicts/tool/add/")
    personas = list(Persona.objects.order_by("position"))
    assert [form[f"takes-{i}-persona"] for i in range(6)] == [str(p.pk) for p in personas]
    takes = {}
    for row, (score, call, body) in enumerate(TAKES):
        takes |= {f"takes-{row}-score": score, f"takes-{row}-call": call, f"takes-{row}-body": body}
    assert_saved(
        submit(
            client,
            "/admin/verdicts/tool/add/",
            {
                "name": "Sandboxer Pro",
                "slug": "sandboxer-pro",
                "category": str(category.pk),
                "tagline": "Disposable VMs for coding agents",
                "description": "Runs each agent in a **fresh** microVM.",
                "entry_tier": "freemium",
                "pricing": "Free tier, then $20/month",
                "is_published": "on",
                **takes,
            },
        )
    )
    tool = Tool.objects.get(slug="sandboxer-pro")
    saved = [(t.persona.name, t.score, t.call) for t in tool.takes.select_related("persona")]
    assert saved == [
        (personas[0].name, 82, "ship"),
        (personas[1].name, 41, "skip"),
        (personas[2].name, None, "ship"),
        (personas[3].name, 67, "ship"),
    ]

    # A comparison with a seed tool, picked in the tool_b autocomplete.
    smolvm = Tool.objects.get(slug="smolvm")
    assert_saved(
        submit(
            client,
            "/admin/comparisons/comparison/add/",
            {
                "tool_a": str(tool.pk),
                "tool_b": str(smolvm.pk),
                "intro": "Two ways to *box in* an agent.",
                "is_published": "on",
            },
        )
    )
    comparison = Comparison.objects.get(tool_a=tool, tool_b=smolvm)
    assert comparison.get_absolute_url() == "/compare/sandboxer-pro-vs-smolvm/"

    # A reader, not signed in, sees all of it.
    reader = Client()
    html = reader.get("/compare/sandboxer-pro-vs-smolvm/").content.decode()
    text = text_of(html)
    assert_in_order(
        text,
        [
            "Sandboxer Pro vs smolvm",
            "Two ways to box in an agent.",
            "Agent sandboxes",
            "Sandboxer Pro",
            "Disposable VMs for coding agents",
            "Ship",
            "75%",
            "Freemium",
            "Runs each agent in a fresh microVM.",
        ],
    )
    assert "<em>box in</em>" in html and "<strong>fresh</strong>" in html
    assert_in_order(
        text_of(region(html, "decision-heading", "scorecard-heading")),
        ["Panel verdict", "Ship · 3 ship / 1 skip", "Pricing", "Free tier, then $20/month"],
    )
    scorecard = text_of(region(html, "scorecard-heading"))
    assert_in_order(
        scorecard,
        [
            personas[0].name,
            "Sandboxer Pro 82/100 · ship Boots a sandbox in a blink.",
            personas[1].name,
            "Sandboxer Pro 41/100 · skip · Dissents Another runtime to babysit.",  # against 3 ships
            personas[2].name,
            "Sandboxer Pro Unscored · ship Where agents will live next.",
            personas[3].name,
            "Sandboxer Pro 67/100 · ship Cheap enough to try this week.",
        ],
    )
    tool_page = text_of(reader.get("/tools/sandboxer-pro/").content.decode())
    assert_in_order(tool_page, ["Sandboxer Pro", "Compared with", "Sandboxer Pro vs smolvm"])


def assert_readers_see_no_draft(url):
    # Readers get the generated on-demand pair, never the editor's draft.
    page = Client().get(url, follow=True)
    assert page.status_code == 200
    text = text_of(page.content.decode())
    assert "Draft preview" not in text
    assert "not an editor" in text.lower()


@pytest.mark.django_db
def test_it_keeps_drafts_from_readers_and_lets_staff_preview_them(client, seeded):
    log_in(client, make_editor())
    smolvm = Tool.objects.get(slug="smolvm")
    llama = Tool.objects.get(name="Llama 4 Compact (12B)")
    assert_saved(
        submit(
            client,
            "/admin/comparisons/comparison/add/",
            {"tool_a": str(smolvm.pk), "tool_b": str(llama.pk), "is_published": None},
        )
    )
    url = Comparison.objects.get(tool_a=smolvm, tool_b=llama).get_absolute_url()
    assert_readers_see_no_draft(url)
    preview = client.get(url)
    assert preview.status_code == 200
    assert "Draft preview: readers cannot see this comparison yet." in text_of(
        preview.content.decode()
    )

    # Publishing with a date in the future keeps it hidden until then.
    change = f"/admin/comparisons/comparison/{Comparison.objects.get(tool_a=smolvm).pk}/change/"
    assert_saved(
        submit(
            client,
            change,
            {"is_published": "on", "published_at_0": "2999-01-01", "published_at_1": "09:00:00"},
        )
    )
    assert_readers_see_no_draft(url)
    assert_saved(submit(client, change, {"published_at_0": "2020-01-01"}))
    assert Client().get(url).status_code == 200


@pytest.mark.django_db
def test_it_keeps_editors_out_of_user_management(client):
    log_in(client, make_editor())
    index = text_of(client.get("/admin/").content.decode())
    assert_in_order(index, ["Comparisons", "Verdicts", "Categories", "Community votes"])
    assert "Users" not in index and "Groups" not in index
    for url in [
        "/admin/auth/user/",
        "/admin/auth/user/add/",
        "/admin/auth/group/",
        "/admin/auth/group/add/",
    ]:
        assert client.get(url).status_code == 403, url
