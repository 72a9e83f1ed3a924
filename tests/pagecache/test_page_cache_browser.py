"""A cached page, gzipped by the page cache from pre-deflated segments, as a real
browser receives and renders it."""

import os

import pytest
from django.core.management import call_command
from playwright.sync_api import expect


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_chromium_renders_the_gzipped_cached_page(live_server, page):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    call_command("loaddata", "fixtures/seed.json", verbosity=0)
    url = f"{live_server.url}/compare/claude-4-api-tool-use-streaming-prompt-caching-vs-smolvm/"
    for _ in range(2):  # rendered, then served from the cache
        response = page.goto(url)
        assert response.status == 200
        assert response.headers["content-encoding"] == "gzip"
        heading = page.get_by_role("heading", level=1).inner_text()
        assert heading == "Claude 4 API: Tool Use Streaming & Prompt Caching vs smolvm"
        assert page.locator("footer").count() == 1  # the whole page arrived
    # The CSRF token and the reader's own vote travel in stored blocks of the stream.
    card = page.locator("#tool-smolvm")
    card.get_by_role("button", name="Ship").click()
    expect(card.get_by_text("You said Ship")).to_be_visible()
    response = page.reload()
    assert response.headers["content-encoding"] == "gzip"
    expect(page.locator("#tool-smolvm").get_by_text("You said Ship")).to_be_visible()
