"""服务事项: the services of the talent card / green channel a talent asks for.

The texts: 阿拉善盟办法 第四十二条（落户“绿色通道”）、第四十三条（配偶安置）、第四十四条（子女
入学）、第四十五条（每年一次健康体检、就医“绿色通道”、学术休假疗养）、第四十六条（服务便捷度）;
阿拉山口市办法 第十五条（体检、医疗）、第十六条（配偶随调、子女入学）、第十八条（及时协助落户）、
第十九条（特事特办、简化程序、提高效率）; 包头市行动计划 三（二）3（博士、硕士的配偶就业、子女
入学、医疗健康由市委人才办、属地党委人才办协调解决）; 条例 第六十条（落户、医疗、配偶安置、子女
教育等便利服务）.

Time limits: the texts ask for 及时 / 特事特办 but set no number of days. ``KINDS`` gives
the office's default commitment per kind (10 working days for 落户、子女入学、就医, as the
talent-card schemes do; none for the others); the clerk changes it per case, and a case
without a limit is never overdue. The due date is the limit-th Chinese working day after
the request (开始的当日不计入, 民法典 第二百零一条; holidays and make-up days from
``chinese_calendar`` plus the office's 补充节假日 / 补充调休上班日).

Status on a day: 办理中 (open), 已超期 (open past its due date), 已办结 (closed, with an
outcome: 办结 / 未办结 / 不予受理 / 申请人撤回). A case closed after its due date is 超期办结.

Public API::

    open_case(ctx, talent, kind, requested_on, summary, *, department=None, limit_days=DEFAULT,
              article=None, handled_by=None) -> CaseView
    update(ctx, case_id, *, expected_version=None, **changes) -> CaseView
    due_date_for(ctx, requested_on, limit_days) -> date | None   (what a changed limit would give)
    close(ctx, case_id, outcome, closed_on, *, result=None, handled_by=None, expected_version=None)
    reopen(ctx, case_id, reason) -> CaseView
    get(ctx, case_id) -> CaseView
    list_cases(ctx, *, kind=None, status=None, year=None, talent=None, on=None) -> list[CaseView]
    overdue(ctx, today=None) -> list[CaseView]
    yearly_stats(ctx, year, *, on=None) -> CaseStats
    open_in(session, ctx, talent, ...) -> ServiceCase   (for the visits service, same transaction)
    close_in(session, ctx, case, outcome, closed_on, ...) -> CaseView   (the Excel import, same transaction)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from talentdesk.domain.errors import ConflictError, FieldError, ValidationError
from talentdesk.models.base import utcnow
from talentdesk.models.duties.care import ServiceCase, Visit
from talentdesk.models.entities import Employer, Talent
from talentdesk.rules.dates import WorkdayCalendar
from talentdesk.services import rows
from talentdesk.services.context import ServiceContext
from talentdesk.services.office import permissions
from talentdesk.services.office.audit import log as audit
from talentdesk.services.office import settings as office_settings
from talentdesk.services.register import talents

ENTITY = "service_case"


@dataclass(frozen=True)
class Kind:
    name: str
    limit_days: int | None  # the office's default commitment, working days; None = no limit
    department: str  # who handles it, as the texts name it
    articles: dict[str, str]  # policy id → article; "" key: any policy


# kind → default limit, department and articles (by the talent's policy)
KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("子女入学", 10, "教育行政主管部门", {
        "alxa-2023": "阿拉善盟办法第四十四条", "alashankou-2014": "阿拉山口市办法第十六条",
        "baotou-2022": "包头市行动计划三（二）3", "": "条例第六十条"}),
    Kind("配偶安置", None, "人力资源社会保障部门", {
        "alxa-2023": "阿拉善盟办法第四十三条", "alashankou-2014": "阿拉山口市办法第十六条",
        "baotou-2022": "包头市行动计划三（二）3", "": "条例第六十条"}),
    Kind("落户", 10, "公安户政部门", {
        "alxa-2023": "阿拉善盟办法第四十二条", "alashankou-2014": "阿拉山口市办法第十八条", "": "条例第六十条"}),
    Kind("体检", None, "用人单位", {
        "alxa-2023": "阿拉善盟办法第四十五条（每年一次健康体检）", "alashankou-2014": "阿拉山口市办法第十五条",
        "baotou-2022": "包头市行动计划三（二）3（医疗健康）"}),
    Kind("就医", 10, "卫生健康部门", {
        "alxa-2023": "阿拉善盟办法第四十五条（就医“绿色通道”）", "alashankou-2014": "阿拉山口市办法第十五条",
        "baotou-2022": "包头市行动计划三（二）3（医疗健康）", "": "条例第六十条"}),
    Kind("疗养", None, "人才工作领导小组办公室", {"alxa-2023": "阿拉善盟办法第四十五条（学术休假疗养）"}),
    Kind("其他", None, "人才工作领导小组办公室", {
        "alxa-2023": "阿拉善盟办法第四十六条", "alashankou-2014": "阿拉山口市办法第十九条"}),
)}
LIMIT_NOTE = "时限为本办服务承诺（政策原文要求“及时”“特事特办”，阿拉山口市办法第十八、十九条），可逐件调整"
OUTCOMES = ("办结", "未办结", "不予受理", "申请人撤回")
STATUS = {"open": "办理中", "overdue": "已超期", "closed": "已办结"}
DEFAULT: Any = object()  # limit_days not given: the kind's default


def article_for(kind: str, policy_id: str | None) -> str | None:
    """The article a kind of service rests on for a talent introduced under ``policy_id``
    (None when no text of that policy names it: the clerk must give one)."""
    k = KINDS[kind]
    return k.articles.get(policy_id or "") or k.articles.get("")


def calendar(session: Session) -> WorkdayCalendar:
    s = office_settings.read_settings(session)
    return WorkdayCalendar(s.extra_holidays, s.extra_workdays)


@dataclass
class CaseView:
    id: int
    version: int
    talent_id: int
    talent_name: str
    id_number: str
    employer: str | None
    kind: str
    requested_on: dt.date
    summary: str
    department: str | None
    limit_days: int | None
    due_date: dt.date | None
    article: str | None
    handled_by: str | None
    outcome: str | None
    result: str | None
    closed_on: dt.date | None
    recorded_by: str | None
    status: str  # open / overdue / closed, on the day listed
    days_taken: int | None  # working days from the request to closing (or to the day listed)
    visit_id: int | None = None
    note: str | None = None  # e.g. a year whose holidays the calendar does not know

    @property
    def status_label(self) -> str:
        return STATUS[self.status]

    @property
    def late(self) -> bool:
        """Closed after its due date (超期办结), or still open past it."""
        if self.due_date is None:
            return False
        return self.status == "overdue" or (self.closed_on is not None and self.closed_on > self.due_date)

    @property
    def status_text(self) -> str:
        if self.status == "closed":
            return f"{self.outcome}（超期）" if self.late else (self.outcome or "已办结")
        return self.status_label

    @property
    def limit_text(self) -> str:
        return f"{self.limit_days}个工作日" if self.limit_days is not None else "不限"

    def as_dict(self) -> dict[str, Any]:
        iso = lambda d: d.isoformat() if d else None  # noqa: E731
        return {"id": self.id, "version": self.version, "talent_id": self.talent_id, "talent_name": self.talent_name,
                "id_number": self.id_number, "employer": self.employer, "kind": self.kind,
                "requested_on": iso(self.requested_on), "summary": self.summary, "department": self.department,
                "limit_days": self.limit_days, "due_date": iso(self.due_date), "article": self.article,
                "handled_by": self.handled_by, "outcome": self.outcome, "result": self.result,
                "closed_on": iso(self.closed_on), "recorded_by": self.recorded_by, "status": self.status,
                "status_label": self.status_label, "late": self.late, "days_taken": self.days_taken,
                "visit_id": self.visit_id, "note": self.note}


@dataclass
class KindStats:
    kind: str
    count: int = 0  # requested in the year
    closed: int = 0
    open: int = 0
    overdue: int = 0  # open past the due date, or closed after it
    days: list[int] = field(default_factory=list)  # working days to close, closed cases

    @property
    def avg_days(self) -> float | None:
        return round(sum(self.days) / len(self.days), 1) if self.days else None

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "count": self.count, "closed": self.closed, "open": self.open,
                "overdue": self.overdue, "avg_days": self.avg_days}


@dataclass
class CaseStats:
    year: int
    on: dt.date
    rows: list[KindStats]  # one per kind, in KINDS order (kinds with no case too)
    total: KindStats

    def as_dict(self) -> dict[str, Any]:
        return {"year": self.year, "on": self.on.isoformat(), "rows": [r.as_dict() for r in self.rows],
                "total": self.total.as_dict()}


def _status(c: ServiceCase, on: dt.date) -> str:
    if c.closed_on is not None:
        return "closed"
    if c.due_date is not None and on > c.due_date:
        return "overdue"
    return "open"


def _view(c: ServiceCase, t: Talent, employer: str | None, on: dt.date, cal: WorkdayCalendar,
          visit_id: int | None = None) -> CaseView:
    end = c.closed_on or on
    taken = cal.workdays_between(c.requested_on, end) if end >= c.requested_on else None
    note = None
    if cal.uncovered_years:
        years = "、".join(f"{y}年" for y in sorted(cal.uncovered_years))
        note = f"{years}的法定节假日尚未载入，暂按周一至周五计算工作日；请在系统设置中补充节假日和调休上班日"
    return CaseView(c.id, c.version, t.id, t.name, t.id_number, employer, c.kind, c.requested_on, c.summary,
                    c.department, c.limit_days, c.due_date, c.article, c.handled_by, c.outcome, c.result,
                    c.closed_on, c.recorded_by, _status(c, on), taken, visit_id, note)


def _snapshot(c: ServiceCase) -> dict[str, Any]:
    return {"talent_id": c.talent_id, "kind": c.kind, "requested_on": c.requested_on, "summary": c.summary,
            "department": c.department, "limit_days": c.limit_days, "due_date": c.due_date, "article": c.article,
            "handled_by": c.handled_by, "outcome": c.outcome, "result": c.result, "closed_on": c.closed_on}


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


def _check_limit(limit_days: Any, errors: list[FieldError]) -> None:
    if limit_days is None:
        return
    if isinstance(limit_days, bool) or not isinstance(limit_days, int) or not 1 <= limit_days <= 365:
        errors.append(FieldError("limit_days", "办理时限", limit_days, "办理时限：应为1至365个工作日，不限时留空"))


def open_in(session: Session, ctx: ServiceContext, t: Talent, kind: str, requested_on: dt.date | None,
            summary: str | None, *, department: str | None = None, limit_days: Any = DEFAULT,
            article: str | None = None, handled_by: str | None = None) -> ServiceCase:
    """Open a case for ``t`` in the caller's transaction (checks and audit included);
    ``open_case`` and the visits service use it."""
    permissions.require(ctx, "case.write")
    errors: list[FieldError] = []
    if kind not in KINDS:
        errors.append(FieldError("kind", "事项类别", kind, "事项类别：应为" + "、".join(KINDS)))
    if requested_on is None:
        errors.append(FieldError("requested_on", "申请日期", None, "申请日期：必须填写"))
    if not _text(summary):
        errors.append(FieldError("summary", "事项内容", summary, "事项内容：必须填写"))
    if limit_days is DEFAULT:
        limit_days = KINDS[kind].limit_days if kind in KINDS else None
    _check_limit(limit_days, errors)
    policy = t.policy_id or office_settings.read_settings(session).default_policy_id
    art = _text(article) or (article_for(kind, policy) if kind in KINDS else None)
    if kind in KINDS and art is None:
        errors.append(FieldError("article", "依据", article, f"依据：{t.name}所适用的政策没有写明“{kind}”服务，"
                                                            f"请填写办理依据（文件和条款）"))
    if errors:
        raise ValidationError(errors)
    cal = calendar(session)
    c = ServiceCase(talent_id=t.id, kind=kind, requested_on=requested_on, summary=_text(summary),
                    department=_text(department) or KINDS[kind].department, limit_days=limit_days,
                    due_date=cal.add_workdays(requested_on, limit_days) if limit_days else None, article=art,
                    handled_by=_text(handled_by), recorded_by=ctx.actor, recorded_at=utcnow())
    session.add(c)
    session.flush()
    audit.record(session, ctx.actor, "create", ENTITY, c.id, talent_id=t.id, after=_snapshot(c))
    return c


def _employer_name(session: Session, t: Talent) -> str | None:
    return session.get(Employer, t.employer_id).name if t.employer_id else None


def open_case(ctx: ServiceContext, talent: str, kind: str, requested_on: dt.date | None, summary: str | None, *,
              department: str | None = None, limit_days: Any = DEFAULT, article: str | None = None,
              handled_by: str | None = None) -> CaseView:
    """Open a service case for the talent with ID number ``talent``. ``limit_days``
    omitted: the kind's default (``KINDS``); None: no limit."""
    with ctx.write() as session:
        t = talents.load(session, talent)
        c = open_in(session, ctx, t, kind, requested_on, summary, department=department, limit_days=limit_days,
                    article=article, handled_by=handled_by)
        return _view(c, t, _employer_name(session, t), dt.date.today(), calendar(session))


def _load(session: Session, case_id: int, expected_version: int | None = None) -> ServiceCase:
    return rows.load_for_change(session, ServiceCase, case_id, what="服务事项", expected_version=expected_version)


def due_date_for(ctx: ServiceContext, requested_on: dt.date, limit_days: int | None) -> dt.date | None:
    """The due date a limit of ``limit_days`` working days gives a case requested on
    ``requested_on`` (the 编辑 dialog shows it before saving); None without a limit."""
    if not limit_days:
        return None
    with ctx.read() as session:
        return calendar(session).add_workdays(requested_on, limit_days)


def _finish(session: Session, ctx: ServiceContext, c: ServiceCase, action: str, before: dict) -> CaseView:
    session.flush()
    b, a = audit.diff(before, _snapshot(c))
    audit.record(session, ctx.actor, action, ENTITY, c.id, talent_id=c.talent_id, before=b, after=a)
    t = session.get(Talent, c.talent_id)
    return _view(c, t, _employer_name(session, t), dt.date.today(), calendar(session))


_EDITABLE = ("summary", "department", "limit_days", "handled_by", "article")


def update(ctx: ServiceContext, case_id: int, *, expected_version: int | None = None, **changes: Any) -> CaseView:
    """Change a case's summary, department, limit (the due date follows), handler or article."""
    permissions.require(ctx, "case.write")
    unknown = [k for k in changes if k not in _EDITABLE]
    if unknown:
        raise ValidationError([FieldError(k, k, changes[k], f"不能修改“{k}”") for k in unknown])
    errors: list[FieldError] = []
    if "limit_days" in changes:
        _check_limit(changes["limit_days"], errors)
    if "summary" in changes and not _text(changes["summary"]):
        errors.append(FieldError("summary", "事项内容", changes["summary"], "事项内容：必须填写"))
    if "article" in changes and not _text(changes["article"]):
        errors.append(FieldError("article", "依据", changes["article"], "依据：必须填写"))
    if errors:
        raise ValidationError(errors)
    with ctx.write() as session:
        c = _load(session, case_id, expected_version)
        before = _snapshot(c)
        for k, v in changes.items():
            setattr(c, k, v if k == "limit_days" else _text(v))
        if "limit_days" in changes:
            c.due_date = calendar(session).add_workdays(c.requested_on, c.limit_days) if c.limit_days else None
        return _finish(session, ctx, c, "update", before)


def close(ctx: ServiceContext, case_id: int, outcome: str, closed_on: dt.date | None, *, result: str | None = None,
          handled_by: str | None = None, expected_version: int | None = None) -> CaseView:
    """Close a case with its outcome (``OUTCOMES``) on ``closed_on`` (not before the request)."""
    permissions.require(ctx, "case.write")
    errors: list[FieldError] = []
    if outcome not in OUTCOMES:
        errors.append(FieldError("outcome", "办理结果", outcome, "办理结果：应为" + "、".join(OUTCOMES)))
    if closed_on is None:
        errors.append(FieldError("closed_on", "办结日期", None, "办结日期：必须填写"))
    if errors:
        raise ValidationError(errors)
    with ctx.write() as session:
        c = _load(session, case_id, expected_version)
        return close_in(session, ctx, c, outcome, closed_on, result=result, handled_by=handled_by)


def close_in(session: Session, ctx: ServiceContext, c: ServiceCase, outcome: str, closed_on: dt.date, *,
             result: str | None = None, handled_by: str | None = None) -> CaseView:
    """``close`` in the caller's transaction (the Excel import: a case opened and closed in one row)."""
    permissions.require(ctx, "case.write")
    if outcome not in OUTCOMES:
        raise ValidationError([FieldError("outcome", "办理结果", outcome, "办理结果：应为" + "、".join(OUTCOMES))])
    if c.closed_on is not None:
        raise ConflictError(f"服务事项{c.id}已于{c.closed_on}办结（{c.outcome}），如需继续办理请先重新打开")
    if closed_on < c.requested_on:
        raise ValidationError([FieldError("closed_on", "办结日期", closed_on,
                                          f"办结日期：{closed_on}早于申请日期{c.requested_on}")])
    if closed_on > dt.date.today():
        raise ValidationError([FieldError("closed_on", "办结日期", closed_on, f"办结日期：{closed_on}晚于今天")])
    before = _snapshot(c)
    c.outcome, c.closed_on, c.result = outcome, closed_on, _text(result)
    if _text(handled_by):
        c.handled_by = _text(handled_by)
    return _finish(session, ctx, c, "close", before)


def reopen(ctx: ServiceContext, case_id: int, reason: str) -> CaseView:
    """Reopen a closed case (its outcome and closing date are cleared; the audit keeps them)."""
    permissions.require(ctx, "case.write")
    if not _text(reason):
        raise ValidationError([FieldError("reason", "原因", reason, "重新办理的原因：必须填写")])
    with ctx.write() as session:
        c = _load(session, case_id)
        if c.closed_on is None:
            raise ConflictError(f"服务事项{case_id}尚未办结，无需重新打开")
        before = _snapshot(c)
        c.outcome = c.closed_on = None
        c.result = f"重新办理：{_text(reason)}"
        return _finish(session, ctx, c, "reopen", before)


def _query(kind: str | None, status: str | None, year: int | None, talent_id: int | None, on: dt.date):
    stmt = (select(ServiceCase, Talent, Employer.name, Visit.id)
            .join(Talent, ServiceCase.talent_id == Talent.id)
            .outerjoin(Employer, Talent.employer_id == Employer.id)
            .outerjoin(Visit, Visit.case_id == ServiceCase.id)
            .order_by(ServiceCase.requested_on.desc(), ServiceCase.id.desc()))
    if kind:
        if kind not in KINDS:
            raise ValidationError([FieldError("kind", "事项类别", kind, "事项类别：应为" + "、".join(KINDS))])
        stmt = stmt.where(ServiceCase.kind == kind)
    if year:
        stmt = stmt.where(ServiceCase.requested_on >= dt.date(year, 1, 1), ServiceCase.requested_on <= dt.date(year, 12, 31))
    if talent_id is not None:
        stmt = stmt.where(ServiceCase.talent_id == talent_id)
    if status == "closed":
        stmt = stmt.where(ServiceCase.closed_on.is_not(None))
    elif status == "open":
        stmt = stmt.where(ServiceCase.closed_on.is_(None), or_(ServiceCase.due_date.is_(None), ServiceCase.due_date >= on))
    elif status == "overdue":
        stmt = stmt.where(and_(ServiceCase.closed_on.is_(None), ServiceCase.due_date < on))
    elif status is not None:
        raise ValidationError([FieldError("status", "状态", status, "状态：应为" + "、".join(STATUS.values()))])
    return stmt


def status_key(text: str | None) -> str | None:
    """``open``/``overdue``/``closed`` from the key or its Chinese name (办理中/已超期/已办结)."""
    if not text:
        return None
    return {v: k for k, v in STATUS.items()}.get(text.strip(), text.strip())


def list_cases(ctx: ServiceContext, *, kind: str | None = None, status: str | None = None, year: int | None = None,
               talent: str | None = None, on: dt.date | None = None) -> list[CaseView]:
    """Cases, newest request first; ``status`` open/overdue/closed (or 办理中/已超期/已办结)
    on ``on`` (default today); ``year`` of the request; ``talent`` an ID number."""
    on = on or dt.date.today()
    with ctx.read() as session:
        talent_id = talents.load(session, talent).id if _text(talent) else None
        cal = calendar(session)
        rows = session.execute(_query(kind or None, status_key(status), year, talent_id, on)).all()
        return [_view(c, t, emp, on, cal, vid) for c, t, emp, vid in rows]


def overdue(ctx: ServiceContext, today: dt.date | None = None) -> list[CaseView]:
    """Open cases past their due date on ``today``, oldest due first."""
    return sorted(list_cases(ctx, status="overdue", on=today), key=lambda v: (v.due_date, v.id))


def get(ctx: ServiceContext, case_id: int, *, on: dt.date | None = None) -> CaseView:
    with ctx.read() as session:
        c = _load(session, case_id)
        rows = session.execute(_query(None, None, None, c.talent_id, on or dt.date.today())
                               .where(ServiceCase.id == case_id)).all()
        c, t, emp, vid = rows[0]
        return _view(c, t, emp, on or dt.date.today(), calendar(session), vid)


def yearly_stats(ctx: ServiceContext, year: int, *, on: dt.date | None = None) -> CaseStats:
    """Cases requested in ``year`` by kind: how many, closed, still open, overdue (open
    past the due date on ``on`` — default today, or the year's end for a past year — or
    closed after it), and the average working days from request to closing."""
    today = dt.date.today()
    on = on or (today if year >= today.year else dt.date(year, 12, 31))
    by_kind = {k: KindStats(k) for k in KINDS}
    total = KindStats("合计")
    for v in list_cases(ctx, year=year, on=on):
        for s in (by_kind.setdefault(v.kind, KindStats(v.kind)), total):
            s.count += 1
            closed = v.closed_on is not None and v.closed_on <= on
            if closed:
                s.closed += 1
                if v.days_taken is not None:
                    s.days.append(v.days_taken)
            else:
                s.open += 1
            if v.due_date is not None and ((v.closed_on if closed else on) > v.due_date):
                s.overdue += 1
    return CaseStats(year, on, list(by_kind.values()), total)
