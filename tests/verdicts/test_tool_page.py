import re

import pytest
from django.contrib.auth.models import User

from tests.factories import make_comparison, make_persona, make_take, make_tool
from tests.html import assert_in_order, text_of
from verdicts.models import Call


@pytest.mark.django_db
def test_it_shows_the_card_every_take_and_the_comparisons(client, seeded):
    response = client.get("/tools/smolvm/")
    assert response.status_code == 200
    text = text_of(response.content.decode())
    assert_in_order(
        text,
        [
            "smolvm",
            "Sub-200ms microVMs for sandboxing AI coding agents safely",
            "Ship",
            "75%",
            "Paid",
            "Pricing",
            "Open Source",
            "Builder",
            "80/100 · ship",
            "Skeptic",
            "45/100 · skip",
            "Futurist",
            "Creator",
            "Compared with",
            "Claude 4 API: Tool Use Streaming & Prompt Caching vs smolvm",
        ],
    )


@pytest.mark.django_db
def test_an_unknown_or_draft_tool_is_a_404_and_staff_preview_drafts(client):
    draft = make_tool(is_published=False)
    assert client.get("/tools/no-such-tool/").status_code == 404
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(User.objects.create_user("editor", is_staff=True))
    assert "Draft preview" in client.get(draft.get_absolute_url()).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("takes", [1, 6])
def test_the_tool_page_runs_a_constant_number_of_queries(client, django_assert_num_queries, takes):
    tool = make_tool()
    for n in range(takes):
        take = make_take(tool, make_persona())
        for score in range(n):  # more takes, more history records each
            take.score = score
            take.save()
        make_comparison(tool, make_tool(category=tool.category))
    # The content version, tool, takes, take history (all records in one query),
    # the panel's size ("N of M reviewed"), comparisons, alternatives; then cached.
    with django_assert_num_queries(7):
        assert client.get(tool.get_absolute_url()).status_code == 200
    with django_assert_num_queries(1):
        assert client.get(tool.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_a_tool_without_takes_says_so(client):
    tool = make_tool()
    text = text_of(client.get(tool.get_absolute_url()).content.decode())
    assert "No panel yet" in text
    assert "No panel takes yet." in text
    assert "Not in a comparison yet." in text


@pytest.mark.django_db
def test_the_reviewer_page_shows_the_lens_and_every_published_verdict(client):
    persona = make_persona(name="Skeptic", slug="skeptic", lens="Who already does this?")
    make_take(make_tool(name="Shown Tool"), persona, score=45, call=Call.SKIP)
    make_take(make_tool(name="Unscored Tool"), persona, score=None)
    make_take(make_tool(name="Hidden Draft", is_published=False), persona)
    text = text_of(client.get("/reviewers/skeptic/").content.decode())
    assert_in_order(
        text, ["Skeptic", "Who already does this?", "Shown Tool", "45/100 · skip", "Unscored Tool"]
    )
    assert "Unscored · ship" in text
    assert "Hidden Draft" not in text
    assert client.get("/reviewers/nobody/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("takes", [1, 45])
def test_the_reviewer_page_runs_a_constant_number_of_queries(
    client, django_assert_num_queries, takes
):
    persona = make_persona()
    for _ in range(takes):
        make_take(make_tool(), persona)
    # The content version, the persona with its stored count, the categories to
    # filter by, takes (issue 15: the count of every take is stored, 5 → 4).
    with django_assert_num_queries(4):
        assert client.get(persona.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_the_reviewer_page_shows_forty_verdicts_a_page(client):
    persona = make_persona(slug="busy")
    for n in range(45):
        make_take(make_tool(name=f"Tool {n:02d}"), persona, score=n)
    html = client.get("/reviewers/busy/").content.decode()
    first = text_of(html)
    assert "45 verdicts" in first
    assert "Tool 44" in first and "Tool 04" not in first  # best scores first
    [after] = re.findall(r'<a rel="next" href="/reviewers/busy/\?after=([\w-]+)">Next</a>', html)
    second = text_of(client.get("/reviewers/busy/", {"after": after}).content.decode())
    assert "Tool 04" in second and "Tool 44" not in second
    # Old page numbers move permanently to the first page (keyset cursors since issue 15).
    assert client.get("/reviewers/busy/?page=999")["Location"] == "/reviewers/busy/"
    assert client.get("/reviewers/busy/?page=x").status_code == 301
