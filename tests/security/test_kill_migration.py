"""A process killed (SIGKILL) in the middle of a schema migration leaves the database at
the old revision with its data, or at the new one, never in between; reopening finishes
the upgrade. A backup was written before the migration started."""

import os
import signal
import sqlite3
import textwrap

import pytest

from killing import kill_at_mid
from alembic import command
from sqlalchemy import inspect

from talentdesk.models.db import Database, open_database, resolve_url

MIGRATOR = textwrap.dedent("""
    import sys, time
    from alembic.operations import Operations
    orig = Operations.create_index
    calls = []
    def slow(self, *a, **k):
        result = orig(self, *a, **k)
        calls.append(1)
        if len(calls) == 1:
            print("MID", flush=True)
            time.sleep(60)
        return result
    Operations.create_index = slow
    from talentdesk.models.db import open_database
    from pathlib import Path
    open_database({url!r}, backup_dir=Path({backups!r}))
    print("DONE", flush=True)
""")


def _at_revision(url: str, revision: str) -> Database:
    db = Database(url)
    with db.write_engine.connect() as conn:
        command.upgrade(db._alembic_config(conn), revision)
        if conn.in_transaction():
            conn.commit()
    return db


def _state(db: Database) -> tuple[str | None, set[str], list]:
    with db.engine.connect() as conn:
        rev = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        names = conn.exec_driver_sql("SELECT name FROM employer ORDER BY id").scalars().all()
    insp = inspect(db.engine)
    indexes = {ix["name"] for t in ("audit_event", "installment") for ix in insp.get_indexes(t)}
    return rev, indexes, names


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_url(request, tmp_path):
    """An empty database of its own (SQLite file, or a new PostgreSQL database)."""
    if request.param == "sqlite":
        yield resolve_url(tmp_path / "old.sqlite3")
        return
    base = os.environ.get("TALENTDESK_TEST_PG_URL")
    if not base:
        if os.environ.get("TALENTDESK_REQUIRE_PG") == "1":
            pytest.fail("TALENTDESK_REQUIRE_PG=1 but TALENTDESK_TEST_PG_URL is not set")
        pytest.skip("no PostgreSQL server (set TALENTDESK_TEST_PG_URL)")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"talentdesk_sec_migration_{os.getpid()}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(base).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
def test_sigkill_during_migration(tmp_path, fresh_url):
    url = fresh_url
    path = tmp_path / "old.sqlite3"
    db = _at_revision(url, "0001")
    with db.write_engine.begin() as conn:
        for i in range(50):
            conn.exec_driver_sql(f"INSERT INTO employer (name, version) VALUES ('单位{i}', 1)")
    before = _state(db)
    db.dispose()
    assert before[0] == "0001"

    backups = tmp_path / "bk"
    script = tmp_path / "migrate.py"
    script.write_text(MIGRATOR.format(url=url, backups=str(backups)), encoding="utf-8")
    kill_at_mid(script)

    if url.startswith("sqlite"):
        con = sqlite3.connect(path)
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        con.close()
    db = Database(url)
    after_kill = _state(db)
    db.dispose()
    assert after_kill == before, "a killed migration must leave the old revision and schema untouched"
    if url.startswith("sqlite"):
        made = list(backups.glob("*before-upgrade-0001*"))
        assert len(made) == 1
        from talentdesk.services.office import backup

        assert backup.verify_file(made[0])["employer"] == 50

    reopened = open_database(url, backup_dir=backups)
    try:
        rev, indexes, names = _state(reopened)
        assert rev == reopened.head_revision() and names == before[2]
        assert "ix_audit_event_entity_entity_id" in indexes
    finally:
        reopened.dispose()
