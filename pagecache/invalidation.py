"""What retires cached pages, as each app declares it in its AppConfig.ready():
any save or delete of a model a page shows (all pages), votes and recounts (the
pages that show community tallies), and rows scheduled to go live later.

This module names no other app's model: pagecache sits below the domain apps,
which call these functions for their own models and signals.

Bulk QuerySet.update() sends no model signal; code that changes what a page
shows that way sends its own signal (verdicts.signals) and registers it here.
Admin actions save object by object (verdicts/admin_actions.py), so post_save
covers them.
"""

from collections.abc import Callable
from datetime import datetime

from django.db.models import Model, Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal

from pagecache.models import bump_version, bump_votes_version

# (model, scheduled) pairs: scheduled(now) is the Q of rows that go live after now.
_scheduled: list[tuple[type[Model], Callable[[datetime], Q]]] = []


# Both run inside the change's own transaction: readers see the new version
# exactly when they can see the new data, never one without the other.
def _changed(sender, **kwargs):
    bump_version()


def _voted(sender, **kwargs):
    bump_votes_version()


def retire_pages_when_saved(*models: type[Model]) -> None:
    """Any save or delete of these models retires every cached page."""
    for model in models:
        label = model._meta.label
        post_save.connect(_changed, sender=model, dispatch_uid=f"pagecache-save-{label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"pagecache-del-{label}")


def retire_vote_pages_on(*signals: Signal) -> None:
    """These signals (a vote cast, a recount) retire the pages showing community tallies."""
    for signal in signals:
        signal.connect(_voted, dispatch_uid=f"pagecache-votes-{id(signal)}")


def retire_pages_when_published(model: type[Model], scheduled: Callable[[datetime], Q]) -> None:
    """Rows of `model` matching scheduled(now) go live later, each at its
    published_at: pages rendered before must not outlive that moment."""
    if all(known is not model for known, _ in _scheduled):
        _scheduled.append((model, scheduled))


def scheduled_publications() -> list[tuple[type[Model], Callable[[datetime], Q]]]:
    """The models registered by retire_pages_when_published(), with their rule."""
    return list(_scheduled)
