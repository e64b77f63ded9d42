from __future__ import annotations

import datetime as dt

import pytest

from talentdesk.services.benefits import grants, payments
from talentdesk.ui.benefits import payments as page_mod
from talentdesk.ui.common import widgets
from tests.ui.pages.seeding import approved_settlement, talent

pytestmark = pytest.mark.gui
TODAY = dt.date.today()


def _first_due_month():
    return (TODAY - dt.timedelta(days=400)).replace(day=1)


@pytest.fixture
def seeded(env, clerk_ctx, reviewer_ctx):
    env.ctx = clerk_ctx
    approved_on = _first_due_month()
    t, g = approved_settlement(clerk_ctx, reviewer_ctx, approved_on=approved_on, 姓名="张伟")
    return t, g, approved_on


def _page(qtbot, env):
    page = page_mod.Page(env)
    qtbot.addWidget(page)
    page.resize(1300, 700)
    return page


def test_propose_approve_by_other_user_then_paid(qtbot, env, seeded, reviewer_ctx, clerk_ctx, monkeypatch):
    t, g, approved_on = seeded
    page = _page(qtbot, env)
    tab = page.installments
    page.apply_filters(month=approved_on.isoformat()[:7])
    assert [r.talent_name for r in tab.model.rows] == ["张伟"]
    assert tab.model.rows[0].amount_fen == 8_000_000
    # the amount column is right-aligned yuan
    idx = tab.model.index(0, 6)
    assert tab.model.data(idx) == "80,000.00"
    assert tab.model.data(idx, page_mod.Qt.ItemDataRole.TextAlignmentRole) & int(page_mod.Qt.AlignmentFlag.AlignRight)
    tab.table.selectAll()
    assert "80,000.00" in tab.totals.text()
    assert tab.propose_btn.isEnabled()
    tab.propose_btn.click()
    assert env.confirms and "80,000.00" in env.confirms[-1]
    assert tab.model.rows[0].status == "proposed"
    # the proposer cannot approve (four-eyes): the button is greyed
    tab.table.selectAll()
    assert not tab.approve_btn.isEnabled()
    # the reviewer logs in
    env.ctx = reviewer_ctx
    page.refresh()
    tab.table.selectAll()
    assert tab.approve_btn.isEnabled()
    tab.approve_btn.click()
    assert tab.model.rows[0].status == "approved"
    # record paid with a voucher
    env.ctx = clerk_ctx
    page.refresh()
    tab.table.selectAll()

    def fill(dlg):
        dlg.same.setText("记-2025-031")
        dlg._fill_all()
        return True

    monkeypatch.setattr(widgets, "exec_dialog", fill)
    tab.paid_btn.click()
    assert not env.errors, env.errors
    assert tab.model.rows == []  # 未发放 is the default filter
    tab.status.setCurrentIndex(tab.status.findText("已发放"))
    row = tab.model.rows[0]
    assert row.status == "paid" and row.voucher_no == "记-2025-031" and row.paid_date == TODAY


def test_overdue_and_status_filters_show_reasons(qtbot, env, seeded, reviewer_ctx):
    t, g, approved_on = seeded
    page = _page(qtbot, env)
    tab = page.installments
    page.apply_filters(overdue=True)
    assert {r.seq for r in tab.model.rows} >= {1}
    assert all(r.due_date < TODAY for r in tab.model.rows)
    # suspend with a reason: still visible with it
    first = [r for r in tab.model.rows if r.seq == 1][0]
    env.ctx = reviewer_ctx
    payments.suspend(reviewer_ctx, [first.id], "材料核查中")
    page.apply_filters(status="suspended", date_from=approved_on, date_to=TODAY)
    assert len(tab.model.rows) == 1 and "材料核查中" in tab.model.rows[0].status_reason
    col = [c.title for c in tab.model.columns].index("说明 / 原因")
    assert "材料核查中" in tab.model.data(tab.model.index(0, col))


def test_grant_approval_tab(qtbot, env, clerk_ctx, reviewer_ctx):
    env.ctx = clerk_ctx
    t = talent(clerk_ctx, 姓名="王芳")
    grants.propose(clerk_ctx, t.id_number, "settlement_allowance", approved_on=TODAY, approval_doc_no="阿左人才字〔2023〕11号")
    page = _page(qtbot, env)
    page.apply_filters(tab="grants")
    assert page.tabs.currentWidget() is page.grants
    assert "（1）" in page.tabs.tabText(1)
    page.grants.table.selectRow(0)
    assert not page.grants.approve_btn.isEnabled()  # own proposal
    assert "安家补贴" in page.grants.detail.toPlainText()
    env.ctx = reviewer_ctx
    page.refresh()
    page.grants.table.selectRow(0)
    page.grants.approve_btn.click()
    assert grants.list_grants(reviewer_ctx, status="approved")
    assert page.tabs.tabText(1) == "待遇审批"


def test_new_grant_from_search_opens_the_dialog(qtbot, env, clerk_ctx, monkeypatch):
    env.ctx = clerk_ctx
    talent(clerk_ctx, 姓名="王芳")
    talent(clerk_ctx, 姓名="王磊")
    page = _page(qtbot, env)
    page.apply_filters(tab="grants")
    seen = {}

    def run(dlg):
        seen["count"] = dlg.talent.count()
        dlg.set_checked("settlement_allowance")
        dlg.propose_btn.click()
        return True

    monkeypatch.setattr(widgets, "exec_dialog", run)
    page.grants.find.setText("王")
    page.grants.new_btn.click()
    assert seen["count"] == 2
    assert not env.errors, env.errors
    assert len(page.grants.model.rows) == 1 and page.grants.model.rows[0].status == "proposed"


def test_reasons_are_asked_for_reject_and_suspend(qtbot, env, clerk_ctx, reviewer_ctx, monkeypatch):
    env.ctx = clerk_ctx
    t = talent(clerk_ctx, 姓名="王芳")
    grants.propose(clerk_ctx, t.id_number, "settlement_allowance", approved_on=TODAY, approval_doc_no="阿左人才字〔2023〕12号")
    env.ctx = reviewer_ctx
    page = _page(qtbot, env)
    page.apply_filters(tab="grants")
    page.grants.table.selectRow(0)
    monkeypatch.setattr(widgets, "ask_text", lambda *a, **k: None)  # cancelled: nothing happens
    page.grants.reject_btn.click()
    assert grants.list_grants(reviewer_ctx)[0].status == "proposed"
    monkeypatch.setattr(widgets, "ask_text", lambda *a, **k: "材料不全")
    page.grants.reject_btn.click()
    g = grants.list_grants(reviewer_ctx)[0]
    assert g.status == "rejected" and g.reason == "材料不全"
    # its installments are now cancelled, shown with the reason
    page.apply_filters(status="cancelled", date_from=TODAY.replace(day=1), date_to=TODAY.replace(year=TODAY.year + 3))
    assert page.installments.model.rows and all("材料不全" in (r.status_reason or "")
                                                for r in page.installments.model.rows)


def test_installments_of_unapproved_grants_say_so(qtbot, env, clerk_ctx):
    env.ctx = clerk_ctx
    t = talent(clerk_ctx, 姓名="王芳")
    grants.propose(clerk_ctx, t.id_number, "settlement_allowance", approved_on=TODAY, approval_doc_no="阿左人才字〔2023〕13号")
    page = _page(qtbot, env)
    page.apply_filters(month=TODAY.isoformat()[:7])
    [row] = page.installments.model.rows
    assert page_mod.reason_text(row).startswith("待遇申请待审核")


def test_print_batch_form_goes_to_reports(qtbot, env, clerk_ctx):
    env.ctx = clerk_ctx
    page = _page(qtbot, env)
    page.apply_filters(month="2026-03")
    page.installments.batch_btn.click()
    assert env.navigations[-1] == ("reports", {"form": "batch", "month": "2026-03"})
