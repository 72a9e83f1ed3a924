"""Site search over tools: names, taglines, descriptions and the panel's takes.

Ranking is a weighted sum of substring matches written as portable SQL, so
SQLite and PostgreSQL return the same tools in the same order: a name match
outweighs a tagline match, which outweighs the description, then the takes.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import reduce
from operator import add, or_

from django.db.models import Case as SqlCase
from django.db.models import Count, Exists, F, OuterRef, Q, Value, When
from django.db.models.lookups import IContains, Lookup

from verdicts.models import Take, Tool

MAX_QUERY_LENGTH = 100
MAX_TERMS = 8
MAX_RESULTS = 50
WEIGHTS = {"name": 8, "tagline": 4, "description": 2}
TAKE_WEIGHT = 1

# A term starts with a letter or digit and may keep the marks of names such as
# "c++", "node.js" or "gpt-4o"; everything else separates terms.
TERM = re.compile(r"\w[\w+#.'-]*")


class AsciiIContains(IContains):
    """icontains that folds ASCII letters only, as SQLite's LIKE does.

    PostgreSQL's UPPER() folds by the database locale (É = é under C.UTF-8), which
    SQLite cannot; comparing in the "C" collation keeps both databases agreeing.
    """

    def as_postgresql(self, compiler, connection):
        # Lookup.process_lhs: the column without the UPPER() cast icontains adds.
        lhs, lhs_params = Lookup.process_lhs(self, compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        sql = f'UPPER(({lhs})::text COLLATE "C") LIKE UPPER(({rhs})::text COLLATE "C")'
        return sql, (*lhs_params, *rhs_params)


@dataclass(frozen=True)
class SearchQuery:
    """What the reader typed and what we will search for."""

    text: str
    terms: tuple[str, ...] = ()
    too_long: bool = False
    dropped_terms: int = 0

    @property
    def is_empty(self) -> bool:
        return not self.text

    @property
    def has_nothing_to_search(self) -> bool:
        """Typed something, but not one letter or digit (only punctuation, say)."""
        return bool(self.text) and not self.too_long and not self.terms


def _printable(text: str) -> str:
    # Control characters (NUL and friends) are never part of a name; drop them
    # before they are echoed on the page or reach a database that refuses them.
    return "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)


def parse_query(raw: str) -> SearchQuery:
    text = unicodedata.normalize("NFC", _printable(raw or "")).strip()
    if len(text) > MAX_QUERY_LENGTH:
        return SearchQuery(text=text[:MAX_QUERY_LENGTH], too_long=True)
    terms: list[str] = []
    for token in TERM.findall(text):
        term = token.rstrip(".'-")
        if term.casefold() not in (seen.casefold() for seen in terms):
            terms.append(term)
    return SearchQuery(
        text=text,
        terms=tuple(terms[:MAX_TERMS]),
        dropped_terms=max(0, len(terms) - MAX_TERMS),
    )


def _weight(condition, weight: int):
    return SqlCase(When(condition, then=Value(weight)), default=Value(0))


def _take_matches(term: str):
    return Exists(Take.objects.filter(tool=OuterRef("pk")).filter(AsciiIContains(F("body"), term)))


def search_tools(query: SearchQuery, tools=None):
    """Published tools matching any term, best first, with their panel counts and
    the number of takes that mention a term: one query."""
    if not query.terms:
        return Tool.objects.none()
    tools = Tool.objects.published() if tools is None else tools
    scores = [
        _weight(AsciiIContains(F(field), term), weight)
        for term in query.terms
        for field, weight in WEIGHTS.items()
    ]
    scores += [_weight(_take_matches(term), TAKE_WEIGHT) for term in query.terms]
    take_mentions = reduce(or_, [AsciiIContains(F("takes__body"), term) for term in query.terms])
    return (
        tools.with_panel_ranking()
        .select_related("category")
        .annotate(
            search_rank=reduce(add, scores),
            matching_takes=Count("takes", filter=Q(take_mentions), distinct=True),
        )
        .filter(search_rank__gt=0)
        .order_by("-search_rank", "name_sort_key", "pk")[:MAX_RESULTS]
    )
