"""Service agreements and 一事一议 decisions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from factories import talent_row
from talentdesk.domain.errors import ConflictError, ValidationError
from talentdesk.services.benefits import agreements, decisions, grants
from talentdesk.services.register import talents

D = dt.date


def _talent(ctx, **kw):
    row = talent_row(**kw)
    talents.add(ctx, row)
    return row["身份证号"]


def test_agreement_years_from_the_pack(ctx):
    # a full-time master with a 双一流 degree: Alxa art. 19 requires 5 years
    idn = _talent(ctx, **{"学历": "硕士研究生", "学位": "硕士"})
    years, basis = agreements.required_service_years(ctx, idn)
    assert years == 5 and "第十九条" in basis
    a = agreements.add(ctx, idn, kind="服务期协议", start_date=D(2023, 5, 1), term_years="2.5")
    assert a.required_service_years == 5 and a.end_date == D(2025, 11, 1) and a.term_years == Decimal("2.5")
    # a PhD: the pack leaves it to the agreement → the term
    phd = _talent(ctx)
    assert agreements.required_service_years(ctx, phd)[0] is None
    b = agreements.add(ctx, phd, kind="聘用合同", start_date=D(2023, 5, 1), term_years=3)
    assert b.required_service_years == 3
    with pytest.raises(ValidationError, match="协议类型"):
        agreements.add(ctx, phd, kind="口头约定", start_date=D(2023, 5, 1))
    b2 = agreements.update(ctx, b.id, expected_version=b.version, required_service_years=6)
    assert b2.required_service_years == 6
    with pytest.raises(ConflictError):
        agreements.update(ctx, b.id, expected_version=b.version, status="ended")
    assert [x.id for x in agreements.list_agreements(ctx, phd)] == [b.id]


def test_ending_within(ctx):
    idn = _talent(ctx)
    a = agreements.add(ctx, idn, kind="服务期协议", start_date=D(2021, 3, 1), term_years=5)
    agreements.add(ctx, idn, kind="聘用合同", start_date=D(2021, 9, 1), term_years=5)
    rows = agreements.ending_within(ctx, 90, today=D(2026, 1, 15))
    assert [r.id for r in rows] == [a.id] and rows[0].end_date == D(2026, 3, 1)
    agreements.update(ctx, a.id, status="ended")
    assert agreements.ending_within(ctx, 90, today=D(2026, 1, 15)) == []


def test_decision_sets_the_amount(ctx):
    idn = _talent(ctx, **{"人才类别": "B", "学历": "大学本科", "学位": "学士", "急需紧缺": "否"})
    with pytest.raises(ValidationError, match="没有可发放的金额"):
        grants.propose(ctx, idn, "settlement_allowance", approved_on=D(2023, 6, 1), approval_doc_no="阿左人才字〔2023〕11号")
    with pytest.raises(ValidationError, match="核定金额"):
        decisions.record(ctx, idn, number="阿左人才议〔2023〕1号", decided_on=D(2023, 5, 20), override="amount",
                         benefit_code="settlement_allowance")
    with pytest.raises(ValidationError, match="不属于政策"):
        decisions.record(ctx, idn, number="阿左人才议〔2023〕1号", decided_on=D(2023, 5, 20), override="amount",
                         benefit_code="nope", amount_fen=1)
    d = decisions.record(ctx, idn, number="阿左人才议〔2023〕1号", decided_on=D(2023, 5, 20), override="amount",
                         benefit_code="settlement_allowance", amount_fen=30_000_000, description="B类人才")
    with pytest.raises(ConflictError):
        decisions.record(ctx, idn, number="阿左人才议〔2023〕1号", decided_on=D(2023, 5, 20), override="other")
    ev = grants.evaluate_talent(ctx, idn, approved_on=D(2023, 6, 1))
    assert ev.benefit("settlement_allowance").total_fen == 30_000_000
    g = grants.propose(ctx, idn, "settlement_allowance", approved_on=D(2023, 6, 1), approval_doc_no="阿左人才字〔2023〕12号",
                       decision_number="阿左人才议〔2023〕1号")
    assert g.decision_number == d.number and g.total_fen == 30_000_000
    assert [i.amount_fen for i in g.installments] == [12_000_000, 9_000_000, 9_000_000]
    assert grants.list_grants(ctx, idn)[0].decision_number == d.number
    with pytest.raises(ConflictError, match="已被待遇申请"):
        decisions.delete(ctx, d.id)
    assert [x.number for x in decisions.list_decisions(ctx, idn)] == [d.number]


def test_decision_relaxes_the_age_limit(ctx):
    from factories import id_number

    idn = _talent(ctx, 身份证号=id_number(D(1970, 1, 1)))  # 53 at approval: above Alxa art. 10's 45
    ev = grants.evaluate_talent(ctx, idn, approved_on=D(2023, 6, 1))
    assert ev.benefit("settlement_allowance").status == "ineligible"
    with pytest.raises(ValidationError, match="安家补贴"):
        grants.propose(ctx, idn, "settlement_allowance", approved_on=D(2023, 6, 1), approval_doc_no="阿左人才字〔2023〕13号")
    decisions.record(ctx, idn, number="阿左人才议〔2023〕2号", decided_on=D(2023, 5, 20), override="age_limit")
    ev = grants.evaluate_talent(ctx, idn, approved_on=D(2023, 6, 1))
    sa = ev.benefit("settlement_allowance")
    assert sa.status == "eligible" and any(s.decision == "阿左人才议〔2023〕2号" for s in sa.explanation)
