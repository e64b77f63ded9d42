"""注销/切换用户: a shared PC hands over to the second approver without restarting."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from talentdesk.services.office import users

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, sqlite_db, tmp_path, monkeypatch):
    from talentdesk.ui.env import UiEnv
    from talentdesk.ui.main_window import MainWindow

    users.create_first_admin(sqlite_db, "admin", "Admin-pass-1", "管理员甲")
    admin = users.authenticate(sqlite_db, "admin", "Admin-pass-1")
    users.add_user(admin, "wang", "Clerk-pass-1", "clerk", "王芳")
    users.add_user(admin, "li", "Review-pass-1", "reviewer", "李审")
    clerk = users.authenticate(sqlite_db, "wang", "Clerk-pass-1")
    env = UiEnv(clerk, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), headless=True)
    w = MainWindow(env)
    qtbot.addWidget(w)
    yield w
    env.runner.wait()


def _actions(menu):
    return {a.objectName(): a for a in menu.actions() if a.objectName()}


def test_switch_user_rebuilds_pages_menus_and_status(qtbot, window, monkeypatch):
    from talentdesk.ui.security import dialogs

    assert "王芳" in window.lbl_user.text() and "wang" in window.lbl_user.toolTip()
    assert "act_audit_viewer" not in _actions(window.m_system)
    old_page = window.page("payments")
    window.show_page("payments")

    def login_as_reviewer(dlg):
        dlg.username.setText("li")
        dlg.password.setText("Review-pass-1")
        assert dlg.try_login()
        return True

    monkeypatch.setattr(dialogs.LoginDialog, "exec", login_as_reviewer)
    _actions(window.m_system)["act_switch_user"].trigger()
    assert window.env.ctx.user == "li" and window.env.ctx.role == "reviewer"
    assert "李审" in window.lbl_user.text() and "审核人" in window.lbl_user.text()
    assert "act_audit_viewer" in _actions(window.m_system)  # the reviewer's menu
    assert window.current_key() == "payments"
    assert window.page("payments") is not old_page  # built again for the new role


def test_closing_the_login_dialog_closes_the_window(qtbot, window, monkeypatch):
    from talentdesk.ui.security import dialogs

    window.show()
    monkeypatch.setattr(dialogs.LoginDialog, "exec", lambda dlg: False)
    assert not window.switch_user()
    assert not window.isVisible()
    assert window.env.ctx.user == "wang"  # nobody else got in
