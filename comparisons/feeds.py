"""The Atom feed of new comparisons, for feed readers and aggregators.

Editors' text goes into the feed as text: summaries are Atom `type="text"`,
so a tool named `<img src=x onerror=…>` or an intro reading "&lt;b&gt;" is shown
as those characters by every feed reader, never run as HTML.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from comparisons.models import Comparison
from shiporskip.lib.urls import absolute_url
from verdicts.models import load_panels
from verdicts.structured_data import plain_text

FEED_LENGTH = 20


class TextSummaryAtomFeed(Atom1Feed):
    """Atom with plain-text summaries; Django's own are `type="html"`, which would
    make a reader parse our text (tool names, intros) as markup."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class NewComparisonsFeed(Feed):
    feed_type = TextSummaryAtomFeed
    title = f"{settings.SITE_NAME}: new comparisons"
    subtitle = "Side-by-side panel verdicts on AI developer tools, newest first."
    author_name = settings.SITE_NAME

    def link(self):
        return absolute_url(reverse("pages:home"))

    def feed_url(self):
        return absolute_url(reverse("comparisons:feed"))

    def items(self):
        """The newest published comparisons with every tool's calls: two queries,
        however many tools each compares (the tools' long text left out)."""
        listed = Comparison.objects.published().for_list("intro_html", "updated_at")
        comparisons = list(listed[:FEED_LENGTH])
        # With the personas' names, so the summary names who dissents.
        load_panels(tool for comparison in comparisons for tool in comparison.tools)
        return comparisons

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        """Plain text: the panels, then the intro as its page reads (entities decoded,
        since the feed escapes the text itself)."""
        verdicts = " · ".join(f"{tool.name}: {tool.panel.summary}" for tool in item.tools)
        intro = plain_text(item.intro_html)
        return f"{verdicts}. {intro}" if intro else f"{verdicts}."

    def item_link(self, item):
        return absolute_url(item.get_absolute_url())

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return max(item.updated_at, item.published_at)
