"""The "compare any two tools" picker on the home page and at /compare/."""

import os
import re

import pytest

from tests.factories import make_comparison, make_tool
from tests.html import text_of


@pytest.mark.django_db
def test_the_home_page_has_a_labelled_picker_of_published_tools(client):
    make_tool(name="Alpha"), make_tool(name="Beta"), make_tool(name="Hidden", is_published=False)
    html = client.get("/").content.decode()
    form = html[html.index('<form class="picker"') : html.index("</form>", html.index("picker"))]
    assert 'action="/compare/"' in form
    assert 'method="get"' in form
    for name, label in (("a", "First tool"), ("b", "Second tool")):
        assert f'<label for="picker-{name}">{label}</label>' in form
        assert f'<select id="picker-{name}" name="{name}" required>' in form
    assert form.count('<option value="alpha">Alpha</option>') == 2
    assert "Hidden" not in form


@pytest.mark.django_db
def test_picking_two_unpaired_tools_redirects_to_the_on_demand_pair(client):
    make_tool(name="Zed"), make_tool(name="Able")
    response = client.get("/compare/", {"a": "zed", "b": "able"})
    assert response.status_code == 302
    assert response["Location"] == "/compare/able-vs-zed/"


@pytest.mark.django_db
def test_picking_a_curated_pair_in_either_order_redirects_to_the_curated_page(client):
    zed, able = make_tool(name="Zed"), make_tool(name="Able")
    make_comparison(zed, able)
    for a, b in (("able", "zed"), ("zed", "able")):
        assert client.get("/compare/", {"a": a, "b": b})["Location"] == "/compare/zed-vs-able/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"a": "alpha", "b": "alpha"}, "Pick two different tools to compare."),
        ({"a": "alpha", "b": "nope"}, "Second tool: we have no published tool “nope”"),
        ({"a": "draft", "b": "alpha"}, "First tool: we have no published tool “draft”"),
        ({"a": "alpha", "b": "<script>"}, "we have no published tool “<script>”"),
    ],
)
def test_a_bad_pick_is_a_400_that_shows_the_picker_again(client, query, message):
    make_tool(name="Alpha"), make_tool(name="Beta"), make_tool(name="Draft", is_published=False)
    response = client.get("/compare/", query)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in text_of(html)
    assert "<script>" not in html.split("<main", 1)[1]
    assert '<select id="picker-a" name="a" required>' in html
    if query["a"] == "alpha":
        assert '<option value="alpha" selected>Alpha</option>' in html


@pytest.mark.django_db
def test_one_tool_given_shows_the_picker_with_it_chosen(client):
    make_tool(name="Alpha"), make_tool(name="Beta")
    response = client.get("/compare/", {"a": "beta"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<option value="beta" selected>Beta</option>') == 1
    assert client.get("/compare/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("tools", [2, 12])
def test_the_picker_redirect_runs_two_queries(client, django_assert_num_queries, tools):
    for _ in range(tools):
        make_tool()
    a, b = make_tool(name="Able"), make_tool(name="Zed")
    # +1: the content version read by the page cache
    with django_assert_num_queries(3):
        response = client.get("/compare/", {"a": a.slug, "b": b.slug})
    assert response["Location"] == "/compare/able-vs-zed/"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_reader_compares_two_tools_with_the_picker_in_a_browser(live_server, page):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    make_tool(name="Zed Agent"), make_tool(name="Able Coder"), make_tool(name="Other")
    page.goto(live_server.url + "/")
    page.get_by_label("First tool").select_option(label="Zed Agent")
    page.get_by_label("Second tool").select_option(label="Able Coder")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url(re.compile(r"/compare/able-coder-vs-zed-agent/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Able Coder vs Zed Agent"
    assert "not an editor's pick" in page.locator("#on-demand-notice").inner_text()


@pytest.mark.django_db
def test_the_picker_offers_the_newest_tools_but_accepts_any(client, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from comparisons import views
    from tests.factories import make_tool

    monkeypatch.setattr(views, "PICKER_TOOLS", 3)
    week_ago = timezone.now() - timedelta(days=7)
    tools = [
        make_tool(name=f"Tool {n:02d}", published_at=week_ago + timedelta(hours=n))
        for n in range(6)
    ]
    html = client.get("/").content.decode()
    picker = html[
        html.index('<select id="picker-a"') : html.index("</select>", html.index("picker-a"))
    ]
    assert picker.count("<option value=") == 4  # the prompt and the three newest
    assert all(f">{t.name}<" in picker for t in tools[3:])
    assert ">Tool 00<" not in picker
    response = client.get("/compare/", {"a": tools[0].slug, "b": tools[1].slug})
    assert response.status_code == 302
    assert response["Location"] == f"/compare/{tools[0].slug}-vs-{tools[1].slug}/"
    chosen = client.get("/compare/", {"a": tools[0].slug}).content.decode()
    assert f'<option value="{tools[0].slug}" selected>' in chosen


@pytest.mark.django_db
def test_the_compare_page_offers_a_third_and_fourth_optional_tool(client):
    make_tool(name="Alpha"), make_tool(name="Beta")
    html = client.get("/compare/").content.decode()
    form = html[html.index('<form class="picker"') : html.index("</form>", html.index("picker"))]
    assert '<details class="picker__more">' in form
    assert "<summary>Add a tool</summary>" in form
    for name, label in (("c", "Third tool (optional)"), ("d", "Fourth tool (optional)")):
        assert f'<label for="picker-{name}">{label}</label>' in form
        assert f'<select id="picker-{name}" name="{name}">' in form
    assert form.count('<option value="alpha">Alpha</option>') == 4


@pytest.mark.django_db
def test_picking_a_third_tool_redirects_to_the_three_tool_page(client):
    make_tool(name="Zed"), make_tool(name="Able"), make_tool(name="Mid")
    response = client.get("/compare/", {"a": "zed", "b": "able", "c": "mid"})
    assert response.status_code == 302
    assert response["Location"] == "/compare/able-vs-mid-vs-zed/"
    assert client.get(response["Location"]).status_code == 200
    # A fourth without a third simply comes third.
    assert client.get("/compare/", {"a": "zed", "b": "able", "d": "mid"})["Location"] == (
        "/compare/able-vs-mid-vs-zed/"
    )


@pytest.mark.django_db
def test_picking_a_curated_trio_in_any_order_redirects_to_the_curated_page(client):
    zed, able, mid = make_tool(name="Zed"), make_tool(name="Able"), make_tool(name="Mid")
    make_comparison(mid, zed, able)
    for a, b, c in (("able", "zed", "mid"), ("zed", "mid", "able")):
        response = client.get("/compare/", {"a": a, "b": b, "c": c})
        assert response["Location"] == "/compare/mid-vs-zed-vs-able/"
    # The pair alone is not the trio.
    assert client.get("/compare/", {"a": "zed", "b": "able"})["Location"] == (
        "/compare/able-vs-zed/"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"a": "alpha", "b": "beta", "c": "alpha"}, "Pick 3 different tools to compare"),
        ({"a": "alpha", "b": "beta", "c": "gamma", "d": "beta"}, "Pick 4 different tools"),
        ({"a": "alpha", "b": "beta", "c": "nope"}, "Third tool (optional): we have no published"),
    ],
)
def test_a_bad_third_or_fourth_pick_is_a_400_that_keeps_the_choices(client, query, message):
    make_tool(name="Alpha"), make_tool(name="Beta"), make_tool(name="Gamma")
    response = client.get("/compare/", query)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in text_of(html)
    assert '<details class="picker__more" open>' in html
    assert '<option value="beta" selected>Beta</option>' in html


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 4])
def test_the_picker_redirect_costs_the_same_for_two_or_four_tools(
    client, django_assert_num_queries, count
):
    tools = [make_tool() for _ in range(count)]
    query = dict(zip("abcd", (tool.slug for tool in tools), strict=False))
    # +1: the content version read by the page cache
    with django_assert_num_queries(3):
        response = client.get("/compare/", query)
    assert response["Location"] == "/compare/{}/".format(
        "-vs-".join(sorted(tool.slug for tool in tools))
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_reader_adds_a_third_tool_without_javascript(live_server, browser):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    make_tool(name="Zed Agent"), make_tool(name="Able Coder"), make_tool(name="Mid Tool")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/compare/")
    assert not page.get_by_label("Third tool (optional)").is_visible()
    page.locator("summary", has_text="Add a tool").click()
    page.get_by_label("First tool").select_option(label="Zed Agent")
    page.get_by_label("Second tool").select_option(label="Able Coder")
    page.get_by_label("Third tool (optional)").select_option(label="Mid Tool")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url(re.compile(r"/compare/able-coder-vs-mid-tool-vs-zed-agent/$"))
    assert (
        page.get_by_role("heading", level=1).inner_text() == "Able Coder vs Mid Tool vs Zed Agent"
    )
    heads = page.locator(".decision-table thead th[scope=col]").all_inner_texts()
    assert heads[1:] == ["Able Coder", "Mid Tool", "Zed Agent"]
    context.close()
