"""走访记录: the office's return visits to introduced talents.

阿拉善盟办法 第三十七条: 各旗（区）、盟直各行业主管部门要对引进的高层次人才进行定期回访，及时
听取人才工作建议，掌握人才合理诉求，切实帮助解决工作生活中的实际困难; 阿拉山口市办法 第二十五条
(市领导联系高层次和急需紧缺人才，掌握工作、学习、生活情况，协调解决实际困难); 条例 第五十五条
(领导干部联系服务专家制度). A visit may raise a need the office takes up as a service case
(``open_case_from_visit``, or ``record(…, case_kind=…)`` in the same transaction).

Who must be visited (the one place this is decided: ``must_visit_clause``): a talent in
post who is a 高层次人才 — 人才类别 A 顶尖、B 杰出、C 精英、D 高端 (阿拉善盟办法 第二十条: A–D 为
高层次人才), or 博士研究生, or 正高级 / 副高级 职称 (阿拉山口市办法 第十四条 以博士、正高级和
硕士、副高级职称定档); "定期" is read as at least once a calendar year.

Public API::

    record(ctx, talent, visited_on, visitors, form, *, issues=None, follow_up=None,
           case_kind=None, case_summary=None, case_department=None) -> VisitView
    open_case_from_visit(ctx, visit_id, kind, *, summary=None, department=None, limit_days=DEFAULT) -> CaseView
    list_visits(ctx, *, year=None, talent=None, form=None) -> list[VisitView]
    not_visited(ctx, year, *, limit=None) -> tuple[int, list[DueRow]]
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from talentdesk.domain.errors import ConflictError, FieldError, NotFoundError, ValidationError
from talentdesk.models.duties.care import ServiceCase, Visit
from talentdesk.models.entities import Employer, Talent
from talentdesk.services.care import cases
from talentdesk.services.context import ServiceContext
from talentdesk.services.office import permissions
from talentdesk.services.office.audit import log as audit
from talentdesk.services.register import talents

ENTITY = "visit"
FORMS = ("走访", "电话", "座谈")
MUST_VISIT_ARTICLE = "阿拉善盟办法第三十七条（定期回访高层次人才）；阿拉山口市办法第二十五条；条例第五十五条"
MUST_VISIT_RULE = ("在岗的高层次人才：人才类别A—D类（阿拉善盟办法第二十条），或博士研究生，或正高级、副高级职称；"
                   "每个自然年度至少回访一次")
HIGH_CLASSES = ("A", "B", "C", "D")
HIGH_EDUCATION = ("博士研究生",)
HIGH_TITLES = ("正高级", "副高级")


def must_visit_clause():
    """SQL condition on ``Talent``: the talents the office must visit every year."""
    return (Talent.status == "active") & or_(Talent.talent_class.in_(HIGH_CLASSES),
                                             Talent.education.in_(HIGH_EDUCATION), Talent.title.in_(HIGH_TITLES))


def must_visit_reason(talent_class: str | None, education: str | None, title: str | None) -> str:
    """Why a talent selected by ``must_visit_clause`` is on the list, in words."""
    parts = []
    if talent_class in HIGH_CLASSES:
        parts.append(f"{talent_class}类人才")
    if education in HIGH_EDUCATION:
        parts.append(education)
    if title in HIGH_TITLES:
        parts.append(f"{title}职称")
    return "、".join(parts)


@dataclass
class VisitView:
    id: int
    version: int
    talent_id: int
    talent_name: str
    id_number: str
    employer: str | None
    visited_on: dt.date
    visitors: str
    form: str
    issues: str | None
    follow_up: str | None
    case_id: int | None
    case_kind: str | None
    recorded_by: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "version": self.version, "talent_id": self.talent_id, "talent_name": self.talent_name,
                "id_number": self.id_number, "employer": self.employer, "visited_on": self.visited_on.isoformat(),
                "visitors": self.visitors, "form": self.form, "issues": self.issues, "follow_up": self.follow_up,
                "case_id": self.case_id, "case_kind": self.case_kind, "recorded_by": self.recorded_by}


@dataclass
class DueRow:
    """A talent the office must visit who has no visit in the year."""
    talent_id: int
    name: str
    id_number: str
    employer: str | None
    reason: str
    last_visit: dt.date | None

    def as_dict(self) -> dict[str, Any]:
        return {"talent_id": self.talent_id, "name": self.name, "id_number": self.id_number, "employer": self.employer,
                "reason": self.reason, "last_visit": self.last_visit.isoformat() if self.last_visit else None}


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


def _snapshot(v: Visit) -> dict[str, Any]:
    return {"talent_id": v.talent_id, "visited_on": v.visited_on, "visitors": v.visitors, "form": v.form,
            "issues": v.issues, "follow_up": v.follow_up, "case_id": v.case_id}


def _view(session: Session, v: Visit) -> VisitView:
    t = session.get(Talent, v.talent_id)
    emp = session.get(Employer, t.employer_id).name if t.employer_id else None
    kind = session.get(ServiceCase, v.case_id).kind if v.case_id else None
    return VisitView(v.id, v.version, t.id, t.name, t.id_number, emp, v.visited_on, v.visitors, v.form, v.issues,
                     v.follow_up, v.case_id, kind, v.recorded_by)


def _check(visited_on: dt.date | None, visitors: str | None, form: str) -> list[FieldError]:
    """What is wrong with a visit's date, visitors and form (the window's and the import's)."""
    errors: list[FieldError] = []
    if visited_on is None:
        errors.append(FieldError("visited_on", "走访日期", None, "走访日期：必须填写"))
    elif visited_on > dt.date.today():
        errors.append(FieldError("visited_on", "走访日期", visited_on, f"走访日期：{visited_on}晚于今天"))
    if not _text(visitors):
        errors.append(FieldError("visitors", "走访人员", visitors, "走访人员：必须填写"))
    if form not in FORMS:
        errors.append(FieldError("form", "走访形式", form, "走访形式：应为" + "、".join(FORMS)))
    return errors


def record(ctx: ServiceContext, talent: str, visited_on: dt.date | None, visitors: str | None, form: str, *,
           issues: str | None = None, follow_up: str | None = None, case_kind: str | None = None,
           case_summary: str | None = None, case_department: str | None = None,
           case_limit_days: Any = cases.DEFAULT) -> VisitView:
    """Record a visit to the talent with ID number ``talent``; with ``case_kind`` also open
    a service case from it (requested on the visit's date; summary default: the issues)."""
    permissions.require(ctx, "visit.write")
    errors = _check(visited_on, visitors, form)
    if errors:
        raise ValidationError(errors)
    with ctx.write() as session:
        return _record_in(session, ctx, talent, visited_on, visitors, form, issues=issues, follow_up=follow_up,
                          case_kind=case_kind, case_summary=case_summary, case_department=case_department,
                          case_limit_days=case_limit_days)


def record_in(session: Session, ctx: ServiceContext, talent: str, visited_on: dt.date | None,
              visitors: str | None, form: str, **kw: Any) -> VisitView:
    """``record`` in the caller's transaction (the Excel import); every check is made
    before anything is added."""
    permissions.require(ctx, "visit.write")
    errors = _check(visited_on, visitors, form)
    if _text(kw.get("case_kind")) and kw["case_kind"].strip() not in cases.KINDS:
        errors.append(FieldError("case_kind", "新建事项类别", kw["case_kind"],
                                 "新建事项类别：应为" + "、".join(cases.KINDS)))
    if errors:
        raise ValidationError(errors)
    return _record_in(session, ctx, talent, visited_on, visitors, form, **kw)


def _record_in(session: Session, ctx: ServiceContext, talent: str, visited_on: dt.date, visitors: str | None,
               form: str, *, issues: str | None = None, follow_up: str | None = None, case_kind: str | None = None,
               case_summary: str | None = None, case_department: str | None = None,
               case_limit_days: Any = cases.DEFAULT) -> VisitView:
    t = talents.load(session, talent)
    case_id = None
    if _text(case_kind):
        c = cases.open_in(session, ctx, t, case_kind.strip(), visited_on, _text(case_summary) or _text(issues),
                          department=case_department, limit_days=case_limit_days)
        case_id = c.id
    v = Visit(talent_id=t.id, visited_on=visited_on, visitors=_text(visitors), form=form, issues=_text(issues),
              follow_up=_text(follow_up), case_id=case_id, recorded_by=ctx.actor)
    session.add(v)
    session.flush()
    audit.record(session, ctx.actor, "create", ENTITY, v.id, talent_id=t.id, after=_snapshot(v))
    return _view(session, v)


def open_case_from_visit(ctx: ServiceContext, visit_id: int, kind: str, *, summary: str | None = None,
                         department: str | None = None, limit_days: Any = cases.DEFAULT) -> cases.CaseView:
    """Open a service case from a recorded visit (requested on the visit's date) and link it."""
    permissions.require(ctx, "visit.write")
    with ctx.write() as session:
        v = session.get(Visit, visit_id)
        if v is None:
            raise NotFoundError(f"找不到编号为{visit_id}的走访记录")
        if v.case_id is not None:
            raise ConflictError(f"走访记录{visit_id}已新建服务事项{v.case_id}，不能重复新建")
        t = session.get(Talent, v.talent_id)
        c = cases.open_in(session, ctx, t, kind, v.visited_on, _text(summary) or v.issues, department=department,
                          limit_days=limit_days)
        before = _snapshot(v)
        v.case_id = c.id
        session.flush()
        b, a = audit.diff(before, _snapshot(v))
        audit.record(session, ctx.actor, "update", ENTITY, v.id, talent_id=t.id, before=b, after=a)
        case_id = c.id
    return cases.get(ctx, case_id)


def get(ctx: ServiceContext, visit_id: int) -> VisitView:
    with ctx.read() as session:
        v = session.get(Visit, visit_id)
        if v is None:
            raise NotFoundError(f"找不到编号为{visit_id}的走访记录")
        return _view(session, v)


def list_visits(ctx: ServiceContext, *, year: int | None = None, talent: str | None = None,
                form: str | None = None) -> list[VisitView]:
    """Visits, newest first; filtered by year, talent (ID number) and form."""
    stmt = (select(Visit, Talent, Employer.name, ServiceCase.kind)
            .join(Talent, Visit.talent_id == Talent.id)
            .outerjoin(Employer, Talent.employer_id == Employer.id)
            .outerjoin(ServiceCase, Visit.case_id == ServiceCase.id)
            .order_by(Visit.visited_on.desc(), Visit.id.desc()))
    if year:
        stmt = stmt.where(Visit.visited_on >= dt.date(year, 1, 1), Visit.visited_on <= dt.date(year, 12, 31))
    if _text(form):
        stmt = stmt.where(Visit.form == form.strip())
    with ctx.read() as session:
        if _text(talent):
            stmt = stmt.where(Visit.talent_id == talents.load(session, talent).id)
        return [VisitView(v.id, v.version, t.id, t.name, t.id_number, emp, v.visited_on, v.visitors, v.form, v.issues,
                          v.follow_up, v.case_id, kind, v.recorded_by)
                for v, t, emp, kind in session.execute(stmt).all()]


def not_visited(ctx: ServiceContext, year: int, *, limit: int | None = None) -> tuple[int, list[DueRow]]:
    """How many talents the office must visit (``must_visit_clause``; introduced by the
    year's end) have no visit in ``year``, and the first ``limit`` of them (all when None),
    longest unvisited first."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    visited = exists().where(Visit.talent_id == Talent.id, Visit.visited_on >= first, Visit.visited_on <= last)
    where = (must_visit_clause(), or_(Talent.introduction_date.is_(None), Talent.introduction_date <= last), ~visited)
    lastv = select(func.max(Visit.visited_on)).where(Visit.talent_id == Talent.id).scalar_subquery()
    stmt = (select(Talent.id, Talent.name, Talent.id_number, Employer.name, Talent.talent_class, Talent.education,
                   Talent.title, lastv.label("last"))
            .outerjoin(Employer, Talent.employer_id == Employer.id).where(*where)
            .order_by(lastv.is_not(None), lastv, Talent.id))
    if limit is not None:
        stmt = stmt.limit(limit)
    with ctx.read() as session:
        n = session.execute(select(func.count(Talent.id)).where(*where)).scalar_one()
        rows = [DueRow(tid, name, idn, emp, must_visit_reason(cls, edu, title), lv)
                for tid, name, idn, emp, cls, edu, title, lv in session.execute(stmt)]
    return n, rows
