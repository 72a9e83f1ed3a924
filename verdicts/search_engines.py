"""The SQL of site search, once per engine, over the tables of verdicts/search_index.py.

Each engine answers the same three questions for verdicts/search.py:

- `ranked(query, limit)`: [tool id] of the best hits among all tools, drafts
  included (the caller keeps those its reader may see, on the page of hits
  only), in one query: name hits (the name contains what was typed) first,
  then the engine's relevance, then the name. Relevance is computed for WINDOW
  matches only (SQLite: the newest; PostgreSQL: the first its GIN index yields,
  in table order), so a word every tool contains costs the same at 10,000 tools
  as at 1,000.
- `snippets(query, tool_ids)`: {tool id: snippet or None} in one query, for the
  hits a page shows only: a few words around a match, the matches between
  MARK_START and MARK_STOP.
- `close_names(terms, limit)`: [tool id] of the tools whose name has a word
  within a typo or two of a term ("cluade" → Claude), when nothing matched: one
  query for candidates, then the same edit-distance rule (`is_close`) on both
  engines.

SQLite: FTS5 `MATCH` on `verdicts_search_fts` ranked by `bm25()` with column
weights (by the three longest words of a longer query, `ranking_items`),
`snippet()`; name substrings from the trigram table; close-name candidates share
a word's first two letters (an FTS5 prefix query on the name).
PostgreSQL: `websearch_to_tsquery` in the english and simple configurations
against the stored `vector` (GIN), `ts_rank`, `ts_headline`; name substrings by
`ILIKE` and close-name candidates (the same first-two-letters rule, `ILIKE`
word starts), both on the name's trigram GIN index.

A snippet is cut from the tool's own text (OWN_TEXT) when a word typed is there,
else from the takes, and marks every word typed (any of them, `snippet_items`).
"""

import re

from django.db import connection

# bm25() weights of name, tagline, category, description, takes.
BM25_WEIGHTS = (10.0, 5.0, 3.0, 2.0, 1.0)
SNIPPET_WORDS = 14
# The columns of the tool's own text. A snippet comes from them when a word typed
# is there, else from the takes: a snippet costs a pass over every occurrence of
# the words in the text it is cut from, and the takes are most of a document
# (bench/SEARCH.md: 25 snippets of 8 words over the takes cost 90-300 ms at scale).
OWN_TEXT = ("name", "tagline", "category", "description")
# Relevance is computed for at most this many matches (and as many name hits):
# a word found in every one of 10,000 tools must not cost 10,000 bm25()/ts_rank()
# calls, each reading the row's positions of every word typed. Below it the
# ranking is exact. What still grows with the matches is the index scan that
# finds them (and bm25()'s count of the documents holding each word): see
# bench/SEARCH.md.
WINDOW = 200
# SQLite ranks a query of more words by this many of them (ranking_items): bm25()
# counts the documents holding each word it ranks by, on every query, reading the
# word's whole index entry (FTS5's xQueryPhrase): 0.3 ms a word found in each of
# 10,000 documents, 2.3 ms for a sentence of 8 such words (bench/SEARCH.md).
# PostgreSQL's ts_rank() counts nothing across documents and ranks by every word.
RANKED_ITEMS = 3
# Close names: at most this many candidates are checked in Python.
CANDIDATES = 200
WORD = re.compile(r"\w+")

# Snippets mark a match with these; editors' text never holds them (control
# characters are refused or dropped on save, shiporskip/lib/text_rules.py).
MARK_START, MARK_STOP = "\x02", "\x03"


def for_connection():
    """The engine of the default database."""
    return PostgreSQLEngine() if connection.vendor == "postgresql" else SQLiteEngine()


def edit_distance(a: str, b: str, bound: int) -> int:
    """Optimal string alignment distance (a transposition costs one), or bound + 1
    as soon as it must exceed bound."""
    if abs(len(a) - len(b)) > bound:
        return bound + 1
    # Each letter of a that b lacks costs an edit: a cheap bound that skips the
    # table for most words (a close-name search checks hundreds of them).
    if sum(char not in b for char in a) > bound:
        return bound + 1
    previous2, previous = None, list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            cost = char_a != char_b
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > bound:
            return bound + 1
        previous2, previous = previous, current
    return previous[-1]


def allowed_typos(term: str) -> int:
    """One typo in a word of 4 to 7 letters, two from 8; none below 4 (too many
    short words are a typo apart)."""
    return 0 if len(term) < 4 else 1 if len(term) < 8 else 2


def _closeness(word: str, bounds) -> int | None:
    """The fewest typos between `word` (casefolded) and a term of `bounds`
    ([(casefolded term, its allowed typos)]) within that term's allowance; None if
    no term is that close."""
    return min(
        (d for term, bound in bounds if (d := edit_distance(term, word, bound)) <= bound),
        default=None,
    )


def is_close(term: str, name: str) -> int | None:
    """The fewest typos between `term` and a word of `name`, if within
    allowed_typos(term); None otherwise. Case is ignored."""
    bound = allowed_typos(term)
    if not bound:
        return None
    bounds = [(term.casefold(), bound)]
    distances = (_closeness(word, bounds) for word in WORD.findall(name.casefold()))
    return min((d for d in distances if d is not None), default=None)


def _rows(sql: str, params) -> list[tuple]:
    """Every row `sql` returns with `params`, as tuples: the engines' raw queries."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class Engine:
    def close_names(self, terms, limit):
        bounds = [(term.casefold(), allowed_typos(term)) for term in terms if allowed_typos(term)]
        if not bounds:
            return []
        # is_close() for every term at once, each distinct word of the candidates'
        # names measured once: names share words ("Bench tool 00017"), and 200
        # candidates cost 0.9 ms name by name.
        closeness: dict[str, int | None] = {}
        scored = []
        for tool_id, name in self.close_name_candidates([term for term, _ in bounds]):
            folded = name.casefold()
            distances = []
            for word in WORD.findall(folded):
                if word not in closeness:
                    closeness[word] = _closeness(word, bounds)
                if closeness[word] is not None:
                    distances.append(closeness[word])
            if distances:
                scored.append((min(distances), folded, tool_id))
        return [tool_id for _, _, tool_id in sorted(scored)[:limit]]


def snippet_items(query) -> list[str]:
    """The distinct positive words and phrases of a SearchQuery, in the order typed."""
    return list(dict.fromkeys(i.text for branch in query.branches for i in branch if not i.negated))


def _fts_string(text: str) -> str:
    """One FTS5 string (a word or a phrase, tokenized by the table's tokenizer)."""
    return '"' + text.replace('"', '""') + '"'


def fts_match(query) -> str:
    """The FTS5 query for a parsed SearchQuery: branches OR-ed, items AND-ed,
    exclusions with NOT; every word quoted, so no input is FTS5 syntax."""
    branches = []
    for branch in query.branches:
        positive = " AND ".join(_fts_string(i.text) for i in branch if not i.negated)
        negative = "".join(f" NOT {_fts_string(i.text)}" for i in branch if i.negated)
        branches.append(f"({positive}{negative})")
    return " OR ".join(branches)


def ranking_items(query) -> list[str] | None:
    """The words and phrases SQLite's bm25() ranks the hits of a query by: None (all
    of them, the usual case) for up to RANKED_ITEMS, else the RANKED_ITEMS longest
    (a long word is, more often than a short one, a rare word, the kind bm25()
    weighs; ties keep the order typed)."""
    items = snippet_items(query)
    if len(items) <= RANKED_ITEMS:
        return None
    return sorted(items, key=len, reverse=True)[:RANKED_ITEMS]


def fts_any(query) -> str:
    """The FTS5 query matching any positive word or phrase of a SearchQuery: what a
    snippet marks (a hit holds all of one branch's words, perhaps not in one column)."""
    return " OR ".join(_fts_string(text) for text in snippet_items(query))


class SQLiteEngine(Engine):
    def ranked(self, query, limit):
        match = fts_match(query)
        weights = ", ".join(str(w) for w in BM25_WEIGHTS)
        # The trigram tokenizer finds substrings of three characters or more.
        names = _fts_string(query.name_text) if len(query.name_text) >= 3 else None
        # Every CTE is MATERIALIZED: a constraint pushed into an FTS5 scan (rowid IN
        # (…)) makes SQLite run the full-text query once per row.
        ranking = ranking_items(query)
        if ranking is None:
            text_hits = f"""
            text_hits AS MATERIALIZED (
                SELECT rowid AS tool_id, bm25(verdicts_search_fts, {weights}) AS text_rank
                FROM verdicts_search_fts WHERE verdicts_search_fts MATCH %s
                ORDER BY rowid DESC LIMIT %s
            ),"""  # noqa: S608 - formats in constants only
            text_params = [match, WINDOW]
        else:
            # The window's matches, then bm25() of the ranking words over the window's
            # rowids (a range FTS5 seeks to); a match holding none of them ranks last.
            text_hits = f"""
            matches AS MATERIALIZED (
                SELECT rowid AS tool_id FROM verdicts_search_fts
                WHERE verdicts_search_fts MATCH %s ORDER BY rowid DESC LIMIT %s
            ),
            ranks AS MATERIALIZED (
                SELECT rowid AS tool_id, bm25(verdicts_search_fts, {weights}) AS text_rank
                FROM verdicts_search_fts WHERE verdicts_search_fts MATCH %s
                AND rowid BETWEEN (SELECT MIN(tool_id) FROM matches)
                              AND (SELECT MAX(tool_id) FROM matches)
            ),
            text_hits AS MATERIALIZED (
                SELECT m.tool_id, COALESCE(r.text_rank, 0.0) AS text_rank
                FROM matches m LEFT JOIN ranks r ON r.tool_id = m.tool_id
            ),"""  # noqa: S608 - formats in constants only
            text_params = [match, WINDOW, " OR ".join(_fts_string(text) for text in ranking)]
        sql = f"""
            WITH {text_hits}
            name_hits AS MATERIALIZED (
                SELECT rowid AS tool_id FROM verdicts_search_names
                WHERE %s IS NOT NULL AND verdicts_search_names MATCH %s
                ORDER BY rowid DESC LIMIT %s
            ),
            hits AS (
                SELECT tool_id, 0 AS name_hit, text_rank FROM text_hits
                UNION ALL SELECT tool_id, 1, 0.0 FROM name_hits
            ),
            best AS MATERIALIZED (
                SELECT tool_id, MAX(name_hit) AS name_hit, MIN(text_rank) AS text_rank
                FROM hits GROUP BY tool_id
                ORDER BY name_hit DESC, text_rank, tool_id
                LIMIT %s
            )
            SELECT best.tool_id
            FROM best JOIN verdicts_searchdocument d ON d.tool_id = best.tool_id
            ORDER BY best.name_hit DESC, best.text_rank, lower(d.name), best.tool_id
        """  # noqa: S608 - formats in constants only; input goes as params
        params = [*text_params, names, names or '""', WINDOW, limit]
        return [tool_id for (tool_id,) in _rows(sql, params)]

    def snippets(self, query, tool_ids):
        if not tool_ids:
            return {}
        any_word = fts_any(query)
        cut = f"snippet(verdicts_search_fts, -1, char(2), char(3), '…', {SNIPPET_WORDS})"
        sql = f"""
            SELECT d.tool_id, COALESCE(
                (SELECT {cut} FROM verdicts_search_fts
                 WHERE verdicts_search_fts MATCH %s AND verdicts_search_fts.rowid = d.tool_id),
                (SELECT {cut} FROM verdicts_search_fts
                 WHERE verdicts_search_fts MATCH %s AND verdicts_search_fts.rowid = d.tool_id))
            FROM verdicts_searchdocument d
            WHERE d.tool_id IN ({", ".join(["%s"] * len(tool_ids))})
        """  # noqa: S608 - formats in constants and placeholders only
        params = [f"{{{' '.join(OWN_TEXT)}}} : ({any_word})", any_word, *tool_ids]
        return dict(_rows(sql, params))

    def close_name_candidates(self, terms):
        prefixes = " OR ".join(f"{_fts_string(term[:2])} *" for term in terms)
        sql = """
            WITH candidates AS MATERIALIZED (
                SELECT rowid AS tool_id FROM verdicts_search_fts
                WHERE verdicts_search_fts MATCH %s ORDER BY rowid DESC LIMIT %s
            )
            SELECT d.tool_id, d.name
            FROM candidates c JOIN verdicts_searchdocument d ON d.tool_id = c.tool_id
        """
        return _rows(sql, [f"name : ({prefixes})", CANDIDATES])


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like_pattern(text: str) -> str:
    return "%" + _like_escape(text) + "%"


class PostgreSQLEngine(Engine):
    # Prose stems in english ("reviewing" finds "review"); names also as typed
    # (simple), so a query for "smolvm" or "gpt-4o" is never stemmed away.
    TSQUERY = "websearch_to_tsquery('english', %s) || websearch_to_tsquery('simple', %s)"
    HEADLINE = (
        f"StartSel={MARK_START}, StopSel={MARK_STOP}, MaxFragments=1, "
        f'MaxWords={SNIPPET_WORDS}, MinWords=5, FragmentDelimiter=" … "'
    )

    def ranked(self, query, limit):
        text = query.websearch_text
        like = _like_pattern(query.name_text) if query.name_text else None
        sql = f"""
            WITH q AS (SELECT {self.TSQUERY} AS query),
            text_hits AS MATERIALIZED (
                -- The first WINDOW matches in table order: "the newest" would read
                -- every match's row to sort them (13-17 ms instead of 1-2 ms for a
                -- word in all of 10,000 documents). The query is written out here,
                -- not read from q, so the planner sees its words and their share of
                -- the documents (the vector's statistics): a rare word goes through
                -- the GIN index, a word in most documents by a table scan that stops
                -- at the WINDOWth match. The GIN index would first collect every
                -- match (11 ms for a word in all 10,000 documents, bench/SEARCH.md).
                SELECT d.tool_id FROM verdicts_searchdocument d
                WHERE d.vector @@ ({self.TSQUERY}) LIMIT %s
            ),
            name_hits AS MATERIALIZED (
                SELECT d.tool_id FROM verdicts_searchdocument d
                WHERE d.name ILIKE %s ORDER BY d.tool_id DESC LIMIT %s
            ),
            best AS MATERIALIZED (
                SELECT d.tool_id, d.name, n.tool_id IS NOT NULL AS name_hit,
                       ts_rank(d.vector, q.query) AS text_rank
                FROM (SELECT tool_id FROM text_hits UNION SELECT tool_id FROM name_hits) h
                JOIN verdicts_searchdocument d ON d.tool_id = h.tool_id
                LEFT JOIN name_hits n ON n.tool_id = h.tool_id
                CROSS JOIN q
                ORDER BY name_hit DESC, text_rank DESC, lower(d.name), d.tool_id
                LIMIT %s
            )
            SELECT best.tool_id FROM best
            ORDER BY best.name_hit DESC, best.text_rank DESC, lower(best.name), best.tool_id
        """  # noqa: S608 - formats in constants only; input goes as params
        params = [text, text, text, text, WINDOW, like, WINDOW, limit]
        return [tool_id for (tool_id,) in _rows(sql, params)]

    def snippets(self, query, tool_ids):
        if not tool_ids:
            return {}
        sql = f"""
            WITH q AS (SELECT {self.TSQUERY} AS any_word)
            SELECT d.tool_id, CASE
                WHEN ts_filter(d.vector, '{{a,b,c}}') @@ q.any_word THEN ts_headline(
                    'english', concat_ws(' / ', d.name, d.tagline, d.category, d.description),
                    q.any_word, %s)
                ELSE ts_headline('english', d.takes, q.any_word, %s) END
            FROM verdicts_searchdocument d CROSS JOIN q
            WHERE d.tool_id = ANY(%s)
        """  # noqa: S608 - formats in constants only; input goes as params
        any_word = " or ".join(f'"{text}"' for text in snippet_items(query))
        params = [any_word, any_word, self.HEADLINE, self.HEADLINE, list(tool_ids)]
        return dict(_rows(sql, params))

    def close_name_candidates(self, terms):
        # The same rule as SQLite's: names with a word that starts with a term's
        # first two letters, found through the name's trigram GIN index (the
        # patterns' "  c" and " cl" trigrams), the newest CANDIDATES of them. Ordering
        # every name by similarity instead (pg_trgm's `<<->`, `<%`) rechecks every
        # name sharing a trigram with the term: at 10,000 names that share a word it
        # cost 120-260 ms when none was close (bench/SEARCH.md).
        patterns = []
        for term in terms:
            start = _like_escape(term[:2].casefold())
            patterns += [f"{start}%", f"% {start}%", f"%-{start}%"]
        where = " OR ".join(["d.name ILIKE %s"] * len(patterns))
        sql = f"""
            SELECT d.tool_id, d.name FROM verdicts_searchdocument d
            WHERE {where} ORDER BY d.tool_id DESC LIMIT %s
        """  # noqa: S608 - formats in constants only; input goes as params
        return _rows(sql, [*patterns, CANDIDATES])
