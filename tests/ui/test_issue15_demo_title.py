"""Issue 15: the window of a demo database says 演示数据 in its title and status bar."""

from __future__ import annotations

from talentdesk.services.exchange import demo


def test_demo_database_window_title_and_status_bar(qtbot, ui_env, ctx):
    from talentdesk.ui.main_window import MainWindow

    demo.generate(ctx, size=3, seed=5, workflow=False)
    win = MainWindow(ui_env)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: "演示数据" in win.windowTitle())
    assert "演示数据" in win.lbl_db.text()
    win.show_page("talents")  # the page title keeps the mark
    assert "演示数据" in win.windowTitle()
    ui_env.runner.wait()


def test_real_database_window_has_no_demo_mark(qtbot, main_window, ui_env):
    qtbot.waitUntil(lambda: main_window.lbl_policy.text() != "政策：…")
    assert "演示数据" not in main_window.windowTitle() and "演示数据" not in main_window.lbl_db.text()
