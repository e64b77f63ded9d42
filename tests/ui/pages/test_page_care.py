"""人才服务 page: the 服务事项 tab (new case and close through the dialogs, overdue filter,
the year's statistics) and the 走访记录 tab (a visit with 由此新建服务事项, the list of
high-level talents not yet visited), driven through the real widgets."""

from __future__ import annotations

import datetime as dt

import pytest

from talentdesk.services.care import cases, visits
from talentdesk.ui.care import page as page_mod
from talentdesk.ui.common import widgets
from tests.ui.pages.seeding import talent

pytestmark = pytest.mark.gui
TODAY = dt.date.today()


def test_cases_tab_new_close_overdue_and_stats(qtbot, env, monkeypatch):
    t = talent(env.ctx)
    old = cases.open_case(env.ctx, t.id_number, "子女入学", TODAY - dt.timedelta(days=60), "子女入学（早先申请）")
    page = page_mod.Page(env)
    qtbot.addWidget(page)
    page.refresh()
    tab = page.cases
    assert [v.id for v in tab.model.rows] == [old.id] and tab.model.rows[0].status == "overdue"

    def new_case(dlg):
        dlg.talent.search.setText("张伟")
        assert dlg.talent.box.count() == 1
        dlg.kind.setCurrentIndex(dlg.kind.findData("落户"))
        assert dlg.department.text() == "公安户政部门" and dlg.limit.value() == 10
        dlg.summary.setPlainText("本人及配偶落户")
        dlg._ok()
        return bool(dlg.result())

    monkeypatch.setattr(widgets, "exec_dialog", new_case)
    tab.new_btn.click()
    assert not env.errors, env.errors
    assert {v.kind for v in tab.model.rows} == {"子女入学", "落户"}
    made = next(v for v in tab.model.rows if v.kind == "落户")
    assert made.due_date is not None and made.article == "阿拉善盟办法第四十二条"

    def close(dlg):
        dlg.result_box.setPlainText("已办理落户")
        dlg._ok()
        return bool(dlg.result())

    monkeypatch.setattr(widgets, "exec_dialog", close)
    tab.table.selectRow(next(i for i, v in enumerate(tab.model.rows) if v.kind == "落户"))
    assert tab.close_btn.isEnabled()
    tab.close_btn.click()
    assert not env.errors, env.errors
    assert next(v for v in tab.model.rows if v.kind == "落户").status == "closed"
    assert "受理 2 件，已办结 1 件" in tab.stats.text() and "落户 1件（办结1，平均0.0日，超期0）" in tab.stats.text()
    # the dashboard's attention item lands here: only the overdue case
    page.apply_filters(tab="cases", status="overdue")
    assert [v.id for v in tab.model.rows] == [old.id]
    # a closed case cannot be closed again
    tab.table.selectRow(0)
    page.apply_filters(tab="cases", status="closed")
    tab.table.selectRow(0)
    assert not tab.close_btn.isEnabled()


def test_visits_tab_visit_with_case_and_not_visited(qtbot, env, monkeypatch):
    t = talent(env.ctx)  # 博士研究生: must be visited every year
    page = page_mod.Page(env)
    qtbot.addWidget(page)
    page.apply_filters(tab="visits")
    tab = page.visits
    assert page.tabs.currentWidget() is tab
    assert tab.due_model.rows and tab.due_model.rows[0].id_number == t.id_number
    assert "未走访的高层次人才：1 名" in tab.due_label.text()

    def visit(dlg):
        dlg.talent.search.setText(t.id_number)
        dlg.visitors.setText("人才办 刘科长")
        dlg.issues.setPlainText("孩子明年上小学")
        dlg.make_case.setChecked(True)
        dlg.case_kind.setCurrentIndex(dlg.case_kind.findData("子女入学"))
        dlg._ok()
        return bool(dlg.result())

    monkeypatch.setattr(widgets, "exec_dialog", visit)
    tab.add_btn.click()
    assert not env.errors, env.errors
    [v] = tab.model.rows
    assert v.case_kind == "子女入学" and v.case_id is not None
    assert tab.due_model.rows == [] and "：0 名" in tab.due_label.text()
    assert cases.get(env.ctx, v.case_id).summary == "孩子明年上小学"
    # a visit without a case: 由此新建服务事项…
    plain = visits.record(env.ctx, t.id_number, TODAY, "组织部", "电话", issues="需要体检")
    page.refresh()
    tab.table.selectRow(next(i for i, r in enumerate(tab.model.rows) if r.id == plain.id))
    assert tab.case_btn.isEnabled()
    monkeypatch.setattr(page_mod, "ask_kind", lambda parent: "体检")
    tab.case_btn.click()
    assert not env.errors, env.errors
    assert next(r for r in tab.model.rows if r.id == plain.id).case_kind == "体检"
