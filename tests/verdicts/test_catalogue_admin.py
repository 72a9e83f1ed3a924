"""Categories and personas in the desk, and what deleting may not take with it."""

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
from verdicts.models import Category, Persona, Tool


@pytest.mark.django_db
def test_it_adds_a_persona_with_a_slug_from_its_name(editor_client):
    response = submit(
        editor_client,
        "/admin/verdicts/persona/add/",
        {
            "name": "Data Scientist",
            "position": "7",
            "motto": "Show me the eval.",
            "lens": "Does it measure up?",
            "excited_by": "Benchmarks",
            "tired_of": "Vibes",
        },
    )
    assert response.status_code == 302
    persona = Persona.objects.get(name="Data Scientist")
    assert persona.slug == "data-scientist"
    assert editor_client.get(persona.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_a_taken_position_is_a_form_error(editor_client):
    make_persona(position=3)
    response = submit(
        editor_client,
        "/admin/verdicts/persona/add/",
        {"name": "Late", "position": "3", "motto": "m", "lens": "l", "excited_by": "e",
         "tired_of": "t"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Persona with this Position already exists." in text_of(response.content.decode())


@pytest.mark.django_db
def test_the_category_list_counts_tools(editor_client):
    agents = make_category(name="Agents")
    make_category(name="Empty")
    make_tool(category=agents)
    make_tool(category=agents)
    make_tool(category=agents, is_published=False)  # drafts count too
    text = text_of(editor_client.get("/admin/verdicts/category/").content.decode())
    assert_in_order(text, ["Agents", "agents", "3", "Empty", "empty", "0"])
    # Sorted by the Tools column (the third), fewest first.
    text = text_of(editor_client.get("/admin/verdicts/category/?o=3").content.decode())
    assert_in_order(text, ["Empty", "empty", "0", "Agents", "agents", "3"])


@pytest.mark.django_db
@pytest.mark.parametrize("categories", [2, 12])
def test_the_category_list_runs_the_same_queries_at_any_size(
    editor_client, django_assert_num_queries, categories
):
    for n in range(categories):
        category = make_category(name=f"Category {n:02d}")
        for _ in range(n % 3 + 1):
            make_tool(category=category)

    # Session, user, the editor's user and group permissions, the capped count
    # and the page (each count a subquery of the category_id index, never a
    # join of every tool).
    with django_assert_num_queries(6):
        response = editor_client.get("/admin/verdicts/category/")

    text = text_of(response.content.decode())
    assert_in_order(text, [f"Category {categories - 1:02d}", str((categories - 1) % 3 + 1)])


@pytest.mark.django_db
def test_deleting_a_category_or_persona_in_use_is_refused_politely(editor_client):
    tool = make_tool()
    persona = make_persona()
    make_take(tool, persona)
    for url in (
        f"/admin/verdicts/category/{tool.category_id}/delete/",
        f"/admin/verdicts/persona/{persona.pk}/delete/",
    ):
        response = editor_client.post(url, {"post": "yes"})
        assert response.status_code == 200, url
        assert "would require deleting the following protected related objects" in text_of(
            response.content.decode()
        )
    assert Category.objects.filter(pk=tool.category_id).exists()
    assert Persona.objects.filter(pk=persona.pk).exists()


@pytest.mark.django_db
def test_a_tool_readers_voted_on_is_unpublished_not_deleted(editor_client):
    voted, unvoted = make_tool(), make_tool()
    make_vote(voted)
    delete = f"/admin/verdicts/tool/{voted.pk}/delete/"
    assert_in_order(
        text_of(editor_client.get(delete).content.decode()),
        ["doesn't have permission to delete the following types of objects", "community vote"],
    )
    assert editor_client.post(delete, {"post": "yes"}).status_code == 403
    assert Tool.objects.filter(pk=voted.pk).exists()
    response = editor_client.post(f"/admin/verdicts/tool/{unvoted.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Tool.objects.filter(pk=unvoted.pk).exists()
