"""在岗追回 tab of the 离职追回 page: 立案 (clerk) → 核定 (another reviewer) → 登记退回, real
widgets under offscreen; the table shows 待核定 until decided and the level split after."""

from __future__ import annotations

import pytest

from talentdesk.services.benefits import recoveries
from talentdesk.ui.benefits import departures as page_mod
from talentdesk.ui.common import widgets

pytestmark = pytest.mark.gui


def test_open_decide_repay_through_the_tab(qtbot, env, paid_talent, reviewer_ctx, monkeypatch):
    t, g, _ = paid_talent
    page = page_mod.Page(env)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.refresh()
    assert page.tabs.tabText(1) == "在岗追回"
    page.tabs.setCurrentIndex(1)
    panel = page.cases

    def open_case(dlg):
        dlg.search.setText("张伟")
        assert dlg.talent.count() == 1
        dlg.basis.setCurrentIndex(dlg.basis.findData("fraud"))
        dlg.facts.setPlainText("伪造学位证书骗取安家补贴")
        dlg._ok()
        return bool(dlg.result())

    monkeypatch.setattr(widgets, "exec_dialog", open_case)
    panel.open_btn.click()
    assert not env.errors, env.errors
    [v] = panel.model.rows
    assert v.basis == "fraud" and v.suggested_fen == 8_000_000 and v.state == "open"
    assert "第六十五条" in panel.detail.text() and "待审核人" in env.infos[-1]
    col = [panel.model.headerData(c, __import__("PySide6.QtCore").QtCore.Qt.Orientation.Horizontal)
           for c in range(panel.model.columnCount())].index("尚需（元）")
    assert panel.model.data(panel.model.index(0, col)) == "待核定"
    assert not panel.decide_btn.isEnabled()  # the clerk may not decide

    env.ctx = reviewer_ctx

    def decide(dlg):
        assert dlg.amount.text() == "80000.00"
        dlg.amount.setText("50000.01")
        dlg.doc_no.setText("阿左人才字〔2025〕15号")
        dlg._ok()
        return bool(dlg.result())

    panel.reload()
    assert panel.decide_btn.isEnabled()
    monkeypatch.setattr(widgets, "exec_dialog", decide)
    panel.decide_btn.click()
    assert not env.errors, env.errors
    [v] = panel.model.rows
    assert v.decided_fen == 5_000_001 and v.state == "decided"
    assert "盟级" in panel.detail.text() and "核定 50,000.01" in panel.detail.text()

    def repay(dlg):
        dlg.amount.setText("20000")
        dlg.voucher.setText("收-09")
        dlg._ok()
        return bool(dlg.result())

    monkeypatch.setattr(widgets, "exec_dialog", repay)
    panel.repay_btn.click()
    assert not env.errors, env.errors
    full = recoveries.get_case(env.ctx, v.id)
    assert full.repaid_fen == 2_000_000 and full.outstanding_fen == 3_000_001
    assert sum(full.repayments[0].levels.values()) == 2_000_000
