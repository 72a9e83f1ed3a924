"""/badges/<slug>.svg: a well-formed, cacheable SVG with the panel verdict."""

import xml.etree.ElementTree as ET

import pytest

from tests.factories import make_persona, make_take, make_tool
from verdicts.models import Call

SVG = "{http://www.w3.org/2000/svg}"


def parse(response):
    root = ET.fromstring(response.content)
    assert root.tag == f"{SVG}svg"
    return root


def texts(root) -> list[str]:
    return [element.text for element in root.iter(f"{SVG}text")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("calls", "message", "colour"),
    [
        ([Call.SHIP, Call.SHIP, Call.SHIP, Call.SKIP], "Ship · 75% ship", "#0b6b35"),
        ([Call.SHIP, Call.SKIP, Call.SKIP], "Skip · 33% ship", "#a3261a"),
        ([Call.SHIP, Call.SKIP], "Split · 50% ship", "#7a5200"),
        ([], "No panel yet", "#555b66"),
    ],
)
def test_it_shows_the_panel_verdict_and_ship_percent(client, calls, message, colour):
    tool = make_tool(name="Rocket")
    for call in calls:
        make_take(tool, make_persona(), call=call)
    response = client.get("/badges/rocket.svg")
    assert response.status_code == 200
    root = parse(response)
    assert texts(root) == ["Ship or Skip", message]
    assert root.find(f"{SVG}title").text == f"Rocket on Ship or Skip: {message}"
    assert root.get("aria-label") == f"Rocket on Ship or Skip: {message}"
    assert colour in [rect.get("fill") for rect in root.iter(f"{SVG}rect")]
    widths = [int(rect.get("width")) for rect in root.find(f"{SVG}g").iter(f"{SVG}rect")]
    assert sum(widths) == int(root.get("width"))


@pytest.mark.django_db
def test_it_is_cacheable_and_safe_to_embed(client):
    make_tool(name="Rocket")
    response = client.get("/badges/rocket.svg")
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert (
        response["Cache-Control"] == "public, max-age=3600, s-maxage=60, stale-while-revalidate=30"
    )
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"<script" not in response.content


@pytest.mark.django_db
def test_a_hostile_tool_name_is_escaped_and_stays_well_formed(client):
    tool = make_tool(name='Evil "><script>alert(1)</script> & Co', slug="evil")
    root = parse(client.get("/badges/evil.svg"))
    assert root.find(f"{SVG}title").text == f"{tool.name} on Ship or Skip: No panel yet"
    assert root.find(f"{SVG}script") is None
    assert not list(root.iter(f"{SVG}script"))


@pytest.mark.django_db
def test_unknown_and_draft_tools_have_no_badge(client):
    make_tool(name="Draft", is_published=False)
    assert client.get("/badges/nothing.svg").status_code == 404
    assert client.get("/badges/draft.svg").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("takes", [1, 10])
def test_the_badge_runs_one_query(client, django_assert_num_queries, takes):
    tool = make_tool()
    for _ in range(takes):
        make_take(tool, make_persona())
    # +1: the content version read by the page cache
    with django_assert_num_queries(2):
        assert client.get(f"/badges/{tool.slug}.svg").status_code == 200
