"""在岗追回: recovery cases outside a departure (or alongside one), split back to the
funding levels that paid (《内蒙古自治区人才发展促进条例》第六十五条; the packs'
``in_post_recovery``).

A clerk opens a case (``open``) on a basis — fraud 骗取, breach 违约, a failed review
考核不合格, a departure, or an office decision — over the talent's paid installments
(all of them, or the grants / installments named). The service gathers the facts (what
was paid, net of reversals, and what each funding level paid of it), asks the rules
engine (``talentdesk.rules.recovery.suggest``) for the suggested amount and stores its
answer as a snapshot with its articles. A reviewer other than the proposer decides the
amount (``decide``: four-eyes), with the decision 文号 and a repayment plan; the decided
amount is split back to each level (``rules.recovery.split``: largest remainder, parts
sum to the fen). Repayments (``record_repayment``) are split by level the same way
(``rules.recovery.split_repayment``). A 待定 suggestion is never shown as 0: nothing is
payable back until the office records its decision.

Opening a fraud case suspends the talent's remaining unpaid installments through the
payments service (``payments.suspend``, in its own transaction right after the case is
written) when the user may suspend payments (a reviewer); a clerk's fraud case is
suspended when the reviewer decides it. ``RecoveryCaseView.suspended`` says which.

Public API::

    open(ctx, talent, basis, facts, *, grant_ids=None, installment_ids=None, departure_id=None,
         opened_on=None) -> RecoveryCaseView
    decide(ctx, case_id, amount_fen, doc_no, *, decided_on=None, plan=None, note=None,
           expected_version=None) -> RecoveryCaseView      # plan: [(due date, fen)], default one
    even_plan(amount_fen, count, first_due) -> [(due date, fen)]  # monthly, remainder on the first
    record_repayment(ctx, case_id, amount_fen, repaid_on, voucher_no, remarks=None) -> RecoveryCaseView
    cancel(ctx, case_id, reason) -> RecoveryCaseView
    get_case(ctx, case_id) -> RecoveryCaseView
    list_cases(ctx, *, outstanding_only=False, talent=None) -> list[RecoveryCaseView]
"""

from __future__ import annotations

import builtins
import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from talentdesk.domain import docno, money, values
from talentdesk.domain.errors import ConflictError, FieldError, NotFoundError, ValidationError
from talentdesk.models.base import utcnow
from talentdesk.models.entities import BenefitGrant, Departure, Employer, Installment, Talent
from talentdesk.models.money.recovery_case import (RecoveryCase, RecoveryCaseLevel, RecoveryPlanItem, RecoveryRepayment,
                                                   RecoveryRepaymentLevel)
from talentdesk.rules import recovery as rule
from talentdesk.services import rows
from talentdesk.services.context import ServiceContext
from talentdesk.services.office import permissions
from talentdesk.services.office.audit import log as audit

ENTITY = "recovery_case"
BASES = rule.BASES
STATES = {"open": "待核定", "decided": "待退回", "settled": "已结清", "cancelled": "已撤销"}
OPEN_STATUSES = ("scheduled", "proposed", "approved")
EXAMPLE_DOC_NO = "阿左人才字〔2025〕15号"


@dataclass
class LevelView:
    level: str
    label: str
    paid_fen: int
    amount_fen: int | None
    repaid_fen: int

    @property
    def outstanding_fen(self) -> int | None:
        return None if self.amount_fen is None else self.amount_fen - self.repaid_fen

    def as_dict(self) -> dict[str, Any]:
        return {"level": self.level, "label": self.label, "paid_fen": self.paid_fen, "amount_fen": self.amount_fen,
                "repaid_fen": self.repaid_fen, "outstanding_fen": self.outstanding_fen}


@dataclass
class PlanView:
    seq: int
    due_date: dt.date
    amount_fen: int

    def as_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "due_date": self.due_date.isoformat(), "amount_fen": self.amount_fen,
                "amount": money.yuan(self.amount_fen)}


@dataclass
class RepaymentView:
    id: int
    amount_fen: int
    repaid_on: dt.date
    voucher_no: str | None
    remarks: str | None
    recorded_by: str | None
    levels: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "amount_fen": self.amount_fen, "amount": money.yuan(self.amount_fen),
                "repaid_on": self.repaid_on.isoformat(), "voucher_no": self.voucher_no, "remarks": self.remarks,
                "recorded_by": self.recorded_by, "levels": dict(self.levels)}


@dataclass
class RecoveryCaseView:
    id: int
    version: int
    talent_id: int
    id_number: str
    name: str
    employer: str | None
    policy_id: str | None
    basis: str
    facts: str
    opened_on: dt.date
    departure_id: int | None
    installment_ids: list[int]
    received_fen: int
    suggestion_status: str
    suggested_fen: int | None
    articles: list[str]
    explanation: str
    quotes: list[str]
    proposed_by: str | None
    status: str
    decided_fen: int | None
    decision_doc_no: str | None
    decided_on: dt.date | None
    decided_by: str | None
    decision_note: str | None
    cancel_reason: str | None
    repaid_fen: int
    levels: list[LevelView] = field(default_factory=list)
    plan: list[PlanView] = field(default_factory=list)
    repayments: list[RepaymentView] = field(default_factory=list)
    suspended: list[str] = field(default_factory=list)  # what opening / deciding suspended (or why not)

    @property
    def basis_label(self) -> str:
        return BASES.get(self.basis, self.basis)

    @property
    def undetermined(self) -> bool:
        return self.suggestion_status == "undetermined"

    @property
    def suggested_text(self) -> str:
        """“1,000.00” or “待定” — never a silent 0."""
        return "待定" if self.suggested_fen is None else money.yuan(self.suggested_fen)

    @property
    def state(self) -> str:
        if self.status == "decided" and self.outstanding_fen == 0:
            return "settled"
        return self.status

    @property
    def state_label(self) -> str:
        return STATES[self.state]

    @property
    def outstanding_fen(self) -> int | None:
        """Decided minus repaid; None while the office has not decided (待核定)."""
        if self.status == "cancelled":
            return 0
        return None if self.decided_fen is None else self.decided_fen - self.repaid_fen

    @property
    def outstanding_text(self) -> str:
        o = self.outstanding_fen
        return "待核定" if o is None else money.yuan(o)

    def level(self, code: str) -> LevelView | None:
        return next((lv for lv in self.levels if lv.level == code), None)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "version": self.version, "talent_id": self.talent_id, "身份证号": self.id_number,
                "姓名": self.name, "用人单位": self.employer, "policy_id": self.policy_id, "basis": self.basis,
                "basis_label": self.basis_label, "facts": self.facts, "opened_on": self.opened_on.isoformat(),
                "departure_id": self.departure_id, "installment_ids": list(self.installment_ids),
                "received_fen": self.received_fen, "suggestion_status": self.suggestion_status,
                "suggested_fen": self.suggested_fen, "suggested_text": self.suggested_text,
                "articles": list(self.articles), "explanation": self.explanation, "proposed_by": self.proposed_by,
                "status": self.status, "state": self.state, "state_label": self.state_label,
                "decided_fen": self.decided_fen, "decision_doc_no": self.decision_doc_no,
                "decided_on": self.decided_on.isoformat() if self.decided_on else None,
                "decided_by": self.decided_by, "decision_note": self.decision_note,
                "cancel_reason": self.cancel_reason, "repaid_fen": self.repaid_fen,
                "outstanding_fen": self.outstanding_fen, "levels": [lv.as_dict() for lv in self.levels],
                "plan": [p.as_dict() for p in self.plan], "repayments": [r.as_dict() for r in self.repayments],
                "suspended": list(self.suspended)}


# ---------------------------------------------------------------- facts

def _pack(policy_id: str | None):
    from talentdesk.services.benefits import packs

    return packs.pack_or_none(policy_id)


def level_label(level: str, pack=None) -> str:
    from talentdesk.services.benefits import packs

    return packs.level_label(level, pack)


def _paid_items(session: Session, t: Talent, grant_ids: list[int] | None,
                installment_ids: list[int] | None) -> list[rule.PaidItem]:
    """The talent's paid installments (of the grants / ids named, or all), each net of its
    reversals (冲销 entries carry negative funding rows), with what each level paid."""
    rows = session.execute(select(Installment, BenefitGrant).join(BenefitGrant, Installment.grant_id == BenefitGrant.id)
                           .where(BenefitGrant.talent_id == t.id, Installment.status.in_(("paid", "reversed")))
                           .options(selectinload(Installment.funding))
                           .order_by(Installment.due_date, Installment.id)).all()
    paid = {i.id: (i, g) for i, g in rows if i.status == "paid" and i.reverses_id is None}
    reversals: dict[int, list[Installment]] = {}
    for i, _ in rows:
        if i.reverses_id is not None:
            reversals.setdefault(i.reverses_id, []).append(i)
    errors: list[FieldError] = []
    if installment_ids:
        for iid in installment_ids:
            if iid not in paid:
                errors.append(FieldError("installment_ids", "所涉分期", iid,
                                         f"所涉分期：编号{iid}不是{t.name}已发放的分期"))
        chosen = [paid[i] for i in installment_ids if i in paid]
    else:
        if grant_ids:
            owned = {g.id for _, g in paid.values()} | set(session.execute(
                select(BenefitGrant.id).where(BenefitGrant.talent_id == t.id)).scalars())
            for gid in grant_ids:
                if gid not in owned:
                    errors.append(FieldError("grant_ids", "所涉待遇", gid, f"所涉待遇：编号{gid}不是{t.name}的待遇"))
        chosen = [v for v in paid.values() if not grant_ids or v[1].id in grant_ids]
    if errors:
        raise ValidationError(errors)
    items = []
    for inst, g in chosen:
        entries = [inst] + reversals.get(inst.id, [])
        amount = sum(e.amount_fen for e in entries)
        funding: dict[str, int] = {}
        for e in entries:
            for f in e.funding:
                funding[f.level] = funding.get(f.level, 0) + f.amount_fen
        if sum(f.amount_fen for f in inst.funding) != inst.amount_fen:
            raise ValidationError([FieldError("installment_ids", "所涉分期", inst.id,
                                              f"{g.benefit_name or g.benefit_code}第{inst.seq}期的资金来源合计与金额不符，"
                                              f"无法按资金层级分摊，请先核对该分期的资金来源")])
        items.append(rule.PaidItem(inst.id, f"{g.benefit_name or g.benefit_code}第{inst.seq}期", amount, funding))
    return items


def _text(value: Any) -> str:
    return (values.clean_text(value) or "") if value is not None else ""


def _snapshot(c: RecoveryCase) -> dict[str, Any]:
    return {"talent_id": c.talent_id, "basis": c.basis, "facts": c.facts, "opened_on": c.opened_on,
            "departure_id": c.departure_id, "installment_ids": c.installment_ids, "received_fen": c.received_fen,
            "suggestion_status": c.suggestion_status, "suggested_fen": c.suggested_fen, "articles": c.articles,
            "status": c.status, "decided_fen": c.decided_fen, "decision_doc_no": c.decision_doc_no,
            "decided_on": c.decided_on, "decided_by": c.decided_by, "cancel_reason": c.cancel_reason}


def _view(session: Session, c: RecoveryCase, t: Talent | None = None, *, detail: bool = True) -> RecoveryCaseView:
    t = t or session.get(Talent, c.talent_id)
    emp = session.get(Employer, t.employer_id).name if t.employer_id else None
    pack = _pack(t.policy_id)
    snap = json.loads(c.suggestion or "{}")
    reps = session.execute(select(RecoveryRepayment).where(RecoveryRepayment.case_id == c.id)
                           .options(selectinload(RecoveryRepayment.levels))
                           .order_by(RecoveryRepayment.repaid_on, RecoveryRepayment.id)).scalars().all()
    repaid_by: dict[str, int] = {}
    for r in reps:
        for lv in r.levels:
            repaid_by[lv.level] = repaid_by.get(lv.level, 0) + lv.amount_fen
    levels = sorted(session.execute(select(RecoveryCaseLevel).where(RecoveryCaseLevel.case_id == c.id)).scalars(),
                    key=lambda lv: rule.LEVEL_ORDER.index(lv.level) if lv.level in rule.LEVEL_ORDER else 9)
    plan = session.execute(select(RecoveryPlanItem).where(RecoveryPlanItem.case_id == c.id)
                           .order_by(RecoveryPlanItem.seq)).scalars().all() if detail else []
    return RecoveryCaseView(
        c.id, c.version, t.id, t.id_number, t.name, emp, t.policy_id, c.basis, c.facts, c.opened_on, c.departure_id,
        json.loads(c.installment_ids or "[]"), c.received_fen, c.suggestion_status, c.suggested_fen,
        [a for a in (c.articles or "").split("；") if a], snap.get("explanation", ""), list(snap.get("quotes", [])),
        c.proposed_by, c.status, c.decided_fen, c.decision_doc_no, c.decided_on, c.decided_by, c.decision_note,
        c.cancel_reason, sum(r.amount_fen for r in reps),
        [LevelView(lv.level, level_label(lv.level, pack), lv.paid_fen, lv.amount_fen, repaid_by.get(lv.level, 0))
         for lv in levels],
        [PlanView(p.seq, p.due_date, p.amount_fen) for p in plan],
        [RepaymentView(r.id, r.amount_fen, r.repaid_on, r.voucher_no, r.remarks, r.recorded_by,
                       {lv.level: lv.amount_fen for lv in r.levels}) for r in reps] if detail else [])


def _load(session: Session, case_id: int, expected_version: int | None = None) -> RecoveryCase:
    return rows.load_for_change(session, RecoveryCase, case_id, what="追回案件", expected_version=expected_version)


# ---------------------------------------------------------------- open

def open(ctx: ServiceContext, talent: str, basis: str, facts: str, *, grant_ids: Iterable[int] | None = None,
         installment_ids: Iterable[int] | None = None, departure_id: int | None = None,
         opened_on: dt.date | None = None) -> RecoveryCaseView:
    """Open a case (立案) for the talent (ID number) on ``basis`` with its 事由 ``facts``,
    over the paid installments named (default: all the talent's paid installments)."""
    permissions.require(ctx, "recovery_case.open")
    errors: list[FieldError] = []
    if basis not in BASES:
        errors.append(FieldError("basis", "追回事由类别", basis,
                                 f"追回事由类别：“{basis}”未知，可选：{'、'.join(f'{k}（{v}）' for k, v in BASES.items())}"))
    if not _text(facts):
        errors.append(FieldError("facts", "事由", facts, "事由：必须填写（如核实的弄虚作假情况、考核结果）"))
    if errors:
        raise ValidationError(errors)
    grant_ids = [int(g) for g in grant_ids] if grant_ids else None
    installment_ids = [int(i) for i in installment_ids] if installment_ids else None
    with ctx.write() as session:
        from talentdesk.services.register import talents

        t = talents.load(session, talent)
        same = session.execute(select(RecoveryCase).where(RecoveryCase.talent_id == t.id, RecoveryCase.basis == basis,
                                                          RecoveryCase.status.in_(("open", "decided")))).scalars().first()
        if same is not None and not _settled(session, same):
            raise ConflictError(f"{t.name}已有{BASES[basis]}的追回案件（编号{same.id}，{STATES[same.status]}），"
                                f"请在该案件中办理")
        items = _paid_items(session, t, grant_ids, installment_ids)
        if not items or sum(i.amount_fen for i in items) <= 0:
            raise ValidationError([FieldError("installment_ids", "所涉分期", None,
                                              f"{t.name}的所涉待遇尚无已发放（未冲销）的款项，无需追回")])
        dep_kw: dict[str, Any] = {}
        dep = None
        if basis == "departure":
            from talentdesk.services.benefits import departures

            stmt = select(Departure).where(Departure.talent_id == t.id)
            stmt = stmt.where(Departure.id == departure_id) if departure_id else stmt.order_by(Departure.id.desc())
            dep = session.execute(stmt.limit(1)).scalar_one_or_none()
            if dep is None:
                raise NotFoundError(f"{t.name}没有离职记录，不能按离职立案")
            dep_kw = {"departure_refund_fen": dep.refund_due_fen,
                      "departure_undetermined": departures.is_undetermined(dep.basis), "departure_basis": dep.basis}
        answer = rule.suggest(basis, items, pack=_pack(t.policy_id), **dep_kw)
        c = RecoveryCase(talent_id=t.id, basis=basis, departure_id=dep.id if dep else None, facts=_text(facts),
                         opened_on=opened_on or dt.date.today(),
                         installment_ids=json.dumps([i.installment_id for i in items]),
                         received_fen=answer.received_fen, suggestion_status=answer.status,
                         suggested_fen=answer.amount_fen, articles="；".join(answer.articles) or None,
                         suggestion=json.dumps(answer.to_json(), ensure_ascii=False), proposed_by=ctx.actor,
                         status="open")
        c.levels = [RecoveryCaseLevel(level=k, paid_fen=v) for k, v in answer.paid_by_level.items() if v]
        session.add(c)
        session.flush()
        audit.record(session, ctx.actor, "create", ENTITY, c.id, talent_id=t.id,
                     after=_snapshot(c) | {"levels": answer.paid_by_level, "explanation": answer.explanation})
        view = _view(session, c, t)
    if basis == "fraud":
        view.suspended = _suspend_remaining(ctx, view)
    return view


def _settled(session: Session, c: RecoveryCase) -> bool:
    if c.status != "decided":
        return False
    v = _view(session, c, detail=False)
    return v.outstanding_fen == 0


def _suspend_remaining(ctx: ServiceContext, view: RecoveryCaseView) -> list[str]:
    """Suspend the talent's remaining unpaid installments (fraud, 条例 第六十五条) through the
    payments service; returns what was done or why not."""
    from talentdesk.services.benefits import payments

    with ctx.read() as session:
        ids = list(session.execute(select(Installment.id).join(BenefitGrant, Installment.grant_id == BenefitGrant.id)
                                   .where(BenefitGrant.talent_id == view.talent_id,
                                          Installment.status.in_(OPEN_STATUSES),
                                          Installment.reverses_id.is_(None))
                                   .order_by(Installment.due_date)).scalars())
    if not ids:
        return []
    if not permissions.allowed(ctx, "payment.suspend"):
        return [f"尚有{len(ids)}期未发放的分期，待审核人核定时暂停发放"]
    result = payments.suspend(ctx, ids, f"追回案件{view.id}：{view.basis_label}（{rule.FRAUD_ARTICLE}）")
    return [r.message for r in result.results]


# ---------------------------------------------------------------- decide

def even_plan(amount_fen: int, count: int, first_due: dt.date) -> list[tuple[dt.date, int]]:
    """``count`` monthly repayments from ``first_due`` (same day of month, clamped to the
    month's end), equal in fen with the remainder on the first."""
    if count < 1:
        raise ValidationError([FieldError("plan", "退回期数", count, "退回期数：至少1期")])
    base, extra = divmod(amount_fen, count)
    out = []
    for k in range(count):
        m = first_due.month - 1 + k
        y, m = first_due.year + m // 12, m % 12 + 1
        import calendar

        day = min(first_due.day, calendar.monthrange(y, m)[1])
        out.append((dt.date(y, m, day), base + (extra if k == 0 else 0)))
    return out


def decide(ctx: ServiceContext, case_id: int, amount_fen: int, doc_no: str, *, decided_on: dt.date | None = None,
           plan: list[tuple[dt.date, int]] | None = None, note: str | None = None,
           expected_version: int | None = None) -> RecoveryCaseView:
    """The office's decision (核定): the amount to recover (0 … received), its 文号 and the
    repayment plan (default: one repayment due on the decision day). A reviewer, never the
    proposer (four-eyes). The amount is split back to the levels that paid."""
    permissions.require(ctx, "recovery_case.decide")
    errors: list[FieldError] = []
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool) or amount_fen < 0:
        errors.append(FieldError("amount_fen", "核定追回金额", amount_fen, "核定追回金额：应为不小于0的金额"))
    try:
        doc = docno.check(doc_no, field="doc_no", label="决定文号", example=EXAMPLE_DOC_NO)
        if doc is None:
            errors.append(FieldError("doc_no", "决定文号", doc_no, "决定文号：必须填写"))
    except ValidationError as exc:
        errors.extend(exc.errors)
        doc = None
    if errors:
        raise ValidationError(errors)
    day = decided_on or dt.date.today()
    plan = list(plan) if plan else [(day, amount_fen)]
    if sum(a for _, a in plan) != amount_fen or any(a <= 0 for _, a in plan) and amount_fen > 0:
        raise ValidationError([FieldError("plan", "退回计划", None,
                                          f"退回计划：各期合计{money.yuan(sum(a for _, a in plan))}元，"
                                          f"应等于核定金额{money.yuan(amount_fen)}元，且每期大于0")])
    with ctx.write() as session:
        c = _load(session, case_id, expected_version)
        t = session.get(Talent, c.talent_id)
        if c.status != "open":
            raise ConflictError(f"追回案件{c.id}当前为“{STATES[c.status]}”，不能再核定")
        permissions.check_four_eyes(ctx, c.proposed_by, f"{t.name}的追回立案（编号{c.id}）")
        if amount_fen > c.received_fen:
            raise ValidationError([FieldError("amount_fen", "核定追回金额", amount_fen,
                                              f"核定追回金额：{money.yuan(amount_fen)}元超过所涉款项已领取的"
                                              f"{money.yuan(c.received_fen)}元")])
        before = _snapshot(c)
        weights = {lv.level: lv.paid_fen for lv in c.levels}
        parts = rule.split(amount_fen, weights)
        for lv in c.levels:
            lv.amount_fen = parts.get(lv.level, 0)
        c.plan = [RecoveryPlanItem(seq=k, due_date=d, amount_fen=a) for k, (d, a) in enumerate(plan, 1)
                  if amount_fen > 0]
        c.status, c.decided_fen, c.decision_doc_no = "decided", amount_fen, doc
        c.decided_on, c.decided_by, c.decision_note = day, ctx.actor, values.clean_text(note)
        session.flush()
        b, a = audit.diff(before, _snapshot(c))
        audit.record(session, ctx.actor, "decide", ENTITY, c.id, talent_id=t.id, before=b,
                     after=a | {"levels": parts, "plan": [(d, x) for d, x in plan]})
        view = _view(session, c, t)
    if view.basis == "fraud":
        view.suspended = _suspend_remaining(ctx, view)
    return view


# ---------------------------------------------------------------- repayments, cancel

def record_repayment(ctx: ServiceContext, case_id: int, amount_fen: int, repaid_on: dt.date,
                     voucher_no: str | None, remarks: str | None = None) -> RecoveryCaseView:
    """Money repaid against a decided case (not more than outstanding), split by level in
    proportion to each level's outstanding part."""
    permissions.require(ctx, "recovery.record")
    errors: list[FieldError] = []
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool) or amount_fen <= 0:
        errors.append(FieldError("amount_fen", "退回金额", amount_fen, "退回金额：应为大于0的金额"))
    if not isinstance(repaid_on, dt.date):
        errors.append(FieldError("repaid_on", "退回日期", repaid_on, "退回日期：必须填写有效日期"))
    voucher = values.clean_text(voucher_no)
    if not voucher:
        errors.append(FieldError("voucher_no", "凭证号", voucher_no, "凭证号：必须填写收款凭证号"))
    if errors:
        raise ValidationError(errors)
    with ctx.write() as session:
        c = _load(session, case_id)
        t = session.get(Talent, c.talent_id)
        if c.status != "decided":
            why = ("办公室尚未核定追回金额（建议金额" + ("待定" if c.suggested_fen is None else
                                              f"{money.yuan(c.suggested_fen)}元") + "），核定后才能登记退回"
                   if c.status == "open" else "已撤销")
            raise ConflictError(f"{t.name}的追回案件{c.id}{why}")
        v = _view(session, c, t, detail=False)
        if amount_fen > (v.outstanding_fen or 0):
            raise ValidationError([FieldError("amount_fen", "退回金额", amount_fen,
                                              f"退回金额：{money.yuan(amount_fen)}元超过{t.name}尚需退回的"
                                              f"{money.yuan(v.outstanding_fen or 0)}元")])
        dup = session.execute(select(RecoveryRepayment.case_id).where(RecoveryRepayment.voucher_no == voucher)
                              ).scalars().first()
        if dup is not None:
            raise ConflictError(f"凭证号{voucher}已登记于追回案件{dup}，一个凭证号只能登记一笔退回款")
        parts = rule.split_repayment(amount_fen, {lv.level: lv.outstanding_fen or 0 for lv in v.levels})
        r = RecoveryRepayment(case_id=c.id, amount_fen=amount_fen, repaid_on=repaid_on, voucher_no=voucher,
                              remarks=values.clean_text(remarks), recorded_by=ctx.actor)
        r.levels = [RecoveryRepaymentLevel(level=k, amount_fen=x) for k, x in parts.items() if x]
        session.add(r)
        c.updated_at = utcnow()  # bumps the case's version: a stale dialog is refused
        session.flush()
        audit.record(session, ctx.actor, "create", "recovery_repayment", r.id, talent_id=t.id,
                     after={"case_id": c.id, "amount_fen": amount_fen, "repaid_on": repaid_on, "voucher_no": voucher,
                            "levels": parts})
        return _view(session, c, t)


def cancel(ctx: ServiceContext, case_id: int, reason: str) -> RecoveryCaseView:
    """撤销 a case opened in error (no repayment recorded yet); kept as history."""
    permissions.require(ctx, "recovery_case.decide")
    if not _text(reason):
        raise ValidationError([FieldError("reason", "撤销原因", reason, "撤销原因：必须填写")])
    with ctx.write() as session:
        c = _load(session, case_id)
        t = session.get(Talent, c.talent_id)
        if c.status == "cancelled":
            raise ConflictError(f"追回案件{c.id}已撤销")
        if session.execute(select(RecoveryRepayment.id).where(RecoveryRepayment.case_id == c.id)).first():
            raise ConflictError(f"{t.name}的追回案件{c.id}已登记退回款，不能撤销")
        before = _snapshot(c)
        c.status, c.cancel_reason = "cancelled", _text(reason)
        c.cancelled_by, c.cancelled_at = ctx.actor, utcnow()
        session.flush()
        b, a = audit.diff(before, _snapshot(c))
        audit.record(session, ctx.actor, "cancel", ENTITY, c.id, talent_id=t.id, before=b, after=a)
        return _view(session, c, t)


def get_case(ctx: ServiceContext, case_id: int) -> RecoveryCaseView:
    with ctx.read() as session:
        return _view(session, _load(session, case_id))


def list_cases(ctx: ServiceContext, *, outstanding_only: bool = False, talent: str | None = None,
               include_cancelled: bool = True) -> builtins.list[RecoveryCaseView]:
    """Cases, newest first. ``outstanding_only``: not yet decided (待核定) or decided with
    money still to repay."""
    stmt = select(RecoveryCase).order_by(RecoveryCase.opened_on.desc(), RecoveryCase.id.desc())
    if not include_cancelled or outstanding_only:
        stmt = stmt.where(RecoveryCase.status != "cancelled")
    with ctx.read() as session:
        if talent:
            from talentdesk.services.register import talents

            stmt = stmt.where(RecoveryCase.talent_id == talents.load(session, talent).id)
        views = [_view(session, c, detail=False) for c in session.execute(stmt).scalars()]
    if outstanding_only:
        views = [v for v in views if v.outstanding_fen is None or v.outstanding_fen > 0]
    return views
