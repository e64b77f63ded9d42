"""Schema migrations: fresh create, upgrade of an older file (with a backup), newer refused,
and the models agree with the migrations (no drift)."""

import sqlite3

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from talentdesk.models.base import Base
from talentdesk.models.db import Database, DatabaseError, open_database, resolve_url


def _upgrade_to(path, revision):
    db = Database(resolve_url(path))
    with db.write_engine.connect() as conn:
        command.upgrade(db._alembic_config(conn), revision)
        if conn.in_transaction():
            conn.commit()
    db.dispose()


def test_schema_head_constant_is_the_newest_migration(tmp_path):
    from talentdesk.models.db import SCHEMA_HEAD

    db = Database(resolve_url(tmp_path / "x.sqlite3"))
    assert db.head_revision() == SCHEMA_HEAD
    db.dispose()


def test_opening_a_current_database_does_not_import_alembic(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "c.sqlite3"
    open_database(path).dispose()
    code = ("import sys; from talentdesk.models.db import open_database; "
            f"open_database({str(path)!r}).dispose(); print('alembic' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_fresh_database_is_at_head(tmp_path):
    db = open_database(tmp_path / "a.sqlite3")
    assert db.current_revision() == db.head_revision()
    assert not list((tmp_path / "backups").glob("*")) if (tmp_path / "backups").exists() else True
    db.dispose()


def test_older_database_is_backed_up_then_upgraded(tmp_path):
    path = tmp_path / "old.sqlite3"
    _upgrade_to(path, "0001")
    con = sqlite3.connect(path)
    con.execute("INSERT INTO employer (name, version) VALUES ('老单位', 1)")
    con.commit()
    con.close()
    db = open_database(path, backup_dir=tmp_path / "bk")
    assert db.current_revision() == db.head_revision() != "0001"
    backups = list((tmp_path / "bk").glob("*before-upgrade-0001*"))
    assert len(backups) == 1
    old = sqlite3.connect(backups[0])
    assert old.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    assert old.execute("SELECT name FROM employer").fetchone()[0] == "老单位"
    old.close()
    with db.read() as s:
        from talentdesk.models.entities import Employer
        assert s.query(Employer).one().name == "老单位"
    db.dispose()


def test_newer_database_is_refused_with_message(tmp_path):
    path = tmp_path / "new.sqlite3"
    open_database(path).dispose()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    with pytest.raises(DatabaseError, match="比本程序新"):
        open_database(path)


def test_models_match_migrations(db):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), Base.metadata)
    assert diff == []


def test_sqlite_pragmas(sqlite_db):
    with sqlite_db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
