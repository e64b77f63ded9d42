"""系统 → 失信名单…: add an entry through the dialog, see the 待遇审批 dialog show the
benefit as 不符合 naming the entry's 文号, lift it (reason asked, then confirmed) and
see it greyed in the history and the benefit 符合 again."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from talentdesk.services.register import credit
from talentdesk.ui.common import widgets
from talentdesk.ui.register.credit import CreditListDialog
from talentdesk.ui.benefits.grant_dialog import GrantDialog
from tests.ui.pages.seeding import talent

pytestmark = pytest.mark.gui
TODAY = dt.date.today()
DOC = "阿信用字〔2026〕3号"


def test_add_entry_bars_the_grant_dialog_then_lift(qtbot, env, clerk_ctx, reviewer_ctx, monkeypatch):
    env.ctx = clerk_ctx
    t = talent(clerk_ctx, 姓名="张伟")
    grant = GrantDialog(env, t.id_number)
    qtbot.addWidget(grant)
    r = grant.benefit_rows()["settlement_allowance"]
    assert grant.benefits.item(r, 2).text() == "符合"

    # a clerk sees the list but may not add
    dlg = CreditListDialog(env)
    qtbot.addWidget(dlg)
    assert not dlg.add_btn.isEnabled() and not dlg.lift_btn.isEnabled()

    env.ctx = reviewer_ctx
    dlg = CreditListDialog(env)
    qtbot.addWidget(dlg)
    assert dlg.add_btn.isEnabled() and dlg.model.rowCount() == 0

    def fill(d):
        d.kind.setCurrentIndex(d.kind.findData("talent"))
        d.id_number.setText(t.id_number)
        d.start.setDate(widgets.to_qdate(TODAY - dt.timedelta(days=30)))
        d.open_ended.setChecked(True)
        d.basis.setPlainText("提供虚假学历材料骗取补贴")
        d._ok()  # the first try: 文号 missing — refused, the dialog stays open
        assert env.errors and "文号" in env.errors[-1] and not d.result()
        d.doc_no.setText(DOC)
        d._ok()
        return bool(d.result())

    monkeypatch.setattr(widgets, "exec_dialog", fill)
    dlg.add_btn.click()
    assert dlg.model.rowCount() == 1
    row = dlg.model.row(0)
    assert (row.name, row.doc_no, row.end_date, row.recorded_by) == ("张伟", DOC, None, "审核员李")
    assert dlg.model.data(dlg.model.index(0, 5)) == "长期"
    assert dlg.model.data(dlg.model.index(0, 8)).startswith("审核员李 ")

    # the 待遇审批 dialog (opened again, as the clerk): 不符合, the reason names the 文号 and the article
    env.ctx = clerk_ctx
    grant = GrantDialog(env, t.id_number)
    qtbot.addWidget(grant)
    r = grant.benefit_rows()["settlement_allowance"]
    assert grant.benefits.item(r, 2).text() == "不符合"
    assert not grant._check(r).isEnabled()
    grant.benefits.setCurrentCell(r, 1)
    text = grant.explain.toPlainText()
    assert "列入失信名单" in text and DOC in text and "第六十六条" in text and "不得给予新的支持" in text

    # 解除…: the reason is asked, then confirmed; the entry stays in the history, greyed
    env.ctx = reviewer_ctx
    dlg.table.selectRow(0)
    assert dlg.lift_btn.isEnabled()
    monkeypatch.setattr(widgets, "ask_text", lambda *a, **k: "")
    dlg.lift_btn.click()
    assert "解除原因" in env.errors[-1] and not env.confirms
    monkeypatch.setattr(widgets, "ask_text", lambda *a, **k: "认定撤销")
    env.confirm_answer = False
    dlg.lift_btn.click()
    assert DOC in env.confirms[-1] and credit.list_entries(reviewer_ctx)[0].lifted_on is None
    env.confirm_answer = True
    dlg.lift_btn.click()
    assert dlg.model.rowCount() == 0 and credit.list_entries(reviewer_ctx) == []
    dlg.history.setChecked(True)
    assert dlg.model.rowCount() == 1
    assert dlg.model.data(dlg.model.index(0, 1)) == "已解除"
    assert "认定撤销" in dlg.model.data(dlg.model.index(0, 9))
    grey = dlg.model.data(dlg.model.index(0, 3), Qt.ItemDataRole.ForegroundRole)
    assert isinstance(grey, QColor)
    dlg.table.selectRow(0)
    assert not dlg.lift_btn.isEnabled()

    env.ctx = clerk_ctx
    grant = GrantDialog(env, t.id_number)
    qtbot.addWidget(grant)
    assert grant.benefits.item(grant.benefit_rows()["settlement_allowance"], 2).text() == "符合"


def test_system_menu_opens_the_credit_list(qtbot, env, monkeypatch):
    from talentdesk.ui.main_window import MainWindow

    w = MainWindow(env)
    qtbot.addWidget(w)
    shown = []
    monkeypatch.setattr(widgets, "exec_dialog", lambda d: shown.append(d) or False)
    act = next(a for a in w.m_system.actions() if a.objectName() == "act_credit_list")
    assert act.text() == "失信名单…"
    act.trigger()
    assert shown and isinstance(shown[0], CreditListDialog) and shown[0].windowTitle() == "失信名单"


@pytest.mark.parametrize("width,height", [(1366, 768), (1024, 768)])
def test_dialogs_fit_an_office_screen(qtbot, env, reviewer_ctx, width, height):
    from talentdesk.ui.register.credit import CreditEntryDialog
    from tests.ui.layout_check import assert_fits

    env.ctx = reviewer_ctx
    t = talent(reviewer_ctx, 姓名="张伟")
    credit.add(reviewer_ctx, talent=t.id_number, start=TODAY, basis="提供虚假学历材料骗取人才补贴，经调查核实", doc_no=DOC)
    for dlg in (CreditListDialog(env), CreditEntryDialog(env)):
        qtbot.addWidget(dlg)
        dlg.resize(min(dlg.width(), width - 48), min(dlg.height(), height - 48))
        dlg.show()
        qtbot.waitExposed(dlg)
        assert_fits(qtbot, dlg)
