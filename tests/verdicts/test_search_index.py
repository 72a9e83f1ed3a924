"""The search index follows every save and delete of a tool, a take or a
category, in the writing transaction; `rebuild_search_index` repairs it after
bulk writes. Runs on both databases (CI), so both engines' indexes are checked."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client

from tests.factories import make_category, make_persona, make_take, make_tool
from verdicts.models import SearchDocument, Take, Tool


def found(client, q) -> list[str]:
    html = client.get("/search/", {"q": q}).content.decode()
    if 'id="results-heading"' not in html:
        return []  # the suggestions below "Nothing matches" are not hits
    html = html.split('id="results-heading"', 1)[1]
    return re.findall(r'class="tool-row__name" href="[^"]+"><bdi>([^<]+)</bdi></a>', html)


@pytest.mark.django_db
def test_a_new_take_is_found_and_a_deleted_one_is_not(client):
    tool = make_tool(name="Quiet")
    take = make_take(tool, make_persona(), body="A turbocharged sandbox.")
    assert found(client, "turbocharged") == ["Quiet"]
    take.body = "A calm sandbox."
    take.save()
    assert found(client, "turbocharged") == []
    assert found(client, "calm") == ["Quiet"]
    take.delete()
    assert found(client, "calm") == []


@pytest.mark.django_db
def test_a_renamed_unpublished_or_deleted_tool_is_found_as_it_now_is(client):
    tool = make_tool(name="Oldname", tagline="Plain")
    tool.name = "Newname"
    tool.save()
    assert found(client, "oldname") == []
    assert found(client, "newname") == ["Newname"]
    tool.is_published = False
    tool.save()
    assert found(client, "newname") == []
    tool.delete()
    assert not SearchDocument.objects.exists()


@pytest.mark.django_db
def test_renaming_a_category_reindexes_its_tools(client):
    category = make_category(name="Terminals")
    make_tool(name="Alpha", category=category)
    make_tool(name="Beta", category=category)
    make_tool(name="Other")
    category.name = "Orchestrators"
    category.save()
    assert found(client, "orchestrators") == ["Alpha", "Beta"]
    assert found(client, "terminals") == []


@pytest.mark.django_db
def test_the_admins_publish_action_makes_drafts_findable(editor_client):
    reader = Client()
    draft = make_tool(name="Drafty", is_published=False)
    assert found(reader, "drafty") == []
    editor_client.post(
        "/admin/verdicts/tool/",
        {"action": "publish_selected", "_selected_action": [draft.pk]},
    )
    assert Tool.objects.get(pk=draft.pk).is_published
    assert found(reader, "drafty") == ["Drafty"]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_save_leaves_the_index_as_it_was(client):
    tool = make_tool(name="Steady", tagline="Granite")
    with pytest.raises(RuntimeError), transaction.atomic():
        tool.tagline = "Marble"
        tool.save()
        raise RuntimeError("the editor's request failed")
    assert found(client, "marble") == []
    assert found(client, "granite") == ["Steady"]


@pytest.mark.django_db
def test_the_seed_fixtures_are_searchable_once_loaded(client, seeded):
    assert SearchDocument.objects.count() == Tool.objects.count() == 6
    assert found(client, "smolvm")[0] == "smolvm"


@pytest.mark.django_db
def test_rebuild_repairs_the_index_after_bulk_writes(client):
    tool = make_tool(name="Bulky", tagline="Before")
    persona = make_persona()
    # update() and bulk_create() send no signal: the index does not know.
    Tool.objects.filter(pk=tool.pk).update(tagline="Hovercraft")
    Take.objects.bulk_create(
        [Take(tool=tool, persona=persona, call="ship", body="x", body_html="<p>zeppelin</p>")]
    )
    assert found(client, "hovercraft") == []
    out = StringIO()
    call_command("rebuild_search_index", "--if-stale", stdout=out)
    assert "nothing to rebuild" in out.getvalue()
    call_command("rebuild_search_index", stdout=out)
    assert "Rebuilt the search index: 1 tools." in out.getvalue()
    assert found(client, "hovercraft") == ["Bulky"]
    assert found(client, "zeppelin") == ["Bulky"]


@pytest.mark.django_db
def test_rebuild_if_stale_indexes_tools_that_lack_a_document(client):
    make_tool(name="Lonely")
    SearchDocument.objects.all().delete()
    assert found(client, "lonely") == []
    out = StringIO()
    call_command("rebuild_search_index", "--if-stale", stdout=out)
    assert "1 tools" in out.getvalue()
    assert found(client, "lonely") == ["Lonely"]


@pytest.mark.django_db
def test_the_engine_index_holds_exactly_the_documents():
    for n in range(3):
        make_tool(name=f"Tool number {n}")
    Tool.objects.get(name="Tool number 1").delete()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # FTS5's own check that an external-content table matches its content.
            cursor.execute(
                "INSERT INTO verdicts_search_fts(verdicts_search_fts, rank) "
                "VALUES ('integrity-check', 1)"
            )
            cursor.execute(
                "INSERT INTO verdicts_search_names(verdicts_search_names, rank) "
                "VALUES ('integrity-check', 1)"
            )
            cursor.execute(
                "SELECT count(*) FROM verdicts_search_fts WHERE verdicts_search_fts MATCH 'number'"
            )
        else:
            cursor.execute(
                "SELECT count(*) FROM verdicts_searchdocument "
                "WHERE vector @@ to_tsquery('english', 'number')"
            )
        assert cursor.fetchone()[0] == 2
