"""The demo's 失信名单 (条例 第六十六条).

Before the workflow runs, one talent whom the engine finds entitled
to a paid benefit is recorded as 失信 from before the introduction (an earlier entry on
the same talent, lifted, stays in the history). The workflow's proposal for that talent
is then refused like any clerk's would be; ``confirm_blocked`` asks once more after the
workflow and puts the refusal in the summary's notes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from talentdesk.domain.errors import TalentDeskError
from talentdesk.models.entities import BenefitGrant, Talent
from talentdesk.services.context import ServiceContext

BASIS = "条例第六十六条：申报引进人才补贴时提供虚假学历材料，记入失信名单，三年内不得享受新的人才支持"
LIFTED_BASIS = "条例第六十六条：逾期未报送年度服务情况（经核实为用人单位漏报）"


def _entitled(clerk: ServiceContext, rec: dict[str, Any]) -> str | None:
    from talentdesk.services.benefits import grants

    try:
        ev = grants.evaluate_talent(clerk, rec["id_number"], approved_on=rec["introduction_date"] + dt.timedelta(days=30))
    except TalentDeskError:
        return None
    return next((b.code for b in ev.benefits if b.status == "eligible" and b.total_fen), None)


def add_examples(reviewer: ServiceContext, clerk: ServiceContext, records: list[dict[str, Any]],
                 today: dt.date) -> tuple[str, str] | None:
    """Record the entries; returns (ID number, benefit code) of the barred talent, or None
    when no talent is entitled to anything. The bar runs three years from just before
    the introduction: past every proposal of the workflow, and still in force ``today``."""
    from talentdesk.services.register import credit

    recent = (r for r in records if r["introduction_date"] >= today - dt.timedelta(days=900))  # the bar covers today
    for rec in sorted(recent, key=lambda r: r["id_number"]):
        code = _entitled(clerk, rec)
        if code is None:
            continue
        intro = rec["introduction_date"]
        old_start = intro - dt.timedelta(days=400)
        earlier = credit.add(reviewer, talent=rec["id_number"], start=old_start, end=None, basis=LIFTED_BASIS,
                             doc_no=f"阿人才信〔{old_start.year}〕2号")
        credit.lift(reviewer, earlier.id, "用人单位补报材料，核实无误，解除", lifted_on=old_start + dt.timedelta(days=30))
        start = intro - dt.timedelta(days=10)
        credit.add(reviewer, talent=rec["id_number"], start=start,
                   end=dt.date(start.year + 3, start.month, min(start.day, 28)), basis=BASIS,
                   doc_no=f"阿人才信〔{start.year}〕1号")
        return rec["id_number"], code
    return None


def confirm_blocked(clerk: ServiceContext, barred: tuple[str, str] | None, today: dt.date, summary: Any) -> None:
    """After the workflow: the barred talent holds no grant, and proposing the benefit the
    engine found is refused (the refusal goes into the notes)."""
    from talentdesk.services.benefits import grants

    if barred is None:
        return
    number, code = barred
    with clerk.read() as session:
        held = session.execute(select(func.count(BenefitGrant.id)).join(Talent, BenefitGrant.talent_id == Talent.id)
                               .where(Talent.id_number == number)).scalar_one()
    if held:
        raise TalentDeskError(f"演示数据：失信名单上的人才（{number}）仍获批了待遇")
    try:
        grants.propose(clerk, number, code, approved_on=today, approval_doc_no=f"人才审〔{today.year}〕9999号")
    except TalentDeskError as exc:
        summary.notes.append(f"失信名单拒绝了一项待遇申请：{exc.message[:70]}")
        return
    raise TalentDeskError(f"演示数据：失信名单上的人才（{number}）的待遇申请未被拒绝")
