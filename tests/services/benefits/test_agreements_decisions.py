"""Service agreements and 一事一议 decisions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from factories import talent_row
from talentdesk.domain.errors import ConflictError, ValidationError
from talentdesk.services.benefits import agreements, decisions, grants
from talentdesk.services.register import recognitions, talents

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


def test_ending_within_both_sides_of_the_window(ctx):
    """The window [today, today + days] is closed at both ends; an end date is start + term
    (fractions as months, clamped to the month's end); ended agreements never count."""
    idn = _talent(ctx)
    today = D(2026, 1, 15)  # + 45 days = 2026-03-01

    def add(start, term):
        return agreements.add(ctx, idn, kind="服务期协议", start_date=start, term_years=term).id

    on_today = add(D(2021, 1, 15), 5)  # ends 2026-01-15: the first day of the window
    yesterday = add(D(2021, 1, 14), 5)  # ends 2026-01-14: just before
    on_horizon = add(D(2023, 3, 1), 3)  # ends 2026-03-01: the last day of the window
    after_horizon = add(D(2023, 3, 2), 3)  # ends 2026-03-02: just after
    month_end = add(D(2025, 8, 31), "0.5")  # 2025-08-31 + 6 months = 2026-02-28 (clamped)
    fraction = add(D(2023, 7, 20), "2.5")  # 2.5 years = 30 months: 2026-01-20
    concluded = add(D(2016, 2, 1), 10)  # ends 2026-02-01, but concluded: not active
    agreements.update(ctx, concluded, status="ended")

    rows = agreements.ending_within(ctx, 45, today=today)
    got = {r.id: r.end_date for r in rows}
    assert on_today in got and got[on_today] == D(2026, 1, 15)
    assert on_horizon in got and got[on_horizon] == D(2026, 3, 1)
    assert got[month_end] == D(2026, 2, 28) and got[fraction] == D(2026, 1, 20)
    assert yesterday not in got and after_horizon not in got and concluded not in got
    assert [r.end_date for r in rows] == sorted(r.end_date for r in rows)
    # the same as checking every stored agreement by its end date, for windows of any length
    everything = agreements.list_agreements(ctx, idn)
    for start_day, days in ((today, 45), (today, 0), (D(2026, 1, 16), 44), (D(2025, 12, 31), 400),
                            (D(2026, 2, 28), 1)):
        expected = sorted(a.id for a in everything if a.status == "active" and a.end_date
                          and start_day <= a.end_date <= start_day + dt.timedelta(days=days))
        assert sorted(r.id for r in agreements.ending_within(ctx, days, today=start_day)) == expected
    # and expired() agrees with the state every page shows
    for day in (D(2026, 1, 15), D(2026, 1, 16), D(2026, 3, 2)):
        expected = sorted(a.id for a in everything if agreements.state_of(a.status, a.end_date, day)
                          == agreements.EXPIRED_PENDING)
        assert sorted(r.id for r in agreements.expired(ctx, today=day)) == expected


def test_decision_sets_the_amount(ctx):
    idn = _talent(ctx, **{"人才类别": "B", "学历": "大学本科", "学位": "学士", "急需紧缺": "否"})
    # the roster's 人才类别 alone is not a confirmed recognition (第二十条)
    with pytest.raises(ValidationError, match="人才类别未经认定确认"):
        grants.propose(ctx, idn, "settlement_allowance", approved_on=D(2023, 6, 1), approval_doc_no="阿左人才字〔2023〕11号")
    r = recognitions.propose(ctx, talent=idn, scheme="阿拉善盟人才分类", tier="B", doc_no="阿人才办字〔2023〕4号",
                             recognised_on=D(2023, 5, 1))
    recognitions.confirm(ctx, r.id, confirmed_on=D(2023, 5, 10))
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
