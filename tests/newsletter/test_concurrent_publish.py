"""Two runs of send_weekly_digest (say, cron on two app servers) publish at the
same moment: one issue is stored, the other run is refused rather than queued
to store a second copy of the same news."""

import json
import subprocess
import sys

import pytest
from django.db import connection

from tests.newsletter import publish_race
from tests.shiporskip.processes import ROOT, environment

EVERY_READER_ONCE = {
    "outcomes": ["published", "refused"],
    "issues": 1,
    "readers_with_a_delivery": 3,
    "deliveries": 3,
}


@pytest.mark.django_db(transaction=True)
def test_two_runs_publishing_at_once_store_one_issue(tmp_path):
    if connection.vendor == "postgresql":
        result = publish_race.race()
    else:
        # The suite's SQLite database lives in memory, where a second connection's
        # write fails at once ("table is locked"); the site runs SQLite on a file
        # with WAL and a busy timeout, so the race runs there.
        finished = subprocess.run(
            [sys.executable, "-m", "tests.newsletter.publish_race"],
            cwd=ROOT,
            env=environment(
                DJANGO_SETTINGS_MODULE="shiporskip.settings.dev",
                SQLITE_PATH=str(tmp_path / "race.sqlite3"),
            ),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert finished.returncode == 0, finished.stderr
        result = json.loads(finished.stdout.strip().splitlines()[-1])
    assert result == EVERY_READER_ONCE
