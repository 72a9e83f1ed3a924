"""Take history: every edit of a take kept with its date and shown on the tool
page's verdict timeline, in the JSON and in the admin; the seed starts at its date."""

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.admin_forms import submit
from tests.factories import make_comparison, make_editor, make_persona, make_take, make_tool
from tests.html import region, text_of
from verdicts.models import Call, Take, Tool

SEED_DATE = datetime(2026, 4, 20, 9, tzinfo=UTC)


def today() -> str:
    return timezone.now().strftime("%-d %B %Y")


def timeline(client, tool) -> str:
    html = client.get(tool.get_absolute_url()).content.decode()
    return text_of(region(html, "timeline-heading", "compared-heading"))


@pytest.mark.django_db
def test_a_saved_edit_is_a_dated_entry_on_the_tool_page_timeline(client):
    skeptic = make_persona(name="Skeptic")
    tool = make_tool()
    take = make_take(tool, skeptic, score=45, call=Call.SKIP)
    before = timezone.now()
    take.score, take.call = 71, Call.SHIP
    take.save()

    latest = take.history.first()  # newest first
    assert latest.history_type == "~"
    assert before <= latest.history_date <= timezone.now()
    assert (latest.score, latest.call) == (71, "ship")
    text = timeline(client, tool)
    assert f"{today()} · Skeptic: skip → ship, 45 → 71" in text
    # Newest first: the edit above the first take.
    assert text.index("skip → ship") < text.index("Skeptic: skip, 45 (first take)")


@pytest.mark.django_db
def test_an_edit_through_the_tool_admin_is_recorded_with_its_editor(client):
    editor = make_editor()
    client.force_login(editor)
    builder = make_persona(name="Builder")
    tool = make_tool()
    make_take(tool, builder, score=50, call=Call.SKIP, body="Meh.")
    url = f"/admin/verdicts/tool/{tool.pk}/change/"
    response = submit(
        client,
        url,
        {"takes-0-score": "80", "takes-0-call": "ship", "takes-0-reviewed_version": "v0.5.18"},
    )
    assert response.status_code == 302

    take = Take.objects.get()
    assert take.reviewed_version == "v0.5.18"
    assert [r.history_type for r in take.history.all()] == ["~", "+"]
    assert take.history.first().history_user == editor
    client.logout()
    assert f"{today()} · Builder: skip → ship, 50 → 80, reviewed version v0.5.18" in timeline(
        client, tool
    )


@pytest.mark.django_db
def test_a_text_edit_in_the_take_admin_is_recorded_and_its_history_view_lists_it(client):
    editor = make_editor()
    client.force_login(editor)
    take = make_take(make_tool(name="Alpha"), make_persona(name="Skeptic"), body="First.")
    url = f"/admin/verdicts/take/{take.pk}/change/"
    assert submit(client, url, {"body": "Second thoughts."}).status_code == 302

    take.refresh_from_db()
    assert take.body_html == "<p>Second thoughts.</p>"
    assert take.history.count() == 2
    history_page = client.get(f"/admin/verdicts/take/{take.pk}/history/")
    assert history_page.status_code == 200
    text = text_of(history_page.content.decode())
    assert "Changed" in text and "Created" in text
    assert editor.username in text
    # The tool's take rows link to it.
    tool_form = client.get(f"/admin/verdicts/tool/{take.tool_id}/change/").content.decode()
    assert f'href="/admin/verdicts/take/{take.pk}/history/"' in tool_form
    client.logout()
    assert f"{today()} · Skeptic: text revised" in timeline(client, take.tool)


@pytest.mark.django_db
def test_the_take_admins_bulk_delete_keeps_each_withdrawal(client):
    client.force_login(make_editor())
    tool = make_tool()
    takes = [make_take(tool, make_persona(name=name), score=60) for name in ("Builder", "PM")]
    response = client.post(
        "/admin/verdicts/take/",
        {"action": "delete_selected", "_selected_action": [t.pk for t in takes], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Take.objects.exists()
    assert Take.history.filter(history_type="-").count() == 2
    client.logout()
    text = timeline(client, tool)
    assert f"{today()} · Builder: take withdrawn (was ship, 60)" in text
    assert f"{today()} · PM: take withdrawn (was ship, 60)" in text


@pytest.mark.django_db
def test_a_take_edit_retires_the_cached_tool_page(client):
    take = make_take(make_tool(), make_persona(name="Founder"), score=40, call=Call.SKIP)
    first = client.get(take.tool.get_absolute_url()).content.decode()
    assert "Founder: skip → ship" not in text_of(first)
    take.call = Call.SHIP
    take.save()
    assert f"{today()} · Founder: skip → ship" in timeline(client, take.tool)


@pytest.mark.django_db
def test_the_reviewed_version_is_shown_next_to_the_take(client):
    a, b = make_tool(name="Alpha"), make_tool(name="Beta")
    builder = make_persona(name="Builder")
    make_take(a, builder, reviewed_version="v0.5.18")
    make_take(b, builder)
    for url in (a.get_absolute_url(), make_comparison(a, b).get_absolute_url()):
        text = text_of(client.get(url).content.decode())
        assert text.count("· reviewed v0.5.18") == 1
    data = json.loads(client.get("/tools/alpha.json").content)
    assert data["takes"][0]["reviewed_version"] == "v0.5.18"
    assert (
        json.loads(client.get("/tools/beta.json").content)["takes"][0]["reviewed_version"] is None
    )


@pytest.mark.django_db
def test_the_tool_json_carries_the_dated_history(client):
    skeptic = make_persona(name="Skeptic", slug="skeptic")
    take = make_take(make_tool(name="Alpha"), skeptic, score=45, call=Call.SKIP)
    take.score, take.call = 71, Call.SHIP
    take.save()
    history = json.loads(client.get("/tools/alpha.json").content)["history"]
    assert [entry["kind"] for entry in history] == ["revised", "first_take"]
    revised = history[0]
    assert revised["date"] == take.history.first().history_date.isoformat()
    assert revised["persona"]["slug"] == "skeptic"
    assert revised["call"] == {"old": "skip", "new": "ship"}
    assert revised["score"] == {"old": 45, "new": 71}
    assert revised["text_revised"] is False
    assert revised["reviewed_version"] == {"old": None, "new": None}
    assert revised["summary"] == "Skeptic: skip → ship, 45 → 71"
    assert history[1]["call"] == {"old": None, "new": "skip"}


@pytest.mark.django_db
def test_the_seed_takes_start_their_history_at_the_seed_date(client):
    call_command("loadseed", stdout=io.StringIO())  # make run's loading path
    assert Take.objects.count() == 24
    records = list(Take.history.all())
    assert len(records) == 24
    assert {r.id for r in records} == set(Take.objects.values_list("pk", flat=True))
    assert {(r.history_type, r.history_date) for r in records} == {("+", SEED_DATE)}
    smolvm = Tool.objects.get(slug="smolvm")
    text = timeline(client, smolvm)
    assert "20 April 2026 · Builder: ship, 80 (first take)" in text
    assert "20 April 2026 · Skeptic: skip, 45 (first take)" in text

    # Loading the same fixture again records nothing new.
    call_command("loaddata", "fixtures/seed.json", verbosity=0)
    assert Take.history.count() == 24


@pytest.mark.django_db
def test_a_reloaded_take_that_differs_is_recorded_as_a_change(tmp_path):
    call_command("loaddata", "fixtures/seed.json", verbosity=0)
    take = Take.objects.get(tool__slug="smolvm", persona__name="Skeptic")
    seed = json.loads(Path("fixtures/seed.json").read_text())
    for row in seed:
        if row["model"] == "verdicts.take" and row["pk"] == take.pk:
            row["fields"].update(score=71, call="ship")
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(seed))
    call_command("loaddata", str(changed), verbosity=0)
    assert [(r.history_type, r.score) for r in take.history.all()] == [("~", 71), ("+", 45)]


@pytest.mark.django_db
def test_a_tool_without_recorded_changes_says_so(client):
    tool = make_tool()
    assert "No dated changes recorded yet." in timeline(client, tool)
    make_take(tool, make_persona(name="Creator"), score=None)
    text = timeline(client, tool)
    assert "No dated changes recorded yet." not in text
    assert f"{today()} · Creator: ship, unscored (first take)" in text
