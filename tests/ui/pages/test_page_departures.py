from __future__ import annotations

import datetime as dt

import pytest

from talentdesk.services.benefits import departures, payments
from talentdesk.ui.benefits import departures as page_mod
from talentdesk.ui.common import widgets

pytestmark = pytest.mark.gui
TODAY = dt.date.today()


def _record_through_dialog(monkeypatch, page, *, reason: str | None = None) -> str:
    """办理离职登记 for 张伟 through the dialog (confirmed); returns the preview text shown."""
    seen = {}

    def depart(dlg):
        dlg.search.setText("张伟")
        assert dlg.talent.count() == 1
        if reason:
            dlg.reason.setPlainText(reason)
        seen["preview"] = dlg.preview_box.toPlainText()
        dlg._ok()
        return bool(dlg.result())

    monkeypatch.setattr(widgets, "exec_dialog", depart)
    page.record_btn.click()
    return seen["preview"]


def test_record_departure_shows_refund_and_records_recovery(qtbot, env, paid_talent, monkeypatch):
    t, g, _ = paid_talent
    page = page_mod.Page(env)
    qtbot.addWidget(page)
    page.refresh()
    preview = _record_through_dialog(monkeypatch, page, reason="个人原因辞职")
    assert "应退回：80,000.00 元" in preview, preview
    assert "依据" in preview
    assert env.confirms and "80,000.00" in env.confirms[-1]
    assert not env.errors, env.errors
    [d] = page.model.rows
    assert d.refund_due_fen == 8_000_000 and d.outstanding_fen == 8_000_000
    assert "80,000.00" in page.detail_title.text()
    # the later installments were cancelled
    assert [i.status for i in payments.list_installments(env.ctx, grant_id=g.id)] == ["paid", "cancelled", "cancelled"]

    def recover(dlg):
        dlg.amount.setText("30000")
        dlg.voucher.setText("收-01")
        dlg._ok()
        return bool(dlg.result())

    monkeypatch.setattr(widgets, "exec_dialog", recover)
    page.table.selectRow(0)
    page.recovery_btn.click()
    assert not env.errors, env.errors
    [d] = page.model.rows
    assert d.recovered_fen == 3_000_000 and d.outstanding_fen == 5_000_000
    assert page.rec_model.rows[0].voucher_no == "收-01"
    # 条例 第六十五条: the refund and the recovery split back to the levels that paid (盟级 and 旗级 here)
    page.table.selectRow(0)
    assert "退回各级资金：" in page.basis.text() and "已追回" in page.basis.text()
    full = departures.get_departure(env.ctx, d.id)
    assert sum(lv.amount_fen for lv in full.levels) == 8_000_000
    assert sum(full.recoveries[0].levels.values()) == 3_000_000
    # the notice is printed from the reports page
    page.table.selectRow(0)
    page.notice_btn.click()
    assert env.navigations[-1] == ("reports", {"form": "recovery", "talent": t.id_number})
    # outstanding filter from the dashboard
    page.apply_filters(outstanding=True)
    assert len(page.model.rows) == 1
    departures.record_recovery(env.ctx, d.id, 5_000_000, TODAY, "收-02")
    page.refresh()
    assert page.model.rows == []


def test_undetermined_refund_reads_daiding_not_zero(qtbot, env, clerk_ctx, reviewer_ctx, monkeypatch):
    """阿拉善 第十九条 with no agreement and no contract term: the preview, the list, the
    detail and the confirmation say 待定; the notice button stays off."""
    from tests.ui.pages.seeding import first_installment_paid

    env.ctx = clerk_ctx
    approved_on = (TODAY - dt.timedelta(days=200)).replace(day=1)
    first_installment_paid(clerk_ctx, reviewer_ctx, approved_on=approved_on, service_agreement=False,
                           facts={"contract_end_date": approved_on.replace(year=approved_on.year + 5)},
                           **{"姓名": "张伟", "合同期限（年）": ""})
    page = page_mod.Page(env)
    qtbot.addWidget(page)
    page.refresh()
    preview = _record_through_dialog(monkeypatch, page)
    assert "应退回：待定" in preview, preview
    assert "应退回：0.00" not in preview
    assert env.confirms and "待定" in env.confirms[-1]
    assert not env.errors, env.errors
    [d] = page.model.rows
    assert d.undetermined
    col = next(i for i, c in enumerate(page.model.columns) if c.title.startswith("应退回"))
    assert page.model.index(0, col).data().startswith("待定")
    owed = next(i for i, c in enumerate(page.model.columns) if c.title.startswith("尚欠"))
    assert page.model.index(0, owed).data() == "待定"
    assert "另有 1 人应退回金额待定" in page.totals.text()
    page.table.selectRow(0)
    assert "待定" in page.detail_title.text()
    assert not page.notice_btn.isEnabled()


@pytest.mark.parametrize("answer", [False, True])
def test_a_future_departure_is_asked_about_first(qtbot, env, paid_talent, monkeypatch, answer):
    """A talent who has given notice: 离职日期 after today asks “…晚于今天，确定登记？”
    (the date the Chinese way) and is recorded only when the clerk says yes."""
    from talentdesk.ui.common.widgets import to_qdate

    t, g, _ = paid_talent
    later = TODAY + dt.timedelta(days=40)
    page = page_mod.Page(env)
    qtbot.addWidget(page)
    page.refresh()

    def depart(dlg):
        dlg.search.setText("张伟")
        dlg.departed_on.setDate(to_qdate(later))
        dlg._ok()
        return bool(dlg.result())

    monkeypatch.setattr(widgets, "exec_dialog", depart)
    env.confirm_answer = answer
    page.record_btn.click()
    question = f"离职日期 {later.year}年{later.month}月{later.day}日 晚于今天，确定登记？"
    assert not env.errors, env.errors
    if answer:
        assert env.confirms[0] == question and len(env.confirms) == 2  # then the usual confirmation
        [d] = departures.list_departures(env.ctx)
        assert d.departed_on == later
    else:
        assert env.confirms == [question]
        assert departures.list_departures(env.ctx) == []


def test_seeding_two_paid_talents_gives_each_its_own_voucher(env, clerk_ctx, reviewer_ctx):
    from tests.ui.pages.seeding import first_installment_paid

    on = (TODAY - dt.timedelta(days=200)).replace(day=1)
    vouchers = set()
    for name in ("张伟", "李娜"):
        t, g = first_installment_paid(clerk_ctx, reviewer_ctx, approved_on=on, 姓名=name)
        vouchers.add(payments.list_installments(clerk_ctx, grant_id=g.id)[0].voucher_no)
    assert len(vouchers) == 2
