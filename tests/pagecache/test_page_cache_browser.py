"""Shared pages in real Chromium: the reader's own state is drawn by the browser,
and another site's form cannot vote on our readers' behalf."""

import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from verdicts.models import CommunityVote

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

TOOL = "/tools/smolvm/"
COMPARE = "/compare/claude-4-api-tool-use-streaming-prompt-caching-vs-smolvm/"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server):
    call_command("loaddata", "fixtures/seed.json", verbosity=0)
    return live_server.url


def _votes() -> int:
    return CommunityVote.objects.filter(tool__slug="smolvm").count()


@pytest.fixture(params=["cross-site", "same-site"])
def other_origin(request, site):
    """A page on another origin holding the same vote form as ours, posting to our
    live server: on another host (cross-site), or on our host at another port
    (same-site: a sibling app on a shared domain)."""
    form = (
        "<!doctype html><title>Win a prize</title>"
        f'<form method="post" action="{site}/tools/smolvm/vote/">'
        '<input type="hidden" name="next" value="/tools/smolvm/">'
        '<button type="submit" name="verdict" value="ship">Claim</button></form>'
    ).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(form)))
            self.end_headers()
            self.wfile.write(form)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    ours = urlsplit(site).hostname
    other = {"localhost": "127.0.0.1", "127.0.0.1": "localhost"}[ours]
    host = other if request.param == "cross-site" else ours
    yield request.param, f"http://{host}:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_a_form_on_another_site_cannot_vote(browser, site, other_origin):
    fetch_site, address = other_origin
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(address)
    with page.expect_request(f"{site}/tools/smolvm/vote/") as posted:
        page.get_by_role("button", name="Claim").click()
    assert posted.value.all_headers()["sec-fetch-site"] == fetch_site
    page.wait_for_load_state()
    assert page.url == f"{site}/tools/smolvm/vote/"
    expect(page.get_by_role("heading", level=1)).to_have_text("We could not accept that form")
    expect(page.get_by_text("sent from another site")).to_be_visible()
    assert _votes() == 0
    context.close()


def test_the_same_form_on_our_site_votes_without_javascript_and_shows_it(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + TOOL)
    card = page.locator("#tool-smolvm")
    expect(card.get_by_text("You said Ship")).to_be_hidden()  # the shared page says nothing
    card.get_by_role("button", name="Ship").click()
    page.wait_for_url(f"{site}{TOOL}#voted-ship-smolvm")
    # CSS :target draws "You said Ship" on the page everyone else is served too.
    expect(card.get_by_text("You said Ship")).to_be_visible()
    expect(card.get_by_text("You said Skip")).to_be_hidden()
    expect(card.locator("[data-tally-summary]")).to_contain_text("1 ship, 0 skip")
    assert _votes() == 1
    assert context.cookies()[0]["name"] == "sos_visitor"
    assert context.cookies()[0]["httpOnly"] and context.cookies()[0]["sameSite"] == "Lax"
    context.close()


def test_a_vote_with_javascript_is_drawn_again_after_a_reload(page, site):
    page.goto(site + COMPARE)
    card = page.locator("#tool-smolvm")
    card.get_by_role("button", name="Skip").click()
    expect(card.get_by_text("You said Skip")).to_be_visible()
    assert page.url == site + COMPARE  # the script voted, no navigation
    response = page.reload()
    assert response.headers["cache-control"].startswith("public")
    card = page.locator("#tool-smolvm")
    expect(card.get_by_text("You said Skip")).to_be_visible()
    expect(card.get_by_role("button", name="Skip")).to_have_attribute("aria-pressed", "true")
    expect(card.get_by_role("button", name="Ship")).to_have_attribute("aria-pressed", "false")
    # Drawn from this browser's storage: the tool page, also shared, shows it too.
    page.goto(site + TOOL)
    expect(page.locator("#tool-smolvm").get_by_text("You said Skip")).to_be_visible()
    assert page.evaluate("localStorage.getItem('sos:votes')") == '{"smolvm":"skip"}'
