"""nginx in front of gunicorn as production runs them (deploy/nginx.conf): pages come
from nginx's cache, an editor's save shows within the documented bound, readers never
share a cookie, a vote counts once, static files are nginx's with far-future headers.

Page-level tests rely on the origin's header contract (README, "Edge cache (nginx)"):
public pages `public, max-age=0, s-maxage=PAGE_SHARED_MAX_AGE,
stale-while-revalidate=PAGE_STALE_SECONDS` with no Set-Cookie.
"""

import gzip
import re
import time
from urllib.parse import urlencode

import pytest

from bench.vote_storm import tallies_in
from tests.deploy.edge import start_edge
from tests.shiporskip.processes import A_SECRET_KEY, manage, start

TOOL = "/tools/smolvm/"
BADGE = "/badges/smolvm.svg"
SHARED_MAX_AGE = 2
STALE_SECONDS = 1
# The documented bound on an editor's change reaching readers through nginx, plus
# slack for a slow machine (one request to the origin, a process scheduling hiccup).
VISIBLE_WITHIN = SHARED_MAX_AGE + STALE_SECONDS + 3


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("edge")


@pytest.fixture(scope="module")
def origin_env(data_dir):
    """gunicorn as `make serve-edge` runs it: production settings, behind one proxy."""
    return {
        "DJANGO_SETTINGS_MODULE": "shiporskip.settings.prod",
        "SECRET_KEY": A_SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": "http://localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SQLITE_PATH": str(data_dir / "db.sqlite3"),
        "STATIC_ROOT": str(data_dir / "static"),
        "LOAD_SEED": "true",
        "TRUSTED_PROXY_HOPS": "1",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "2",
        "PAGE_SHARED_MAX_AGE": str(SHARED_MAX_AGE),
        "PAGE_STALE_SECONDS": str(STALE_SECONDS),
    }


@pytest.fixture(scope="module")
def origin(data_dir, origin_env):
    server = start(["bin/entrypoint"], data_dir / "gunicorn.log", **origin_env)
    try:
        server.wait_until_healthy()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def edge(data_dir, origin, origin_env):
    edge = start_edge(data_dir / "nginx", origin.port, data_dir / "static")
    try:
        yield edge
    finally:
        edge.stop()


class Reader:
    """One reader's client through nginx: its own cookies, nothing else."""

    def __init__(self, edge):
        self.edge = edge
        self.cookies: dict[str, str] = {}
        self.set_cookie_headers: list[str] = []

    def request(self, method, path, body=None):
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        response = self.edge.request(method, path, headers, body)
        for header in response.headers.get_all("Set-Cookie") or []:
            self.set_cookie_headers.append(header)
            name, value = header.split(";", 1)[0].split("=", 1)
            self.cookies[name.strip()] = value
        return response

    def vote(self, tool_path, call="ship"):
        """Vote as the page's form does: readers' forms carry no token."""
        page = self.request("GET", tool_path)
        assert page.status == 200
        assert "csrfmiddlewaretoken" not in page.text
        return self.request("POST", f"{tool_path}vote/", urlencode({"verdict": call}))


def cache_status(response) -> str:
    return response.headers.get("X-Cache-Status", "")


def test_a_badge_is_served_from_nginx_cache_on_the_second_get(edge):
    path = f"{BADGE}?style=first-test"
    first, second = edge.get(path), edge.get(path)
    assert first.status == second.status == 200
    assert cache_status(first) == "MISS"
    assert cache_status(second) == "HIT"
    assert second.body == first.body
    assert "public" in second.headers["Cache-Control"]


def test_a_public_page_is_served_from_nginx_cache_on_the_second_get(edge):
    first = edge.get("/methodology/")
    second = edge.get("/methodology/")
    assert first.status == second.status == 200
    assert f"s-maxage={SHARED_MAX_AGE}" in first.headers["Cache-Control"], first.headers
    assert cache_status(second) == "HIT"
    assert second.body == first.body
    assert second.headers.get("Set-Cookie") is None


def test_gzip_and_plain_readers_each_get_their_own_variant(edge):
    plain = edge.get(f"{BADGE}?variant=1")
    gzipped = edge.get(f"{BADGE}?variant=1", {"Accept-Encoding": "gzip"})
    assert plain.headers.get("Content-Encoding") is None
    assert plain.body.startswith(b"<svg")
    if gzipped.headers.get("Content-Encoding") == "gzip":
        assert gzip.decompress(gzipped.body) == plain.body
    else:
        assert gzipped.body == plain.body
    again = edge.get(f"{BADGE}?variant=1")
    assert cache_status(again) == "HIT"
    assert again.body == plain.body


def test_an_editors_save_is_visible_through_nginx_within_the_bound(edge, origin_env):
    page = "/tools/smollm3/"
    assert "A new tagline" not in edge.get(page).text
    assert cache_status(edge.get(page)) == "HIT"  # the old page is in nginx's cache

    # What the admin's save does: Tool.save(), in another process.
    saved = manage(
        "shell",
        "-c",
        "from verdicts.models import Tool\n"
        "tool = Tool.objects.get(slug='smollm3')\n"
        "tool.tagline = 'A new tagline for the edge test'\n"
        "tool.save()\n",
        **origin_env,
    )
    assert saved.returncode == 0, saved.stderr
    saved_at = time.monotonic()
    while "A new tagline for the edge test" not in edge.get(page).text:
        assert time.monotonic() - saved_at < VISIBLE_WITHIN, "the change never reached nginx"
        time.sleep(0.2)


def test_two_readers_through_nginx_never_share_a_cookie(edge):
    first, second = Reader(edge), Reader(edge)
    voted = first.vote(TOOL)
    assert voted.status == 303
    assert "sos_visitor" in first.cookies
    assert cache_status(voted) != "HIT"

    second.request("GET", TOOL)
    second.request("GET", voted.headers["Location"].split("#")[0])
    again = second.vote(TOOL, "skip")
    assert again.status == 303
    assert second.cookies["sos_visitor"] != first.cookies["sos_visitor"]
    assert not [h for h in second.set_cookie_headers if first.cookies["sos_visitor"] in h]
    # Nothing nginx stored carries a cookie for anyone.
    for stored in edge.cached_files():
        assert b"set-cookie" not in stored.read_bytes().lower(), stored


def test_a_vote_through_nginx_counts_once(edge, origin_env):
    reader = Reader(edge)
    assert reader.vote("/tools/smolagents-20/", "skip").status == 303
    rows, counters = tallies_in(origin_env["SQLITE_PATH"])
    assert rows.get(("smolagents-20", "skip")) == 1
    assert rows.get(("smolagents-20", "ship"), 0) == 0
    assert counters["smolagents-20"] == {"ship": 0, "skip": 1}


def test_posts_and_staff_requests_never_touch_the_cache(edge):
    path = f"{BADGE}?staff=1"
    staff = edge.get(path, {"Cookie": "sessionid=not-a-real-session"})
    assert cache_status(staff) == "BYPASS"
    assert cache_status(edge.get(path)) == "MISS"  # the staff response was not stored
    assert cache_status(edge.request("POST", "/tools/smolvm/vote/", body="")) in ("", "MISS")


def test_hashed_static_files_come_from_nginx_for_ten_years(edge, origin):
    home = edge.get("/").text
    stylesheet = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', home).group(1)
    response = edge.get(stylesheet, {"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.headers["Cache-Control"] == "public, max-age=315360000, immutable"
    assert response.headers["Content-Encoding"] == "gzip"  # the .gz collectstatic wrote
    assert b"{" in gzip.decompress(response.body)
    assert response.headers["Server"] == "nginx"
    assert not origin.log_lines_with(stylesheet.split("/")[-1])  # gunicorn never saw it
