"""Backups: automatic daily and before-risky-operation copies, verified, listed, rotated;
restore (admin only) backs up first and brings the data back; PostgreSQL is refused
with the pg_dump message."""

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from factories import talent_row
from talentdesk.domain.errors import PermissionDenied, TalentDeskError
from talentdesk.services.office import backup, settings, users
from talentdesk.services.office.audit import log as audit
from talentdesk.services.register import talents
from talentdesk.services.context import ServiceContext


def _names(entries):
    return [b.path.name for b in entries]


def test_backup_now_is_verified_listed_and_audited(sqlite_db, tmp_path):
    ctx = ServiceContext(sqlite_db, user="tester")
    talents.add(ctx, talent_row(姓名="甲"))
    info = backup.backup_now(ctx)
    assert info.path.parent == sqlite_db.path.parent / "backups"
    assert info.counts["talent"] == 1 and info.size == info.path.stat().st_size > 0
    listed = backup.list_backups(info.path.parent, verify=True)
    assert _names(listed) == [info.path.name] and listed[0].counts["talent"] == 1
    assert listed[0].kind_label == "手动备份"
    assert [e.action for e in audit.list_events(ctx)][0] == "backup"


def test_backup_folder_from_settings(sqlite_db, tmp_path):
    ctx = ServiceContext(sqlite_db)
    usb = tmp_path / "usb" / "台账备份"
    settings.save_settings(ctx, backup_dir=str(usb))
    assert backup.backup_folder(ctx) == usb
    result = backup.auto_daily(ctx)
    assert result.kind == "made" and result.backup.path.parent == usb


def test_auto_daily_once_per_day(sqlite_db):
    ctx = ServiceContext(sqlite_db)
    first = backup.auto_daily(ctx)
    assert first.kind == "made" and first.backup.counts
    again = backup.auto_daily(ctx)
    assert again.kind == "exists" and "今天已自动备份" in again.message
    tomorrow = backup.auto_daily(ctx, today=dt.date.today() + dt.timedelta(days=1))
    assert tomorrow.kind == "made"
    assert len(backup.list_backups(backup.backup_folder(ctx))) == 2


def test_auto_daily_failure_is_a_warning_not_an_exception(sqlite_db, tmp_path):
    ctx = ServiceContext(sqlite_db)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    settings.save_settings(ctx, backup_dir=str(blocker / "sub"))
    result = backup.auto_daily(ctx)
    assert result.kind == "failed" and result.warning and "备份" in result.message


def test_before_makes_a_labelled_backup(sqlite_db):
    ctx = ServiceContext(sqlite_db)
    info = backup.before(ctx, "import")
    assert info.label == "before-import" and info.kind_label == "导入前自动备份"
    assert backup.parse_name(info.path)[0] == "before-import"


def _fake(folder: Path, label: str, when: dt.datetime) -> Path:
    p = folder / f"talentdesk-{label}-{when:%Y%m%d-%H%M%S}.sqlite3"
    p.write_bytes(b"x")
    return p


def test_rotation_keeps_14_days_and_12_months_and_all_manual(tmp_path):
    folder = tmp_path / "bk"
    folder.mkdir()
    start = dt.datetime(2024, 1, 1, 8, 0, 0)
    daily = [_fake(folder, "daily", start + dt.timedelta(days=i)) for i in range(400)]
    imports = [_fake(folder, "before-import", start + dt.timedelta(days=399, hours=h)) for h in (1, 2, 3)]
    manual = _fake(folder, "manual", start)
    unrelated = folder / "notes.txt"
    unrelated.write_text("keep me")
    removed = backup.rotate(folder)
    left = {p.name for p in folder.iterdir()}
    assert manual.name in left and unrelated.name in left
    assert all(p.name in left for p in daily[-14:]) and all(p.name in left for p in imports)
    kept_auto = [b for b in backup.list_backups(folder) if b.automatic]
    older = [b for b in kept_auto if b.path not in set(daily[-14:]) | set(imports)]
    months = {(b.created.year, b.created.month) for b in older}
    recent_months = {(b.created.year, b.created.month) for b in kept_auto if b not in older}
    assert len(older) == len(months)  # one per month
    assert len(months | recent_months) == 12 and not months & recent_months
    assert len(kept_auto) == 14 + 3 + len(older)
    assert len(removed) == 400 + 3 - len(kept_auto)
    # Each kept monthly backup is the newest of its month.
    for b in older:
        same_month = [d for d in daily if d.name[17:23] == f"{b.created:%Y%m}"]
        assert b.path == max(same_month, key=lambda p: p.name)
    assert backup.rotate(folder) == []  # idempotent


def test_rotation_counts_days_that_have_backups_not_calendar_days(tmp_path):
    folder = tmp_path / "bk"
    folder.mkdir()
    old = [_fake(folder, "daily", dt.datetime(2023, 3, d, 9)) for d in range(1, 11)]
    backup.rotate(folder)
    assert all(p.exists() for p in old)  # a long holiday does not wipe the recent backups


def test_list_ignores_unrelated_files_and_parses_upgrade_backups(tmp_path):
    folder = tmp_path / "bk"
    folder.mkdir()
    (folder / "talentdesk-daily-2024.sqlite3").write_text("x")
    (folder / "random.sqlite3").write_text("x")
    up = folder / "talentdesk-before-upgrade-0001-20240101-120000.sqlite3"
    up.write_text("x")
    entries = backup.list_backups(folder)
    assert _names(entries) == [up.name] and entries[0].kind_label == "升级前自动备份"


def test_verify_rejects_garbage_truncated_and_foreign_files(sqlite_db, tmp_path):
    ctx = ServiceContext(sqlite_db)
    good = backup.backup_now(ctx).path
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"PK\x03\x04 not a database" * 100)
    with pytest.raises(TalentDeskError, match="不是 SQLite"):
        backup.verify_file(junk)
    cut = tmp_path / "cut.sqlite3"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 3])
    with pytest.raises(TalentDeskError):
        backup.verify_file(cut)
    other = tmp_path / "other.sqlite3"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    with pytest.raises(TalentDeskError, match="不是人才服务台账"):
        backup.verify_file(other)
    with pytest.raises(TalentDeskError, match="不存在"):
        backup.verify_file(tmp_path / "missing.sqlite3")


def _admin(db):
    users.create_first_admin(db, "admin", "Admin-pass-1")
    return users.authenticate(db, "admin", "Admin-pass-1")


def test_restore_needs_admin_backs_up_first_and_restores(sqlite_db):
    admin = _admin(sqlite_db)
    users.add_user(admin, "clerk", "Clerk-pass-1", "clerk")
    clerk = users.authenticate(sqlite_db, "clerk", "Clerk-pass-1")
    talents.add(clerk, talent_row(姓名="备份前"))
    saved = backup.backup_now(clerk).path
    talents.add(clerk, talent_row(姓名="备份后"))
    with pytest.raises(PermissionDenied, match="管理员"):
        backup.restore(clerk, saved)
    # Another connection is open while the admin restores (the GUI of a colleague).
    other = ServiceContext(sqlite_db, user="viewer")
    assert talents.list_talents(other)[0] == 2
    with pytest.raises(backup.RestoreLoses, match="1 名人才"):
        backup.restore(admin, saved)  # what it loses is said first; nothing changed yet
    assert talents.list_talents(other)[0] == 2
    result = backup.restore(admin, saved, accept_loss=True)
    names = [r.name for r in talents.list_talents(other)[1]]
    assert names == ["备份前"]
    safety = Path(result["safety_backup"])
    assert backup.verify_file(safety)["talent"] == 2 and "before-restore" in safety.name
    assert audit.verify(admin).ok
    assert audit.list_events(admin, limit=1)[0].action == "restore"
    with sqlite_db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    talents.add(clerk, talent_row(姓名="恢复之后"))  # writable again
    # The safety backup brings the later state back.
    backup.restore(admin, safety, accept_loss=True)  # registered before the restore: still known
    assert sorted(r.name for r in talents.list_talents(other)[1]) == ["备份前", "备份后"]


def test_restore_refuses_a_bad_file_and_leaves_the_database_alone(sqlite_db, tmp_path):
    ctx = ServiceContext(sqlite_db)
    talents.add(ctx, talent_row(姓名="留着"))
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"\0" * 4096)
    with pytest.raises(TalentDeskError):
        backup.restore(ctx, junk)
    assert [r.name for r in talents.list_talents(ctx)[1]] == ["留着"]


def test_restore_of_an_older_schema_upgrades_it(sqlite_db, tmp_path):
    from alembic import command

    from talentdesk.models.db import Database, resolve_url

    old = tmp_path / "old.sqlite3"
    odb = Database(resolve_url(old))
    with odb.write_engine.connect() as conn:
        command.upgrade(odb._alembic_config(conn), "0001")
        if conn.in_transaction():
            conn.commit()
    odb.dispose()
    ctx = ServiceContext(sqlite_db)
    backup.restore(ctx, old, other_database=True, accept_loss=True)  # an old file records no database
    assert sqlite_db.current_revision() == sqlite_db.head_revision()


def test_restore_refuses_a_newer_schema(sqlite_db, tmp_path):
    ctx = ServiceContext(sqlite_db)
    newer = backup.backup_now(ctx).path
    con = sqlite3.connect(newer)
    con.execute("UPDATE alembic_version SET version_num='9999'")
    con.commit()
    con.close()
    with pytest.raises(TalentDeskError, match="更新版本"):
        backup.restore(ctx, newer)


def test_postgresql_backups_are_the_servers_job(db):
    ctx = ServiceContext(db)
    if db.is_sqlite:
        pytest.skip("PostgreSQL only")
    assert backup.auto_daily(ctx).kind == "server"
    assert backup.before(ctx, "import") is None
    with pytest.raises(TalentDeskError, match="pg_dump"):
        backup.backup_now(ctx)


def test_backup_into_a_folder_given_as_target(sqlite_db, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    info = backup.backup_now(ServiceContext(sqlite_db), usb)
    assert info.path.parent == usb and backup.parse_name(info.path)[0] == "manual"


def test_a_roster_import_is_preceded_by_a_verified_backup(sqlite_db, tmp_path):
    """The importer calls ``backup.before(ctx, "import")`` before it writes (not for a dry run)."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import hostile
    from talentdesk.services.exchange import importer

    ctx = ServiceContext(sqlite_db, user="tester")
    talents.add(ctx, talent_row(姓名="导入前已有"))
    roster = hostile.valid_roster(tmp_path / "roster.xlsx")
    folder = backup.backup_folder(ctx)
    importer.run_import(ctx, roster, "roster", dry_run=True)
    assert [b.label for b in backup.list_backups(folder)] == []
    importer.run_import(ctx, roster, "roster")
    made = [b for b in backup.list_backups(folder) if b.label == "before-import"]
    assert len(made) == 1
    assert backup.verify_file(made[0].path)["talent"] == 1  # the state before the import


def test_backups_carry_the_scanned_attachments(sqlite_db, tmp_path):
    from talentdesk.services.register import attachments

    ctx = ServiceContext(sqlite_db, user="tester")
    row = talent_row(姓名="有附件")
    talents.add(ctx, row)
    scan = tmp_path / "学位证书.pdf"
    scan.write_bytes(b"%PDF-1.4 scanned degree certificate " * 100)
    a = attachments.add(ctx, row["身份证号"], scan, "学位证书")
    usb = tmp_path / "usb"
    settings.save_settings(ctx, backup_dir=str(usb))
    info = backup.backup_now(ctx)
    assert info.attachments == 1 and (usb / "attachments" / a.sha256[:2] / a.sha256).is_file()
    assert backup.backup_now(ctx).attachments == 0  # incremental: nothing new to copy
    # The PC's disk loses the attachment store; restoring brings the scans back.
    import shutil

    shutil.rmtree(sqlite_db.path.parent / "attachments")
    result = backup.restore(ctx, info.path, accept_loss=True)
    assert result["attachments_restored"] == 1
    assert (sqlite_db.path.parent / "attachments" / a.sha256[:2] / a.sha256).read_bytes() == scan.read_bytes()


def test_a_damaged_attachment_is_not_copied(tmp_path):
    store = tmp_path / "store" / "ab"
    store.mkdir(parents=True)
    (store / ("ab" + "0" * 62)).write_bytes(b"does not match its name")
    assert backup.sync_attachments(tmp_path / "store", tmp_path / "copy") == 0
