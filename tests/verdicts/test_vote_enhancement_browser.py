"""JavaScript only enhances votes, in real Chromium: a vote by script updates
every figure the page shows for the tool from the vote's JSON answer; "change"
offers the other call and withdrawing the vote, with script and without."""

import os

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from verdicts.models import Call, CommunityVote, Tool

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

COMPARE = "/compare/claude-4-api-tool-use-streaming-prompt-caching-vs-smolvm/"
TOOL = "/tools/smolvm/"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server):
    """The seed, with three other readers' votes on smolvm (2 ship, 1 skip)."""
    call_command("loaddata", "fixtures/seed.json", verbosity=0)
    tool = Tool.objects.get(slug="smolvm")
    for n, call in enumerate([Call.SHIP, Call.SHIP, Call.SKIP]):
        CommunityVote.objects.cast(tool, f"another-reader-{n}", call)
    return live_server.url


def _tally() -> tuple[int, int]:
    tool = Tool.objects.get(slug="smolvm")
    return tool.community_ship_votes, tool.community_skip_votes


def _decision_community(page):
    """The decision table's Community row: the cell of each tool, as text."""
    row = page.locator(
        ".decision-table tbody tr", has=page.get_by_role("rowheader", name="Community")
    )
    return row.locator("td [data-community-summary]").all_inner_texts()


def test_a_vote_by_script_updates_every_figure_for_the_tool(page, site):
    page.goto(site + COMPARE)
    card = page.locator("#tool-smolvm")
    expect(card.locator("[data-community-percent]")).to_have_text("2 ship, 1 skip")
    assert _decision_community(page) == ["No community votes yet", "2 ship, 1 skip"]

    card.get_by_role("button", name="Skip", exact=True).click()
    expect(card.get_by_text("You said Skip")).to_be_visible()
    assert page.url == site + COMPARE  # no navigation: the script voted
    expect(card.locator("[data-community-percent]")).to_have_text("2 ship, 2 skip")
    expect(card.locator("[data-tally-summary]")).to_have_text("Community: 2 ship, 2 skip")
    # Four votes are below COMMUNITY_MIN_VOTES: no % from the server, so no bar.
    expect(card.locator("[data-tally-bar]")).to_be_hidden()
    expect(page.locator(".decision-table [data-community-summary='smolvm']")).to_have_text(
        "2 ship, 2 skip"
    )
    assert _decision_community(page) == ["No community votes yet", "2 ship, 2 skip"]
    assert _tally() == (2, 2)
    # The other tool on the page is untouched.
    expect(
        page.locator("#tool-claude-4-api-tool-use-streaming-prompt-caching [data-tally-summary]")
    ).to_have_text("Community: No community votes yet")

    # The tool page's card and "At a glance" follow a vote there the same way.
    page.goto(site + TOOL)
    glance = page.locator(".facts [data-community-summary='smolvm']")
    expect(glance).to_have_text("2 ship, 2 skip")
    page.locator("#tool-smolvm").get_by_role("button", name="Ship", exact=True).click()
    expect(glance).to_have_text("3 ship, 1 skip")
    expect(page.locator("#tool-smolvm [data-community-percent]")).to_have_text("3 ship, 1 skip")
    assert _tally() == (3, 1)


def test_change_offers_the_other_call_then_withdrawing_with_script(page, site):
    page.goto(site + COMPARE)
    card = page.locator("#tool-smolvm")
    card.get_by_role("button", name="Ship", exact=True).click()
    mine = card.locator("#voted-ship-smolvm")
    expect(mine).to_be_visible()
    expect(card.get_by_role("button", name="Skip instead")).to_be_hidden()  # until "change"

    mine.get_by_text("change").click()
    card.get_by_role("button", name="Skip instead").click()
    expect(card.get_by_text("You said Skip")).to_be_visible()
    expect(card.get_by_text("You said Ship")).to_be_hidden()
    expect(card.locator("#voted-skip-smolvm")).to_be_focused()
    # The pressed button's name gains CSS's "✓ ": find it by its class.
    expect(card.locator(".vote__button--skip")).to_have_attribute("aria-pressed", "true")
    expect(card.locator("[data-tally-summary]")).to_have_text("Community: 2 ship, 2 skip")
    assert _tally() == (2, 2)
    assert CommunityVote.objects.exclude(visitor_key__startswith="another").get().call == "skip"

    card.locator("#voted-skip-smolvm").get_by_text("change").click()
    card.get_by_role("button", name="Withdraw my vote").click()
    withdrawn = card.get_by_text("Your vote is withdrawn.")
    expect(withdrawn).to_be_visible()
    expect(withdrawn).to_be_focused()
    expect(card.get_by_text("You said Skip")).to_be_hidden()
    expect(card.locator("[data-tally-summary]")).to_have_text("Community: 2 ship, 1 skip")
    expect(card.locator("[data-community-percent]")).to_have_text("2 ship, 1 skip")
    assert _decision_community(page) == ["No community votes yet", "2 ship, 1 skip"]
    for button in card.locator(".vote__button").all():
        expect(button).to_have_attribute("aria-pressed", "false")
    assert _tally() == (2, 1)
    assert not CommunityVote.objects.exclude(visitor_key__startswith="another").exists()
    assert page.evaluate("localStorage.getItem('sos:votes')") == "{}"

    page.reload()
    card = page.locator("#tool-smolvm")
    expect(card.get_by_text("You said")).to_have_count(2)
    for line in card.get_by_text("You said").all():
        expect(line).to_be_hidden()
    expect(card.locator("[data-tally-summary]")).to_have_text("Community: 2 ship, 1 skip")


def test_withdrawing_without_javascript_answers_303_and_counts_once(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + COMPARE)
    card = page.locator("#tool-smolvm")
    card.get_by_role("button", name="Skip", exact=True).click()
    page.wait_for_url(f"{site}{COMPARE}#voted-skip-smolvm")
    assert _tally() == (2, 2)

    # <details> opens without a script; the button posts the same form elsewhere.
    card.locator("#voted-skip-smolvm").get_by_text("change").click()
    with page.expect_response(f"{site}/tools/smolvm/vote/withdraw/") as answer:
        card.get_by_role("button", name="Withdraw my vote").click()
    assert answer.value.status == 303
    page.wait_for_url(f"{site}{COMPARE}#withdrawn-smolvm")
    card = page.locator("#tool-smolvm")
    expect(card.get_by_text("Your vote is withdrawn.")).to_be_visible()
    expect(card.get_by_text("You said Skip")).to_be_hidden()
    expect(card.locator("[data-tally-summary]")).to_have_text("Community: 2 ship, 1 skip")
    assert _tally() == (2, 1)
    assert CommunityVote.objects.filter(tool__slug="smolvm").count() == 3

    # The form sent again (back, and the same button once more) changes nothing.
    page.go_back()
    page.wait_for_url(f"{site}{COMPARE}#voted-skip-smolvm")
    card = page.locator("#tool-smolvm")
    card.locator("#voted-skip-smolvm").get_by_text("change").click()
    card.locator("#voted-skip-smolvm").get_by_role("button", name="Withdraw my vote").click()
    page.wait_for_url(f"{site}{COMPARE}#withdrawn-smolvm")
    assert _tally() == (2, 1)
    assert CommunityVote.objects.filter(tool__slug="smolvm").count() == 3
    context.close()


def test_the_tenth_vote_by_script_shows_the_gap_between_readers_and_the_panel(page, site):
    """Six more readers (nine in all) leave smolvm one vote short of a gap; the
    reader's vote by script brings the "Readers vs panel" figures, worded by the
    server, to the decision table and the tool page without a reload."""
    tool = Tool.objects.get(slug="smolvm")
    for n in range(6):
        CommunityVote.objects.cast(tool, f"one-more-reader-{n}", Call.SKIP)
    page.goto(site + COMPARE)
    gap = page.locator(".decision-table [data-readers-vs-panel='smolvm']")
    expect(gap).to_have_text("Too few reader votes to compare (fewer than 10)")

    page.locator("#tool-smolvm").get_by_role("button", name="Skip", exact=True).click()
    expect(gap).to_contain_text("than the panel")
    shown = gap.inner_text()
    page.goto(site + TOOL)  # the server's own rendering of the same figure
    expect(page.locator("[data-readers-vs-panel='smolvm']")).to_have_text(shown)
