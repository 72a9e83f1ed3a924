"""Comparisons in the verdict desk: pick two to four tools, write an optional intro."""

from django.contrib import admin
from django.utils.html import format_html

from comparisons.models import TOOL_FIELDS, Comparison, compare_slug
from shiporskip.lib.admin_conflicts import SaveConflictMixin
from shiporskip.lib.admin_markdown import MarkdownPreviewMixin, rendered_preview
from verdicts.admin_actions import publish_selected, unpublish_selected


@admin.register(Comparison)
class ComparisonAdmin(SaveConflictMixin, MarkdownPreviewMixin, admin.ModelAdmin):
    markdown_fields = ("intro",)
    autocomplete_fields = list(TOOL_FIELDS)
    list_display = ["__str__", "public_url", "is_published", "published_at"]
    list_filter = ["is_published"]
    list_select_related = list(TOOL_FIELDS)
    search_fields = [f"{field}__name" for field in TOOL_FIELDS]
    actions = [publish_selected, unpublish_selected]
    readonly_fields = ["public_url", "intro_preview"]
    fieldsets = [
        (
            None,
            {
                "fields": [*TOOL_FIELDS, "public_url"],
                "description": "Two tools, or up to four: the page shows them in this "
                "order, and a set of tools is compared once, in any order.",
            },
        ),
        ("Introduction", {"fields": ["intro", "intro_preview"]}),
        (
            "Publishing",
            {
                "fields": ["is_published", "published_at"],
                "description": "Readers see a comparison once it and both its tools are "
                "published. Staff can preview drafts with “View on site”.",
            },
        ),
    ]

    @admin.display(description="Public URL")
    def public_url(self, comparison):
        # The slug is never stored: it is read from the tools' slugs, in order.
        if not comparison.pk:
            return f"Made from the tools once saved: /compare/{compare_slug('<a>', '<b>', '…')}/"
        url = comparison.get_absolute_url()
        return format_html('<a href="{}">{}</a>', url, url)

    @admin.display(description="Rendered preview")
    def intro_preview(self, comparison):
        return rendered_preview(comparison.intro_html)
