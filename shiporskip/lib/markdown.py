"""Editors' Markdown, rendered once and sanitised before it can reach a page.

Python-Markdown passes raw HTML through, so its output is untrusted until nh3
(the Ammonia sanitiser) has kept only the tags, attributes and URL schemes a
review needs: no scripts, event handlers, style attributes, iframes or
javascript: links.
"""

import markdown as python_markdown
import nh3

from shiporskip.lib.text_rules import clean_markdown

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em",
    "h2", "h3", "h4", "hr", "i", "li", "ol", "p", "pre", "strong", "sub", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> str:
    """Markdown source to sanitised HTML; the empty string for empty input."""
    if not text or not text.strip():
        return ""
    # As the field stores it: Model.save() renders before the pre_save guard cleans.
    html = python_markdown.markdown(
        clean_markdown(text), extensions=["extra", "sane_lists"], output_format="html"
    )
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )
