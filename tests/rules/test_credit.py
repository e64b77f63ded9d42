"""失信名单 in the engine (条例 第六十六条): a credit-list entry bars new support whose
decision date (approved_on) it covers; lifted entries and other periods bar nothing; the
installments of a grant approved before the entry's start stay payable."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from talentdesk.rules import CreditBar, evaluate, get_pack
from talentdesk.rules import payability as pay

D = dt.date
FACTS = {"employer_field": "绿色现代化工"}
PROFILE = {"姓名": "张三", "出生日期": D(1990, 5, 1), "学历": "博士研究生", "学位": "博士", "学习形式": "全日制",
           "院校类别": "双一流", "引进方式": "招聘", "用人单位": "某化工企业", "单位性质": "企业",
           "引进日期": D(2023, 6, 1),
           "合同期限（年）": Decimal(5), "急需紧缺": True, "本地自有住房": False, "入住人才公寓": False}
BAR = CreditBar("talent", "张三", "阿信用字〔2023〕7号", D(2023, 6, 10), D(2023, 12, 31), "提供虚假学历材料")
ARTICLE = ("旗县级以上人民政府应当建立人才和用人单位失信惩戒机制，对有严重失信行为记录的责任主体，"
           "可以在一定期限和范围内禁止其获得政府奖励和人才项目。")


def _settlement(approved_on, credit=(), **kw):
    ev = evaluate(get_pack("alxa-2023"), PROFILE, approved_on=approved_on, as_of=approved_on, facts=FACTS,
                  credit=credit, **kw)
    return ev.benefit("settlement_allowance")


def test_without_entries_the_benefit_is_eligible():
    assert _settlement(D(2023, 6, 10)).status == "eligible"


@pytest.mark.parametrize("day,barred", [
    (D(2023, 6, 9), False),    # the day before the start
    (D(2023, 6, 10), True),    # the start day
    (D(2023, 12, 31), True),   # the end day
    (D(2024, 1, 1), False),    # the day after the end
])
def test_period_boundaries(day, barred):
    res = _settlement(day, [BAR])
    assert (res.status == "ineligible") is barred
    if barred:
        assert res.eligible is False and not res.installments and res.total_fen is None
        reason = res.reasons[0]
        assert reason.startswith("人才张三列入失信名单（文号阿信用字〔2023〕7号，自2023-06-10至2023-12-31，"
                                 "事由：提供虚假学历材料）")
        assert "《内蒙古自治区人才发展促进条例》第六十六条" in reason and ARTICLE in reason
        assert "不得给予新的支持" in reason
        assert "《内蒙古自治区人才发展促进条例》第六十六条" in res.basis
        step = next(s for s in res.explanation if s.check == "credit_list")
        assert step.passed is False and step.quote == ARTICLE and step.value == BAR.doc_no
    else:
        assert res.status == "eligible" and res.installments
        assert not any("失信" in r for r in res.reasons)


def test_lifted_entry_bars_nothing():
    from dataclasses import replace

    lifted = replace(BAR, lifted_on=D(2023, 7, 1))
    assert _settlement(D(2023, 6, 15), [lifted]).status == "eligible"
    assert _settlement(D(2023, 8, 1), [lifted]).status == "eligible"


def test_open_ended_entry_and_employer_entry_bar_every_benefit():
    open_ended = CreditBar("employer", "某化工企业", "阿信用字〔2022〕1号", D(2022, 1, 1), None, "拖欠工资")
    ev = evaluate(get_pack("alxa-2023"), PROFILE, approved_on=D(2030, 1, 1), as_of=D(2030, 1, 1), facts=FACTS,
                  credit=[open_ended, BAR])
    assert {b.status for b in ev.benefits} == {"ineligible"}
    for b in ev.benefits:
        assert b.reasons[0].startswith("用人单位某化工企业列入失信名单（文号阿信用字〔2022〕1号，自2022-01-01至今，事由：拖欠工资）")
        assert not b.pending and not b.missing
    # BAR (ending 2023) does not cover 2030: only the employer's entry is named
    assert not any("阿信用字〔2023〕7号" in r for b in ev.benefits for r in b.reasons)


def test_undetermined_benefit_becomes_ineligible_under_a_bar():
    facts = {}  # employer_field missing: the settlement allowance waits for it
    assert evaluate(get_pack("alxa-2023"), PROFILE, approved_on=D(2023, 6, 10), as_of=D(2023, 6, 10),
                    facts=facts).benefit("settlement_allowance").status == "undetermined"
    res = evaluate(get_pack("alxa-2023"), PROFILE, approved_on=D(2023, 6, 10), as_of=D(2023, 6, 10),
                   facts=facts, credit=[BAR]).benefit("settlement_allowance")
    assert res.status == "ineligible" and not res.missing and "阿信用字〔2023〕7号" in res.reasons[0]


def test_installments_of_a_grant_approved_before_the_entry_are_not_affected():
    """The article bars new support: a grant approved on 2023-06-01, before the entry's
    start (2023-06-10), keeps paying its installments while the entry applies."""
    case = pay.Case(pack=get_pack("alxa-2023"), profile=PROFILE, benefit_code="settlement_allowance",
                    approved_on=D(2023, 6, 1), facts=FACTS, credit=(BAR,))
    inst = pay.StoredInstallment(seq=1, due=D(2023, 6, 1), amount_fen=8_000_000, status="scheduled")
    (a,) = pay.decide(case, [inst], pay.PROPOSE, D(2023, 6, 20))
    assert a.ok, a.message
    # the same grant had it been approved within the period: refused, naming the entry
    barred = pay.Case(pack=get_pack("alxa-2023"), profile=PROFILE, benefit_code="settlement_allowance",
                      approved_on=D(2023, 6, 10), facts=FACTS, credit=(BAR,))
    inst2 = pay.StoredInstallment(seq=1, due=D(2023, 6, 10), amount_fen=8_000_000, status="scheduled")
    (b,) = pay.decide(barred, [inst2], pay.PROPOSE, D(2023, 6, 20))
    assert b.verdict == pay.NO and "阿信用字〔2023〕7号" in b.message


def test_the_day_the_office_decides_is_checked_too():
    """A back-dated 批准日期 (before the entry) does not get round an entry in force on the
    day the proposal or approval is made."""
    assert _settlement(D(2023, 6, 1), [BAR]).status == "eligible"
    res = _settlement(D(2023, 6, 1), [BAR], decided_on=D(2023, 6, 10))
    assert res.status == "ineligible" and "阿信用字〔2023〕7号" in res.reasons[0]
    assert _settlement(D(2023, 6, 1), [BAR], decided_on=D(2024, 1, 1)).status == "eligible"
    both = _settlement(D(2023, 6, 10), [BAR], decided_on=D(2023, 6, 11))
    assert len([r for r in both.reasons if "失信名单" in r]) == 1  # one entry named once
