"""Term frequency: the embedded index gets a column of the terms a course's own texts
name again and again (`search.tokens.REPEAT_LEVELS`); on SQLite its FTS5 table is made
again with that column, and without the fts5vocab table no search reads any more.
Every indexed course is noted in the outbox, so the drain writes it again with the new
column; Elasticsearch needs `manage.py rebuild_search_index --backend elasticsearch`
for its new `repeats` field."""

from django.db import migrations

from search.migrations._reindex import new_tokens

FTS = (
    "CREATE VIRTUAL TABLE search_entry_fts USING fts5("
    "title, spell, initials, body, grams{more},"
    " tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3 4')"
)
SQLITE = [
    "DROP TABLE IF EXISTS search_entry_vocab",
    "DROP TABLE IF EXISTS search_entry_fts",
    FTS.format(more=", repeats"),
]
SQLITE_REVERSE = [
    "DROP TABLE search_entry_fts",
    FTS.format(more=""),
    "CREATE VIRTUAL TABLE search_entry_vocab USING fts5vocab(search_entry_fts, 'col')",
]


forwards, backwards = new_tokens(SQLITE, SQLITE_REVERSE)


class Migration(migrations.Migration):
    dependencies = [("search", "0010_index_version")]

    operations = [migrations.RunPython(forwards, backwards)]
