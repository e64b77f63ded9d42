"""Grants to organisations (单位/平台奖补): an employer (阿党人才字〔2023〕2号 第十八条 企业引才
奖补; 包头 若干措施 第六、十二条) or a platform (工作站、基地、工作室 …: 第二十四、二十七、二十九、
三十、三十一、三十四条), with the same pack rules, 一事一议 decisions, schedules, funding
splits, four-eyes approval and payment path as a talent's grant.

The services gather the organisation's facts; the engine (``rules.evaluate_organisation``)
decides. Facts: the employer's recorded attributes (``domain.employer_attrs``), whether it
is an enterprise and a 旗（区） enterprise (``domain.org_facts``), counts read from the
register (``employer_rigid_3y_talents``: its talents introduced rigidly on a contract of at
least three years with a confirmed 人才评价认定 in force on the approval date); a
platform's type, level and whether it is newly recognised; and what the clerk supplies
(考核评估结果, 连续三年缴纳养老保险, 活动实际支出 …). The 失信名单 entries of the employer (of a
platform's host employer) bar new support (条例 第六十六条). Approve, reject and cancel
are ``grants.approve`` / ``reject`` / ``cancel``; payments are ``payments``.

Public API::

    evaluate(ctx, *, employer=None, platform=None, approved_on, policy_id=None, as_of=None,
             facts=None) -> rules.Evaluation
    propose(ctx, *, employer=None, platform=None, benefit_code, approved_on, approval_doc_no,
            policy_id=None, decision_number=None, facts=None) -> grants.GrantView
    record_decision(ctx, *, employer=None, platform=None, number, decided_on, override="amount",
                    benefit_code, amount_fen=None, description=None) -> OrgDecisionView
    list_decisions(ctx, *, employer=None, platform=None) -> list[OrgDecisionView]
    policy_of(ctx, *, employer=None, platform=None) -> str
    load_employer(session, key) -> Employer
    grant_case(session, g, *, office=None) -> rules.payability.Case   # payments.decide
    still_as_proposed(session, g, who)                                  # grants.approve
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from talentdesk import rules
from talentdesk.domain import employer_attrs, money, org_facts, roster
from talentdesk.domain.errors import ConflictError, FieldError, NotFoundError, TalentDeskError, ValidationError
from talentdesk.domain.status import GRANT_STATUS
from talentdesk.models.entities import (BenefitGrant, CaseDecision, CreditEntry, Employer, Installment,
                                        InstallmentFunding, Talent)
from talentdesk.models.duties.platform import Platform
from talentdesk.services.benefits import decisions, grants
from talentdesk.services.benefits.packs import load_pack
from talentdesk.services.context import ServiceContext
from talentdesk.services.office import permissions
from talentdesk.services.office.audit import log as audit

KINDS = {"employer": "用人单位", "platform": "平台载体"}
# facts the clerk supplies for an organisation's benefits (what the register does not hold):
# (key, label, kind) with kind "bool", "choice:<a>/<b>/…" or "fen"; the packs cite them
CLERK_FACTS = (
    ("introduced_pension_3y", "所引进人才连续三年在我盟缴纳养老保险", "bool"),
    ("introduced_outstanding", "所引进人才取得突出业绩", "bool"),
    ("platform_assessment", "考核评估结果", "choice:优秀/良好/合格/不合格"),
    ("platform_built", "人才工作室已成功建设", "bool"),
    ("platform_effective", "作用发挥好、工作成效显著", "bool"),
    ("graduate_training_point", "与高校合作建立研究生培养点", "bool"),
    ("graduates_enrolled", "本年度招收培养的研究生人数", "int"),
    ("activity_held", "已举办稀土领域创新创业活动", "bool"),
    ("activity_expenditure_fen", "该次活动实际支出", "fen"),
)
# how a form names the facts a grant rested on (the clerk's and those read from the register)
FACT_LABELS = {**{k: label for k, label, _ in CLERK_FACTS},
               "employer_rigid_3y_talents": "刚性引进、三年以上合同并经认定的高层次人才（人）",
               "employer_banner_enterprise": "旗（区）企业", "employer_enterprise": "企业或人力资源服务机构",
               "platform_new": "本办法施行后新认定", "platform_type": "平台类型", "platform_level": "认定级别"}


def fact_text(key: str, value: Any) -> str:
    """“所引进人才取得突出业绩：是”, money facts in yuan."""
    label = FACT_LABELS.get(key, key)
    if isinstance(value, bool):
        return f"{label}：{'是' if value else '否'}"
    if key.endswith("_fen") and isinstance(value, int):
        return f"{label}：{money.yuan(value)}元"
    return f"{label}：{value}"


# ---------------------------------------------------------------- loading

def load_employer(session: Session, key: str, *, lock: bool = False) -> Employer:
    text = (key or "").strip()
    stmt = select(Employer).where((Employer.name == text) | (Employer.uscc == text))
    if lock and session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    e = session.execute(stmt).scalars().first()
    if e is None:
        raise NotFoundError(f"没有名称或统一社会信用代码为“{text}”的用人单位")
    return e


def _subject(session: Session, employer: str | None, platform: Any, *, lock: bool = False
             ) -> tuple[str, Employer | Platform]:
    from talentdesk.services.register import platforms

    has_e = bool((employer or "").strip())
    has_p = platform is not None and bool(str(platform).strip())
    if has_e == has_p:
        raise ValidationError([FieldError("beneficiary", "受益对象", None,
                                          "受益对象：请指定一家用人单位（名称）或一个平台载体（编号或名称），只能选其一")])
    if has_e:
        return "employer", load_employer(session, employer, lock=lock)
    return "platform", platforms.load(session, platform, lock=lock)


def _host(session: Session, kind: str, obj: Employer | Platform) -> Employer | None:
    if kind == "employer":
        return obj
    return session.get(Employer, obj.employer_id) if obj.employer_id else None


def _policy(session: Session, kind: str, obj: Employer | Platform, policy_id: str | None, office: Any) -> str:
    """The pack: given, else the policy most of the (host) employer's talents are under,
    else the office default."""
    if policy_id:
        return policy_id
    host = _host(session, kind, obj)
    if host is not None:
        counts = Counter(p for (p,) in session.execute(select(Talent.policy_id).where(
            Talent.employer_id == host.id, Talent.policy_id.is_not(None))))
        if counts:
            return counts.most_common(1)[0][0]
    return office.default_policy_id


# ---------------------------------------------------------------- engine inputs

@dataclass
class OrgInputs:
    kind: str  # employer / platform
    id: int
    name: str
    policy_id: str
    facts: dict[str, Any]
    decisions: list[rules.Decision]
    credit: tuple[rules.CreditBar, ...]
    extra_holidays: list[dt.date] = field(default_factory=list)
    extra_workdays: list[dt.date] = field(default_factory=list)


def _rigid_3y_talents(session: Session, employer_id: int, on: dt.date) -> int:
    """The employer's talents in post introduced rigidly (招聘/调动/…) on a contract of at
    least three years whose 人才评价认定 as a 高层次人才 is confirmed and in force on ``on``
    (第十八条 “刚性引进高层次人才…须依法签订三年以上聘用合同…经人才评价认定”)."""
    from talentdesk.services.register import recognitions

    ids = list(session.execute(select(Talent.id).where(
        Talent.employer_id == employer_id, Talent.status != "departed",
        Talent.introduction_mode.in_(roster.RIGID_MODES), Talent.contract_years >= 3)).scalars())
    if not ids:
        return 0
    return sum(1 for by_scheme in recognitions.current(session, ids, on).values()
               if any(org_facts.high_level(scheme, v.tier) for scheme, v in by_scheme.items()))


def org_inputs(session: Session, kind: str, obj: Employer | Platform, *, policy_id: str | None = None,
               on: dt.date | None = None, office: Any = None) -> OrgInputs:
    """What the engine reads about one organisation (``on``: the approval date, for counts)."""
    from talentdesk.services.office import settings

    office = office or settings.read_settings(session)
    pid = _policy(session, kind, obj, policy_id, office)
    pack = load_pack(pid)
    on = on or dt.date.today()
    facts: dict[str, Any] = {}
    host = _host(session, kind, obj)
    if host is not None:
        facts.update(employer_attrs.engine_facts({k: getattr(host, k) for k in employer_attrs.ATTRIBUTE_KEYS}))
        for key, value in (("employer_enterprise", org_facts.is_enterprise(host.kind)),
                           ("employer_banner_enterprise", org_facts.is_banner_enterprise(host.district))):
            if value is not None:
                facts[key] = value
    if kind == "employer":
        facts["employer_rigid_3y_talents"] = _rigid_3y_talents(session, obj.id, on)
        rows = select(CaseDecision).where(CaseDecision.employer_id == obj.id)
    else:
        for key, value in (("platform_type", obj.category), ("platform_level", obj.level),
                           ("platform_kind", obj.kind),
                           ("platform_new", org_facts.is_new(obj.recognised_on, pack.effective_from))):
            if value is not None:
                facts[key] = value
        rows = select(CaseDecision).where(CaseDecision.platform_id == obj.id)
    decisions = grants.engine_decisions(session.execute(rows.order_by(CaseDecision.id)).scalars())
    credit: tuple[rules.CreditBar, ...] = ()
    if host is not None:
        credit = tuple(grants.credit_bar(e, "employer", host.name) for e in session.execute(
            select(CreditEntry).where(CreditEntry.employer_id == host.id).order_by(CreditEntry.id)).scalars())
    return OrgInputs(kind, obj.id, obj.name, pack.id, facts, decisions, credit,
                     list(office.extra_holidays), list(office.extra_workdays))


def run(inputs: OrgInputs, *, approved_on: dt.date, as_of: dt.date | None = None, facts: dict | None = None,
        new_support: bool = False, benefits=None) -> rules.Evaluation:
    """The engine on an organisation's inputs; ``new_support``: the 失信名单 applies on
    ``approved_on`` and today (a proposal, its approval)."""
    return rules.evaluate_organisation(
        load_pack(inputs.policy_id), inputs.kind, approved_on=approved_on, as_of=as_of,
        facts=inputs.facts | (facts or {}), decisions=inputs.decisions, extra_holidays=inputs.extra_holidays,
        extra_workdays=inputs.extra_workdays, credit=inputs.credit if new_support else (),
        decided_on=dt.date.today() if new_support else None, benefits=benefits)


def grant_case(session: Session, g: BenefitGrant, *, office: Any = None) -> rules.payability.Case:
    """The payability case of an organisation's grant: its stored inputs as of the grant's
    approval date, the facts it was proposed with."""
    kind = "employer" if g.employer_id is not None else "platform"
    obj = session.get(Employer if kind == "employer" else Platform, g.employer_id or g.platform_id)
    inputs = org_inputs(session, kind, obj, policy_id=g.policy_id, on=g.approval_date, office=office)
    return rules.payability.Case(
        pack=load_pack(g.policy_id), profile={}, benefit_code=g.benefit_code, approved_on=g.approval_date,
        decisions=tuple(inputs.decisions), facts=inputs.facts | grants.grant_facts(g),
        extra_holidays=tuple(inputs.extra_holidays), extra_workdays=tuple(inputs.extra_workdays),
        credit=inputs.credit, beneficiary=kind)


# ---------------------------------------------------------------- use cases

def level_name(policy_id: str, level: str) -> str:
    """The pack's name of a funding level (盟级, 旗（区）级, 市级 …)."""
    return load_pack(policy_id).level_name(level)


def facts_read(ctx: ServiceContext, *, employer: str | None = None, platform: Any = None) -> list[str]:
    """The facts the organisation's pack reads for organisations (so a form asks only these)."""
    pack = load_pack(policy_of(ctx, employer=employer, platform=platform))
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("fact"), str) and node["fact"] not in found:
                found.append(node["fact"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
    walk(pack.org_benefits("employer") + pack.org_benefits("platform"))
    return found


def policy_of(ctx: ServiceContext, *, employer: str | None = None, platform: Any = None) -> str:
    from talentdesk.services.office import settings

    with ctx.read() as session:
        kind, obj = _subject(session, employer, platform)
        return _policy(session, kind, obj, None, settings.read_settings(session))


def evaluate(ctx: ServiceContext, *, employer: str | None = None, platform: Any = None, approved_on: dt.date,
             policy_id: str | None = None, as_of: dt.date | None = None, facts: dict | None = None
             ) -> rules.Evaluation:
    """The engine's evaluation of an organisation's benefits (read-only)."""
    with ctx.read() as session:
        kind, obj = _subject(session, employer, platform)
        inputs = org_inputs(session, kind, obj, policy_id=policy_id, on=approved_on)
    return run(inputs, approved_on=approved_on, as_of=as_of or approved_on, facts=facts, new_support=True)


def _duplicate(session: Session, pack: rules.Pack, kind: str, obj_id: int, code: str,
               approved_on: dt.date) -> BenefitGrant | None:
    """An active grant the pack's ``repeat`` forbids beside a new one: once (不重复享受) any
    active grant of the benefit; yearly (“每年”) one approved in the same calendar year;
    each (每次) none."""
    repeat = (pack.benefit(code) or {}).get("repeat", "once")
    if repeat == "each":
        return None
    col = BenefitGrant.employer_id if kind == "employer" else BenefitGrant.platform_id
    stmt = select(BenefitGrant).where(col == obj_id, BenefitGrant.benefit_code == code,
                                      BenefitGrant.status.in_(grants.ACTIVE_GRANT))
    if repeat == "yearly":
        stmt = stmt.where(BenefitGrant.approval_date.between(dt.date(approved_on.year, 1, 1),
                                                             dt.date(approved_on.year, 12, 31)))
    return session.execute(stmt).scalars().first()


def propose(ctx: ServiceContext, *, employer: str | None = None, platform: Any = None, benefit_code: str,
            approved_on: dt.date, approval_doc_no: str | None, policy_id: str | None = None,
            decision_number: str | None = None, facts: dict | None = None) -> grants.GrantView:
    """Create a proposed grant to an organisation with the installments and funding split
    the engine scheduled. Refuses (Chinese) a benefit the pack does not pay to this kind of
    organisation, an ineligible or undetermined one (the engine's reasons, 失信名单 included),
    an amount left to the office without a recorded decision (“最高…”: 一事一议), a revoked
    platform, and a second active grant the pack's ``repeat`` forbids."""
    permissions.require(ctx, "grant.propose")
    if approved_on is None:
        raise ValidationError([FieldError("approved_on", "批准日期", None, "批准日期：必须填写")])
    approval_doc_no = grants.check_approval_doc_no(approval_doc_no)
    with ctx.write() as session:
        kind, obj = _subject(session, employer, platform, lock=True)
        if kind == "platform" and obj.status != "active":
            raise ConflictError(f"平台载体“{obj.name}”已撤销认定，不能再申请奖补")
        inputs = org_inputs(session, kind, obj, policy_id=policy_id, on=approved_on)
        pack = load_pack(inputs.policy_id)
        codes = pack.org_benefit_codes(kind)
        if benefit_code not in codes:
            names = "、".join(f"{b['name']}（{b['code']}）" for b in pack.org_benefits(kind)) or "（无）"
            raise ValidationError([FieldError("benefit_code", "奖补项目", benefit_code,
                                              f"奖补项目：“{benefit_code}”不是政策{pack.id}给{KINDS[kind]}的支持，可选：{names}")])
        dup = _duplicate(session, pack, kind, obj.id, benefit_code, approved_on)
        if dup is not None:
            when = f"{approved_on.year}年已有" if (pack.benefit(benefit_code) or {}).get("repeat") == "yearly" else "已有"
            raise ConflictError(f"{obj.name}{when}{dup.benefit_name or benefit_code}（{GRANT_STATUS[dup.status]}，"
                                f"编号{dup.id}），不重复享受")
        decision = None
        if decision_number:
            col = CaseDecision.employer_id if kind == "employer" else CaseDecision.platform_id
            decision = session.execute(select(CaseDecision).where(
                col == obj.id, CaseDecision.number == decision_number)).scalars().first()
            if decision is None:
                raise NotFoundError(f"{obj.name}没有文号为“{decision_number}”的一事一议决定，请先登记决定")
        ev = run(inputs, approved_on=approved_on, as_of=approved_on, facts=facts, new_support=True)
        res = ev.benefit(benefit_code)
        if res.status != "eligible":
            why = "；".join(res.reasons) or "不符合条件"
            if res.missing:
                why += f"（缺少：{'、'.join(res.missing)}）"
            raise ValidationError([FieldError("benefit_code", "奖补项目", res.name, f"{res.name}：{why}")])
        live = [i for i in res.installments if i.status != "cancelled"]
        if not live:
            why = "；".join(res.reasons) or "金额待定（一事一议）"
            raise ValidationError([FieldError("benefit_code", "奖补项目", res.name,
                                              f"{res.name}：没有可发放的金额：{why}，请先登记一事一议决定")])
        explanation = res.to_json()
        explanation["review_years"] = {}
        explanation["warnings"] = list(ev.warnings)
        explanation["facts"] = grants.facts_json(facts)
        explanation["beneficiary_facts"] = grants.facts_json(inputs.facts)
        g = BenefitGrant(employer_id=obj.id if kind == "employer" else None,
                         platform_id=obj.id if kind == "platform" else None, policy_id=pack.id,
                         benefit_code=benefit_code, benefit_name=res.name, total_fen=sum(i.amount_fen for i in live),
                         approval_date=approved_on, approval_doc_no=approval_doc_no or None,
                         basis="；".join(res.basis), decision_id=decision.id if decision else None,
                         status="proposed", proposed_by=ctx.actor)
        session.add(g)
        session.flush()
        for seq, inst in enumerate(live, 1):
            if sum(inst.funding.values()) != inst.amount_fen:  # pragma: no cover - engine invariant
                raise TalentDeskError(f"{res.name}第{seq}期资金分担合计与金额不符，请联系维护人员")
            row = Installment(grant_id=g.id, seq=seq, due_date=inst.due, amount_fen=inst.amount_fen,
                              condition=inst.condition or None, status="scheduled", status_reason=inst.note or None)
            row.funding = [InstallmentFunding(level=k, amount_fen=v) for k, v in inst.funding.items() if v]
            session.add(row)
        g.explanation = json.dumps(explanation, ensure_ascii=False, default=str)
        session.flush()
        snap = grants.grant_snapshot(g) | {"beneficiary": kind, "beneficiary_name": obj.name,
                                      "installments": [{"seq": i.seq, "due": i.due_date, "amount_fen": i.amount_fen,
                                                        "funding": {f.level: f.amount_fen for f in i.funding}}
                                                       for i in g.installments]}
        audit.record(session, ctx.actor, "propose", "benefit_grant", g.id, after=snap)
        session.refresh(g)
        who = grants.Beneficiary(kind, obj.id, obj.name, (obj.uscc or "") if kind == "employer" else "")
        return grants.grant_view(g, who, decision.number if decision else None)


def still_as_proposed(session: Session, g: BenefitGrant, who: grants.Beneficiary) -> None:
    """Refuse approval when the organisation's stored facts changed since the proposal so
    that the engine now says something else (not eligible, another amount), or a 失信名单
    entry now bars it (条例 第六十六条: approving is new support, decided today)."""
    inputs = org_inputs(session, who.kind, session.get(Employer if who.kind == "employer" else Platform, who.id),
                        policy_id=g.policy_id, on=g.approval_date)
    res = run(inputs, approved_on=g.approval_date, as_of=g.approval_date, facts=grants.grant_facts(g),
              new_support=True, benefits=[g.benefit_code]).benefit(g.benefit_code)
    what = f"{who.name}的{g.benefit_name or g.benefit_code}申请（编号{g.id}）"
    if res.status != "eligible":
        why = "；".join(res.reasons) or "不符合条件"
        raise ConflictError(f"{what}提交后信息有变化，按现有信息测算已不符合：{why}。请退回后重新测算")
    now = {(i.due, i.amount_fen) for i in res.installments}
    stored = {(i.due_date, i.amount_fen) for i in g.installments if i.reverses_id is None}
    if not stored <= now:
        raise ConflictError(f"{what}提交后信息有变化，测算的发放计划已不同"
                            f"（现为{money.yuan(sum(a for _, a in now))}元），请退回后重新申请")


# ---------------------------------------------------------------- 一事一议 decisions

@dataclass
class OrgDecisionView:
    id: int
    beneficiary: str  # employer / platform
    beneficiary_id: int
    beneficiary_name: str
    number: str
    decided_on: dt.date
    benefit_code: str | None
    override: str
    amount_fen: int | None
    description: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "beneficiary": self.beneficiary, "受益对象": self.beneficiary_name,
                "number": self.number, "decided_on": self.decided_on.isoformat(), "benefit_code": self.benefit_code,
                "override": self.override, "amount_fen": self.amount_fen,
                "amount": money.yuan(self.amount_fen) if self.amount_fen is not None else None,
                "description": self.description}


def _decision_view(d: CaseDecision, kind: str, obj: Employer | Platform) -> OrgDecisionView:
    return OrgDecisionView(d.id, kind, obj.id, obj.name, d.number, d.decided_on, d.benefit_code, d.override,
                           d.amount_fen, d.description)


def record_decision(ctx: ServiceContext, *, employer: str | None = None, platform: Any = None, number: str,
                    decided_on: dt.date, override: str = "amount", benefit_code: str | None,
                    amount_fen: int | None = None, description: str | None = None) -> OrgDecisionView:
    """Record the office's 一事一议 decision for an organisation: the amount of a benefit
    whose text says “最高…” or “一事一议” (``override="amount"``, ``amount_fen`` > 0), or a
    case the text hands over (``defer``). The engine caps an amount at the pack's maximum."""
    permissions.require(ctx, "decision.write")
    number, errors = decisions.check_number_and_date(number, decided_on)
    if override not in ("amount", "defer", "other"):
        errors.append(FieldError("override", "事项", override, "事项：单位/平台的决定可选：核定金额（amount）、"
                                                              "依另行规定决定（defer）、其他事项（other）"))
    if override == "amount" and (not isinstance(amount_fen, int) or amount_fen <= 0):
        errors.append(FieldError("amount_fen", "核定金额", amount_fen, "核定金额：核定金额的决定必须填写大于0的金额"))
    if override == "amount" and not benefit_code:
        errors.append(FieldError("benefit_code", "奖补项目", benefit_code, "奖补项目：核定金额的决定必须指明奖补项目"))
    if errors:
        raise ValidationError(errors)
    from talentdesk.services.office import settings

    with ctx.write() as session:
        kind, obj = _subject(session, employer, platform, lock=True)
        if benefit_code:
            pack = load_pack(_policy(session, kind, obj, None, settings.read_settings(session)))
            if benefit_code not in pack.org_benefit_codes(kind):
                names = "、".join(f"{b['name']}（{b['code']}）" for b in pack.org_benefits(kind)) or "（无）"
                raise ValidationError([FieldError("benefit_code", "奖补项目", benefit_code,
                                                  f"奖补项目：“{benefit_code}”不是政策{pack.id}给{KINDS[kind]}的支持，可选：{names}")])
        col = CaseDecision.employer_id if kind == "employer" else CaseDecision.platform_id
        if session.execute(select(CaseDecision.id).where(col == obj.id, CaseDecision.number == number)).first():
            raise ConflictError(f"{obj.name}已登记文号为“{number}”的一事一议决定")
        d = CaseDecision(employer_id=obj.id if kind == "employer" else None,
                         platform_id=obj.id if kind == "platform" else None, number=number, decided_on=decided_on,
                         benefit_code=benefit_code or None, override=override, amount_fen=amount_fen,
                         description=(description or "").strip() or None)
        session.add(d)
        session.flush()
        audit.record(session, ctx.actor, "create", "case_decision", d.id,
                     after={"beneficiary": kind, "beneficiary_id": obj.id, "number": number,
                            "decided_on": decided_on, "benefit_code": benefit_code, "override": override,
                            "amount_fen": amount_fen, "description": d.description})
        return _decision_view(d, kind, obj)


def list_decisions(ctx: ServiceContext, *, employer: str | None = None, platform: Any = None
                   ) -> list[OrgDecisionView]:
    with ctx.read() as session:
        kind, obj = _subject(session, employer, platform)
        col = CaseDecision.employer_id if kind == "employer" else CaseDecision.platform_id
        return [_decision_view(d, kind, obj) for d in session.execute(
            select(CaseDecision).where(col == obj.id).order_by(CaseDecision.id)).scalars()]


def count_by_employer(ctx: ServiceContext, employer_id: int) -> tuple[int, int]:
    """(grants, net paid fen) of an employer's own grants and of its platforms' grants."""
    from talentdesk.services.benefits.grants import PAID_STATUSES

    with ctx.read() as session:
        plats = select(Platform.id).where(Platform.employer_id == employer_id)
        mine = (BenefitGrant.employer_id == employer_id) | BenefitGrant.platform_id.in_(plats)
        n = session.execute(select(func.count(BenefitGrant.id)).where(mine)).scalar_one()
        paid = session.execute(select(func.coalesce(func.sum(Installment.amount_fen), 0))
                               .join(BenefitGrant, Installment.grant_id == BenefitGrant.id)
                               .where(mine, Installment.status.in_(PAID_STATUSES))).scalar_one()
        return int(n), int(paid)
