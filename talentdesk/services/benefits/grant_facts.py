"""Facts per service year of a grant (服务年度情况), recorded after approval.

Some installments depend on what happens in each service year, which the office learns
only later: months served in the year (阿拉山口 第十四条第一款：一年内累计服务满6个月),
days on site, whether the talent returned to the post. They are stored per grant,
service year (1 = the first year from the grant's start, as the engine counts the
yearly installments) and key; the rules engine receives them as
``facts["per_year"][year][key]`` (``grants.grant_facts`` / ``grants.engine_inputs``).

Recording or deleting a fact is audited (before/after) and re-evaluated at once in the
same transaction: an open installment the engine now cancels for the service year is
cancelled with the engine's reason; one this module had cancelled and the engine no
longer cancels is restored; a recorded departure's refund is recomputed.

What the engine still waits for is ``pending`` (the clerk sees “待补充：…” with the
article): installments ``awaiting_fact`` and benefits ``undetermined`` with ``missing``.

Public API::

    FACT_KEYS: dict[str, FactKey]                   # months_served / onsite_days / returned_to_post
    parse_value(key, raw) -> int | bool             # raises ValidationError (Chinese)
    record(ctx, grant_id, year, values, *, remarks=None) -> FactOutcome
        values: {key: value or text}; None (or "") deletes that key
    record_for(ctx, id_number, benefit, year, values) -> FactOutcome   # benefit: code or name
    find_grant(ctx, id_number, benefit) -> int      # the active grant of that benefit
    delete(ctx, grant_id, year, key=None) -> FactOutcome               # key None: the whole year
    list_facts(ctx, grant_id) -> list[YearFacts]
    list_for_talent(ctx, id_number) -> list[YearFacts]
    pending(ctx, id_number, *, as_of=None) -> list[Pending]
    record_many(ctx, rows, *, all_or_nothing=False, row_numbers=None) -> FactBatch   # the import kind
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from talentdesk.domain.errors import ConflictError, FieldError, NotFoundError, TalentDeskError, ValidationError
from talentdesk.models.entities import BenefitGrant, GrantYearFact, Installment, Talent
from talentdesk.services.office import permissions
from talentdesk.services.office.audit import log as audit
from talentdesk.services.context import ServiceContext

# status_reason of an installment cancelled by a service-year fact starts with this marker
SERVICE_MARK = "【服务年度】"
OPEN = ("scheduled", "proposed", "approved", "suspended")
MAX_YEAR = 50


@dataclass(frozen=True)
class FactKey:
    key: str
    label: str
    kind: str  # "int" / "bool"
    low: int = 0
    high: int = 0
    unit: str = ""


FACT_KEYS: dict[str, FactKey] = {
    "months_served": FactKey("months_served", "服务月数", "int", 0, 12, "个月"),
    "onsite_days": FactKey("onsite_days", "在岗（驻地）天数", "int", 0, 366, "天"),
    "returned_to_post": FactKey("returned_to_post", "是否返岗", "bool"),
}
# the Chinese column / CLI names a clerk may use instead of the keys
KEY_ALIASES = {"服务月数": "months_served", "在岗天数": "onsite_days", "驻地天数": "onsite_days",
               "在岗（驻地）天数": "onsite_days", "是否返岗": "returned_to_post", "返岗": "returned_to_post"}
_TRUE = {"是", "true", "1", "yes", "y", "已返岗", "√"}
_FALSE = {"否", "false", "0", "no", "n", "未返岗", "×"}


def key_of(name: str) -> str:
    """The fact key for a key or its Chinese name; ValidationError for an unknown one."""
    k = (name or "").strip()
    k = KEY_ALIASES.get(k, k)
    if k not in FACT_KEYS:
        names = "、".join(f"{f.label}（{f.key}）" for f in FACT_KEYS.values())
        raise ValidationError([FieldError("key", "事项", name, f"事项：“{name}”无法识别，可登记：{names}")])
    return k


def parse_value(key: str, raw: Any) -> int | bool | None:
    """The typed value of ``raw`` for ``key`` (None for empty: delete)."""
    f = FACT_KEYS[key_of(key)]
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if f.kind == "bool":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValidationError([FieldError(f.key, f.label, raw, f"{f.label}：“{raw}”应为“是”或“否”")])
    if isinstance(raw, bool):
        raise ValidationError([FieldError(f.key, f.label, raw, f"{f.label}：应为整数")])
    try:
        value = int(raw) if isinstance(raw, int) else int(str(raw).strip())
    except ValueError:
        raise ValidationError([FieldError(f.key, f.label, raw, f"{f.label}：“{raw}”应为整数{f.unit}")]) from None
    if not f.low <= value <= f.high:
        raise ValidationError([FieldError(f.key, f.label, raw,
                                          f"{f.label}：应在{f.low}到{f.high}{f.unit}之间，“{raw}”超出范围")])
    return value


def format_value(key: str, value: Any) -> str:
    f = FACT_KEYS.get(key)
    if f is None:
        return str(value)
    if f.kind == "bool":
        return "是" if value else "否"
    return f"{value}{f.unit}"


def _check_year(year: Any) -> int:
    try:
        y = int(year)
        if isinstance(year, bool) or not 1 <= y <= MAX_YEAR:
            raise ValueError
    except (TypeError, ValueError):
        raise ValidationError([FieldError("year", "服务年度", year,
                                          f"服务年度：“{year}”应为1到{MAX_YEAR}之间的整数（第几个服务年度）")]) from None
    return y


# ---------------------------------------------------------------- views

@dataclass
class YearFacts:
    grant_id: int
    benefit_code: str
    benefit_name: str | None
    year: int
    values: dict[str, Any]
    recorded_by: str | None = None

    def text(self) -> str:
        return "；".join(f"{FACT_KEYS[k].label if k in FACT_KEYS else k}：{format_value(k, v)}"
                        for k, v in self.values.items())

    def as_dict(self) -> dict[str, Any]:
        return {"grant_id": self.grant_id, "benefit_code": self.benefit_code, "benefit_name": self.benefit_name,
                "year": self.year, "values": dict(self.values), "text": self.text(),
                "recorded_by": self.recorded_by}


@dataclass
class Pending:
    """Something the engine waits for: ``text`` starts with “待补充：” and names the article."""
    grant_id: int | None
    benefit_code: str
    benefit_name: str
    year: int | None  # the service year, for an installment awaiting a fact
    what: str
    basis: str
    due_date: dt.date | None = None

    @property
    def text(self) -> str:
        where = f"第{self.year}个服务年度" if self.year else ""
        return f"待补充：{self.benefit_name}{where}{self.what}" + (f"（{self.basis}）" if self.basis else "")

    def as_dict(self) -> dict[str, Any]:
        return {"grant_id": self.grant_id, "benefit_code": self.benefit_code, "benefit_name": self.benefit_name,
                "year": self.year, "what": self.what, "basis": self.basis, "text": self.text,
                "due_date": self.due_date.isoformat() if self.due_date else None}


@dataclass
class Effect:
    installment_id: int
    seq: int
    due_date: dt.date
    action: str  # cancel / restore
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"installment_id": self.installment_id, "seq": self.seq, "due_date": self.due_date.isoformat(),
                "action": self.action, "reason": self.reason}


@dataclass
class FactOutcome:
    grant_id: int
    year: int
    facts: YearFacts
    effects: list[Effect] = field(default_factory=list)
    pending: list[Pending] = field(default_factory=list)
    refund_changed: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"grant_id": self.grant_id, "year": self.year, "facts": self.facts.as_dict(),
                "effects": [e.as_dict() for e in self.effects], "pending": [p.as_dict() for p in self.pending],
                "refund_changed": self.refund_changed}


# ---------------------------------------------------------------- engine

def _split_condition(condition: str) -> tuple[str, str]:
    """(what, article) from the engine's installment condition, leaving out the review part."""
    parts = [p for p in (condition or "").split("；") if p and "年度考核" not in p] or [condition or ""]
    text = parts[0]
    if text.endswith("）") and "（" in text:
        i = text.rindex("（")
        return text[:i], text[i + 1:-1]
    return text, ""


def _evaluate(session: Session, t: Talent, g: BenefitGrant, as_of: dt.date):
    from talentdesk.models.entities import Departure
    from sqlalchemy import func
    from talentdesk.services.benefits import grants

    inputs = grants.engine_inputs(session, t, g.policy_id)
    departed = session.execute(select(func.min(Departure.departed_on)).where(Departure.talent_id == t.id)).scalar()
    ev = grants.run_engine(inputs, approved_on=g.approval_date, as_of=as_of, departed_on=departed,
                           facts=grants.grant_facts(g))
    return ev.benefit(g.benefit_code)


def _pending_of(g: BenefitGrant, res) -> list[Pending]:
    out: list[Pending] = []
    name = g.benefit_name or res.name
    if res.status == "undetermined" and res.missing:
        out.append(Pending(g.id, g.benefit_code, name, None, "、".join(res.missing), "；".join(res.basis)))
    for idx, inst in enumerate(res.installments):
        if inst.status == "awaiting_fact":
            what, basis = _split_condition(inst.condition)
            out.append(Pending(g.id, g.benefit_code, name, idx + 1, what, basis, inst.due))
    return out


def _reevaluate(session: Session, t: Talent, g: BenefitGrant, year: int) -> tuple[list[Effect], list[Pending],
                                                                                   list[audit.Change]]:
    """Apply what the engine now says about the grant's installments (cancel / restore)."""
    if g.approval_date is None or g.status not in ("proposed", "approved"):
        return [], [], []
    try:
        res = _evaluate(session, t, g, dt.date.today())
    except KeyError:
        return [], [], []
    by_due = {i.due: i for i in res.installments}
    effects: list[Effect] = []
    changes: list[audit.Change] = []
    for inst in g.installments:
        if inst.reverses_id is not None:
            continue
        e = by_due.get(inst.due_date)
        if e is None:
            continue
        by_service = e.status == "cancelled" and e.cancelled_by == "service"
        before = {"status": inst.status, "status_reason": inst.status_reason}
        if by_service and inst.status in OPEN:
            why = e.note.split("；")[-1] if "；" in e.note else e.note
            basis = _split_condition(e.condition)[1]
            reason = f"{why}" + (f"（{basis}）" if basis else "")
            inst.status, inst.status_reason = "cancelled", SERVICE_MARK + reason
            inst.proposed_by = inst.approved_by = None
            effects.append(Effect(inst.id, inst.seq, inst.due_date, "cancel", reason))
            changes.append(audit.Change("cancel", "installment", inst.id, t.id, before,
                                        {"status": inst.status, "status_reason": inst.status_reason}))
        elif (not by_service and e.status != "cancelled" and inst.status == "cancelled"
              and (inst.status_reason or "").startswith(SERVICE_MARK)):
            reason = f"第{year}个服务年度情况已更正，恢复待发放"
            inst.status, inst.status_reason = "scheduled", reason
            effects.append(Effect(inst.id, inst.seq, inst.due_date, "restore", reason))
            changes.append(audit.Change("restore", "installment", inst.id, t.id, before,
                                        {"status": inst.status, "status_reason": inst.status_reason}))
    return effects, _pending_of(g, res), changes


# ---------------------------------------------------------------- use cases

def _load_grant(session: Session, grant_id: int) -> tuple[BenefitGrant, Talent]:
    stmt = select(BenefitGrant).where(BenefitGrant.id == grant_id).options(
        selectinload(BenefitGrant.installments), selectinload(BenefitGrant.year_facts))
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(of=BenefitGrant)
    g = session.execute(stmt).scalar_one_or_none()
    if g is None:
        raise NotFoundError(f"找不到编号为{grant_id}的待遇申请")
    return g, session.get(Talent, g.talent_id)


def _year_view(g: BenefitGrant, year: int) -> YearFacts:
    rows = [f for f in g.year_facts if f.year == year]
    values = {f.key: json.loads(f.value) for f in sorted(rows, key=lambda f: list(FACT_KEYS).index(f.key)
                                                         if f.key in FACT_KEYS else 99)}
    by = rows[-1].recorded_by if rows else None
    return YearFacts(g.id, g.benefit_code, g.benefit_name, year, values, by)


def _write(session: Session, ctx: ServiceContext, g: BenefitGrant, t: Talent, year: int,
           values: dict[str, Any]) -> FactOutcome:
    from talentdesk.services.benefits import departures

    if g.status not in ("proposed", "approved"):
        from talentdesk.domain.status import GRANT_STATUS

        raise ConflictError(f"{t.name}的{g.benefit_name or g.benefit_code}（编号{g.id}）当前状态为"
                            f"“{GRANT_STATUS.get(g.status, g.status)}”，不能再登记服务年度情况")
    existing = {f.key: f for f in g.year_facts if f.year == year}
    before = {k: json.loads(f.value) for k, f in existing.items()}
    for key, value in values.items():
        row = existing.get(key)
        if value is None:
            if row is not None:
                g.year_facts.remove(row)
            continue
        text = json.dumps(value)
        if row is None:
            g.year_facts.append(GrantYearFact(year=year, key=key, value=text, recorded_by=ctx.actor))
        elif row.value != text:
            row.value, row.recorded_by = text, ctx.actor
    session.flush()
    session.refresh(g, ["year_facts"])
    after = {f.key: json.loads(f.value) for f in g.year_facts if f.year == year}
    b, a = audit.diff(before, after)
    gone = [k for k in before if k not in after]
    changes: list[audit.Change] = []
    if a or gone:
        changes.append(audit.Change("update", "grant_year_fact", f"{g.id}:{year}", t.id,
                                    {"grant_id": g.id, "year": year, **b},
                                    {"grant_id": g.id, "year": year, **a, **{k: None for k in gone}}))
    effects, pend, more = _reevaluate(session, t, g, year)
    changes += more
    refund_changed = False
    if t.status == "departed":
        refund = departures.refresh_refund(session, t, reason=f"{g.benefit_name or g.benefit_code}"
                                                                f"第{year}个服务年度情况变更")
        changes += refund
        refund_changed = bool(refund)
    session.flush()
    audit.record_many(session, ctx.actor, changes)
    return FactOutcome(g.id, year, _year_view(g, year), effects, pend, refund_changed)


def record(ctx: ServiceContext, grant_id: int, year: int, values: dict[str, Any]) -> FactOutcome:
    """Record (or correct) facts of one service year of a grant; an empty value deletes
    that fact. Audited; the grant is re-evaluated at once."""
    permissions.require(ctx, "grant.facts")
    y = _check_year(year)
    if not values:
        raise ValidationError([FieldError("values", "事项", None, "请至少填写一项服务年度情况（如 服务月数=7）")])
    typed: dict[str, Any] = {}
    errors: list[FieldError] = []
    for k, v in values.items():
        try:
            key = key_of(k)
            typed[key] = parse_value(key, v)
        except ValidationError as exc:
            errors += exc.errors
    if errors:
        raise ValidationError(errors)
    with ctx.write() as session:
        g, t = _load_grant(session, grant_id)
        return _write(session, ctx, g, t, y, typed)


def delete(ctx: ServiceContext, grant_id: int, year: int, key: str | None = None) -> FactOutcome:
    """Delete a fact (or the whole service year) recorded by mistake; re-evaluated at once."""
    permissions.require(ctx, "grant.facts")
    y = _check_year(year)
    with ctx.write() as session:
        g, t = _load_grant(session, grant_id)
        keys = [key_of(key)] if key else sorted({f.key for f in g.year_facts if f.year == y})
        if not any(f.year == y and f.key in keys for f in g.year_facts):
            raise NotFoundError(f"{t.name}的{g.benefit_name or g.benefit_code}没有登记第{y}个服务年度的"
                                + (FACT_KEYS[keys[0]].label if key else "情况"))
        return _write(session, ctx, g, t, y, {k: None for k in keys})


def _find_grant(session: Session, t: Talent, benefit: str) -> BenefitGrant:
    b = (benefit or "").strip()
    gs = session.execute(select(BenefitGrant).where(BenefitGrant.talent_id == t.id)
                         .order_by(BenefitGrant.id.desc())).scalars().all()
    same = [g for g in gs if b in (g.benefit_code, g.benefit_name)]
    for status in ("approved", "proposed"):
        for g in same:
            if g.status == status:
                return g
    if same:
        return same[0]
    names = "、".join(dict.fromkeys(f"{g.benefit_name}（{g.benefit_code}）" for g in gs)) or "（无）"
    raise NotFoundError(f"{t.name}没有“{benefit}”的待遇申请；已有：{names}")


def find_grant(ctx: ServiceContext, id_number: str, benefit: str) -> int:
    """The id of the talent's grant of ``benefit`` (code or name): approved, else proposed, else the latest."""
    from talentdesk.services.benefits import grants

    with ctx.read() as session:
        return _find_grant(session, grants.load_talent(session, id_number), benefit).id


def record_for(ctx: ServiceContext, id_number: str, benefit: str, year: int, values: dict[str, Any]) -> FactOutcome:
    """``record`` for the talent's grant of ``benefit`` (code or name)."""
    return record(ctx, find_grant(ctx, id_number, benefit), year, values)


def list_facts(ctx: ServiceContext, grant_id: int) -> list[YearFacts]:
    with ctx.read() as session:
        g = session.get(BenefitGrant, grant_id)
        if g is None:
            raise NotFoundError(f"找不到编号为{grant_id}的待遇申请")
        return [_year_view(g, y) for y in sorted({f.year for f in g.year_facts})]


def list_for_talent(ctx: ServiceContext, id_number: str) -> list[YearFacts]:
    from talentdesk.services.benefits import grants

    with ctx.read() as session:
        t = grants.load_talent(session, id_number)
        gs = session.execute(select(BenefitGrant).where(BenefitGrant.talent_id == t.id)
                             .options(selectinload(BenefitGrant.year_facts)).order_by(BenefitGrant.id)).scalars()
        return [_year_view(g, y) for g in gs for y in sorted({f.year for f in g.year_facts})]


def pending_in_session(session: Session, t: Talent, *, as_of: dt.date | None = None) -> list[Pending]:
    """What the engine waits for across the talent's active grants (see ``pending``)."""
    out: list[Pending] = []
    gs = session.execute(select(BenefitGrant).where(BenefitGrant.talent_id == t.id,
                                                    BenefitGrant.status.in_(("proposed", "approved")))
                         .options(selectinload(BenefitGrant.year_facts))
                         .order_by(BenefitGrant.id)).scalars().all()
    for g in gs:
        if g.approval_date is None:
            continue
        try:
            res = _evaluate(session, t, g, as_of or dt.date.today())
        except (KeyError, TalentDeskError):
            continue
        out += _pending_of(g, res)
    return out


def pending(ctx: ServiceContext, id_number: str, *, as_of: dt.date | None = None) -> list[Pending]:
    """Everything the engine waits for before the talent's grants can go on: installments
    ``awaiting_fact`` (with the service year and the article) and undetermined benefits
    with their ``missing`` facts. Each ``.text`` reads “待补充：…（article）”."""
    from talentdesk.services.benefits import grants

    with ctx.read() as session:
        return pending_in_session(session, grants.load_talent(session, id_number), as_of=as_of)


def pending_for_installments(ctx: ServiceContext, installment_ids: Sequence[int]) -> dict[int, str]:
    """installment id → “待补充：…” for those of ``installment_ids`` the engine says await a fact
    (the payments page shows it beside the installment)."""
    out: dict[int, str] = {}
    with ctx.read() as session:
        rows = session.execute(select(Installment.id, Installment.due_date, BenefitGrant)
                               .join(BenefitGrant, Installment.grant_id == BenefitGrant.id)
                               .where(Installment.id.in_(list(installment_ids)))).all()
        by_grant: dict[int, tuple[BenefitGrant, list[tuple[int, dt.date]]]] = {}
        for iid, due, g in rows:
            by_grant.setdefault(g.id, (g, []))[1].append((iid, due))
        for g, items in by_grant.values():
            if g.approval_date is None or g.status not in ("proposed", "approved"):
                continue
            t = session.get(Talent, g.talent_id)
            try:
                res = _evaluate(session, t, g, dt.date.today())
            except (KeyError, TalentDeskError):
                continue
            waiting = {p.due_date: p.text for p in _pending_of(g, res) if p.due_date}
            for iid, due in items:
                if due in waiting:
                    out[iid] = waiting[due]
    return out


# ---------------------------------------------------------------- import rows

@dataclass
class FactRowResult:
    row: int
    id_number: str | None
    name: str | None
    ok: bool
    message: str
    outcome: FactOutcome | None = None
    errors: list[dict] = field(default_factory=list)  # {field (import key), column, value, message}

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "身份证号": self.id_number, "姓名": self.name, "ok": self.ok,
                "message": self.message, "outcome": self.outcome.as_dict() if self.outcome else None,
                "errors": list(self.errors)}


@dataclass
class FactBatch:
    results: list[FactRowResult]
    committed: bool

    @property
    def rows(self) -> list[FactRowResult]:
        return self.results

    @property
    def recorded(self) -> int:
        return sum(1 for r in self.results if r.ok) if self.committed else 0

    @property
    def errors(self) -> int:
        return sum(1 for r in self.results if not r.ok)

    def as_dict(self) -> dict[str, Any]:
        return {"committed": self.committed, "recorded": self.recorded, "errors": self.errors,
                "results": [r.as_dict() for r in self.results]}


ROW_KEYS = {"id_number": ("身份证号",), "benefit": ("待遇项目", "benefit"), "year": ("服务年度", "year")}


def _pick(row: dict, key: str) -> Any:
    for k in (key,) + ROW_KEYS.get(key, ()):
        if k in row and row[k] not in (None, ""):
            return row[k]
    return None


def _row_values(row: dict) -> dict[str, Any]:
    out = {}
    for k, v in row.items():
        key = KEY_ALIASES.get(k, k)
        if key in FACT_KEYS and v not in (None, ""):
            out[key] = v
    return out


def record_many(ctx: ServiceContext, rows: Sequence[dict], *, all_or_nothing: bool = False,
                row_numbers: Sequence[int] | None = None, dry_run: bool = False,
                finish=None) -> FactBatch:
    """Record service-year facts row by row (the template import's ``facts`` kind): each row
    has 身份证号, 待遇项目 (name or code), 服务年度 and one or more of 服务月数 / 在岗天数 /
    是否返岗. ``all_or_nothing``: one transaction, nothing written if a row fails;
    ``dry_run``: check every row and write nothing. ``finish(session, n)`` runs in the
    transaction of the last rows written (the import records its batch there)."""
    from talentdesk.services.benefits import grants

    permissions.require(ctx, "grant.facts")
    numbers = list(row_numbers) if row_numbers is not None else list(range(1, len(rows) + 1))
    results: list[FactRowResult] = []

    class _Rollback(Exception):
        pass

    def one(session: Session, n: int, row: dict) -> FactRowResult:
        idn = str(_pick(row, "id_number") or "").strip().upper() or None
        try:
            if not idn:
                raise ValidationError([FieldError("身份证号", "身份证号", None, "身份证号：必须填写")])
            t = grants.load_talent(session, idn)
            benefit = _pick(row, "benefit")
            if not benefit:
                raise ValidationError([FieldError("待遇项目", "待遇项目", None, "待遇项目：必须填写")])
            y = _check_year(_pick(row, "year"))
            raw = _row_values(row)
            if not raw:
                raise ValidationError([FieldError("服务月数", "服务月数", None,
                                                  "请至少填写服务月数、在岗天数、是否返岗中的一项")])
            typed = {k: parse_value(k, v) for k, v in raw.items()}
            g = _find_grant(session, t, str(benefit))
            g, t = _load_grant(session, g.id)
            with session.begin_nested():
                out = _write(session, ctx, g, t, y, typed)
                if dry_run:
                    raise _Rollback
            return FactRowResult(n, idn, t.name, True, f"{t.name}：{out.facts.text()}", out)
        except _Rollback:
            return FactRowResult(n, idn, t.name, True, f"{t.name}：检查通过")
        except NotFoundError as exc:
            where = "id_number" if "身份证号" in exc.message or "找不到" in exc.message else "benefit"
            return FactRowResult(n, idn, None, False, exc.message,
                                 errors=[{"field": where, "column": _COLUMN[where], "value": None,
                                          "message": exc.message}])
        except ValidationError as exc:
            return FactRowResult(n, idn, None, False, _message(exc), errors=[
                {"field": _FIELD.get(e.field, e.field), "column": e.label, "value": e.value, "message": e.message}
                for e in exc.errors])
        except TalentDeskError as exc:
            return FactRowResult(n, idn, None, False, exc.message,
                                 errors=[{"field": "benefit", "column": "待遇项目", "value": None,
                                          "message": exc.message}])

    if all_or_nothing or dry_run:
        class _Abort(Exception):
            pass
        try:
            with ctx.write() as session:
                for n, row in zip(numbers, rows):
                    results.append(one(session, n, row))
                if dry_run or any(not r.ok for r in results):
                    raise _Abort
                if finish is not None:
                    finish(session, sum(1 for r in results if r.ok))
        except _Abort:
            return FactBatch(results, False)
        return FactBatch(results, True)
    for i, (n, row) in enumerate(zip(numbers, rows)):
        with ctx.write() as session:
            results.append(one(session, n, row))
            if finish is not None and i == len(rows) - 1:
                finish(session, sum(1 for r in results if r.ok))
    return FactBatch(results, True)


_FIELD = {"身份证号": "id_number", "待遇项目": "benefit", "服务月数": "months_served", "key": None}
_COLUMN = {"id_number": "身份证号", "benefit": "待遇项目"}


def _message(exc: TalentDeskError) -> str:
    errors = getattr(exc, "errors", None)
    if errors:
        return "；".join(e.message for e in errors)
    return str(getattr(exc, "message", None) or exc)
