"""Two digest runs publish at the same moment, each on its own database connection.

race() is called by tests/newsletter/test_concurrent_publish.py, in the test's
own process on PostgreSQL, or as `python -m tests.newsletter.publish_race` on
a migrated SQLite file.
"""

import json
import threading
from datetime import timedelta


def race() -> dict:
    from django.db import connections
    from django.utils import timezone

    from newsletter import digest
    from newsletter.models import Delivery, Issue
    from tests.factories import make_comparison, make_subscriber, make_tool

    readers = [make_subscriber() for _ in range(3)]
    make_comparison(make_tool(), make_tool())
    both_composed = threading.Barrier(2, timeout=30)
    outcomes = []

    def run():
        try:
            now = timezone.now()
            news = digest.compose(now - timedelta(days=7), now)
            both_composed.wait()
            try:
                digest.publish(news)
                outcomes.append("published")
            except digest.AnotherIssueStored:
                outcomes.append("refused")
        except Exception as error:  # reported, so the test shows what went wrong
            outcomes.append(repr(error))
        finally:
            connections.close_all()

    runs = [threading.Thread(target=run) for _ in range(2)]
    for thread in runs:
        thread.start()
    for thread in runs:
        thread.join()
    return {
        "outcomes": sorted(outcomes),
        "issues": Issue.objects.count(),
        "readers_with_a_delivery": Delivery.objects.filter(subscriber__in=readers)
        .values("subscriber")
        .distinct()
        .count(),
        "deliveries": Delivery.objects.count(),
    }


if __name__ == "__main__":
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    print(json.dumps(race()))
