"""How a name becomes a slug: the one rule for tools, categories and personas.

Django's slugify() deletes punctuation, so "Aider 1.0" would become `aider-10`
and read like version ten. Here every run of punctuation or spaces between
letters and digits becomes one hyphen instead ("Aider 1.0" → `aider-1-0`,
"Node.js" → `node-js`). Slugs are stored and never recomputed on rename, so
the URLs already published keep answering.
"""

import re
import unicodedata

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug_from_name(name: str, max_length: int | None = None) -> str:
    """A URL slug for `name`: lowercase ASCII letters and digits joined by single
    hyphens, accents folded to ASCII as Django's slugify() does ("Café" → `cafe`),
    at most `max_length` characters, never starting or ending with a hyphen.
    Returns "" when the name has no letter or digit that survives."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_SLUG.sub("-", ascii_name.lower()).strip("-")
    if max_length is not None:
        slug = slug[:max_length].rstrip("-")
    return slug
