"""Departures (离职) and recoveries (追回).

``preview`` shows what recording a departure would do: the installments to cancel,
what the talent actually received (net of reversals, from the database), the refund
due by the pack's refund rule (the rules engine, told what was really paid) with its
basis. ``record`` does it in one transaction:

- a Departure row with ``refund_due_fen`` and ``basis``;
- open installments (scheduled/proposed/approved/suspended) due after the departure
  date are cancelled; for a benefit whose refund rule claws money back, its unpaid
  earlier installments are cancelled too (paying them would only add to the refund);
- grants still awaiting approval are cancelled;
- the talent's status becomes ``departed`` and active agreements ``terminated``.

Public API::

    preview(ctx, id_number, departed_on) -> DeparturePreview
    record(ctx, id_number, departed_on, reason, *, confirm_future=False) -> DepartureView
    future_question(departed_on) -> str | None   # what to ask before recording a date after today
    record_recovery(ctx, departure_id, amount_fen, recovered_on, voucher_no, remarks=None) -> DepartureView
        (each recovery split by level: ``RecoveryView.levels``)

Split by level (《内蒙古自治区人才发展促进条例》第六十五条; 包头 pays 1:1 市级/旗县区级): the
refund due is split back to the funding levels that paid, as in-post recoveries are
(``rules.recovery.departure_split``, from the paid installments' InstallmentFunding; stored
as ``DepartureLevel`` whenever the refund is set or recomputed), and every recovery by each
level's outstanding part (``rules.recovery.split_recovery``, stored as ``RecoveryLevel``).
``DepartureView.levels`` carries due / recovered / outstanding per level.
    get_departure(ctx, departure_id) -> DepartureView
    list_departures(ctx, outstanding_only=False) -> list[DepartureView]
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from talentdesk.domain import money, values
from talentdesk.domain.errors import ConflictError, FieldError, NotFoundError, ValidationError
from talentdesk.rules import payability
from talentdesk.rules import recovery as recovery_rule
from talentdesk.models.money.departure_level import DepartureLevel, RecoveryLevel
from talentdesk.models.entities import (BenefitGrant, Departure, Employer, Installment, Recovery, ServiceAgreement,
                                        Talent)
from talentdesk.services.office import permissions
from talentdesk.services.office.audit import log as audit
from talentdesk.services.context import ServiceContext

OPEN = ("scheduled", "proposed", "approved", "suspended")


@dataclass
class CancelItem:
    installment_id: int
    grant_id: int
    benefit_name: str | None
    seq: int
    due_date: dt.date
    amount_fen: int
    status: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"installment_id": self.installment_id, "grant_id": self.grant_id, "benefit_name": self.benefit_name,
                "seq": self.seq, "due_date": self.due_date.isoformat(), "amount_fen": self.amount_fen,
                "amount": money.yuan(self.amount_fen), "status": self.status, "reason": self.reason}


@dataclass
class BenefitRefund:
    grant_id: int
    benefit_code: str
    benefit_name: str | None
    received_fen: int
    refund_fen: int
    basis: list[str]
    explanation: str  # the engine's refund line, or why nothing is due
    # the engine's refund_status: "undetermined" (待定: the service period is unknown, or the
    # amount is the office's to decide) is never shown as 0; ``suggested_fen`` is its suggestion
    refund_status: str = "none"
    suggested_fen: int | None = None

    @property
    def undetermined(self) -> bool:
        return self.refund_status == "undetermined"

    @property
    def refund_text(self) -> str:
        return self.refund_words()

    def refund_words(self, unit: str = "") -> str:
        return refund_text(self.refund_fen, self.undetermined, self.suggested_fen, unit=unit)

    def as_dict(self) -> dict[str, Any]:
        return {"grant_id": self.grant_id, "benefit_code": self.benefit_code, "benefit_name": self.benefit_name,
                "received_fen": self.received_fen, "refund_fen": self.refund_fen, "basis": list(self.basis),
                "explanation": self.explanation, "refund_status": self.refund_status,
                "suggested_fen": self.suggested_fen, "refund_text": self.refund_text}


# A departure whose refund the engine cannot fix (refund_status "undetermined") keeps the
# firm part in refund_due_fen and starts its basis with this mark; written and read only here.
UNDETERMINED_MARK = "【应退回金额待定】"


def refund_text(refund_fen: int, undetermined: bool, suggested_fen: int | None = None, *, unit: str = "") -> str:
    """The refund as a clerk reads it: “1,000.00” (+ ``unit``) or “待定（参考1,000.00元）”,
    never a silent 0."""
    if not undetermined:
        return money.yuan(refund_fen) + unit
    parts = []
    if suggested_fen:
        parts.append(f"参考{money.yuan(suggested_fen)}元")
    if refund_fen:
        parts.append(f"已确定{money.yuan(refund_fen)}元")
    return "待定" + (f"（{'，'.join(parts)}）" if parts else "")


@dataclass
class DeparturePreview:
    talent_id: int
    id_number: str
    name: str
    departed_on: dt.date
    service_end: dt.date | None
    to_cancel: list[CancelItem]
    grants_to_cancel: list[int]  # proposed (not yet approved) grants
    received_fen: int
    refund_due_fen: int
    benefits: list[BenefitRefund]
    basis: list[str]
    warnings: list[str] = field(default_factory=list)

    @property
    def undetermined(self) -> bool:
        return any(b.undetermined for b in self.benefits)

    @property
    def suggested_fen(self) -> int | None:
        """The engine's suggestion for the undetermined part (None where it has none)."""
        s = [b.suggested_fen for b in self.benefits if b.undetermined and b.suggested_fen is not None]
        return sum(s) if s else None

    @property
    def refund_text(self) -> str:
        return self.refund_words()

    def refund_words(self, unit: str = "") -> str:
        return refund_text(self.refund_due_fen, self.undetermined, self.suggested_fen, unit=unit)

    @property
    def basis_text(self) -> str:
        lines = [b.explanation for b in self.benefits if b.refund_fen or b.explanation]
        mark = UNDETERMINED_MARK if self.undetermined else ""
        if lines:
            return mark + "；".join(lines)
        if mark or self.warnings:
            return mark + "；".join(self.warnings)
        return "未在服务期内离开或政策未规定退回，无需退回"

    def as_dict(self) -> dict[str, Any]:
        return {"talent_id": self.talent_id, "身份证号": self.id_number, "姓名": self.name,
                "departed_on": self.departed_on.isoformat(),
                "service_end": self.service_end.isoformat() if self.service_end else None,
                "to_cancel": [c.as_dict() for c in self.to_cancel], "grants_to_cancel": list(self.grants_to_cancel),
                "cancel_fen": sum(c.amount_fen for c in self.to_cancel),
                "received_fen": self.received_fen, "refund_due_fen": self.refund_due_fen,
                "refund_due": money.yuan(self.refund_due_fen), "refund_undetermined": self.undetermined,
                "refund_suggested_fen": self.suggested_fen, "refund_text": self.refund_text,
                "benefits": [b.as_dict() for b in self.benefits],
                "basis": list(self.basis), "basis_text": self.basis_text, "warnings": list(self.warnings)}


@dataclass
class RecoveryView:
    id: int
    amount_fen: int
    recovered_on: dt.date
    voucher_no: str | None
    remarks: str | None
    levels: dict[str, int] = field(default_factory=dict)  # each level's part (第六十五条)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "amount_fen": self.amount_fen, "amount": money.yuan(self.amount_fen),
                "recovered_on": self.recovered_on.isoformat(), "voucher_no": self.voucher_no, "remarks": self.remarks,
                "levels": dict(self.levels)}


@dataclass
class LevelView:
    """One funding level of a departure's refund: what it paid, its part of the refund due,
    what was recovered for it."""
    level: str
    label: str
    paid_fen: int
    amount_fen: int
    recovered_fen: int

    @property
    def outstanding_fen(self) -> int:
        return max(self.amount_fen - self.recovered_fen, 0)

    def as_dict(self) -> dict[str, Any]:
        return {"level": self.level, "label": self.label, "paid_fen": self.paid_fen, "amount_fen": self.amount_fen,
                "recovered_fen": self.recovered_fen, "outstanding_fen": self.outstanding_fen}


@dataclass
class DepartureView:
    id: int
    version: int
    talent_id: int
    id_number: str
    name: str
    employer: str | None
    departed_on: dt.date
    reason: str | None
    refund_due_fen: int
    recovered_fen: int
    basis: str | None
    recoveries: list[RecoveryView] = field(default_factory=list)
    levels: list[LevelView] = field(default_factory=list)  # the refund per funding level (get_departure)

    def level(self, code: str) -> LevelView | None:
        return next((lv for lv in self.levels if lv.level == code), None)

    @property
    def outstanding_fen(self) -> int:
        return max(self.refund_due_fen - self.recovered_fen, 0)

    @property
    def undetermined(self) -> bool:
        """The engine could not fix the refund (待定 until the office decides or the facts arrive)."""
        return is_undetermined(self.basis)

    @property
    def refund_text(self) -> str:
        return self.refund_words()

    def refund_words(self, unit: str = "") -> str:
        return refund_text(self.refund_due_fen, self.undetermined, unit=unit)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "version": self.version, "talent_id": self.talent_id, "身份证号": self.id_number,
                "姓名": self.name, "用人单位": self.employer, "departed_on": self.departed_on.isoformat(),
                "reason": self.reason, "refund_due_fen": self.refund_due_fen, "recovered_fen": self.recovered_fen,
                "outstanding_fen": self.outstanding_fen, "refund_due": money.yuan(self.refund_due_fen),
                "recovered": money.yuan(self.recovered_fen), "outstanding": money.yuan(self.outstanding_fen),
                "basis": self.basis, "refund_undetermined": self.undetermined, "refund_text": self.refund_text,
                "recoveries": [r.as_dict() for r in self.recoveries], "levels": [lv.as_dict() for lv in self.levels]}


def is_undetermined(basis: str | None) -> bool:
    """Whether a stored departure's refund is 待定 (its basis carries the mark)."""
    return bool(basis) and basis.startswith(UNDETERMINED_MARK)


# ---------------------------------------------------------------- computing

def _compute(session: Session, t: Talent, departed_on: dt.date) -> DeparturePreview:
    from talentdesk.services.benefits import grants
    from talentdesk.services.benefits.paid import paid_map

    inputs = grants.engine_inputs(session, t)
    paid = paid_map(session, t.id)
    gs = session.execute(select(BenefitGrant).where(BenefitGrant.talent_id == t.id)
                         .options(selectinload(BenefitGrant.installments))
                         .order_by(BenefitGrant.id)).scalars().all()
    benefits: list[BenefitRefund] = []
    to_cancel: list[CancelItem] = []
    grants_to_cancel: list[int] = []
    basis: list[str] = []
    warnings: list[str] = []
    service_end = None
    received_total = 0
    for g in gs:
        net = sum(i.amount_fen for i in g.installments if i.status in ("paid", "reversed"))
        received_total += net
        if g.status == "proposed":
            grants_to_cancel.append(g.id)
            for i in g.installments:
                if i.status in OPEN:
                    to_cancel.append(CancelItem(i.id, g.id, g.benefit_name, i.seq, i.due_date, i.amount_fen, i.status,
                                                f"{departed_on}离开，待审核的申请随之取消"))
            continue
        if g.status not in ("approved", "cancelled") or g.approval_date is None:
            continue
        inputs.policy_id = g.policy_id
        ev = grants.run_engine(inputs, approved_on=g.approval_date, as_of=departed_on, departed_on=departed_on,
                               facts=grants.grant_facts(g),
                               paid={g.benefit_code: paid.get(g.benefit_code, [])})
        for w in ev.warnings:
            if w not in warnings:
                warnings.append(w)
        service_end = service_end or ev.service_end
        if ev.service_years_required is None:
            w = (f"{g.benefit_name}：{ev.service_note or '政策未规定服务年限'}；未登记服务期协议的服务年限，"
                 f"无法判断是否应退回，请先登记服务期协议")
            if w not in warnings:
                warnings.append(w)
        try:
            res = ev.benefit(g.benefit_code)
        except KeyError:
            continue
        refund = res.refund_fen
        # the engine computes on its own schedule amounts; never ask back more than was received
        refund = min(refund, net) if net >= 0 else 0
        line = next((s.message for s in res.explanation if s.check == "refund"), "")
        rbasis = [s.basis for s in res.explanation if s.check == "refund" and s.basis]
        for b in rbasis:
            if b not in basis:
                basis.append(b)
        suggested = res.refund_suggested_fen
        if suggested is not None and net >= 0:
            suggested = min(suggested, net)
        benefits.append(BenefitRefund(g.id, g.benefit_code, g.benefit_name, net, refund, rbasis, line,
                                      res.refund_status, suggested))
        if g.status != "approved":
            continue
        # what the departure cancels is the engine's answer (rules.payability)
        stored = [payability.StoredInstallment(i.seq, i.due_date, i.amount_fen, i.status, g.status, None,
                                               i.reverses_id is not None, i.id) for i in g.installments]
        for c in payability.departure_cancellations(ev, g.benefit_code, stored, refund_fen=refund):
            to_cancel.append(CancelItem(c.inst.id, g.id, g.benefit_name, c.inst.seq, c.inst.due, c.inst.amount_fen,
                                        c.inst.status, c.reason))
    return DeparturePreview(t.id, t.id_number, t.name, departed_on, service_end, to_cancel, grants_to_cancel,
                            received_total, sum(b.refund_fen for b in benefits), benefits, basis, warnings)


def _check_date(departed_on: Any) -> dt.date:
    d = values.date_or_none(departed_on)
    if d is None:
        raise ValidationError([FieldError("departed_on", "离职日期", departed_on, f"离职日期：“{departed_on or ''}”不是有效日期")])
    return d


def preview(ctx: ServiceContext, id_number: str, departed_on: dt.date) -> DeparturePreview:
    """What ``record`` would do (read-only)."""
    from talentdesk.services.benefits import grants

    d = _check_date(departed_on)
    with ctx.read() as session:
        t = grants.load_talent(session, id_number)
        return _compute(session, t, d)


def _view(session: Session, dep: Departure, t: Talent | None = None) -> DepartureView:
    t = t or session.get(Talent, dep.talent_id)
    emp = session.get(Employer, t.employer_id).name if t.employer_id else None
    recs = session.execute(select(Recovery).where(Recovery.departure_id == dep.id).order_by(Recovery.id)).scalars().all()
    by_rec: dict[int, dict[str, int]] = {}
    if recs:
        for rid, lv, fen in session.execute(select(RecoveryLevel.recovery_id, RecoveryLevel.level, RecoveryLevel.amount_fen)
                                            .where(RecoveryLevel.recovery_id.in_([r.id for r in recs]))):
            by_rec.setdefault(rid, {})[lv] = fen
    views = [RecoveryView(r.id, r.amount_fen, r.recovered_on, r.voucher_no, r.remarks, by_rec.get(r.id, {}))
             for r in recs]
    recovered_by: dict[str, int] = {}
    for parts in by_rec.values():
        for lv, fen in parts.items():
            recovered_by[lv] = recovered_by.get(lv, 0) + fen
    from talentdesk.services.benefits import packs

    pack = packs.pack_or_none(t.policy_id)
    levels = [LevelView(lv.level, packs.level_label(lv.level, pack), lv.paid_fen, lv.amount_fen,
                        recovered_by.get(lv.level, 0)) for lv in _levels(session, dep.id)]
    return DepartureView(dep.id, dep.version, t.id, t.id_number, t.name, emp, dep.departed_on, dep.reason,
                         dep.refund_due_fen, sum(r.amount_fen for r in recs), dep.basis, views, levels)


def _levels(session: Session, departure_id: int) -> list[DepartureLevel]:
    rows = session.execute(select(DepartureLevel).where(DepartureLevel.departure_id == departure_id)).scalars().all()
    order = recovery_rule.LEVEL_ORDER
    return sorted(rows, key=lambda lv: (order.index(lv.level) if lv.level in order else len(order), lv.level))


def _split_of(session: Session, t: Talent, p: DeparturePreview, refund_due_fen: int) -> recovery_rule.DepartureSplit:
    """The rules engine's split of ``refund_due_fen`` back to the levels (第六十五条) from the
    paid installments' funding, benefit by benefit."""
    from talentdesk.services.benefits.paid import paid_funding

    items = paid_funding(session, t.id)
    refunds = [(b.refund_fen, items.get(b.grant_id, [])) for b in p.benefits]
    return recovery_rule.departure_split(refunds, [i for v in items.values() for i in v], refund_due_fen)


def _store_levels(session: Session, dep: Departure, sp: recovery_rule.DepartureSplit) -> dict[str, Any] | None:
    """Replace the departure's level rows by ``sp``; returns the change for the audit (None
    when nothing changed)."""
    old = {lv.level: (lv.paid_fen, lv.amount_fen) for lv in _levels(session, dep.id)}
    new = {k: (sp.paid_by_level.get(k, 0), sp.parts.get(k, 0)) for k in sp.paid_by_level
           if sp.paid_by_level.get(k, 0) or sp.parts.get(k, 0)}
    if old == new:
        return None
    for lv in _levels(session, dep.id):
        if lv.level not in new:
            session.delete(lv)
        else:
            lv.paid_fen, lv.amount_fen = new[lv.level]
    for k, (paid, part) in new.items():
        if k not in old:
            session.add(DepartureLevel(departure_id=dep.id, level=k, paid_fen=paid, amount_fen=part))
    session.flush()
    return {"levels": {k: v[1] for k, v in new.items()}, "unassigned_fen": sp.unassigned_fen,
            "article": sp.article}


def future_question(departed_on: dt.date) -> str | None:
    """"离职日期 2027年1月5日 晚于今天，确定登记？" for a departure dated after today (a
    talent who has given notice), None for today or earlier: ``record`` refuses such a
    date unless the caller asked this and passes ``confirm_future=True``."""
    if departed_on <= dt.date.today():
        return None
    return f"离职日期 {values.cn_date(departed_on)} 晚于今天，确定登记？"


def record(ctx: ServiceContext, id_number: str, departed_on: dt.date, reason: str | None, *,
           confirm_future: bool = False) -> DepartureView:
    """Record a departure: refund due and basis, cancellations, talent status departed.
    A date after today (``future_question``) is refused unless ``confirm_future``."""
    from talentdesk.services.benefits import grants
    from talentdesk.services.register import talents

    permissions.require(ctx, "departure.record")
    d = _check_date(departed_on)
    if d > dt.date.today() + dt.timedelta(days=366):
        raise ValidationError([FieldError("departed_on", "离职日期", departed_on, f"离职日期：{d}太远，请核对")])
    if not confirm_future and future_question(d):
        raise ValidationError([FieldError("departed_on", "离职日期", d,
                                          f"离职日期：{values.cn_date(d)}晚于今天，确需提前登记请先确认")])
    with ctx.write() as session:
        t = grants.load_talent(session, id_number, lock=True)
        if t.status == "departed":
            raise ConflictError(f"{t.name}已办理离职登记，不能重复登记")
        start = t.introduction_date or t.contract_start
        if start is not None and d < start:
            raise ValidationError([FieldError("departed_on", "离职日期", d,
                                              f"离职日期：{d}早于{t.name}的引进日期{start}")])
        p = _compute(session, t, d)
        changes: list[audit.Change] = []
        for c in p.to_cancel:
            inst = session.get(Installment, c.installment_id)
            changes.append(audit.Change("cancel", "installment", inst.id, t.id,
                                        {"status": inst.status, "status_reason": inst.status_reason},
                                        {"status": "cancelled", "status_reason": c.reason}))
            inst.status, inst.status_reason = "cancelled", c.reason
            inst.proposed_by = inst.approved_by = None
        for gid in p.grants_to_cancel:
            g = session.get(BenefitGrant, gid)
            changes.append(audit.Change("cancel", "benefit_grant", g.id, t.id, {"status": g.status},
                                        {"status": "cancelled", "reason": f"{d}离开"}))
            g.status = "cancelled"
        for a in session.execute(select(ServiceAgreement).where(ServiceAgreement.talent_id == t.id,
                                                                ServiceAgreement.status == "active")).scalars():
            changes.append(audit.Change("update", "service_agreement", a.id, t.id, {"status": a.status},
                                        {"status": "terminated"}))
            a.status = "terminated"
        before = talents.snapshot(t)
        t.status = "departed"
        b, a = audit.diff(before, talents.snapshot(t))
        changes.append(audit.Change("update", "talent", t.id, t.id, b, a))
        dep = Departure(talent_id=t.id, departed_on=d, reason=values.clean_text(reason),
                        refund_due_fen=p.refund_due_fen, basis=p.basis_text)
        session.add(dep)
        session.flush()
        split = _store_levels(session, dep, _split_of(session, t, p, dep.refund_due_fen)) or {}
        changes.insert(0, audit.Change("create", "departure", dep.id, t.id, None,
                                       {"departed_on": d, "reason": dep.reason, "refund_due_fen": dep.refund_due_fen,
                                        "basis": dep.basis, "cancelled": [c.installment_id for c in p.to_cancel]}
                                       | split))
        audit.record_many(session, ctx.actor, changes)
        return _view(session, dep, t)


def record_recovery(ctx: ServiceContext, departure_id: int, amount_fen: int, recovered_on: dt.date,
                    voucher_no: str | None, remarks: str | None = None) -> DepartureView:
    """Money recovered against a departure's refund due (not more than is outstanding)."""
    permissions.require(ctx, "recovery.record")
    errors = []
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool) or amount_fen <= 0:
        errors.append(FieldError("amount_fen", "追回金额", amount_fen, "追回金额：应为大于0的金额"))
    if not isinstance(recovered_on, dt.date):
        errors.append(FieldError("recovered_on", "追回日期", recovered_on, "追回日期：必须填写有效日期"))
    if errors:
        raise ValidationError(errors)
    with ctx.write() as session:
        stmt = select(Departure).where(Departure.id == departure_id)
        if session.get_bind().dialect.name == "postgresql":
            stmt = stmt.with_for_update()
        dep = session.execute(stmt).scalar_one_or_none()
        if dep is None:
            raise NotFoundError(f"找不到编号为{departure_id}的离职记录")
        view = _view(session, dep)
        if amount_fen > view.outstanding_fen:
            why = (f"追回金额：{view.name}的应退回金额待定（{view.basis}），已确定尚未追回的只有"
                   f"{money.yuan(view.outstanding_fen)}元；请先登记服务期协议或办公室的追回决定"
                   if view.undetermined else
                   f"追回金额：{money.yuan(amount_fen)}元超过{view.name}尚未追回的{money.yuan(view.outstanding_fen)}元")
            raise ValidationError([FieldError("amount_fen", "追回金额", amount_fen, why)])
        if not _levels(session, dep.id) and dep.refund_due_fen > 0:
            # a departure recorded before the split existed: split its refund now (第六十五条)
            t = session.get(Talent, dep.talent_id)
            made = _store_levels(session, dep, _split_of(session, t, _compute(session, t, dep.departed_on),
                                                         dep.refund_due_fen))
            if made:
                audit.record(session, ctx.actor, "split", "departure", dep.id, talent_id=dep.talent_id, after=made)
            view = _view(session, dep)
        parts, unassigned = recovery_rule.split_recovery(amount_fen, {lv.level: lv.outstanding_fen
                                                                      for lv in view.levels})
        rec = Recovery(departure_id=dep.id, amount_fen=amount_fen, recovered_on=recovered_on,
                       voucher_no=values.clean_text(voucher_no), remarks=values.clean_text(remarks))
        session.add(rec)
        session.flush()
        for k, fen in parts.items():
            if fen:
                session.add(RecoveryLevel(recovery_id=rec.id, level=k, amount_fen=fen))
        session.flush()
        audit.record(session, ctx.actor, "create", "recovery", rec.id, talent_id=dep.talent_id,
                     after={"departure_id": dep.id, "amount_fen": amount_fen, "recovered_on": recovered_on,
                            "voucher_no": rec.voucher_no, "levels": {k: v for k, v in parts.items() if v}}
                     | ({"unassigned_fen": unassigned} if unassigned else {}))
        return _view(session, dep)


def get_departure(ctx: ServiceContext, departure_id: int) -> DepartureView:
    with ctx.read() as session:
        dep = session.get(Departure, departure_id)
        if dep is None:
            raise NotFoundError(f"找不到编号为{departure_id}的离职记录")
        return _view(session, dep)


def list_departures(ctx: ServiceContext, outstanding_only: bool = False, *, talent: str | None = None,
                    limit: int | None = None) -> list[DepartureView]:
    """Departures, latest first, with due / recovered / outstanding (SQL aggregation).
    Each view's ``recoveries`` is left empty here (``get_departure`` fills it)."""
    recovered = (select(Recovery.departure_id, func.sum(Recovery.amount_fen).label("rec"))
                 .group_by(Recovery.departure_id).subquery())
    rec = func.coalesce(recovered.c.rec, 0)
    stmt = (select(Departure, Talent.id_number, Talent.name, Employer.name, rec)
            .join(Talent, Departure.talent_id == Talent.id)
            .outerjoin(Employer, Talent.employer_id == Employer.id)
            .outerjoin(recovered, recovered.c.departure_id == Departure.id)
            .order_by(Departure.departed_on.desc(), Departure.id.desc()))
    if outstanding_only:
        # a 待定 refund stays on the outstanding list until it is fixed and recovered
        stmt = stmt.where(or_(Departure.refund_due_fen > rec, Departure.basis.startswith(UNDETERMINED_MARK)))
    with ctx.read() as session:
        if talent:
            from talentdesk.services.benefits import grants

            stmt = stmt.where(Departure.talent_id == grants.load_talent(session, talent).id)
        if limit is not None:
            stmt = stmt.limit(limit)
        return [DepartureView(dep.id, dep.version, dep.talent_id, idn, name, emp, dep.departed_on, dep.reason,
                              dep.refund_due_fen, int(r), dep.basis)
                for dep, idn, name, emp, r in session.execute(stmt).all()]


# ---------------------------------------------------------------- refund basis kept current

def _recovered(session: Session, dep: Departure) -> int:
    return int(session.execute(select(func.coalesce(func.sum(Recovery.amount_fen), 0))
                               .where(Recovery.departure_id == dep.id)).scalar_one())


def is_settled(refund_due_fen: int, recovered_fen: int) -> bool:
    """A recovery is settled once something was recovered and nothing is outstanding; from
    then on its refund due and basis are no longer recomputed."""
    return recovered_fen > 0 and recovered_fen >= refund_due_fen


def refresh_refund(session: Session, t: Talent, *, reason: str) -> list[audit.Change]:
    """Recompute the refund due and its basis of the talent's unsettled departures from
    what was really paid now (payments recorded or reversed after the departure, facts
    recorded since); returns the audit changes (the caller records them). Never below
    what was already recovered."""
    changes: list[audit.Change] = []
    for dep in session.execute(select(Departure).where(Departure.talent_id == t.id)
                               .order_by(Departure.id)).scalars().all():
        got = _recovered(session, dep)
        if is_settled(dep.refund_due_fen, got) and not is_undetermined(dep.basis):
            continue
        session.flush()
        p = _compute(session, t, dep.departed_on)
        due = max(p.refund_due_fen, got)
        basis = p.basis_text
        if due != p.refund_due_fen:
            basis += f"；已追回{money.yuan(got)}元，多于重新测算的应退回{money.yuan(p.refund_due_fen)}元，按已追回计"
        split = _store_levels(session, dep, _split_of(session, t, p, due))
        if due == dep.refund_due_fen and basis == dep.basis and split is None:
            continue
        before = {"refund_due_fen": dep.refund_due_fen, "basis": dep.basis}
        dep.refund_due_fen, dep.basis = due, basis
        changes.append(audit.Change("recompute", "departure", dep.id, t.id, before,
                                    {"refund_due_fen": due, "basis": basis, "reason": reason} | (split or {})))
    return changes


def refresh_after_payments(session: Session, actor: str, talent_ids: Any, *, reason: str) -> int:
    """``refresh_refund`` for each departed talent among ``talent_ids``, audited; the
    payments service calls it after recording or reversing payments. Returns how many
    departures changed."""
    ids = sorted({int(i) for i in talent_ids if i is not None})
    if not ids:
        return 0
    departed = session.execute(select(Talent).where(Talent.id.in_(ids), Talent.id.in_(
        select(Departure.talent_id)))).scalars().all()
    changes: list[audit.Change] = []
    for t in departed:
        changes += refresh_refund(session, t, reason=reason)
    if changes:
        session.flush()
        audit.record_many(session, actor, changes)
    return len(changes)


def recompute(ctx: ServiceContext, departure_id: int | None = None) -> list[DepartureView]:
    """Recompute the refund due and basis of one departure (or of every unsettled one),
    audited; returns the departures that changed."""
    permissions.require(ctx, "departure.record")
    with ctx.write() as session:
        stmt = select(Departure).order_by(Departure.id)
        if departure_id is not None:
            stmt = stmt.where(Departure.id == departure_id)
        deps = session.execute(stmt).scalars().all()
        if departure_id is not None and not deps:
            raise NotFoundError(f"找不到编号为{departure_id}的离职记录")
        changed: list[Departure] = []
        changes: list[audit.Change] = []
        for tid in dict.fromkeys(d.talent_id for d in deps):
            t = session.get(Talent, tid)
            c = refresh_refund(session, t, reason="重新测算应退回金额")
            if departure_id is not None:
                c = [x for x in c if x.entity_id == departure_id]
            changes += c
            changed += [d for d in deps if d.talent_id == tid and any(x.entity_id == d.id for x in c)]
        if changes:
            session.flush()
            audit.record_many(session, ctx.actor, changes)
        return [_view(session, d) for d in changed]
