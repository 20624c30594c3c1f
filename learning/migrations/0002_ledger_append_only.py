from django.db import migrations

SQLITE = [
    """CREATE TRIGGER learning_ledgerentry_no_update BEFORE UPDATE ON learning_ledgerentry
       BEGIN SELECT RAISE(ABORT, 'learning-hours ledger entries are append-only'); END""",
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS learning_ledgerentry_no_update"]
POSTGRES = [
    """CREATE FUNCTION learning_ledgerentry_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'learning-hours ledger entries are append-only'; END;
       $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER learning_ledgerentry_append_only BEFORE UPDATE OR DELETE
       ON learning_ledgerentry FOR EACH ROW EXECUTE FUNCTION learning_ledgerentry_append_only()""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS learning_ledgerentry_append_only ON learning_ledgerentry",
    "DROP FUNCTION IF EXISTS learning_ledgerentry_append_only()",
]


def forwards(apps, schema_editor):
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    statements = (
        POSTGRES_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE
    )
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    """The database itself refuses to change a ledger entry, and on PostgreSQL to delete
    one (TRUNCATE, used only to empty a test database, is a statement, not a row delete).
    SQLite has no such distinction — a test flush deletes rows — so there the model's
    manager refuses deletes."""

    dependencies = [("learning", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
