"""Search documents, one per tool, and each engine's index on them (README "Search").

The engine's part runs only on its database: SQLite gets two FTS5 external-content
tables kept in step by triggers, PostgreSQL the pg_trgm extension and two GIN
indexes. The SQL is frozen here, as the schema stood at this migration. Existing
tools get their documents at the end (verdicts.search_index.rebuild, with this
migration's models; `manage.py rebuild_search_index` does the same at any time).
"""

import django.contrib.postgres.search
import django.db.models.deletion
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

FTS_COLUMNS = "name, tagline, category, description, takes"

SQLITE_CREATE = [
    f"""CREATE VIRTUAL TABLE verdicts_search_fts USING fts5(
        {FTS_COLUMNS},
        content='verdicts_searchdocument', content_rowid='tool_id',
        tokenize="porter unicode61 remove_diacritics 0 tokenchars '+#'",
        prefix='2'
    )""",
    """CREATE VIRTUAL TABLE verdicts_search_names USING fts5(
        name,
        content='verdicts_searchdocument', content_rowid='tool_id',
        tokenize='trigram'
    )""",
    f"""CREATE TRIGGER verdicts_searchdocument_ai AFTER INSERT ON verdicts_searchdocument BEGIN
        INSERT INTO verdicts_search_fts(rowid, {FTS_COLUMNS})
            VALUES (new.tool_id, new.name, new.tagline, new.category, new.description, new.takes);
        INSERT INTO verdicts_search_names(rowid, name) VALUES (new.tool_id, new.name);
    END""",
    f"""CREATE TRIGGER verdicts_searchdocument_ad AFTER DELETE ON verdicts_searchdocument BEGIN
        INSERT INTO verdicts_search_fts(verdicts_search_fts, rowid, {FTS_COLUMNS})
            VALUES ('delete', old.tool_id, old.name, old.tagline, old.category,
                    old.description, old.takes);
        INSERT INTO verdicts_search_names(verdicts_search_names, rowid, name)
            VALUES ('delete', old.tool_id, old.name);
    END""",
    f"""CREATE TRIGGER verdicts_searchdocument_au AFTER UPDATE ON verdicts_searchdocument BEGIN
        INSERT INTO verdicts_search_fts(verdicts_search_fts, rowid, {FTS_COLUMNS})
            VALUES ('delete', old.tool_id, old.name, old.tagline, old.category,
                    old.description, old.takes);
        INSERT INTO verdicts_search_names(verdicts_search_names, rowid, name)
            VALUES ('delete', old.tool_id, old.name);
        INSERT INTO verdicts_search_fts(rowid, {FTS_COLUMNS})
            VALUES (new.tool_id, new.name, new.tagline, new.category, new.description, new.takes);
        INSERT INTO verdicts_search_names(rowid, name) VALUES (new.tool_id, new.name);
    END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS verdicts_searchdocument_au",
    "DROP TRIGGER IF EXISTS verdicts_searchdocument_ad",
    "DROP TRIGGER IF EXISTS verdicts_searchdocument_ai",
    "DROP TABLE IF EXISTS verdicts_search_names",
    "DROP TABLE IF EXISTS verdicts_search_fts",
]
POSTGRESQL_CREATE = [
    # Full-text search: `vector @@ query`.
    "CREATE INDEX verdicts_searchdocument_vector ON verdicts_searchdocument USING gin (vector)",
    # Name substrings (`name ILIKE '%claud%'`) and typos (word_similarity).
    "CREATE INDEX verdicts_searchdocument_name_trgm ON verdicts_searchdocument "
    "USING gin (name gin_trgm_ops)",
]
POSTGRESQL_DROP = [
    "DROP INDEX IF EXISTS verdicts_searchdocument_name_trgm",
    "DROP INDEX IF EXISTS verdicts_searchdocument_vector",
]


def create_engine_indexes(apps, schema_editor):
    """The FTS5 tables and triggers (SQLite) or the GIN indexes (PostgreSQL)."""
    vendor = schema_editor.connection.vendor
    for sql in {"sqlite": SQLITE_CREATE, "postgresql": POSTGRESQL_CREATE}.get(vendor, []):
        schema_editor.execute(sql)


def drop_engine_indexes(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}.get(vendor, []):
        schema_editor.execute(sql)


def build_documents(apps, schema_editor):
    from verdicts.search_index import rebuild

    models = tuple(apps.get_model("verdicts", name) for name in ("Tool", "Take", "SearchDocument"))
    rebuild(models=models, retire_pages=False)


class PostgresTrigramExtension(TrigramExtension):
    """pg_trgm on PostgreSQL only, both ways: Django's CreateExtension skips
    other databases going forwards but queries pg_extension going backwards."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("verdicts", "0006_take_history_from_seed_dates"),
    ]

    operations = [
        # A no-op on SQLite (Django's CreateExtension checks the vendor).
        PostgresTrigramExtension(),
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "tool",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="verdicts.tool",
                    ),
                ),
                ("name", models.TextField()),
                ("tagline", models.TextField(blank=True)),
                ("category", models.TextField(blank=True)),
                ("description", models.TextField(blank=True)),
                ("takes", models.TextField(blank=True)),
                (
                    "vector",
                    django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
                ),
            ],
        ),
        migrations.RunPython(create_engine_indexes, drop_engine_indexes),
        migrations.RunPython(build_documents, migrations.RunPython.noop),
    ]
