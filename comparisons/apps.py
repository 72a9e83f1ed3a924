from django.apps import AppConfig


class ComparisonsConfig(AppConfig):
    name = "comparisons"
    verbose_name = "Comparisons"

    def ready(self):
        # Comparisons appear on the home page, lists, the feed and the sitemap.
        from comparisons.models import Comparison
        from comparisons.search_section import comparison_for_search
        from comparisons.tool_sections import comparison_sections
        from pagecache import invalidation
        from verdicts.publishing import scheduled_q
        from verdicts.search_page_sections import add_search_page_section
        from verdicts.tool_page_sections import add_tool_page_section

        invalidation.retire_pages_when_saved(Comparison)
        invalidation.retire_pages_when_published(Comparison, lambda now: scheduled_q(now=now))
        # The tool page (verdicts) shows the tool's comparisons and compare links.
        add_tool_page_section(comparison_sections)
        # The search page (verdicts) leads "a vs b" to that comparison.
        add_search_page_section(comparison_for_search)
