"""The full-text part of the index, one per database engine.

SQLite: an FTS5 table ``search_fts`` (rowid = search_searchdocument.id) with the Porter
stemmer for English, and a trigger that drops a document's text with its row.
PostgreSQL: a GIN index on search_searchdocument.vector.

The SQL is written out here so this migration never changes; ``helpline search reindex``
recreates the FTS5 table when the configured language needs another tokenizer.
"""

from django.db import migrations

SQLITE_FORWARDS = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
    "title, codes, tags, people, body, internal, "
    "tokenize = 'porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS search_searchdocument_fts_delete "
    "AFTER DELETE ON search_searchdocument BEGIN "
    "DELETE FROM search_fts WHERE rowid = old.id; END",
]
SQLITE_BACKWARDS = [
    "DROP TRIGGER IF EXISTS search_searchdocument_fts_delete",
    "DROP TABLE IF EXISTS search_fts",
]
POSTGRESQL_FORWARDS = [
    "CREATE INDEX IF NOT EXISTS searchdocument_vector ON search_searchdocument USING gin (vector)",
]
POSTGRESQL_BACKWARDS = ["DROP INDEX IF EXISTS searchdocument_vector"]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("search", "0001_searchdocument_create")]
    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE_FORWARDS, "postgresql": POSTGRESQL_FORWARDS}),
            run({"sqlite": SQLITE_BACKWARDS, "postgresql": POSTGRESQL_BACKWARDS}),
        )
    ]
