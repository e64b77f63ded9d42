"""Issue 15, data safety: nothing written onto a database, backups know their database,
restore says what it loses and refuses a changed backup, backups never collide."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from factories import talent_row
from talentdesk import cli
from talentdesk.domain.errors import TalentDeskError
from talentdesk.models.db import open_database
from talentdesk.models.entities import Installment
from talentdesk.services.office import backup, integrity, users
from talentdesk.services.office.audit import log as audit
from talentdesk.services.exchange import reports
from talentdesk.services.register import talents
from talentdesk.services.context import ServiceContext

from tests.services.exchange.outputs import seed

ROOT = Path(__file__).resolve().parents[2]

D = dt.date


def run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def _is_sqlite(path: Path) -> bool:
    return path.read_bytes()[:16] == b"SQLite format 3\x00"


def _office(path: Path) -> ServiceContext:
    return ServiceContext(open_database(path), user="tester")


# -- 1. nothing is written onto a database ------------------------------------------------

def test_a_backup_is_never_written_onto_a_database(tmp_path):
    office = _office(tmp_path / "office.sqlite3")
    other = _office(tmp_path / "other.sqlite3")
    try:
        talents.add(other, talent_row(姓名="另一个库的人"))
        other.db.dispose()
        for target in (tmp_path / "other.sqlite3", office.db.path):
            before = target.read_bytes()
            with pytest.raises(TalentDeskError, match="数据库"):
                backup.backup_now(office, target)
            assert target.read_bytes() == before
        assert talents.list_talents(_office(tmp_path / "other.sqlite3"))[0] == 1
        notes = tmp_path / "备份说明.txt"
        notes.write_text("不是数据库", encoding="utf-8")
        with pytest.raises(TalentDeskError, match="已存在.*--force"):
            backup.backup_now(office, notes)
        assert notes.read_text(encoding="utf-8") == "不是数据库"
        info = backup.backup_now(office, notes, overwrite=True)
        assert _is_sqlite(info.path) and info.counts
    finally:
        office.db.dispose()
        other.db.dispose()


def test_cli_backup_and_exports_ask_for_force_and_never_touch_the_database(tmp_path, capsys):
    dbfile = tmp_path / "office.sqlite3"
    assert run(capsys, "--db", dbfile, "init")[0] == 0
    existing = tmp_path / "copy.sqlite3"
    existing.write_text("旧文件", encoding="utf-8")
    code, _, err = run(capsys, "--db", dbfile, "backup", existing)
    assert code == 1 and "--force" in err and existing.read_text(encoding="utf-8") == "旧文件"
    assert run(capsys, "--db", dbfile, "backup", existing, "--force")[0] == 0 and _is_sqlite(existing)
    code, _, err = run(capsys, "--db", dbfile, "backup", dbfile, "--force")
    assert code == 1 and "数据库" in err
    # An export or a printed form onto the live database: refused even with --force.
    for argv in (("export", "ledger", "--kind", "talents"), ("print", "batch", "--month", "2025-01"),
                 ("audit", "export")):
        code, _, err = run(capsys, "--db", dbfile, *argv, dbfile, "--force")
        assert code == 1 and "数据库文件" in err, argv
        assert _is_sqlite(dbfile)
    assert run(capsys, "--db", dbfile, "talent", "list")[0] == 0
    ledger = tmp_path / "台账.xlsx"
    ledger.write_text("上个月的台账", encoding="utf-8")
    code, _, err = run(capsys, "--db", dbfile, "export", "ledger", "--kind", "talents", ledger)
    assert code == 1 and "已存在" in err and ledger.read_text(encoding="utf-8") == "上个月的台账"
    assert run(capsys, "--db", dbfile, "export", "ledger", "--kind", "talents", ledger, "--force")[0] == 0
    assert ledger.read_bytes()[:2] == b"PK"
    pdf = tmp_path / "表.pdf"
    pdf.write_text("旧", encoding="utf-8")
    assert run(capsys, "--db", dbfile, "print", "batch", "--month", "2025-01", pdf)[0] == 1
    assert pdf.read_text(encoding="utf-8") == "旧"


def test_an_export_never_replaces_a_sqlite_file(ctx, tmp_path):
    """Every output writer goes through ``atomic_path``, on either database."""
    victim = tmp_path / "某个数据库.sqlite3"
    con = sqlite3.connect(victim)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    talents.add(ctx, talent_row(姓名="导出"))
    with pytest.raises(TalentDeskError, match="数据库文件"):
        reports.export_ledger(ctx, "talents", victim)
    assert _is_sqlite(victim)


# -- 2. backups know their database ------------------------------------------------------

def test_two_databases_in_one_folder_keep_their_own_backups(tmp_path):
    office = _office(tmp_path / "office.sqlite3")
    training = _office(tmp_path / "training.sqlite3")
    try:
        assert backup.database_id(office.db) != backup.database_id(training.db)
        assert backup.backup_folder(office) == backup.backup_folder(training)
        made = backup.auto_daily(training)
        assert made.kind == "made"
        mine = backup.auto_daily(office)
        assert mine.kind == "made"  # the training database's daily backup is not the office's
        assert backup.auto_daily(office).kind == "exists"
        assert [b.path for b in backup.backups_of(office)] == [mine.backup.path]
        assert [b.path for b in backup.backups_of(training)] == [made.backup.path]
        assert backup.file_meta(mine.backup.path)["database_id"] == backup.database_id(office.db)
        assert backup.database_id(office.db)[:12] in mine.backup.path.name
    finally:
        office.db.dispose()
        training.db.dispose()


def _checkpoint_and_wreck(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    path.write_bytes(b"garbage" * 1000)


def test_restore_at_start_never_uses_another_databases_backup(tmp_path, capsys):
    office = _office(tmp_path / "office.sqlite3")
    training = _office(tmp_path / "training.sqlite3")
    talents.add(office, talent_row(姓名="办公室的人"))
    own = backup.backup_now(office).path
    for i in range(3):
        talents.add(training, talent_row(姓名=f"培训{i}"))
    newer = backup.backup_now(training).path  # newer, same folder, verifies fine
    office.db.dispose()
    training.db.dispose()
    _checkpoint_and_wreck(office.db.path)
    result = integrity.check(office.db.path)
    assert not result.ok and result.last_good.path == own
    with pytest.raises(TalentDeskError, match="不是数据库 office.sqlite3 的备份"):
        integrity.restore_last_good(office.db.path, newer)
    newer.rename(newer.with_name("talentdesk-daily-20991231-235959.sqlite3"))  # renamed: still not ours
    own.unlink()
    assert integrity.check(office.db.path).last_good is None
    code, out, _ = run(capsys, "--db", office.db.path, "check", "--restore-last-good", "--json")
    assert code == 1 and json.loads(out)["restored"] is None
    assert not _is_sqlite(office.db.path)  # left as it was: nothing restored over it


def test_check_restore_last_good_restores_its_own(tmp_path, capsys):
    office = _office(tmp_path / "office.sqlite3")
    talents.add(office, talent_row(姓名="保住"))
    backup.backup_now(office)
    office.db.dispose()
    training = _office(tmp_path / "training.sqlite3")
    theirs = backup.backup_now(training).path  # the newest in the folder, another database's
    theirs.rename(theirs.with_name("talentdesk-daily-20991231-000000.sqlite3"))
    training.db.dispose()
    _checkpoint_and_wreck(office.db.path)
    code, out, _ = run(capsys, "--db", office.db.path, "check", "--restore-last-good", "--json")
    assert code == 0 and json.loads(out)["restored"]
    code, out, _ = run(capsys, "--db", office.db.path, "talent", "list", "--json")
    assert json.loads(out)["total"] == 1


def test_restore_refuses_another_databases_backup_unless_confirmed(tmp_path, capsys):
    office = _office(tmp_path / "office.sqlite3")
    training = _office(tmp_path / "training.sqlite3")
    try:
        talents.add(office, talent_row(姓名="正式"))
        talents.add(training, talent_row(姓名="培训"))
        foreign = backup.backup_now(training).path
        with pytest.raises(backup.OtherDatabaseBackup, match="另一个数据库"):
            backup.restore(office, foreign, accept_loss=True)
        assert [r.name for r in talents.list_talents(office)[1]] == ["正式"]
        office.db.dispose()
        code, out, err = run(capsys, "--db", office.db.path, "restore", foreign, "--yes")
        assert code == 1 and "--other-database" in err and "属于另一个数据库" in out
        code, out, err = run(capsys, "--db", office.db.path, "restore", foreign, "--yes", "--other-database")
        assert code == 0, err
        assert [r.name for r in talents.list_talents(office)[1]] == ["培训"]
    finally:
        office.db.dispose()
        training.db.dispose()


# -- 3. restore says what it loses and refuses a changed backup --------------------------

@pytest.fixture
def admin(tmp_path):
    db = open_database(tmp_path / "office.sqlite3")
    users.create_first_admin(db, "admin", "Admin-pass-1")
    yield users.authenticate(db, "admin", "Admin-pass-1")
    db.dispose()


def _paid_later(ctx) -> tuple[Path, int]:
    """A backup, then (after it) a payment, a review and a new talent."""
    tid = seed.add_talent(ctx, "张伟")
    seed.add_grant(ctx, tid, "settlement_allowance", "安家补贴",
                   [(D(2024, 7, 1), 5_000_000, "approved", {"league": 5_000_000})])
    saved = backup.backup_now(ctx).path
    with ctx.write() as s:
        inst = s.query(Installment).one()
        inst.status, inst.paid_date, inst.voucher_no = "paid", D(2024, 7, 5), "记-0701"
        audit.record(s, ctx.actor, "pay", "installment", inst.id, after={"status": "paid"})
    seed.add_review(ctx, tid, 2024, "优秀")
    seed.add_talent(ctx, "李娜", birth=D(1991, 3, 3))
    return saved, tid


def test_restore_shows_what_it_loses_and_needs_a_yes(admin):
    saved, _ = _paid_later(admin)
    plan = backup.restore_plan(admin, saved)
    assert plan.payments_undone == 1 and plan.chain_ok and plan.register == "yes" and not plan.other_database
    text = plan.describe()
    assert "1 笔发放记录" in text and "1 条考核" in text and "1 名人才（新增 1）" in text
    assert "审计记录" in text and plan.audit_changes_after >= 1
    with pytest.raises(backup.RestoreLoses, match="1 笔发放记录"):
        backup.restore(admin, saved)
    with admin.read() as s:
        assert s.query(Installment).one().status == "paid"  # nothing restored
    result = backup.restore(admin, saved, accept_loss=True)
    assert result["plan"]["payments_undone"] == 1
    with admin.read() as s:
        assert s.query(Installment).one().status == "approved"
    last = audit.list_events(admin, limit=1)[0]
    assert last.action == "restore" and any("发放记录" in x for x in last.after["lost"])


def test_cli_restore_prints_the_losses_and_needs_yes(tmp_path, capsys):
    ctx = _office(tmp_path / "office.sqlite3")
    saved, _ = _paid_later(ctx)
    ctx.db.dispose()
    code, out, err = run(capsys, "--db", ctx.db.path, "restore", saved)
    assert code == 1 and "1 笔发放记录" in out and "--yes" in err
    code, out, _ = run(capsys, "--db", ctx.db.path, "restore", saved, "--json")
    assert code == 1 and json.loads(out)["plan"]["payments_undone"] == 1
    with ctx.read() as s:
        assert s.query(Installment).one().status == "paid"
    assert run(capsys, "--db", ctx.db.path, "restore", saved, "--force")[0] == 0
    with ctx.read() as s:
        assert s.query(Installment).one().status == "approved"
    ctx.db.dispose()


def _tamper(path: Path, *sql: str) -> None:
    con = sqlite3.connect(path)
    for statement in sql:
        con.execute(statement)
    con.commit()
    con.close()


@pytest.mark.parametrize("attack", ["extra_admin", "amount_x50", "audit_cut", "audit_edit"])
def test_a_tampered_backup_is_refused(admin, attack):
    saved, _ = _paid_later(admin)
    talents.add(admin, talent_row(姓名="恢复前最后一位"))
    if attack == "extra_admin":
        _tamper(saved, "INSERT INTO app_user (username, role, password_hash, failed_attempts, active, created_at, "
                       "updated_at) SELECT 'intruder', 'admin', password_hash, 0, 1, created_at, updated_at "
                       "FROM app_user LIMIT 1")
    elif attack == "amount_x50":
        _tamper(saved, "UPDATE installment SET amount_fen = amount_fen * 50")
    elif attack == "audit_cut":
        _tamper(saved, "DELETE FROM audit_event WHERE id = (SELECT MAX(id) FROM audit_event)")
    else:
        _tamper(saved, "UPDATE audit_event SET user = 'someone' WHERE id = (SELECT MIN(id) FROM audit_event)")
    plan = backup.restore_plan(admin, saved)
    assert plan.refusal()
    with pytest.raises(TalentDeskError, match="改动过"):
        backup.restore(admin, saved, accept_loss=True, other_database=True, unverified=True)
    assert talents.list_talents(admin)[0] == 3  # the live database is untouched


def test_a_renamed_unregistered_backup_needs_unverified_and_its_chain_is_still_checked(admin, tmp_path):
    saved, _ = _paid_later(admin)
    copy = tmp_path / "从U盘拷来的.sqlite3"
    _tamper(Path(shutil.copy(saved, copy)), "UPDATE installment SET amount_fen = amount_fen * 50")
    plan = backup.restore_plan(admin, copy)
    # not in the register, but the sealed money rows in its own chain show the ×50
    assert plan.register == "unknown" and "分期" in plan.refusal() and "被改动过" in plan.refusal()
    with pytest.raises(TalentDeskError, match="改动过"):
        backup.restore(admin, copy, accept_loss=True, unverified=True)
    clean = tmp_path / "另一份拷贝.sqlite3"  # the same data in other bytes: not in the register
    con = sqlite3.connect(saved)
    con.execute("VACUUM INTO ?", (str(clean),))
    con.close()
    assert backup.restore_plan(admin, clean).refusal() is None
    with pytest.raises(backup.UnverifiedBackup, match="--unverified"):
        backup.restore(admin, clean, accept_loss=True)
    _tamper(clean, "UPDATE audit_event SET action = 'x' WHERE id = 1")
    assert "审计链" in backup.restore_plan(admin, clean).refusal()


@pytest.mark.gui
def test_gui_restore_shows_the_losses_and_asks_twice_for_another_database(qtbot, admin, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from talentdesk.ui.security.dialogs import BackupDialog

    saved, _ = _paid_later(admin)
    asked: list[str] = []
    answers = iter([QMessageBox.StandardButton.No])
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or next(answers))
    dlg = BackupDialog(admin)
    qtbot.addWidget(dlg)
    assert [b.path for b in dlg.entries] == [saved]
    assert not dlg.restore_selected(path=saved)
    assert "1 笔发放记录" in asked[0] and "1 条考核" in asked[0]
    with admin.read() as s:
        assert s.query(Installment).one().status == "paid"
    training = _office(tmp_path / "training.sqlite3")
    foreign = backup.backup_now(training).path
    training.db.dispose()
    asked.clear()
    answers = iter([QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No])
    assert not dlg.restore_selected(path=foreign)
    assert len(asked) == 2 and "不是当前数据库的备份" in asked[1]
    assert talents.list_talents(admin)[0] == 2
    asked.clear()
    answers = iter([QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.Yes])
    assert dlg.restore_selected(path=foreign)
    assert talents.list_talents(admin)[0] == 0


# -- 4. backups at the same moment never collide; a killed one's .part is cleaned up ------

_WORKER = """
import datetime as dt, sys, time
sys.path.insert(0, {root!r})
from talentdesk.models.db import open_database
from talentdesk.services.office import backup
from talentdesk.services.context import ServiceContext

class Frozen(dt.datetime):
    @classmethod
    def now(cls, tz=None):
        return dt.datetime(2026, 11, 30, 9, 0, 0, 123456)

backup.dt = type("dt", (), {{"datetime": Frozen, "date": dt.date, "timedelta": dt.timedelta}})
db = open_database({db!r})
ctx = ServiceContext(db, user="clerk")
start = {start!r}
while time.time() < start:
    time.sleep(0.001)
info = backup.before(ctx, "import")
print(info.path)
db.dispose()
"""


def test_concurrent_pre_import_backups_all_succeed(tmp_path):
    ctx = _office(tmp_path / "office.sqlite3")
    for i in range(40):
        talents.add(ctx, talent_row(姓名=f"人{i}"))
    from talentdesk.models.entities import Setting

    with ctx.write() as s:  # some megabytes, so that the copies overlap in time
        s.add(Setting(key="test_padding", value=json.dumps(os.urandom(3_000_000).hex())))
    ctx.db.dispose()
    start = time.time() + 4  # every process starts copying at the same moment, the clock frozen
    procs = []
    for n in range(6):
        script = tmp_path / f"w{n}.py"
        script.write_text(textwrap.dedent(_WORKER.format(root=str(ROOT), db=str(ctx.db.path), start=start)))
        procs.append(subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True))
    results = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), [r[1][-800:] for r in results]
    paths = {Path(r[0].strip()) for r in results}
    assert len(paths) == 6
    for p in paths:
        assert backup.verify_file(p)["talent"] == 40
    folder = backup.backup_folder(ctx)
    assert not [f for f in folder.iterdir() if f.name.endswith(".part")]
    assert len(backup.list_backups(folder)) == 6


_KILLED = """
import sys
sys.path.insert(0, {root!r})
from talentdesk.models.db import open_database
from talentdesk.services.office import backup
from talentdesk.services.context import ServiceContext

def stop(path):  # the copy is written, not yet checked nor renamed: kill it here
    print("MID", flush=True)
    import time
    time.sleep(600)
backup.verify_file = stop
db = open_database({db!r})
backup.backup_now(ServiceContext(db, user="clerk"))
"""


def test_a_killed_backups_part_file_is_cleaned_up_by_the_next_backup(tmp_path):
    from killing import kill_at_mid

    ctx = _office(tmp_path / "office.sqlite3")
    talents.add(ctx, talent_row(姓名="甲"))
    ctx.db.dispose()
    script = tmp_path / "killed.py"
    script.write_text(textwrap.dedent(_KILLED.format(root=str(ROOT), db=str(ctx.db.path))))
    kill_at_mid(script)
    folder = backup.backup_folder(ctx)
    parts = [f for f in folder.iterdir() if f.name.endswith(".part")]
    assert len(parts) == 1 and backup.list_backups(folder) == []
    someone_elses = folder / "download.zip.part"  # not the program's: never touched
    someone_elses.write_bytes(b"x")
    backup.backup_now(ctx)  # the killed one's .part is recent: it might still be written
    assert parts[0].exists()
    old = time.time() - backup.STALE_PART_S - 60
    os.utime(parts[0], (old, old))
    os.utime(someone_elses, (old, old))
    info = backup.backup_now(ctx)
    assert not parts[0].exists() and someone_elses.exists()
    assert backup.verify_file(info.path)["talent"] == 1
    assert audit.verify(ctx).ok
    ctx.db.dispose()


@pytest.mark.gui
def test_gui_backup_to_a_file_asks_before_replacing_and_never_overwrites_a_database(qtbot, admin, tmp_path,
                                                                                   monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from talentdesk.ui.security.dialogs import BackupDialog

    asked: list[str] = []
    answer = [QMessageBox.StandardButton.No]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or answer[0])
    dlg = BackupDialog(admin)
    qtbot.addWidget(dlg)
    usb = tmp_path / "U盘备份.sqlite3"
    usb.write_text("上次的说明", encoding="utf-8")
    assert not dlg.backup_to(path=usb) and "已存在" in asked[0]
    assert usb.read_text(encoding="utf-8") == "上次的说明"
    answer[0] = QMessageBox.StandardButton.Yes
    assert dlg.backup_to(path=usb) and _is_sqlite(usb)
    asked.clear()
    live = admin.db.path
    assert not dlg.backup_to(path=live, confirmed=True) and "数据库" in dlg.status.text()
    assert not dlg.backup_to(path=usb) and "数据库" in dlg.status.text()  # now a database: never replaced
    assert asked == []
