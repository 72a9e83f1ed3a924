"""The tools desk: the list, its filters, the take rows and their form errors."""

import re

import pytest

from tests.admin_forms import submit
from tests.factories import (
    make_category,
    make_persona,
    make_take,
    make_tool,
    make_vote,
)
from tests.html import assert_in_order, text_of
from verdicts.models import Call, Take, Tool

TOOLS = "/admin/verdicts/tool/"


def listed_names(response) -> list[str]:
    html = response.content.decode()
    return [text_of(cell) for cell in re.findall(r'<th class="field-name">(.*?)</th>', html)]


def tool_with_calls(ship: int, skip: int, personas, **fields) -> Tool:
    tool = make_tool(**fields)
    calls = [Call.SHIP] * ship + [Call.SKIP] * skip
    for persona, call in zip(personas, calls, strict=False):
        make_take(tool, persona, call=call)
    return tool


@pytest.mark.django_db
def test_it_lists_category_panel_verdict_ship_percent_and_community(editor_client):
    personas = [make_persona() for _ in range(4)]
    tool = tool_with_calls(3, 1, personas, name="Alpha", category=make_category(name="Agents"))
    make_vote(tool, call=Call.SKIP)
    tool.refresh_from_db()
    make_tool(name="Beta", is_published=False)
    text = text_of(editor_client.get(TOOLS).content.decode())
    assert_in_order(text, ["Alpha", "Agents", "Ship", "75%", "Free"])
    assert_in_order(text, ["Beta", "No panel yet", "—", "No community votes yet"])


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["ship", "skip", "split", "none"])
def test_the_verdict_filter_agrees_with_the_panel_tally(editor_client, key):
    personas = [make_persona() for _ in range(3)]
    for ship in range(4):
        for skip in range(4 - ship):
            tool_with_calls(ship, skip, personas, name=f"Tool {ship} ship {skip} skip")
    expected = sorted(tool.name for tool in Tool.objects.all() if tool.panel.verdict == key)
    assert expected, "every verdict should have at least one tool here"
    assert sorted(t.name for t in Tool.objects.with_panel_verdict(key)) == expected
    assert sorted(listed_names(editor_client.get(f"{TOOLS}?verdict={key}"))) == expected


@pytest.mark.django_db
def test_the_list_filters_by_category_tier_and_published(editor_client):
    agents = make_category(name="Agents")
    make_tool(name="Alpha", category=agents, entry_tier="paid")
    make_tool(name="Beta", entry_tier="paid", is_published=False)
    make_tool(name="Gamma", category=agents)
    assert listed_names(editor_client.get(f"{TOOLS}?category__id__exact={agents.pk}")) == [
        "Alpha",
        "Gamma",
    ]
    assert listed_names(editor_client.get(f"{TOOLS}?entry_tier__exact=paid")) == ["Alpha", "Beta"]
    assert listed_names(editor_client.get(f"{TOOLS}?is_published__exact=0")) == ["Beta"]
    assert listed_names(editor_client.get(f"{TOOLS}?q=gam")) == ["Gamma"]


@pytest.mark.django_db
@pytest.mark.parametrize("tools", [2, 12])
def test_the_tool_list_runs_a_constant_number_of_queries(
    editor_client, django_assert_num_queries, tools
):
    personas = [make_persona() for _ in range(3)]
    for n in range(tools):
        tool_with_calls(n % 3, 1, personas, category=make_category())
    # Session, user, two for permissions; the category filter, the (capped) count,
    # the rows: no second count of the whole table (shiporskip/lib/admin_lists.py).
    with django_assert_num_queries(7):
        response = editor_client.get(TOOLS)
    assert len(listed_names(response)) == tools


@pytest.mark.django_db
def test_it_publishes_and_unpublishes_through_save(editor_client):
    draft = make_tool(name="Draft", is_published=False)
    response = editor_client.post(
        TOOLS, {"action": "publish_selected", "_selected_action": [draft.pk]}, follow=True
    )
    assert "Published 1 tool." in text_of(response.content.decode())
    draft.refresh_from_db()
    assert draft.is_published
    assert editor_client.get(draft.get_absolute_url()).status_code == 200
    editor_client.post(TOOLS, {"action": "unpublish_selected", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert not draft.is_published


def take_rows(tool, rows):
    """Form changes for the first take rows: (persona, score, call, body)."""
    changes = {}
    for n, (persona, score, call, body) in enumerate(rows):
        changes |= {
            f"takes-{n}-persona": str(persona.pk),
            f"takes-{n}-score": score,
            f"takes-{n}-call": call,
            f"takes-{n}-body": body,
        }
    return changes


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("score", "call", "body", "error"),
    [
        ("101", "ship", "Fine.", "Ensure this value is less than or equal to 100."),
        ("-1", "ship", "Fine.", "Ensure this value is greater than or equal to 0."),
        ("high", "ship", "Fine.", "Enter a whole number."),
        ("70", "", "Fine.", "This field is required."),
        ("70", "maybe", "Fine.", "Select a valid choice. maybe is not one of the available"),
        ("70", "ship", "", "This field is required."),
    ],
)
def test_a_bad_take_comes_back_with_its_error_on_the_form(editor_client, score, call, body, error):
    persona = make_persona()
    tool = make_tool()
    url = f"{TOOLS}{tool.pk}/change/"
    response = submit(editor_client, url, take_rows(tool, [(persona, score, call, body)]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please correct the error below." in text_of(html)
    assert error in text_of(html)
    assert not Take.objects.exists()


@pytest.mark.django_db
def test_an_empty_score_is_saved_as_unscored(editor_client):
    persona = make_persona()
    tool = make_tool()
    url = f"{TOOLS}{tool.pk}/change/"
    response = submit(editor_client, url, take_rows(tool, [(persona, "", "skip", "No score.")]))
    assert response.status_code == 302
    take = Take.objects.get()
    assert (take.score, take.call, take.body_html) == (None, "skip", "<p>No score.</p>")


@pytest.mark.django_db
def test_a_persona_in_two_rows_is_a_form_error_not_a_crash(editor_client):
    persona, other = make_persona(), make_persona()
    tool = make_tool()
    url = f"{TOOLS}{tool.pk}/change/"
    rows = [(persona, "70", "ship", "One."), (persona, "40", "skip", "Two.")]
    response = submit(editor_client, url, take_rows(tool, rows))
    assert response.status_code == 200
    assert "Each persona gives one take per tool: a persona appears in two rows." in text_of(
        response.content.decode()
    )
    assert not Take.objects.exists()

    # A persona who already has a take cannot be chosen again in a new row.
    make_take(tool, persona)
    changes = {
        "takes-1-persona": str(persona.pk),
        "takes-1-score": "10",
        "takes-1-call": "skip",
        "takes-1-body": "Again.",
    }
    response = submit(editor_client, url, changes)
    assert response.status_code == 200
    assert "Each persona gives one take per tool" in text_of(response.content.decode())
    assert list(Take.objects.values_list("persona", flat=True)) == [persona.pk]
    assert other.takes.count() == 0


@pytest.mark.django_db
def test_a_taken_slug_is_a_form_error(editor_client):
    make_tool(name="Alpha")
    response = submit(
        editor_client,
        f"{TOOLS}add/",
        {
            "name": "Alpha!",
            "slug": "",
            "category": str(make_category().pk),
            "tagline": "Again",
            "description": "Again",
            "entry_tier": "free",
        },
    )
    assert response.status_code == 200
    assert "Tool with this Slug already exists." in text_of(response.content.decode())


@pytest.mark.django_db
def test_a_saved_take_keeps_its_persona(editor_client):
    builder, skeptic = make_persona(name="Builder"), make_persona(name="Skeptic")
    tool = make_tool()
    make_take(tool, builder, score=50)
    url = f"{TOOLS}{tool.pk}/change/"
    response = submit(
        editor_client, url, {"takes-0-persona": str(skeptic.pk), "takes-0-score": "90"}
    )
    assert response.status_code == 302
    take = Take.objects.get()
    assert (take.persona, take.score) == (builder, 90)


@pytest.mark.django_db
def test_an_unknown_verdict_filter_value_lists_everything(editor_client):
    make_tool(name="Alpha")
    response = editor_client.get(f"{TOOLS}?verdict=bogus")
    assert response.status_code == 200
    assert listed_names(response) == ["Alpha"]
