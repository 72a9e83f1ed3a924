"""Rebuild every tool's search document and the engine's index on them."""

from django.core.management.base import BaseCommand
from django.db import transaction

from verdicts import search_index


class Command(BaseCommand):
    help = (
        "Rebuild the search documents of every tool (after bulk SQL writes, or to "
        "repair the index); --if-stale only when some tool lacks its document."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-stale",
            action="store_true",
            help="Do nothing when every tool has its document (two counts).",
        )

    def handle(self, *args, if_stale=False, **options):
        if if_stale and not search_index.is_stale():
            self.stdout.write("Search index is current: nothing to rebuild.")
            return
        with transaction.atomic():
            written = search_index.rebuild()
        self.stdout.write(self.style.SUCCESS(f"Rebuilt the search index: {written} tools."))
