"""The security dialogs driven through their widgets and slots (services underneath)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog, QMessageBox

from factories import talent_row
from talentdesk.services.office import backup, users
from talentdesk.services.office.audit import log as audit
from talentdesk.services.register import talents
from talentdesk.services.context import ServiceContext

pytestmark = pytest.mark.gui


@pytest.fixture
def office(sqlite_db):
    users.create_first_admin(sqlite_db, "admin", "Admin-pass-1", "管理员甲")
    admin = users.authenticate(sqlite_db, "admin", "Admin-pass-1")
    users.add_user(admin, "wang", "Clerk-pass-1", "clerk", "王芳")
    clerk = users.authenticate(sqlite_db, "wang", "Clerk-pass-1")
    return {"db": sqlite_db, "admin": admin, "clerk": clerk}


def test_first_admin_dialog(qtbot, sqlite_db):
    from talentdesk.ui.security.dialogs import FirstAdminDialog

    dlg = FirstAdminDialog(sqlite_db)
    qtbot.addWidget(dlg)
    dlg.username.setText("admin")
    dlg.password.setText("Admin-pass-1")
    dlg.password2.setText("Admin-pass-2")
    assert not dlg.create() and "不一致" in dlg.error.text()
    dlg.password2.setText("Admin-pass-1")
    dlg.password.setText("short")
    dlg.password2.setText("short")
    assert not dlg.create() and "8" in dlg.error.text()
    dlg.password.setText("Admin-pass-1")
    dlg.password2.setText("Admin-pass-1")
    assert dlg.create() and dlg.result() == QDialog.DialogCode.Accepted
    assert dlg.ctx.role == "admin" and users.has_accounts(sqlite_db)
    assert dlg.password.text() == ""  # the password does not linger in the widget


def test_login_dialog(qtbot, office):
    from talentdesk.ui.security.dialogs import LoginDialog

    dlg = LoginDialog(office["db"])
    qtbot.addWidget(dlg)
    dlg.username.setText("wang")
    dlg.password.setText("wrong-pass")
    assert not dlg.try_login()
    assert "用户名或密码错误" in dlg.error.text() and dlg.password.text() == ""
    dlg.password.setText("Clerk-pass-1")
    assert dlg.try_login() and dlg.ctx.user == "wang" and dlg.ctx.role == "clerk"


def test_login_flow_offers_first_admin_then_asks_for_login(qtbot, sqlite_db, monkeypatch):
    from talentdesk.ui.security import dialogs, login

    def create(self):
        self.username.setText("boss")
        self.password.setText("Boss-pass-1")
        self.password2.setText("Boss-pass-1")
        self.create()
        return self.result()

    monkeypatch.setattr(dialogs.FirstAdminDialog, "exec", create)
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: shown.append(a[2]))
    ctx = login.login(sqlite_db)
    assert ctx.user == "boss" and ctx.role == "admin"
    assert "恢复码" in shown[0]  # the recovery code, shown once
    assert ctx.extra["auto_backup"].kind == "made"  # first start of the day

    def log_in(self):
        self.username.setText("boss")
        self.password.setText("Boss-pass-1")
        self.try_login()
        return self.result()

    monkeypatch.setattr(dialogs.LoginDialog, "exec", log_in)
    ctx = login.login(sqlite_db)
    assert ctx.user == "boss" and ctx.extra["auto_backup"].kind == "exists"
    monkeypatch.setattr(dialogs.LoginDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    assert login.login(sqlite_db) is None  # cancel = quit


def test_first_start_needs_an_explicit_single_user_choice_which_is_recorded(qtbot, sqlite_db, monkeypatch):
    from talentdesk.ui.security import dialogs, login

    # Closing the first-administrator dialog decides nothing: the program quits.
    monkeypatch.setattr(dialogs.FirstAdminDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    assert login.login(sqlite_db) is None
    assert not users.single_user_chosen(sqlite_db)

    # The explicit button, confirmed: single-user mode, recorded.
    dlg = dialogs.FirstAdminDialog(sqlite_db)
    qtbot.addWidget(dlg)
    assert dlg.skip_button.text() == "单机单人使用，不设账户"
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    dlg.skip_button.click()
    assert not dlg.single_user and not users.single_user_chosen(sqlite_db)  # "no" keeps asking
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    dlg.skip_button.click()
    assert dlg.single_user and dlg.result() == QDialog.DialogCode.Accepted and dlg.ctx.role is None
    assert users.single_user_chosen(sqlite_db) and not users.has_accounts(sqlite_db)
    events = [e for e in audit.list_events(ServiceContext(sqlite_db)) if e.action == "single_user"]
    assert len(events) == 1 and "单机单人使用" in audit.dumps(events[0].after)

    # Later starts do not ask again.
    def must_not_ask(self):
        raise AssertionError("asked again")

    monkeypatch.setattr(dialogs.FirstAdminDialog, "exec", must_not_ask)
    ctx = login.login(sqlite_db)
    assert ctx.role is None


def test_user_admin_in_single_user_mode_creates_the_first_admin(qtbot, sqlite_db, monkeypatch):
    from talentdesk.ui import security
    from talentdesk.ui.security import dialogs

    def create(self):
        assert not self.skip_button.isVisibleTo(self)  # no single-user choice here
        self.username.setText("boss")
        self.password.setText("Boss-pass-1")
        self.password2.setText("Boss-pass-1")
        self.create()
        return self.result()

    monkeypatch.setattr(dialogs.FirstAdminDialog, "exec", create)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)

    class Env:
        ctx = ServiceContext(sqlite_db)
        said = []

        def dialog_parent(self):
            return None

        def info(self, text):
            self.said.append(text)

    env = Env()
    security.open_user_admin(env)
    assert users.has_accounts(sqlite_db) and "重新启动" in env.said[0]


def test_login_dialog_takes_the_recovery_code_when_the_account_is_locked(qtbot, sqlite_db):
    from talentdesk.ui.security.dialogs import LoginDialog

    code = users.create_first_admin(sqlite_db, "admin", "Admin-pass-1").recovery_code
    dlg = LoginDialog(sqlite_db)
    qtbot.addWidget(dlg)
    dlg.show()
    assert not dlg.recovery_code.isVisible()
    dlg.username.setText("admin")
    for n in range(users.MAX_FAILED):
        dlg.password.setText("stranger-guess")
        assert not dlg.try_login()
        if n < users.MAX_FAILED - 1:
            assert f"还可再试 {users.MAX_FAILED - 1 - n} 次" in dlg.error.text()
    assert "已锁定" in dlg.error.text() and "系统 → 用户管理" in dlg.error.text()
    assert dlg.recovery_code.isVisible()
    dlg.password.setText("Admin-pass-1")
    assert not dlg.try_login()  # the right password alone: still locked
    dlg.password.setText("Admin-pass-1")
    dlg.recovery_code.setText(code)
    assert dlg.try_login() and dlg.ctx.role == "admin"


def test_damaged_database_offers_the_last_good_backup(qtbot, tmp_path, monkeypatch):
    import sqlite3

    from talentdesk.models.db import open_database
    from talentdesk.ui.security import dialogs, login

    path = tmp_path / "talentdesk.sqlite3"
    db = open_database(path)
    ctx = ServiceContext(db)
    for i in range(20):
        talents.add(ctx, talent_row(姓名=f"人{i}"))
    backup.auto_daily(ctx)
    db.dispose()
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    data = bytearray(path.read_bytes())
    data[4096:8192] = b"\xff" * 4096
    path.write_bytes(bytes(data))
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    monkeypatch.setattr(dialogs.FirstAdminDialog, "exec",
                        lambda self: self.choose_single_user() and self.result())
    ctx = login.login(db)
    assert "已损坏" in asked[0] and "恢复到最近一次完好的备份" in asked[0]
    assert talents.list_talents(ctx)[0] == 20
    assert list(tmp_path.glob("talentdesk.sqlite3.damaged-*"))
    db.dispose()


def test_user_admin_dialog(qtbot, office):
    from talentdesk.ui.security.dialogs import UserAdminDialog

    dlg = UserAdminDialog(office["admin"])
    qtbot.addWidget(dlg)
    assert dlg.table.rowCount() == 2
    assert dlg.add_user(username="li", password="Review-pass-1", role="reviewer", display_name="李娜")
    assert dlg.table.rowCount() == 3
    assert not dlg.add_user(username="li", password="Review-pass-1", role="reviewer")
    assert "已存在" in dlg.error.text()
    dlg.select("li")
    assert dlg.disable() and dlg.table.item(2, 3).text() == "已停用"
    assert dlg.enable() and dlg.change_role(role="clerk") and dlg.table.item(2, 2).text() == "经办人"
    assert dlg.reset_password(password="Reset-pass-9")
    assert users.authenticate(office["db"], "li", "Reset-pass-9")
    dlg.select("admin")
    assert not dlg.disable() and "管理员" in dlg.error.text()
    # A clerk who somehow opens it sees nothing and a refusal.
    denied = UserAdminDialog(office["clerk"])
    qtbot.addWidget(denied)
    assert denied.table.rowCount() == 0 and "无权管理用户" in denied.error.text()


def test_audit_viewer_filters_masks_and_exports(qtbot, office, tmp_path):
    from openpyxl import load_workbook

    from talentdesk.ui.security.audit_viewer import AuditViewer

    row = talent_row(姓名="张三", 手机号码="13812345678")
    talents.add(office["clerk"], row)
    viewer = AuditViewer(office["admin"])
    qtbot.addWidget(viewer)
    texts = [viewer.table.item(r, 6).text() for r in range(viewer.table.rowCount())]
    assert any("张三" in t for t in texts)
    assert not any(row["身份证号"] in t or "13812345678" in t for t in texts)  # masked in the list
    viewer.user.setText("wang")
    viewer.refresh()
    assert {viewer.table.item(r, 2).text() for r in range(viewer.table.rowCount())} == {"wang"}
    viewer.talent.setText(row["身份证号"])
    viewer.refresh()
    assert viewer.table.rowCount() == 2  # the talent, and the 服务协议 its 合同 fields made
    shown = []
    for r in range(2):
        viewer.table.setCurrentCell(r, 0)
        shown.append(viewer.detail.toPlainText())
    assert any(row["身份证号"] in t for t in shown)  # opening the record shows it in full
    assert viewer.verify() and "审计链完整" in viewer.status.text()
    out = tmp_path / "audit.xlsx"
    assert viewer.export(path=str(out))
    cells = " ".join(str(c.value) for r in load_workbook(out).active.iter_rows() for c in r)
    assert "张三" in cells and row["身份证号"] not in cells
    assert audit.list_events(office["admin"], limit=1)[0].action == "export"
    clerk_view = AuditViewer(office["clerk"])
    qtbot.addWidget(clerk_view)
    assert clerk_view.table.rowCount() == 0 and "无权查看审计记录" in clerk_view.status.text()


def test_backup_dialog(qtbot, office):
    from talentdesk.ui.security.dialogs import BackupDialog

    clerk_dlg = BackupDialog(office["clerk"])
    qtbot.addWidget(clerk_dlg)
    assert not clerk_dlg.restore_button.isEnabled()
    assert clerk_dlg.backup_now() and clerk_dlg.table.rowCount() == 1
    talents.add(office["clerk"], talent_row(姓名="之后"))
    dlg = BackupDialog(office["admin"])
    qtbot.addWidget(dlg)
    dlg.table.setCurrentCell(0, 0)
    assert dlg.verify_selected() and "校验通过" in dlg.status.text()
    assert dlg.restore_selected(confirmed=True)
    assert talents.list_talents(office["admin"])[0] == 0
    assert dlg.table.rowCount() == 2  # the safety backup made before restoring
    assert not clerk_dlg.restore_selected(path=dlg.entries[0].path, confirmed=True)
    assert "管理员" in clerk_dlg.status.text()


def test_change_password_dialog(qtbot, office):
    from talentdesk.ui.security.dialogs import ChangePasswordDialog

    dlg = ChangePasswordDialog(office["clerk"])
    qtbot.addWidget(dlg)
    dlg.old.setText("nope-nope-1")
    dlg.new.setText("Clerk-pass-2")
    dlg.new2.setText("Clerk-pass-2")
    assert not dlg.change() and "原密码不正确" in dlg.error.text()
    dlg.old.setText("Clerk-pass-1")
    assert dlg.change()
    assert users.authenticate(office["db"], "wang", "Clerk-pass-2")


def test_menu_entries_follow_the_role(qtbot, office, monkeypatch):
    from PySide6.QtWidgets import QMenu

    from talentdesk.ui import security

    class Window:
        def __init__(self):
            self.m_system = QMenu()

    class Env:
        def __init__(self, ctx):
            self.ctx = ctx

    names = {}
    for who in ("admin", "clerk"):
        w = Window()
        security.install_menu(w, Env(office[who]))
        names[who] = {a.objectName() for a in w.m_system.actions() if a.objectName()}
    assert {"act_user_admin", "act_audit_viewer", "act_backups", "act_change_password"} <= names["admin"]
    assert "act_user_admin" not in names["clerk"] and "act_audit_viewer" not in names["clerk"]
    assert "act_backups" in names["clerk"]


def test_settings_page_finds_and_opens_the_dialogs(qtbot, ui_env, monkeypatch):
    from talentdesk.ui.office.settings import _security_entry
    from talentdesk.ui.security.audit_viewer import AuditViewer
    from talentdesk.ui.security.dialogs import BackupDialog, FirstAdminDialog

    opened = []
    monkeypatch.setattr(QDialog, "exec", lambda self: opened.append(type(self)) or 0)
    for names in (("open_users", "open_user_admin", "UsersDialog", "UserAdminDialog"),
                  ("open_backups", "open_backup", "BackupDialog", "BackupsDialog"),
                  ("open_audit", "AuditDialog", "AuditViewer")):
        entry = _security_entry(*names)
        assert entry is not None
        entry(ui_env, None)
    # ui_env is single-user: 用户管理 offers the first administrator.
    assert opened == [FirstAdminDialog, BackupDialog, AuditViewer]


def test_server_database_notice_is_shown_once(qtbot, db, monkeypatch):
    from talentdesk.ui.security import login

    if db.is_sqlite:
        pytest.skip("PostgreSQL only")
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: shown.append(a[2]))
    ctx = ServiceContext(db)
    assert login.daily_backup(ctx).kind == "server"
    login.daily_backup(ctx)
    assert len(shown) == 1 and "pg_dump" in shown[0]


def test_audit_viewer_speaks_chinese(qtbot, office):
    from talentdesk.services.office.audit import text as audit_text
    from talentdesk.ui.security.audit_viewer import AuditViewer

    t = talents.add(office["clerk"], talent_row(姓名="张三"))
    talents.update(office["clerk"], t.id_number, {"专业": "草原学"})
    viewer = AuditViewer(office["admin"])
    qtbot.addWidget(viewer)
    rows = [[viewer.table.item(r, c).text() for c in range(viewer.table.columnCount())]
            for r in range(viewer.table.rowCount())]
    update = next(r for r in rows if r[3] == "修改")
    assert update[4] == "人才"  # the record kind in Chinese, not "talent"
    assert "专业：" in update[6] and "→ 草原学" in update[6]  # field names and values, before → after
    [event] = [e for e in audit.list_events(office["admin"]) if e.action == "update" and e.entity == "talent"]
    assert update[1] == audit_text.local_time(event.at) and len(update[1]) == 19  # full local time
    viewer.table.setCurrentCell(rows.index(update), 0)
    assert "修改后：专业：草原学" in viewer.detail.toPlainText()
    assert audit_text.value_text("amount_fen", 8_000_000) == "80,000.00元"
    assert audit_text.fields_text({"status": "paid", "returned_to_post": True}) == "状态：已发放；是否返岗：是"
