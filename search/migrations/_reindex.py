"""What migrations that change the embedded index's tokens share."""


def requeue_embedded(schema_editor) -> None:
    """Note every indexed course in the outbox, so that the drain writes it again."""
    now = "now()" if schema_editor.connection.vendor == "postgresql" else "CURRENT_TIMESTAMP"
    schema_editor.execute(
        "INSERT INTO search_indexoperation"
        " (backend, page_id, created_at, attempts, next_attempt_at, last_error)"
        f" SELECT 'embedded', id, {now}, 0, {now}, '' FROM search_searchentry"
    )
