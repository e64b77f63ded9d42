"""Talents (引进人才): register, update, show, list, delete, and the policy profile."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload

from talentdesk.domain import money, pinyin, roster
from talentdesk.domain.errors import ConflictError, FieldError, NotFoundError, ValidationError
from talentdesk.domain.status import TALENT_STATUS
from talentdesk.models.entities import (AnnualReview, BenefitGrant, CaseDecision, CreditEntry, Departure,
                                        Employer, Installment, Talent)
from talentdesk.services.office import permissions, scope, settings
from talentdesk.services.office.audit import log as audit
from talentdesk.services.register import employers, roster_agreement
from talentdesk.services.context import ServiceContext

# Talent columns that mirror a roster field one to one (all but the employer's).
TALENT_KEYS = tuple(k for k in roster.KEYS if k not in roster.EMPLOYER_KEYS)


@dataclass
class TalentView:
    id: int
    version: int
    status: str
    policy_id: str | None
    record: dict[str, Any]  # typed, keyed by field key

    @property
    def id_number(self) -> str:
        return self.record["id_number"]

    @property
    def name(self) -> str:
        return self.record["name"]

    def json_row(self) -> dict[str, Any]:
        """Keyed by the standard roster labels; dates YYYY-MM-DD, booleans 是/否."""
        return roster.to_json_row(self.record)


def record_of(t: Talent) -> dict[str, Any]:
    rec = {k: getattr(t, k) for k in TALENT_KEYS}
    rec.update(zip(roster.EMPLOYER_KEYS, employers.roster_values(t.employer)))
    return rec


def view_of(t: Talent) -> TalentView:
    return TalentView(t.id, t.version, t.status, t.policy_id, record_of(t))


def snapshot(t: Talent) -> dict[str, Any]:
    """What the audit trail records about a talent (the roster record + status)."""
    data = record_of(t)
    data["status"] = t.status
    data["policy_id"] = t.policy_id
    return data


def parse(raw: dict[str, Any], *, by: str = "label", partial: bool = False) -> dict[str, Any]:
    record, errors = roster.parse_record(raw, by=by, partial=partial)
    if errors:
        raise ValidationError(errors)
    return record


def apply_record(session: Session, user: str | None, talent: Talent, record: dict[str, Any]) -> None:
    """Copy a parsed record onto a talent (employer fields resolve to an Employer row).

    The employer is resolved first so that the talent is written in one UPDATE (one
    version bump), not flushed half-changed by the employer lookup.
    """
    employer = None
    if record.get("employer_name"):
        employer = employers.ensure_from_roster(session, user, tuple(record.get(k) for k in roster.EMPLOYER_KEYS))
    for k in TALENT_KEYS:
        if k in record:
            setattr(talent, k, record[k])
    if "name" in record:
        talent.name_initials = pinyin.initials(record["name"])
    if employer is not None:
        talent.employer = employer


def load(session: Session, id_number: str, *, lock: bool = False) -> Talent:
    from talentdesk.domain import idcard

    try:
        number = idcard.normalize(id_number)
    except Exception:  # pragma: no cover - normalize only folds text
        number = str(id_number)
    stmt = select(Talent).options(joinedload(Talent.employer)).where(Talent.id_number == number)
    if lock and session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(of=Talent)
    t = session.execute(stmt).scalar_one_or_none()
    if t is None:
        raise NotFoundError(f"找不到身份证号为{number}的人才")
    return t


def add(ctx: ServiceContext, raw: dict[str, Any], *, by: str = "label", policy_id: str | None = None) -> TalentView:
    permissions.require(ctx, "talent.write")
    record = parse(raw, by=by)
    with ctx.write() as session:
        exists, other = scope.owner_of_id_number(session, record["id_number"])
        if other is not None:
            raise ConflictError(f"身份证号{record['id_number']}已由{other}登记，身份证号在全盟唯一，不能重复登记；"
                                f"如人才已调入本地，请联系{other}或盟委人才办办理")
        if exists:
            raise ConflictError(f"身份证号{record['id_number']}已登记，请使用修改功能")
        t = Talent(id_number=record["id_number"], name=record["name"], policy_id=policy_id, status="active")
        apply_record(session, ctx.actor, t, record)
        session.add(t)
        session.flush()
        audit.record(session, ctx.actor, "create", "talent", t.id, talent_id=t.id, after=snapshot(t))
        _sync_agreement(session, ctx.actor, t)
        return view_of(t)


def update(ctx: ServiceContext, id_number: str, raw: dict[str, Any], *, by: str = "label",
           expected_version: int | None = None, policy_id: str | None = None) -> TalentView:
    permissions.require(ctx, "talent.write")
    changes = parse(raw, by=by, partial=True)
    with ctx.write() as session:
        t = load(session, id_number, lock=True)
        if expected_version is not None and t.version != expected_version:
            raise ConflictError(f"{t.name}（{t.id_number}）的信息已被其他用户修改，请刷新后重新编辑，"
                                f"以免覆盖对方的修改")
        if "id_number" in changes and changes["id_number"] != t.id_number:
            raise ValidationError([FieldError("id_number", "身份证号", changes["id_number"],
                                              "身份证号：不能修改身份证号，如登记有误请删除后重新登记")])
        merged = record_of(t) | changes
        errors = roster.cross_check(merged, raw_keys=set(changes), partial=True)
        if errors:
            raise ValidationError(errors)
        changes = {k: merged[k] for k in changes}  # values cross_check settled (e.g. 研究生 + 博士)
        before = snapshot(t)
        apply_record(session, ctx.actor, t, changes)
        if policy_id is not None:
            t.policy_id = policy_id
        audit.record_update(session, ctx.actor, "talent", t.id, before, snapshot(t), talent_id=t.id)
        if changes.keys() & set(roster_agreement.CONTRACT_KEYS):
            _sync_agreement(session, ctx.actor, t)
        return view_of(t)


def _sync_agreement(session: Session, actor: str | None, t: Talent) -> None:
    """The 服务协议 the record's 合同起始日期 and 合同期限 describe (``roster_agreement``):
    created when the talent has none, a roster-made one kept in line, a clerk's left alone."""
    policy = t.policy_id or settings.read_settings(session).default_policy_id
    roster_agreement.sync_talent(session, actor, t.id, record_of(t), policy)


def get(ctx: ServiceContext, id_number: str) -> TalentView:
    with ctx.read() as session:
        return view_of(load(session, id_number))


def get_by_id(ctx: ServiceContext, talent_id: int) -> TalentView:
    with ctx.read() as session:
        t = session.get(Talent, talent_id, options=[joinedload(Talent.employer)])
        if t is None:
            raise NotFoundError(f"找不到编号为{talent_id}的人才")
        return view_of(t)


@dataclass
class TalentSummary:
    id: int
    name: str
    id_number: str
    sex: str | None
    education: str | None
    employer: str | None
    district: str | None
    introduction_date: dt.date | None
    status: str
    phone: str | None

    @property
    def status_label(self) -> str:
        return TALENT_STATUS.get(self.status, self.status)


def search_clause(text: str):
    """WHERE clause for a search box: name prefix, pinyin initials, ID fragment, employer."""
    text = text.strip()
    like = f"%{text}%"
    clauses = [Talent.name.like(f"{text}%"), Talent.id_number.like(like), Employer.name.like(like)]
    if text.isascii() and text.isalpha():
        clauses.append(Talent.name_initials.like(f"{text.lower()}%"))
    return or_(*clauses)


def list_talents(ctx: ServiceContext, *, search: str | None = None, employer: str | None = None,
                 district: str | None = None, status: str | None = None, limit: int | None = 200,
                 offset: int = 0) -> tuple[int, list[TalentSummary]]:
    """(total matching, one page of summaries) ordered by name."""
    base = select(Talent.id).outerjoin(Employer, Talent.employer_id == Employer.id)
    if search:
        base = base.where(search_clause(search))
    if employer:
        base = base.where(Employer.name == employer)
    if district:
        base = base.where(Employer.district == district)
    if status:
        base = base.where(Talent.status == status)
    cols = (Talent.id, Talent.name, Talent.id_number, Talent.sex, Talent.education, Employer.name,
            Employer.district, Talent.introduction_date, Talent.status, Talent.phone)
    stmt = base.with_only_columns(*cols).order_by(Talent.name, Talent.id).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    with ctx.read() as session:
        total = session.execute(base.with_only_columns(func.count(Talent.id)).order_by(None)).scalar_one()
        return total, [TalentSummary(*row) for row in session.execute(stmt)]


def delete(ctx: ServiceContext, id_number: str) -> None:
    """Delete a talent registered by mistake; refused once anything was paid, and while
    anything a reviewer approved is live (an approved grant, an installment proposed or
    approved for payment): a reviewer cancels the grant first (``grants.cancel``, with its
    reason), which is the four-eyes step. Every row removed with the talent (grant,
    installment, agreement, review, case decision, departure) gets its own audit event
    holding what it was."""
    permissions.require(ctx, "talent.delete")
    with ctx.write() as session:
        t = load(session, id_number, lock=True)
        paid = session.execute(
            select(func.count(Installment.id)).join(BenefitGrant, Installment.grant_id == BenefitGrant.id)
            .where(BenefitGrant.talent_id == t.id, Installment.status.in_(("paid", "refund_due", "refunded",
                                                                           "reversed")))
        ).scalar_one()
        if paid:
            raise ConflictError(f"{t.name}已有发放记录，不能删除；如已离职，请办理离职登记")
        credit = session.execute(select(func.count(CreditEntry.id)).where(CreditEntry.talent_id == t.id)).scalar_one()
        if credit:
            # 失信名单 entries are kept, lifted ones too (条例 第六十六条): never deleted with the talent
            raise ConflictError(f"{t.name}有{credit}条失信名单记录（含已解除的），记录须保留，不能删除该人才")
        from talentdesk.models.duties.care import ServiceCase, Visit
        served = sum(session.execute(select(func.count(m.id)).where(m.talent_id == t.id)).scalar_one()
                     for m in (ServiceCase, Visit))
        if served:  # the service and visit records are the office's work record (阿拉善盟办法 第三十七条)
            raise ConflictError(f"{t.name}有{served}条服务事项或走访记录，记录须保留，不能删除该人才")
        from talentdesk.models.duties.housing import HousingConfirmation, Occupancy
        stays = session.execute(select(func.count(Occupancy.id)).where(Occupancy.talent_id == t.id)).scalar_one()
        if stays:  # the housing register's history is kept (人才公寓 入住记录)
            raise ConflictError(f"{t.name}有{stays}条人才公寓入住记录，记录须保留，不能删除该人才")
        for row in session.execute(select(HousingConfirmation).where(HousingConfirmation.talent_id == t.id)).scalars():
            session.delete(row)
        before = snapshot(t)
        grants = session.execute(select(BenefitGrant).where(BenefitGrant.talent_id == t.id)
                                 .order_by(BenefitGrant.id)).scalars().all()
        approved = _approved_parts(grants)
        if approved:
            raise ConflictError(f"{t.name}的{'；'.join(approved)}，不能由经办人直接删除；"
                                f"请先由审核人取消这些待遇（注明原因），再删除该人才")
        removed: list[audit.Change] = []
        for g in grants:
            for inst in g.installments:
                removed.append(audit.Change("delete", "installment", inst.id, t.id, _row_state(inst), None))
                session.delete(inst)
            removed.append(audit.Change("delete", "benefit_grant", g.id, t.id, _row_state(g), None))
            session.delete(g)
        entity = {AnnualReview: "annual_review", CaseDecision: "case_decision", Departure: "departure"}
        for model in (AnnualReview, CaseDecision, Departure):
            for row in session.execute(select(model).where(model.talent_id == t.id)).scalars():
                removed.append(audit.Change("delete", entity[model], row.id, t.id, _row_state(row), None))
                session.delete(row)
        for agreement in t.agreements:
            removed.append(audit.Change("delete", "agreement", agreement.id, t.id, _row_state(agreement), None))
            session.delete(agreement)
        session.flush()
        audit.record_many(session, ctx.actor, removed)
        session.delete(t)
        session.flush()
        audit.record(session, ctx.actor, "delete", "talent", t.id, talent_id=t.id, before=before)


def _approved_parts(grants) -> list[str]:
    """What of these grants a reviewer approved and is still live (Chinese, one per grant)."""
    out = []
    for g in grants:
        name = g.benefit_name or g.benefit_code
        live = [i for i in g.installments if i.status in ("proposed", "approved") and i.reverses_id is None]
        if g.status == "approved":
            out.append(f"{name}已由{g.approved_by or '审核人'}批准" + (f"（文号{g.approval_doc_no}）"
                                                                  if g.approval_doc_no else ""))
        elif live:
            out.append(f"{name}有{len(live)}期已提交或已审核发放（共{money.yuan(sum(i.amount_fen for i in live))}元）")
    return out


def _row_state(row) -> dict:
    """Every column of a row removed with a talent, for its audit event."""
    return {c.key: getattr(row, c.key) for c in row.__mapper__.column_attrs}

