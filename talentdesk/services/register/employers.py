"""Employers (用人单位)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from talentdesk.domain import employer_attrs, values
from talentdesk.domain import uscc as uscc_mod
from talentdesk.domain.errors import ConflictError, FieldError, NotFoundError, ValidationError
from talentdesk.models.entities import Employer, Talent
from talentdesk.services.office import permissions, scope
from talentdesk.services.office.audit import log as audit
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
    industry: str | None = None  # GB/T 4754 门类 letter
    civil_service_managed: bool | None = None
    above_scale: bool | None = None
    high_tech: bool | None = None
    key_industry: bool | None = None
    key_project_10bn: bool | None = None
    rare_earth: bool | None = None
    # the attributes the packs of its talents' policies read (None: not worked out, all)
    read_by_policies: tuple[str, ...] | None = None

    @property
    def industry_text(self) -> str:
        return employer_attrs.industry_text(self.industry)

    def missing_attributes(self) -> list[str]:
        """Labels of the attributes not recorded (the clauses reading them are 待补充)."""
        keys = employer_attrs.ATTRIBUTE_KEYS if self.read_by_policies is None else self.read_by_policies
        return [employer_attrs.LABELS[k] for k in keys if getattr(self, k) is None]

    def as_dict(self) -> dict:
        return asdict(self)


def _view(e: Employer, talents: int = 0) -> EmployerView:
    return EmployerView(e.id, e.name, e.uscc, e.kind, e.district, talents, e.version,
                        **{k: getattr(e, k) for k in employer_attrs.ATTRIBUTE_KEYS})


def _snapshot(e: Employer) -> dict:
    return {"name": e.name, "uscc": e.uscc, "kind": e.kind, "district": e.district,
            **{k: getattr(e, k) for k in employer_attrs.ATTRIBUTE_KEYS}}


def roster_attributes(industry: str | None = None, civil_service: bool | None = None) -> dict:
    """The attributes a roster row carries (单位所属行业 as its 门类 name, 单位参公管理)."""
    return {"industry": employer_attrs.parse_industry(industry), "civil_service_managed": civil_service}


def roster_values(e: Employer | None) -> tuple:
    """The roster's employer columns (``roster.EMPLOYER_KEYS`` order) of a stored employer."""
    if e is None:
        return (None,) * 6
    return (e.name, e.uscc, e.kind, e.district, employer_attrs.INDUSTRIES.get(e.industry), e.civil_service_managed)


def ensure_from_roster(session: Session, user: str | None, key: tuple) -> Employer:
    """``ensure`` from the roster's employer columns (``roster.EMPLOYER_KEYS`` order)."""
    name, code, kind, district, industry, civil_service = key
    return ensure(session, user, name, code, kind, district, roster_attributes(industry, civil_service))


def parse_attributes(given: dict) -> dict:
    """Typed attributes (``industry``: 门类 letter; flags: True/False/None) from what a clerk
    typed (是/否 as every 是/否 column reads it, “P 教育”, blank = not recorded); a
    ValidationError names each bad value."""
    out, errors = {}, []
    for key, raw in given.items():
        if key not in employer_attrs.ATTRIBUTE_KEYS:
            continue
        label = employer_attrs.LABELS[key]
        try:
            out[key] = (employer_attrs.parse_industry(raw) if key == "industry"
                        else values.parse_bool(raw))
        except ValueError as exc:
            errors.append(FieldError(key, label, raw, f"{label}：{exc}"))
    if errors:
        raise ValidationError(errors)
    return out


def _find(session: Session, name: str, uscc: str | None) -> Employer | None:
    employer = None
    if uscc:
        employer = session.execute(select(Employer).where(Employer.uscc == uscc)).scalar_one_or_none()
    if employer is None:
        employer = session.execute(select(Employer).where(Employer.name == name)).scalar_one_or_none()
    return employer


def _insert_or_find(session: Session, name: str, uscc: str | None, kind: str | None,
                    district: str | None, attributes: dict | None = None) -> tuple[Employer, bool]:
    """Insert a new employer inside a savepoint. If another clerk's transaction created the
    same employer meanwhile (PostgreSQL: the unique index waits for it, then refuses), use
    theirs instead of failing with a raw database error."""
    employer = Employer(name=name, uscc=uscc, kind=kind, district=district, **(attributes or {}))
    try:
        with session.begin_nested():
            session.add(employer)
            session.flush()
    except IntegrityError:
        found = _find(session, name, uscc)
        if found is None and (other := scope.foreign_employer_office(session, name, uscc)) is not None:
            raise ConflictError(f"单位“{name}”（或其统一社会信用代码）已由{other}登记，单位名称和代码在全盟唯一；"
                                f"请核对单位名称，或联系{other}或盟委人才办") from None
        if found is None:
            raise ConflictError(f"单位“{name}”或其统一社会信用代码与已登记的单位冲突，请核对") from None
        return found, False
    return employer, True


def ensure(session: Session, user: str | None, name: str, uscc: str | None = None, kind: str | None = None,
           district: str | None = None, attributes: dict | None = None) -> Employer:
    """Find the employer by credit code or name, creating it if new; fills blank fields
    (``attributes``: typed, as ``parse_attributes`` gives; a recorded one is never overwritten)."""
    employer = _find(session, name, uscc)
    if employer is None:
        employer, created = _insert_or_find(session, name, uscc, kind, district, attributes)
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
    for attr, value in (attributes or {}).items():
        if value is not None and getattr(employer, attr) is None:
            setattr(employer, attr, value)
    audit.record_update(session, user, "employer", employer.id, before, _snapshot(employer))
    return employer


def add(ctx: ServiceContext, name: str, uscc: str | None = None, kind: str | None = None,
        district: str | None = None, **attributes) -> EmployerView:
    """A new employer; ``attributes``: 所属行业 and the yes/no attributes (``parse_attributes``)."""
    permissions.require(ctx, "talent.write")
    bad = set(attributes) - set(employer_attrs.ATTRIBUTE_KEYS)
    if bad:
        raise ValidationError([FieldError(k, k, None, f"未知字段“{k}”") for k in sorted(bad)])
    attributes = parse_attributes(attributes)
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
        return _view(ensure(session, ctx.actor, name, uscc, kind, district, attributes))


def update(ctx: ServiceContext, employer_id: int, *, expected_version: int | None = None,
           **changes) -> EmployerView:
    permissions.require(ctx, "talent.write")
    allowed = {"name", "uscc", "kind", "district", *employer_attrs.ATTRIBUTE_KEYS}
    bad = set(changes) - allowed
    if bad:
        raise ValidationError([FieldError(k, k, None, f"未知字段“{k}”") for k in sorted(bad)])
    changes.update(parse_attributes(changes))
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
        views = [_view(e, n) for e, n in session.execute(stmt)]
        read, default = _attributes_read_by_policies(session)
    for v in views:
        v.read_by_policies = read.get(v.id, default)
    return views


def _attributes_read_by_policies(session: Session) -> tuple[dict[int, tuple[str, ...]], tuple[str, ...]]:
    """({employer id: the attributes read by the packs its talents fall under (the talent's
    policy, else the office's default)}, those the default policy's pack reads — for an
    employer without talents yet)."""
    from talentdesk.rules import PackError
    from talentdesk.services.benefits.packs import load_pack
    from talentdesk.services.office import settings

    default = settings.read_settings(session).default_policy_id
    by_pack: dict[str | None, tuple[str, ...]] = {}

    def read_by(pid: str | None) -> tuple[str, ...]:
        if pid not in by_pack:
            try:
                by_pack[pid] = employer_attrs.attributes_read(load_pack(pid).facts_read()) if pid else ()
            except PackError:
                by_pack[pid] = ()
        return by_pack[pid]

    out: dict[int, set[str]] = {}
    for eid, pid in session.execute(select(Talent.employer_id, Talent.policy_id).distinct()
                                    .where(Talent.employer_id.is_not(None))):
        out.setdefault(eid, set()).update(read_by(pid or default))
    return ({eid: tuple(k for k in employer_attrs.ATTRIBUTE_KEYS if k in keys) for eid, keys in out.items()},
            read_by(default))


def districts(ctx: ServiceContext) -> list[str]:
    with ctx.read() as session:
        return [d for (d,) in session.execute(select(Employer.district).where(Employer.district.is_not(None))
                                              .distinct().order_by(Employer.district))]
