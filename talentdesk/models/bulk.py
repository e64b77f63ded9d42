"""Fast bulk INSERT for large batches (roster imports, their audit events)."""

from __future__ import annotations

from sqlalchemy import insert
from sqlalchemy.orm import Session


class BulkInserter:
    """INSERT many rows given as tuples in ``cols`` order. On SQLite straight through the
    driver's ``executemany`` (about twice as fast as Core for 100k rows), every value
    converted by its column type's own SQLAlchemy bind processor, so the stored values
    are exactly what Core or the ORM would store; elsewhere through Core (psycopg batches)."""

    def __init__(self, session: Session, table, cols: tuple[str, ...]):
        self.conn = session.connection()
        self.table = table
        self.cols = cols
        dialect = self.conn.dialect
        self.sqlite = dialect.name == "sqlite"
        if self.sqlite:
            from sqlalchemy import Boolean

            self.procs: list[tuple[int, object, dict]] = []
            for i, k in enumerate(cols):
                t = table.c[k].type
                proc = t.dialect_impl(dialect).bind_processor(dialect)
                if proc is None or isinstance(t, Boolean):
                    continue  # sqlite3 binds a bool as the integer 0/1, exactly what Boolean's processor gives
                self.procs.append((i, proc, {}))  # results remembered: dates repeat a lot
            prep = dialect.identifier_preparer
            self.sql = (f"INSERT INTO {prep.format_table(table)} ({', '.join(prep.quote(k) for k in cols)}) "
                        f"VALUES ({', '.join('?' for _ in cols)})")

    def ready(self, cols) -> None:
        """SQLite only: the rows give these columns already in their stored form (e.g. dates
        as ISO text, as the Date type's processor writes them), so none is converted."""
        skip = {self.cols.index(k) for k in cols}
        self.procs = [p for p in self.procs if p[0] not in skip]

    def insert(self, rows: list[tuple]) -> None:
        if not rows:
            return
        if not self.sqlite:
            cols = self.cols
            self.conn.execute(insert(self.table), [dict(zip(cols, r)) for r in rows])
            return
        procs = self.procs
        if not procs:
            self.conn.connection.driver_connection.executemany(self.sql, rows)
            return
        out = []
        for r in rows:
            r = list(r)
            for i, proc, seen in procs:
                v = r[i]
                if v is not None:
                    x = seen.get(v)
                    if x is None:
                        x = seen[v] = proc(v)
                    r[i] = x
            out.append(r)
        self.conn.connection.driver_connection.executemany(self.sql, out)
