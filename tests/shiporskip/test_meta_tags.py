"""Every page tells search engines and social sites what it is: a title, a
description, a canonical URL and Open Graph / Twitter card tags."""

from html.parser import HTMLParser

import pytest

from tests.factories import make_persona, make_take, make_tool

SITE = "http://127.0.0.1:8000"


class _Head(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta, self.links, self.title, self._in_title = {}, [], "", False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("name" in attrs or "property" in attrs):
            self.meta[attrs.get("name") or attrs["property"]] = attrs["content"]
        elif tag == "link":
            self.links.append(attrs)
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def head_of(html: str) -> _Head:
    parser = _Head()
    parser.feed(html.split("</head>")[0])
    return parser


@pytest.fixture
def site(db):
    persona = make_persona(name="Builder", slug="builder")
    alpha = make_tool(name="Alpha & Co", tagline='The "best" alpha')
    make_take(alpha, persona)
    make_tool(name="Beta", category=alpha.category)
    return alpha


PAGES = [
    ("/", "/"),
    ("/tools/", "/tools/"),
    ("/tools/?sort=name&verdict=ship", "/tools/"),
    ("/tools/alpha-co/", "/tools/alpha-co/"),
    ("/compare/alpha-co-vs-beta/", "/compare/alpha-co-vs-beta/"),
    ("/reviewers/", "/reviewers/"),
    ("/reviewers/builder/", "/reviewers/builder/"),
    ("/methodology/", "/methodology/"),
    ("/search/?q=alpha", "/search/"),
    ("/compare/", "/compare/"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "canonical_path"), PAGES)
def test_every_page_has_a_title_description_canonical_and_social_tags(
    client, site, url, canonical_path
):
    response = client.get(url)
    assert response.status_code == 200
    head = head_of(response.content.decode())
    title, description = head.title.strip(), head.meta["description"]
    assert title and "Ship or Skip" in title
    assert len(description) > 40
    canonical = [link["href"] for link in head.links if link.get("rel") == "canonical"]
    assert canonical == [f"{SITE}{canonical_path}"]
    assert head.meta["og:title"] == title
    assert head.meta["og:description"] == description
    assert head.meta["og:url"] == canonical[0]
    assert head.meta["og:type"] == "website"
    assert head.meta["og:site_name"] == "Ship or Skip"
    assert head.meta["twitter:card"] == "summary"
    assert head.meta["twitter:title"] == title


@pytest.mark.django_db
def test_the_category_page_has_its_own_canonical_url(client, site):
    path = site.category.get_absolute_url()
    head = head_of(client.get(path).content.decode())
    assert [link["href"] for link in head.links if link.get("rel") == "canonical"] == [
        f"{SITE}{path}"
    ]


@pytest.mark.django_db
def test_quotes_and_ampersands_in_names_stay_inside_their_attributes(client, site):
    head = head_of(client.get("/tools/alpha-co/").content.decode())
    assert head.meta["og:title"].startswith("Alpha & Co: Ship or Skip?")
    assert 'The "best" alpha' in head.meta["og:description"]


@pytest.mark.django_db
def test_the_navigation_links_tools_reviewers_methodology_and_search(client, site):
    html = client.get("/").content.decode()
    nav = html[html.index('class="site-nav"') : html.index("</header>")]
    for href, label in (
        ("/tools/", "Tools"),
        ("/reviewers/", "Reviewers"),
        ("/methodology/", "Methodology"),
    ):
        assert f'<a href="{href}">{label}</a>' in nav
    assert (
        '<label class="visually-hidden" for="site-search-q">Search tools and takes</label>' in nav
    )
    assert 'action="/search/" method="get"' in nav
