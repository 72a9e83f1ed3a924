"""Load the seed fixtures into an empty database; leave a used one alone."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from verdicts.models import Tool
from verdicts.tallies import recount_panels

SEED_FIXTURE = settings.BASE_DIR / "fixtures" / "seed.json"


class Command(BaseCommand):
    help = "Load fixtures/seed.json when the database has no tools yet."

    def handle(self, *args, **options):
        if Tool.objects.exists():
            self.stdout.write("Database already has tools: seed fixtures not loaded.")
            return
        call_command("loaddata", str(SEED_FIXTURE), verbosity=0)
        # loaddata may insert a take before its tool; store every panel once at the end.
        recount_panels(Tool.objects.all(), fix=True)
        self.stdout.write(self.style.SUCCESS(f"Loaded seed fixtures from {SEED_FIXTURE.name}."))
