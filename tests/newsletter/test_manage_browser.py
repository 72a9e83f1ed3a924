"""The manage page in real Chromium with JavaScript off: a keyboard user follows a
category and pauses the weekly issue."""

import os

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from newsletter.models import Follow, Subscriber
from verdicts.models import Category

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tab_to(page, target, most=60):
    """Press Tab until `target` (a locator) has the keyboard focus."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {target}")


def test_a_keyboard_user_follows_a_category_and_pauses_without_javascript(browser, live_server):
    subscriber = Subscriber.objects.create(
        email="reader@example.com", status="confirmed", confirmed_at=timezone.now()
    )
    Category.objects.create(name="Coding agents", slug="coding-agents")
    Category.objects.create(name="Code review", slug="code-review")
    path = subscriber.manage_url(timezone.now())
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + path)

    agents = page.get_by_role("checkbox", name="Coding agents")
    tab_to(page, agents)
    page.keyboard.press("Space")
    expect(agents).to_be_checked()
    save = page.get_by_role("button", name="Save categories")
    tab_to(page, save)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}{path}?saved=categories")
    expect(page.get_by_role("status")).to_have_text("Saved: the categories you follow.")
    expect(page.get_by_role("checkbox", name="Coding agents")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Code review")).not_to_be_checked()

    pause = page.get_by_role("button", name="Pause the weekly issue")
    tab_to(page, pause)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}{path}?saved=pause")
    expect(page.get_by_role("button", name="Resume the weekly issue")).to_be_visible()
    context.close()

    assert list(
        Follow.objects.confirmed()
        .filter(subscriber=subscriber)
        .values_list("category__slug", flat=True)
    ) == ["coding-agents"]
    subscriber.refresh_from_db()
    assert subscriber.paused_at is not None
