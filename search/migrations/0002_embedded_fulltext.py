"""The full-text structure of the embedded index, for the database in use: an FTS5
table on SQLite (fed with pre-cut tokens, so its tokenizer only splits on spaces), a
tsvector column with a GIN index on PostgreSQL ('simple' configuration, same tokens)."""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE search_entry_fts USING fts5("
    "title, spell, initials, body, tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3 4')",
]
SQLITE_REVERSE = ["DROP TABLE search_entry_fts"]
POSTGRES = [
    "ALTER TABLE search_searchentry ADD COLUMN tokens tsvector NOT NULL DEFAULT ''",
    "CREATE INDEX search_searchentry_tokens ON search_searchentry USING GIN (tokens)",
]
POSTGRES_REVERSE = [
    "DROP INDEX search_searchentry_tokens",
    "ALTER TABLE search_searchentry DROP COLUMN tokens",
]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        )
    ]
