"""Benefit grants (待遇审批): evaluate a talent, propose a grant, approve, reject, cancel.

A grant is one benefit of one policy for one talent (安家补贴, 租房补贴 …) with its
installments exactly as the rules engine scheduled them (amounts and funding split to
the fen) and the articles it rests on. Lifecycle::

    propose (clerk) → proposed ─ approve (reviewer ≠ proposer) → approved ─ cancel → cancelled
                                └ reject (reviewer) → rejected

Installments of a grant start ``scheduled``; ``talentdesk.services.benefits.payments`` moves them
on (proposed → approved → paid). Only a proposed or approved grant is *active*: a second
active grant of the same benefit for the same talent is refused (不重复享受).

Public API::

    evaluate_talent(ctx, id_number, *, approved_on, policy_id=None, as_of=None,
                    departed_on=None, facts=None) -> Evaluation   # rules.Evaluation (.to_json())
    propose(ctx, id_number, benefit_code, *, approved_on, approval_doc_no, policy_id=None,
            decision_number=None, facts=None) -> GrantView
    check_approval_doc_no(value) -> str | None   # the 审批文号 must carry its sequence number
    approve(ctx, grant_id, *, expected_version=None) -> GrantView
    reject(ctx, grant_id, reason, *, expected_version=None) -> GrantView
    cancel(ctx, grant_id, reason, *, expected_version=None) -> GrantView
    get_grant(ctx, grant_id) -> GrantView
    list_grants(ctx, talent=None, *, status=None, benefit_code=None, policy_id=None,
                limit=None, offset=0) -> list[GrantView]
    load_pack(policy_id) -> rules.Pack       # shipped packs + the office's policy folder
    policy_of(ctx, id_number) -> str          # the talent's policy id (default from settings)
    ensure_policy(ctx, id_number, policy_id=None) -> str   # store it on the talent if unset
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from talentdesk import rules
from talentdesk.domain import docno, money
from talentdesk.domain.errors import ConflictError, NotFoundError, TalentDeskError, ValidationError, FieldError
from talentdesk.domain.status import GRANT_STATUS, INSTALLMENT_STATUS
from talentdesk.models.base import utcnow
from talentdesk.models.entities import (BenefitGrant, CaseDecision, Installment, InstallmentFunding,
                                        ServiceAgreement, Talent)
from talentdesk.services.benefits.packs import load_pack
from talentdesk.services.finance import budget
from talentdesk.services.office import permissions
from talentdesk.services.office.audit import log as audit
from talentdesk.services.context import ServiceContext

ACTIVE_GRANT = ("proposed", "approved")
BENEFICIARY_LABELS = {"talent": "人才", "employer": "用人单位", "platform": "平台载体"}
# installment statuses that count as money out of the fund (net with reversals)
PAID_STATUSES = ("paid", "reversed")
OPEN_STATUSES = ("scheduled", "proposed", "approved", "suspended")


# ---------------------------------------------------------------- views

@dataclass
class InstallmentView:
    id: int
    grant_id: int
    seq: int
    due_date: dt.date
    amount_fen: int
    funding: dict[str, int]  # level code → fen (league/banner/city/local)
    condition: str | None
    status: str
    status_reason: str | None
    paid_date: dt.date | None = None
    voucher_no: str | None = None
    proposed_by: str | None = None
    approved_by: str | None = None
    reverses_id: int | None = None
    review_year: int | None = None  # the annual review this installment needs, if any
    version: int = 1

    @property
    def status_label(self) -> str:
        return INSTALLMENT_STATUS.get(self.status, self.status)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "grant_id": self.grant_id, "seq": self.seq, "due_date": self.due_date.isoformat(),
                "amount_fen": self.amount_fen, "amount": money.yuan(self.amount_fen), "funding": dict(self.funding),
                "condition": self.condition, "status": self.status, "status_label": self.status_label,
                "status_reason": self.status_reason,
                "paid_date": self.paid_date.isoformat() if self.paid_date else None, "voucher_no": self.voucher_no,
                "proposed_by": self.proposed_by, "approved_by": self.approved_by, "reverses_id": self.reverses_id,
                "review_year": self.review_year}


@dataclass
class GrantView:
    id: int
    version: int
    talent_id: int
    talent_name: str
    id_number: str
    policy_id: str
    benefit_code: str
    benefit_name: str | None
    total_fen: int | None
    approval_date: dt.date | None
    approval_doc_no: str | None
    basis: list[str]
    status: str
    proposed_by: str | None
    approved_by: str | None
    approved_at: dt.datetime | None
    decision_number: str | None
    explanation: dict | None  # the engine's benefit result (to_json) at proposal time
    installments: list[InstallmentView] = field(default_factory=list)
    reason: str | None = None  # why rejected/cancelled (from the audit trail's last change)
    # set by approve: the appropriations this approval overspends (finance.budget.overcommitment)
    budget_warnings: list[str] = field(default_factory=list)
    # who is paid: "talent" (talent_id, talent_name, id_number), or an organisation
    # ("employer" / "platform": talent_id None, talent_name the organisation's name,
    # id_number the employer's 统一社会信用代码 or "")
    beneficiary: str = "talent"
    employer_id: int | None = None
    platform_id: int | None = None

    @property
    def beneficiary_label(self) -> str:
        return BENEFICIARY_LABELS.get(self.beneficiary, self.beneficiary)

    @property
    def status_label(self) -> str:
        return GRANT_STATUS.get(self.status, self.status)

    @property
    def paid_fen(self) -> int:
        return sum(i.amount_fen for i in self.installments if i.status in PAID_STATUSES)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "version": self.version, "talent_id": self.talent_id, "姓名": self.talent_name,
                "身份证号": self.id_number, "policy_id": self.policy_id, "benefit_code": self.benefit_code,
                "benefit_name": self.benefit_name, "total_fen": self.total_fen,
                "total": money.yuan(self.total_fen) if self.total_fen is not None else None,
                "paid_fen": self.paid_fen,
                "approval_date": self.approval_date.isoformat() if self.approval_date else None,
                "approval_doc_no": self.approval_doc_no, "basis": list(self.basis), "status": self.status,
                "status_label": self.status_label, "proposed_by": self.proposed_by,
                "approved_by": self.approved_by,
                "approved_at": self.approved_at.isoformat(timespec="seconds") if self.approved_at else None,
                "decision_number": self.decision_number, "reason": self.reason,
                "installments": [i.as_dict() for i in self.installments],
                "budget_warnings": list(self.budget_warnings),
                "beneficiary": self.beneficiary, "受益对象": self.beneficiary_label,
                "employer_id": self.employer_id, "platform_id": self.platform_id}


def review_years(grant: BenefitGrant) -> dict[int, int]:
    """seq → review year, from the explanation stored at proposal time."""
    try:
        data = json.loads(grant.explanation or "{}")
    except ValueError:
        return {}
    return {int(k): v for k, v in (data.get("review_years") or {}).items() if v is not None}


def installment_view(inst: Installment, review_years: dict[int, int] | None = None) -> InstallmentView:
    return InstallmentView(
        inst.id, inst.grant_id, inst.seq, inst.due_date, inst.amount_fen,
        {f.level: f.amount_fen for f in inst.funding}, inst.condition, inst.status, inst.status_reason,
        inst.paid_date, inst.voucher_no, inst.proposed_by, inst.approved_by, inst.reverses_id,
        None if inst.reverses_id else (review_years or {}).get(inst.seq), inst.version)


@dataclass(frozen=True)
class Beneficiary:
    """Whom a grant pays: a talent, an employer or a platform."""
    kind: str  # talent / employer / platform
    id: int
    name: str
    id_number: str  # the talent's 身份证号, the employer's 统一社会信用代码, or ""
    talent_id: int | None = None  # the talent's id (audit events of its grants name it)


def beneficiary_of(session: Session, g: BenefitGrant) -> Beneficiary:
    """The grant's beneficiary, read from its talent, employer or platform."""
    from talentdesk.models.entities import Employer
    from talentdesk.models.duties.platform import Platform

    if g.talent_id is not None:
        t = session.get(Talent, g.talent_id)
        return Beneficiary("talent", t.id, t.name, t.id_number, t.id)
    if g.employer_id is not None:
        e = session.get(Employer, g.employer_id)
        return Beneficiary("employer", e.id, e.name, e.uscc or "")
    p = session.get(Platform, g.platform_id)
    return Beneficiary("platform", p.id, p.name, "")


def grant_view(g: BenefitGrant, talent: "Talent | Beneficiary", decision_number: str | None = None) -> GrantView:
    try:
        explanation = json.loads(g.explanation) if g.explanation else None
    except ValueError:
        explanation = None
    reviews = review_years(g)
    basis = [b for b in (g.basis or "").split("；") if b]
    reason = (explanation or {}).get("status_reason") if explanation else None
    kind = talent.kind if isinstance(talent, Beneficiary) else "talent"
    return GrantView(g.id, g.version, g.talent_id, talent.name, talent.id_number, g.policy_id, g.benefit_code,
                     g.benefit_name, g.total_fen, g.approval_date, g.approval_doc_no, basis, g.status,
                     g.proposed_by, g.approved_by, g.approved_at, decision_number, explanation,
                     [installment_view(i, reviews) for i in sorted(g.installments, key=lambda i: (i.seq, i.id))],
                     reason, beneficiary=kind, employer_id=g.employer_id, platform_id=g.platform_id)


# ---------------------------------------------------------------- engine inputs


def load_talent(session: Session, id_number: str, *, lock: bool = False) -> Talent:
    from talentdesk.services.register import talents

    return talents.load(session, id_number, lock=lock)


# decision kinds the rules engine reads (``rules.Decision.kind``); “other” is a record only
ENGINE_DECISION_KINDS = ("age_limit", "amount", "defer", "parts", "refund")


def engine_decisions(rows: Iterable[CaseDecision]) -> list[rules.Decision]:
    out = []
    for d in rows:
        if d.override not in ENGINE_DECISION_KINDS:
            continue  # “其他事项”: a record, nothing the engine reads
        kind = d.override
        out.append(rules.Decision(number=d.number, kind=kind, benefit_code=d.benefit_code,
                                  amount_fen=d.amount_fen, date=d.decided_on, note=d.description or ""))
    return out


@dataclass
class EngineInputs:
    """Everything about one stored talent the engine needs (read in one session)."""
    talent_id: int
    policy_id: str
    profile: dict[str, Any]
    reviews: dict[int, str]
    decisions: list[rules.Decision]
    extra_holidays: list[dt.date]
    extra_workdays: list[dt.date]
    facts: dict[str, Any] = field(default_factory=dict)  # from stored records (agreements, service years)
    # keys of ``facts`` merged from all the talent's grants' service years; dropped when one
    # grant is evaluated with its own facts (``grant_facts``), so years never cross grants
    per_year_keys: tuple[str, ...] = ()
    departed_on: dt.date | None = None  # the recorded departure (run_engine uses it only when told)
    # 失信名单 entries of the talent and of its employer, lifted ones included (the engine
    # decides which bar: 条例 第六十六条); read by run_engine(new_support=True) and grant_case
    credit: tuple[rules.CreditBar, ...] = ()

    def base_facts(self, own: dict | None) -> dict[str, Any]:
        """The talent's facts for one grant's case: without other grants' service years when
        the grant's own facts (``own``) are given."""
        if own is not None and self.per_year_keys:
            return {k: v for k, v in self.facts.items() if k not in self.per_year_keys}
        return self.facts


def engine_inputs(session: Session, talent: Talent, policy_id: str | None = None, *, office: Any = None
                  ) -> EngineInputs:
    """What the engine reads about one stored talent. ``office``: the settings already read
    in this session (a batch reads them once); ``engine_inputs_many`` for many talents."""
    inputs = engine_inputs_many(session, [talent], office=office)[talent.id]
    if policy_id:
        inputs.policy_id = policy_id
    return inputs


def engine_inputs_many(session: Session, talent_list: Iterable[Talent], *, office: Any = None
                       ) -> dict[int, EngineInputs]:
    """``engine_inputs`` for many talents at once (a few queries per 900 talents)."""
    from talentdesk.domain import roster
    from talentdesk.domain import employer_attrs
    from talentdesk.models.entities import AnnualReview, CreditEntry, Departure, Employer, GrantYearFact
    from talentdesk.services.office import settings
    from talentdesk.services.register import recognitions, talents

    office = office or settings.read_settings(session)
    people = {t.id: t for t in talent_list}
    ids = list(people)
    # 人才分类认定 (第二十条): the class the engine reads comes from a confirmed recognition
    standing = recognitions.standing(session, ids)
    reviews: dict[int, dict[int, str]] = {i: {} for i in ids}
    decisions: dict[int, list[CaseDecision]] = {i: [] for i in ids}
    agreed: dict[int, Any] = {}
    departed: dict[int, dt.date] = {}
    per_year: dict[int, dict[int, dict[str, Any]]] = {i: {} for i in ids}
    employer_facts: dict[int, dict[str, Any]] = {}
    talent_bars: dict[int, list[rules.CreditBar]] = {i: [] for i in ids}
    employer_bars: dict[int, list[rules.CreditBar]] = {}
    employer_ids = sorted({t.employer_id for t in people.values() if t.employer_id})
    attr_cols = [getattr(Employer, k) for k in employer_attrs.ATTRIBUTE_KEYS]
    for k in range(0, len(employer_ids), 900):
        for row in session.execute(select(Employer.id, *attr_cols).where(Employer.id.in_(employer_ids[k:k + 900]))):
            employer_facts[row[0]] = employer_attrs.engine_facts(dict(zip(employer_attrs.ATTRIBUTE_KEYS, row[1:])))
        for entry, name in session.execute(
                select(CreditEntry, Employer.name).join(Employer, CreditEntry.employer_id == Employer.id)
                .where(CreditEntry.employer_id.in_(employer_ids[k:k + 900])).order_by(CreditEntry.id)):
            employer_bars.setdefault(entry.employer_id, []).append(credit_bar(entry, "employer", name))
    for k in range(0, len(ids), 900):
        chunk = ids[k:k + 900]
        for tid, year, result in session.execute(select(AnnualReview.talent_id, AnnualReview.year,
                                                        AnnualReview.result).where(AnnualReview.talent_id.in_(chunk))):
            reviews[tid][year] = result
        for d in session.execute(select(CaseDecision).where(CaseDecision.talent_id.in_(chunk))
                                 .order_by(CaseDecision.id)).scalars():
            decisions[d.talent_id].append(d)
        for entry in session.execute(select(CreditEntry).where(CreditEntry.talent_id.in_(chunk))
                                     .order_by(CreditEntry.id)).scalars():
            talent_bars[entry.talent_id].append(credit_bar(entry, "talent", people[entry.talent_id].name))
        agreed.update(session.execute(select(ServiceAgreement.talent_id, func.max(ServiceAgreement.required_service_years))
                                      .where(ServiceAgreement.talent_id.in_(chunk))
                                      .group_by(ServiceAgreement.talent_id)).all())
        departed.update(session.execute(select(Departure.talent_id, func.min(Departure.departed_on))
                                        .where(Departure.talent_id.in_(chunk)).group_by(Departure.talent_id)).all())
        # facts recorded per service year after approval (the talents' active grants, oldest
        # first; evaluating one grant passes that grant's own facts through ``grant_facts``)
        for tid, year, key, value in session.execute(
                select(BenefitGrant.talent_id, GrantYearFact.year, GrantYearFact.key, GrantYearFact.value)
                .join(BenefitGrant, GrantYearFact.grant_id == BenefitGrant.id)
                .where(BenefitGrant.talent_id.in_(chunk), BenefitGrant.status.in_(ACTIVE_GRANT))
                .order_by(BenefitGrant.id, GrantYearFact.year)):
            try:
                per_year[tid].setdefault(int(year), {})[key] = json.loads(value)
            except ValueError:
                continue
    # the housing register (人才公寓): who lives in a flat, for which period (the roster's
    # 入住人才公寓 is only a hint the engine weighs against it)
    from talentdesk.services.care import housing
    housed = housing.occupancy_on(session, ids)
    out: dict[int, EngineInputs] = {}
    for tid, talent in people.items():
        # the employer's recorded attributes (参公, 所属行业, 规上 …; none recorded → none given)
        facts: dict[str, Any] = dict(employer_facts.get(talent.employer_id, {}))
        facts.update(housed[tid])
        if agreed.get(tid):
            facts["service_agreement_years"] = int(agreed[tid])
        elif talent.agreement_signed_date and talent.contract_years:
            # the roster says an agreement was signed (协议签订日期) with this term (合同期限)
            facts["service_agreement_years"] = int(talent.contract_years)
        facts.update(recognitions.engine_facts(standing.get(tid, {})))
        merged = with_per_year(facts, per_year[tid])
        out[tid] = EngineInputs(tid, talent.policy_id or office.default_policy_id,
                                roster.to_row(talents.record_of(talent)), reviews[tid],
                                engine_decisions(decisions[tid]), office.extra_holidays, office.extra_workdays,
                                merged,
                                per_year_keys=tuple(k for k in ("per_year", "months_served")
                                                    if k in merged and k not in facts),
                                departed_on=departed.get(tid),
                                credit=tuple(talent_bars[tid] + employer_bars.get(talent.employer_id, [])))
    return out


def credit_bar(entry: Any, kind: str, name: str) -> rules.CreditBar:
    """A stored 失信名单 entry (``models.CreditEntry``) as the engine reads it."""
    return rules.CreditBar(kind=kind, name=name, doc_no=entry.doc_no, start=entry.start_date, end=entry.end_date,
                           basis=entry.basis, lifted_on=entry.lifted_on, entry_id=entry.id)


def grant_case(inputs: EngineInputs, g: BenefitGrant) -> rules.payability.Case:
    """The payability case of one grant: the talent's stored inputs (``engine_inputs``),
    the grant's policy, benefit, approval date and the facts it was proposed with, and
    the recorded departure."""
    return rules.payability.Case(
        pack=load_pack(g.policy_id), profile=inputs.profile, benefit_code=g.benefit_code,
        approved_on=g.approval_date, reviews=dict(inputs.reviews), decisions=tuple(inputs.decisions),
        facts=inputs.base_facts(own := grant_facts(g)) | own, departed_on=inputs.departed_on,
        extra_holidays=tuple(inputs.extra_holidays), extra_workdays=tuple(inputs.extra_workdays),
        credit=inputs.credit)


def run_engine(inputs: EngineInputs, *, approved_on: dt.date, as_of: dt.date | None = None,
               departed_on: dt.date | None = None, reviews: dict[int, str] | None = None, paid: Any = None,
               facts: dict | None = None, new_support: bool = False,
               benefits: Iterable[str] | None = None) -> rules.Evaluation:
    """The engine on a stored talent's inputs. ``new_support``: the evaluation decides
    new support on ``approved_on`` (a proposal, its approval, the 待遇审批 dialog), so the
    失信名单 applies (条例 第六十六条) on ``approved_on`` and on today, the day the decision
    is taken. Evaluations of grants already approved (reviews, departures and their
    refunds, facts of service years) leave it out: the article bars new support, not the
    consequences of support given. ``benefits``: only these are wanted (``rules.evaluate``)."""
    pack = load_pack(inputs.policy_id)
    base = inputs.base_facts(facts)  # one grant's case: only its own service years
    return rules.evaluate(pack, inputs.profile, approved_on=approved_on, as_of=as_of, departed_on=departed_on,
                          reviews=inputs.reviews if reviews is None else reviews, decisions=inputs.decisions,
                          paid=paid, extra_holidays=inputs.extra_holidays, extra_workdays=inputs.extra_workdays,
                          facts=base | (facts or {}), credit=inputs.credit if new_support else (),
                          decided_on=dt.date.today() if new_support else None, benefits=benefits)


def facts_json(facts: dict | None) -> dict:
    """Facts given at proposal, JSON-ready (dates as ISO text)."""
    def conv(v):
        if isinstance(v, dt.date):
            return v.isoformat()
        if isinstance(v, dict):
            return {str(k): conv(x) for k, x in v.items()}
        return v
    return {k: conv(v) for k, v in (facts or {}).items()}



_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def grant_facts(g: BenefitGrant) -> dict[str, Any]:
    """The facts the grant was proposed with (stored in its explanation), typed again,
    so that later evaluations (reviews, departures, approval) see the same facts."""
    try:
        raw = (json.loads(g.explanation or "{}") or {}).get("facts") or {}
    except ValueError:
        return {}
    def conv(v):
        if isinstance(v, str) and _ISO.match(v):
            try:
                return dt.date.fromisoformat(v)
            except ValueError:
                return v
        return v
    out = {k: conv(v) for k, v in raw.items()}
    return with_per_year(out, per_year_facts(g))


def per_year_facts(g: BenefitGrant) -> dict[int, dict[str, Any]]:
    """The facts recorded for the grant's service years after approval
    (``talentdesk.services.benefits.grant_facts``): {service year (1 = the first): {key: value}}."""
    out: dict[int, dict[str, Any]] = {}
    for f in g.year_facts:
        try:
            value = json.loads(f.value)
        except ValueError:
            continue
        out.setdefault(int(f.year), {})[f.key] = value
    return out


def with_per_year(facts: dict[str, Any], per_year: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """``facts`` with ``per_year`` as the engine receives it: ``facts["per_year"][year][key]``,
    and ``facts["months_served"]`` ({year: months}) kept in step for packs that read it."""
    if not per_year:
        return facts
    out = dict(facts)
    merged: dict[int, dict[str, Any]] = {int(k): dict(v) for k, v in (facts.get("per_year") or {}).items()}
    for year, values in per_year.items():
        merged.setdefault(int(year), {}).update(values)
    out["per_year"] = merged
    months = {int(k): v for k, v in (facts.get("months_served") or {}).items()}
    months.update({y: v["months_served"] for y, v in merged.items() if v.get("months_served") is not None})
    if months:
        out["months_served"] = months
    return out


def policy_of(ctx: ServiceContext, id_number: str) -> str:
    """The talent's policy id, or the office default when none is stored."""
    from talentdesk.services.office import settings

    with ctx.read() as session:
        t = load_talent(session, id_number)
        return t.policy_id or settings.read_settings(session).default_policy_id


# ---------------------------------------------------------------- use cases

def ensure_policy(ctx: ServiceContext, id_number: str, policy_id: str | None = None) -> str:
    """Give the talent a policy id if it has none (``policy_id`` or the office default);
    returns the talent's policy id. Audited when it changes anything."""
    from talentdesk.services.office import settings

    permissions.require(ctx, "talent.write")
    with ctx.write() as session:
        t = load_talent(session, id_number, lock=True)
        if t.policy_id:
            return t.policy_id
        pid = policy_id or settings.read_settings(session).default_policy_id
        load_pack(pid)  # an unknown id raises a Chinese error
        t.policy_id = pid
        session.flush()
        audit.record(session, ctx.actor, "update", "talent", t.id, talent_id=t.id, before={"policy_id": None},
                     after={"policy_id": pid})
        return pid


def evaluate_talent(ctx: ServiceContext, id_number: str, *, approved_on: dt.date, policy_id: str | None = None,
                    as_of: dt.date | None = None, departed_on: dt.date | None = None,
                    facts: dict | None = None) -> rules.Evaluation:
    """The engine's evaluation of a stored talent: profile, recorded reviews and 一事一议
    decisions, the office's extra holidays, agreement years. Read-only. ``policy_id``
    default: the talent's policy, else the office default. ``departed_on`` default: the
    recorded departure, if any (then what was actually paid drives the refund).
    ``.to_json()`` gives plain JSON."""
    from talentdesk.models.entities import Departure
    from talentdesk.services.benefits import paid as paid_records

    paid = None
    with ctx.read() as session:
        t = load_talent(session, id_number)
        inputs = engine_inputs(session, t, policy_id)
        if departed_on is None:
            departed_on = session.execute(select(func.min(Departure.departed_on))
                                          .where(Departure.talent_id == t.id)).scalar()
        if departed_on is not None:
            # benefits never granted were never paid (the engine would otherwise assume the schedule was)
            paid = {code: [] for code in load_pack(inputs.policy_id).benefit_codes}
            paid.update(paid_records.paid_map(session, t.id))
    return run_engine(inputs, approved_on=approved_on, as_of=as_of, departed_on=departed_on, paid=paid, facts=facts,
                      new_support=True)


def grant_snapshot(g: BenefitGrant) -> dict[str, Any]:
    return {"talent_id": g.talent_id, **({"employer_id": g.employer_id} if g.employer_id else {}),
            **({"platform_id": g.platform_id} if g.platform_id else {}), "policy_id": g.policy_id, "benefit_code": g.benefit_code,
            "benefit_name": g.benefit_name, "total_fen": g.total_fen, "approval_date": g.approval_date,
            "approval_doc_no": g.approval_doc_no, "basis": g.basis, "status": g.status,
            "proposed_by": g.proposed_by, "approved_by": g.approved_by, "decision_id": g.decision_id}




def check_approval_doc_no(value: str | None) -> str | None:
    """The 审批文号 cleaned (None when blank), or a ValidationError when it has no sequence
    number ("阿左人才字〔2025〕号" → 缺少序号，应如 阿左人才字〔2025〕12号)."""
    return docno.check(value, field="approval_doc_no", label="审批文号", example=docno.EXAMPLE_APPROVAL)


def propose(ctx: ServiceContext, id_number: str, benefit_code: str, *, approved_on: dt.date,
            approval_doc_no: str | None, policy_id: str | None = None, decision_number: str | None = None,
            facts: dict | None = None) -> GrantView:
    """Create a proposed grant with the installments and funding split the engine scheduled.

    Refuses (ValidationError / ConflictError, Chinese) an ineligible or undetermined
    benefit with the engine's reasons, an in-kind benefit (nothing to pay), and a second
    active grant of the same benefit (不重复享受). Sets the talent's policy id if unset.
    ``decision_number`` names a recorded 一事一议 decision the grant rests on.
    """
    permissions.require(ctx, "grant.propose")
    if approved_on is None:
        raise ValidationError([FieldError("approved_on", "批准日期", None, "批准日期：必须填写")])
    approval_doc_no = check_approval_doc_no(approval_doc_no)
    with ctx.write() as session:
        t = load_talent(session, id_number, lock=True)
        if t.status == "departed":
            raise ConflictError(f"{t.name}已离职，不能再申请待遇")
        inputs = engine_inputs(session, t, policy_id)
        pack = load_pack(inputs.policy_id)
        if benefit_code not in pack.benefit_codes:
            names = "、".join(f"{b['name']}（{b['code']}）" for b in pack.benefits)
            raise ValidationError([FieldError("benefit_code", "待遇项目", benefit_code,
                                              f"待遇项目：“{benefit_code}”不属于政策{pack.id}，可选：{names}")])
        dup = session.execute(select(BenefitGrant).where(
            BenefitGrant.talent_id == t.id, BenefitGrant.benefit_code == benefit_code,
            BenefitGrant.status.in_(ACTIVE_GRANT))).scalars().first()
        if dup is not None:
            raise ConflictError(f"{t.name}已有{dup.benefit_name or benefit_code}（{GRANT_STATUS[dup.status]}，"
                                f"编号{dup.id}），同一待遇不重复享受")
        decision = None
        if decision_number:
            decision = session.execute(select(CaseDecision).where(
                CaseDecision.talent_id == t.id, CaseDecision.number == decision_number)).scalars().first()
            if decision is None:
                raise NotFoundError(f"{t.name}没有文号为“{decision_number}”的一事一议决定，请先登记决定")
        ev = run_engine(inputs, approved_on=approved_on, as_of=approved_on, facts=facts, new_support=True)
        res = ev.benefit(benefit_code)
        if res.status != "eligible":
            why = "；".join(res.reasons) or "不符合条件"
            if res.missing:
                why += f"（缺少：{'、'.join(res.missing)}）"
            raise ValidationError([FieldError("benefit_code", "待遇项目", res.name, f"{res.name}：{why}")])
        if res.in_kind and not res.installments:
            raise ValidationError([FieldError("benefit_code", "待遇项目", res.name,
                                              f"{res.name}是实物待遇，不发放资金，无需申请发放")])
        if not res.installments:
            why = "；".join(res.reasons) or "金额待定（一事一议）"
            raise ValidationError([FieldError("benefit_code", "待遇项目", res.name,
                                              f"{res.name}：没有可发放的金额：{why}，请先登记一事一议决定")])
        live = [i for i in res.installments if i.status != "cancelled"]
        if not live:
            raise ValidationError([FieldError("benefit_code", "待遇项目", res.name,
                                              f"{res.name}：各期均已取消：{'；'.join(res.reasons)}")])
        total = sum(i.amount_fen for i in live)
        explanation = res.to_json()
        explanation["review_years"] = {}
        explanation["warnings"] = list(ev.warnings)
        explanation["service_end"] = ev.service_end.isoformat() if ev.service_end else None
        explanation["facts"] = facts_json(facts)
        g = BenefitGrant(talent_id=t.id, policy_id=pack.id, benefit_code=benefit_code, benefit_name=res.name,
                         total_fen=total, approval_date=approved_on, approval_doc_no=approval_doc_no or None,
                         basis="；".join(res.basis), decision_id=decision.id if decision else None,
                         status="proposed", proposed_by=ctx.actor)
        if not t.policy_id:
            t.policy_id = pack.id
            session.flush()
            audit.record(session, ctx.actor, "update", "talent", t.id, talent_id=t.id, before={"policy_id": None},
                         after={"policy_id": pack.id})
        session.add(g)
        session.flush()
        seq = 0
        for inst in res.installments:
            if inst.status == "cancelled":
                continue
            seq += 1
            if sum(inst.funding.values()) != inst.amount_fen:  # pragma: no cover - engine invariant
                raise TalentDeskError(f"{res.name}第{seq}期资金分担合计与金额不符，请联系维护人员")
            explanation["review_years"][str(seq)] = inst.review_year
            row = Installment(grant_id=g.id, seq=seq, due_date=inst.due, amount_fen=inst.amount_fen,
                              condition=inst.condition or None, status="scheduled",
                              status_reason=inst.note or None)
            row.funding = [InstallmentFunding(level=k, amount_fen=v) for k, v in inst.funding.items() if v]
            session.add(row)
        g.explanation = json.dumps(explanation, ensure_ascii=False, default=str)
        session.flush()
        snap = grant_snapshot(g) | {"installments": [{"seq": i.seq, "due": i.due_date, "amount_fen": i.amount_fen}
                                                for i in g.installments]}
        audit.record(session, ctx.actor, "propose", "benefit_grant", g.id, talent_id=t.id, after=snap)
        session.refresh(g)
        return grant_view(g, t, decision.number if decision else None)


def _load_grant(session: Session, grant_id: int, expected_version: int | None = None) -> BenefitGrant:
    stmt = select(BenefitGrant).where(BenefitGrant.id == grant_id).options(
        selectinload(BenefitGrant.installments).selectinload(Installment.funding))
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(of=BenefitGrant)
    g = session.execute(stmt).scalar_one_or_none()
    if g is None:
        raise NotFoundError(f"找不到编号为{grant_id}的待遇申请")
    if expected_version is not None and g.version != expected_version:
        raise ConflictError(f"待遇申请{grant_id}已被其他用户修改，请刷新后重试")
    return g


def _what(g: BenefitGrant, t: Talent) -> str:
    return f"{t.name}的{g.benefit_name or g.benefit_code}申请（编号{g.id}）"


def _decision_number(session: Session, g: BenefitGrant) -> str | None:
    if g.decision_id is None:
        return None
    d = session.get(CaseDecision, g.decision_id)
    return d.number if d else None


def _set_reason(g: BenefitGrant, reason: str) -> None:
    data = json.loads(g.explanation or "{}")
    data["status_reason"] = reason
    g.explanation = json.dumps(data, ensure_ascii=False, default=str)


def _still_as_proposed(session: Session, g: BenefitGrant, t: Talent) -> None:
    """Refuse approval when the talent's data changed since the proposal so that the engine
    now says something else (not eligible, or other amounts/dates)."""
    if g.approval_date is None:
        return
    inputs = engine_inputs(session, t, g.policy_id)
    try:
        res = run_engine(inputs, approved_on=g.approval_date, as_of=g.approval_date, reviews={},
                         facts=grant_facts(g), new_support=True).benefit(g.benefit_code)
    except KeyError:
        return
    what = _what(g, t)
    if res.status == "undetermined" and not res.missing:
        return
    if res.status != "eligible":
        why = "；".join(res.reasons) or "不符合条件"
        raise ConflictError(f"{what}提交后人才信息有变化，按现有信息测算已不符合：{why}。请退回后重新测算")
    # reviews={}: the full schedule; installments a review had cancelled at proposal were not stored
    now = {(i.due, i.amount_fen) for i in res.installments}
    stored = {(i.due_date, i.amount_fen) for i in g.installments if i.reverses_id is None}
    if not stored <= now:
        raise ConflictError(f"{what}提交后人才信息有变化，测算的发放计划已不同"
                            f"（现为{money.yuan(sum(a for _, a in now))}元），请退回后重新申请")


def approve(ctx: ServiceContext, grant_id: int, *, expected_version: int | None = None) -> GrantView:
    """Approve a proposed grant (reviewer; not the user who proposed it)."""
    permissions.require(ctx, "grant.approve")
    with ctx.write() as session:
        g = _load_grant(session, grant_id, expected_version)
        t = beneficiary_of(session, g)
        if g.status != "proposed":
            raise ConflictError(f"{_what(g, t)}当前状态为“{GRANT_STATUS.get(g.status, g.status)}”，只能批准待审核的申请")
        permissions.check_four_eyes(ctx, g.proposed_by, _what(g, t))
        if t.kind == "talent":
            _still_as_proposed(session, g, session.get(Talent, g.talent_id))
        else:
            from talentdesk.services.benefits import org_grants

            org_grants.still_as_proposed(session, g, t)
        before = grant_snapshot(g)
        g.status = "approved"
        g.approved_by = ctx.actor
        g.approved_at = utcnow()
        session.flush()
        # not refused, but recorded: approving beyond a year's appropriation (第四十八条)
        warnings = budget.overcommitment(session, g.id)
        b, a = audit.diff(before, grant_snapshot(g))
        if warnings:
            a["budget_warnings"] = warnings
        audit.record(session, ctx.actor, "approve", "benefit_grant", g.id, talent_id=t.talent_id, before=b, after=a)
        view = grant_view(g, t, _decision_number(session, g))
        view.budget_warnings = warnings
        return view


def reject(ctx: ServiceContext, grant_id: int, reason: str, *, expected_version: int | None = None) -> GrantView:
    """Send a proposed grant back (reviewer); its installments are cancelled."""
    permissions.require(ctx, "grant.reject")
    if not (reason or "").strip():
        raise ValidationError([FieldError("reason", "退回原因", reason, "退回原因：必须填写")])
    with ctx.write() as session:
        g = _load_grant(session, grant_id, expected_version)
        t = beneficiary_of(session, g)
        if g.status != "proposed":
            raise ConflictError(f"{_what(g, t)}当前状态为“{GRANT_STATUS.get(g.status, g.status)}”，只能退回待审核的申请")
        before = grant_snapshot(g)
        g.status = "rejected"
        _set_reason(g, reason.strip())
        for inst in g.installments:
            inst.status = "cancelled"
            inst.status_reason = f"申请被退回：{reason.strip()}"
        session.flush()
        b, a = audit.diff(before, grant_snapshot(g))
        audit.record(session, ctx.actor, "reject", "benefit_grant", g.id, talent_id=t.talent_id, before=b,
                     after=a | {"reason": reason.strip()})
        return grant_view(g, t, _decision_number(session, g))


def cancel(ctx: ServiceContext, grant_id: int, reason: str, *, expected_version: int | None = None) -> GrantView:
    """Cancel an approved (or proposed) grant: its unpaid installments are cancelled; paid
    ones stay paid (reverse them in payments, or record a departure for a refund)."""
    permissions.require(ctx, "grant.cancel")
    if not (reason or "").strip():
        raise ValidationError([FieldError("reason", "取消原因", reason, "取消原因：必须填写")])
    with ctx.write() as session:
        g = _load_grant(session, grant_id, expected_version)
        t = beneficiary_of(session, g)
        if g.status not in ACTIVE_GRANT:
            raise ConflictError(f"{_what(g, t)}当前状态为“{GRANT_STATUS.get(g.status, g.status)}”，不能取消")
        before = grant_snapshot(g)
        g.status = "cancelled"
        _set_reason(g, reason.strip())
        cancelled = []
        for inst in g.installments:
            if inst.status in OPEN_STATUSES:
                inst.status = "cancelled"
                inst.status_reason = f"待遇取消：{reason.strip()}"
                cancelled.append(inst.id)
        session.flush()
        b, a = audit.diff(before, grant_snapshot(g))
        audit.record(session, ctx.actor, "cancel", "benefit_grant", g.id, talent_id=t.talent_id, before=b,
                     after=a | {"reason": reason.strip(), "cancelled_installments": cancelled})
        return grant_view(g, t, _decision_number(session, g))


def get_grant(ctx: ServiceContext, grant_id: int) -> GrantView:
    with ctx.read() as session:
        g = session.execute(select(BenefitGrant).where(BenefitGrant.id == grant_id).options(
            selectinload(BenefitGrant.installments).selectinload(Installment.funding))).scalar_one_or_none()
        if g is None:
            raise NotFoundError(f"找不到编号为{grant_id}的待遇申请")
        return grant_view(g, beneficiary_of(session, g), _decision_number(session, g))


def list_grants(ctx: ServiceContext, talent: str | None = None, *, status: str | None = None,
                benefit_code: str | None = None, policy_id: str | None = None, limit: int | None = None,
                offset: int = 0, beneficiary: str | None = "talent", employer: str | None = None,
                platform: Any = None) -> list[GrantView]:
    """Grants with their installments, newest first. ``talent``: an ID number.
    ``beneficiary``: "talent" (default: the talents' grants), "employer", "platform",
    "organisation" (both) or None (all); ``employer`` (name or 统一社会信用代码) /
    ``platform`` (id or name): that organisation's own grants."""
    from talentdesk.models.entities import Employer
    from talentdesk.models.duties.platform import Platform

    stmt = (select(BenefitGrant).options(selectinload(BenefitGrant.installments).selectinload(Installment.funding))
            .order_by(BenefitGrant.id.desc()).offset(offset))
    with ctx.read() as session:
        if talent:
            stmt = stmt.where(BenefitGrant.talent_id == load_talent(session, talent).id)
        elif employer:
            from talentdesk.services.benefits import org_grants

            stmt = stmt.where(BenefitGrant.employer_id == org_grants.load_employer(session, employer).id)
        elif platform is not None and str(platform).strip():
            from talentdesk.services.register import platforms

            stmt = stmt.where(BenefitGrant.platform_id == platforms.load(session, platform).id)
        elif beneficiary == "talent":
            stmt = stmt.where(BenefitGrant.talent_id.is_not(None))
        elif beneficiary == "employer":
            stmt = stmt.where(BenefitGrant.employer_id.is_not(None))
        elif beneficiary == "platform":
            stmt = stmt.where(BenefitGrant.platform_id.is_not(None))
        elif beneficiary == "organisation":
            stmt = stmt.where(BenefitGrant.talent_id.is_(None))
        if status:
            stmt = stmt.where(BenefitGrant.status == status)
        if benefit_code:
            stmt = stmt.where(BenefitGrant.benefit_code == benefit_code)
        if policy_id:
            stmt = stmt.where(BenefitGrant.policy_id == policy_id)
        if limit is not None:
            stmt = stmt.limit(limit)
        rows = session.execute(stmt).scalars().all()
        numbers = dict(session.execute(select(CaseDecision.id, CaseDecision.number).where(
            CaseDecision.id.in_({g.decision_id for g in rows if g.decision_id}))).all()) if rows else {}
        people = {t.id: t for t in session.execute(select(Talent).where(
            Talent.id.in_({g.talent_id for g in rows if g.talent_id}))).scalars()} if rows else {}
        firms = {e.id: e for e in session.execute(select(Employer).where(
            Employer.id.in_({g.employer_id for g in rows if g.employer_id}))).scalars()} if rows else {}
        sites = {p.id: p for p in session.execute(select(Platform).where(
            Platform.id.in_({g.platform_id for g in rows if g.platform_id}))).scalars()} if rows else {}

        def who(g: BenefitGrant):
            if g.talent_id is not None:
                return people[g.talent_id]
            if g.employer_id is not None:
                e = firms[g.employer_id]
                return Beneficiary("employer", e.id, e.name, e.uscc or "")
            p = sites[g.platform_id]
            return Beneficiary("platform", p.id, p.name, "")

        return [grant_view(g, who(g), numbers.get(g.decision_id)) for g in rows]
