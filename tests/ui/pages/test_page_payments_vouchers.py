"""登记发放 for several installments: a voucher pays exactly one installment, so “依次填入”
numbers the vouchers on, a voucher typed twice in the dialog records nothing, and one
already carried by another installment is refused naming it (never 程序出错)."""

from __future__ import annotations

import datetime as dt

import pytest

from talentdesk.services.benefits import payments
from talentdesk.ui.benefits import payments as page_mod
from talentdesk.ui.common import widgets
from tests.ui.pages.seeding import approved_settlement

pytestmark = pytest.mark.gui
TODAY = dt.date.today()
APPROVED_ON = (TODAY - dt.timedelta(days=400)).replace(day=1)


@pytest.fixture
def two_approved(env, clerk_ctx, reviewer_ctx):
    firsts = []
    for name in ("张甲", "张乙"):
        _, g = approved_settlement(clerk_ctx, reviewer_ctx, approved_on=APPROVED_ON, 姓名=name)
        first = payments.list_installments(clerk_ctx, grant_id=g.id)[0]
        payments.propose(clerk_ctx, [first.id])
        payments.approve(reviewer_ctx, [first.id])
        firsts.append(first)
    env.ctx = clerk_ctx
    return firsts


def _record(qtbot, env, monkeypatch, fill):
    page = page_mod.Page(env)
    qtbot.addWidget(page)
    page.resize(1300, 700)
    page.apply_filters(month=APPROVED_ON.isoformat()[:7])
    tab = page.installments
    tab.table.selectAll()

    def run(dlg):
        fill(dlg)
        return True

    monkeypatch.setattr(widgets, "exec_dialog", run)
    tab.paid_btn.click()
    return tab


def _vouchers(ctx, firsts):
    by_id = {r.id: r for r in payments.list_installments(ctx, status=("paid", "approved"))}
    return [(by_id[f.id].status, by_id[f.id].voucher_no) for f in firsts]


def test_fill_numbers_the_vouchers_on(qtbot, env, two_approved, monkeypatch):
    seen = []

    def fill(dlg):
        dlg.same.setText("记-2025-099")
        dlg._fill_all()
        seen.extend(dlg.vouchers())

    _record(qtbot, env, monkeypatch, fill)
    assert seen == ["记-2025-099", "记-2025-100"]
    assert not env.errors, env.errors
    assert sorted(v for _, v in _vouchers(env.ctx, two_approved)) == ["记-2025-099", "记-2025-100"]


def test_one_voucher_typed_twice_records_nothing(qtbot, env, two_approved, monkeypatch):
    def fill(dlg):
        for r in range(dlg.table.rowCount()):
            dlg.table.item(r, 3).setText("记-7")

    _record(qtbot, env, monkeypatch, fill)
    assert env.errors == ["凭证号重复，一个凭证号只能对应一期发放，未登记任何一笔：\n凭证号 记-7：第 1、2 笔"]
    assert _vouchers(env.ctx, two_approved) == [("approved", None), ("approved", None)]


def test_a_voucher_already_used_elsewhere_is_refused_naming_it(qtbot, env, two_approved, clerk_ctx, reviewer_ctx,
                                                              monkeypatch):
    _, g = approved_settlement(clerk_ctx, reviewer_ctx, approved_on=APPROVED_ON, 姓名="张丙")
    third = payments.list_installments(clerk_ctx, grant_id=g.id)[0]
    payments.propose(clerk_ctx, [third.id])
    payments.approve(reviewer_ctx, [third.id])
    payments.record_paid(clerk_ctx, third.id, TODAY, "记-2")

    def fill(dlg):
        assert dlg.table.rowCount() == 2  # 张丙's is paid: not in the 未发放 list
        dlg.same.setText("记-1")
        dlg._fill_all()  # 记-1, 记-2

    _record(qtbot, env, monkeypatch, fill)
    [err] = env.errors
    assert "已登记发放 1 笔" in err and "以下 1 笔未登记" in err
    assert f"凭证号记-2已用于张丙的安家补贴第1期（分期编号{third.id}）" in err
    states = _vouchers(env.ctx, two_approved)
    assert sorted(states, key=str) == [("approved", None), ("paid", "记-1")]
    refused = "张甲" if states[0][0] == "approved" else "张乙"
    assert f"{refused}的安家补贴第1期" in err and "未登记" in err
