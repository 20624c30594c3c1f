"""The embedded index on SQLite: an FTS5 table beside the entries (one column per kind
of token, fed with pre-cut tokens, so its tokenizer only splits on spaces), and its
fts5vocab table for how many courses hold a term."""

import contextlib

from search.backends.embedded import COLUMNS, FIELD_COLUMNS, EmbeddedBackend
from search.query import Lookup, Term

FTS_TABLE = "search_entry_fts"
VOCABULARY_TABLE = "search_entry_vocab"


def _match(lookup: Lookup) -> str:
    """An FTS5 query for the lookup (FTS5 intersects the posting lists for `within`)."""
    star = " *" if lookup.prefix else ""
    found = f'{{{lookup.column}}} : "{lookup.token}"{star}'
    if lookup.within:
        found += f" AND ({' OR '.join(map(_match, lookup.within))})"
    return found


class SQLiteBackend(EmbeddedBackend):
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

    def by_index(self, searching: bool = True):
        return contextlib.nullcontext()

    def contains(self, column: str) -> str:
        return f"(instr({column}, %s) > 0)"

    def starts(self, column: str) -> str:
        return f"(instr({column}, %s) = 1)"

    def equals(self, column: str) -> str:
        return f"({column} = %s)"

    def count_terms(self, terms: list[Term]) -> tuple[dict[Term, int], int]:
        from django.db import connection

        wanted = {(FIELD_COLUMNS[t.field], t.token): t for t in terms}
        tokens = sorted({token for _column, token in wanted})
        marks = ", ".join(["%s"] * len(tokens))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT col, term, doc FROM {VOCABULARY_TABLE} WHERE term IN ({marks})"
                " UNION ALL SELECT NULL, NULL, count(*) FROM search_searchentry",
                tokens,
            )
            rows = cursor.fetchall()
        found, count = {}, 0
        for column, token, docs in rows:
            if column is None:
                count = docs
            elif (column, token) in wanted:
                found[wanted[column, token]] = docs
        return found, count
