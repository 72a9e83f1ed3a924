"""Recount every tool's stored panel figures from its takes and report drift."""

from django.core.management.base import BaseCommand, CommandError

from verdicts.models import Tool
from verdicts.tallies import recount_panels

# Slugs named in the report; the count says how many more.
SHOWN_SLUGS = 10


class Command(BaseCommand):
    help = (
        "Recount every tool's stored panel ship/skip counts, ship %, verdict and average "
        "score from its takes, fix any that drifted and say which. With --check, fix "
        "nothing and exit non-zero when any drifted."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only report drift, and exit with status 1 when there is any.",
        )

    def handle(self, *args, check, **options):
        drift = recount_panels(Tool.objects.all(), fix=not check)
        if not drift.count:
            self.stdout.write(self.style.SUCCESS("Every stored panel tally matches its takes."))
            return
        shown = ", ".join(drift.slugs[:SHOWN_SLUGS])
        more = drift.count - min(drift.count, SHOWN_SLUGS)
        names = f"{shown} and {more} more" if more else shown
        noun = "tool's stored panel tally" if drift.count == 1 else "tools' stored panel tallies"
        if check:
            raise CommandError(f"{drift.count} {noun} drifted from the takes: {names}.")
        self.stdout.write(f"Fixed {drift.count} {noun} that had drifted: {names}.")
