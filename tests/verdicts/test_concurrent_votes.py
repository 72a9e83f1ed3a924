"""Many readers voting at once against gunicorn with 4 workers on one SQLite file:
no 5xx, no "database is locked", and the tallies equal exactly what was sent.
(`make bench` runs the same storm at 2,000 votes from 50 clients.)"""

from bench.vote_storm import SEED_TOOLS, storm, tallies_in
from tests.server import gunicorn

CLIENTS = 10
VOTES_PER_CLIENT = 20


def test_concurrent_votes_are_all_counted_exactly_once(tmp_path):
    with gunicorn(tmp_path, workers=4, extra_env={"VOTE_RATE_LIMIT": "100000/60"}) as (
        base_url,
        log_path,
        env,
    ):
        result = storm(base_url, CLIENTS, VOTES_PER_CLIENT)
        log = log_path.read_text()

    assert len(result.statuses) == CLIENTS * VOTES_PER_CLIENT
    assert set(result.statuses) == {303}, sorted(set(map(str, result.statuses)))
    assert "database is locked" not in log
    assert "Traceback" not in log
    rows, counters = tallies_in(env["SQLITE_PATH"])
    for slug in SEED_TOOLS:
        assert rows.get((slug, "ship"), 0) == result.expected[slug]["ship"], slug
        assert rows.get((slug, "skip"), 0) == result.expected[slug]["skip"], slug
        assert counters[slug] == result.expected[slug], slug
