"""The editor's whole flow once in real Chromium: the admin's JavaScript included
(live Markdown preview, tool autocomplete) and slugs made from names on save."""

import os

import pytest
from playwright.sync_api import expect

from tests.factories import make_editor
from verdicts.models import Persona

# Playwright's sync API runs an event loop in this thread; the ORM calls in the
# test itself are still plain synchronous ones.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

PASSWORD = "a long editor password 42"
TAKES = [
    ("82", "ship", "Boots a **sandbox** in a blink."),
    ("41", "skip", "Another runtime to babysit."),
    ("", "ship", "Where agents will live next."),
    ("67", "ship", "Cheap enough to try this week."),
]


def save_and_expect_success(page):
    page.locator('input[name="_save"]').click()
    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")


def pick_tool(page, field, search, name):
    """Choose a tool in the admin's autocomplete (select2) widget."""
    page.locator(f".field-{field} .select2-selection").click()
    page.locator(".select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=name).click()
    expect(page.locator(f".field-{field} .select2-selection__rendered")).to_have_text(name)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_publishes_through_the_admin_in_a_real_browser(live_server, seeded, page):
    editor = make_editor()
    personas = list(Persona.objects.order_by("position")[:4])

    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill(editor.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#site-name")).to_have_text("Ship or Skip — verdict desk")

    page.goto(f"{live_server.url}/admin/verdicts/category/add/")
    # Typed key by key, as a person types: no script prefills the slug (Django's
    # would drop the dot of "1.5"); an empty slug is made from the name on save.
    page.locator("#id_name").press_sequentially("Agent sandboxes")
    expect(page.locator("#id_slug")).to_have_value("")
    save_and_expect_success(page)
    expect(page.locator(".messagelist .success")).to_contain_text("Agent sandboxes")

    page.goto(f"{live_server.url}/admin/verdicts/tool/add/")
    page.locator("#id_name").press_sequentially("Sandboxer Pro 1.5")
    page.locator("#id_category").select_option(label="Agent sandboxes")
    page.locator("#id_tagline").fill("Disposable VMs for coding agents")
    page.locator("#id_description").fill("Runs each agent in a **fresh** microVM.")
    expect(page.locator("#id_description-live-preview strong")).to_have_text("fresh")
    page.locator("#id_entry_tier").select_option("freemium")
    page.locator("#id_is_published").check()
    for row, (persona, (score, call, body)) in enumerate(zip(personas, TAKES, strict=True)):
        expect(page.locator(f"#id_takes-{row}-persona")).to_have_value(str(persona.pk))
        page.locator(f"#id_takes-{row}-score").fill(score)
        page.locator(f"#id_takes-{row}-call").select_option(call)
        page.locator(f"#id_takes-{row}-body").fill(body)
    expect(page.locator("#id_takes-0-body-live-preview strong")).to_have_text("sandbox")
    save_and_expect_success(page)

    page.goto(f"{live_server.url}/admin/comparisons/comparison/add/")
    pick_tool(page, "tool_a", "Sandbox", "Sandboxer Pro 1.5")
    pick_tool(page, "tool_b", "smol", "smolvm")
    page.locator("#id_intro").fill("Two ways to *box in* an agent.")
    page.locator("#id_is_published").check()
    save_and_expect_success(page)

    # A reader with a fresh browser context (no session) opens the public page.
    reader = page.context.browser.new_context().new_page()
    reader.goto(f"{live_server.url}/compare/sandboxer-pro-1-5-vs-smolvm/")
    expect(reader.get_by_role("heading", level=1)).to_have_text("Sandboxer Pro 1.5 vs smolvm")
    expect(reader.locator(".intro em")).to_have_text("box in")
    expect(reader.locator("#tool-sandboxer-pro-1-5")).to_contain_text("Agent sandboxes")
    expect(reader.locator("#tool-sandboxer-pro-1-5")).to_contain_text("75%")
    scorecard = reader.locator(".scorecard")
    for persona, (score, call, body) in zip(personas, TAKES, strict=True):
        row = scorecard.locator(".scorecard__row", has=reader.locator(f"#persona-{persona.slug}"))
        take = row.locator(f".take--{call}").first
        expect(take).to_contain_text(f"{score}/100" if score else "Unscored")
        expect(take).to_contain_text(body.replace("**", ""))
    reader.context.close()
