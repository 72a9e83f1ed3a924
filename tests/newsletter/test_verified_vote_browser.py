"""The verified-vote page in real Chromium (Playwright) without JavaScript, by
keyboard only: Tab to a tool's button, press it, the vote counts and the page
says so; the other button changes it."""

import os

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from newsletter import verified
from newsletter.models import Issue, VerifiedVote
from tests.factories import make_comparison, make_subscriber, make_tool
from verdicts.models import Tool

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MOST_TABS = 60


@pytest.fixture
def vote_link(live_server):
    alpha, beta = make_tool(name="Alpha"), make_tool(name="Beta")
    issue = Issue.objects.create(
        iso_year=2026,
        iso_week=48,
        subject="Weekly AI Tool Verdicts — week 48, 2026: Alpha vs Beta",
        period_since=timezone.now(),
        period_until=timezone.now(),
        html_body="",
        text_body="",
    )
    issue.comparisons.add(make_comparison(alpha, beta))
    return live_server.url + verified.vote_url(make_subscriber(), issue)


def button(page, slug: str, call: str):
    """A tool's Ship or Skip button; its name is checked once, unpressed (a pressed
    one gains a CSS check mark in its accessible name)."""
    return page.locator(f"#vote-{slug} button[name=verdict][value={call}]")


def tab_to(page, target):
    """Press Tab until `target` has the focus; fail if it never does."""
    for _ in range(MOST_TABS):
        page.keyboard.press("Tab")
        if target.evaluate("node => node === document.activeElement"):
            return
    pytest.fail(f"{target} never took the keyboard focus")


def counts(name):
    return tuple(
        Tool.objects.filter(name=name).values_list("verified_ship_votes", "verified_skip_votes")[0]
    )


def test_a_keyboard_user_votes_and_changes_the_vote_without_javascript(browser, vote_link):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(vote_link)
    expect(page.get_by_role("heading", name="Beta")).to_be_visible()
    assert VerifiedVote.objects.count() == 0  # opening the link votes nothing

    expect(page.get_by_role("button", name="Skip Beta", exact=True)).to_be_visible()
    tab_to(page, button(page, "beta", "skip"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"{vote_link}#voted-skip-beta")
    expect(page.locator("#voted-skip-beta")).to_contain_text("Your verified vote: Skip")
    expect(button(page, "beta", "skip")).to_have_attribute("aria-pressed", "true")
    expect(button(page, "beta", "ship")).to_have_attribute("aria-pressed", "false")
    assert counts("Beta") == (0, 1) and counts("Alpha") == (0, 0)

    tab_to(page, button(page, "beta", "ship"))
    page.keyboard.press("Space")
    page.wait_for_url(f"{vote_link}#voted-ship-beta")
    expect(page.locator("#voted-ship-beta")).to_contain_text("Your verified vote: Ship")
    assert counts("Beta") == (1, 0)
    assert VerifiedVote.objects.count() == 1
    context.close()
