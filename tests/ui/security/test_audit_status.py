"""The main window verifies the audit trail at start, in the background, and shows the
result in the status bar: "审计链校验通过", or a red warning that opens the details."""

from PySide6.QtCore import Qt
from sqlalchemy import text

from factories import talent_row
from talentdesk.services.register import talents


def _wait_checked(qtbot, win):
    qtbot.waitUntil(lambda: win.audit_result is not None, timeout=20000)


def test_a_sound_audit_trail_shows_passed(qtbot, ctx, main_window):
    win = main_window
    _wait_checked(qtbot, win)
    assert win.btn_audit.text() == "审计链校验通过" and win.btn_audit.isEnabled()
    assert win.btn_audit in win.statusBar().findChildren(type(win.btn_audit))
    qtbot.mouseClick(win.btn_audit, Qt.MouseButton.LeftButton)
    assert win.audit_box is not None and "审计链校验通过" in win.audit_box.text()
    win.audit_box.close()


def test_deleted_events_show_a_red_warning_that_opens_the_details(qtbot, ctx, ui_env):
    for i in range(3):
        talents.add(ctx, talent_row(姓名=f"人{i}"))
    from talentdesk.services.office.audit import log as audit

    assert audit.verify(ctx).ok  # this PC's anchor is taken
    with ctx.db.write_engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE id = (SELECT max(id) FROM audit_event)"))
    from talentdesk.ui.main_window import MainWindow

    win = MainWindow(ui_env)
    qtbot.addWidget(win)
    win.show()
    assert win.btn_audit.text() == "审计链校验中…"
    _wait_checked(qtbot, win)
    assert not win.audit_result.ok
    assert win.btn_audit.text() == "审计校验发现问题（点击查看）" and "c62828" in win.btn_audit.styleSheet()
    assert not ui_env.errors  # a finding, not an error dialog
    qtbot.mouseClick(win.btn_audit, Qt.MouseButton.LeftButton)
    box = win.audit_box
    assert box is not None and box.isVisible()
    assert "审计记录被删除" in box.text() and "审计记录被删除" in box.detailedText()
    box.close()
    ui_env.runner.wait()
