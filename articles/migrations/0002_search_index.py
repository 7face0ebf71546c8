"""The full-text index, built for whichever database this is (see articles/search.py)."""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE articles_fts USING fts5(title, summary, body, tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles_article BEGIN DELETE FROM articles_fts WHERE rowid = old.id; END",
]
SQLITE_BACKWARD = ["DROP TRIGGER IF EXISTS articles_fts_delete", "DROP TABLE IF EXISTS articles_fts"]
POSTGRES_FORWARD = [
    "ALTER TABLE articles_article ADD COLUMN search_vector tsvector",
    "CREATE INDEX articles_article_search_gin ON articles_article USING GIN (search_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS articles_article_search_gin",
    "ALTER TABLE articles_article DROP COLUMN IF EXISTS search_vector",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
