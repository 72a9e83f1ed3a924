"""The takes inline on a tool's change page fits a 1280 px window with the
admin's navigation sidebar open, in real Chromium."""

import os

import pytest
from playwright.sync_api import expect

from tests.factories import make_editor, make_persona, make_take, make_tool

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

PASSWORD = "a long editor password 42"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_take_rows_fit_a_1280_px_window_with_the_sidebar_open(live_server, page):
    editor = make_editor()
    tool = make_tool(name="Widthy")
    personas = [make_persona() for _ in range(6)]
    # A saved take (its rendered preview column filled) and empty rows for the rest.
    make_take(tool, personas[0], body="A **long** take " + "with many words " * 40)

    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill(editor.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/admin/verdicts/tool/{tool.pk}/change/")
    page.evaluate("localStorage.setItem('django.admin.navSidebarIsOpen', 'true')")
    page.reload()
    expect(page.locator("#nav-sidebar")).to_be_visible()
    expect(page.locator("#takes-group table")).to_be_visible()

    widths = page.evaluate(
        """() => {
          const table = document.querySelector('#takes-group table');
          const container = table.closest('fieldset');
          return {
            table: table.scrollWidth,
            container: container.clientWidth,
            page: document.documentElement.scrollWidth,
            window: document.documentElement.clientWidth,
          };
        }"""
    )
    assert widths["table"] <= widths["container"], widths
    assert widths["page"] <= widths["window"], widths
