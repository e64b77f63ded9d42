"""系统 → 用户管理 through its small dialogs, as an administrator clicks them: 修改角色 starts
on the user's current role; a refused password keeps the dialog open with what was typed."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from talentdesk.services.office import users
from talentdesk.ui.security import dialogs

pytestmark = pytest.mark.gui


@pytest.fixture
def office(sqlite_db):
    users.create_first_admin(sqlite_db, "admin", "Admin-pass-1", "管理员甲")
    admin = users.authenticate(sqlite_db, "admin", "Admin-pass-1")
    users.add_user(admin, "wang", "Clerk-pass-1", "clerk", "王芳")
    users.add_user(admin, "li", "Review-pass-1", "reviewer", "李娜")
    return {"db": sqlite_db, "admin": admin}


@pytest.fixture
def admin_dialog(qtbot, office):
    dlg = dialogs.UserAdminDialog(office["admin"])
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


def drive(monkeypatch, cls, script):
    """Replace ``cls.exec`` by: show the real dialog, run ``script(dialog)`` (which types and
    clicks), return the dialog's result. ``seen`` collects each dialog driven."""
    seen = []

    def exec_(self):
        self.show()
        seen.append(self)
        script(self)
        return self.result()

    monkeypatch.setattr(cls, "exec", exec_)
    return seen


def ok(qtbot, dlg) -> None:
    qtbot.mouseClick(dlg.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


def role_of(office, name: str) -> str:
    return next(u.role for u in users.list_users(office["admin"]) if u.username == name)


@pytest.mark.parametrize("name,label", [("li", "审核人"), ("wang", "经办人"), ("admin", "管理员")])
def test_change_role_starts_on_the_current_role(qtbot, monkeypatch, admin_dialog, office, name, label):
    seen = drive(monkeypatch, dialogs.RoleDialog, lambda d: d.reject())
    admin_dialog.select(name)
    admin_dialog.buttons["role"].click()  # looked, then cancelled
    [dlg] = seen
    assert dlg.role.currentText() == label


def test_change_role_saves_the_chosen_role(qtbot, monkeypatch, admin_dialog, office):
    def script(d):
        d.role.setCurrentIndex(d.role.findData("clerk"))
        ok(qtbot, d)

    drive(monkeypatch, dialogs.RoleDialog, script)
    admin_dialog.select("li")
    admin_dialog.buttons["role"].click()
    assert role_of(office, "li") == "clerk"
    assert admin_dialog.table.item(admin_dialog.table.currentRow(), 2).text() == "经办人"


def test_refused_reset_password_keeps_the_dialog_and_the_typing(qtbot, monkeypatch, admin_dialog, office):
    states = []

    def script(d):
        for first, second in (("short", "short"), ("Reset-pass-9", "Reset-pass-8")):
            d.password.setText(first)
            d.password2.setText(second)
            ok(qtbot, d)
            states.append((d.isVisible(), d.result(), d.password.text(), d.password2.text(), d.error.text()))
        d.password2.setText("Reset-pass-9")
        ok(qtbot, d)

    drive(monkeypatch, dialogs.PasswordDialog, script)
    admin_dialog.select("wang")
    admin_dialog.buttons["reset"].click()
    (shown1, result1, p1, q1, error1), (shown2, result2, p2, q2, error2) = states
    assert shown1 and result1 != QDialog.DialogCode.Accepted and (p1, q1) == ("short", "short")
    assert "8" in error1  # the service's reason: at least 8 characters
    assert shown2 and (p2, q2) == ("Reset-pass-9", "Reset-pass-8") and "不一致" in error2
    assert users.authenticate(office["db"], "wang", "Reset-pass-9")  # the third try was taken
    assert admin_dialog.error.text() == ""


def test_refused_new_user_keeps_every_field(qtbot, monkeypatch, admin_dialog, office):
    states = []

    def script(d):
        qtbot.keyClicks(d.username, "zhao")
        d.display_name.setText("赵敏")
        d.role.setCurrentIndex(d.role.findData("reviewer"))
        for first, second in (("abc", "abc"), ("Zhao-pass-12", "Zhao-pass-13")):
            d.password.setText(first)
            d.password2.setText(second)
            ok(qtbot, d)
            states.append((d.isVisible(), d.username.text(), d.display_name.text(), d.role.currentData(),
                           d.password.text(), d.error.text()))
        d.password2.setText("Zhao-pass-12")
        ok(qtbot, d)

    seen = drive(monkeypatch, dialogs.NewUserDialog, script)
    admin_dialog.buttons["add"].click()
    assert len(seen) == 1
    for shown, username, display, role, password, error in states:
        assert shown and (username, display, role) == ("zhao", "赵敏", "reviewer") and error
        assert password in ("abc", "Zhao-pass-12")
    assert "不一致" in states[1][-1]
    assert role_of(office, "zhao") == "reviewer"
    assert users.authenticate(office["db"], "zhao", "Zhao-pass-12")


def test_new_user_refused_by_the_service_stays_open(qtbot, monkeypatch, admin_dialog, office):
    states = []

    def script(d):
        d.username.setText("wang")  # taken
        d.password.setText("Other-pass-12")
        d.password2.setText("Other-pass-12")
        ok(qtbot, d)
        states.append((d.isVisible(), d.username.text(), d.password.text(), d.error.text()))
        d.reject()

    drive(monkeypatch, dialogs.NewUserDialog, script)
    admin_dialog.buttons["add"].click()
    [(shown, username, password, error)] = states
    assert shown and username == "wang" and password == "Other-pass-12" and "已存在" in error
    assert len(users.list_users(office["admin"])) == 3
