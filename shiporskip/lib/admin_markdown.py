"""Markdown in the admin: a rendered preview of what readers will see.

Each Markdown field gets a read-only "Rendered preview" of its saved, sanitised
HTML (works without JavaScript) and a textarea that static/js/admin-markdown-
preview.js enhances with a live preview from the "admin-markdown-preview" route
(pages.views.markdown_preview), which renders through the same render_markdown()
as a save, so the preview cannot differ.
"""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe


def rendered_preview(html: str):
    """Saved Markdown as readers see it, or a hint before the first save."""
    if not html:
        return "Shown here once saved."
    # html comes from render_markdown(): sanitised by nh3, the only HTML we trust.
    return format_html('<div class="markdown-preview">{}</div>', mark_safe(html))  # noqa: S308


class MarkdownPreviewMixin:
    """For a ModelAdmin or inline whose `markdown_fields` hold editors' Markdown."""

    markdown_fields: tuple[str, ...] = ()

    class Media:
        js = ["js/admin-markdown-preview.js"]
        css = {"all": ["css/admin-markdown-preview.css"]}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in self.markdown_fields:
            formfield.widget.attrs["data-markdown-preview"] = reverse("admin-markdown-preview")
        return formfield
