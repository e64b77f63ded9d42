"""Integrity check at start (damaged file → clear message + last good backup → restore),
and the audit export (formulas never evaluated, masking, audited)."""

import datetime as dt

import pytest

from factories import talent_row
from talentdesk.models.db import open_database
from talentdesk.services.office import backup, integrity
from talentdesk.services.office.audit import log as audit, export as audit_export
from talentdesk.services.register import talents
from talentdesk.services.context import ServiceContext


def _damage(path, offset_pages=(1, 2, 3)):
    data = bytearray(path.read_bytes())
    page = 4096
    for p in offset_pages:
        data[p * page: p * page + 200] = b"\xde\xad\xbe\xef" * 50
    path.write_bytes(bytes(data))


def test_healthy_database_passes(sqlite_db):
    result = integrity.check(sqlite_db, full=True)
    assert result.ok and result.message == "数据库完整性检查通过" and not result.can_restore


def test_missing_file_is_fine_new_database(tmp_path):
    assert integrity.check(tmp_path / "new.sqlite3").ok


def test_overwritten_file_gets_a_message_and_the_last_good_backup(tmp_path):
    path = tmp_path / "talentdesk.sqlite3"
    db = open_database(path)
    ctx = ServiceContext(db)
    for i in range(30):
        talents.add(ctx, talent_row(姓名=f"人{i}"))
    good = backup.auto_daily(ctx).backup
    talents.add(ctx, talent_row(姓名="备份之后"))
    older_bad = tmp_path / "backups" / "talentdesk-daily-20991231-000000.sqlite3"
    older_bad.write_bytes(b"garbage")  # the newest-named backup is broken: skipped
    db.dispose()
    import sqlite3

    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    _damage(path)
    result = integrity.check(path)
    assert not result.ok and result.problems
    assert "已损坏" in result.message and "恢复到最近一次完好的备份" in result.message
    assert result.last_good.path == good.path and result.can_restore
    kept = integrity.restore_last_good(path, result.last_good.path)
    assert kept.exists() and "damaged" in kept.name
    assert integrity.check(path, full=True).ok
    db = open_database(path)
    try:
        rctx = ServiceContext(db)
        assert talents.list_talents(rctx)[0] == 30
        assert audit.verify(rctx).ok
        assert audit.list_events(rctx, limit=1)[0].action == "restore"
    finally:
        db.dispose()


def test_not_a_database_at_all(tmp_path):
    path = tmp_path / "talentdesk.sqlite3"
    path.write_bytes(b"PK\x03\x04" + b"\0" * 5000)
    result = integrity.check(path)
    assert not result.ok and "不是 SQLite" in result.problems[0]
    assert result.last_good is None and "没有找到可用的备份" in result.message


def test_server_database_is_not_checked_here(db):
    if db.is_sqlite:
        pytest.skip("PostgreSQL only")
    assert integrity.check(db).ok


# -- audit export -----------------------------------------------------------------------

HOSTILE = ["=HYPERLINK(\"http://evil\",\"点我\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "=cmd|' /C calc'!A0"]


def test_audit_export_never_writes_formulas_and_is_audited(ctx, tmp_path):
    from openpyxl import load_workbook

    for i, bad in enumerate(HOSTILE):
        talents.add(ctx, talent_row(姓名=f"人{i}", 备注=bad))
    with ctx.write() as s:
        audit.record(s, "=1+1", "update", "=evil", "+cmd", after={"x": "=2+2"})
    out = tmp_path / "audit.xlsx"
    expected = len(audit.list_events(ctx))
    result = audit_export.export_xlsx(ctx, out)
    assert result.rows == expected >= len(HOSTILE) + 1
    ws = load_workbook(out).active
    cells = [c for row in ws.iter_rows(min_row=2) for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    values = {c.value for c in cells}
    assert "=1+1" in values and "=evil" in values and "+cmd" in values
    # The raw sheet XML has no formula element at all.
    import zipfile

    with zipfile.ZipFile(out) as z:
        assert b"<f>" not in z.read("xl/worksheets/sheet1.xml")
    last = audit.list_events(ctx, limit=1)[0]
    assert last.action == "export" and last.after["rows"] == result.rows


def test_audit_export_masks_and_filters(ctx, tmp_path):
    from openpyxl import load_workbook

    row = talent_row(姓名="张三", 手机号码="13812345678")
    t = talents.add(ctx, row)
    talents.add(ctx, talent_row(姓名="李四"))
    out = tmp_path / "masked.xlsx"
    audit_export.export_xlsx(ctx, out, talent_id=t.id, mask=True, since=dt.date.today())
    ws = load_workbook(out).active
    text = " ".join(str(c.value) for r in ws.iter_rows() for c in r)
    assert row["身份证号"] not in text and row["身份证号"][:6] + "********" in text
    assert "13812345678" not in text and "138****5678" in text
    assert "李四" not in text


def test_gui_core_hooks_last_good_backup_and_restore_file(tmp_path):
    """``talentdesk.ui.app`` calls these when the database cannot even be opened."""
    path = tmp_path / "talentdesk.sqlite3"
    db = open_database(path)
    ctx = ServiceContext(db)
    talents.add(ctx, talent_row(姓名="留存"))
    made = backup.backup_now(ctx).path
    db.dispose()
    path.write_bytes(b"\0" * 10000)
    found = integrity.last_good_backup_path(path)
    assert found == made
    kept = integrity.restore_file(path, found)
    assert kept.exists()
    db = open_database(path)
    try:
        assert talents.list_talents(ServiceContext(db))[0] == 1
    finally:
        db.dispose()
