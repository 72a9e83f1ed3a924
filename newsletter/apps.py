from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = "Newsletter"

    def ready(self):
        # A sent issue enters the public archive, its feed and the sitemap.
        from anymail.signals import tracking

        from newsletter import feedback
        from newsletter.models import Issue
        from newsletter.verified import verified_tally_changed
        from pagecache import invalidation

        invalidation.retire_pages_when_saved(Issue)
        # A verified vote moves a tally shown beside the community's: the same pages go.
        invalidation.retire_vote_pages_on(verified_tally_changed)
        tracking.connect(feedback.record, dispatch_uid="newsletter-esp-feedback")
