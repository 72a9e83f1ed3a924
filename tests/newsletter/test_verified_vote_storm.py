"""Verified votes under a storm: six subscribers click Ship and Skip on an issue's
three tools all at once, through the real vote page on a real server, half of
them flipping between Ship and Skip on the same tool at the same moment.
Afterwards each (subscriber, tool) has exactly one vote row, a reader who always
said the same thing kept it, and every tool's stored verified counters equal a
recount of the rows (newsletter/verified.py cast())."""

import json
import subprocess
import sys

import pytest
from django.db import connection

from tests.newsletter import verified_vote_storm
from tests.server import gunicorn
from tests.shiporskip.processes import ROOT

# No reader is refused for voting fast: the rate limit is not under test here.
UNLIMITED = "100000/60"


@pytest.mark.django_db(transaction=True)
def test_a_verified_vote_storm_leaves_one_row_per_reader_and_tool_and_true_counts(
    request, settings, tmp_path
):
    if connection.vendor == "postgresql":
        # live_server's threads each open their own connection: the row lock is real.
        settings.VOTE_RATE_LIMIT = UNLIMITED
        result = verified_vote_storm.storm(request.getfixturevalue("live_server").url)
    else:
        # The suite's SQLite database lives in memory, shared by live_server's
        # threads through one connection; the site runs SQLite on a file with WAL
        # and a busy timeout behind several worker processes, so the storm runs there.
        with gunicorn(tmp_path, workers=4, extra_env={"VOTE_RATE_LIMIT": UNLIMITED}) as (
            base_url,
            log_path,
            env,
        ):
            finished = subprocess.run(
                [sys.executable, "-m", "tests.newsletter.verified_vote_storm", base_url],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=180,
            )
            log = log_path.read_text()
        assert finished.returncode == 0, finished.stderr
        assert "Traceback" not in log, log
        result = json.loads(finished.stdout.strip().splitlines()[-1])

    clicks = (
        verified_vote_storm.READERS * len(verified_vote_storm.TOOLS) * verified_vote_storm.CLICKS
    )
    assert result["clicks"] == clicks
    assert result["statuses"] == {"303": clicks}
    assert result["rows"] == result["pairs"] == 18
    assert result["most_rows_of_a_pair"] == 1
    assert result["steady_calls_kept"] is True
    assert result["counters"] == result["recount"]
    # Every pair voted once: each tool's counts add up to its six readers.
    assert all(sum(counts) == verified_vote_storm.READERS for counts in result["counters"].values())
