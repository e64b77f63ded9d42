"""The shell: main window, navigation, placeholders, background operations, --smoke."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from talentdesk.domain.errors import TalentDeskError
from talentdesk.ui.main_window import PAGE_KEYS, MainWindow


def test_every_page_opens(main_window):
    for key in PAGE_KEYS:
        assert main_window.show_page(key)
        assert main_window.current_key() == key
        assert main_window.page(key) is not None
    assert not main_window.failed_pages


def test_navigate_applies_filters(main_window, ui_env, monkeypatch):
    page = main_window.page("talents")
    seen = {}
    monkeypatch.setattr(page, "apply_filters", lambda **f: seen.update(f), raising=False)
    ui_env.navigate("talents", status="active")
    assert main_window.current_key() == "talents"
    assert seen == {"status": "active"}


def test_status_bar_shows_database_user_policy(main_window, ui_env):
    assert "数据库" in main_window.lbl_db.text()
    assert "tester" in main_window.lbl_user.text()
    assert main_window.lbl_policy.text().startswith("政策：")


def test_first_start_opens_on_the_dashboard(main_window):
    assert main_window.current_key() == "dashboard"


def test_status_bar_names_the_person_and_the_policy(qtbot, main_window, ui_env):
    from talentdesk.services.office import settings

    ui_env.ctx.extra["display_name"] = "王芳"
    settings.save_settings(ui_env.ctx, default_policy_id="alxa-2023")
    main_window._update_status()
    assert "王芳" in main_window.lbl_user.text() and "tester" in main_window.lbl_user.toolTip()
    assert "阿拉善盟" in main_window.lbl_policy.text() and "alxa-2023" in main_window.lbl_policy.toolTip()


def test_geometry_remembered(qtbot, ui_env, main_window):
    main_window.show_page("employers")
    main_window.close()
    assert ui_env.qsettings.value("window/geometry") is not None
    win2 = MainWindow(ui_env)
    qtbot.addWidget(win2)
    assert win2.current_key() == "employers"


def test_run_op_delivers_result_on_gui_thread(qtbot, ui_env):
    gui = threading.get_ident()
    seen = {}

    def fn(progress, cancelled):
        progress(1, 2, "半")
        seen["worker"] = threading.get_ident()
        return 42

    def done(result):
        seen["done_thread"] = threading.get_ident()
        seen["result"] = result

    op = None
    with qtbot.waitSignal(ui_env.data_changed, timeout=100, raising=False):
        pass
    op = ui_env.run_op("计算", fn, done, write=True)
    with qtbot.waitSignal(op.finished, timeout=10000):
        pass
    assert seen["result"] == 42 and seen["done_thread"] == gui and seen["worker"] != gui
    assert not ui_env.busy()


def test_run_op_expected_and_unexpected_errors(qtbot, ui_env):
    def expected(progress, cancelled):
        raise TalentDeskError("文件无法读取")

    op = ui_env.run_op("读取", expected, lambda r: None)
    with qtbot.waitSignal(op.failed, timeout=10000):
        pass
    assert isinstance(ui_env.errors[-1], TalentDeskError)

    def bug(progress, cancelled):
        return 1 / 0

    op = ui_env.run_op("计算", bug, lambda r: None)
    with qtbot.waitSignal(op.failed, timeout=10000):
        pass
    assert isinstance(ui_env.errors[-1], ZeroDivisionError)


def test_run_op_cancel(qtbot, ui_env):
    started = threading.Event()

    def slow(progress, cancelled):
        started.set()
        while not cancelled():
            threading.Event().wait(0.01)
        from talentdesk.ui.env import Cancelled

        raise Cancelled()

    op = ui_env.run_op("慢操作", slow, lambda r: None, delay_ms=0)
    qtbot.waitUntil(started.is_set)
    with qtbot.waitSignal(op.cancelled, timeout=10000):
        op.cancel()
    assert not ui_env.errors


def test_progress_dialog_appears_for_slow_work(qtbot, ui_env, main_window):
    release = threading.Event()

    def slow(progress, cancelled):
        progress(3, 10, "第3行")
        release.wait(10)
        return "ok"

    op = ui_env.run_op("导入", slow, lambda r: None, delay_ms=0)
    qtbot.waitUntil(lambda: op._dialog is not None and op._dialog.isVisible())
    qtbot.waitUntil(lambda: op._dialog.value() == 3)
    release.set()
    with qtbot.waitSignal(op.finished, timeout=10000):
        pass
    assert op._dialog is None


def test_error_dialog_copies_details(qtbot):
    from PySide6.QtGui import QGuiApplication

    from talentdesk.ui.errors import ErrorDialog

    dlg = ErrorDialog(ValueError("坏了"), "Traceback: 坏了", None)
    qtbot.addWidget(dlg)
    dlg.copy_button.click()
    assert QGuiApplication.clipboard().text() == "Traceback: 坏了"


@pytest.mark.slow
def test_smoke_start(tmp_path):
    db = tmp_path / "smoke.sqlite3"
    proc = subprocess.run([sys.executable, "-c", "import sys; from talentdesk.ui.app import run; "
                           "sys.exit(run(['talentdesk', '--smoke', '--db', sys.argv[1]]))", str(db)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "smoke ok" in proc.stdout


def test_database_location_from_settings_is_used_without_db_option(tmp_path, monkeypatch):
    """系统设置 stores a per-PC database location; --db and TALENTDESK_DB take precedence."""
    from talentdesk.ui.app import database_target
    from talentdesk.ui.env import open_qsettings

    assert database_target(None) is None  # the embedded default
    chosen = str(tmp_path / "office.sqlite3")
    qs = open_qsettings()
    qs.setValue("database/url", chosen)
    qs.sync()
    assert database_target(None) == chosen
    monkeypatch.setenv("TALENTDESK_DB", str(tmp_path / "env.sqlite3"))
    assert database_target(None) == str(tmp_path / "env.sqlite3")
    assert database_target(str(tmp_path / "cli.sqlite3")) == str(tmp_path / "cli.sqlite3")


def test_qt_standard_buttons_speak_chinese_and_the_window_has_an_icon(qapp):
    from PySide6.QtWidgets import QDialogButtonBox

    from talentdesk.ui.app import install_qt_translations, set_window_icon

    assert install_qt_translations(qapp)
    set_window_icon(qapp)
    assert not qapp.windowIcon().isNull()
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    assert box.button(QDialogButtonBox.StandardButton.Close).text() == "关闭"
