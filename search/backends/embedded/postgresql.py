"""The embedded index on PostgreSQL: one tsvector column of lexemes tagged with their
column (`b:光伏`, `s:guanfu`) and a GIN index. Not tsvector weights: a query restricted
to weights makes PostgreSQL read every matching row's tsvector again to check them (a
GIN index holds no weights), slow for common bigrams."""

import contextlib

from django.db import connection, transaction

from search.backends.embedded import EmbeddedBackend
from search.query import Lookup

TAGS = {"title": "t", "spell": "s", "initials": "i", "body": "b", "grams": "g", "repeats": "r"}

# How PostgreSQL plans a search. Its planner does not see what reading a tsvector
# stored out of line costs: it would rather scan the table and read every course's
# tsvector (20 times slower) than look the terms up in the GIN index. Parallel workers
# and JIT compilation take longer to start than a search lasts.
_PLANNING = {"enable_seqscan": "off", "max_parallel_workers_per_gather": "0", "jit": "off"}


def lexemes(columns: dict[str, list[str]]) -> list[str]:
    """The tagged lexemes of the tsvector of a document's columns."""
    return list(
        dict.fromkeys(
            f"{TAGS[name]}:{token}" for name, tokens in columns.items() for token in tokens
        )
    )


def _tsquery(lookup: Lookup) -> str:
    star = ":*" if lookup.prefix else ""
    return f"'{TAGS[lookup.column]}:{lookup.token}'{star}"


class PostgresBackend(EmbeddedBackend):
    id_list = "string_agg(CAST(id AS TEXT), ',')"

    def write_tokens(self, cursor, rows) -> None:
        cursor.executemany(
            "UPDATE search_searchentry SET tokens = array_to_tsvector(%s::text[]) WHERE id = %s",
            [(lexemes(columns), id_) for id_, columns in rows],
        )

    def lookup(self, columns: str, lookup: Lookup) -> tuple[str, str]:
        return (
            f"SELECT id, {columns} FROM search_searchentry WHERE tokens @@ %s::tsquery",
            _tsquery(lookup),
        )

    @contextlib.contextmanager
    def by_index(self):
        """A statement planned as _PLANNING says, in a transaction of its own."""
        names = list(_PLANNING)
        with transaction.atomic(), connection.cursor() as cursor:
            # One round trip each way: the settings as they were, then set for this
            # transaction (set_config(…, true) is SET LOCAL), put back after, as the
            # transaction may be a savepoint in a longer one.
            cursor.execute(
                "SELECT " + ", ".join(["current_setting(%s)"] * len(names)) + ", "
                + ", ".join(["set_config(%s, %s, true)"] * len(names)),
                [*names, *(value for name in names for value in (name, _PLANNING[name]))],
            )  # fmt: skip
            before = cursor.fetchone()[: len(names)]
            yield
            cursor.execute(
                "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(names)),
                [value for pair in zip(names, before, strict=True) for value in pair],
            )
