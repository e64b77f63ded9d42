"""Batches in 待遇发放 / 待遇审批 with refusals: the services' reasons reach the clerk as an
expected problem (never the bug dialog), the list is refreshed, and what was done is said."""

from __future__ import annotations

import datetime as dt

import pytest

from talentdesk.services.benefits import grants, payments
from talentdesk.ui.benefits import payments as page_mod
from talentdesk.ui.common import widgets
from tests.ui.pages.seeding import approved_settlement, talent

pytestmark = pytest.mark.gui
TODAY = dt.date.today()


def _page(qtbot, env):
    page = page_mod.Page(env)
    qtbot.addWidget(page)
    page.resize(1300, 700)
    return page


def test_batch_approve_with_own_grant_says_what_was_refused(qtbot, env, clerk_ctx, reviewer_ctx):
    own = talent(reviewer_ctx, 姓名="李自提")
    other = talent(clerk_ctx, 姓名="王他提")
    grants.propose(reviewer_ctx, own.id_number, "settlement_allowance", approved_on=TODAY, approval_doc_no="阿左人才字〔2023〕11号")
    grants.propose(clerk_ctx, other.id_number, "settlement_allowance", approved_on=TODAY, approval_doc_no="阿左人才字〔2023〕12号")
    env.ctx = reviewer_ctx
    page = _page(qtbot, env)
    page.apply_filters(tab="grants")
    tab = page.grants
    tab.table.selectAll()
    assert tab.approve_btn.isEnabled()  # one of the two is someone else's
    tab.approve_btn.click()
    [err] = env.errors  # a TalentDeskError's message (the recorder refuses anything but an exception)
    assert "已批准 1 项" in err and "李自提" in err and "以下 1 项未处理" in err
    # the list is fresh: only the reviewer's own proposal is still waiting
    assert [g.talent_name for g in tab.model.rows] == ["李自提"]


def test_disabled_approve_says_why(qtbot, env, clerk_ctx):
    t = talent(clerk_ctx, 姓名="王芳")
    grants.propose(clerk_ctx, t.id_number, "settlement_allowance", approved_on=TODAY, approval_doc_no="阿左人才字〔2023〕13号")
    env.ctx = clerk_ctx
    page = _page(qtbot, env)
    page.apply_filters(tab="grants")
    page.grants.table.selectRow(0)
    btn = page.grants.approve_btn
    assert not btn.isEnabled()
    assert "没有审核权限" in btn.toolTip()  # a clerk may not approve at all


def test_disabled_approve_for_own_proposal_names_the_rule(qtbot, env, reviewer_ctx):
    t = talent(reviewer_ctx, 姓名="王芳")
    grants.propose(reviewer_ctx, t.id_number, "settlement_allowance", approved_on=TODAY, approval_doc_no="阿左人才字〔2023〕14号")
    env.ctx = reviewer_ctx
    page = _page(qtbot, env)
    page.apply_filters(tab="grants")
    page.grants.table.selectRow(0)
    btn = page.grants.approve_btn
    assert not btn.isEnabled()
    assert "您是提交人，不能批准本人提交的申请" in btn.toolTip()


def test_propose_when_every_selected_installment_is_refused(qtbot, env, clerk_ctx):
    t = talent(clerk_ctx, 姓名="王芳")
    grants.propose(clerk_ctx, t.id_number, "settlement_allowance", approved_on=TODAY, approval_doc_no="阿左人才字〔2023〕15号")
    env.ctx = clerk_ctx
    page = _page(qtbot, env)
    page.apply_filters(month=TODAY.isoformat()[:7])
    tab = page.installments
    assert tab.model.rows
    tab.table.selectAll()
    tab.propose_btn.click()
    [err] = env.errors  # a TalentDeskError's message (the recorder refuses anything but an exception)
    assert "都不能提交" in err and "王芳" in err


def test_record_paid_with_a_refused_row(qtbot, env, clerk_ctx, reviewer_ctx, monkeypatch):
    approved_on = (TODAY - dt.timedelta(days=400)).replace(day=1)
    firsts = []
    for name in ("张甲", "张乙"):
        _, g = approved_settlement(clerk_ctx, reviewer_ctx, approved_on=approved_on, 姓名=name)
        first = payments.list_installments(clerk_ctx, grant_id=g.id)[0]
        payments.propose(clerk_ctx, [first.id])
        payments.approve(reviewer_ctx, [first.id])
        firsts.append(first)
    env.ctx = clerk_ctx
    page = _page(qtbot, env)
    page.apply_filters(month=approved_on.isoformat()[:7])
    tab = page.installments
    tab.table.selectAll()

    def fill(dlg):
        dlg.same.setText("记-9")
        dlg._fill_all()
        # meanwhile another clerk records 张乙's installment on another PC
        payments.record_paid(clerk_ctx, firsts[1].id, TODAY, "记-8")
        return True

    monkeypatch.setattr(widgets, "exec_dialog", fill)
    tab.paid_btn.click()
    [err] = env.errors  # a TalentDeskError's message (the recorder refuses anything but an exception)
    assert "已登记发放 1 笔" in err and "以下 1 笔未登记" in err and "张乙" in err
    assert tab.model.rows == []  # refreshed: nothing approved is left unpaid


def test_refusal_list_names_the_first_ten_and_counts_the_rest():
    text = widgets.refusal_list([f"第{i}笔" for i in range(13)])
    assert text.count("· ") == 10 and "另有 3 笔" in text
