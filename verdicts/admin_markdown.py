"""Markdown in the admin: a rendered preview of what readers will see.

Each Markdown field gets a read-only "Rendered preview" of its saved, sanitised
HTML (works without JavaScript) and a textarea that static/js/admin-markdown-
preview.js enhances with a live preview from markdown_preview(), which renders
through the same render_markdown() as a save, so the preview cannot differ.
"""

from django.http import JsonResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache

from shiporskip.methods import allow_methods
from verdicts.markdown import render_markdown

# Far beyond any review; refuses to spend a request rendering a pasted novel.
MAX_PREVIEW_CHARS = 50_000


@never_cache
@allow_methods("POST")  # and Django's token CSRF, checked after the method
def markdown_preview(request):
    """POST text=<Markdown> → {"html": <sanitised HTML>}; staff only."""
    if not (request.user.is_active and request.user.is_staff):
        return JsonResponse({"error": "Only staff can preview Markdown."}, status=403)
    text = request.POST.get("text")
    if text is None:
        return JsonResponse({"error": "Send the Markdown in the 'text' field."}, status=400)
    if len(text) > MAX_PREVIEW_CHARS:
        return JsonResponse(
            {"error": f"Too long to preview: at most {MAX_PREVIEW_CHARS:,} characters."},
            status=400,
        )
    return JsonResponse({"html": render_markdown(text)})


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
