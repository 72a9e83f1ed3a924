"""Recount every newsletter issue's stored delivery counts (Issue.sent_count, …)
from its delivery rows (newsletter/delivery_counts.py), and report drift."""

from django.core.management.base import BaseCommand, CommandError

from newsletter.delivery_counts import recount

# Issues named in the report; the count says how many more.
SHOWN_ISSUES = 10


class Command(BaseCommand):
    help = (
        "Recount every newsletter issue's stored delivery counts per status from its "
        "deliveries; fix any that drifted and say which. With --check, fix nothing and "
        "exit non-zero when any drifted."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only report drift, and exit with status 1 when there is any.",
        )

    def handle(self, *args, check, **options):
        drift = recount(fix=not check)
        if not drift.count:
            self.stdout.write(
                self.style.SUCCESS("Every issue's stored delivery counts match its deliveries.")
            )
            return
        noun = (
            "issue's stored delivery counts"
            if drift.count == 1
            else "issues' stored delivery counts"
        )
        details = _details(drift.issues)
        if check:
            raise CommandError(f"{drift.count} {noun} drifted from the deliveries: {details}.")
        self.stdout.write(f"Fixed {drift.count} {noun} that had drifted: {details}.")


def _details(issues: dict[int, dict[str, tuple[int, int]]]) -> str:
    """'issue 3 (sent_count 5, counted 4)', for the first SHOWN_ISSUES issues."""
    parts = [
        f"issue {pk} ("
        + ", ".join(f"{column} {stored}, counted {n}" for column, (stored, n) in columns.items())
        + ")"
        for pk, columns in sorted(issues.items())[:SHOWN_ISSUES]
    ]
    more = len(issues) - len(parts)
    return "; ".join(parts) + (f" and {more} more" if more else "")
