"""人才公寓: the housing register — the office's flats and who lives in them.

阿拉善 第四十一条 gives a rigid talent without a home a free talent apartment for at most
three years (and no rent subsidy while housed); 阿拉山口 第十四条 gives the flat outright
after 5 (博士/正高, 硕士/副高) or 8 (紧缺本科) years' continuous work. The numbers are the
packs' (``occupancy_limit_years``, the variants' ``gift_after_years``) and the rules
engine computes the dates (``rules.occupancy_terms``); this service records the flats and
the stays, and hands the register to the engine (``occupancy_on``), which decides whether
a talent is housed for a benefit's period. The roster's 入住人才公寓 column is only a hint:
是 without an occupancy here makes the answer 待定 until the clerk allocates a flat or
confirms the talent is not housed (``confirm_not_housed``).

Public API (every write audited, one transaction each; action ``housing.write``)::

    add_flat(ctx, *, unit, area_m2=None, programme=None, note=None) -> FlatView
    update_flat(ctx, flat_id, *, expected_version=None, **changes) -> FlatView
        (unit, area_m2, programme, status available/withdrawn, note)
    list_flats(ctx, *, on=None) -> list[FlatView]           (with the current occupancy)
    allocate(ctx, flat, id_number, *, start) -> OccupancyView   (flat: id or 房号)
    add_flat_in / allocate_in / vacate_in(session, ctx, …)     (the same in the caller's transaction)
    vacate(ctx, occupancy_id, *, on, reason, gifted=False, expected_version=None) -> OccupancyView
    list_occupancies(ctx, *, current=False, id_number=None, on=None) -> list[OccupancyView]
    get_occupancy(ctx, occupancy_id, *, on=None) -> OccupancyView
    due(ctx, *, within_days=90, on=None) -> list[DueItem]    (limits reached or near, gifts due)
    confirm_not_housed(ctx, id_number, *, note="", on=None) -> None
    unconfirmed_hints(ctx) -> list[HintView]                 (roster 是, no record here)
    occupancy_on(session, talent_ids, on=None) -> {talent_id: engine facts}
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any, Iterable

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from talentdesk import rules
from talentdesk.domain import roster
from talentdesk.domain.errors import ConflictError, FieldError, NotFoundError, ValidationError
from talentdesk.models.entities import Departure, Employer, Talent
from talentdesk.models.duties.housing import Flat, HousingConfirmation, Occupancy
from talentdesk.services.benefits import packs
from talentdesk.services.context import ServiceContext
from talentdesk.services.office import permissions, scope, settings
from talentdesk.services.office.audit import log as audit
from talentdesk.services.register import talents

FLAT_STATUS = {"available": "可分配", "withdrawn": "停用", "gifted": "已赠予"}
ACTION = "housing.write"
GIFT_REASON = "住房直接赠予"


@dataclass
class OccupancyView:
    id: int
    version: int
    flat_id: int
    unit: str
    talent_id: int
    name: str
    id_number: str
    employer: str | None
    start_date: dt.date
    end_date: dt.date | None
    policy_id: str | None
    limit_years: int | None
    limit_until: dt.date | None
    gift_years: int | None
    gift_on: dt.date | None
    basis: str | None
    ended_reason: str | None
    on: dt.date  # the day the state below is read

    @property
    def current(self) -> bool:
        return self.end_date is None or self.end_date >= self.on

    @property
    def over_limit(self) -> bool:
        """Still living there after the last free day (阿拉善 第四十一条)."""
        return self.limit_until is not None and self.current and self.on > self.limit_until

    @property
    def days_to_limit(self) -> int | None:
        return (self.limit_until - self.on).days if self.limit_until and self.current else None

    @property
    def gift_due(self) -> bool:
        return self.gift_on is not None and self.current and self.on >= self.gift_on

    @property
    def state_label(self) -> str:
        if not self.current:
            return "已退房" if self.ended_reason != GIFT_REASON else "已赠予"
        if self.over_limit:
            return "超过免费期限"
        if self.gift_due:
            return "可赠予"
        return "在住"

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for k, v in list(d.items()):
            if isinstance(v, dt.date):
                d[k] = v.isoformat()
        d.update(current=self.current, over_limit=self.over_limit, days_to_limit=self.days_to_limit,
                 gift_due=self.gift_due, state_label=self.state_label)
        return d


@dataclass
class FlatView:
    id: int
    version: int
    unit: str
    area_m2: int | None
    programme: str | None
    status: str
    note: str | None
    occupancy: OccupancyView | None

    @property
    def status_label(self) -> str:
        if self.status == "available" and self.occupancy is not None:
            return "已入住"
        return FLAT_STATUS.get(self.status, self.status)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "version": self.version, "unit": self.unit, "area_m2": self.area_m2,
                "programme": self.programme, "status": self.status, "status_label": self.status_label,
                "note": self.note, "occupancy": self.occupancy.as_dict() if self.occupancy else None}


@dataclass
class DueItem:
    kind: str  # "limit" (免费期限) / "gift" (赠予)
    date: dt.date
    days: int  # days from ``on`` (negative: past)
    occupancy: OccupancyView
    basis: str

    @property
    def text(self) -> str:
        o = self.occupancy
        if self.kind == "limit":
            when = f"已超过{-self.days}天" if self.days < 0 else f"还有{self.days}天"
            return f"{o.name}（{o.unit}）免费入住期限{o.limit_years}年至{self.date}止，{when}（{self.basis}）"
        when = "已可赠予" if self.days <= 0 else f"{self.days}天后可赠予"
        return f"{o.name}（{o.unit}）连续工作满{o.gift_years}年（{self.date}）住房可直接赠予，{when}（{self.basis}）"

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "date": self.date.isoformat(), "days": self.days, "text": self.text,
                "basis": self.basis, "occupancy": self.occupancy.as_dict()}


@dataclass
class HintView:
    talent_id: int
    name: str
    id_number: str
    employer: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# ---------------------------------------------------------------- helpers

def _text(value: Any) -> str:
    return str(value or "").strip()


def _flat_snapshot(f: Flat) -> dict[str, Any]:
    return {"unit": f.unit, "area_m2": f.area_m2, "programme": f.programme, "status": f.status, "note": f.note}


def _occ_snapshot(o: Occupancy) -> dict[str, Any]:
    return {"flat_id": o.flat_id, "talent_id": o.talent_id, "start_date": o.start_date, "end_date": o.end_date,
            "policy_id": o.policy_id, "limit_years": o.limit_years, "limit_until": o.limit_until,
            "gift_years": o.gift_years, "gift_on": o.gift_on, "basis": o.basis, "ended_reason": o.ended_reason}


def _occ_view(o: Occupancy, flat: Flat, t: Talent, employer: str | None, on: dt.date) -> OccupancyView:
    return OccupancyView(o.id, o.version, o.flat_id, flat.unit, o.talent_id, t.name, t.id_number, employer,
                         o.start_date, o.end_date, o.policy_id, o.limit_years, o.limit_until, o.gift_years, o.gift_on,
                         o.basis, o.ended_reason, on)


def _occupancy_rows(session: Session, *conds) -> list[tuple[Occupancy, Flat, Talent, str | None]]:
    stmt = (select(Occupancy, Flat, Talent, Employer.name).join(Flat, Occupancy.flat_id == Flat.id)
            .join(Talent, Occupancy.talent_id == Talent.id).outerjoin(Employer, Talent.employer_id == Employer.id)
            .where(*conds).order_by(Occupancy.start_date.desc(), Occupancy.id.desc()))
    return [tuple(r) for r in session.execute(stmt).all()]


def _open_on(on: dt.date):
    """Occupancies that have not ended before ``on``."""
    return or_(Occupancy.end_date.is_(None), Occupancy.end_date >= on)


def _area(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        area = int(str(value).replace("平方米", "").replace("㎡", "").strip())
    except ValueError:
        raise ValidationError([FieldError("area_m2", "面积", value, f"面积：“{value}”不是整数平方米")]) from None
    if area <= 0:
        raise ValidationError([FieldError("area_m2", "面积", value, "面积：应大于0平方米")])
    return area


def _load_flat(session: Session, flat: int | str, *, expected_version: int | None = None) -> Flat:
    """A flat by id (int) or by 房号 (text; a number that is no 房号 is read as the id)."""
    f = None
    if isinstance(flat, str):
        f = session.execute(select(Flat).where(Flat.unit == _text(flat))).scalar_one_or_none()
        if f is None and _text(flat).isdigit():
            f = session.get(Flat, int(_text(flat)))
    else:
        f = session.get(Flat, int(flat))
    if f is None:
        raise NotFoundError(f"找不到房源“{flat}”，请先登记房源")
    if expected_version is not None and f.version != expected_version:
        raise ConflictError(f"房源“{f.unit}”已被其他用户修改，请刷新后重试")
    return f


def _unit_free(session: Session, unit: str, own_id: int | None = None) -> None:
    other = session.execute(select(Flat.id).where(Flat.unit == unit)).scalar()
    if other is not None and other != own_id:
        raise ConflictError(f"房源“{unit}”已登记，不能重复登记")


# ---------------------------------------------------------------- flats

def add_flat(ctx: ServiceContext, *, unit: str, area_m2: Any = None, programme: str | None = None,
             note: str | None = None) -> FlatView:
    """Register a flat (房号/地址 unique; area in whole m²; 产权单位/项目)."""
    permissions.require(ctx, ACTION)
    if not _text(unit):
        raise ValidationError([FieldError("unit", "房号", unit, "房号（地址）：必须填写")])
    with ctx.write() as session:
        f = add_flat_in(session, ctx, unit=unit, area_m2=area_m2, programme=programme, note=note)
        return FlatView(f.id, f.version, f.unit, f.area_m2, f.programme, f.status, f.note, None)


def add_flat_in(session: Session, ctx: ServiceContext, *, unit: str, area_m2: Any = None,
                programme: str | None = None, note: str | None = None) -> Flat:
    """``add_flat`` in the caller's transaction (the Excel import)."""
    permissions.require(ctx, ACTION)
    if not _text(unit):
        raise ValidationError([FieldError("unit", "房号", unit, "房号（地址）：必须填写")])
    area = _area(area_m2)
    _unit_free(session, _text(unit))
    f = Flat(unit=_text(unit), area_m2=area, programme=_text(programme) or None, status="available",
             note=_text(note) or None)
    session.add(f)
    session.flush()
    audit.record(session, ctx.actor, "create", "flat", f.id, after=_flat_snapshot(f))
    return f


def update_flat(ctx: ServiceContext, flat_id: int, *, expected_version: int | None = None, **changes: Any) -> FlatView:
    """Change a flat's 房号, area, programme, note or status (available / withdrawn; a flat
    someone lives in cannot be withdrawn)."""
    permissions.require(ctx, ACTION)
    allowed = {"unit", "area_m2", "programme", "status", "note"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError([FieldError(k, k, None, f"不能修改房源的“{k}”") for k in sorted(unknown)])
    with ctx.write() as session:
        f = _load_flat(session, flat_id, expected_version=expected_version)
        before = _flat_snapshot(f)
        if "unit" in changes:
            if not _text(changes["unit"]):
                raise ValidationError([FieldError("unit", "房号", None, "房号（地址）：必须填写")])
            _unit_free(session, _text(changes["unit"]), f.id)
            f.unit = _text(changes["unit"])
        if "area_m2" in changes:
            f.area_m2 = _area(changes["area_m2"])
        if "programme" in changes:
            f.programme = _text(changes["programme"]) or None
        if "note" in changes:
            f.note = _text(changes["note"]) or None
        if "status" in changes:
            status = changes["status"]
            if status not in ("available", "withdrawn"):
                raise ValidationError([FieldError("status", "状态", status, "状态：应为“可分配”或“停用”")])
            if status == "withdrawn" and _current(session, flat_id=f.id, on=dt.date.today()):
                raise ConflictError(f"房源“{f.unit}”有人居住，不能停用；请先办理退房")
            f.status = status
        session.flush()
        b, a = audit.diff(before, _flat_snapshot(f))
        if a:
            audit.record(session, ctx.actor, "update", "flat", f.id, before=b, after=a)
        return _flat_views(session, [f], dt.date.today())[0]


def _current(session: Session, *, flat_id: int | None = None, talent_id: int | None = None,
             on: dt.date) -> Occupancy | None:
    conds = [_open_on(on)]
    if flat_id is not None:
        conds.append(Occupancy.flat_id == flat_id)
    if talent_id is not None:
        conds.append(Occupancy.talent_id == talent_id)
    return session.execute(select(Occupancy).where(*conds).order_by(Occupancy.start_date)).scalars().first()


def _flat_views(session: Session, flats: list[Flat], on: dt.date) -> list[FlatView]:
    ids = [f.id for f in flats]
    current: dict[int, OccupancyView] = {}
    if ids:
        rows = _occupancy_rows(session, Occupancy.flat_id.in_(ids), Occupancy.start_date <= on, _open_on(on))
        for o, flat, t, emp in rows:
            current.setdefault(o.flat_id, _occ_view(o, flat, t, emp, on))
    return [FlatView(f.id, f.version, f.unit, f.area_m2, f.programme, f.status, f.note, current.get(f.id))
            for f in flats]


def list_flats(ctx: ServiceContext, *, on: dt.date | None = None) -> list[FlatView]:
    """Every flat, by 房号, with who lives there on ``on`` (default today)."""
    on = on or dt.date.today()
    with ctx.read() as session:
        flats = list(session.execute(select(Flat).order_by(Flat.unit)).scalars())
        return _flat_views(session, flats, on)


# ---------------------------------------------------------------- stays

def _terms(session: Session, t: Talent, moved_in: dt.date) -> tuple[str, dict[str, Any]]:
    policy_id = t.policy_id or settings.read_settings(session).default_policy_id
    profile = roster.to_row(talents.record_of(t))
    return policy_id, rules.occupancy_terms(packs.load_pack(policy_id), profile, moved_in=moved_in)


def allocate(ctx: ServiceContext, flat: int | str, id_number: str, *, start: dt.date | None) -> OccupancyView:
    """A talent moves into a flat on ``start``. Refused: a withdrawn or given flat, a flat
    someone lives in (or will, from a later recorded start), a talent already housed. The
    limit (阿拉善 第四十一条) and the gift date (阿拉山口 第十四条) are the talent's pack's,
    computed by the rules engine and stored with their articles."""
    permissions.require(ctx, ACTION)
    if start is None:
        raise ValidationError([FieldError("start_date", "入住日期", None, "入住日期：必须填写")])
    with ctx.write() as session:
        return allocate_in(session, ctx, flat, id_number, start=start)


def allocate_in(session: Session, ctx: ServiceContext, flat: int | str, id_number: str, *,
                start: dt.date) -> OccupancyView:
    """``allocate`` in the caller's transaction (the Excel import); every check is made
    before anything is added."""
    permissions.require(ctx, ACTION)
    f = _load_flat(session, flat)
    t = talents.load(session, id_number)
    if f.status != "available":
        raise ConflictError(f"房源“{f.unit}”{FLAT_STATUS.get(f.status, f.status)}，不能分配")
    # a flat is one whatever office houses someone in it: looked up across the league, and
    # another banner's occupant is named only by the office (services.office.scope)
    taken = session.execute(select(Occupancy, Talent.name, Talent.office_id)
                            .join(Talent, Occupancy.talent_id == Talent.id)
                            .where(Occupancy.flat_id == f.id, _open_on(start))
                            .order_by(Occupancy.start_date).execution_options(office_unscoped=True)).first()
    if taken is not None:
        o, who, office_id = taken
        if scope.scope_of(session) is not None and office_id != scope.scope_of(session):
            who = f"{scope.office_name(session, office_id)}的人才"
        raise ConflictError(f"房源“{f.unit}”已由{who}自{o.start_date}起入住" +
                            (f"（至{o.end_date}）" if o.end_date else "") + "，不能重复分配；请先办理退房")
    housed = session.execute(select(Occupancy, Flat.unit).join(Flat, Occupancy.flat_id == Flat.id)
                             .where(Occupancy.talent_id == t.id, _open_on(start))).first()
    if housed is not None:
        o, unit = housed
        raise ConflictError(f"{t.name}已自{o.start_date}起入住“{unit}”，同一人不能同时入住两套人才公寓；"
                            f"如需换房，请先办理退房")
    policy_id, terms = _terms(session, t, start)
    o = Occupancy(flat_id=f.id, talent_id=t.id, start_date=start, policy_id=policy_id,
                  limit_years=terms["limit_years"], limit_until=terms["limit_until"],
                  gift_years=terms["gift_years"], gift_on=terms["gift_on"],
                  basis="；".join(terms["basis"] + terms["notes"]) or None, recorded_by=ctx.actor)
    session.add(o)
    confirmed = session.execute(select(HousingConfirmation).where(HousingConfirmation.talent_id == t.id)
                                ).scalar_one_or_none()
    if confirmed is not None:  # the talent is housed now: the earlier “not housed” no longer holds
        session.delete(confirmed)
    session.flush()
    audit.record(session, ctx.actor, "allocate", "occupancy", o.id, talent_id=t.id, after=_occ_snapshot(o))
    emp = session.get(Employer, t.employer_id).name if t.employer_id else None
    return _occ_view(o, f, t, emp, dt.date.today())


def vacate(ctx: ServiceContext, occupancy_id: int, *, on: dt.date | None, reason: str, gifted: bool = False,
           expected_version: int | None = None) -> OccupancyView:
    """The talent leaves the flat on ``on`` (the last day of the stay) for ``reason``.
    ``gifted``: the flat is given outright (阿拉山口 第十四条) — only on or after the gift date;
    the flat leaves the register's available stock."""
    permissions.require(ctx, ACTION)
    errors = []
    if on is None:
        errors.append(FieldError("end_date", "退房日期", None, "退房日期：必须填写"))
    if not _text(reason) and not gifted:
        errors.append(FieldError("ended_reason", "退房原因", reason, "退房原因：必须填写"))
    if errors:
        raise ValidationError(errors)
    with ctx.write() as session:
        o = session.get(Occupancy, occupancy_id)
        if o is None:
            raise NotFoundError(f"找不到编号为{occupancy_id}的入住记录")
        if expected_version is not None and o.version != expected_version:
            raise ConflictError(f"入住记录{occupancy_id}已被其他用户修改，请刷新后重试")
        return vacate_in(session, ctx, o, on=on, reason=reason, gifted=gifted)


def vacate_in(session: Session, ctx: ServiceContext, o: Occupancy, *, on: dt.date, reason: str,
              gifted: bool = False) -> OccupancyView:
    """``vacate`` in the caller's transaction (the Excel import: a stay with its end in one row)."""
    permissions.require(ctx, ACTION)
    if not _text(reason) and not gifted:
        raise ValidationError([FieldError("ended_reason", "退房原因", reason, "退房原因：必须填写")])
    f, t = session.get(Flat, o.flat_id), session.get(Talent, o.talent_id)
    if o.end_date is not None:
        raise ConflictError(f"{t.name}已于{o.end_date}退出“{f.unit}”（{o.ended_reason or ''}）")
    if on < o.start_date:
        raise ValidationError([FieldError("end_date", "退房日期", on,
                                          f"退房日期：{on}早于入住日期{o.start_date}")])
    if gifted:
        if o.gift_on is None:
            raise ConflictError(f"{t.name}适用的政策未规定住房赠予（{o.basis or '无依据'}），不能按赠予办理")
        if on < o.gift_on:
            raise ConflictError(f"{t.name}须连续工作满{o.gift_years}年，{o.gift_on}起住房方可直接赠予（{o.basis}）")
        left = session.execute(select(func.min(Departure.departed_on)).where(Departure.talent_id == t.id)).scalar()
        if left is not None and left < o.gift_on:
            raise ConflictError(f"{t.name}已于{left}离开，未连续工作满{o.gift_years}年，住房不予赠予（{o.basis}）")
    before = _occ_snapshot(o)
    o.end_date = on
    o.ended_reason = GIFT_REASON if gifted else _text(reason)
    if gifted:
        f.status = "gifted"
    session.flush()
    b, a = audit.diff(before, _occ_snapshot(o))
    audit.record(session, ctx.actor, "gift" if gifted else "vacate", "occupancy", o.id, talent_id=t.id,
                 before=b, after=a)
    emp = session.get(Employer, t.employer_id).name if t.employer_id else None
    return _occ_view(o, f, t, emp, dt.date.today())


def get_occupancy(ctx: ServiceContext, occupancy_id: int, *, on: dt.date | None = None) -> OccupancyView:
    with ctx.read() as session:
        rows = _occupancy_rows(session, Occupancy.id == occupancy_id)
        if not rows:
            raise NotFoundError(f"找不到编号为{occupancy_id}的入住记录")
        o, f, t, emp = rows[0]
        return _occ_view(o, f, t, emp, on or dt.date.today())


def list_occupancies(ctx: ServiceContext, *, current: bool = False, id_number: str | None = None,
                     on: dt.date | None = None) -> list[OccupancyView]:
    """The stays, newest first; ``current``: only those not ended before ``on`` (today)."""
    on = on or dt.date.today()
    with ctx.read() as session:
        conds = [_open_on(on)] if current else []
        if id_number:
            conds.append(Occupancy.talent_id == talents.load(session, id_number).id)
        return [_occ_view(o, f, t, emp, on) for o, f, t, emp in _occupancy_rows(session, *conds)]


def due(ctx: ServiceContext, *, within_days: int = 90, on: dt.date | None = None) -> list[DueItem]:
    """Current stays whose free-occupancy limit has passed or ends within ``within_days``
    (阿拉善 第四十一条), and flats whose gift date (阿拉山口 第十四条) has come or comes
    within ``within_days`` for a talent still living there who has not left before it;
    soonest (most overdue) first."""
    on = on or dt.date.today()
    horizon = on + dt.timedelta(days=within_days)
    with ctx.read() as session:
        rows = _occupancy_rows(session, _open_on(on), Occupancy.start_date <= on,
                               or_(and_(Occupancy.limit_until.is_not(None), Occupancy.limit_until <= horizon),
                                   and_(Occupancy.gift_on.is_not(None), Occupancy.gift_on <= horizon)))
        left = dict(session.execute(select(Departure.talent_id, func.min(Departure.departed_on))
                                    .where(Departure.talent_id.in_([r[0].talent_id for r in rows]))
                                    .group_by(Departure.talent_id)).all()) if rows else {}
        out: list[DueItem] = []
        for o, f, t, emp in rows:
            v = _occ_view(o, f, t, emp, on)
            basis = o.basis or ""
            if o.limit_until is not None and o.limit_until <= horizon:
                out.append(DueItem("limit", o.limit_until, (o.limit_until - on).days, v, basis))
            if o.gift_on is not None and o.gift_on <= horizon and not (t.id in left and left[t.id] < o.gift_on):
                out.append(DueItem("gift", o.gift_on, (o.gift_on - on).days, v, basis))
    return sorted(out, key=lambda d: (d.date, d.kind, d.occupancy.id))


# ---------------------------------------------------------------- roster hints

def confirm_not_housed(ctx: ServiceContext, id_number: str, *, note: str = "", on: dt.date | None = None) -> None:
    """The clerk checked: the talent does not live in a talent apartment (the roster's 是
    was wrong or out of date). The engine then reads “not housed” instead of 待定."""
    permissions.require(ctx, ACTION)
    on = on or dt.date.today()
    with ctx.write() as session:
        t = talents.load(session, id_number)
        o = _current(session, talent_id=t.id, on=on)
        if o is not None:
            unit = session.get(Flat, o.flat_id).unit
            raise ConflictError(f"{t.name}自{o.start_date}起入住“{unit}”，住房登记有记录，不能确认为未入住；"
                                f"如已搬离，请办理退房")
        c = session.execute(select(HousingConfirmation).where(HousingConfirmation.talent_id == t.id)
                            ).scalar_one_or_none()
        if c is None:
            c = HousingConfirmation(talent_id=t.id, confirmed_on=on, note=_text(note) or None, recorded_by=ctx.actor)
            session.add(c)
        else:
            c.confirmed_on, c.note, c.recorded_by = on, _text(note) or None, ctx.actor
        session.flush()
        audit.record(session, ctx.actor, "confirm_not_housed", "housing_confirmation", c.id, talent_id=t.id,
                     after={"talent_id": t.id, "confirmed_on": on, "note": c.note})


def unconfirmed_hints(ctx: ServiceContext) -> list[HintView]:
    """Talents the roster says live in a talent apartment (入住人才公寓 是) with no stay in
    the register and no “not housed” confirmation: the engine answers 待定 for them."""
    with ctx.read() as session:
        stmt = (select(Talent.id, Talent.name, Talent.id_number, Employer.name)
                .outerjoin(Employer, Talent.employer_id == Employer.id)
                .where(Talent.talent_apartment.is_(True),
                       ~select(Occupancy.id).where(Occupancy.talent_id == Talent.id).exists(),
                       ~select(HousingConfirmation.id).where(HousingConfirmation.talent_id == Talent.id).exists())
                .order_by(Talent.name, Talent.id))
        return [HintView(*row) for row in session.execute(stmt).all()]


# ---------------------------------------------------------------- engine facts

def occupancy_on(session: Session, talent_ids: Iterable[int], on: dt.date | None = None) -> dict[int, dict[str, Any]]:
    """The register as the rules engine reads it, per talent: ``apartment_register`` (the
    register is kept: it, not the roster column, says who is housed),
    ``apartment_occupancies`` (``[{"from", "to"}]`` ISO dates, the stays that began on or
    before ``on`` — default: all recorded), ``apartment_not_housed_confirmed`` (the clerk's
    confirmation) and ``apartment_housed_on`` (lives in a flat on ``on`` / today)."""
    ids = list(dict.fromkeys(talent_ids))
    day = on or dt.date.today()
    out: dict[int, dict[str, Any]] = {i: {"apartment_register": True, "apartment_occupancies": [],
                                          "apartment_housed_on": False} for i in ids}
    for k in range(0, len(ids), 900):
        chunk = ids[k:k + 900]
        stmt = select(Occupancy.talent_id, Occupancy.start_date, Occupancy.end_date).where(
            Occupancy.talent_id.in_(chunk)).order_by(Occupancy.start_date)
        if on is not None:
            stmt = stmt.where(Occupancy.start_date <= on)
        for tid, start, end in session.execute(stmt):
            facts = out[tid]
            facts["apartment_occupancies"].append({"from": start.isoformat(), "to": end.isoformat() if end else None})
            if start <= day and (end is None or end >= day):
                facts["apartment_housed_on"] = True
        for (tid,) in session.execute(select(HousingConfirmation.talent_id)
                                      .where(HousingConfirmation.talent_id.in_(chunk))):
            out[tid]["apartment_not_housed_confirmed"] = True
    return out
