"""The comparisons desk: tool pickers, the derived public URL and the pair rules."""

import json

import pytest

from comparisons.models import Comparison
from tests.admin_forms import admin_form, submit
from tests.factories import make_comparison, make_tool
from tests.html import assert_in_order, text_of

ADD = "/admin/comparisons/comparison/add/"


def errors_of(response) -> str:
    assert response.status_code == 200, "expected the form back with its errors"
    return text_of(response.content.decode())


@pytest.mark.django_db
def test_a_tool_cannot_be_compared_with_itself(editor_client):
    tool = make_tool()
    text = errors_of(submit(editor_client, ADD, {"tool_a": tool.pk, "tool_b": tool.pk}))
    assert "A tool cannot be compared with itself." in text
    assert "Constraint" not in text
    assert not Comparison.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("reverse", [False, True], ids=["same order", "reverse order"])
def test_a_pair_is_compared_only_once_in_either_order(editor_client, reverse):
    a, b = make_tool(), make_tool()
    make_comparison(a, b)
    left, right = (b, a) if reverse else (a, b)
    text = errors_of(submit(editor_client, ADD, {"tool_a": left.pk, "tool_b": right.pk}))
    assert text.count("These two tools already have a comparison, in either order.") == 1
    assert "Constraint" not in text
    assert Comparison.objects.count() == 1


@pytest.mark.django_db
def test_both_tools_are_required(editor_client):
    text = errors_of(submit(editor_client, ADD, {"tool_a": "", "tool_b": ""}))
    assert text.count("This field is required.") == 2
    assert not Comparison.objects.exists()


@pytest.mark.django_db
def test_it_shows_the_public_url_made_from_the_tools_and_links_to_the_site(editor_client):
    a, b = make_tool(name="Alpha"), make_tool(name="Beta")
    assert "Made from the tools once saved" in text_of(editor_client.get(ADD).content.decode())
    comparison = make_comparison(a, b)
    html = editor_client.get(f"/admin/comparisons/comparison/{comparison.pk}/change/")
    html = html.content.decode()
    assert '<a href="/compare/alpha-vs-beta/">/compare/alpha-vs-beta/</a>' in html
    assert "View on site" in text_of(html)
    listing = text_of(editor_client.get("/admin/comparisons/comparison/").content.decode())
    assert_in_order(listing, ["Alpha vs Beta", "/compare/alpha-vs-beta/"])

    # Renaming a tool's slug moves the comparison's URL with it.
    a.slug = "alpha-two"
    a.save()
    listing = text_of(editor_client.get("/admin/comparisons/comparison/").content.decode())
    assert "/compare/alpha-two-vs-beta/" in listing


@pytest.mark.django_db
def test_the_tool_pickers_autocomplete_by_name(editor_client):
    make_tool(name="Sandboxer")
    make_tool(name="Other")
    form = admin_form(editor_client, ADD)
    assert not form.get("tool_a") and not form.get("tool_b")
    html = editor_client.get(ADD).content.decode()
    assert 'class="admin-autocomplete' in html
    response = editor_client.get(
        "/admin/autocomplete/",
        {
            "term": "sandb",
            "app_label": "comparisons",
            "model_name": "comparison",
            "field_name": "tool_b",
        },
    )
    assert response.status_code == 200
    assert [item["text"] for item in json.loads(response.content)["results"]] == ["Sandboxer"]


@pytest.mark.django_db
def test_the_list_runs_a_constant_number_of_queries(editor_client, django_assert_num_queries):
    for size in (2, 10):
        while Comparison.objects.count() < size:
            make_comparison(make_tool(), make_tool())
        with django_assert_num_queries(6):  # no "N total" count
            response = editor_client.get("/admin/comparisons/comparison/")
        assert text_of(response.content.decode()).count(" vs ") >= size


@pytest.mark.django_db
def test_editors_write_the_bottom_line_beside_the_panels_computed_one(editor_client):
    from tests.factories import make_persona, make_take

    a, b = make_tool(name="Alpha"), make_tool(name="Beta")
    persona = make_persona(name="Builder")
    make_take(a, persona, score=90)
    make_take(b, persona, score=60)
    comparison = make_comparison(a, b)
    url = f"/admin/comparisons/comparison/{comparison.pk}/change/"
    form = text_of(editor_client.get(url).content.decode())
    assert "The panel favours Alpha: the 1 persona who reviewed both, by 30 points on average." in (
        form
    )
    response = submit(
        editor_client,
        url,
        {
            "bottom_line": "Alpha for **speed**.",
            "ship_a_if": "you want speed",
            "ship_b_if": "you want calm",
        },
    )
    assert response.status_code == 302
    comparison.refresh_from_db()
    assert comparison.bottom_line_html == "<p>Alpha for <strong>speed</strong>.</p>"
    assert (comparison.ship_a_if, comparison.ship_b_if) == ("you want speed", "you want calm")
    refused = submit(editor_client, url, {"ship_a_if": "two\nlines"})
    assert refused.status_code == 200
    assert "line break" in text_of(refused.content.decode())


@pytest.mark.django_db
def test_an_editor_saves_a_three_tool_comparison_in_their_order(editor_client):
    zed, able, mid = make_tool(name="Zed"), make_tool(name="Able"), make_tool(name="Mid")
    html = editor_client.get(ADD).content.decode()
    assert 'name="tool_c"' in html and 'name="tool_d"' in html
    response = submit(
        editor_client,
        ADD,
        {"tool_a": zed.pk, "tool_b": able.pk, "tool_c": mid.pk, "is_published": "on"},
    )
    assert response.status_code == 302, text_of(response.content.decode())
    comparison = Comparison.objects.get()
    assert comparison.tools == [zed, able, mid]
    assert comparison.get_absolute_url() == "/compare/zed-vs-able-vs-mid/"
    change = editor_client.get(f"/admin/comparisons/comparison/{comparison.pk}/change/")
    assert '<a href="/compare/zed-vs-able-vs-mid/">' in change.content.decode()
    listing = text_of(editor_client.get("/admin/comparisons/comparison/").content.decode())
    assert_in_order(listing, ["Zed vs Able vs Mid", "/compare/zed-vs-able-vs-mid/"])


@pytest.mark.django_db
def test_the_same_set_of_tools_in_another_order_is_refused_with_a_message(editor_client):
    zed, able, mid = make_tool(name="Zed"), make_tool(name="Able"), make_tool(name="Mid")
    make_comparison(zed, able, mid)
    text = errors_of(
        submit(editor_client, ADD, {"tool_a": mid.pk, "tool_b": zed.pk, "tool_c": able.pk})
    )
    assert (
        text.count("These tools already have a comparison, in any order: “Zed vs Able vs Mid”.")
        == 1
    )
    assert "Constraint" not in text
    assert Comparison.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("slots", "message"),
    [
        ("a b a -", "A tool cannot be compared with itself."),
        ("a b c a", "A tool cannot be compared with itself."),
        ("a b - c", "Fill the third tool before the fourth."),
    ],
)
def test_a_repeated_tool_or_a_fourth_without_a_third_is_refused(editor_client, slots, message):
    tools = {"a": make_tool(), "b": make_tool(), "c": make_tool()}
    fields = zip(("tool_a", "tool_b", "tool_c", "tool_d"), slots.split(), strict=True)
    changes = {field: tools[name].pk if name in tools else "" for field, name in fields}
    text = errors_of(submit(editor_client, ADD, changes))
    assert message in text
    assert "Constraint" not in text
    assert not Comparison.objects.exists()


@pytest.mark.django_db
def test_the_list_of_three_and_four_tool_comparisons_keeps_its_query_count(
    editor_client, django_assert_num_queries
):
    for _ in range(5):
        make_comparison(make_tool(), make_tool(), make_tool(), make_tool())
        make_comparison(make_tool(), make_tool(), make_tool())
    with django_assert_num_queries(6):  # no "N total" count
        response = editor_client.get("/admin/comparisons/comparison/")
    assert text_of(response.content.decode()).count(" vs ") >= 25
