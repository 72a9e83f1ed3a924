"""shiporskip.lib.urls.slug_path: the path reverse() gives, for a route reversed once."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from shiporskip.lib.urls import slug_path, slug_route
from tests.factories import make_tool


@pytest.mark.parametrize(
    ("route", "slug"),
    [
        ("verdicts:tool", "claude-4-api"),
        ("verdicts:category", "developer_tools"),
        ("verdicts:reviewer", "builder"),
        ("comparisons:compare", "claude-vs-smolvm"),
    ],
)
def test_it_gives_the_path_reverse_gives(route, slug):
    assert slug_path(route, slug) == reverse(route, args=[slug])


def test_it_follows_the_script_prefix_of_the_request():
    # A site served below a path (SCRIPT_NAME) links below it.
    set_script_prefix("/reviews/")
    try:
        assert slug_path("verdicts:tool", "smolvm") == "/reviews/tools/smolvm/"
        assert slug_route("verdicts:tool") == ("/reviews/tools/", "/")
    finally:
        set_script_prefix("/")
    assert slug_path("verdicts:tool", "smolvm") == "/tools/smolvm/"


def test_a_slug_the_route_refuses_fails_as_reverse_does():
    with pytest.raises(NoReverseMatch):
        slug_path("verdicts:tool", "two words")
    with pytest.raises(NoReverseMatch):
        slug_path("verdicts:no-such-route", "smolvm")


@pytest.mark.django_db
def test_a_tool_links_to_its_page(client):
    tool = make_tool(name="Smol VM", slug="smol-vm")
    assert tool.get_absolute_url() == "/tools/smol-vm/"
    assert client.get(tool.get_absolute_url()).status_code == 200
