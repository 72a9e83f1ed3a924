"""Many subscribers casting verified votes at once against a running server, the
same subscriber clicking Ship and Skip on one tool at the same moment.

storm() is called by tests/newsletter/test_verified_vote_storm.py: in the test's
own process against live_server on PostgreSQL, or as
`python -m tests.newsletter.verified_vote_storm BASE_URL` beside gunicorn on
the SQLite file gunicorn serves (the suite's in-memory SQLite is shared by one
connection across live_server's threads, which would test no locking at all).
It returns JSON-ready facts for the test to assert on.
"""

import http.client
import json
import sys
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode, urlsplit

READERS = 6
TOOLS = ("Alpha", "Beta", "Gamma")
# Each reader's POSTs per tool, all in flight together: a "flipper" alternates
# ship and skip, a "steady" reader repeats one call (so its final vote is known).
CLICKS = 4
# In flight at once: within the listen backlog of live_server (Django's
# WSGIServer queues 10), which resets the connections past it.
THREADS = 8


def _post(base_url: str, path: str, tool: str, call: str, start: threading.Barrier) -> int:
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    body = urlencode({"tool": tool, "verdict": call})
    start.wait()
    try:
        connection.request(
            "POST", path, body=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
        )
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def storm(base_url: str) -> dict:
    """Store an issue of three tools and READERS subscribers, fire every reader's
    clicks at base_url at once, then read back what the database holds."""
    from django.db import connections
    from django.db.models import Count
    from django.utils import timezone

    from newsletter import verified
    from newsletter.models import Issue, VerifiedVote
    from tests.factories import make_comparison, make_subscriber, make_tool
    from verdicts.models import Tool

    tools = [make_tool(name=name) for name in TOOLS]
    issue = Issue.objects.create(
        iso_year=2026,
        iso_week=49,
        subject="Weekly AI Tool Verdicts — week 49, 2026: Alpha vs Beta vs Gamma",
        period_since=timezone.now(),
        period_until=timezone.now(),
        html_body="",
        text_body="",
    )
    issue.comparisons.add(make_comparison(*tools))
    readers = [make_subscriber(email=f"storm{n}@example.com") for n in range(READERS)]
    paths = {reader.email: verified.vote_url(reader, issue) for reader in readers}
    clicks, steady = [], []
    # By tool, then reader: each wave holds two readers' clicks on one tool.
    for tool in tools:
        for n, reader in enumerate(readers):
            if n % 2:  # a flipper
                calls = ["ship", "skip"] * (CLICKS // 2)
            else:
                calls = [("ship", "skip")[n % 4 // 2]] * CLICKS
                steady.append((reader.email, tool.slug, calls[0]))
            clicks += [(paths[reader.email], tool.slug, call) for call in calls]
    connections.close_all()  # nothing of ours is open while the server writes

    # The clicks leave in waves of THREADS, each wave's together.
    assert len(clicks) % THREADS == 0, "every wave must fill the barrier"
    start = threading.Barrier(THREADS, timeout=60)

    def click(args):
        return _post(base_url, *args, start)

    with ThreadPoolExecutor(THREADS) as pool:
        statuses = Counter(pool.map(click, clicks))

    rows = Counter(
        (email, slug)
        for email, slug in VerifiedVote.objects.values_list("subscriber__email", "tool__slug")
    )
    recount = {
        (tool_id, call): count
        for tool_id, call, count in VerifiedVote.objects.values_list("tool_id", "call")
        .annotate(count=Count("pk"))
        .values_list("tool_id", "call", "count")
    }
    result = {
        "clicks": len(clicks),
        "statuses": {str(status): count for status, count in statuses.items()},
        "pairs": len(readers) * len(tools),
        "rows": sum(rows.values()),
        "most_rows_of_a_pair": max(rows.values(), default=0),
        "steady_calls_kept": all(
            VerifiedVote.objects.filter(
                subscriber__email=email, tool__slug=slug, call=call
            ).exists()
            for email, slug, call in steady
        ),
        "counters": {
            tool.slug: [tool.verified_ship_votes, tool.verified_skip_votes]
            for tool in Tool.objects.filter(pk__in=[t.pk for t in tools])
        },
        "recount": {
            tool.slug: [recount.get((tool.pk, "ship"), 0), recount.get((tool.pk, "skip"), 0)]
            for tool in tools
        },
    }
    connections.close_all()
    return result


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(storm(sys.argv[1])))
