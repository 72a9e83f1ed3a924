"""Reader holes: the few per-reader bits of an otherwise shared public page.

Templates write a `<sos-hole …>` marker where a reader-specific value belongs
(the CSRF token of a form, the reader's own vote on a tool); the page's HTML is
then the same for every reader and can be cached, split once into literal
segments and holes, and filled for each reader on the way out. Editors cannot
forge a marker: plain text is escaped by Jinja2 and unknown tags are stripped
from Markdown by nh3.
"""

import hashlib
import re
from dataclasses import dataclass
from functools import cached_property

from django.middleware.csrf import CSRF_TOKEN_LENGTH
from markupsafe import Markup

from pagecache.csrf import page_csrf_token
from pagecache.gzip_pages import deflate_segments, gzip_member
from verdicts.models import Call, CommunityVote
from verdicts.visitors import visitor_key

# Per page: the reader's own votes make variants (3 per tool on the page); most
# readers have none, so a handful covers nearly every hit.
_MAX_VARIANTS = 16
_HOLE = re.compile(r"<sos-hole (csrf|vote-mine|vote-pressed)(?: ([\w-]+))?(?: (ship|skip))?>")


def csrf_hole() -> Markup:
    return Markup('<input type="hidden" name="csrfmiddlewaretoken" value="<sos-hole csrf>">')


def vote_mine_hole(slug: str) -> Markup:
    return Markup("<sos-hole vote-mine {}>").format(slug)


def vote_pressed_hole(slug: str, call: str) -> Markup:
    return Markup("<sos-hole vote-pressed {} {}>").format(slug, call)


@dataclass(frozen=True)
class Hole:
    kind: str
    slug: str | None
    call: str | None


@dataclass(frozen=True)
class SplitPage:
    """A page as literal text and holes, alternating: text, hole, text, …, text."""

    parts: tuple
    vote_slugs: frozenset
    digest: str  # of the shared page, for ETags

    @property
    def has_holes(self) -> bool:
        return len(self.parts) > 1

    def render(self, values: list[str]) -> str:
        """The page with one reader's values in its holes, in order."""
        filled = iter(values)
        return "".join(part if isinstance(part, str) else next(filled) for part in self.parts)

    def gzipped(self, values: list[str]) -> bytes | None:
        """render(values) as UTF-8 and gzipped, the shared text deflated once per
        process for each variant of the page (the reader's votes); None if a CSRF
        token is not of Django's fixed length, which the dictionaries rely on."""
        tokens, variant = [], []
        for part, value in zip(self._holes, values, strict=True):
            (tokens if part.kind == "csrf" else variant).append(value.encode())
        if any(len(token) != CSRF_TOKEN_LENGTH for token in tokens):
            return None
        segments, deflated = self._deflated(tuple(variant))
        return gzip_member(segments, deflated, tokens)

    @cached_property
    def _holes(self) -> tuple:
        return tuple(part for part in self.parts if not isinstance(part, str))

    def _deflated(self, variant: tuple) -> tuple[list[bytes], list[bytes]]:
        # Kept on the page object, which pagecache.middleware holds per process.
        variants = self.__dict__.setdefault("_variants", {})
        entry = variants.get(variant)
        if entry is None:
            segments, current, filled = [], [], iter(variant)
            for part in self.parts:
                if isinstance(part, str):
                    current.append(part.encode())
                elif part.kind == "csrf":
                    segments.append(b"".join(current))
                    current = []
                else:
                    current.append(next(filled))
            segments.append(b"".join(current))
            entry = (segments, deflate_segments(segments, CSRF_TOKEN_LENGTH))
            if len(variants) >= _MAX_VARIANTS:
                variants.clear()
            variants[variant] = entry
        return entry


def split_page(html: str) -> SplitPage:
    parts, slugs, position = [], set(), 0
    for match in _HOLE.finditer(html):
        parts.append(html[position : match.start()])
        hole = Hole(*match.groups())
        parts.append(hole)
        if hole.slug:
            slugs.add(hole.slug)
        position = match.end()
    parts.append(html[position:])
    digest = hashlib.sha256(html.encode()).hexdigest()[:32]
    return SplitPage(tuple(parts), frozenset(slugs), digest)


def _readers_votes(request, slugs) -> dict[str, str]:
    key = visitor_key(request)
    if not key or not slugs:
        return {}
    return dict(
        CommunityVote.objects.filter(visitor_key=key, tool__slug__in=slugs).values_list(
            "tool__slug", "call"
        )
    )


def _you_said(slug: str, call: str) -> str:
    return (
        f'<p class="vote__mine" data-vote-mine>You said <strong>{Call(call).label}</strong>'
        f' · <a href="#vote-{slug}">change</a></p>'
    )


def reader_values(request, page: SplitPage) -> tuple[list[str], str]:
    """What this reader's page puts in its holes; at most one query (their votes
    on the page's tools).

    Also returns what was personal in it, for the ETag: the CSRF token is masked
    afresh on every response without changing its meaning, so it does not count.
    """
    if not page.has_holes:
        return [], ""
    votes = _readers_votes(request, page.vote_slugs)
    token = None
    values = []
    for part in page.parts:
        if isinstance(part, str):
            continue
        if part.kind == "csrf":
            token = token or page_csrf_token(request)
            values.append(token)
        elif part.kind == "vote-mine":
            values.append(_you_said(part.slug, votes[part.slug]) if part.slug in votes else "")
        else:
            values.append("true" if votes.get(part.slug) == part.call else "false")
    return values, repr(sorted(votes.items()))
