"""Demo data for grants to organisations (services.benefits.org_grants), through the
services only; called once from ``demo.generate`` after the talents' workflow.

- 企业引才奖补 (阿党人才字〔2023〕2号 第十八条): each Alxa 旗（区） enterprise with a rigidly
  introduced, recognised talent on a contract of three years or more gets the 人才工作领导
  小组's 一事一议 decision, a grant approved by the reviewer and paid, split 50%:50% between
  the league and the banner.
- 平台载体: an 院士专家工作站 hosted by an Alxa enterprise, assessed 优秀, granted its
  配套资金 (第二十四条) and paid by the league; a 名医工作室 whose grant (第二十九条) waits for
  the reviewer; a Baotou enterprise's 创新创业活动 (若干措施 第十二条: 50% of the spending)
  approved, due.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from talentdesk.domain.errors import TalentDeskError
from talentdesk.services.context import ServiceContext

FACTS_18 = {"introduced_pension_3y": True, "introduced_outstanding": True}
WORKSTATION = ("院士专家工作站", "工作站", "院士专家工作站", "自治区级", "内蒙古自治区科学技术协会")
STUDIO = ("名医工作室", "工作室", "名医工作室", "盟级", "阿拉善盟卫生健康委员会")


def mark_enterprise_talents(records: list[dict[str, Any]], employers: list[Any], employer_ids: dict[str, int]) -> int:
    """Before the talents are stored: in each Alxa 旗（区） enterprise, one rigidly introduced
    talent on a contract of three years or more is a 高端人才 (D) by the roster, so that the
    recognitions step recognises it and the enterprise qualifies for 第十八条."""
    from talentdesk.domain import roster

    marked = 0
    for e in employers:
        if e.policy_id != "alxa-2023" or "企业" not in (e.kind or ""):
            continue
        eid = employer_ids[e.name]
        for rec in records:
            if (rec["employer_id"] == eid and rec["introduction_mode"] in roster.RIGID_MODES
                    and (rec.get("contract_years") or 0) >= 3 and rec.get("talent_class") in (None, "无")):
                rec["talent_class"] = "D"
                marked += 1
                break
    return marked


def _pay(clerk: ServiceContext, reviewer: ServiceContext, g: Any, paid_on: dt.date, voucher: str) -> int:
    from talentdesk.services.benefits import payments

    ids = [i.id for i in g.installments if i.due_date <= paid_on]
    if not ids:
        return 0
    payments.propose(clerk, ids, as_of=g.installments[0].due_date)
    payments.approve(reviewer, ids, as_of=g.installments[0].due_date)
    for n, iid in enumerate(ids, 1):
        payments.record_paid(clerk, iid, paid_on, f"{voucher}-{n}")
    return len(ids)


def _approved_on(today: dt.date, days: int) -> dt.date:
    d = today - dt.timedelta(days=days)
    while d.weekday() >= 5:
        d -= dt.timedelta(days=1)
    return d


def add_org_grants(clerk: ServiceContext, reviewer: ServiceContext, today: dt.date, summary: Any = None) -> int:
    """Record the organisations' grants; returns how many grants were proposed."""
    from talentdesk.services.benefits import grants, org_grants
    from talentdesk.services.register import employers, platforms

    made = 0
    firms = [e for e in employers.list_all(clerk) if e.kind and "企业" in e.kind]

    def note(text: str) -> None:
        if summary is not None:
            summary.notes.append(text)

    # 第十八条 企业引才奖补: a 旗（区） enterprise with a recognised rigid talent
    for n, e in enumerate(firms, 1):
        approved_on = _approved_on(today, 150 + 20 * n)
        try:
            ev = org_grants.evaluate(clerk, employer=e.name, approved_on=approved_on, facts=FACTS_18)
        except TalentDeskError:
            continue
        res = next((b for b in ev.benefits if b.status == "eligible"), None)
        if res is None:
            continue
        amount = min(res.max_fen or 0, 10_000_000 + 5_000_000 * (n % 3))
        number = f"阿人才领字〔{approved_on.year}〕{30 + n}号"
        try:
            org_grants.record_decision(clerk, employer=e.name, number=number, decided_on=approved_on,
                                       benefit_code=res.code, amount_fen=amount,
                                       description="盟委人才工作领导小组会议研究，一事一议给予引才奖补")
            g = org_grants.propose(clerk, employer=e.name, benefit_code=res.code, approved_on=approved_on,
                                   approval_doc_no=f"阿人才审〔{approved_on.year}〕{300 + n}号",
                                   decision_number=number, facts=FACTS_18)
            made += 1
            g = grants.approve(reviewer, g.id)
            _pay(clerk, reviewer, g, approved_on + dt.timedelta(days=12), f"记-{approved_on.year}-Y{n:02d}")
        except TalentDeskError as exc:
            note(f"企业引才奖补未能完成：{e.name}：{exc.message[:60]}")

    # 平台载体 (第二十四、二十九条) and a Baotou activity (若干措施 第十二条)
    alxa_firm = next((e for e in firms if e.district and "阿拉善" in e.district), None)
    hospital = next((e for e in employers.list_all(clerk) if e.name.endswith("中心医院")), None)
    try:
        if alxa_firm is not None:
            cat, kind, category, level, body = WORKSTATION
            p = platforms.add(clerk, f"{alxa_firm.name.replace('有限公司', '')}{cat}", kind=kind, category=category,
                              employer=alxa_firm.name, level=level, body=body,
                              doc_no=f"内科协字〔{today.year - 1}〕18号", recognised_on=dt.date(today.year - 1, 8, 1))
            approved_on = _approved_on(today, 60)
            number = f"阿人才领字〔{approved_on.year}〕58号"
            org_grants.record_decision(clerk, platform=p.id, number=number, decided_on=approved_on,
                                       benefit_code="workstation_support", amount_fen=40_000_000,
                                       description="考核评估为优秀，按最高50万元的八成给予配套资金")
            g = org_grants.propose(clerk, platform=p.id, benefit_code="workstation_support", approved_on=approved_on,
                                   approval_doc_no=f"阿人才审〔{approved_on.year}〕358号", decision_number=number,
                                   facts={"platform_assessment": "优秀"})
            made += 1
            g = grants.approve(reviewer, g.id)
            _pay(clerk, reviewer, g, approved_on + dt.timedelta(days=9), f"记-{approved_on.year}-P01")
        if hospital is not None:
            cat, kind, category, level, body = STUDIO
            p = platforms.add(clerk, f"{hospital.name}{cat}", kind=kind, category=category, employer=hospital.name,
                              level=level, body=body, doc_no=f"阿卫健字〔{today.year}〕6号",
                              recognised_on=today - dt.timedelta(days=40))
            approved_on = _approved_on(today, 7)
            number = f"阿人才领字〔{approved_on.year}〕61号"
            org_grants.record_decision(clerk, platform=p.id, number=number, decided_on=approved_on,
                                       benefit_code="master_studio_support", amount_fen=5_000_000)
            org_grants.propose(clerk, platform=p.id, benefit_code="master_studio_support", approved_on=approved_on,
                               approval_doc_no=f"阿人才审〔{approved_on.year}〕361号", decision_number=number)
            made += 1  # waits for the reviewer
        baotou = next((e for e in firms if e.district == "稀土高新区"), None)
        if baotou is not None:
            approved_on = min(_approved_on(today, 90), dt.date(2025, 12, 31))
            g = org_grants.propose(clerk, employer=baotou.name, benefit_code="innovation_activity_support",
                                   approved_on=approved_on, approval_doc_no=f"包人才审〔{approved_on.year}〕88号",
                                   facts={"activity_held": True, "activity_expenditure_fen": 68_000_000})
            made += 1
            grants.approve(reviewer, g.id)
    except TalentDeskError as exc:
        note(f"平台载体奖补未能完成：{exc.message[:60]}")
    return made
