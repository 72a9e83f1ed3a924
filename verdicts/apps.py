from django.apps import AppConfig


class VerdictsConfig(AppConfig):
    name = "verdicts"
    verbose_name = "Verdicts"

    def ready(self):
        # Every page may show these rows; votes, withdrawals and recounts move tallies.
        from pagecache import invalidation
        from verdicts.models import Category, Persona, Take, Tool
        from verdicts.publishing import scheduled_q
        from verdicts.search_index import keep_index_current
        from verdicts.signals import tally_recounted, vote_cast, vote_withdrawn

        invalidation.retire_pages_when_saved(Category, Tool, Persona, Take)

        # loaddata's raw saves get the history record a save() leaves (the seed's date).
        from django.db.models.signals import post_save

        from verdicts.history import record_loaded_take

        post_save.connect(record_loaded_take, sender=Take, dispatch_uid="record_loaded_take")
        invalidation.retire_vote_pages_on(vote_cast, vote_withdrawn, tally_recounted)
        invalidation.retire_pages_when_published(Tool, lambda now: scheduled_q(now=now))
        # Search documents follow the same saves (verdicts/search_index.py).
        keep_index_current()
