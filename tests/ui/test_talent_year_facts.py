"""Recording a service year's facts for a grant on the talent's page (qtbot, real widgets):
the “待补充：…” line names the article; recording 4 months cancels that year's installment."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from talentdesk.services.benefits import grant_facts, grants
from talentdesk.services.register import talents
from talentdesk.services.context import ServiceContext
from tests.factories import talent_row

pytestmark = pytest.mark.gui
D = dt.date


@pytest.fixture
def expert(ctx):
    row = talent_row(**{"姓名": "孙专家", "引进方式": "特聘", "用人单位": "阿拉山口市某局", "引进日期": "2020-01-10",
                        "合同起始日期": "2020-01-10", "协议签订日期": "2020-01-10"})
    t = talents.add(ctx, row)
    talents.update(ctx, row["身份证号"], {}, policy_id="alashankou-2014")
    g = grants.propose(ctx, row["身份证号"], "special_hire_subsidy", approved_on=D(2020, 1, 10),
                       approval_doc_no="阿左人才字〔2023〕11号", facts={"alashankou_expert": True})
    grants.approve(ServiceContext(ctx.db, user="李审核", role="reviewer"), g.id)
    return t, g


def test_record_a_years_facts_on_the_talent_page(qtbot, main_window, ui_env, ctx, expert, monkeypatch):
    t, g = expert
    main_window.show_page("talents")
    page = main_window.pages["talents"]
    assert page.select_id(t.id)
    detail = page.detail
    detail.load(t.id)
    detail.tabs.setCurrentIndex(1)
    assert not detail.pending_label.isHidden()
    assert detail.pending_label.text().startswith("待补充：")
    assert "第1个服务年度" in detail.pending_label.text() and "第十四条" in detail.pending_label.text()
    detail.grants_table.selectRow(0)
    assert detail.btn_facts.isEnabled()

    def fill(dlg):
        assert dlg.year.value() == 1  # the first year still waiting
        dlg.months.setValue(4)
        dlg.returned.setCurrentIndex(dlg.returned.findData(True))
        dlg.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        return dlg.result()

    monkeypatch.setattr("talentdesk.ui.common.widgets.exec_dialog", fill)
    qtbot.mouseClick(detail.btn_facts, __import__("PySide6.QtCore", fromlist=["Qt"]).Qt.MouseButton.LeftButton)
    assert not ui_env.errors
    assert ui_env.infos and "服务月数：4个月" in ui_env.infos[-1] and "取消" in ui_env.infos[-1]
    assert [f.values for f in grant_facts.list_facts(ctx, g.id)] == [{"months_served": 4, "returned_to_post": True}]
    first = detail.schedule_model.rows[0]
    assert first.status == "cancelled" and first.status_reason.startswith("【服务年度】")
    assert "第1个服务年度" not in detail.pending_label.text()
    # the history shows the change
    assert any(e.entity == "grant_year_fact" for e in detail.history_model.rows)


def test_out_of_range_values_cannot_be_typed(qtbot, ui_env, ctx, expert):
    from talentdesk.services.register import talent_query
    from talentdesk.ui.talents.facts import YearFactsDialog

    t, g = expert
    line = talent_query.overview(ctx, t.id).grants[0]
    dlg = YearFactsDialog(ui_env, line, year=2)
    qtbot.addWidget(dlg)
    dlg.months.setValue(40)
    assert dlg.months.value() == 12
    assert dlg.values() == {"months_served": 12}
    dlg.months.setValue(-1)
    assert dlg.values() == {} and dlg.months.text() == "未登记"
