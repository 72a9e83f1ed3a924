from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = "Newsletter"

    def ready(self):
        # A sent issue enters the public archive, its feed and the sitemap.
        from anymail.signals import tracking

        from newsletter import feedback
        from newsletter.models import Issue
        from pagecache import invalidation

        invalidation.retire_pages_when_saved(Issue)
        tracking.connect(feedback.record, dispatch_uid="newsletter-esp-feedback")
