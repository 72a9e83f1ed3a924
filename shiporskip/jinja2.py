"""The one Jinja2 environment for public pages and emails, and the few
presentation rules its filters hold (isolating editors' names, the length at
which a take is folded away)."""

import html
import re

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from jinja2 import Environment, select_autoescape
from markupsafe import Markup, escape

from shiporskip.lib.urls import absolute_url


def url(viewname, *args, **kwargs):
    return reverse(viewname, args=args or None, kwargs=kwargs or None)


# A take longer than this (in characters of text, not HTML) is folded behind
# "Read the full take" so a comparison on a phone reaches its scorecard quickly;
# the seed's shortest takes (under 350 characters) stay open.
LONG_TAKE_CHARACTERS = 400
TEASER_CHARACTERS = 160
_TAGS = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"\s+")


def bdi(name) -> Markup:
    """An editor-written name wrapped in <bdi>, escaped: a right-to-left name
    (or one ending in punctuation) cannot reorder the words around it."""
    return Markup("<bdi>%s</bdi>") % escape(name)


def bdi_names(text: str, names) -> Markup:
    """`text` escaped, with every whole-word occurrence of an editor-written name
    from `names` wrapped in <bdi>: for sentences the verdict modules compose from
    names ("The panel favours Claude on 4 of 4 reviewers") or a search snippet
    (Markup: its <mark> tags are kept, never matched). Longest names first,
    so "Claude Code" is isolated whole rather than as "Claude"."""
    escaped = str(escape(text))
    # Only the names the text holds: most snippets hold none, and compiling a
    # pattern per tool cost a search page of 20 hits 2 ms (bench/COLD_PATH.md).
    escaped_names = {str(escape(name)) for name in names if name}
    found = sorted((name for name in escaped_names if name in escaped), key=len, reverse=True)
    if not found:
        return Markup(escaped)  # noqa: S704 - escaped above
    alternatives = "|".join(re.escape(name) for name in found)
    # Whole words, and never inside a tag of Markup passed in (a search snippet's <mark>).
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)(?![^<]*>)")
    # Safe: the text and the names were escaped before the tags went in.
    return Markup(pattern.sub(lambda match: f"<bdi>{match.group(0)}</bdi>", escaped))  # noqa: S704


def _plain_text(rendered_html: str) -> str:
    return _SPACES.sub(" ", html.unescape(_TAGS.sub(" ", rendered_html))).strip()


def long_take_teaser(rendered_html: str) -> str | None:
    """The opening words of a long take's body as plain text (up to
    TEASER_CHARACTERS, cut at a space, with "…"), or None when the take is short
    enough to show whole (LONG_TAKE_CHARACTERS of text or fewer)."""
    text = _plain_text(rendered_html or "")
    if len(text) <= LONG_TAKE_CHARACTERS:
        return None
    cut = text[:TEASER_CHARACTERS]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.-") + "…"


def environment(**options):
    # HTML (and SVG, XML) escaped; plain-text email bodies (.txt) left as written.
    options["autoescape"] = select_autoescape(
        enabled_extensions=(), disabled_extensions=("txt",), default_for_string=True, default=True
    )
    options.setdefault("trim_blocks", True)
    options.setdefault("lstrip_blocks", True)
    env = Environment(**options)  # noqa: S701 - Django's backend turns autoescape on
    env.globals.update(
        {
            "static": static,
            "url": url,
            "absolute_url": absolute_url,
            "site_name": settings.SITE_NAME,
        }
    )
    env.filters.update({"bdi": bdi, "bdi_names": bdi_names, "long_take_teaser": long_take_teaser})
    return env
