"""Recount every tool's stored panel figures from its takes, and every category's
and persona's stored list counts (verdicts/list_counts.py), and report drift."""

from django.core.management.base import BaseCommand, CommandError

from verdicts.list_counts import recount_list_counts
from verdicts.models import Tool
from verdicts.tallies import recount_panels

# Slugs named in the report; the count says how many more.
SHOWN_SLUGS = 10


class Command(BaseCommand):
    help = (
        "Recount every tool's stored panel ship/skip counts, ship %, verdict and average "
        "score from its takes, and every category's published tools and persona's takes "
        "on them; fix any that drifted and say which. With --check, fix nothing and exit "
        "non-zero when any drifted."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only report drift, and exit with status 1 when there is any.",
        )

    def handle(self, *args, check, **options):
        # (what drifted, "from what", names), worded for --check and for a repair.
        problems = []
        drift = recount_panels(Tool.objects.all(), fix=not check)
        if drift.count:
            noun = (
                "tool's stored panel tally" if drift.count == 1 else "tools' stored panel tallies"
            )
            problems.append((f"{drift.count} {noun}", "the takes", _names(drift.slugs)))
        counts = recount_list_counts(fix=not check)
        if counts.count:
            names = _names([*counts.categories, *counts.personas])
            problems.append(("the stored list counts", "their tools and takes", names))
        if not problems:
            self.stdout.write(
                self.style.SUCCESS(
                    "Every stored panel tally matches its takes. "
                    "Every stored list count matches its tools and takes."
                )
            )
            return
        if check:
            raise CommandError(
                " ".join(
                    f"{what} drifted from {source}: {names}." for what, source, names in problems
                )
            )
        for what, _, names in problems:
            self.stdout.write(f"Fixed {what} that had drifted: {names}.")


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:SHOWN_SLUGS])
    more = len(names) - min(len(names), SHOWN_SLUGS)
    return f"{shown} and {more} more" if more else shown
