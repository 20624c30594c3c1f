"""What migrations that change the embedded index's tokens share."""


def requeue_embedded(schema_editor) -> None:
    """Note every indexed course in the outbox, so that the drain writes it again."""
    now = "now()" if schema_editor.connection.vendor == "postgresql" else "CURRENT_TIMESTAMP"
    schema_editor.execute(
        "INSERT INTO search_indexoperation"
        " (backend, page_id, created_at, attempts, next_attempt_at, last_error)"
        f" SELECT 'embedded', id, {now}, 0, {now}, '' FROM search_searchentry"
    )


def new_tokens(sqlite: list[str], sqlite_reverse: list[str]):
    """RunPython's two functions for new tokens: on SQLite, `sqlite` (the FTS5 table made
    again) then every course requeued; backwards, `sqlite_reverse`."""

    def run(schema_editor, statements) -> None:
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    def forwards(apps, schema_editor):
        run(schema_editor, sqlite)
        requeue_embedded(schema_editor)

    def backwards(apps, schema_editor):
        run(schema_editor, sqlite_reverse)

    return forwards, backwards
