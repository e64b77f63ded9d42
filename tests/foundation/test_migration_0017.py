"""Migration 0017 (grants to organisations) on a populated 0014 database: SQLite opened
as the application opens it (foreign keys ON) and PostgreSQL; rows, installments and
service-year facts survive the copy of benefit_grant; the one-beneficiary CHECK holds;
downgrade keeps the talents' grants and refuses while organisation grants exist."""

from __future__ import annotations

import os

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from talentdesk.models.db import SCHEMA_HEAD, Database, open_database, resolve_url

PG_URL = os.environ.get("TALENTDESK_TEST_PG_URL")


def _to(db: Database, revision: str, *, down: bool = False) -> None:
    with db.write_engine.connect() as conn:
        cfg = db._alembic_config(conn)
        (command.downgrade if down else command.upgrade)(cfg, revision)
        if conn.in_transaction():
            conn.commit()


def _populate(db: Database) -> None:
    with db.write_engine.begin() as c:
        c.execute(text("INSERT INTO employer (id, name, version) VALUES (1, '绿源化工', 1)"))
        c.execute(text("INSERT INTO talent (id, name, id_number, status, version, employer_id) "
                       "VALUES (1, '张三', '152921199005010012', 'active', 1, 1)"))
        c.execute(text("INSERT INTO case_decision (id, talent_id, number, decided_on, override) "
                       "VALUES (1, 1, '阿人才字〔2024〕1号', '2024-01-02', 'amount')"))
        c.execute(text("INSERT INTO benefit_grant (id, talent_id, policy_id, benefit_code, status, version, decision_id) "
                       "VALUES (1, 1, 'alxa-2023', 'settlement_allowance', 'approved', 1, 1)"))
        c.execute(text("INSERT INTO installment (id, grant_id, seq, due_date, amount_fen, status, version) "
                       "VALUES (1, 1, 1, '2024-01-02', 8000000, 'paid', 1)"))
        c.execute(text("INSERT INTO installment_funding (id, installment_id, level, amount_fen) "
                       "VALUES (1, 1, 'league', 8000000)"))
        c.execute(text("INSERT INTO grant_year_fact (id, grant_id, year, key, value) "
                       "VALUES (1, 1, 1, 'months_served', '12')"))


def _counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as c:
        return {t: c.execute(text(f"SELECT count(*) FROM {t}")).scalar()
                for t in ("benefit_grant", "installment", "installment_funding", "grant_year_fact", "case_decision")}


def _check(db: Database) -> None:
    assert db.current_revision() == SCHEMA_HEAD  # 0017 and the migrations after it
    assert _counts(db) == {"benefit_grant": 1, "installment": 1, "installment_funding": 1, "grant_year_fact": 1,
                           "case_decision": 1}
    with db.engine.connect() as c:
        assert c.execute(text("SELECT talent_id, decision_id FROM benefit_grant")).one() == (1, 1)
    # an organisation grant: employer only
    with db.write_engine.begin() as c:
        c.execute(text("INSERT INTO benefit_grant (id, employer_id, policy_id, benefit_code, status, version) "
                       "VALUES (2, 1, 'alxa-2023', 'enterprise_introduction_award', 'proposed', 1)"))
    for cols, vals in (("talent_id, employer_id", "1, 1"), ("policy_id", "'x'")):
        with pytest.raises(IntegrityError):
            with db.write_engine.begin() as c:
                c.execute(text(f"INSERT INTO benefit_grant (id, {cols}, benefit_code, status, version"
                               f"{', policy_id' if 'policy_id' not in cols else ''}) "
                               f"VALUES (3, {vals}, 'b', 'proposed', 1{', ' + repr('x') if 'policy_id' not in cols else ''})"))


def test_sqlite_upgrade_from_populated_0014_and_downgrade(tmp_path):
    path = tmp_path / "old.sqlite3"
    db = Database(resolve_url(path))
    _to(db, "0014")
    _populate(db)
    db.dispose()
    db = open_database(path, backup_dir=tmp_path / "bk")  # the application's way: foreign keys ON
    try:
        with db.write_engine.connect() as c:
            assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        _check(db)
        with pytest.raises(Exception, match="不能降级"):
            _to(db, "0014", down=True)
        with db.write_engine.begin() as c:
            c.execute(text("DELETE FROM benefit_grant WHERE id = 2"))
        _to(db, "0014", down=True)
        assert db.current_revision() == "0014"
        assert _counts(db)["grant_year_fact"] == 1 and _counts(db)["installment"] == 1
        with db.write_engine.connect() as c:
            assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert c.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
    finally:
        db.dispose()


@pytest.mark.skipif(not PG_URL, reason="no PostgreSQL server (set TALENTDESK_TEST_PG_URL)")
def test_postgresql_upgrade_from_populated_0014_and_downgrade(worker_id):
    from tests.conftest import _pg_admin, _worker_db_url

    name = f"talentdesk_m17_{worker_id}_{os.getpid()}".lower()
    url = _worker_db_url(PG_URL, name)
    db = Database(url)
    try:
        _to(db, "0014")
        _populate(db)
        db.upgrade()
        _check(db)
        with db.write_engine.begin() as c:
            c.execute(text("DELETE FROM benefit_grant WHERE id = 2"))
        _to(db, "0014", down=True)
        assert db.current_revision() == "0014"
        assert _counts(db)["grant_year_fact"] == 1
    finally:
        db.dispose()
        _pg_admin(PG_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
