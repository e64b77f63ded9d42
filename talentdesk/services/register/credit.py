"""失信名单: the credit list (《内蒙古自治区人才发展促进条例》第六十六条).

A talent or an employer recorded as 失信 gets no new support for the entry's period; the
rules engine decides which benefits an entry bars (``talentdesk.rules.credit``), the
grants service hands it the entries (``grants.engine_inputs_many``). Entries are added
and lifted by a reviewer or an administrator (``credit.write``); a lifted entry is kept
as history, never deleted. Every change is audited.

Public API::

    add(ctx, *, talent=None, employer=None, start, end=None, basis, doc_no) -> CreditEntryView
    lift(ctx, entry_id, reason, *, lifted_on=None, expected_version=None) -> CreditEntryView
    get(ctx, entry_id) -> CreditEntryView
    list_entries(ctx, *, history=False, on=None) -> list[CreditEntryView]
        (current first — in force or not yet in force —, then, with ``history``, the
        ended and lifted ones)

``talent``: an ID number (身份证号); ``employer``: the employer's name (or its 统一社会信用代码).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from talentdesk.domain import docno
from talentdesk.domain.errors import ConflictError, FieldError, NotFoundError, ValidationError
from talentdesk.models.base import utcnow
from talentdesk.models.entities import CreditEntry, Employer, Talent
from talentdesk.services import rows
from talentdesk.services.context import ServiceContext
from talentdesk.services.office import permissions
from talentdesk.services.office.audit import log as audit
from talentdesk.services.register import talents

ENTITY = "credit_entry"
STATES = {"in_force": "生效中", "future": "未到开始日期", "ended": "已期满", "lifted": "已解除"}


@dataclass
class CreditEntryView:
    id: int
    version: int
    kind: str  # "talent" / "employer"
    talent_id: int | None
    employer_id: int | None
    name: str  # the talent's or the employer's name
    id_number: str | None  # the talent's 身份证号
    start_date: dt.date
    end_date: dt.date | None
    basis: str
    doc_no: str
    recorded_by: str | None
    recorded_at: dt.datetime | None
    lifted_on: dt.date | None
    lifted_by: str | None
    lift_reason: str | None
    state: str  # in_force / future / ended / lifted (on the day listed)

    @property
    def kind_label(self) -> str:
        return "人才" if self.kind == "talent" else "用人单位"

    @property
    def state_label(self) -> str:
        return STATES[self.state]

    @property
    def current(self) -> bool:
        """In force, or not yet: it bars (or will bar) new support."""
        return self.state in ("in_force", "future")

    @property
    def period(self) -> str:
        return f"{self.start_date}至{self.end_date or '今'}"

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "version": self.version, "kind": self.kind, "kind_label": self.kind_label,
                "talent_id": self.talent_id, "employer_id": self.employer_id, "name": self.name,
                "id_number": self.id_number, "start_date": self.start_date.isoformat(),
                "end_date": self.end_date.isoformat() if self.end_date else None, "basis": self.basis,
                "doc_no": self.doc_no, "recorded_by": self.recorded_by,
                "recorded_at": self.recorded_at.isoformat(timespec="seconds") if self.recorded_at else None,
                "lifted_on": self.lifted_on.isoformat() if self.lifted_on else None, "lifted_by": self.lifted_by,
                "lift_reason": self.lift_reason, "state": self.state, "state_label": self.state_label}


def state_of(e: CreditEntry, on: dt.date) -> str:
    if e.lifted_on is not None:
        return "lifted"
    if e.end_date is not None and e.end_date < on:
        return "ended"
    if e.start_date > on:
        return "future"
    return "in_force"


def _view(e: CreditEntry, talent: Talent | None, employer: Employer | None, on: dt.date) -> CreditEntryView:
    return CreditEntryView(
        e.id, e.version, "talent" if e.talent_id else "employer", e.talent_id, e.employer_id,
        talent.name if talent is not None else (employer.name if employer is not None else ""),
        talent.id_number if talent is not None else None, e.start_date, e.end_date, e.basis, e.doc_no,
        e.recorded_by, e.recorded_at, e.lifted_on, e.lifted_by, e.lift_reason, state_of(e, on))


def _snapshot(e: CreditEntry) -> dict[str, Any]:
    return {"talent_id": e.talent_id, "employer_id": e.employer_id, "start_date": e.start_date,
            "end_date": e.end_date, "basis": e.basis, "doc_no": e.doc_no, "recorded_by": e.recorded_by,
            "lifted_on": e.lifted_on, "lifted_by": e.lifted_by, "lift_reason": e.lift_reason}


def _employer(session: Session, name: str) -> Employer:
    text = name.strip()
    found = session.execute(select(Employer).where(or_(Employer.name == text, Employer.uscc == text.upper()))
                            ).scalars().first()
    if found is None:
        raise NotFoundError(f"找不到名称为“{text}”的用人单位，请先登记该单位")
    return found


def _text(value: str | None) -> str:
    return (value or "").strip()


def add(ctx: ServiceContext, *, talent: str | None = None, employer: str | None = None, start: dt.date | None,
        end: dt.date | None = None, basis: str, doc_no: str) -> CreditEntryView:
    """Record a talent (ID number) or an employer (name) as 失信 from ``start`` to ``end``
    (None: open-ended) with its 依据/事由 and 文号 (both required)."""
    permissions.require(ctx, "credit.write")
    errors: list[FieldError] = []
    if bool(_text(talent)) == bool(_text(employer)):
        errors.append(FieldError("subject", "对象", None, "对象：请指定一名人才（身份证号）或一家用人单位（名称），只能选其一"))
    if start is None:
        errors.append(FieldError("start_date", "开始日期", None, "开始日期：必须填写"))
    elif end is not None and end < start:
        errors.append(FieldError("end_date", "结束日期", end, f"结束日期：{end}早于开始日期{start}"))
    if not _text(basis):
        errors.append(FieldError("basis", "事由", basis, "事由（依据）：必须填写"))
    if not _text(doc_no):
        errors.append(FieldError("doc_no", "文号", doc_no, "文号：必须填写"))
    else:
        try:  # a 文号 names a document only with its sequence number (…〔2023〕7号)
            docno.check(doc_no, field="doc_no", label="文号", example="阿信用字〔2025〕3号")
        except ValidationError as exc:
            errors.extend(exc.errors)
    if errors:
        raise ValidationError(errors)
    with ctx.write() as session:
        t = talents.load(session, talent) if _text(talent) else None
        emp = _employer(session, employer) if t is None else None
        same = select(CreditEntry).where(CreditEntry.doc_no == _text(doc_no), CreditEntry.lifted_on.is_(None))
        same = same.where(CreditEntry.talent_id == t.id) if t is not None else same.where(
            CreditEntry.employer_id == emp.id)
        if session.execute(same).scalars().first() is not None:
            who = t.name if t is not None else emp.name
            raise ConflictError(f"{who}已有文号为“{_text(doc_no)}”的失信名单记录（未解除），不能重复登记")
        e = CreditEntry(talent_id=t.id if t else None, employer_id=emp.id if emp else None, start_date=start,
                        end_date=end, basis=_text(basis), doc_no=_text(doc_no), recorded_by=ctx.actor,
                        recorded_at=utcnow())
        session.add(e)
        session.flush()
        audit.record(session, ctx.actor, "create", ENTITY, e.id, talent_id=t.id if t else None, after=_snapshot(e))
        return _view(e, t, emp, dt.date.today())


def _load(session: Session, entry_id: int, expected_version: int | None = None) -> CreditEntry:
    return rows.load_for_change(session, CreditEntry, entry_id, what="失信名单记录", expected_version=expected_version)


def _subjects(session: Session, e: CreditEntry) -> tuple[Talent | None, Employer | None]:
    return (session.get(Talent, e.talent_id) if e.talent_id else None,
            session.get(Employer, e.employer_id) if e.employer_id else None)


def lift(ctx: ServiceContext, entry_id: int, reason: str, *, lifted_on: dt.date | None = None,
         expected_version: int | None = None) -> CreditEntryView:
    """Lift (解除) an entry with its reason on ``lifted_on`` (default today); the entry is
    kept as history. A lifted entry bars nothing (the engine: ``rules.CreditBar.covers``)."""
    permissions.require(ctx, "credit.write")
    if not _text(reason):
        raise ValidationError([FieldError("reason", "解除原因", reason, "解除原因：必须填写")])
    with ctx.write() as session:
        e = _load(session, entry_id, expected_version)
        t, emp = _subjects(session, e)
        if e.lifted_on is not None:
            raise ConflictError(f"失信名单记录{entry_id}（文号{e.doc_no}）已于{e.lifted_on}由{e.lifted_by or '—'}解除")
        before = _snapshot(e)
        e.lifted_on = lifted_on or dt.date.today()
        e.lifted_by = ctx.actor
        e.lift_reason = _text(reason)
        session.flush()
        b, a = audit.diff(before, _snapshot(e))
        audit.record(session, ctx.actor, "lift", ENTITY, e.id, talent_id=e.talent_id, before=b, after=a)
        return _view(e, t, emp, dt.date.today())


def get(ctx: ServiceContext, entry_id: int) -> CreditEntryView:
    with ctx.read() as session:
        e = _load(session, entry_id)
        return _view(e, *_subjects(session, e), dt.date.today())


def list_entries(ctx: ServiceContext, *, history: bool = False, on: dt.date | None = None) -> list[CreditEntryView]:
    """The entries current on ``on`` (default today: in force or not yet started), newest
    start first; with ``history`` also the ended and the lifted ones, after them."""
    on = on or dt.date.today()
    stmt = (select(CreditEntry, Talent, Employer)
            .outerjoin(Talent, CreditEntry.talent_id == Talent.id)
            .outerjoin(Employer, CreditEntry.employer_id == Employer.id)
            .order_by(CreditEntry.start_date.desc(), CreditEntry.id.desc()))
    if not history:
        stmt = stmt.where(CreditEntry.lifted_on.is_(None),
                          or_(CreditEntry.end_date.is_(None), CreditEntry.end_date >= on))
    with ctx.read() as session:
        views = [_view(e, t, emp, on) for e, t, emp in session.execute(stmt).all()]
    return sorted(views, key=lambda v: not v.current)  # stable: current first, each newest first
