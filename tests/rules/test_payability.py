"""rules.payability: the pure decision (no database)."""

from __future__ import annotations

import datetime as dt

from talentdesk import rules
from talentdesk.rules import payability as pay

D = dt.date
PROFILE = {"姓名": "李四", "出生日期": D(1985, 1, 1), "学历": "硕士研究生", "学位": "硕士", "学习形式": "全日制",
           "引进方式": "招聘", "用人单位": "阿拉山口市某局", "引进日期": D(2015, 3, 1), "急需紧缺": True}


def _case(**kw):
    return pay.Case(pack=rules.get_pack("alashankou-2014"), profile=PROFILE, benefit_code="settlement_allowance",
                    approved_on=D(2015, 3, 1), **kw)


def _inst(status="scheduled", **kw):
    return pay.StoredInstallment(seq=1, due=D(2016, 3, 1), amount_fen=5_000_000, status=status, **kw)


def test_horizons():
    assert pay.horizon(pay.PROPOSE, D(2026, 12, 3)) == D(2026, 12, 31)
    assert pay.horizon(pay.APPROVE, D(2024, 2, 10)) == D(2024, 2, 29)
    assert pay.horizon(pay.PAY, D(2026, 12, 3)) == D(2026, 12, 3)
    assert pay.horizon(pay.PAY, D(2026, 12, 3), pay_before_due_days=5) == D(2026, 12, 8)


def test_review_results_are_the_packs():
    (a,) = pay.decide(_case(reviews={2015: "基本合格"}), [_inst()], pay.PROPOSE, D(2016, 3, 10))
    assert a.verdict == pay.NO and "基本合格" in a.message and a.engine_status == "cancelled"
    (a,) = pay.decide(_case(reviews={2015: "合格"}), [_inst()], pay.PROPOSE, D(2016, 3, 10))
    assert a.ok and a.articles and "第十四条" in "；".join(a.articles)
    (a,) = pay.decide(_case(), [_inst()], pay.PROPOSE, D(2016, 3, 10))
    assert a.verdict == pay.PENDING and a.message.startswith("待定：") and "2015年度考核" in a.message
    assert not pay.review_passes(rules.get_pack("alashankou-2014"), "基本合格")
    assert pay.review_passes(rules.get_pack("alxa-2023"), "基本合格")


def test_month_and_due_date():
    case = _case(reviews={2015: "合格"})
    assert pay.decide(case, [_inst()], pay.PROPOSE, D(2016, 2, 29))[0].verdict == pay.NO  # February: not due
    assert pay.decide(case, [_inst()], pay.PROPOSE, D(2016, 3, 1))[0].ok
    assert pay.decide(case, [_inst("approved")], pay.PAY, D(2016, 2, 28))[0].verdict == pay.NO
    assert pay.decide(case, [_inst("approved")], pay.PAY, D(2016, 2, 28), pay_before_due_days=2)[0].ok


def test_stored_workflow_first():
    case = _case(reviews={2015: "合格"})
    assert "冲销" in pay.decide(case, [_inst(is_reversal=True)], pay.PAY, D(2016, 4, 1))[0].message
    assert "已审核待付" in pay.decide(case, [_inst("proposed")], pay.PAY, D(2016, 4, 1))[0].message
    assert "尚未批准" in pay.decide(case, [_inst(grant_status="proposed")], pay.PROPOSE, D(2016, 4, 1))[0].message
    assert pay.decide(None, [_inst()], pay.PROPOSE, D(2016, 4, 1))[0].verdict == pay.PENDING


def test_departure_and_unknown_installments():
    case = _case(reviews={2015: "合格"}, departed_on=D(2016, 1, 1))
    assert pay.decide(case, [_inst()], pay.PROPOSE, D(2016, 3, 1))[0].verdict == pay.NO
    other = pay.StoredInstallment(seq=1, due=D(2016, 3, 2), amount_fen=5_000_000, status="scheduled")
    a = pay.decide(_case(reviews={2015: "合格"}), [other], pay.PROPOSE, D(2016, 3, 10))[0]
    assert a.verdict == pay.PENDING and "没有应发日期" in a.message
    wrong = pay.StoredInstallment(seq=1, due=D(2016, 3, 1), amount_fen=1, status="scheduled")
    assert "不符" in pay.decide(_case(reviews={2015: "合格"}), [wrong], pay.PROPOSE, D(2016, 3, 10))[0].message
