"""Many readers voting at once against gunicorn with 4 workers on one SQLite file:
no 5xx, no "database is locked", and the tallies equal exactly what was sent."""

import http.client
import random
import re
import sqlite3
import threading
from urllib.parse import urlencode, urlsplit

from tests.server import gunicorn

TOOLS = [
    "claude-4-api-tool-use-streaming-prompt-caching",
    "smolvlm-3b",
    "smollm3",
    "smolagents-20",
    "smolvm",
    "llama-4-compact-12b",
]
CLIENTS = 10
VOTES_PER_CLIENT = 20


class Reader:
    """One browser: its own cookies, its own CSRF token, its own visitor id."""

    def __init__(self, base_url):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.cookies = {}

    def request(self, method, path, body=None):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, value = header.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        connection.close()
        return response.status, content

    def vote(self, slug, call, token):
        body = urlencode({"verdict": call, "csrfmiddlewaretoken": token})
        return self.request("POST", f"/tools/{slug}/vote/", body)[0]


def test_concurrent_votes_are_all_counted_exactly_once(tmp_path):
    rng = random.Random(2026)
    plans = [
        [(rng.choice(TOOLS), rng.choice(["ship", "skip"])) for _ in range(VOTES_PER_CLIENT)]
        for _ in range(CLIENTS)
    ]
    expected = {slug: {"ship": 0, "skip": 0} for slug in TOOLS}
    for plan in plans:
        last = dict(plan)  # each reader's final call per tool
        for slug, call in last.items():
            expected[slug][call] += 1

    with gunicorn(tmp_path, workers=4, extra_env={"VOTE_RATE_LIMIT": "100000/60"}) as (
        base_url,
        log_path,
        env,
    ):
        statuses = []
        start = threading.Barrier(CLIENTS)

        def run(plan):
            reader = Reader(base_url)
            _, html = reader.request("GET", "/tools/smolvm/")
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
            start.wait()
            for slug, call in plan:
                statuses.append(reader.vote(slug, call, token))

        threads = [threading.Thread(target=run, args=(plan,)) for plan in plans]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        log = log_path.read_text()

    assert len(statuses) == CLIENTS * VOTES_PER_CLIENT
    assert set(statuses) == {303}, sorted(set(statuses))
    assert "database is locked" not in log
    assert "Traceback" not in log

    db = sqlite3.connect(env["SQLITE_PATH"])
    rows = dict(
        ((slug, call), n)
        for slug, call, n in db.execute(
            "SELECT t.slug, v.call, COUNT(*) FROM verdicts_communityvote v "
            "JOIN verdicts_tool t ON t.id = v.tool_id GROUP BY t.slug, v.call"
        )
    )
    counters = {
        slug: {"ship": ship, "skip": skip}
        for slug, ship, skip in db.execute(
            "SELECT slug, community_ship_votes, community_skip_votes FROM verdicts_tool"
        )
    }
    for slug in TOOLS:
        assert rows.get((slug, "ship"), 0) == expected[slug]["ship"], slug
        assert rows.get((slug, "skip"), 0) == expected[slug]["skip"], slug
        assert counters[slug] == expected[slug], slug
