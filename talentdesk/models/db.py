"""Opening the database: SQLite (embedded default) or PostgreSQL by URL.

Engines are made with ``hide_parameters=True``: an error's text (and so a traceback in
the log) never carries the SQL parameters, which hold ID numbers.

SQLite is opened with WAL, foreign keys on and a busy timeout; writes take the write
lock up front (``BEGIN IMMEDIATE``) so two writers never deadlock on a lock upgrade.
Opening a database older than the code upgrades it with Alembic after taking a backup
copy; a database newer than the code is refused with a clear message.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from talentdesk.domain.errors import TalentDeskError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The newest migration. Opening a database already at this revision needs no Alembic
# import (it costs ~0.4 s of start-up); tests/foundation/test_migrations.py keeps this
# equal to the head of the migrations folder.
SCHEMA_HEAD = "0018"
BUSY_TIMEOUT_S = 30


class DatabaseError(TalentDeskError):
    pass


def resolve_url(target: str | os.PathLike | None = None) -> str:
    """A file path or SQLAlchemy URL; default: ``TALENTDESK_DB`` or the embedded file."""
    if target is None:
        target = os.environ.get("TALENTDESK_DB") or None
    if target is None:
        from talentdesk import paths

        target = paths.default_db_path()
    text = str(target)
    if "://" in text:
        if text.startswith("postgresql://") or text.startswith("postgres://"):
            text = "postgresql+psycopg://" + text.split("://", 1)[1]
        return text
    path = Path(text).expanduser().resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def _sqlite_connect_hooks(engine: Engine, *, immediate: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # pragma: no cover - exercised via every test
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA cache_size=-32000")  # 32 MB: bulk imports update 8 indexes per row
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # pragma: no cover - exercised via every test
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _private_sqlite_file(path: Path | None) -> None:
    """A new database file is created owner-only (0600 on POSIX) before SQLite opens it;
    SQLite gives its -wal and -shm files the database file's mode. An existing file that
    every local user may read loses the others' rights (``paths.tighten_file``)."""
    from talentdesk import paths

    if path is None or str(path) == ":memory:":
        return
    if path.parent.is_dir() and paths.create_private_file(path):
        return
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if p.exists():
            paths.tighten_file(p)


class Database:
    """One database: a read engine and a write engine (the same one on PostgreSQL).

    ``rehearsal()`` gives the same database whose every write transaction is rolled back
    at its end instead of committed: a dry run (试运行) runs the real code, checks and
    all, and writes nothing."""

    dry_run = False

    def __init__(self, url: str):
        self.url = url
        self.sa_url = make_url(url)
        self.is_sqlite = self.sa_url.get_backend_name() == "sqlite"
        if self.is_sqlite:
            _private_sqlite_file(self.path)
            kw = {"connect_args": {"timeout": BUSY_TIMEOUT_S, "check_same_thread": False},
                  "hide_parameters": True}
            self.engine = create_engine(url, **kw)
            _sqlite_connect_hooks(self.engine, immediate=False)
            self.write_engine = create_engine(url, **kw)
            _sqlite_connect_hooks(self.write_engine, immediate=True)
        else:
            self.engine = create_engine(url, pool_pre_ping=True, hide_parameters=True)
            self.write_engine = self.engine
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(self.write_engine, expire_on_commit=False)
        self.writes = 0  # committed write transactions of this process (a cache key: dashboard)

    # -- location -------------------------------------------------------------
    @property
    def path(self) -> Path | None:
        """The SQLite file, or None for a server database."""
        if not self.is_sqlite or not self.sa_url.database or self.sa_url.database == ":memory:":
            return None
        return Path(self.sa_url.database)

    def describe(self) -> str:
        if self.is_sqlite:
            return str(self.path)
        return self.sa_url.render_as_string(hide_password=True)

    # -- sessions -------------------------------------------------------------
    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        with self._read() as session:
            yield session
            session.rollback()

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any error
        (and always rolled back on a rehearsal)."""
        with self._write() as session:
            if self.dry_run:
                session.begin()
                try:
                    yield session
                    session.flush()
                finally:
                    session.rollback()
                return
            with session.begin():
                yield session
            self.writes += 1

    def rehearsal(self) -> "Database":
        """This database, sharing its engines, with every write rolled back (a dry run)."""
        import copy

        twin = copy.copy(self)
        twin.dry_run = True
        return twin

    def dispose(self) -> None:
        self.engine.dispose()
        if self.write_engine is not self.engine:
            self.write_engine.dispose()

    # -- schema ---------------------------------------------------------------
    def _alembic_config(self, connection):
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        cfg.attributes["connection"] = connection
        return cfg

    def head_revision(self) -> str:
        from alembic.script import ScriptDirectory

        return ScriptDirectory.from_config(self._alembic_config(None)).get_current_head()

    def current_revision(self) -> str | None:
        """The schema revision stored in the database (None for an empty database)."""
        from sqlalchemy import text
        from sqlalchemy.exc import DBAPIError

        with self.engine.connect() as conn:
            try:
                rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
            except DBAPIError:
                return None
            return rows[0] if len(rows) == 1 else (None if not rows else ",".join(sorted(rows)))

    def needs_upgrade(self) -> bool:
        return self.current_revision() != self.head_revision()

    def upgrade(self, *, backup_dir: Path | None = None) -> Path | None:
        """Bring the schema to the head revision; back up a non-empty SQLite file first.

        Returns the backup path, if one was made.
        """
        current = self.current_revision()
        if current == SCHEMA_HEAD:
            return None
        from alembic import command
        from alembic.script import ScriptDirectory

        script = ScriptDirectory.from_config(self._alembic_config(None))
        head = script.get_current_head()
        if current == head:
            return None
        if current is not None:
            try:
                script.get_revision(current)
            except Exception:
                raise DatabaseError(
                    f"数据库版本（{current}）比本程序新，请升级人才服务台账后再打开此数据库。") from None
        backup = None
        has_tables = bool(inspect(self.engine).get_table_names())
        if self.path is not None and has_tables:
            target_dir = backup_dir or self.path.parent / "backups"
            if not target_dir.exists() and backup_dir is None:
                from talentdesk import paths

                paths.private_dir(target_dir)
            target_dir.mkdir(parents=True, exist_ok=True)
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            backup = target_dir / f"{self.path.stem}-before-upgrade-{current or 'none'}-{stamp}.sqlite3"
            sqlite_backup(self.path, backup)
        with self.write_engine.connect() as conn:
            if self.is_sqlite:
                conn.exec_driver_sql("COMMIT") if conn.in_transaction() else None
            cfg = self._alembic_config(conn)
            command.upgrade(cfg, "head")
            if conn.in_transaction():
                conn.commit()
        return backup


def sqlite_backup(source: Path, target: Path) -> None:
    """A consistent copy through SQLite's online backup API (safe while the app runs);
    the copy is owner-only (0600 on POSIX), as the database."""
    from talentdesk import paths

    target.parent.mkdir(parents=True, exist_ok=True)
    # One temporary per call (pid + random): two processes copying at once never share one.
    tmp = target.with_name(f".{target.name}.{os.getpid():x}{os.urandom(2).hex()}.part")
    paths.create_private_file(tmp)
    try:
        src = sqlite3.connect(str(source), timeout=BUSY_TIMEOUT_S)
        try:
            dst = sqlite3.connect(str(tmp))
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def open_database(target: str | os.PathLike | None = None, *, migrate: bool = True,
                  backup_dir: Path | None = None) -> Database:
    """Open (and by default create or upgrade) the database at ``target``."""
    url = resolve_url(target)
    db = Database(url)
    try:
        if migrate:
            db.upgrade(backup_dir=backup_dir)
    except TalentDeskError:
        db.dispose()
        raise
    except Exception as exc:
        db.dispose()
        raise DatabaseError(f"无法打开数据库 {db.describe()}：{exc}") from exc
    return db
