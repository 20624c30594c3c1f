"""Search that reads how workers type: traditional characters made simplified, fuzzy
pinyin, pieces of Latin words. The embedded index gets the fuzzy spelling of titles
and lecturers beside each entry and, on SQLite, an FTS5 table with a column for the
pieces of Latin words and the body holding the title too, with its fts5vocab table
(how many courses hold a term). Every indexed course is noted in the outbox, so the
drain writes it again in the new form; Elasticsearch needs
`manage.py rebuild_search_index --backend elasticsearch` for its new mapping."""

from django.db import migrations, models

from search.migrations._reindex import new_tokens

SQLITE = [
    "DROP TABLE IF EXISTS search_entry_fts",
    "CREATE VIRTUAL TABLE search_entry_fts USING fts5("
    "title, spell, initials, body, grams,"
    " tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3 4')",
    "CREATE VIRTUAL TABLE search_entry_vocab USING fts5vocab(search_entry_fts, 'col')",
]
SQLITE_REVERSE = [
    "DROP TABLE search_entry_vocab",
    "DROP TABLE search_entry_fts",
    "CREATE VIRTUAL TABLE search_entry_fts USING fts5("
    "title, spell, initials, body, tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3 4')",
]


forwards, backwards = new_tokens(SQLITE, SQLITE_REVERSE)


class Migration(migrations.Migration):
    dependencies = [("search", "0005_postgres_tagged_lexemes")]

    operations = [
        migrations.AddField(
            model_name="searchentry", name="title_fuzzy", field=models.TextField(blank=True)
        ),
        migrations.AddField(
            model_name="searchentry", name="people_fuzzy", field=models.TextField(blank=True)
        ),
        migrations.RunPython(forwards, backwards),
    ]
