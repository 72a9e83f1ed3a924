from django.apps import AppConfig


class VerdictsConfig(AppConfig):
    name = "verdicts"
    verbose_name = "Verdicts"

    def ready(self):
        # Every page may show these rows; votes, withdrawals and recounts move tallies.
        from pagecache import invalidation
        from verdicts.models import Category, Persona, Take, Tool
        from verdicts.publishing import scheduled_q
        from verdicts.signals import tally_recounted, vote_cast, vote_withdrawn

        invalidation.retire_pages_when_saved(Category, Tool, Persona, Take)
        invalidation.retire_vote_pages_on(vote_cast, vote_withdrawn, tally_recounted)
        invalidation.retire_pages_when_published(Tool, lambda now: scheduled_q(now=now))
