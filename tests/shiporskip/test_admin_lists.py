"""Admin changelists at scale (shiporskip/lib/admin_lists.py): the count stops at
a cap, a page shows LIST_PER_PAGE rows, and no list's queries grow with its rows."""

import re

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shiporskip.lib import admin_lists
from tests.factories import make_comparison, make_persona, make_take, make_tool, make_vote
from tests.html import text_of
from verdicts.models import Tool

VOTES = "/admin/verdicts/communityvote/"
TOOLS = "/admin/verdicts/tool/"
TAKES = "/admin/verdicts/take/"
COMPARISONS = "/admin/comparisons/comparison/"


@pytest.fixture
def small_cap(monkeypatch):
    """A cap of 5 rows, so a test crosses it with a handful of rows."""
    monkeypatch.setattr(admin_lists, "COUNT_CAP", 5)
    return 5


def counts_in(queries) -> list[str]:
    return [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]


@pytest.mark.django_db
def test_it_counts_exactly_below_the_cap_and_says_more_than_above_it(editor_client, small_cap):
    tool = make_tool(name="Rocket")
    for _ in range(4):
        make_vote(tool)
    assert "4 community votes" in text_of(editor_client.get(VOTES).content.decode())
    for _ in range(4):
        make_vote(tool)
    with CaptureQueriesContext(connection) as captured:
        page = text_of(editor_client.get(VOTES).content.decode())
    assert "more than 5 community votes" in page
    assert "8 community votes" not in page
    # One count, and it stops reading at the cap: no COUNT over the whole table.
    [count] = counts_in(captured)
    assert "LIMIT 6" in count


@pytest.mark.django_db
def test_search_results_and_select_all_say_more_than_too(editor_client, small_cap):
    for n in range(7):
        make_tool(name=f"Rocket {n}")
    html = editor_client.get(TOOLS, {"q": "rocket"}).content.decode()
    assert "more than 5 results" in text_of(html)
    assert "Select all more than 5 tools" in text_of(html)
    assert re.search(r"\b7 results\b", text_of(html)) is None


@pytest.mark.django_db
def test_a_page_shows_list_per_page_rows_and_links_the_next(editor_client):
    per_page = admin_lists.LIST_PER_PAGE
    for n in range(per_page + 3):
        make_tool(name=f"Tool {n:03d}")
    html = editor_client.get(TOOLS).content.decode()
    assert html.count('class="action-select"') == per_page
    second = editor_client.get(TOOLS, {"p": 2}).content.decode()
    assert second.count('class="action-select"') == 3
    assert "Tool 027" in text_of(second)


@pytest.mark.django_db
def test_the_row_checkbox_is_the_one_django_draws():
    tool = make_tool(name='Quote " & <tag>')
    tool_admin = admin.site._registry[Tool]
    assert isinstance(tool_admin, admin_lists.LargeListAdmin)
    assert str(tool_admin.action_checkbox(tool)) == str(
        admin.ModelAdmin.action_checkbox(tool_admin, tool)
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "grow"),
    [
        (VOTES, lambda n: make_vote(make_tool(), visitor_key=f"reader-{n}")),
        (TOOLS, lambda n: make_take(make_tool(), make_persona())),
        (TAKES, lambda n: make_take(make_tool(), make_persona())),
        (COMPARISONS, lambda n: make_comparison(make_tool(), make_tool())),
    ],
    ids=["votes", "tools", "takes", "comparisons"],
)
def test_a_list_runs_the_same_queries_below_and_above_the_cap(editor_client, small_cap, url, grow):
    queries, made = [], 0
    for size in (2, small_cap + 4):
        while made < size:
            grow(made)
            made += 1
        with CaptureQueriesContext(connection) as captured:
            assert editor_client.get(url).status_code == 200
        queries.append(len(captured))
        # Below the cap the count is exact, above it "more than": one count either way.
        assert len(counts_in(captured)) == 1
    assert queries[0] == queries[1]
