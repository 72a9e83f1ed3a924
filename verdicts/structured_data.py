"""schema.org JSON-LD for search engines, built from the same figures as the page.

A tool is a SoftwareApplication with one Review per panel take (the persona as
author, a reviewRating only when the score is known) and an AggregateRating of
the known scores once there are enough of them (not preliminary). The document
is serialised here, escaped so that it can never close its <script> element, and
handed to templates as a safe string.
"""

import json
from html import unescape

from django.conf import settings
from django.utils.html import strip_tags
from markupsafe import Markup

from shiporskip.lib.urls import absolute_url

CONTEXT = "https://schema.org"
# JSON allows these escapes; in HTML they keep "</script>" and entities inert.
_HTML_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def plain_text(html: str) -> str:
    """The text a reader sees in sanitised HTML, entities decoded: only for outputs
    that escape text themselves (JSON, an Atom `type="text"` element), never HTML."""
    return unescape(strip_tags(html)).strip()


def _rating(value) -> dict:
    return {"@type": "Rating", "ratingValue": value, "bestRating": 100, "worstRating": 0}


def review(take) -> dict:
    persona = take.persona
    document = {
        "@type": "Review",
        "name": f"{persona.name}: {take.get_call_display()}",
        "author": {
            "@type": "Person",
            "name": persona.name,
            "url": absolute_url(persona.get_absolute_url()),
        },
        "publisher": {"@type": "Organization", "name": settings.SITE_NAME},
        "datePublished": take.created_at.date().isoformat(),
        "reviewBody": plain_text(take.body_html),
    }
    if take.score is not None:
        document["reviewRating"] = _rating(take.score)
    return document


def aggregate_rating(tool) -> dict | None:
    """The average known score; absent when no take carries a score, and while
    the scores are preliminary (fewer than VERDICT_MIN_TAKES): search results
    show an aggregate as stars with no caveat, so a rating from one or two
    reviewers would claim a consensus the page itself calls preliminary."""
    scores = tool.panel_scores
    if scores.mean is None or scores.is_preliminary:
        return None
    return {
        **_rating(float(scores.mean)),
        "@type": "AggregateRating",
        "ratingCount": scores.count,
        "reviewCount": scores.count + scores.unscored,
    }


def software_application(tool) -> dict:
    """Needs the tool's category and its takes prefetched with their personas."""
    url = absolute_url(tool.get_absolute_url())
    document = {
        "@type": "SoftwareApplication",
        "@id": f"{url}#tool",
        "name": tool.name,
        "url": url,
        "description": tool.tagline,
        "applicationCategory": "DeveloperApplication",
        "applicationSubCategory": tool.category.name,
        "isAccessibleForFree": tool.entry_tier in (tool.EntryTier.FREE, tool.EntryTier.FREEMIUM),
        "review": [review(take) for take in tool.takes.all()],
    }
    if tool.website:
        document["sameAs"] = tool.website
    rating = aggregate_rating(tool)
    if rating:
        document["aggregateRating"] = rating
    return document


def web_site() -> dict:
    """The site with its search, for the home page."""
    return {
        "@type": "WebSite",
        "name": settings.SITE_NAME,
        "url": absolute_url("/"),
        "potentialAction": {
            "@type": "SearchAction",
            "target": absolute_url("/search/?q={search_term_string}"),
            "query-input": "required name=search_term_string",
        },
    }


def json_ld(*nodes: dict) -> Markup:
    """One node as the document, or several in an @graph; safe inside <script>."""
    document = (
        {"@context": CONTEXT, **nodes[0]}
        if len(nodes) == 1
        else {"@context": CONTEXT, "@graph": list(nodes)}
    )
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.translate(_HTML_SAFE))  # noqa: S704 - escaped just above
