"""Test data for the ledgers and forms: talents through the service, grants, installments,
reviews and departures as ORM rows (the workflow services are written elsewhere)."""

from __future__ import annotations

import datetime as dt

from talentdesk.models.entities import (AnnualReview, BenefitGrant, Departure, Installment, InstallmentFunding,
                                        Recovery, ServiceAgreement, Talent)
from talentdesk.services.register import talents
import factories

D = dt.date


def add_talent(ctx, name: str, employer: str = "阿拉善盟农牧科学研究所", *, district: str = "阿拉善左旗",
               policy: str = "alxa-2023", birth: dt.date = D(1990, 5, 1), **extra) -> int:
    row = factories.talent_row(姓名=name, 身份证号=factories.id_number(birth), 用人单位=employer, 所属地区=district,
                               **extra)
    if employer != "阿拉善盟农牧科学研究所":
        row["统一社会信用代码"] = None
    view = talents.add(ctx, row, policy_id=policy)
    return view.id


def add_grant(ctx, talent_id: int, code: str, name: str, plan: list[tuple], *, policy: str = "alxa-2023",
              basis: str = "阿党人才字〔2023〕2号 第四十条", approved: dt.date = D(2023, 6, 1),
              status: str = "approved") -> int:
    """plan: (due, amount_fen, status, {level: fen}, paid_date, voucher)."""
    with ctx.write() as s:
        g = BenefitGrant(talent_id=talent_id, policy_id=policy, benefit_code=code, benefit_name=name,
                         total_fen=sum(p[1] for p in plan), approval_date=approved,
                         approval_doc_no=f"阿盟人才审〔{approved.year}〕{talent_id}号", basis=basis, status=status,
                         proposed_by="tester", approved_by="reviewer")
        s.add(g)
        s.flush()
        for seq, p in enumerate(plan, 1):
            due, amount, st, funding = p[0], p[1], p[2], p[3]
            paid = p[4] if len(p) > 4 else None
            voucher = p[5] if len(p) > 5 else None
            i = Installment(grant_id=g.id, seq=seq, due_date=due, amount_fen=amount, status=st, paid_date=paid,
                            voucher_no=voucher)
            i.funding = [InstallmentFunding(level=lv, amount_fen=f) for lv, f in funding.items()]
            s.add(i)
        return g.id


def add_review(ctx, talent_id: int, year: int, result: str, remarks: str | None = None) -> None:
    with ctx.write() as s:
        s.add(AnnualReview(talent_id=talent_id, year=year, result=result, review_date=D(year + 1, 1, 15),
                           remarks=remarks, recorded_by="tester"))


def add_departure(ctx, talent_id: int, on: dt.date, refund_fen: int, recovered: list[tuple] = (),
                  reason: str = "个人原因辞职", basis: str = "阿党人才字〔2023〕2号 第十九条") -> int:
    with ctx.write() as s:
        d = Departure(talent_id=talent_id, departed_on=on, reason=reason, refund_due_fen=refund_fen, basis=basis)
        s.add(d)
        s.flush()
        for amount, when, voucher in recovered:
            s.add(Recovery(departure_id=d.id, amount_fen=amount, recovered_on=when, voucher_no=voucher))
        t = s.get(Talent, talent_id)
        t.status = "departed"
        return d.id


def add_agreement(ctx, talent_id: int, years: int = 5) -> None:
    with ctx.write() as s:
        s.add(ServiceAgreement(talent_id=talent_id, kind="三方协议", signed_date=D(2023, 5, 1),
                               start_date=D(2023, 5, 1), term_years=years, required_service_years=years))


def scenario(ctx) -> dict:
    """A small office: settlement allowances (40/30/30), a monthly postdoc subsidy, reviews, a departure."""
    ids = {}
    ids["zhang"] = add_talent(ctx, "张伟")
    ids["li"] = add_talent(ctx, "李娜", "阿拉善盟中心医院", 学历="硕士研究生", 学位="硕士", 手机号码="13912345678")
    ids["wang"] = add_talent(ctx, "王喆", "阿拉善高新区管委会", district="阿拉善高新区")
    ids["evil"] = add_talent(ctx, "=HYPERLINK(\"x\")", "阿拉善盟中心医院", 备注="+cmd|' /C calc'!A0")
    add_agreement(ctx, ids["zhang"])
    add_agreement(ctx, ids["wang"])
    lg = {"league": 1}
    ids["g_zhang"] = add_grant(ctx, ids["zhang"], "settlement_allowance", "安家补贴", [
        (D(2023, 6, 1), 8000000, "paid", {"league": 8000000}, D(2023, 6, 20), "记-2023-061"),
        (D(2024, 6, 1), 6000000, "paid", {"league": 6000000}, D(2024, 6, 18), "记-2024-033"),
        (D(2025, 6, 1), 6000000, "scheduled", {"league": 6000000}),
    ])
    ids["g_li"] = add_grant(ctx, ids["li"], "settlement_allowance", "安家补贴", [
        (D(2023, 7, 1), 4000000, "paid", {"league": 2000000, "banner": 2000000}, D(2023, 7, 3), "记-2023-071"),
        (D(2024, 7, 1), 3000000, "approved", {"league": 1500000, "banner": 1500000}),
        (D(2025, 7, 1), 3000000, "scheduled", {"league": 1500000, "banner": 1500000}),
    ])
    ids["g_wang_rent"] = add_grant(ctx, ids["wang"], "rent_subsidy", "租房补贴", [
        (D(2024, 6, 1), 1500000, "paid", {"banner": 1500000}, D(2024, 6, 5), "记-2024-020"),
        (D(2025, 6, 1), 1500000, "suspended", {"banner": 1500000}),
        (D(2026, 6, 1), 1500000, "cancelled", {"banner": 1500000}),
    ], basis="阿党人才字〔2023〕2号 第四十一条")
    ids["g_evil"] = add_grant(ctx, ids["evil"], "postdoc_living", "博士后生活补助", [
        (D(2024, m, 10), 300001, "paid" if m < 6 else "scheduled", {"league": 150001, "banner": 150000})
        for m in range(1, 13)
    ], basis="阿党人才字〔2023〕2号 第二十四条")
    add_review(ctx, ids["zhang"], 2024, "优秀")
    add_review(ctx, ids["li"], 2024, "合格")
    add_review(ctx, ids["wang"], 2024, "不合格", "未履行服务协议约定的工作任务")
    add_review(ctx, ids["evil"], 2024, "基本合格")
    ids["dep"] = add_departure(ctx, ids["zhang"], D(2025, 3, 1), 14000000,
                               [(5000000, D(2025, 4, 1), "缴-2025-001"), (1234567, D(2025, 5, 1), "缴-2025-007")])
    del lg
    return ids
