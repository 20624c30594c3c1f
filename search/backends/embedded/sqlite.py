"""The embedded index on SQLite: an FTS5 table beside the entries (one column per kind
of token, fed with pre-cut tokens, so its tokenizer only splits on spaces)."""

import contextlib

from search.backends.embedded import COLUMNS, EmbeddedBackend
from search.query import Lookup

FTS_TABLE = "search_entry_fts"


def _match(lookup: Lookup) -> str:
    star = " *" if lookup.prefix else ""
    return f'{{{lookup.column}}} : "{lookup.token}"{star}'


class SQLiteBackend(EmbeddedBackend):
    id_list = "group_concat(id)"

    def write_tokens(self, cursor, rows) -> None:
        self.delete_tokens(cursor, [id_ for id_, _columns in rows])
        names = ", ".join(COLUMNS)
        marks = ", ".join(["%s"] * (len(COLUMNS) + 1))
        cursor.executemany(
            f"INSERT INTO {FTS_TABLE} (rowid, {names}) VALUES ({marks})",
            [(id_, *(" ".join(columns[name]) for name in COLUMNS)) for id_, columns in rows],
        )

    def delete_tokens(self, cursor, ids) -> None:
        if ids:
            marks = ", ".join(["%s"] * len(ids))
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", ids)

    def drop_orphans(self) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {FTS_TABLE} WHERE rowid NOT IN (SELECT id FROM search_searchentry)"
            )

    def lookup(self, columns: str, lookup: Lookup) -> tuple[str, str]:
        return (
            f"SELECT rowid AS id, {columns} FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",
            _match(lookup),
        )

    def by_index(self):
        return contextlib.nullcontext()
