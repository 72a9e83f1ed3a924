"""The strict Content-Security-Policy in real Chromium: the admin still logs in,
edits and saves without a single violation, and badges stay embeddable as <img>
on other sites."""

import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.auth.models import User

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.browser


def record_policy_complaints(page) -> list[str]:
    """Chromium reports every blocked inline script or style, and every header it
    could not parse, on the console."""
    complaints = []

    def listen(message):
        if "Content Security Policy" in message.text or "Permissions-Policy" in message.text:
            complaints.append(message.text)

    page.on("console", listen)
    return complaints


def test_the_admin_logs_in_edits_and_saves_under_the_policy(page, live_server):
    editor = User.objects.create_superuser("editor", "editor@example.com", "correct horse")
    complaints = record_policy_complaints(page)

    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.get_by_label("Username:").fill("editor")
    page.get_by_label("Password:").fill("correct horse")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="The verdict desk").wait_for()

    # The user form is the admin's busiest: fieldsets, a password widget and the
    # two-box permission selector that admin JavaScript builds.
    page.goto(f"{live_server.url}/admin/auth/user/{editor.pk}/change/")
    page.locator("#id_user_permissions_add_all").wait_for()  # built by SelectFilter2.js
    page.get_by_label("First name:").fill("Ada")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("was changed successfully").wait_for()

    editor.refresh_from_db()
    assert editor.first_name == "Ada"
    assert complaints == []


@pytest.fixture
def other_site():
    """Someone else's site on loopback (a real server: Chromium lets a loopback page,
    and only such a page, load images from loopback). Set .html before visiting."""

    class Page(BaseHTTPRequestHandler):
        html = ""

        def do_GET(self):
            body = Page.html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Page.url = f"http://127.0.0.1:{server.server_port}/blog/"
    try:
        yield Page
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.urls("tests.shiporskip.urls_for_tests")
def test_a_badge_loads_as_an_image_on_another_site(page, live_server, other_site):
    complaints = record_policy_complaints(page)
    other_site.html = (
        f'<!doctype html><p>Our pick: <img id="badge" alt="verdict" '
        f'src="{live_server.url}/test-only/badge.svg">'
    )
    page.goto(other_site.url)
    page.wait_for_function("document.getElementById('badge').complete")
    assert page.locator("#badge").evaluate("img => img.naturalWidth") == 120
    assert complaints == []
