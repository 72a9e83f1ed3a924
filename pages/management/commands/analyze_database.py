"""Refresh the query planner's statistics: ANALYZE on SQLite, VACUUM ANALYZE on
PostgreSQL. Run after a bulk load (fill_benchmark_data, a restore) and now and
then (README "Operations")."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

# Statements per vendor. SQLite's PRAGMA optimize also runs ANALYZE where the
# planner would gain from it; plain ANALYZE measures every index now.
STATEMENTS = {
    "sqlite": ["ANALYZE", "PRAGMA optimize"],
    "postgresql": ["VACUUM ANALYZE"],
}


class Command(BaseCommand):
    help = (
        "Refresh the database's planner statistics (SQLite: ANALYZE; PostgreSQL: "
        "VACUUM ANALYZE) so lists and filters use their indexes."
    )

    def handle(self, *args, **options):
        statements = STATEMENTS.get(connection.vendor)
        if statements is None:
            raise CommandError(f"No statistics command known for {connection.vendor}.")
        # VACUUM cannot run inside a transaction; Django's connection autocommits here.
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(
            self.style.SUCCESS(f"Ran {', '.join(statements)} on {connection.vendor}.")
        )
