"""Many readers voting at once against gunicorn with 4 workers on one SQLite file:
no 5xx, no "database is locked", and the tallies equal exactly what was sent.
(`make bench` runs the same storm at 2,000 votes from 50 clients.)"""

import subprocess
import sys
from pathlib import Path

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
    # The votes left every tool's stored panel equal to a recount of its takes.
    check = subprocess.run(
        [sys.executable, "manage.py", "recount_panel_tallies", "--check"],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr
    assert "Every stored panel tally matches its takes." in check.stdout
