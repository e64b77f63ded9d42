"""The audit trail catches what the hash chain alone did not (issue 15, audit):

- deleting the last events, or all of them (the chain's anchor, kept outside the table);
- a chain whose hashes were all recomputed (an exported anchor);
- direct SQL edits of grants, installments (amounts and payment fields), funding shares,
  recoveries and user roles (the rows' digests sealed in the chain);
- which operating-system account made each event.

Direct edits are made with SQL, as a hostile user with the database file or a database
login would, on SQLite and PostgreSQL.
"""

import datetime as dt
import json

import pytest
from sqlalchemy import text

from factories import talent_row
from talentdesk.cli import main
from talentdesk.models.db import open_database
from talentdesk.services.benefits import agreements, departures, grants, payments
from talentdesk.services.office import users
from talentdesk.services.office.audit import log as audit, anchor as audit_anchor, chain as audit_chain
from talentdesk.services.register import talents
from talentdesk.services.context import ServiceContext

D = dt.date


def _sql(ctx, statement, **params):
    with ctx.db.write_engine.begin() as conn:
        return conn.execute(text(statement), params)


def _some_events(ctx, n=5):
    for i in range(n):
        talents.add(ctx, talent_row(姓名=f"人{i}"))


# -- 1. the anchor -------------------------------------------------------------------------

def test_deleting_the_last_events_is_reported(ctx):
    _some_events(ctx)
    assert audit.verify(ctx).ok
    last = audit.current_anchor(ctx).head_id
    _sql(ctx, "DELETE FROM audit_event WHERE id > :k", k=last - 2)
    result = audit.verify(ctx)
    assert not result.ok and result.broken_id is None
    assert "审计记录被删除" in result.message and f"#{last}" in result.message


def test_deleting_every_event_is_reported(ctx):
    _some_events(ctx)
    _sql(ctx, "DELETE FROM audit_event_talent")
    _sql(ctx, "DELETE FROM audit_event")
    result = audit.verify(ctx)
    assert not result.ok and "审计记录被删除" in result.message and "现在审计链只有 0 条" in result.message


def test_a_later_write_does_not_hide_a_deletion(ctx):
    _some_events(ctx)
    last = audit.current_anchor(ctx).head_id
    _sql(ctx, "DELETE FROM audit_event WHERE id = :k", k=last)
    talents.add(ctx, talent_row(姓名="之后"))  # the program goes on writing: the anchor is not moved
    result = audit.verify(ctx)
    assert not result.ok and ("审计记录被删除" in result.message or "审计链被改写" in result.message)


def _rewrite_chain(ctx):
    """Change an event and recompute every hash after it: the chain itself is consistent."""
    _sql(ctx, "UPDATE audit_event SET after = :a WHERE id = (SELECT min(id) FROM audit_event)",
         a=json.dumps({"name": "伪造"}))
    with ctx.db.write_engine.begin() as conn:
        rows = conn.execute(text('SELECT id, at, "user", action, entity, entity_id, talent_id, before, after, '
                                 "os_user FROM audit_event ORDER BY id")).all()
        prev = audit.GENESIS
        for r in rows:
            at = r.at if isinstance(r.at, dt.datetime) else dt.datetime.fromisoformat(r.at)
            h = audit_chain.event_hash(prev, at, r.user, r.action, r.entity, r.entity_id, r.talent_id, r.before,
                                       r.after, r.os_user)
            conn.execute(text("UPDATE audit_event SET prev_hash = :p, hash = :h WHERE id = :i"),
                         {"p": prev, "h": h, "i": r.id})
            prev = h


def test_a_recomputed_chain_is_caught_by_the_exported_anchor(ctx):
    _some_events(ctx)
    kept = audit.current_anchor(ctx)  # what the office printed / saved
    _rewrite_chain(ctx)
    assert audit.verify(ctx, local=False).ok  # the chain alone cannot tell
    audit_anchor.forget_local(audit.database_key(ctx))  # the attacker also removed this PC's anchor
    result = audit.verify(ctx, anchor=audit_anchor.parse(kept.to_json()), local=False)
    assert not result.ok and "审计链被改写" in result.message and "所给锚点" in result.message
    assert audit.check_anchor(ctx, kept)


def test_a_recomputed_chain_is_caught_by_this_pcs_anchor(ctx):
    _some_events(ctx)
    _rewrite_chain(ctx)
    result = audit.verify(ctx)
    assert not result.ok and "本机锚点" in result.message


def test_every_database_has_its_own_anchor(tmp_path):
    a = open_database(tmp_path / "a.sqlite3")
    b = open_database(tmp_path / "b.sqlite3")
    try:
        ca, cb = ServiceContext(a), ServiceContext(b)
        _some_events(ca, 3)
        _some_events(cb, 1)
        assert audit.verify(ca).ok and audit.verify(cb).ok
        assert audit_anchor.load_local(audit.database_key(ca)).count != \
            audit_anchor.load_local(audit.database_key(cb)).count
        files = list(audit_anchor.local_path("x").parent.glob("*.json"))
        assert len(files) == 2 and not list(audit_anchor.local_path("x").parent.glob("*.part"))
    finally:
        a.dispose()
        b.dispose()


def test_anchor_and_verify_from_the_command_line(tmp_path, capsys):
    dbfile = str(tmp_path / "cli.sqlite3")
    assert main(["--db", dbfile, "init"]) == 0
    for i in range(3):
        row = talent_row(姓名=f"命令{i}")
        assert main(["--db", dbfile, "talent", "add", *[f"{k}={v}" for k, v in row.items()]]) == 0
    capsys.readouterr()
    assert main(["--db", dbfile, "audit", "anchor", "--json", "--out", str(tmp_path / "anchor.json")]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert set(printed) >= {"head_id", "hash", "count", "at"} and printed["count"] >= 3
    assert json.loads((tmp_path / "anchor.json").read_text(encoding="utf-8"))["hash"] == printed["hash"]
    assert main(["--db", dbfile, "audit", "verify", "--anchor", str(tmp_path / "anchor.json")]) == 0
    assert "审计链校验通过" in capsys.readouterr().out
    wrong = dict(printed, hash="f" * 64)
    assert main(["--db", dbfile, "audit", "verify", "--no-local", "--anchor", json.dumps(wrong)]) == 1
    assert "审计链被改写" in capsys.readouterr().out
    import sqlite3

    con = sqlite3.connect(dbfile)
    con.execute("DELETE FROM audit_event WHERE id = (SELECT max(id) FROM audit_event)")
    con.commit()
    con.close()
    assert main(["--db", dbfile, "audit", "verify", "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert not out["ok"] and "审计记录被删除" in out["message"]


def test_a_restore_moves_the_anchor_and_accept_needs_an_admin(ctx):
    _some_events(ctx)
    last = audit.current_anchor(ctx).head_id
    _sql(ctx, "DELETE FROM audit_event WHERE id = :k", k=last)
    assert not audit.verify(ctx).ok
    clerk = ServiceContext(ctx.db, user="clerk1", role="clerk")
    with pytest.raises(Exception, match="管理"):
        audit.accept_anchor(clerk)
    admin = ServiceContext(ctx.db, user="admin1", role="admin")
    audit.accept_anchor(admin)
    assert audit.verify(ctx).ok
    assert [e.entity for e in audit.list_events(ctx, limit=1)] == ["audit_anchor"]


# -- 2. the money rows ---------------------------------------------------------------------

@pytest.fixture
def money(ctx):
    """An approved settlement allowance: first installment paid, the talent left, part of the
    refund recovered; a reviewer account."""
    clerk = ServiceContext(ctx.db, user="王经办", role="clerk")
    reviewer = ServiceContext(ctx.db, user="李审核", role="reviewer")
    row = talent_row()
    talents.add(clerk, row)
    idn = row["身份证号"]
    agreements.add(clerk, idn, kind="服务期协议", start_date=D(2023, 5, 1), term_years=5,
                   signed_date=D(2023, 5, 1), required_service_years=5)
    g = grants.approve(reviewer, grants.propose(clerk, idn, "settlement_allowance", approved_on=D(2023, 6, 1),
                                                approval_doc_no="阿左人才字〔2023〕11号").id)
    first = g.installments[0].id
    payments.propose(clerk, [first], as_of=D(2023, 6, 2))
    payments.approve(reviewer, [first])
    payments.record_paid(clerk, first, D(2023, 6, 20), "记-001")
    dep = departures.record(clerk, idn, D(2024, 3, 1), "调离")
    dep = departures.record_recovery(clerk, dep.id, 100_000, D(2024, 4, 1), "收-001")
    admin = ServiceContext(ctx.db)
    users.create_first_admin(ctx.db, "管理员", "Admin-pass-1")
    users.add_user(ServiceContext(ctx.db, user="管理员", role="admin"), "reviewer1", "Review-pass-1", "reviewer")
    assert audit.verify(admin).ok
    with ctx.read() as s:
        rec_id = s.execute(text("SELECT max(id) FROM recovery")).scalar()
        fund_id = s.execute(text("SELECT min(id) FROM installment_funding WHERE installment_id = :i"),
                            {"i": first}).scalar()
        user_id = s.execute(text("SELECT id FROM app_user WHERE username = 'reviewer1'")).scalar()
    return {"grant": g.id, "paid": first, "unpaid": g.installments[1].id, "departure": dep.id,
            "recovery": rec_id, "funding": fund_id, "user": user_id}


EDITS = [
    ("installment", "unpaid", "UPDATE installment SET amount_fen = amount_fen * 50 WHERE id = :i"),
    ("installment", "paid", "UPDATE installment SET voucher_no = '记-999' WHERE id = :i"),
    ("installment", "unpaid", "UPDATE installment SET status = 'paid', paid_date = '2024-01-01' WHERE id = :i"),
    ("benefit_grant", "grant", "UPDATE benefit_grant SET total_fen = 99900000 WHERE id = :i"),
    ("installment_funding", "funding", "UPDATE installment_funding SET amount_fen = amount_fen + 1 WHERE id = :i"),
    ("departure", "departure", "UPDATE departure SET refund_due_fen = 0 WHERE id = :i"),
    ("recovery", "recovery", "UPDATE recovery SET amount_fen = 9999999 WHERE id = :i"),
    ("app_user", "user", "UPDATE app_user SET role = 'admin' WHERE id = :i"),
]


@pytest.mark.parametrize("table,which,statement", EDITS, ids=[f"{e[0]}-{i}" for i, e in enumerate(EDITS)])
def test_a_direct_edit_of_a_money_row_or_role_is_named(ctx, money, table, which, statement):
    if "paid_date" in statement and not ctx.db.is_sqlite:
        statement = statement.replace("'2024-01-01'", "DATE '2024-01-01'")
    _sql(ctx, statement, i=money[which])
    result = audit.verify(ctx)
    assert not result.ok
    assert [(r.table, r.row_id, r.kind) for r in result.rows] == [(table, money[which], "changed")]
    assert f"#{money[which]}（{table}）在程序之外被修改" in result.message


def test_rows_added_or_deleted_outside_the_program_are_named(ctx, money):
    _sql(ctx, "DELETE FROM recovery WHERE id = :i", i=money["recovery"])
    _sql(ctx, "INSERT INTO installment_funding (installment_id, level, amount_fen) VALUES (:i, 'league', 5)",
         i=money["unpaid"])
    result = audit.verify(ctx)
    kinds = {(r.table, r.kind) for r in result.rows}
    # the recovery's split by level (recovery_level) goes with it (ON DELETE CASCADE): named too
    assert not result.ok and kinds == {("recovery", "deleted"), ("recovery_level", "deleted"),
                                       ("installment_funding", "added")}


def test_changes_through_the_program_stay_verified(ctx, money):
    reviewer = ServiceContext(ctx.db, user="赵审核", role="reviewer")
    admin = ServiceContext(ctx.db, user="管理员", role="admin")
    users.set_role(admin, "reviewer1", "clerk")
    payments.reverse(reviewer, money["paid"], "冲销测试")
    with pytest.raises(Exception):
        users.authenticate(ctx.db, "reviewer1", "wrong-password")  # only the attempt counter changes
    result = audit.verify(ctx)
    assert result.ok, result.problems
    assert result.rows_checked > 0


def test_seals_are_hidden_from_the_list_but_hashed(ctx, money):
    assert "row_digest" not in {e.entity for e in audit.list_events(ctx)}
    seals = [e for e in audit.list_events(ctx, include_seals=True) if e.entity == "row_digest"]
    assert seals and seals[-1].entity_id == "baseline"
    _sql(ctx, "UPDATE audit_event SET after = :a WHERE id = :i", a="{}", i=seals[0].id)
    assert audit.verify(ctx).broken_id == seals[0].id


# -- 3. the OS user ------------------------------------------------------------------------

def test_the_os_user_is_recorded_and_hashed(ctx, monkeypatch):
    monkeypatch.setattr(audit_chain, "os_user", lambda: "win-clerk")
    talents.add(ctx, talent_row(姓名="系统账户"))
    (ev,) = audit.list_events(ctx, limit=1)
    assert ev.os_user == "win-clerk"
    assert audit.verify(ctx).ok
    _sql(ctx, "UPDATE audit_event SET os_user = 'someone-else' WHERE id = :i", i=ev.id)
    assert audit.verify(ctx).broken_id == ev.id


def test_events_from_before_the_os_user_column_still_verify(ctx):
    """An event written before revision 0004 has no os_user and its hash did not cover one."""
    talents.add(ctx, talent_row(姓名="旧记录"))
    with ctx.db.write_engine.begin() as conn:
        rows = conn.execute(text('SELECT id, at, "user", action, entity, entity_id, talent_id, before, after '
                                 "FROM audit_event ORDER BY id")).all()
        prev = audit.GENESIS
        for r in rows:
            at = r.at if isinstance(r.at, dt.datetime) else dt.datetime.fromisoformat(r.at)
            h = audit_chain.event_hash(prev, at, r.user, r.action, r.entity, r.entity_id, r.talent_id, r.before,
                                       r.after)
            conn.execute(text("UPDATE audit_event SET prev_hash = :p, hash = :h, os_user = NULL WHERE id = :i"),
                         {"p": prev, "h": h, "i": r.id})
            prev = h
    audit_anchor.forget_local(audit.database_key(ctx))
    assert audit.verify(ctx).ok
    talents.add(ctx, talent_row(姓名="新记录"))
    assert audit.list_events(ctx, limit=1)[0].os_user == audit_chain.os_user()
    assert audit.verify(ctx).ok


def test_os_user_has_a_safe_fallback(monkeypatch):
    def broken():
        raise OSError("no login name")

    monkeypatch.setattr(audit_chain.getpass, "getuser", broken)
    audit_chain.os_user.cache_clear()
    try:
        name = audit_chain.os_user()
        assert name and len(name) <= 64
    finally:
        audit_chain.os_user.cache_clear()


# -- for a restore: is a backup an earlier state of this database? ---------------------------

def test_a_backups_head_is_found_in_the_live_chain_and_another_databases_is_not(sqlite_db, tmp_path):
    from talentdesk.models.db import sqlite_backup

    live = ServiceContext(sqlite_db)
    _some_events(live, 3)
    copy = tmp_path / "copy.sqlite3"
    sqlite_backup(sqlite_db.path, copy)
    _some_events(live, 2)  # the live database moved on after the backup
    other = open_database(tmp_path / "other.sqlite3")
    try:
        _some_events(ServiceContext(other), 3)
        backup_db = open_database(copy)
        try:
            bctx = ServiceContext(backup_db)
            taken = audit.current_anchor(bctx)
            assert audit.verify(bctx, anchor=taken, local=False).ok
            assert audit.check_anchor(live, taken) == []
            assert audit.current_anchor(live).count > taken.count
        finally:
            backup_db.dispose()
        foreign = audit.current_anchor(ServiceContext(other))
        problems = audit.check_anchor(live, foreign)
        assert problems and "审计链被改写" in problems[0]
    finally:
        other.dispose()


def test_core_statements_seal_the_rows_they_touch(ctx, money):
    from sqlalchemy import update

    from talentdesk.models.entities import Installment

    with ctx.write() as session:
        session.execute(update(Installment).where(Installment.id == money["unpaid"])
                        .values(status_reason="批量说明", due_date=D(2030, 1, 1)).execution_options(
                            synchronize_session=False))
        audit_chain.touch(session, "installment", [money["unpaid"]])
    assert audit.verify(ctx).ok
