"""Fast bulk INSERT for large batches (roster imports, their audit events)."""

from __future__ import annotations

import hashlib
import threading
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.orm import Session


class Memo(dict):
    """value → fn(value), worked out once per distinct value (dates, employers … repeat a
    lot down a column); None stays None. ``list(map(memo.__getitem__, column))``."""

    def __init__(self, fn):
        super().__init__()
        self.fn = fn
        self[None] = None

    def __missing__(self, value):
        out = self[value] = self.fn(value)
        return out


def _bound(type_, dialect, value: Any) -> Any:
    """``value`` as the column type's SQLAlchemy bind processor hands it to the driver."""
    proc = type_.dialect_impl(dialect).bind_processor(dialect)
    return value if proc is None or value is None else proc(value)


class BulkInserter:
    """INSERT many rows given as tuples in ``cols`` order.

    On SQLite through the driver: every value converted by its column type's own
    SQLAlchemy bind processor (one column at a time, each distinct value once), so the
    stored values are exactly what Core or the ORM would store; a large batch is appended
    to a bare staging table and moved into the table by one ``INSERT … SELECT``, ~20%
    faster than ``executemany`` straight into an indexed table. That move is one SQLite
    step, which runs without Python's GIL: ``insert(…, background=True)`` runs it in a
    thread while the caller goes on building the next batch (``wait()`` before using the
    connection for anything else). Elsewhere through Core (psycopg batches), always in
    the foreground.
    """

    STAGE_FROM = 1000  # rows

    def __init__(self, session: Session, table, cols: tuple[str, ...], constants: dict[str, Any] | None = None):
        """``constants``: columns with one value for every row (bound once, not per row)."""
        self.conn = session.connection()
        self.table = table
        self.cols = cols
        self.constants = dict(constants or {})
        dialect = self.conn.dialect
        self.sqlite = dialect.name == "sqlite"
        self._next_id: int | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        if self.sqlite:
            from sqlalchemy import Boolean

            self.procs: list[tuple[int, Memo]] = []
            for i, k in enumerate(cols):
                t = table.c[k].type
                proc = t.dialect_impl(dialect).bind_processor(dialect)
                if proc is None or isinstance(t, Boolean):
                    continue  # sqlite3 binds a bool as the integer 0/1, exactly what Boolean's processor gives
                self.procs.append((i, Memo(proc)))
            self.fixed = tuple(_bound(table.c[k].type, dialect, v) for k, v in self.constants.items())
            prep = dialect.identifier_preparer
            names = ", ".join(prep.quote(k) for k in cols)
            every = ", ".join(prep.quote(k) for k in (*cols, *self.constants))
            marks = ", ".join("?" for _ in cols)
            fixed = "".join(", ?" for _ in self.constants)
            target = prep.format_table(table)
            self.sql = f"INSERT INTO {target} ({every}) VALUES ({marks}{fixed})"
            tag = hashlib.sha1(every.encode()).hexdigest()[:8]  # one staging table per column list
            stage = prep.quote(f"_stage_{table.name}_{tag}")
            self.stage_sql = (f"CREATE TEMP TABLE IF NOT EXISTS {stage} AS SELECT {names} FROM {target} WHERE 0",
                              f"INSERT INTO temp.{stage} ({names}) VALUES ({marks})",
                              f"INSERT INTO {target} ({every}) SELECT {names}{fixed} FROM temp.{stage}",
                              f"DELETE FROM temp.{stage}")

    def ready(self, cols) -> None:
        """SQLite only: the rows give these columns already in their stored form (e.g. dates
        as ISO text, as the Date type's processor writes them), so none is converted."""
        skip = {self.cols.index(k) for k in cols}
        self.procs = [p for p in self.procs if p[0] not in skip]

    def next_ids(self, n: int) -> list[int]:
        """Ids for ``n`` new rows (the table's integer primary key ``id``), so that rows can
        be linked before they are written. SQLite: the write transaction holds the whole
        database, so they follow the largest id (what SQLite itself would give);
        PostgreSQL: taken from the table's sequence."""
        if not n:
            return []
        if self.sqlite:
            if self._next_id is None:
                self.wait()
                name = self.conn.dialect.identifier_preparer.format_table(self.table)
                top = self.conn.connection.driver_connection.execute(f"SELECT max(id) FROM {name}").fetchone()[0]
                self._next_id = (top or 0) + 1
            first = self._next_id
            self._next_id += n
            return list(range(first, first + n))
        return list(self.conn.execute(text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) "
                                           "FROM generate_series(1, :n)"), {"t": self.table.name, "n": n}).scalars())

    def insert(self, rows: list[tuple], *, background: bool = False) -> None:
        self.wait()
        if not rows:
            return
        if not self.sqlite:
            cols, constants = self.cols, self.constants
            self.conn.execute(insert(self.table), [{**dict(zip(cols, r)), **constants} for r in rows])
            return
        if self.procs:
            columns = list(zip(*rows))
            for i, memo in self.procs:
                columns[i] = map(memo.__getitem__, columns[i])
            rows = list(zip(*columns))
        raw = self.conn.connection.driver_connection
        fixed = self.fixed
        if len(rows) < self.STAGE_FROM:
            raw.executemany(self.sql, [r + fixed for r in rows] if fixed else rows)
            return
        create, stage, move, clear = self.stage_sql
        raw.execute(create)
        raw.executemany(stage, rows)
        if not background:
            raw.execute(move, fixed)
            raw.execute(clear)
            return

        def run() -> None:
            try:
                raw.execute(move, fixed)
                raw.execute(clear)
            except BaseException as exc:  # handed to the caller by wait()
                self._error = exc

        self._thread = threading.Thread(target=run, name=f"bulk-insert-{self.table.name}", daemon=True)
        self._thread.start()

    def wait(self) -> None:
        """Wait for a background insert; raise its error, if any."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._error is not None:
            error, self._error = self._error, None
            raise error
