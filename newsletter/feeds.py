"""The Atom feed of sent issues: each entry is the issue's text as every reader
got it, without the reader's own links (newsletter/archive.py)."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse

from comparisons.feeds import TextSummaryAtomFeed
from newsletter.archive import shared_text
from newsletter.digest import NEWSLETTER_NAME
from newsletter.models import Issue
from shiporskip.lib.urls import absolute_url

FEED_LENGTH = 20


class IssuesFeed(Feed):
    feed_type = TextSummaryAtomFeed
    title = f"{settings.SITE_NAME}: {NEWSLETTER_NAME}"
    subtitle = "Every issue of the newsletter: new comparisons and updated panel verdicts."
    author_name = settings.SITE_NAME

    def link(self):
        return absolute_url(reverse("newsletter:archive"))

    def feed_url(self):
        return absolute_url(reverse("newsletter:feed"))

    def items(self):
        """The newest sent issues: one query."""
        return Issue.objects.sent().only("pk", "subject", "text_body", "sent_at")[:FEED_LENGTH]

    def item_title(self, item):
        return item.subject

    def item_description(self, item):
        return shared_text(item)

    def item_link(self, item):
        return absolute_url(item.get_absolute_url())

    def item_pubdate(self, item):
        return item.sent_at

    def item_updateddate(self, item):
        return item.sent_at
