"""Two editors save clashing rows at the same moment: the later one gets the
form's own error with their input kept, never a 500.

On PostgreSQL the other editor's row is committed, on its own connection,
inside the window between the admin's validation and its write, the race that
ends in an IntegrityError. SQLite's IMMEDIATE transactions hold the write lock
from before validation, so there the other save can only land before the POST.
"""

import threading
from contextlib import contextmanager

import pytest
from django.db import connection, connections
from django.db.models.signals import pre_save

from comparisons.models import Comparison
from tests.admin_forms import admin_form
from tests.factories import make_category, make_persona, make_take, make_tool
from tests.html import text_of
from verdicts.models import Take, Tool


def commit_elsewhere(write):
    """Run write on another connection, committed before this returns."""

    def run():
        try:
            write()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()


@contextmanager
def race(write):
    """The other editor's write, committed just before this request writes anything.

    Before its first write, not its clashing insert: the request's own writes
    lock rows (the content version) that the other save also updates.
    """
    if connection.vendor != "postgresql":
        write()
        yield
        return
    fired = []

    def just_before_the_first_write(sender, **kwargs):
        if not fired:
            fired.append(True)
            commit_elsewhere(write)

    pre_save.connect(just_before_the_first_write, weak=False)
    try:
        yield
    finally:
        pre_save.disconnect(just_before_the_first_write)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_persona_take_added_by_two_editors(editor_client):
    tool, persona = make_tool(), make_persona()
    url = f"/admin/verdicts/tool/{tool.pk}/change/"
    form = admin_form(editor_client, url)
    assert form["takes-0-persona"] == str(persona.pk)
    form |= {"takes-0-score": "35", "takes-0-call": "skip", "takes-0-body": "My own careful take."}

    with race(lambda: make_take(tool, persona, score=80, body="The other editor's take.")):
        response = editor_client.post(url, form)

    assert response.status_code == 200
    page = text_of(response.content.decode())
    assert "Please correct the error below." in page
    assert "This persona already has a take on this tool: it was saved since" in page
    assert "My own careful take." in response.content.decode()
    assert list(Take.objects.values_list("score", "body")) == [(80, "The other editor's take.")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_tool_added_by_two_editors(editor_client):
    category = make_category()
    form = admin_form(editor_client, "/admin/verdicts/tool/add/")
    form |= {
        "name": "Twice Made",
        "slug": "twice-made",
        "category": str(category.pk),
        "tagline": "Mine",
        "description": "My description.",
        "entry_tier": "free",
    }

    with race(lambda: make_tool(name="Twice Made", slug="twice-made", category=category)):
        response = editor_client.post("/admin/verdicts/tool/add/", form)

    assert response.status_code == 200
    assert "Tool with this Name already exists." in text_of(response.content.decode())
    assert Tool.objects.filter(name="Twice Made").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_pair_compared_by_two_editors_in_either_order(editor_client):
    alpha, beta = make_tool(name="Alpha"), make_tool(name="Beta")
    form = admin_form(editor_client, "/admin/comparisons/comparison/add/")
    form |= {"tool_a": str(alpha.pk), "tool_b": str(beta.pk), "intro": "My intro."}

    with race(lambda: Comparison.objects.create(tool_a=beta, tool_b=alpha)):
        response = editor_client.post("/admin/comparisons/comparison/add/", form)

    assert response.status_code == 200
    assert "Please correct the error" in text_of(response.content.decode())
    assert "My intro." in response.content.decode()
    assert Comparison.objects.count() == 1
