"""/reviewers/ introduces the panel; a reviewer's page filters by category."""

import pytest

from tests.factories import make_category, make_persona, make_take, make_tool
from tests.html import assert_in_order, region, text_of
from verdicts.models import Call


@pytest.mark.django_db
def test_the_index_lists_the_panel_in_order_with_their_published_verdicts(client, seeded):
    make_take(make_tool(name="Draft", is_published=False), _persona("skeptic"))
    response = client.get("/reviewers/")
    assert response.status_code == 200
    text = text_of(response.content.decode())
    assert_in_order(text, ["Builder", "Skeptic", "Futurist", "Founder", "PM", "Creator"])
    assert_in_order(
        text,
        ["Skeptic", "Name the competitors, find where it breaks, predict what kills it.", "Lens:"],
    )
    assert "Builder Show me the primitive" in text
    assert "6 verdicts · 5 ship / 1 skip" in text  # Builder, drafts not counted


def _persona(slug):
    from verdicts.models import Persona

    return Persona.objects.get(slug=slug)


@pytest.mark.django_db
@pytest.mark.parametrize("personas", [2, 8])
def test_the_index_runs_one_query(client, django_assert_num_queries, personas):
    for _ in range(personas):
        make_take(make_tool(), make_persona())
    # +1: the content version read by the page cache
    with django_assert_num_queries(2):
        assert client.get("/reviewers/").status_code == 200


@pytest.fixture
def skeptic(db):
    persona = make_persona(name="Skeptic", slug="skeptic")
    agents, models = make_category(name="Agents"), make_category(name="Models")
    make_take(make_tool(name="Agent One", category=agents), persona, score=40, call=Call.SKIP)
    make_take(make_tool(name="Model One", category=models), persona, score=90)
    make_take(make_tool(name="Agent Two", category=agents), persona, score=None)
    return persona


def verdicts(response) -> str:
    return text_of(region(response.content.decode(), "verdicts-heading"))


@pytest.mark.django_db
def test_a_reviewer_page_filters_its_verdicts_by_category(client, skeptic):
    every = verdicts(client.get("/reviewers/skeptic/"))
    assert_in_order(every, ["Every verdict by Skeptic", "Model One", "Agent One", "Agent Two"])
    response = client.get("/reviewers/skeptic/", {"category": "agents"})
    assert response.status_code == 200
    agents = verdicts(response)
    assert_in_order(
        agents, ["Skeptic's verdicts in Agents", "Agent One", "40/100 · skip", "Agent Two"]
    )
    assert "Model One" not in agents
    html = response.content.decode()
    assert '<label for="reviewer-category">Category</label>' in html
    assert '<option value="agents" selected>Agents</option>' in html


@pytest.mark.django_db
def test_an_unknown_category_is_a_400_that_still_shows_every_verdict(client, skeptic):
    response = client.get("/reviewers/skeptic/", {"category": "<b>nope</b>"})
    assert response.status_code == 400
    text = verdicts(response)
    assert "Skeptic has no verdicts in a category called “<b>nope</b>”" in text
    assert_in_order(text, ["Model One", "Agent One", "Agent Two"])
    assert "<b>nope" not in response.content.decode()


@pytest.mark.django_db
def test_the_panel_breadcrumb_leads_to_the_index(client, skeptic):
    html = client.get("/reviewers/skeptic/").content.decode()
    assert '<a href="/reviewers/">Reviewers</a>' in html


@pytest.mark.django_db
@pytest.mark.parametrize("tools", [2, 45])
def test_a_reviewer_page_runs_a_constant_number_of_queries(
    client, django_assert_num_queries, tools
):
    persona = make_persona(name="Skeptic", slug="skeptic")
    agents, models = make_category(name="Agents"), make_category(name="Models")
    for n in range(tools):
        make_take(make_tool(category=agents if n % 2 else models), persona, score=n % 100)
    make_take(make_tool(name="Draft", is_published=False, category=agents), persona)
    # The content version, the persona with its stored counts, its categories,
    # one page of verdicts (each tool's category is one of those categories).
    with django_assert_num_queries(4):
        response = client.get("/reviewers/skeptic/")
    text = verdicts(response)
    assert f"{tools} verdicts" in text  # the stored count; the draft is not counted
    assert text.count("/100 ·") == min(tools, 40)
    assert "Draft" not in text
    # In one category the count is counted: one more query.
    with django_assert_num_queries(5):
        response = client.get("/reviewers/skeptic/", {"category": "agents"})
    in_agents = tools // 2
    assert f"{in_agents} verdict{'s' if in_agents != 1 else ''}" in verdicts(response)
