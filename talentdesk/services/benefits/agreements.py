"""Service agreements (服务期协议 / 聘用合同 / 三方协议).

Agreements are also made from a talent's roster record (合同起始日期 + 合同期限, see
``register.roster_agreement``); ``add`` (a clerk's own agreement) replaces those while
the roster still owns them.

``required_service_years`` defaults to what the talent's policy pack requires (the
rules engine's ``service_years_required``, with the article), else the agreed term.
End date = start date + term (years, fractions as months); ``ending_within`` lists
active agreements ending in the next N days (dashboard, reminders).

Public API::

    add(ctx, id_number, *, kind, start_date, term_years=None, signed_date=None,
        required_service_years=None) -> AgreementView
    update(ctx, agreement_id, *, expected_version=None, **changes) -> AgreementView
        changes: kind, signed_date, start_date, term_years, required_service_years, status
    delete(ctx, agreement_id) -> None
    list_agreements(ctx, id_number=None, *, status=None) -> list[AgreementView]
    get_agreement(ctx, agreement_id) -> AgreementView
    required_service_years(ctx, id_number, *, start_date=None, policy_id=None) -> (years | None, basis)
    ending_within(ctx, days=90, *, today=None) -> list[AgreementView]
    expired(ctx, *, today=None) -> list[AgreementView]          # 期满待处理, longest past first
    state_of(status, end_date, today) -> str                      # THE definition of "expired"
    conclude(ctx, agreement_id, *, note=None, today=None) -> AgreementView    # 期满考核 → 已期满
    renew(ctx, agreement_id, *, term_years, start_date=None, signed_date=None,
          required_service_years=None) -> AgreementView          # 续签: a new agreement, the old one 已期满
    terminate(ctx, agreement_id, reason) -> AgreementView         # 解除 → 已解除

期满待处理 (``EXPIRED_PENDING``) is derived, not stored: an agreement whose status is still
``active`` (履行中) and whose end date has passed. Computed from the calendar each time it
is asked for, it cannot go stale the way a stored status would (nothing would move it on
the day the term ends, and a backup restored later would carry yesterday's truth); the
stored status changes only when the office acts: 期满考核, 续签 or 解除.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select

from talentdesk.domain.errors import ConflictError, FieldError, NotFoundError, ValidationError
from talentdesk.domain.status import AGREEMENT_KINDS, AGREEMENT_STATUS
from talentdesk.models.entities import Employer, ServiceAgreement, Talent
from talentdesk.services.office import permissions
from talentdesk.services.office.audit import log as audit
from talentdesk.services.register import roster_agreement
from talentdesk.services.context import ServiceContext


def end_date(start: dt.date | None, term_years: Decimal | None) -> dt.date | None:
    """start + term: whole years, the fraction as whole months (2.5 → 2 years 6 months)."""
    from talentdesk.rules import dates

    if start is None or term_years is None:
        return None
    months = int((Decimal(term_years) * 12).to_integral_value())
    return dates.add_months(start, months)


EXPIRED_PENDING = "expired_pending"
STATE_LABELS = dict(AGREEMENT_STATUS, **{EXPIRED_PENDING: "期满待处理"})


def state_of(status: str, end: dt.date | None, today: dt.date | None = None) -> str:
    """The agreement's state as every page, report and command shows it: the stored status,
    except that an active agreement past its end date is ``expired_pending`` (期满待处理)."""
    today = today or dt.date.today()
    if status == "active" and end is not None and end < today:
        return EXPIRED_PENDING
    return status


@dataclass
class AgreementView:
    id: int
    version: int
    talent_id: int
    id_number: str
    name: str
    employer: str | None
    kind: str
    signed_date: dt.date | None
    start_date: dt.date | None
    term_years: Decimal | None
    required_service_years: int | None
    status: str

    @property
    def end_date(self) -> dt.date | None:
        return end_date(self.start_date, self.term_years)

    @property
    def status_label(self) -> str:
        return AGREEMENT_STATUS.get(self.status, self.status)

    @property
    def state(self) -> str:
        """``status``, or ``expired_pending`` for an active agreement past its end (today)."""
        return state_of(self.status, self.end_date)

    @property
    def state_label(self) -> str:
        return STATE_LABELS.get(self.state, self.state)

    @property
    def days_past_end(self) -> int | None:
        e = self.end_date
        return (dt.date.today() - e).days if e and self.state == EXPIRED_PENDING else None

    def as_dict(self) -> dict[str, Any]:
        e = self.end_date
        return {"id": self.id, "version": self.version, "talent_id": self.talent_id, "身份证号": self.id_number,
                "姓名": self.name, "用人单位": self.employer, "kind": self.kind,
                "signed_date": self.signed_date.isoformat() if self.signed_date else None,
                "start_date": self.start_date.isoformat() if self.start_date else None,
                "term_years": str(self.term_years.normalize()) if self.term_years is not None else None,
                "end_date": e.isoformat() if e else None, "required_service_years": self.required_service_years,
                "status": self.status, "status_label": self.status_label, "state": self.state,
                "state_label": self.state_label, "days_past_end": self.days_past_end}


def _view(a: ServiceAgreement, t: Talent, employer: str | None) -> AgreementView:
    return AgreementView(a.id, a.version, t.id, t.id_number, t.name, employer, a.kind, a.signed_date, a.start_date,
                         a.term_years, a.required_service_years, a.status)


def _snap(a: ServiceAgreement) -> dict:
    return {"kind": a.kind, "signed_date": a.signed_date, "start_date": a.start_date,
            "term_years": str(a.term_years) if a.term_years is not None else None,
            "required_service_years": a.required_service_years, "status": a.status}


def _validate(changes: dict) -> dict:
    errors = []
    out = dict(changes)
    if "kind" in out and out["kind"] not in AGREEMENT_KINDS:
        errors.append(FieldError("kind", "协议类型", out["kind"], f"协议类型：“{out['kind']}”无法识别，应为：{'、'.join(AGREEMENT_KINDS)}"))
    for key, label in (("signed_date", "签订日期"), ("start_date", "起始日期")):
        if key in out and out[key] is not None and not isinstance(out[key], dt.date):
            errors.append(FieldError(key, label, out[key], f"{label}：必须是有效日期"))
    if out.get("term_years") is not None:
        try:
            term = Decimal(str(out["term_years"]))
            if term <= 0 or term > 50:
                raise InvalidOperation
            out["term_years"] = term
        except (InvalidOperation, ValueError):
            errors.append(FieldError("term_years", "期限（年）", out["term_years"], "期限（年）：应为0到50之间的年数"))
    rsy = out.get("required_service_years")
    if rsy is not None and (not isinstance(rsy, int) or isinstance(rsy, bool) or not 0 < rsy <= 50):
        errors.append(FieldError("required_service_years", "服务年限", rsy, "服务年限：应为1到50之间的整数年"))
    if "status" in out and out["status"] not in AGREEMENT_STATUS:
        errors.append(FieldError("status", "状态", out["status"], f"状态：“{out['status']}”无法识别"))
    if errors:
        raise ValidationError(errors)
    return out


def _pack_years(session, t: Talent, start: dt.date | None, policy_id: str | None = None) -> tuple[int | None, str]:
    from talentdesk.services.benefits import grants

    inputs = grants.engine_inputs(session, t, policy_id)
    try:
        ev = grants.run_engine(inputs, approved_on=start or t.introduction_date or dt.date.today())
    except Exception as exc:  # an unknown policy id: no requirement known
        return None, str(getattr(exc, "message", exc))
    return ev.service_years_required, "；".join(ev.service_basis) or ev.service_note


def required_service_years(ctx: ServiceContext, id_number: str, *, start_date: dt.date | None = None,
                           policy_id: str | None = None) -> tuple[int | None, str]:
    """(years the talent's policy requires, basis text); years None when the pack sets
    none for this talent (then the agreement decides)."""
    from talentdesk.services.benefits import grants

    with ctx.read() as session:
        t = grants.load_talent(session, id_number)
        return _pack_years(session, t, start_date, policy_id)


def _employer(session, t: Talent) -> str | None:
    return session.get(Employer, t.employer_id).name if t.employer_id else None


def add(ctx: ServiceContext, id_number: str, *, kind: str, start_date: dt.date | None,
        term_years: Decimal | int | str | None = None, signed_date: dt.date | None = None,
        required_service_years: int | None = None) -> AgreementView:
    from talentdesk.services.benefits import grants

    permissions.require(ctx, "agreement.write")
    data = _validate({"kind": kind, "start_date": start_date, "term_years": term_years, "signed_date": signed_date,
                      "required_service_years": required_service_years})
    with ctx.write() as session:
        t = grants.load_talent(session, id_number, lock=True)
        rsy = data["required_service_years"]
        if rsy is None:
            rsy, _ = _pack_years(session, t, data["start_date"])
        if rsy is None and data["term_years"] is not None:
            rsy = int(data["term_years"])
        # the clerk's own agreement replaces the ones made from the roster record (untouched since)
        replaced = roster_agreement.superseded(session, t.id)
        a = ServiceAgreement(talent_id=t.id, kind=data["kind"], signed_date=data["signed_date"],
                             start_date=data["start_date"], term_years=data["term_years"],
                             required_service_years=rsy, status="active")
        session.add(a)
        session.flush()
        audit.record(session, ctx.actor, "create", "service_agreement", a.id, talent_id=t.id, after=_snap(a))
        roster_agreement.delete_superseded(session, ctx.actor, replaced, a.id)
        return _view(a, t, _employer(session, t))


def update(ctx: ServiceContext, agreement_id: int, *, expected_version: int | None = None,
           **changes: Any) -> AgreementView:
    permissions.require(ctx, "agreement.write")
    allowed = {"kind", "signed_date", "start_date", "term_years", "required_service_years", "status"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError([FieldError(k, k, k, f"无法修改“{k}”") for k in sorted(unknown)])
    data = _validate(changes)
    with ctx.write() as session:
        a = session.get(ServiceAgreement, agreement_id)
        if a is None:
            raise NotFoundError(f"找不到编号为{agreement_id}的服务协议")
        if expected_version is not None and a.version != expected_version:
            raise ConflictError(f"服务协议{agreement_id}已被其他用户修改，请刷新后重新编辑")
        before = _snap(a)
        for k, v in data.items():
            setattr(a, k, v)
        audit.record_update(session, ctx.actor, "service_agreement", a.id, before, _snap(a), talent_id=a.talent_id)
        t = session.get(Talent, a.talent_id)
        return _view(a, t, _employer(session, t))


def delete(ctx: ServiceContext, agreement_id: int) -> None:
    permissions.require(ctx, "agreement.write")
    with ctx.write() as session:
        a = session.get(ServiceAgreement, agreement_id)
        if a is None:
            raise NotFoundError(f"找不到编号为{agreement_id}的服务协议")
        audit.record(session, ctx.actor, "delete", "service_agreement", a.id, talent_id=a.talent_id, before=_snap(a))
        session.delete(a)


def get_agreement(ctx: ServiceContext, agreement_id: int) -> AgreementView:
    with ctx.read() as session:
        a = session.get(ServiceAgreement, agreement_id)
        if a is None:
            raise NotFoundError(f"找不到编号为{agreement_id}的服务协议")
        t = session.get(Talent, a.talent_id)
        return _view(a, t, _employer(session, t))


# The columns of an AgreementView, read as plain rows: a list of thousands of agreements
# builds no ORM objects (issue 20: ``ending_within`` used to build ~80,000 of them on a
# league's database to keep 1,533).
_VIEW_COLUMNS = (ServiceAgreement.id, ServiceAgreement.version, Talent.id, Talent.id_number, Talent.name,
                 Employer.name, ServiceAgreement.kind, ServiceAgreement.signed_date, ServiceAgreement.start_date,
                 ServiceAgreement.term_years, ServiceAgreement.required_service_years, ServiceAgreement.status)


def _query(session, stmt) -> list[AgreementView]:
    return [AgreementView(*row) for row in session.execute(stmt)]


def _base():
    return (select(*_VIEW_COLUMNS).join(Talent, ServiceAgreement.talent_id == Talent.id)
            .outerjoin(Employer, Talent.employer_id == Employer.id))


def _month_index(d: dt.date) -> int:
    return d.year * 12 + d.month - 1


def _end_month():
    """SQL: the month (year × 12 + month − 1) of ``end_date``: the start's month plus the term
    in whole months. ``end_date`` rounds half to even, SQL half away from zero: the two differ
    only on a term of exactly x.5 months (impossible at the column's two decimals, possible
    on SQLite, which keeps more), hence a month of margin wherever this bounds a search."""
    start = ServiceAgreement.start_date
    return (func.extract("year", start) * 12 + func.extract("month", start) - 1
            + func.round(ServiceAgreement.term_years * 12))


def list_agreements(ctx: ServiceContext, id_number: str | None = None, *,
                    status: str | None = None) -> list[AgreementView]:
    from talentdesk.services.benefits import grants

    stmt = _base().order_by(ServiceAgreement.start_date, ServiceAgreement.id)
    with ctx.read() as session:
        if id_number:
            stmt = stmt.where(ServiceAgreement.talent_id == grants.load_talent(session, id_number).id)
        if status == EXPIRED_PENDING:
            stmt = stmt.where(ServiceAgreement.status == "active")
            return [v for v in _query(session, stmt) if v.state == EXPIRED_PENDING]
        if status:
            stmt = stmt.where(ServiceAgreement.status == status)
        return _query(session, stmt)


def ending_within(ctx: ServiceContext, days: int = 90, *, today: dt.date | None = None) -> list[AgreementView]:
    """Active agreements whose end date falls in [today, today + days], soonest first."""
    today = today or dt.date.today()
    horizon = today + dt.timedelta(days=days)
    # the end month in SQL (a month of margin each side, see _end_month); the exact day below
    end_month = _end_month()
    stmt = _base().where(ServiceAgreement.status == "active", ServiceAgreement.start_date.is_not(None),
                         ServiceAgreement.term_years.is_not(None), ServiceAgreement.start_date <= horizon,
                         end_month >= _month_index(today) - 1, end_month <= _month_index(horizon) + 1)
    with ctx.read() as session:
        rows = [v for v in _query(session, stmt) if v.end_date and today <= v.end_date <= horizon]
    rows.sort(key=lambda v: (v.end_date, v.name))
    return rows


# ---------------------------------------------------------------- 期满待处理 and the ways out

def expired(ctx: ServiceContext, *, today: dt.date | None = None) -> list[AgreementView]:
    """Active agreements past their end date (期满待处理), the longest past first."""
    today = today or dt.date.today()
    stmt = _base().where(ServiceAgreement.status == "active", ServiceAgreement.start_date.is_not(None),
                         ServiceAgreement.term_years.is_not(None), ServiceAgreement.start_date < today,
                         _end_month() <= _month_index(today) + 1)
    with ctx.read() as session:
        rows = [v for v in _query(session, stmt) if state_of(v.status, v.end_date, today) == EXPIRED_PENDING]
    rows.sort(key=lambda v: (v.end_date, v.name))
    return rows


def _load_active(session, agreement_id: int, expected_version: int | None) -> ServiceAgreement:
    a = session.get(ServiceAgreement, agreement_id)
    if a is None:
        raise NotFoundError(f"找不到编号为{agreement_id}的服务协议")
    if expected_version is not None and a.version != expected_version:
        raise ConflictError(f"服务协议{agreement_id}已被其他用户修改，请刷新后重试")
    if a.status != "active":
        raise ConflictError(f"该服务协议当前状态为“{AGREEMENT_STATUS.get(a.status, a.status)}”，只能处理履行中的协议")
    return a


def conclude(ctx: ServiceContext, agreement_id: int, *, note: str | None = None, today: dt.date | None = None,
             expected_version: int | None = None) -> AgreementView:
    """期满考核: the term has ended and the office has done the end-of-term review; the
    agreement becomes 已期满. Refused before the end date."""
    from talentdesk.domain import values

    permissions.require(ctx, "agreement.write")
    today = today or dt.date.today()
    with ctx.write() as session:
        a = _load_active(session, agreement_id, expected_version)
        t = session.get(Talent, a.talent_id)
        end = end_date(a.start_date, a.term_years)
        if end is None or end >= today:
            raise ConflictError(f"{t.name}的{a.kind}" + (f"{end}才到期" if end else "没有约定期限")
                                + "，尚未期满，不能办理期满考核")
        before = _snap(a)
        a.status = "ended"
        session.flush()
        audit.record(session, ctx.actor, "conclude", "service_agreement", a.id, talent_id=t.id, before=before,
                     after=_snap(a) | {"end_date": end, "note": values.clean_text(note) or "期满考核"})
        return _view(a, t, _employer(session, t))


def renew(ctx: ServiceContext, agreement_id: int, *, term_years: Decimal | int | str, start_date: dt.date | None = None,
          signed_date: dt.date | None = None, required_service_years: int | None = None,
          expected_version: int | None = None) -> AgreementView:
    """续签: a new agreement of the same kind from ``start_date`` (default: the old end
    date) for ``term_years``; the old one becomes 已期满. Returns the new agreement."""
    permissions.require(ctx, "agreement.write")
    if term_years in (None, ""):
        raise ValidationError([FieldError("term_years", "期限（年）", term_years, "期限（年）：续签必须填写新的期限")])
    with ctx.write() as session:
        a = _load_active(session, agreement_id, expected_version)
        t = session.get(Talent, a.talent_id)
        start = start_date or end_date(a.start_date, a.term_years)
        if start is None:
            raise ValidationError([FieldError("start_date", "起始日期", None, "起始日期：原协议没有到期日期，请填写续签起始日期")])
        data = _validate({"start_date": start, "term_years": term_years, "signed_date": signed_date,
                          "required_service_years": required_service_years})
        before = _snap(a)
        a.status = "ended"
        session.flush()
        new = ServiceAgreement(talent_id=t.id, kind=a.kind, signed_date=data["signed_date"], start_date=start,
                               term_years=data["term_years"],
                               required_service_years=data["required_service_years"] or int(data["term_years"]),
                               status="active")
        session.add(new)
        session.flush()
        audit.record_many(session, ctx.actor, [
            audit.Change("renew", "service_agreement", a.id, t.id, before, _snap(a) | {"renewed_by": new.id}),
            audit.Change("create", "service_agreement", new.id, t.id, None, _snap(new) | {"renews": a.id})])
        return _view(new, t, _employer(session, t))


def terminate(ctx: ServiceContext, agreement_id: int, reason: str, *,
              expected_version: int | None = None) -> AgreementView:
    """解除: the agreement is ended early or not continued (已解除), with the reason. A
    talent who leaves goes through 离职登记 (departures), which also ends the agreements."""
    from talentdesk.domain import values

    permissions.require(ctx, "agreement.write")
    why = values.clean_text(reason)
    if not why:
        raise ValidationError([FieldError("reason", "解除原因", reason, "解除原因：必须填写")])
    with ctx.write() as session:
        a = _load_active(session, agreement_id, expected_version)
        t = session.get(Talent, a.talent_id)
        before = _snap(a)
        a.status = "terminated"
        session.flush()
        audit.record(session, ctx.actor, "terminate", "service_agreement", a.id, talent_id=t.id, before=before,
                     after=_snap(a) | {"reason": why})
        return _view(a, t, _employer(session, t))
