"""Dashboard (工作台) queries and chart data, all aggregated in SQL.

Public API::

    attention(ctx, today, *, limit=20) -> Attention
        counts + first ``limit`` rows of: installments due this month, overdue
        installments, agreements ending within 90 days, agreements past their end
        still 履行中 (期满待处理), reviews not yet entered for last year (the one
        definition: ``reviews.must_review``), departures with money still to recover,
        service cases past their due date, must-visit talents not visited this year
        recognitions awaiting confirmation and confirmed ones expiring within 90 days
    budget(ctx, years) -> list[BudgetRow]        # year × benefit × funding level (人才开发资金)
    payments_by_month(ctx, year) -> list[MonthRow]  # 12 rows: due / paid amounts per month
    talents_by(ctx, field, *, status=None, limit=None) -> list[tuple[str, int]]
        field: education, degree, major, employer, district, talent_class, university_tier,
        introduction_mode, sex, title, introduction_year, status
    proposed_grants(ctx) -> Section       # grants awaiting approval: count, total
    overview(ctx, today) -> Overview      # all of the 首页's figures, cached until a write
    last_overview(ctx) -> Overview | None  # the last one computed (maybe stale), no query
    state_key(ctx) -> tuple               # what a write changes: the cache's key

``overview`` keeps its result per database, keyed by ``state_key``: this process's count
of committed write transactions (``Database.writes``) and the audit chain's head (id and
hash; every service write appends to the chain in its transaction, so another process's
write moves it too), plus the day and the user. A write invalidates it; a 首页 visit with
nothing written since costs one indexed lookup instead of seconds of counting.
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from dataclasses import dataclass, field
from typing import Any, Iterable

from sqlalchemy import func, select

from talentdesk.domain import money
from talentdesk.domain.errors import ValidationError, FieldError
from talentdesk.domain.status import FUNDING_LEVELS
from talentdesk.models.entities import BenefitGrant, Employer, Installment, InstallmentFunding, Talent
from talentdesk.services.context import ServiceContext

OPEN = ("scheduled", "proposed", "approved")
PAID = ("paid", "reversed")


@dataclass
class Section:
    """One attention item: how many, how much (fen, where money), the first rows."""
    count: int
    amount_fen: int = 0
    rows: list[Any] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"count": self.count, "amount_fen": self.amount_fen,
                "rows": [r.as_dict() if hasattr(r, "as_dict") else r for r in self.rows]}


@dataclass
class Attention:
    today: dt.date
    due_this_month: Section
    overdue: Section
    agreements_ending: Section
    reviews_missing: Section  # for last year
    review_year: int
    outstanding_recoveries: Section
    agreements_expired: Section = field(default_factory=lambda: Section(0))  # 期满待处理
    care_overdue: Section = field(default_factory=lambda: Section(0))  # 服务事项超期未办结 (services.care.cases)
    not_visited: Section = field(default_factory=lambda: Section(0))  # 本年度未走访 (services.care.visits)
    # 人才公寓: stays past or within 90 days of the free limit (阿拉善 第四十一条) and flats
    # whose gift date (阿拉山口 第十四条) has come or comes within 90 days (housing.due rows)
    housing_due: Section = field(default_factory=lambda: Section(0))
    # 人才分类认定 (第二十条): awaiting confirmation; confirmed ones ending within 90 days
    recognitions_pending: Section = field(default_factory=lambda: Section(0))
    recognitions_expiring: Section = field(default_factory=lambda: Section(0))

    def as_dict(self) -> dict[str, Any]:
        return {"today": self.today.isoformat(), "due_this_month": self.due_this_month.as_dict(),
                "overdue": self.overdue.as_dict(), "agreements_ending": self.agreements_ending.as_dict(),
                "review_year": self.review_year, "reviews_missing": self.reviews_missing.as_dict(),
                "outstanding_recoveries": self.outstanding_recoveries.as_dict(),
                "agreements_expired": self.agreements_expired.as_dict(),
                "care_overdue": self.care_overdue.as_dict(), "not_visited": self.not_visited.as_dict(),
                "housing_due": self.housing_due.as_dict(),
                "recognitions_pending": self.recognitions_pending.as_dict(),
                "recognitions_expiring": self.recognitions_expiring.as_dict()}


@dataclass
class BudgetRow:
    year: int
    benefit_code: str
    benefit_name: str | None
    level: str
    planned_fen: int  # not yet paid (scheduled/proposed/approved/suspended)
    paid_fen: int  # net paid (reversals subtracted)

    @property
    def level_label(self) -> str:
        return FUNDING_LEVELS.get(self.level, self.level)

    @property
    def total_fen(self) -> int:
        return self.planned_fen + self.paid_fen

    def as_dict(self) -> dict[str, Any]:
        return {"year": self.year, "benefit_code": self.benefit_code, "benefit_name": self.benefit_name,
                "level": self.level, "level_label": self.level_label, "planned_fen": self.planned_fen,
                "paid_fen": self.paid_fen, "total_fen": self.total_fen, "total": money.yuan(self.total_fen)}


@dataclass
class MonthRow:
    month: int
    due_fen: int  # installments due that month (not cancelled)
    due_count: int
    paid_fen: int  # money paid that month (by paid date, net of reversals)
    paid_count: int

    def as_dict(self) -> dict[str, Any]:
        return {"month": self.month, "due_fen": self.due_fen, "due_count": self.due_count,
                "paid_fen": self.paid_fen, "paid_count": self.paid_count}


def _year(col):
    return func.extract("year", col)


def _month(col):
    return func.extract("month", col)


def attention(ctx: ServiceContext, today: dt.date | None = None, *, limit: int = 20,
              agreement_days: int = 90) -> Attention:
    from talentdesk.services.benefits import agreements, departures, payments, reviews

    today = today or dt.date.today()
    first = today.replace(day=1)
    last = dt.date(today.year + (today.month == 12), today.month % 12 + 1, 1) - dt.timedelta(days=1)
    live = ("scheduled", "proposed", "approved")
    n, amt = payments.count_installments(ctx, date_from=first, date_to=last, status=live)
    due = Section(n, amt, payments.list_installments(ctx, date_from=first, date_to=last, status=live, limit=limit))
    n, amt = payments.count_installments(ctx, date_to=first - dt.timedelta(days=1), status=live)
    overdue = Section(n, amt, payments.list_installments(ctx, date_to=first - dt.timedelta(days=1), status=live,
                                                         limit=limit))
    ending = agreements.ending_within(ctx, agreement_days, today=today)
    agreements_section = Section(len(ending), 0, ending[:limit])
    year = today.year - 1
    n, missing = reviews.missing_for_year(ctx, year, limit=limit)
    reviews_section = Section(n, 0, missing)
    outs = departures.list_departures(ctx, outstanding_only=True)
    rec = Section(len(outs), sum(d.outstanding_fen for d in outs), outs[:limit])
    gone = agreements.expired(ctx, today=today)
    expired_section = Section(len(gone), 0, gone[:limit])
    from talentdesk.services.care import cases, visits

    late = cases.overdue(ctx, today)
    n, unvisited = visits.not_visited(ctx, today.year, limit=limit)
    from talentdesk.services.care import housing

    flats = housing.due(ctx, within_days=90, on=today)
    out = Attention(today, due, overdue, agreements_section, reviews_section, year, rec, expired_section,
                    Section(len(late), 0, late[:limit]), Section(n, 0, unvisited), Section(len(flats), 0, flats[:limit]))
    out.recognitions_pending, out.recognitions_expiring = _recognitions(ctx, today)
    return out


def _recognitions(ctx: ServiceContext, today: dt.date, days: int = 90) -> tuple[Section, Section]:
    """人才认定 awaiting confirmation (待确认) and confirmed ones expiring within ``days``."""
    from talentdesk.services.register import recognitions

    with ctx.read() as session:
        pending, expiring = recognitions.attention(session, today, days)
    return Section(pending), Section(expiring)


def budget(ctx: ServiceContext, years: Iterable[int] | int) -> list[BudgetRow]:
    """Money by due year × benefit × funding level, split into paid (net) and still
    planned, for approved grants (the 人才开发资金 budget figure)."""
    years = [years] if isinstance(years, int) else sorted(set(int(y) for y in years))
    if not years:
        return []
    y = _year(Installment.due_date)
    paid = func.sum(InstallmentFunding.amount_fen).filter(Installment.status.in_(PAID))
    planned = func.sum(InstallmentFunding.amount_fen).filter(Installment.status.in_(OPEN + ("suspended",)))
    stmt = (select(y, BenefitGrant.benefit_code, func.max(BenefitGrant.benefit_name), InstallmentFunding.level,
                   func.coalesce(planned, 0), func.coalesce(paid, 0))
            .select_from(InstallmentFunding)
            .join(Installment, InstallmentFunding.installment_id == Installment.id)
            .join(BenefitGrant, Installment.grant_id == BenefitGrant.id)
            .where(BenefitGrant.status.in_(("approved", "cancelled")),
                   Installment.due_date >= dt.date(years[0], 1, 1), Installment.due_date <= dt.date(years[-1], 12, 31))
            .group_by(y, BenefitGrant.benefit_code, InstallmentFunding.level)
            .order_by(y, BenefitGrant.benefit_code, InstallmentFunding.level))
    wanted = set(years)
    with ctx.read() as session:
        out = []
        for yr, code, name, level, pl, pd in session.execute(stmt):
            if int(yr) in wanted and (pl or pd):
                out.append(BudgetRow(int(yr), code, name, level, int(pl), int(pd)))
        return out


def payments_by_month(ctx: ServiceContext, year: int) -> list[MonthRow]:
    """Twelve rows: installments due each month (not cancelled) and money paid each month."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    m_due = _month(Installment.due_date)
    m_paid = _month(Installment.paid_date)
    due_stmt = (select(m_due, func.count(Installment.id), func.coalesce(func.sum(Installment.amount_fen), 0))
                .join(BenefitGrant, Installment.grant_id == BenefitGrant.id)
                .where(Installment.due_date >= first, Installment.due_date <= last,
                       Installment.reverses_id.is_(None), BenefitGrant.status == "approved",
                       Installment.status.in_(OPEN + ("suspended", "paid")))
                .group_by(m_due))
    paid_stmt = (select(m_paid, func.count(Installment.id), func.coalesce(func.sum(Installment.amount_fen), 0))
                 .where(Installment.paid_date >= first, Installment.paid_date <= last, Installment.status.in_(PAID))
                 .group_by(m_paid))
    with ctx.read() as session:
        due = {int(m): (int(c), int(s)) for m, c, s in session.execute(due_stmt)}
        paid = {int(m): (int(c), int(s)) for m, c, s in session.execute(paid_stmt)}
    return [MonthRow(m, due.get(m, (0, 0))[1], due.get(m, (0, 0))[0], paid.get(m, (0, 0))[1], paid.get(m, (0, 0))[0])
            for m in range(1, 13)]


_FIELDS = {
    "education": Talent.education, "degree": Talent.degree, "major": Talent.major,
    "talent_class": Talent.talent_class, "university_tier": Talent.university_tier,
    "introduction_mode": Talent.introduction_mode, "sex": Talent.sex, "title": Talent.title,
    "status": Talent.status, "employer": Employer.name, "district": Employer.district,
    "employer_kind": Employer.kind,
}
FIELD_LABELS = {"education": "学历", "degree": "学位", "major": "专业", "talent_class": "人才类别",
                "university_tier": "院校类别", "introduction_mode": "引进方式", "sex": "性别", "title": "职称",
                "status": "状态", "employer": "用人单位", "district": "所属地区", "employer_kind": "单位性质",
                "introduction_year": "引进年份"}


def talents_by(ctx: ServiceContext, field: str, *, status: str | None = None,
               limit: int | None = None) -> list[tuple[str, int]]:
    """(value, count) pairs, largest first; missing values counted as “未填写”."""
    if field == "introduction_year":
        col = _year(Talent.introduction_date)
    elif field in _FIELDS:
        col = _FIELDS[field]
    else:
        raise ValidationError([FieldError("field", "统计字段", field, f"统计字段：“{field}”无法识别，可选："
                                          + "、".join(f"{v}（{k}）" for k, v in FIELD_LABELS.items()))])
    stmt = select(col, func.count(Talent.id)).select_from(Talent)
    if field in ("employer", "district", "employer_kind"):
        stmt = stmt.outerjoin(Employer, Talent.employer_id == Employer.id)
    if status:
        stmt = stmt.where(Talent.status == status)
    stmt = stmt.group_by(col).order_by(func.count(Talent.id).desc(), col)
    if limit is not None:
        stmt = stmt.limit(limit)
    with ctx.read() as session:
        out = []
        for value, n in session.execute(stmt):
            if value is None or value == "":
                label = "未填写"
            elif field == "introduction_year":
                label = str(int(value))
            else:
                label = str(value)
            out.append((label, int(n)))
        return out



# ---------------------------------------------------------------- the 首页, cached

@dataclass
class Overview:
    """Everything the 首页 shows (gathered by one background job of the page)."""
    today: dt.date
    office: Any  # settings.OfficeSettings
    attention: Attention
    pending: Section  # grants awaiting approval (待审批): how many, their total
    budget: list[BudgetRow]  # this year and next
    by_month: list[MonthRow]
    by_education: list[tuple[str, int]]
    by_major: list[tuple[str, int]]
    by_employer: list[tuple[str, int]]
    key: tuple = ()  # the state_key it was computed at


_cache: "weakref.WeakKeyDictionary[Any, Overview]" = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def state_key(ctx: ServiceContext) -> tuple:
    """What any write changes: this process's committed writes and the audit chain's head
    (one lookup by the primary key's index)."""
    from talentdesk.models.entities import AuditEvent

    with ctx.read() as session:
        head = session.execute(select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc())
                               .limit(1)).first()
    return (ctx.db.writes, tuple(head) if head else (0, ""))


def proposed_grants(ctx: ServiceContext) -> Section:
    """Grants awaiting approval (status 待审批, the list ``grants.list_grants(status="proposed")``
    shows): how many and their total, counted in SQL."""
    with ctx.read() as session:
        n, total = session.execute(select(func.count(BenefitGrant.id), func.coalesce(func.sum(BenefitGrant.total_fen), 0))
                                   .where(BenefitGrant.status == "proposed")).one()
    return Section(int(n), int(total))


def last_overview(ctx: ServiceContext) -> Overview | None:
    """The 首页's figures as last computed for this database (possibly stale: for showing at
    once while ``overview`` runs), or None. No database access."""
    with _lock:
        hit = _cache.get(ctx.db)
    if hit is not None and hit.key[2:] != (ctx.user, ctx.role, ctx.office_id, ctx.banner_id):
        return None  # another user's (another banner's) figures are never shown
    return hit


def overview(ctx: ServiceContext, today: dt.date | None = None) -> Overview:
    """The 首页's figures; the cached ones if nothing was written since (same day, same user)."""
    from talentdesk.services.office import settings

    today = today or dt.date.today()
    key = (state_key(ctx), today, ctx.user, ctx.role, ctx.office_id, ctx.banner_id)  # a banner sees its own
    with _lock:
        hit = _cache.get(ctx.db)
    if hit is not None and hit.key == key:
        return hit
    year = today.year
    out = Overview(today, settings.get_settings(ctx), attention(ctx, today),
                   proposed_grants(ctx), budget(ctx, [year, year + 1]),
                   payments_by_month(ctx, year), talents_by(ctx, "education", status="active"),
                   talents_by(ctx, "major", status="active", limit=8),
                   talents_by(ctx, "employer", status="active", limit=8), key)
    if state_key(ctx) == key[0]:  # nothing written while counting: the figures hold for the key
        with _lock:
            _cache[ctx.db] = out
    return out
