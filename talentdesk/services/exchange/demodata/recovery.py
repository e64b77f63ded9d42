"""Demo data for 在岗追回 (services.benefits.recoveries): one fraud case on a Baotou talent
(the subsidy paid 1:1 by the city and the local budget), decided by the reviewer, split by
level and partly repaid in two monthly installments; one review-failure case left 待定 for
the office. Through the services only; called once from ``demo.generate``."""

from __future__ import annotations

import datetime as dt

from talentdesk.services.context import ServiceContext


def add_cases(clerk: ServiceContext, reviewer: ServiceContext, today: dt.date) -> int:
    """Open the demo's recovery cases; returns how many were opened (0 when the demo has
    no fitting talent, e.g. a very small size)."""
    from talentdesk.domain.errors import TalentDeskError
    from talentdesk.services.benefits import payments, recoveries

    paid = payments.list_installments(clerk, status="paid", date_to=today)
    active = {r.id_number: r for r in paid if r.grant_status == "approved" and r.reverses_id is None}
    baotou = next((r for r in active.values() if r.policy_id == "baotou-2022" and len(r.funding) >= 2), None)
    other = next((r for r in active.values() if r.policy_id != "baotou-2022" and r.id_number != getattr(baotou, "id_number", None)), None)
    opened = 0
    if baotou is not None:
        try:
            case = recoveries.open(clerk, baotou.id_number, "fraud",
                                   "经核实，申报材料中的硕士学位证书系伪造，骗取引进补贴",
                                   opened_on=today - dt.timedelta(days=60))
            amount = case.suggested_fen or 0
            d = recoveries.decide(reviewer, case.id, amount, "包人才办〔2025〕21号", decided_on=today - dt.timedelta(days=45),
                                  plan=recoveries.even_plan(amount, 2, today - dt.timedelta(days=30)),
                                  note="依条例第六十五条追回全部所得")
            first = d.plan[0].amount_fen if d.plan else 0
            if first:
                recoveries.record_repayment(clerk, case.id, first, today - dt.timedelta(days=28), "追缴-2025-001",
                                            "第1期退回")
            opened += 1
        except TalentDeskError:
            pass
    if other is not None:
        try:
            recoveries.open(clerk, other.id_number, "review", "年度考核不合格，用人单位报请取消待遇",
                            opened_on=today - dt.timedelta(days=10))
            opened += 1
        except TalentDeskError:
            pass
    return opened


def split_departure(clerk: ServiceContext, reviewer: ServiceContext, today: dt.date) -> int:
    """One Baotou departure whose refund the text leaves to the office (六（三）“根据具体
    情况”, 待定): the office's decision is recorded for the engine's suggestion, the refund is
    recomputed and split 1:1 back to 市级 and 旗县区级 (条例 第六十五条), and half is
    recovered (split by level too). Returns 1 when done, 0 when the demo has no such case."""
    from talentdesk.domain.errors import TalentDeskError
    from talentdesk.services.benefits import decisions, departures

    for d in departures.list_departures(clerk, outstanding_only=True):
        if not d.undetermined:
            continue
        p = departures.preview(clerk, d.id_number, d.departed_on)
        pending = [b for b in p.benefits if b.undetermined and b.suggested_fen]
        if not pending:
            continue
        b = pending[0]
        try:
            decisions.record(clerk, d.id_number, number=f"包人才办〔{d.departed_on.year}〕27号",
                             decided_on=min(d.departed_on + dt.timedelta(days=20), today), override="refund",
                             benefit_code=b.benefit_code, amount_fen=b.suggested_fen,
                             description="根据具体情况，按未服务时间比例追回引进补贴")
            dep = departures.recompute(clerk, d.id)
            full = departures.get_departure(clerk, d.id)
            if full.undetermined or full.outstanding_fen <= 0 or len([lv for lv in full.levels if lv.amount_fen]) < 2:
                continue
            half = full.outstanding_fen // 2
            departures.record_recovery(clerk, d.id, half, min(d.departed_on + dt.timedelta(days=45), today),
                                       "追缴-2025-017", "第1次追回（各级按比例）")
            return 1 if dep is not None else 0
        except TalentDeskError:
            continue
    return 0
