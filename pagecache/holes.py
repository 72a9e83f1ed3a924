"""Reader holes: the few per-reader bits of an otherwise shared public page.

Templates write a `<sos-hole …>` marker where a reader-specific value belongs
(the CSRF token of a form, the reader's own vote on a tool); the page's HTML is
then the same for every reader and can be cached, and fill_reader_holes() puts
this reader's values in on the way out. Editors cannot forge a marker: plain
text is escaped by Jinja2 and unknown tags are stripped from Markdown by nh3.
"""

import re

from django.middleware.csrf import get_token
from markupsafe import Markup

from verdicts.models import Call, CommunityVote
from verdicts.visitors import visitor_key

_HOLE = re.compile(r"<sos-hole (csrf|vote-mine|vote-pressed)(?: ([\w-]+))?(?: (ship|skip))?>")


def csrf_hole() -> Markup:
    return Markup('<input type="hidden" name="csrfmiddlewaretoken" value="<sos-hole csrf>">')


def vote_mine_hole(slug: str) -> Markup:
    return Markup("<sos-hole vote-mine {}>").format(slug)


def vote_pressed_hole(slug: str, call: str) -> Markup:
    return Markup("<sos-hole vote-pressed {} {}>").format(slug, call)


def _readers_votes(request, slugs: set[str]) -> dict[str, str]:
    key = visitor_key(request)
    if not key or not slugs:
        return {}
    return dict(
        CommunityVote.objects.filter(visitor_key=key, tool__slug__in=slugs).values_list(
            "tool__slug", "call"
        )
    )


def _you_said(slug: str, call: str) -> str:
    label = Call(call).label
    return (
        f'<p class="vote__mine" data-vote-mine>You said <strong>{label}</strong>'
        f' · <a href="#vote-{slug}">change</a></p>'
    )


def fill_reader_holes(request, html: str) -> tuple[str, str]:
    """Replace every marker with this reader's value; at most one query.

    Returns the page and a short description of what was personal in it (the
    reader's votes), for the ETag: the CSRF token changes its mask on every
    response without changing its meaning, so it does not count.
    """
    if "<sos-hole" not in html:
        return html, ""
    slugs = {m.group(2) for m in _HOLE.finditer(html) if m.group(1) != "csrf"}
    votes = _readers_votes(request, slugs)
    token = None

    def value(match):
        nonlocal token
        kind, slug, call = match.groups()
        if kind == "csrf":
            token = token or get_token(request)
            return token
        if kind == "vote-mine":
            return _you_said(slug, votes[slug]) if slug in votes else ""
        return "true" if votes.get(slug) == call else "false"

    return _HOLE.sub(value, html), repr(sorted(votes.items()))
