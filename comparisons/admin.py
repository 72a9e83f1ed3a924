"""Comparisons in the verdict desk: pick two to four tools, write an optional intro
and bottom line (beside the panel's computed one)."""

from django.contrib import admin
from django.utils.html import format_html

from comparisons.models import TOOL_FIELDS, Comparison, compare_slug
from shiporskip.lib.admin_conflicts import SaveConflictMixin
from shiporskip.lib.admin_lists import LargeListAdmin
from shiporskip.lib.admin_markdown import MarkdownPreviewMixin, rendered_preview
from verdicts.admin_actions import publish_selected, unpublish_selected
from verdicts.head_to_head import bottom_line
from verdicts.models import Tool


@admin.register(Comparison)
class ComparisonAdmin(SaveConflictMixin, MarkdownPreviewMixin, LargeListAdmin):
    markdown_fields = ("intro", "bottom_line")
    autocomplete_fields = list(TOOL_FIELDS)
    list_display = ["__str__", "public_url", "is_published", "published_at"]
    list_filter = ["is_published"]
    list_select_related = list(TOOL_FIELDS)
    search_fields = [f"{field}__name" for field in TOOL_FIELDS]
    actions = [publish_selected, unpublish_selected]
    readonly_fields = ["public_url", "intro_preview", "bottom_line_preview", "computed_bottom_line"]
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
            "Bottom line",
            {
                "fields": [
                    "computed_bottom_line",
                    "bottom_line",
                    "bottom_line_preview",
                    "ship_a_if",
                    "ship_b_if",
                ],
                "description": "Optional. When written, the editors' bottom line and "
                "“Ship … if” lines lead the page; the panel's computed line follows. "
                "The “Ship … if” lines belong to tools A and B only, also on a "
                "comparison of three or four tools.",
            },
        ),
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

    @admin.display(description="Rendered preview")
    def bottom_line_preview(self, comparison):
        return rendered_preview(comparison.bottom_line_html)

    @admin.display(description="The panel's computed bottom line")
    def computed_bottom_line(self, comparison):
        # One form, a few queries: every tool's takes with their personas.
        if not comparison.pk:
            return "Computed from the tools' takes once saved."
        tools = Tool.objects.filter(pk__in=comparison.tool_ids).with_page_relations()
        by_pk = {tool.pk: tool for tool in tools}
        return bottom_line([by_pk[pk] for pk in comparison.tool_ids]).sentence
