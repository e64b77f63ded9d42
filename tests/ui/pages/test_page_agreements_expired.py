"""服务协议: agreements past their end date show as 期满待处理 (dashboard card → filtered
list), and 期满考核 / 续签 / 解除 take them out."""

from __future__ import annotations

import datetime as dt

import pytest

from talentdesk.services.benefits import agreements
from talentdesk.ui.benefits import agreements as page_mod
from talentdesk.ui.overview import dashboard as dash_mod
from talentdesk.ui.common import widgets
from tests.ui.pages.conftest import wait_for_ops
from tests.ui.pages.seeding import talent

pytestmark = pytest.mark.gui
TODAY = dt.date.today()


@pytest.fixture
def seeded(env, clerk_ctx):
    env.ctx = clerk_ctx
    out = []
    for name in ("张伟", "李娜", "王芳"):
        t = talent(clerk_ctx, 姓名=name)
        out.append(agreements.add(clerk_ctx, t.id_number, kind="服务期协议",
                                  start_date=TODAY.replace(year=TODAY.year - 4) - dt.timedelta(days=10), term_years=3))
    t = talent(clerk_ctx, 姓名="赵敏")
    agreements.add(clerk_ctx, t.id_number, kind="聘用合同", start_date=TODAY, term_years=3)
    return out


def test_dashboard_card_opens_the_expired_list(qtbot, env, seeded):
    page = dash_mod.Page(env)
    qtbot.addWidget(page)
    page.resize(1200, 900)
    page.refresh()
    wait_for_ops(qtbot, env)  # the dashboard's figures are gathered off the GUI thread
    assert page.cards["expired"].value_label.text() == "3"
    qtbot.mouseClick(page.cards["expired"], dash_mod.Qt.MouseButton.LeftButton)
    assert env.navigations[-1] == ("agreements", {"expired": True})


def test_ways_out_of_expired_pending(qtbot, env, seeded, monkeypatch):
    page = page_mod.Page(env)
    qtbot.addWidget(page)
    page.resize(1300, 700)
    page.apply_filters(expired=True)
    rows = page.model.rows
    assert sorted(r.name for r in rows) == ["张伟", "李娜", "王芳"]
    assert {page.model.data(page.model.index(r, 10)) for r in range(3)} == {"期满待处理"}
    assert "期满待处理 3 份" in page.totals.text()
    by_name = {r.name: i for i, r in enumerate(rows)}

    answers = iter(["期满考核合格", "3", "单位撤销"])
    monkeypatch.setattr(widgets, "ask_text", lambda *a, **k: next(answers))
    page.table.selectRow(by_name["张伟"])
    assert page.conclude_btn.isEnabled() and page.renew_btn.isEnabled() and page.terminate_btn.isEnabled()
    page.conclude_btn.click()
    assert not env.errors
    rows = page.model.rows
    page.table.selectRow(next(i for i, r in enumerate(rows) if r.name == "李娜"))
    page.renew_btn.click()
    assert not env.errors
    rows = page.model.rows
    page.table.selectRow(next(i for i, r in enumerate(rows) if r.name == "王芳"))
    page.terminate_btn.click()
    assert not env.errors
    assert page.model.rows == []  # none left 期满待处理
    states = {(a.name, a.status) for a in agreements.list_agreements(env.ctx)}
    assert {("张伟", "ended"), ("李娜", "ended"), ("李娜", "active"), ("王芳", "terminated")} <= states
    # an agreement still running cannot be concluded
    page.apply_filters()
    page.status.setCurrentIndex(0)
    i = next(i for i, r in enumerate(page.model.rows) if r.name == "赵敏")
    page.table.selectRow(i)
    assert not page.conclude_btn.isEnabled() and page.terminate_btn.isEnabled()
