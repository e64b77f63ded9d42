"""Employers (用人单位)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from talentdesk.domain import uscc as uscc_mod
from talentdesk.domain.errors import ConflictError, FieldError, NotFoundError, ValidationError
from talentdesk.models.entities import Employer, Talent
from talentdesk.services.office import audit, permissions
from talentdesk.services.context import ServiceContext


@dataclass
class EmployerView:
    id: int
    name: str
    uscc: str | None
    kind: str | None
    district: str | None
    talents: int = 0
    version: int = 1

    def as_dict(self) -> dict:
        return asdict(self)


def _view(e: Employer, talents: int = 0) -> EmployerView:
    return EmployerView(e.id, e.name, e.uscc, e.kind, e.district, talents, e.version)


def _snapshot(e: Employer) -> dict:
    return {"name": e.name, "uscc": e.uscc, "kind": e.kind, "district": e.district}


def _find(session: Session, name: str, uscc: str | None) -> Employer | None:
    employer = None
    if uscc:
        employer = session.execute(select(Employer).where(Employer.uscc == uscc)).scalar_one_or_none()
    if employer is None:
        employer = session.execute(select(Employer).where(Employer.name == name)).scalar_one_or_none()
    return employer


def _insert_or_find(session: Session, name: str, uscc: str | None, kind: str | None,
                    district: str | None) -> tuple[Employer, bool]:
    """Insert a new employer inside a savepoint. If another clerk's transaction created the
    same employer meanwhile (PostgreSQL: the unique index waits for it, then refuses), use
    theirs instead of failing with a raw database error."""
    employer = Employer(name=name, uscc=uscc, kind=kind, district=district)
    try:
        with session.begin_nested():
            session.add(employer)
            session.flush()
    except IntegrityError:
        found = _find(session, name, uscc)
        if found is None:
            raise ConflictError(f"单位“{name}”或其统一社会信用代码与已登记的单位冲突，请核对") from None
        return found, False
    return employer, True


def ensure(session: Session, user: str | None, name: str, uscc: str | None = None, kind: str | None = None,
           district: str | None = None) -> Employer:
    """Find the employer by credit code or name, creating it if new; fills blank fields."""
    employer = _find(session, name, uscc)
    if employer is None:
        employer, created = _insert_or_find(session, name, uscc, kind, district)
        if created:
            audit.record(session, user, "create", "employer", employer.id, after=_snapshot(employer))
            return employer
    before = _snapshot(employer)
    if employer.uscc and uscc and employer.uscc != uscc:
        raise ValidationError([FieldError("employer_uscc", "统一社会信用代码", uscc,
                                          f"统一社会信用代码：单位“{name}”已登记的代码为{employer.uscc}，与{uscc}不一致")])
    for attr, value in (("uscc", uscc), ("kind", kind), ("district", district)):
        if value and not getattr(employer, attr):
            setattr(employer, attr, value)
    audit.record_update(session, user, "employer", employer.id, before, _snapshot(employer))
    return employer


def add(ctx: ServiceContext, name: str, uscc: str | None = None, kind: str | None = None,
        district: str | None = None) -> EmployerView:
    permissions.require(ctx, "talent.write")
    name = (name or "").strip()
    errors = []
    if not name:
        errors.append(FieldError("name", "单位名称", name, "单位名称：必填项不能为空"))
    if uscc:
        try:
            uscc = uscc_mod.validate(uscc)
        except ValueError as exc:
            errors.append(FieldError("uscc", "统一社会信用代码", uscc, f"统一社会信用代码：{exc}"))
    if errors:
        raise ValidationError(errors)
    with ctx.write() as session:
        if session.execute(select(Employer.id).where(Employer.name == name)).first():
            raise ConflictError(f"单位“{name}”已存在")
        return _view(ensure(session, ctx.actor, name, uscc, kind, district))


def update(ctx: ServiceContext, employer_id: int, *, expected_version: int | None = None,
           **changes) -> EmployerView:
    permissions.require(ctx, "talent.write")
    allowed = {"name", "uscc", "kind", "district"}
    bad = set(changes) - allowed
    if bad:
        raise ValidationError([FieldError(k, k, None, f"未知字段“{k}”") for k in sorted(bad)])
    if changes.get("uscc"):
        try:
            changes["uscc"] = uscc_mod.validate(changes["uscc"])
        except ValueError as exc:
            raise ValidationError([FieldError("uscc", "统一社会信用代码", changes["uscc"],
                                              f"统一社会信用代码：{exc}")]) from None
    with ctx.write() as session:
        e = session.get(Employer, employer_id)
        if e is None:
            raise NotFoundError(f"找不到编号为{employer_id}的单位")
        if expected_version is not None and e.version != expected_version:
            raise ConflictError(f"单位“{e.name}”已被其他用户修改，请刷新后重新编辑")
        before = _snapshot(e)
        for k, v in changes.items():
            setattr(e, k, v)
        audit.record_update(session, ctx.actor, "employer", e.id, before, _snapshot(e))
        return _view(e)


def list_all(ctx: ServiceContext, *, district: str | None = None) -> list[EmployerView]:
    counts = (select(Talent.employer_id, func.count(Talent.id).label("n")).group_by(Talent.employer_id)
              .subquery())
    stmt = (select(Employer, func.coalesce(counts.c.n, 0))
            .outerjoin(counts, counts.c.employer_id == Employer.id).order_by(Employer.name))
    if district:
        stmt = stmt.where(Employer.district == district)
    with ctx.read() as session:
        return [_view(e, n) for e, n in session.execute(stmt)]


def districts(ctx: ServiceContext) -> list[str]:
    with ctx.read() as session:
        return [d for (d,) in session.execute(select(Employer.district).where(Employer.district.is_not(None))
                                              .distinct().order_by(Employer.district))]
