"""`analyze_database` refreshes the planner's statistics on either database."""

from django.core.management import call_command
from django.db import connection

from tests.factories import make_tool


def _statistics_of_tools() -> int:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'verdicts_tool'")
        else:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_user_tables "
                "WHERE relname = 'verdicts_tool' AND last_analyze IS NOT NULL"
            )
        return cursor.fetchone()[0]


def test_it_gathers_statistics_for_the_tables(transactional_db, capsys):
    make_tool()
    call_command("analyze_database")
    assert f"on {connection.vendor}." in capsys.readouterr().out
    assert _statistics_of_tools() >= 1
