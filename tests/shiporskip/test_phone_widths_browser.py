"""Phones first, in real Chromium: at 320 and 390 px wide no public page scrolls
sideways, even with a 120-character tool name that has no break in it; the
comparison page keeps every tool's column of the decision table on screen and
reaches the scorecard within about six screens."""

import os

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.factories import make_category, make_comparison, make_persona, make_take, make_tool
from verdicts.models import Call, Tool

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_TOOL = "Unbreakable" + "x" * 109  # 120 characters, no break opportunity
LONG_CATEGORY = "Categorynamewithoutanybreak" + "y" * 53  # 80, the field's maximum
LONG_PERSONA = "Personawithoutanybreakatall" + "z" * 13  # 40, the field's maximum
PHONE_HEIGHT = {320: 568, 390: 844}  # iPhone SE (1st gen) and iPhone 12-15
SCREENS_BEFORE_SCORECARD = 6
SEED_COMPARE = "/compare/claude-4-api-tool-use-streaming-prompt-caching-vs-smolvm/"


@pytest.fixture
def site(live_server):
    """The seed, plus a tool, category and persona whose names never break, in a
    curated comparison with a seed tool so every list shows them."""
    call_command("loaddata", "fixtures/seed.json", verbosity=0)
    category = make_category(name=LONG_CATEGORY)
    persona = make_persona(name=LONG_PERSONA, slug="long-persona", position=100)
    tool = make_tool(
        name=LONG_TOOL,
        category=category,
        tagline="Taglinewithoutabreak" + "t" * 100,
        pricing="Pricingwithoutabreak" + "p" * 60,
        website="https://example.com/" + "w" * 150,
    )
    make_take(tool, persona, score=48, call=Call.SKIP, body="Bodywithoutabreak" + "b" * 300)
    make_comparison(Tool.objects.get(slug="smolvm"), tool)
    return live_server.url, tool


def _public_pages(tool) -> dict[str, str]:
    return {
        "home": "/",
        "tools": "/tools/",
        "tool": tool.get_absolute_url(),
        "category": tool.category.get_absolute_url(),
        "reviewers": "/reviewers/",
        "reviewer": "/reviewers/long-persona/",
        "compare": "/compare/",
        "comparison": f"/compare/smolvm-vs-{tool.slug}/",
        "seed comparison": SEED_COMPARE,
        "search": "/search/?q=Unbreakable",
        "methodology": "/methodology/",
        "newsletter sign-up": "/newsletter/subscribe/",
        "bookmarks": f"/bookmarks/?tools={tool.slug},smolvm",
    }


_OVERFLOW = """() => {
  const root = document.documentElement;
  const wide = [...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 0.5)
    .slice(0, 5)
    .map((el) => `${el.tagName}.${el.className} ${Math.round(el.getBoundingClientRect().right)}`);
  return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, wide};
}"""


@pytest.mark.parametrize("width", [320, 390])
def test_no_public_page_scrolls_sideways_on_a_phone(browser, site, width):
    base, tool = site
    context = browser.new_context(viewport={"width": width, "height": PHONE_HEIGHT[width]})
    page = context.new_page()
    pages = _public_pages(tool)
    assert len(pages) == 13
    failures = {}
    for name, path in pages.items():
        response = page.goto(base + path)
        assert response.status == 200, (name, path)
        measured = page.evaluate(_OVERFLOW)
        if measured["scrollWidth"] > measured["clientWidth"]:
            failures[name] = measured
    context.close()
    assert not failures, failures


@pytest.mark.parametrize("width", [320, 390])
def test_every_tools_name_in_the_decision_table_is_on_screen(browser, site, width):
    base, tool = site
    context = browser.new_context(viewport={"width": width, "height": PHONE_HEIGHT[width]})
    page = context.new_page()
    page.goto(f"{base}/compare/smolvm-vs-{tool.slug}/")
    rows = page.locator(".decision-table tbody tr").count()
    names = page.locator(".decision-table td [data-tool-name]")
    # Each row states both tools' names on a phone, and every one is readable.
    assert rows >= 6 and names.count() == 2 * rows
    for i in range(names.count()):
        box = names.nth(i).bounding_box()
        assert box is not None and box["width"] > 0 and box["height"] > 0, i
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (i, box, width)
    assert set(names.all_inner_texts()) == {LONG_TOOL, "smolvm"}
    context.close()


def test_the_decision_table_stays_a_table_with_column_headers_on_a_wide_screen(browser, site):
    base, tool = site
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{base}/compare/smolvm-vs-{tool.slug}/")
    table = page.locator(".decision-table")
    assert table.evaluate("t => getComputedStyle(t).display") == "table"
    headers = table.get_by_role("columnheader")
    assert headers.all_inner_texts()[1:] == ["smolvm", LONG_TOOL]
    assert table.locator("[data-tool-name]").first.is_hidden()  # the header says it
    assert table.get_by_role("rowheader").count() >= 6
    context.close()


def test_the_seed_comparison_reaches_the_scorecard_within_six_screens_at_390(browser, site):
    base, _ = site
    context = browser.new_context(viewport={"width": 390, "height": PHONE_HEIGHT[390]})
    page = context.new_page()
    page.goto(base + SEED_COMPARE)
    top = page.evaluate("document.getElementById('scorecard-heading').getBoundingClientRect().top")
    assert top <= SCREENS_BEFORE_SCORECARD * PHONE_HEIGHT[390], top
    context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_a_no_panel_take_box_stays_compact_beside_a_long_take(browser, site, width):
    base, tool = site
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(f"{base}/compare/smolvm-vs-{tool.slug}/")
    # smolvm has no take by the long-named persona; the long-named tool has one.
    row = page.locator(".scorecard__row", has=page.locator("#persona-long-persona"))
    take, empty = row.locator(".take--ship, .take--skip"), row.locator(".take--none")
    expect(empty).to_contain_text("No panel take")
    take_box, empty_box = take.bounding_box(), empty.bounding_box()
    assert empty_box["height"] <= 70 < take_box["height"], (empty_box, take_box)
    if width == 1280:  # side by side: both start at the top of the row
        assert abs(empty_box["y"] - take_box["y"]) < 1
    context.close()
