"""The admin's Markdown preview: the saved rendering and the live endpoint."""

import json
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.factories import make_editor, make_persona, make_take, make_tool

PREVIEW = "/admin/markdown-preview/"


def previewed_textareas(html: str) -> list[str]:
    """Names of the textareas the live-preview script enhances."""
    return [
        re.search(r'name="([^"]+)"', tag).group(1)
        for tag in re.findall(r"<textarea[^>]*>", html)
        if f'data-markdown-preview="{PREVIEW}"' in tag
    ]


@pytest.mark.django_db
def test_it_renders_and_sanitises_like_a_save(editor_client):
    response = editor_client.post(
        PREVIEW, {"text": "**Bold** <script>alert(1)</script> [x](javascript:alert(1))"}
    )
    assert response.status_code == 200
    html = json.loads(response.content)["html"]
    assert "<strong>Bold</strong>" in html
    assert "script" not in html and "javascript" not in html


@pytest.mark.django_db
def test_it_refuses_readers_non_staff_and_bad_input(editor_client):
    assert Client().post(PREVIEW, {"text": "hi"}).status_code == 403
    reader = Client()
    reader.force_login(User.objects.create_user("reader", "reader@example.com", "x"))
    response = reader.post(PREVIEW, {"text": "hi"})
    assert response.status_code == 403
    assert json.loads(response.content) == {"error": "Only staff can preview Markdown."}
    assert editor_client.get(PREVIEW, {"text": "hi"}).status_code == 405
    missing = editor_client.post(PREVIEW, {})
    assert missing.status_code == 400
    assert json.loads(missing.content) == {"error": "Send the Markdown in the 'text' field."}
    huge = editor_client.post(PREVIEW, {"text": "x" * 50_001})
    assert huge.status_code == 400
    assert "Too long to preview" in json.loads(huge.content)["error"]


@pytest.mark.django_db
def test_it_requires_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_editor())
    assert client.post(PREVIEW, {"text": "hi"}).status_code == 403
    client.get("/admin/verdicts/tool/add/")  # sets the CSRF cookie, as the form page does
    token = client.cookies["csrftoken"].value
    response = client.post(PREVIEW, {"text": "hi"}, headers={"X-CSRFToken": token})
    assert response.status_code == 200
    assert json.loads(response.content) == {"html": "<p>hi</p>"}


@pytest.mark.django_db
def test_the_forms_show_the_saved_preview_and_load_the_live_one(editor_client):
    tool = make_tool(description="Saved *description*.")
    make_take(tool, make_persona(), body="Saved **take**.")
    html = editor_client.get(f"/admin/verdicts/tool/{tool.pk}/change/").content.decode()
    assert '<div class="markdown-preview"><p>Saved <em>description</em>.</p></div>' in html
    assert '<div class="markdown-preview"><p>Saved <strong>take</strong>.</p></div>' in html
    assert previewed_textareas(html) == ["description", "takes-0-body", "takes-__prefix__-body"]
    assert 'src="/static/js/admin-markdown-preview.js"' in html
    assert 'href="/static/css/admin-markdown-preview.css"' in html
    comparison = editor_client.get("/admin/comparisons/comparison/add/").content.decode()
    assert previewed_textareas(comparison) == ["intro", "bottom_line"]
    assert "Shown here once saved." in comparison
