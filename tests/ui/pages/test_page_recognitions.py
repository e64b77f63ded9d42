"""人才认定 page: a clerk records a recognition through the dialog (待确认), cannot confirm
it; a reviewer confirms it (the 待遇审批 dialog then reads C类), then revokes it (reason
asked, confirmed) and the benefit is 待定 again."""

from __future__ import annotations

import datetime as dt

import pytest

from talentdesk.ui.benefits.grant_dialog import GrantDialog
from talentdesk.ui.common import widgets
from talentdesk.ui.register.recognitions import Page
from tests.ui.pages.seeding import talent

pytestmark = pytest.mark.gui
TODAY = dt.date.today()
DOC = "阿人才办字〔2026〕5号"


def _allowance_status(qtbot, env, idn) -> str:
    dlg = GrantDialog(env, idn)
    qtbot.addWidget(dlg)
    return dlg.benefits.item(dlg.benefit_rows()["settlement_allowance"], 2).text()


def test_record_confirm_revoke(qtbot, env, clerk_ctx, reviewer_ctx, monkeypatch):
    env.ctx = clerk_ctx
    t = talent(clerk_ctx, 姓名="刘洋", 人才类别="C")
    assert _allowance_status(qtbot, env, t.id_number).startswith("待定")
    page = Page(env)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    page.refresh()
    assert page.model.rowCount() == 0 and page.add_btn.isEnabled() and not page.confirm_btn.isEnabled()

    def fill(d):
        d.search.setText(t.id_number)
        d.scheme.setCurrentIndex(d.scheme.findData("阿拉善盟人才分类"))
        d.tier.setCurrentIndex(d.tier.findData("C"))
        d.recognised_on.setDate(widgets.to_qdate(TODAY - dt.timedelta(days=5)))
        d._ok()  # 文号 missing: refused, the dialog stays open
        assert env.errors and "认定文号" in env.errors[-1] and not d.result()
        d.doc_no.setText(DOC)
        d._ok()
        return bool(d.result())

    monkeypatch.setattr(widgets, "exec_dialog", fill)
    page.add_btn.click()
    assert page.model.rowCount() == 1
    row = page.model.row(0)
    assert (row.name, row.doc_no, row.status_label, row.proposed_by) == ("刘洋", DOC, "待确认", "经办员王")
    page.table.selectRow(0)
    assert not page.confirm_btn.isEnabled()  # the clerk has no 确认 permission
    assert _allowance_status(qtbot, env, t.id_number).startswith("待定")  # still not confirmed

    env.ctx = reviewer_ctx
    page.refresh()
    page.table.selectRow(0)
    assert page.confirm_btn.isEnabled()
    page.confirm_btn.click()
    assert env.confirms and "确认后即生效" in env.confirms[-1]
    assert page.model.row(0).status_label == "有效" and page.model.row(0).confirmed_by == "审核员李"
    assert _allowance_status(qtbot, env, t.id_number) == "符合"

    page.status.setCurrentIndex(page.status.findData("pending"))
    assert page.model.rowCount() == 0
    page.status.setCurrentIndex(0)
    page.table.selectRow(0)
    monkeypatch.setattr(widgets, "ask_text", lambda *a, **k: "年度考核不合格")
    page.revoke_btn.click()
    assert page.model.row(0).status_label == "已撤销" and page.model.row(0).revoke_reason == "年度考核不合格"
    assert not page.revoke_btn.isEnabled()
    assert _allowance_status(qtbot, env, t.id_number).startswith("待定")
