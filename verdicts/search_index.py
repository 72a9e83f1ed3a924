"""The search index: one SearchDocument per tool and the engines' indexes on it.

What a tool's document holds: its name, tagline, category name, description and
every take's text, as plain text (the rendered Markdown with tags stripped), so
snippets show what readers read.

Kept current here, in the writing transaction: a save or delete of a tool, a
take or a category rewrites the documents of the tools it touches (admin forms
and actions save object by object; `loaddata`'s raw saves too, in any order:
a tool whose category is not loaded yet is indexed again when it is). Bulk
`QuerySet.update()`, `bulk_create()` and raw SQL (bench/fill_benchmark_data.py)
bypass the hooks: run `manage.py rebuild_search_index` after them.

The engines follow the document table, each by the means built for it:

- SQLite: two FTS5 external-content tables read the document table, kept in
  step by triggers on it (FTS5's documented pattern for external content):
  `verdicts_search_fts` (every column; porter stemming, so "reviewing" finds
  "review"; `+` and `#` kept inside words for "c++" and "c#") and
  `verdicts_search_names` (the name, trigram tokenizer: substrings, "claud").
- PostgreSQL: `vector`, a weighted tsvector written from the same row
  (`VECTOR`), GIN-indexed; the name gets a trigram GIN index (pg_trgm) for
  substrings and typos.
"""

from html import unescape

from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.utils.html import strip_tags
from django.utils.text import normalize_newlines

BATCH = 1000

# Names in both configurations: "simple" keeps names as written ("smolvm",
# "gpt-4o"), "english" lets "agents" find "Agent". Prose in "english" (stems).
# PostgreSQL has four weights: category and description share C.
VECTOR = (
    SearchVector("name", config="simple", weight="A")
    + SearchVector("name", config="english", weight="A")
    + SearchVector("tagline", config="english", weight="B")
    + SearchVector("category", config="english", weight="C")
    + SearchVector("description", config="english", weight="C")
    + SearchVector("takes", config="english", weight="D")
)


def plain_text(html: str) -> str:
    """Rendered Markdown as the words a reader sees, on one line."""
    return " ".join(unescape(strip_tags(normalize_newlines(html or ""))).split())


def index_tools(tool_ids, *, models=None) -> int:
    """Rewrite the search documents of these tools from their rows: three or four
    queries per BATCH tools. Tools that no longer exist lose their document.

    `models` is (Tool, Take, SearchDocument), for a migration's historical models;
    the app's own by default. Returns how many documents were written.
    """
    if models is None:
        from verdicts.models import SearchDocument, Take, Tool

        models = (Tool, Take, SearchDocument)
    tool_model, take_model, document_model = models
    ids = sorted(set(tool_ids))
    written = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        takes: dict[int, list[str]] = {}
        for tool_id, body_html in (
            take_model.objects.filter(tool_id__in=batch)
            .order_by("tool_id", "persona_id")
            .values_list("tool_id", "body_html")
        ):
            takes.setdefault(tool_id, []).append(plain_text(body_html))
        documents = [
            document_model(
                tool_id=tool_id,
                name=name,
                tagline=tagline,
                category=category or "",
                description=plain_text(description_html),
                takes=" / ".join(takes.get(tool_id, [])),
            )
            for tool_id, name, tagline, description_html, category in tool_model.objects.filter(
                pk__in=batch
            ).values_list("pk", "name", "tagline", "description_html", "category__name")
        ]
        document_model.objects.filter(pk__in=batch).delete()
        document_model.objects.bulk_create(documents)
        if documents and connection.vendor == "postgresql":
            document_model.objects.filter(pk__in=batch).update(vector=VECTOR)
        written += len(documents)
    return written


def rebuild(*, models=None, retire_pages=True) -> int:
    """Every tool's document from scratch; returns how many were written. Cached
    pages are retired (search pages may change); a migration passes False."""
    if models is None:
        from verdicts.models import SearchDocument, Take, Tool

        models = (Tool, Take, SearchDocument)
    tool_model, _, document_model = models
    document_model.objects.all().delete()
    if connection.vendor == "sqlite":
        # The triggers emptied both FTS5 tables row by row; rebuild them whole too,
        # which also repairs tables a raw write left out of step.
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO verdicts_search_fts(verdicts_search_fts) VALUES ('rebuild')"
            )
            cursor.execute(
                "INSERT INTO verdicts_search_names(verdicts_search_names) VALUES ('rebuild')"
            )
    written = index_tools(tool_model.objects.values_list("pk", flat=True), models=models)
    if connection.vendor == "sqlite":
        # The triggers added the rows in many small segments: merge them into one,
        # which queries read much faster.
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO verdicts_search_fts(verdicts_search_fts) VALUES ('optimize')"
            )
            cursor.execute(
                "INSERT INTO verdicts_search_names(verdicts_search_names) VALUES ('optimize')"
            )
    if retire_pages:
        from pagecache.models import bump_version

        bump_version()
    return written


def is_stale() -> bool:
    """Whether some tool has no document (or a document has no tool): two counts."""
    from verdicts.models import SearchDocument, Tool

    return SearchDocument.objects.count() != Tool.objects.count()


def _tool_changed(sender, instance, **kwargs):
    index_tools([instance.pk])


def _take_changed(sender, instance, **kwargs):
    index_tools([instance.tool_id])


def _category_changed(sender, instance, **kwargs):
    from verdicts.models import Tool

    index_tools(Tool.objects.filter(category_id=instance.pk).values_list("pk", flat=True))


def keep_index_current() -> None:
    """Connect the save and delete hooks (verdicts' AppConfig.ready())."""
    from verdicts.models import Category, Take, Tool

    for model, receiver in ((Tool, _tool_changed), (Take, _take_changed)):
        label = model._meta.label
        post_save.connect(receiver, sender=model, dispatch_uid=f"search-save-{label}")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"search-delete-{label}")
    # A category cannot be deleted while it has tools (PROTECT): saves only.
    post_save.connect(_category_changed, sender=Category, dispatch_uid="search-save-category")
