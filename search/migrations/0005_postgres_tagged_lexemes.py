"""PostgreSQL: the embedded index now stores lexemes tagged with their column
(`t:光伏`) instead of tsvector weights. Every indexed course is noted in the outbox, so
the drain writes it again in the new form (searches keep working meanwhile, with the
old entries found as they are rewritten). Nothing to do on SQLite."""

from django.db import migrations

REQUEUE = (
    "INSERT INTO search_indexoperation"
    " (backend, page_id, created_at, attempts, next_attempt_at, last_error)"
    " SELECT 'embedded', id, now(), 0, now(), '' FROM search_searchentry"
)


def requeue(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REQUEUE)


class Migration(migrations.Migration):
    dependencies = [("search", "0004_search_documents_apart")]

    operations = [migrations.RunPython(requeue, migrations.RunPython.noop)]
