"""Site search over tools: what the reader typed, and the tools it finds.

`parse_query` reads the reader's text the way PostgreSQL's `websearch_to_tsquery`
does (words must all match, "quoted phrases", `or` between alternatives,
`-word` to exclude; "a vs b" also names a comparison). `search_tools` returns
the best published tools, ranked by the engine the site runs on
(verdicts/search_engines.py: FTS5 on SQLite, full-text search and pg_trgm on
PostgreSQL) over the search documents of verdicts/search_index.py, then loads
the panel figures for that page of hits only.

Order, on both engines: tools whose name contains what was typed first, then
by the engine's relevance (weights name > tagline > category > description >
takes), then by name. When nothing matches, names within a typo or two of a
word typed ("cluade" → Claude) are offered instead (`SearchResults.close_names`).
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from verdicts import search_engines
from verdicts.models import Tool
from verdicts.search_engines import MARK_START, MARK_STOP

MAX_QUERY_LENGTH = 100
MAX_TERMS = 8
# A page of hits: each is ranked, highlighted and drawn, so this bounds what a
# search costs once many tools match. Every search string is its own page, so
# most searches are cache misses: at 20 hits a miss at 10,000 tools cost 2.1-2.3
# times its seed-size time, at 10 1.2-1.8 (bench/COLD_PATH.md). A full page says more
# tools match and asks for another word (SearchResults.more_matches).
MAX_RESULTS = 10
DRAFT_ALLOWANCE = 5
# At most this many sides in "a vs b vs c".
MAX_SIDES = 4

# A term starts with a letter or digit and may keep the marks of names such as
# "c++", "node.js" or "gpt-4o"; everything else separates terms.
TERM = re.compile(r"\w[\w+#.'-]*")
# A quoted phrase, or one run of anything else but spaces and quotes.
TOKEN = re.compile(r'"([^"]*)"?|([^\s"]+)')
VERSUS = re.compile(r"\s+(?:vs\.?|versus)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Item:
    """One word or quoted phrase of a query; negated when typed as -word."""

    text: str
    negated: bool = False
    phrase: bool = False


@dataclass(frozen=True)
class SearchQuery:
    """What the reader typed and what we will search for.

    `branches` are alternatives (typed `or`, or the sides of "a vs b"); every
    positive item of a branch must match. `sides` holds each side's text of a
    comparison query ("claude vs smolvm"), else is empty.
    """

    text: str
    terms: tuple[str, ...] = ()
    too_long: bool = False
    dropped_terms: int = 0
    branches: tuple[tuple[Item, ...], ...] = ()
    sides: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.text

    @property
    def has_nothing_to_search(self) -> bool:
        """Typed something, but not one letter or digit (only punctuation, say)."""
        return bool(self.text) and not self.too_long and not self.terms

    @property
    def websearch_text(self) -> str:
        """The query rewritten in websearch syntax from what was parsed (so both
        engines search exactly the same words)."""
        return " or ".join(
            " ".join(
                ("-" if item.negated else "") + (f'"{item.text}"' if item.phrase else item.text)
                for item in branch
            )
            for branch in self.branches
        )

    @property
    def name_text(self) -> str:
        """What a name must contain to be a name hit: the words of a one-branch query
        of up to three words without exclusions, as typed ("claud", "c++", "claude 4
        api"); else "" (a sentence is nobody's name)."""
        if len(self.branches) != 1 or len(self.branches[0]) > 3:
            return ""
        if any(item.negated for item in self.branches[0]):
            return ""
        return " ".join(item.text for item in self.branches[0])


def _printable(text: str) -> str:
    # Control characters (NUL and friends) are never part of a name; drop them
    # before they are echoed on the page or reach a database that refuses them.
    return "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)


def _terms(text: str) -> list[str]:
    return [token.rstrip(".'-") for token in TERM.findall(text) if token.rstrip(".'-")]


def _branches(text: str, separators: set[str]) -> list[list[Item]]:
    branches: list[list[Item]] = [[]]
    for phrase, bare in TOKEN.findall(text):
        if phrase:
            words = _terms(phrase)
            if words:
                text_ = " ".join(words)
                branches[-1].append(Item(text_, phrase=len(words) > 1))
        elif bare.casefold() in separators:
            branches.append([])
        elif bare.startswith("-") and _terms(bare):
            branches[-1].extend(Item(word, negated=True) for word in _terms(bare)[:1])
        else:
            branches[-1].extend(Item(word) for word in _terms(bare))
    # A branch of exclusions only finds nothing: drop it, as websearch does.
    return [branch for branch in branches if any(not item.negated for item in branch)]


def parse_query(raw: str) -> SearchQuery:
    """The reader's text (any string, up to MAX_QUERY_LENGTH characters after
    dropping control characters) as a SearchQuery; never raises. At most MAX_TERMS
    distinct words are kept (`dropped_terms` counts the rest)."""
    text = unicodedata.normalize("NFC", _printable(raw or "")).strip()
    text = " ".join(text.split())
    if len(text) > MAX_QUERY_LENGTH:
        return SearchQuery(text=text[:MAX_QUERY_LENGTH], too_long=True)
    sides = tuple(side for side in VERSUS.split(text) if _terms(side))
    sides = sides if 2 <= len(sides) <= MAX_SIDES and len(VERSUS.split(text)) == len(sides) else ()
    separators = {"or", "vs", "vs.", "versus"} if sides else {"or"}
    branches, kept, seen, dropped = [], [], set(), 0
    for branch in _branches(text, separators):
        items = []
        for item in branch:
            key = (item.text.casefold(), item.negated)
            if key in seen:
                continue
            if len(seen) >= MAX_TERMS:
                dropped += 1
                continue
            seen.add(key)
            items.append(item)
            if not item.negated:
                kept.append(item.text)
        if any(not item.negated for item in items):
            branches.append(tuple(items))
    return SearchQuery(
        text=text,
        terms=tuple(kept),
        dropped_terms=dropped,
        branches=tuple(branches),
        sides=sides,
    )


_MARKED = re.compile(f"{MARK_START}([^{MARK_START}{MARK_STOP}]*){MARK_STOP}")


def _mark(match) -> str:
    return f"<mark>{match[1]}</mark>"


def highlighted(snippet: str | None) -> SafeString:
    """An engine's snippet as HTML: the text escaped, then its markers made <mark>."""
    if not snippet:
        return mark_safe("")
    html = _MARKED.sub(_mark, str(escape(snippet)))
    # Unpaired markers (a snippet cut inside a match) are dropped, never left open.
    return mark_safe(html.replace(MARK_START, "").replace(MARK_STOP, ""))  # noqa: S308 - escaped above


@dataclass
class SearchResults:
    """A page of hits: tools best first, each with `.snippet` (safe HTML) and its
    panel counts; `close_names` when they are names close to a misspelt word;
    `more_matches` when more tools match than the page shows."""

    tools: list[Tool] = field(default_factory=list)
    close_names: bool = False
    # More tools match than the page holds: "N tools found" would understate them
    # (a common word matches thousands, and they are not counted).
    more_matches: bool = False

    def __len__(self):
        return len(self.tools)

    def __iter__(self):
        return iter(self.tools)


def rank_tool_ids(query: SearchQuery, limit: int = MAX_RESULTS) -> tuple[list[int], bool]:
    """([tool id] of the best hits, drafts included, best first; whether they are
    close names rather than matches): one query, two when nothing matched and
    close names were looked for."""
    if not query.branches:
        return [], False
    engine = search_engines.for_connection()
    hits = engine.ranked(query, limit)
    if hits or not _may_be_a_typo(query):
        return hits, False
    return engine.close_names(query.terms, limit), True


def _may_be_a_typo(query: SearchQuery) -> bool:
    # A name or two mistyped, not a sentence: longer queries skip the second query.
    return len(query.branches) == 1 and len(query.terms) <= 3


def search_tools(query: SearchQuery, tools=None) -> SearchResults:
    """The page of hits among `tools` (published tools by default) with their panel
    counts, category and snippet: three queries (the ranking, the tools, the
    snippets of the page shown; the ranking, the close names and the tools when
    nothing matched and close names were looked for). Hits the reader may not see
    (drafts) are dropped here, on the page of hits, so the ranking never reads
    every tool's row; DRAFT_ALLOWANCE more hits are ranked so that a few drafts
    leave the page full."""
    hits, close = rank_tool_ids(query, MAX_RESULTS + DRAFT_ALLOWANCE)
    if not hits:
        return SearchResults()
    tools = Tool.objects.published() if tools is None else tools
    by_id = {tool.pk: tool for tool in tools.filter(pk__in=hits).for_rows()}
    found = [by_id[tool_id] for tool_id in hits if tool_id in by_id]
    shown = found[:MAX_RESULTS]
    # Close names matched no word typed: they have nothing to highlight.
    engine = search_engines.for_connection()
    snippets = {} if close else engine.snippets(query, [tool.pk for tool in shown])
    for tool in shown:
        tool.snippet = highlighted(snippets.get(tool.pk))
    ranked_all = len(hits) < MAX_RESULTS + DRAFT_ALLOWANCE
    more = len(found) > MAX_RESULTS or (not ranked_all and len(found) == MAX_RESULTS)
    return SearchResults(tools=shown, close_names=close, more_matches=more)
