"""在岗追回 (条例 第六十五条): cases opened by a clerk, decided by another reviewer, split back
to the funding levels that paid, repaid by level; fraud suspends what is still unpaid."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from factories import credit_code, talent_row
from talentdesk.domain.errors import ConflictError, PermissionDenied, ValidationError
from talentdesk.models.entities import AuditEvent, Installment
from talentdesk.services.benefits import grants, payments, recoveries
from talentdesk.services.context import ServiceContext
from talentdesk.services.register import employers, talents

D = dt.date


def _people(ctx):
    return (ServiceContext(ctx.db, user="王经办", role="clerk"), ServiceContext(ctx.db, user="李审核", role="reviewer"),
            ServiceContext(ctx.db, user="赵审核", role="reviewer"))


def _pay(clerk, reviewer, inst_id, on, voucher):
    payments.propose(clerk, [inst_id], as_of=on)
    payments.approve(reviewer, [inst_id], as_of=on)
    payments.record_paid(clerk, inst_id, on, voucher)


def baotou_paid(ctx):
    """A Baotou PhD whose 200,000 subsidy was paid 1:1 by the city and the local budget."""
    clerk, reviewer, _ = _people(ctx)
    employers.add(clerk, "包头某新材料有限公司", credit_code(41), "民营企业", "稀土高新区", industry="C",
                  key_industry=True, above_scale=True, rare_earth=False)
    row = talent_row(姓名="刘洋", 用人单位="包头某新材料有限公司", 统一社会信用代码=credit_code(41), 单位性质="民营企业",
                     单位所属行业="制造业", 引进日期="2022-06-01", 合同起始日期="2022-06-01", 协议签订日期="2022-09-28")
    talents.add(clerk, row)
    idn = row["身份证号"]
    grants.ensure_policy(clerk, idn, "baotou-2022")
    g = grants.approve(reviewer, grants.propose(clerk, idn, "introduction_subsidy", approved_on=D(2022, 9, 28),
                                                approval_doc_no="包人才〔2022〕5号",
                                                facts={"recruited_from_outside_city": True}).id)
    [only] = g.installments
    _pay(clerk, reviewer, only.id, D(2022, 10, 17), "包V1")
    return idn, only


def alxa_partly_paid(ctx):
    """An Alxa PhD: settlement allowance 40% paid, two installments still scheduled."""
    clerk, reviewer, _ = _people(ctx)
    row = talent_row()
    talents.add(clerk, row)
    idn = row["身份证号"]
    g = grants.approve(reviewer, grants.propose(clerk, idn, "settlement_allowance", approved_on=D(2023, 6, 1),
                                                approval_doc_no="阿左人才字〔2023〕11号").id)
    _pay(clerk, reviewer, g.installments[0].id, D(2023, 6, 2), "V1")
    return idn, g


def test_fraud_case_suggests_everything_obtained_and_splits_1_to_1(ctx):
    clerk, reviewer, other = _people(ctx)
    idn, inst = baotou_paid(ctx)
    case = recoveries.open(clerk, idn, "fraud", "伪造学位证书骗取引进补贴")
    assert case.suggestion_status == "fixed" and case.suggested_fen == inst.amount_fen == 20_000_000
    assert any("第六十五条" in a for a in case.articles)
    assert {lv.level: lv.paid_fen for lv in case.levels} == {"city": 10_000_000, "local": 10_000_000}
    assert case.state == "open" and case.outstanding_fen is None and case.outstanding_text == "待核定"
    # four-eyes: the clerk cannot decide, nor can a reviewer decide a case he opened
    with pytest.raises(PermissionDenied):
        recoveries.decide(clerk, case.id, 20_000_000, "包人才办〔2024〕3号")
    own = recoveries.open(reviewer, idn, "review", "年度考核不合格")
    with pytest.raises(PermissionDenied, match="双人复核"):
        recoveries.decide(reviewer, own.id, 100, "包人才办〔2024〕4号")
    # an odd amount: the remainder fen goes to the first level in order (市级 before 属地)
    d = recoveries.decide(reviewer, case.id, 15_000_001, "包人才办〔2024〕3号", decided_on=D(2024, 3, 1),
                          plan=recoveries.even_plan(15_000_001, 3, D(2024, 4, 1)))
    parts = {lv.level: lv.amount_fen for lv in d.levels}
    assert parts == {"city": 7_500_001, "local": 7_500_000} and sum(parts.values()) == 15_000_001
    assert [p.amount_fen for p in d.plan] == [5_000_001, 5_000_000, 5_000_000]
    assert [p.due_date for p in d.plan] == [D(2024, 4, 1), D(2024, 5, 1), D(2024, 6, 1)]
    assert d.decided_by == "李审核" and d.state == "decided" and d.outstanding_fen == 15_000_001
    with pytest.raises(ConflictError):
        recoveries.decide(other, case.id, 1, "包人才办〔2024〕5号")


def test_decided_amount_bounded_and_doc_no_required(ctx):
    clerk, reviewer, _ = _people(ctx)
    idn, inst = baotou_paid(ctx)
    case = recoveries.open(clerk, idn, "breach", "未履行引进协议约定")
    assert case.suggestion_status == "undetermined" and case.suggested_fen is None and case.suggested_text == "待定"
    assert "六（三）" in case.explanation
    with pytest.raises(ValidationError, match="超过"):
        recoveries.decide(reviewer, case.id, 20_000_001, "包人才办〔2024〕3号")
    with pytest.raises(ValidationError, match="缺少序号"):
        recoveries.decide(reviewer, case.id, 100, "包人才办〔2024〕号")
    with pytest.raises(ValidationError, match="退回计划"):
        recoveries.decide(reviewer, case.id, 100, "包人才办〔2024〕3号", plan=[(D(2024, 1, 1), 99)])
    with pytest.raises(ConflictError, match="尚未核定"):
        recoveries.record_repayment(clerk, case.id, 100, D(2024, 1, 1), "R0")


def test_repayments_split_by_level_and_settle_exactly(ctx):
    clerk, reviewer, _ = _people(ctx)
    idn, inst = baotou_paid(ctx)
    case = recoveries.open(clerk, idn, "fraud", "伪造学位证书")
    recoveries.decide(reviewer, case.id, 10_000_001, "包人才办〔2024〕3号")
    v = recoveries.record_repayment(clerk, case.id, 3_333_333, D(2024, 4, 1), "R1")
    assert v.repayments[0].levels == {"city": 1_666_667, "local": 1_666_666}
    assert v.repaid_fen == 3_333_333 and v.outstanding_fen == 6_666_668
    with pytest.raises(ValidationError, match="超过"):
        recoveries.record_repayment(clerk, case.id, 6_666_669, D(2024, 5, 1), "R2")
    with pytest.raises(ConflictError, match="凭证号R1"):
        recoveries.record_repayment(clerk, case.id, 1, D(2024, 5, 1), "R1")
    assert [c.id for c in recoveries.list_cases(clerk, outstanding_only=True)] == [case.id]
    v = recoveries.record_repayment(clerk, case.id, 6_666_668, D(2024, 5, 1), "R2")
    assert v.outstanding_fen == 0 and v.state == "settled"
    assert all(lv.outstanding_fen == 0 for lv in v.levels)
    assert {lv.level: lv.repaid_fen for lv in v.levels} == {"city": 5_000_001, "local": 5_000_000}
    assert recoveries.list_cases(clerk, outstanding_only=True) == []
    with pytest.raises(ConflictError, match="已登记退回款"):
        recoveries.cancel(reviewer, case.id, "误立案")
    with ctx.read() as session:
        acts = session.execute(select(AuditEvent.action, AuditEvent.entity).where(
            AuditEvent.entity.in_(("recovery_case", "recovery_repayment"))).order_by(AuditEvent.id)).all()
    assert [tuple(a) for a in acts] == [("create", "recovery_case"), ("decide", "recovery_case"),
                                       ("create", "recovery_repayment"), ("create", "recovery_repayment")]


def test_fraud_case_suspends_the_remaining_installments(ctx):
    clerk, reviewer, _ = _people(ctx)
    idn, g = alxa_partly_paid(ctx)
    case = recoveries.open(clerk, idn, "fraud", "虚报学历")
    # the clerk may not suspend payments: the reviewer's decision does it
    assert case.suspended and "待审核人" in case.suspended[0]
    assert case.received_fen == 8_000_000 and case.suggested_fen == 8_000_000
    assert {lv.level for lv in case.levels} == {"league"}
    d = recoveries.decide(reviewer, case.id, 8_000_000, "阿左人才字〔2024〕2号")
    assert len(d.suspended) == 2
    with ctx.read() as session:
        statuses = [i.status for i in session.execute(select(Installment).where(Installment.grant_id == g.id)
                                                      .order_by(Installment.seq)).scalars()]
    assert statuses == ["paid", "suspended", "suspended"]


def test_review_failure_is_pending_with_the_article_and_cancel(ctx):
    clerk, reviewer, _ = _people(ctx)
    idn, g = alxa_partly_paid(ctx)
    case = recoveries.open(clerk, idn, "review", "2024年度考核不合格")
    assert case.suggestion_status == "undetermined" and case.suggested_fen is None
    assert any("第三十六条" in a for a in case.articles)
    with pytest.raises(ConflictError, match="已有考核不合格"):
        recoveries.open(clerk, idn, "review", "再次立案")
    c = recoveries.cancel(reviewer, case.id, "立案有误")
    assert c.state == "cancelled" and c.outstanding_fen == 0
    assert recoveries.open(clerk, idn, "review", "重新立案").id != case.id
    with ctx.read() as session:
        snap = json.loads(session.execute(select(AuditEvent.after).where(AuditEvent.entity == "recovery_case")
                                          .order_by(AuditEvent.id)).scalars().first())
    assert snap["suggestion_status"] == "undetermined"


def test_nothing_paid_is_refused(ctx):
    clerk, reviewer, _ = _people(ctx)
    row = talent_row()
    talents.add(clerk, row)
    with pytest.raises(ValidationError, match="无需追回"):
        recoveries.open(clerk, row["身份证号"], "fraud", "虚报")
    with pytest.raises(ValidationError, match="追回事由类别"):
        recoveries.open(clerk, row["身份证号"], "guess", "虚报")
