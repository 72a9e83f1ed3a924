"""What retires cached pages: any save or delete an editor makes (all pages), and
votes and recounts (the pages that show community tallies).

Bulk QuerySet.update() sends no model signal; the two in our code that change
what a page shows (a vote cast and a recount, both on Tool's counters) send
their own (verdicts.signals), heard here. Admin actions save object by object
(verdicts/admin_actions.py), so post_save covers them.
"""

from django.db.models.signals import post_delete, post_save

from pagecache.models import bump_version, bump_votes_version


# Both run inside the change's own transaction: readers see the new version
# exactly when they can see the new data, never one without the other.
def _changed(sender, **kwargs):
    bump_version()


def _voted(sender, **kwargs):
    bump_votes_version()


def content_models():
    from comparisons.models import Comparison
    from verdicts.models import Category, Persona, Take, Tool

    return [Category, Tool, Persona, Take, Comparison]


def connect():
    from verdicts.signals import tally_recounted, vote_cast

    for model in content_models():
        post_save.connect(_changed, sender=model, dispatch_uid=f"pagecache-save-{model}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"pagecache-del-{model}")
    vote_cast.connect(_voted, dispatch_uid="pagecache-vote")
    tally_recounted.connect(_voted, dispatch_uid="pagecache-recount")
