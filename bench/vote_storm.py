"""Many readers voting at once against a running server, each its own browser.

Used by `make bench` (2,000 votes from 50 clients) and by the test suite (a
smaller storm). Every reader keeps its own cookies and CSRF token, so each is
a distinct visitor; the expected tallies are what each reader said last about
each tool.
"""

import http.client
import random
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

SEED_TOOLS = [
    "claude-4-api-tool-use-streaming-prompt-caching",
    "smolvlm-3b",
    "smollm3",
    "smolagents-20",
    "smolvm",
    "llama-4-compact-12b",
]


class Reader:
    """One browser: its own cookies, its own visitor id (votes need no CSRF token:
    shiporskip/lib/cross_origin.py)."""

    def __init__(self, base_url):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.cookies = {}
        self.connection = None

    def request(self, method, path, body=None):
        if self.connection is None:
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read().decode()
        except (http.client.HTTPException, OSError):
            self.connection.close()
            self.connection = None
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            name, value = header.split(";", 1)[0].split("=", 1)
            self.cookies[name.strip()] = value
        return response.status, content

    def visit(self):
        status, _ = self.request("GET", "/tools/smolvm/")
        return status


@dataclass
class StormResult:
    statuses: list = field(default_factory=list)
    expected: dict = field(default_factory=dict)  # slug -> {"ship": n, "skip": n}
    seconds: float = 0.0


def plans(clients, votes_per_client, seed=2026, tools=SEED_TOOLS):
    rng = random.Random(seed)
    return [
        [(rng.choice(tools), rng.choice(["ship", "skip"])) for _ in range(votes_per_client)]
        for _ in range(clients)
    ]


def storm(base_url, clients, votes_per_client, tools=SEED_TOOLS) -> StormResult:
    result = StormResult()
    every_plan = plans(clients, votes_per_client, tools=tools)
    result.expected = {slug: {"ship": 0, "skip": 0} for slug in tools}
    for plan in every_plan:
        for slug, call in dict(plan).items():  # each reader's last word per tool
            result.expected[slug][call] += 1
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)

    def run(plan):
        reader = Reader(base_url)
        reader.visit()
        start.wait()
        for slug, call in plan:
            body = urlencode({"verdict": call})
            try:
                status, _ = reader.request("POST", f"/tools/{slug}/vote/", body)
            except (http.client.HTTPException, OSError) as error:
                status = f"error: {error}"
            with lock:
                result.statuses.append(status)

    threads = [threading.Thread(target=run, args=(plan,)) for plan in every_plan]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.monotonic()
    for thread in threads:
        thread.join(timeout=600)
    result.seconds = time.monotonic() - began
    return result


def tallies_in(sqlite_path):
    """Vote rows and the tools' counters, straight from the database file."""
    import sqlite3

    db = sqlite3.connect(sqlite_path)
    rows = {
        (slug, call): n
        for slug, call, n in db.execute(
            "SELECT t.slug, v.call, COUNT(*) FROM verdicts_communityvote v "
            "JOIN verdicts_tool t ON t.id = v.tool_id GROUP BY t.slug, v.call"
        )
    }
    counters = {
        slug: {"ship": ship, "skip": skip}
        for slug, ship, skip in db.execute(
            "SELECT slug, community_ship_votes, community_skip_votes FROM verdicts_tool"
        )
    }
    db.close()
    return rows, counters
