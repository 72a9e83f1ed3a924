"""deploy/nginx.conf's caching rules against a stub origin that answers exactly the
header contract: what nginx caches, for how long, and what it never stores. (The
real app behind nginx is tests/deploy/test_edge_cache.py.)"""

import itertools
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.deploy.edge import start_edge

SHARED_MAX_AGE = 2
STALE_SECONDS = 1


class StubOrigin(BaseHTTPRequestHandler):
    """/page: public for SHARED_MAX_AGE; /cookie: public but sets a cookie;
    /private: private, no-store. Every body names how many requests reached it."""

    counter = itertools.count(1)
    forwarded: list[dict[str, str]] = []

    def _answer(self):
        number = next(self.counter)
        StubOrigin.forwarded.append(dict(self.headers))
        path = self.path.split("?")[0]
        body = f"answer {number} to {self.command} {self.path}".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        if path == "/private":
            self.send_header("Cache-Control", "private, no-store")
        else:
            self.send_header(
                "Cache-Control",
                f"public, max-age=0, s-maxage={SHARED_MAX_AGE}, "
                f"stale-while-revalidate={STALE_SECONDS}",
            )
            self.send_header("Vary", "Accept-Encoding")
        if path == "/cookie":
            self.send_header("Set-Cookie", f"sos_visitor=reader-{number}; Path=/; HttpOnly")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_HEAD = do_POST = _answer

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def edge(tmp_path_factory):
    origin = ThreadingHTTPServer(("127.0.0.1", 0), StubOrigin)
    threading.Thread(target=origin.serve_forever, daemon=True).start()
    data_dir = tmp_path_factory.mktemp("edge-config")
    (data_dir / "static").mkdir()
    edge = start_edge(data_dir / "nginx", origin.server_address[1], data_dir / "static")
    try:
        yield edge
    finally:
        edge.stop()
        origin.shutdown()


def test_it_keeps_a_page_for_s_maxage_then_fetches_a_fresh_one(edge):
    first = edge.get("/page?a")
    stored_at = time.monotonic()
    assert first.headers["X-Cache-Status"] == "MISS"
    assert edge.get("/page?a").headers["X-Cache-Status"] == "HIT"
    # nginx counts whole seconds: a copy stored at 10.9 s is fresh until 12 s has passed.
    while (response := edge.get("/page?a")).headers["X-Cache-Status"] == "HIT":
        assert response.body == first.body
        assert time.monotonic() - stored_at < SHARED_MAX_AGE + 1.5, "kept past s-maxage"
        time.sleep(0.1)
    assert time.monotonic() - stored_at >= SHARED_MAX_AGE - 0.1
    # Within stale-while-revalidate: the stale copy at once, a fresh one fetched behind it.
    assert response.headers["X-Cache-Status"] in ("STALE", "UPDATING")
    assert response.body == first.body
    deadline = time.monotonic() + 2
    while edge.get("/page?a").body == first.body:
        assert time.monotonic() < deadline, "nginx kept serving the expired page"
        time.sleep(0.1)


def test_it_never_stores_a_response_that_sets_a_cookie(edge):
    first, second = edge.get("/cookie"), edge.get("/cookie")
    assert first.headers["X-Cache-Status"] == second.headers["X-Cache-Status"] == "MISS"
    assert first.headers["Set-Cookie"] != second.headers["Set-Cookie"]


def test_it_never_stores_private_answers_or_posts(edge):
    assert edge.get("/private").body != edge.get("/private").body
    edge.get("/page?b")  # a cached GET of the same URL...
    posted = [edge.request("POST", "/page?b", body="x") for _ in range(2)]
    # ...never answers a POST, and a POST is never stored.
    assert posted[0].body != posted[1].body
    assert all(p.body.startswith(b"answer") and b"POST" in p.body for p in posted)
    assert edge.get("/page?b").headers["X-Cache-Status"] == "HIT"


def test_a_staff_session_neither_reads_nor_fills_the_cache(edge):
    edge.get("/page?c")
    staff = edge.get("/page?c", {"Cookie": "sessionid=abc"})
    assert staff.headers["X-Cache-Status"] == "BYPASS"
    staff_only = edge.get("/page?d", {"Cookie": "sessionid=abc"})
    assert edge.get("/page?d").headers["X-Cache-Status"] == "MISS"
    assert staff_only.headers["X-Cache-Status"] == "BYPASS"


def test_it_tells_the_origin_who_asked_and_how(edge):
    StubOrigin.forwarded.clear()
    edge.get("/page?e", {"X-Forwarded-For": "198.51.100.9", "Host": "example.test:8080"})
    seen = StubOrigin.forwarded[-1]
    # The reader's claim stays on the left; the address nginx saw is appended.
    assert seen["X-Forwarded-For"] == "198.51.100.9, 127.0.0.1"
    assert seen["X-Forwarded-Proto"] == "http"
    assert seen["Host"] == seen["X-Forwarded-Host"] == "example.test:8080"


def test_the_cache_key_keeps_sites_apart(edge):
    one = edge.get("/page?f", {"Host": "one.test"})
    other = edge.get("/page?f", {"Host": "other.test"})
    assert other.headers["X-Cache-Status"] == "MISS"
    assert one.body != other.body
