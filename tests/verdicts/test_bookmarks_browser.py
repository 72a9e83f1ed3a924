"""Bookmarks and in-place votes in real Chromium (Playwright), against the live server."""

import os

import pytest
from playwright.sync_api import expect

from verdicts.models import Tool

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

COMPARE = "/compare/claude-4-api-tool-use-streaming-prompt-caching-vs-smolvm/"
CLAUDE = "Claude 4 API: Tool Use Streaming & Prompt Caching"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server):
    from django.core.management import call_command

    call_command("loaddata", "fixtures/seed.json", verbosity=0)
    return live_server.url


def test_bookmark_two_tools_reload_see_both_remove_one(page, site):
    page.goto(site + COMPARE)
    panel = page.locator("[data-bookmarks-panel]")
    expect(panel).to_contain_text("No bookmarks yet")
    page.get_by_role("button", name=f"Bookmark {CLAUDE}").click()
    page.get_by_role("button", name="Bookmark smolvm").click()
    expect(page.get_by_role("button", name="Bookmarked smolvm")).to_have_attribute(
        "aria-pressed", "true"
    )

    page.reload()
    expect(panel.get_by_role("link", name="smolvm")).to_be_visible()
    expect(panel.get_by_role("link", name=CLAUDE)).to_be_visible()

    page.goto(site + "/bookmarks/")
    items = page.locator("[data-bookmark-item]")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text(CLAUDE)
    expect(items.nth(1)).to_contain_text("smolvm")
    expect(items.nth(1)).to_contain_text("Ship 75% panel ship")

    page.get_by_role("button", name="Remove smolvm").click()
    expect(items).to_have_count(1)
    page.reload()
    expect(page.locator("[data-bookmark-item]")).to_have_count(1)
    expect(page.locator("[data-bookmark-item]")).to_contain_text(CLAUDE)

    page.get_by_role("button", name=f"Remove {CLAUDE}").click()
    expect(page.get_by_text("No bookmarks yet")).to_be_visible()


def test_a_vote_updates_the_tally_in_place(page, site):
    page.goto(site + COMPARE)
    card = page.locator("#tool-smolvm")
    card.get_by_role("button", name="Skip").click()
    expect(card.locator("[data-tally-summary]")).to_contain_text("0 ship, 1 skip")
    expect(card.get_by_text("You said Skip")).to_be_visible()
    assert page.url == site + COMPARE  # no navigation: the script did it
    card.get_by_role("button", name="Ship").click()
    expect(card.locator("[data-tally-summary]")).to_contain_text("1 ship, 0 skip")
    tool = Tool.objects.get(slug="smolvm")
    assert (tool.community_ship_votes, tool.community_skip_votes) == (1, 0)


def test_without_javascript_voting_still_works_and_bookmarks_explain(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + COMPARE)
    expect(
        page.locator("#tool-smolvm").get_by_text("Bookmarks are kept in your browser")
    ).to_be_visible()
    page.locator("#tool-smolvm").get_by_role("button", name="Ship").click()
    expect(page.locator("#tool-smolvm").get_by_text("You said Ship")).to_be_visible()
    expect(page.locator("#tool-smolvm [data-tally-summary]")).to_contain_text("1 ship, 0 skip")
    context.close()


def test_the_bookmarks_page_shows_saved_tools_without_reloading_or_saying_none(page, site):
    page.goto(site + COMPARE)
    page.get_by_role("button", name="Bookmark smolvm").click()
    documents = []
    page.on(
        "request",
        lambda request: documents.append(request.url) if request.resource_type == "document" else 0,
    )
    # Record whether "No bookmarks yet" is ever shown while the page settles.
    page.add_init_script(
        """new MutationObserver(() => {
             const empty = document.querySelector('[data-bookmarks-empty]');
             if (empty && !empty.hidden) window.__emptyShown = true;
           }).observe(document, {subtree: true, childList: true, attributes: true});"""
    )
    page.goto(site + "/bookmarks/")
    expect(page.locator("[data-bookmark-item]")).to_have_count(1)
    expect(page.locator("[data-bookmark-item]")).to_contain_text("smolvm")
    assert page.url == site + "/bookmarks/?tools=smolvm"
    assert documents == [site + "/bookmarks/"], documents  # one page load, no reload
    assert page.evaluate("window.__emptyShown === true") is False


def test_without_bookmarks_the_page_says_so_once_the_script_knows(page, site):
    page.goto(site + "/bookmarks/")
    expect(page.get_by_text("No bookmarks yet")).to_be_visible()
    assert page.url == site + "/bookmarks/"
