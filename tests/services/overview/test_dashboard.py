"""Dashboard queries: attention lists, budget, monthly payments, talents by field."""

from __future__ import annotations

import datetime as dt

from factories import talent_row
from talentdesk.services.benefits import agreements, departures, grants, payments
from talentdesk.services.overview import dashboard
from talentdesk.services.register import talents

D = dt.date


def _paid_first(ctx, idn, approved_on):
    g = grants.approve(ctx, grants.propose(ctx, idn, "settlement_allowance", approved_on=approved_on,
                                           approval_doc_no="阿左人才字〔2023〕11号").id)
    first = g.installments[0].id
    payments.propose(ctx, [first], as_of=approved_on)
    payments.approve(ctx, [first])
    payments.record_paid(ctx, first, approved_on + dt.timedelta(days=10), "V")
    return g


def test_budget_and_months(ctx):
    a, b = talent_row(), talent_row(姓名="李娜", 学历="硕士研究生", 学位="硕士")
    talents.add(ctx, a)
    talents.add(ctx, b)
    g = _paid_first(ctx, a["身份证号"], D(2024, 3, 1))
    rows = dashboard.budget(ctx, [2024, 2025, 2026])
    by = {(r.year, r.benefit_code, r.level): r for r in rows}
    assert by[(2024, "settlement_allowance", "league")].paid_fen == 8_000_000
    assert by[(2025, "settlement_allowance", "league")].planned_fen == 6_000_000
    assert sum(r.total_fen for r in rows) == g.total_fen
    assert rows[0].level_label == "盟级"
    months = dashboard.payments_by_month(ctx, 2024)
    assert len(months) == 12
    assert months[2].due_fen == 8_000_000 and months[2].paid_fen == 8_000_000 and months[2].paid_count == 1
    payments.reverse(ctx, g.installments[0].id, "退回", reversed_on=D(2024, 4, 2))
    months = dashboard.payments_by_month(ctx, 2024)
    assert months[3].paid_fen == -8_000_000 and months[2].paid_fen == 8_000_000
    assert sum(r.paid_fen for r in dashboard.budget(ctx, 2024)) == 0
    assert dict(dashboard.talents_by(ctx, "education")) == {"博士研究生": 1, "硕士研究生": 1}
    assert dashboard.talents_by(ctx, "employer") == [("阿拉善盟农牧科学研究所", 2)]
    assert dashboard.talents_by(ctx, "introduction_year") == [("2023", 2)]
    assert dashboard.talents_by(ctx, "title") == [("未填写", 2)]


def test_attention(ctx):
    a, b, c = talent_row(), talent_row(姓名="李娜"), talent_row(姓名="王强")
    for r in (a, b, c):
        talents.add(ctx, r)
    # a: first installment paid, second due 2025-03-01 (this month), third next year
    _paid_first(ctx, a["身份证号"], D(2024, 3, 1))
    # b: approved, first installment due 2025-01-10 never paid → overdue
    grants.approve(ctx, grants.propose(ctx, b["身份证号"], "settlement_allowance", approved_on=D(2025, 1, 10),
                                       approval_doc_no="阿左人才字〔2023〕12号").id)
    agreements.add(ctx, c["身份证号"], kind="服务期协议", start_date=D(2020, 4, 1), term_years=5)
    att = dashboard.attention(ctx, D(2025, 3, 15))
    assert att.due_this_month.count == 1 and att.due_this_month.amount_fen == 6_000_000
    assert att.due_this_month.rows[0].talent_name == "张伟"
    assert att.overdue.count == 1 and att.overdue.rows[0].talent_name == "李娜"
    assert [r.name for r in att.agreements_ending.rows] == ["王强"]
    assert att.review_year == 2024 and att.reviews_missing.count == 3
    assert att.outstanding_recoveries.count == 0
    agreements.add(ctx, a["身份证号"], kind="服务期协议", start_date=D(2023, 5, 1), term_years=5,
                   required_service_years=5)
    departures.record(ctx, a["身份证号"], D(2025, 3, 20), "调离")
    att = dashboard.attention(ctx, D(2025, 3, 25))
    assert att.outstanding_recoveries.count == 1 and att.outstanding_recoveries.amount_fen == 8_000_000
    # a's second installment is cancelled: art. 19 claws the subsidy back, so nothing more is paid
    assert att.due_this_month.count == 0
    assert att.as_dict()["outstanding_recoveries"]["rows"][0]["姓名"] == "张伟"
