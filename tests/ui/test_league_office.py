"""The GUI on a league's shared server: the window title and status bar name the office the
user acts for; a league user filters the 人才库 by banner, a banner's clerk gets no such
filter and sees only the banner's talents (the scope is the services', not the UI's)."""

from __future__ import annotations

import dataclasses

from factories import credit_code, talent_row
from talentdesk.services.context import ServiceContext
from talentdesk.services.office import offices
from talentdesk.services.register import talents


def _league(ctx) -> tuple[ServiceContext, ServiceContext, dict[str, int]]:
    admin = ServiceContext(ctx.db, user="admin", role="admin")
    offices.add_office(admin, "152900", "阿拉善盟", "league")
    ids = {}
    for n, (code, name) in enumerate((("152921", "阿拉善左旗"), ("152922", "阿拉善右旗")), start=1):
        ids[name] = offices.add_office(admin, code, name, "banner").id
        clerk = offices.context_for(ServiceContext(ctx.db, user=f"clerk{n}", role="clerk"), name)
        for i in range(n + 1):  # 2 talents on the left, 3 on the right
            talents.add(clerk, talent_row(**{"姓名": f"{name[3:]}人才{i}", "用人单位": f"{name}第{i}中学",
                                             "统一社会信用代码": credit_code(10 * n + i)}))
    league = offices.context_for(ServiceContext(ctx.db, user="盟用户", role="clerk"), "阿拉善盟")
    left = offices.context_for(ServiceContext(ctx.db, user="左旗用户", role="clerk"), "阿拉善左旗")
    return league, left, ids


def _window(qtbot, ui_env, ctx):
    from talentdesk.ui.main_window import MainWindow

    ui_env.ctx = ctx
    win = MainWindow(ui_env)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    win.show_page("talents")
    return win, win.page("talents")


def test_league_user_filters_by_banner(qtbot, ui_env, ctx, tmp_path):
    league, _left, ids = _league(ctx)
    win, page = _window(qtbot, ui_env, league)
    assert "阿拉善盟" in win.windowTitle() and "阿拉善盟" in win.lbl_user.text()
    assert page.f_office.isVisible()
    assert [page.f_office.itemText(i) for i in range(page.f_office.count())] == ["全部旗县", "阿拉善左旗", "阿拉善右旗"]
    qtbot.waitUntil(lambda: page.model.rowCount() == 5)
    page.f_office.setCurrentIndex(page.f_office.findData(ids["阿拉善右旗"]))
    page.run_search()
    qtbot.waitUntil(lambda: page.model.rowCount() == 3)
    win.grab().save(str(tmp_path / "league-talents.png"))
    ui_env.runner.wait()


def test_banner_clerk_sees_only_the_banner(qtbot, ui_env, ctx):
    _league_ctx, left, _ids = _league(ctx)
    win, page = _window(qtbot, ui_env, left)
    assert "阿拉善左旗" in win.windowTitle() and "阿拉善左旗" in win.lbl_user.text()
    assert not page.f_office.isVisible()
    qtbot.waitUntil(lambda: page.model.rowCount() == 2)
    page.search.setText("右旗")  # another banner's talents are not found by any search
    page.run_search()
    qtbot.waitUntil(lambda: page.model.rowCount() == 0)
    ui_env.runner.wait()


def test_single_office_window_has_no_office(qtbot, ui_env, ctx):
    win, page = _window(qtbot, ui_env, dataclasses.replace(ctx))
    assert not page.f_office.isVisible() and " - " in win.windowTitle()
    assert "阿拉善" not in win.windowTitle()
    ui_env.runner.wait()
