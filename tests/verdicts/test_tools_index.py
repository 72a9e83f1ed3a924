"""/tools/ lists every published tool with sorts and filters, and
/categories/<slug>/ lists one category's."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import make_category, make_persona, make_take, make_tool
from tests.html import text_of
from verdicts.models import Call, Tool


def listed(response) -> list[str]:
    """Tool names in the order the list shows them."""
    # Names are isolated for right-to-left text: <a …><bdi>Name</bdi></a>.
    html = response.content.decode()
    return re.findall(r'class="tool-row__name" href="[^"]+"><bdi>([^<]+)</bdi></a>', html)


def with_calls(tool, *calls):
    for call in calls:
        make_take(tool, make_persona(), call=call)
    return tool


@pytest.fixture
def catalogue(db):
    """Four published tools in two categories and a draft."""
    agents, models = make_category(name="Agents"), make_category(name="Models")
    now = timezone.now()
    ship, skip = Call.SHIP, Call.SKIP
    with_calls(
        make_tool(name="beta", category=agents, published_at=now - timedelta(days=3)),
        ship,
        ship,
        skip,
    )  # 67%
    with_calls(
        make_tool(
            name="Alpha",
            category=models,
            entry_tier=Tool.EntryTier.PAID,
            published_at=now - timedelta(days=1),
        ),
        ship,
        skip,
    )  # 50%, split
    with_calls(
        make_tool(name="Gamma", category=agents, published_at=now - timedelta(days=2)), skip
    )  # 0%
    make_tool(name="Delta", category=models, published_at=now - timedelta(days=4))  # no takes
    with_calls(make_tool(name="Draft", category=agents, is_published=False), ship)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["beta", "Alpha", "Gamma", "Delta"]),
        ("ship", ["beta", "Alpha", "Gamma", "Delta"]),
        ("newest", ["Alpha", "Gamma", "beta", "Delta"]),
        ("name", ["Alpha", "beta", "Delta", "Gamma"]),
    ],
)
def test_it_sorts_published_tools(client, catalogue, sort, expected):
    response = client.get("/tools/", {"sort": sort})
    assert response.status_code == 200
    assert listed(response) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"category": "agents"}, ["beta", "Gamma"]),
        ({"tier": "paid"}, ["Alpha"]),
        ({"verdict": "ship"}, ["beta"]),
        ({"verdict": "skip"}, ["Gamma"]),
        ({"verdict": "split"}, ["Alpha"]),
        ({"verdict": "none"}, ["Delta"]),
        ({"category": "models", "sort": "name"}, ["Alpha", "Delta"]),
        ({"category": "models", "verdict": "ship"}, []),
    ],
)
def test_it_filters_by_category_tier_and_verdict(client, catalogue, filters, expected):
    response = client.get("/tools/", filters)
    assert listed(response) == expected
    text = text_of(response.content.decode())
    assert f"{len(expected)} tool" in text
    if not expected:
        assert "No tool matches these filters." in text


@pytest.mark.django_db
def test_the_form_keeps_the_chosen_filters_selected(client, catalogue):
    html = client.get("/tools/", {"sort": "name", "verdict": "split"}).content.decode()
    assert '<label for="filter-sort">Sort by</label>' in html
    assert '<option value="name" selected>Name</option>' in html
    assert '<option value="split" selected>Split</option>' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "named"),
    [
        ({"sort": "price"}, "Sort by"),
        ({"verdict": "maybe"}, "Panel verdict"),
        ({"category": "nope", "tier": "gold"}, "Category, Entry tier"),
        ({"after": "x" * 601}, "Page"),
    ],
)
def test_a_filter_it_does_not_know_is_a_400_with_a_message(client, catalogue, query, named):
    response = client.get("/tools/", query)
    assert response.status_code == 400
    text = text_of(response.content.decode())
    assert f"Some filters were not understood ({named}); they are shown reset below." in text
    assert listed(response) == ["beta", "Alpha", "Gamma", "Delta"]


@pytest.mark.django_db
def test_it_paginates_thirty_tools_a_page(client):
    for n in range(35):
        make_tool(name=f"Tool {n:02}")
    first = client.get("/tools/", {"sort": "name"})
    assert len(listed(first)) == 30
    html = first.content.decode()
    [after] = re.findall(
        r'<a rel="next" href="/tools/\?sort=name&amp;after=([\w-]+)">Next</a>', html
    )
    assert 'rel="prev"' not in html
    second = client.get("/tools/", {"sort": "name", "after": after})
    assert listed(second) == [f"Tool {n}" for n in range(30, 35)]
    assert 'rel="next"' not in second.content.decode()
    [before] = re.findall(
        r'rel="prev" href="/tools/\?sort=name&amp;before=([\w-]+)"', second.content.decode()
    )
    assert listed(client.get("/tools/", {"sort": "name", "before": before})) == listed(first)


@pytest.mark.django_db
def test_an_old_page_number_moves_permanently_to_the_first_page_with_the_same_filters(client):
    make_tool(name="Alpha")
    response = client.get("/tools/", {"verdict": "none", "page": "3"})
    assert response.status_code == 301
    assert response["Location"] == "/tools/?verdict=none"
    assert client.get("/tools/?page=x")["Location"] == "/tools/"


@pytest.mark.django_db
@pytest.mark.parametrize("tools", [2, 45])
def test_the_list_runs_three_queries(client, django_assert_num_queries, tools):
    for _ in range(tools):
        with_calls(make_tool(), Call.SHIP, Call.SKIP)
    # Categories for the filter, the count, the page of tools with panel counts.
    # +1: the content version read by the page cache
    with django_assert_num_queries(4):
        response = client.get("/tools/", {"verdict": "split"})
    assert len(listed(response)) == min(tools, 30)
    for sort in ["ship", "newest", "name"]:
        with django_assert_num_queries(4):
            first = client.get("/tools/", {"sort": sort})
        after = re.findall(r'after=([\w-]+)"', first.content.decode())
        assert len(after) == (1 if tools > 30 else 0)
        if after:
            with django_assert_num_queries(4):  # a later page costs the same
                later = client.get("/tools/", {"sort": sort, "after": after[0]})
            assert len(listed(later)) == tools - 30


@pytest.mark.django_db
def test_a_category_page_lists_only_its_published_tools(client, catalogue):
    response = client.get("/categories/agents/")
    assert response.status_code == 200
    assert listed(response) == ["beta", "Gamma"]
    html = response.content.decode()
    assert "<h1><bdi>Agents</bdi></h1>" in html
    assert 'id="filter-category"' not in html
    assert listed(client.get("/categories/agents/", {"verdict": "skip"})) == ["Gamma"]
    assert client.get("/categories/nope/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("tools", [1, 15])
def test_a_category_page_runs_three_queries(client, django_assert_num_queries, tools):
    category = make_category(name="Agents")
    for _ in range(tools):
        with_calls(make_tool(category=category), Call.SHIP)
    # +1: the content version read by the page cache
    with django_assert_num_queries(4):
        assert len(listed(client.get("/categories/agents/"))) == tools
