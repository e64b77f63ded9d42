"""Annual reviews (年度考核): record one or many, their consequences, the year's grid.

A 不合格 (or a result the pack does not count as passing) affects installments the way
the talent's policy pack says, decided by the rules engine: e.g. Alxa art. 36
(``review.failed_cancels_rest``) cancels every later installment; other packs cancel
only the installment that needed that year's review. ``consequences`` lists them
before recording (the GUI asks for confirmation); ``record`` applies them in the same
transaction: status ``cancelled`` with the reason citing the article. Correcting a
review (e.g. 不合格 → 合格 after an appeal) restores installments that the earlier
result had cancelled and that the engine no longer cancels.

Public API::

    record(ctx, id_number, year, result, review_date=None, remarks=None) -> RecordOutcome
    record_many(ctx, rows, *, all_or_nothing=False, row_numbers=None) -> ReviewBatch
        rows: dicts with 身份证号, 年度 (考核年度), 考核结果, 考核日期, 备注
        (or id_number, year, result, review_date, remarks)
    consequences(ctx, id_number, year, result) -> list[Consequence]
    consequences_many(ctx, rows) -> list[list[Consequence]]   # what record_many(rows) would do
    list_for_year(ctx, year) -> YearReviews        # the grid: everyone under obligation
    missing_for_year(ctx, year, limit=20) -> (count, first rows)   # the dashboard card
    must_review(year) -> Select of talent ids       # the one definition (also the printed report)
    list_for_talent(ctx, id_number) -> list[ReviewView]
    delete(ctx, review_id) -> None                  # an entry made by mistake
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from talentdesk.domain import money, values
from talentdesk.domain.errors import ConflictError, FieldError, NotFoundError, ValidationError
from talentdesk.domain.status import INSTALLMENT_STATUS, REVIEW_RESULTS
from talentdesk.models.entities import (AnnualReview, BenefitGrant, Departure, Employer, Installment,
                                        ServiceAgreement, Talent)
from talentdesk.models.base import utcnow
from talentdesk.models.bulk import BulkInserter
from talentdesk.services.office import permissions
from talentdesk.services.office.audit import log as audit
from talentdesk.services.context import ServiceContext

# status_reason of an installment cancelled by a review starts with this marker
REVIEW_MARK = "【年度考核】"
OPEN = ("scheduled", "proposed", "approved", "suspended")
DEFAULT_SERVICE_YEARS = 5


@dataclass
class ReviewView:
    id: int
    version: int
    talent_id: int
    talent_name: str
    id_number: str
    year: int
    result: str
    review_date: dt.date | None
    remarks: str | None
    recorded_by: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "version": self.version, "talent_id": self.talent_id, "姓名": self.talent_name,
                "身份证号": self.id_number, "year": self.year, "result": self.result,
                "review_date": self.review_date.isoformat() if self.review_date else None,
                "remarks": self.remarks, "recorded_by": self.recorded_by}


@dataclass
class Consequence:
    """What recording a review does to one installment."""
    installment_id: int
    grant_id: int
    benefit_code: str
    benefit_name: str | None
    seq: int
    due_date: dt.date
    amount_fen: int
    current_status: str
    action: str  # "cancel" | "restore"
    reason: str  # Chinese, citing the article

    def as_dict(self) -> dict[str, Any]:
        return {"installment_id": self.installment_id, "grant_id": self.grant_id,
                "benefit_code": self.benefit_code, "benefit_name": self.benefit_name, "seq": self.seq,
                "due_date": self.due_date.isoformat(), "amount_fen": self.amount_fen,
                "amount": money.yuan(self.amount_fen), "current_status": self.current_status,
                "current_status_label": INSTALLMENT_STATUS.get(self.current_status, self.current_status),
                "action": self.action, "action_label": "取消" if self.action == "cancel" else "恢复待发放",
                "reason": self.reason}


@dataclass
class RecordOutcome:
    review: ReviewView
    created: bool
    applied: list[Consequence]

    def as_dict(self) -> dict[str, Any]:
        return {"review": self.review.as_dict(), "created": self.created,
                "applied": [c.as_dict() for c in self.applied]}


@dataclass
class ReviewRowResult:
    row: int
    ok: bool
    message: str
    review_id: int | None = None
    applied: list[Consequence] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "ok": self.ok, "message": self.message, "review_id": self.review_id,
                "applied": [c.as_dict() for c in self.applied], "errors": list(self.errors)}


@dataclass
class ReviewBatch:
    rows: list[ReviewRowResult]
    committed: bool

    @property
    def recorded(self) -> int:
        return sum(1 for r in self.rows if r.ok) if self.committed else 0

    @property
    def errors(self) -> int:
        return sum(1 for r in self.rows if not r.ok)

    def as_dict(self) -> dict[str, Any]:
        return {"committed": self.committed, "recorded": self.recorded, "errors": self.errors,
                "rows": [r.as_dict() for r in self.rows]}


@dataclass
class ReviewRow:
    """One line of the 年度考核 grid."""
    talent_id: int
    id_number: str
    name: str
    employer: str | None
    service_start: dt.date | None
    service_end: dt.date | None
    result: str | None
    review_date: dt.date | None
    remarks: str | None
    review_id: int | None
    version: int | None

    def as_dict(self) -> dict[str, Any]:
        return {"talent_id": self.talent_id, "身份证号": self.id_number, "姓名": self.name, "用人单位": self.employer,
                "service_start": self.service_start.isoformat() if self.service_start else None,
                "service_end": self.service_end.isoformat() if self.service_end else None,
                "考核结果": self.result, "考核日期": self.review_date.isoformat() if self.review_date else None,
                "备注": self.remarks, "review_id": self.review_id}


@dataclass
class YearReviews:
    year: int
    rows: list[ReviewRow]
    counts: dict[str, int]  # 优秀/合格/基本合格/不合格/未登记 → n

    def as_dict(self) -> dict[str, Any]:
        return {"year": self.year, "counts": dict(self.counts), "rows": [r.as_dict() for r in self.rows]}


# ---------------------------------------------------------------- helpers

def _view(r: AnnualReview, t: Talent) -> ReviewView:
    return ReviewView(r.id, r.version, t.id, t.name, t.id_number, r.year, r.result, r.review_date, r.remarks,
                      r.recorded_by)


def _snap(r: AnnualReview) -> dict:
    return {"year": r.year, "result": r.result, "review_date": r.review_date, "remarks": r.remarks}


def _check(year: Any, result: Any, review_date: Any) -> tuple[int | None, str | None, dt.date | None,
                                                               list[FieldError]]:
    errors = []
    y = None
    try:
        y = values.parse_int(year, unit="年") if not isinstance(year, int) else year
    except Exception:
        y = None
    this_year = dt.date.today().year
    if y is None or not (1990 <= y <= this_year):
        errors.append(FieldError("year", "考核年度", year, f"考核年度：“{year if year is not None else ''}”应为1990至{this_year}年之间的年份"))
        y = None
    res = values.clean_text(result)
    if res not in REVIEW_RESULTS:
        errors.append(FieldError("result", "考核结果", result,
                                 f"考核结果：“{res or ''}”无法识别，应为：{'、'.join(REVIEW_RESULTS)}"))
        res = None
    d = None
    if review_date not in (None, ""):
        d = values.date_or_none(review_date)
        if d is None:
            errors.append(FieldError("review_date", "考核日期", review_date, f"考核日期：“{review_date}”不是有效日期"))
    return y, res, d, errors


def _candidate(inst) -> bool:
    """Whether a review can change this installment: an open one (cancel) or one a review
    cancelled (restore); never a reversal."""
    return inst.reverses_id is None and (inst.status in OPEN or (inst.status == "cancelled" and (
        inst.status_reason or "").startswith(REVIEW_MARK)))


def _consequences(session: Session, t: Talent, year: int, result: str) -> list[Consequence]:
    """Ask the engine what the reviews (stored ones with ``year`` set to ``result``) mean
    for each open installment of the talent's active grants."""
    from talentdesk.services.benefits import grants

    gs = session.execute(select(BenefitGrant).where(BenefitGrant.talent_id == t.id,
                                                    BenefitGrant.status.in_(("proposed", "approved")))
                         .options(selectinload(BenefitGrant.installments))).scalars().all()
    # only open installments (cancel) and ones a review cancelled (restore) can change
    if not any(_candidate(i) for g in gs for i in g.installments):
        return []
    inputs = grants.engine_inputs(session, t)
    reviews = dict(inputs.reviews)
    reviews[year] = result
    return _decide(inputs, [(g, g.installments) for g in gs], year, result, reviews)


def _decide(inputs, grant_installments: Sequence[tuple[BenefitGrant, Sequence[Any]]], year: int, result: str,
            reviews: dict[int, str]) -> list[Consequence]:
    """The consequences for the installments given with each grant (objects with id, seq,
    due_date, amount_fen, status, status_reason, reverses_id) of the engine's answer for
    ``reviews`` (``year`` set to ``result``). Changes ``inputs.policy_id``."""
    from talentdesk.services.benefits import grants

    departed = inputs.departed_on
    out: list[Consequence] = []
    for g, installments in grant_installments:
        if g.approval_date is None:
            continue
        inputs.policy_id = g.policy_id
        ev = grants.run_engine(inputs, approved_on=g.approval_date, as_of=dt.date.today(), reviews=reviews,
                               facts=grants.grant_facts(g),
                               departed_on=departed, benefits=(g.benefit_code,))
        try:
            res = ev.benefit(g.benefit_code)
        except KeyError:
            continue
        by_due = {i.due: i for i in res.installments}
        for inst in installments:
            if inst.reverses_id is not None:
                continue
            e = by_due.get(inst.due_date)
            if e is None:
                continue
            by_review = e.status == "cancelled" and e.cancelled_by == "review"
            if by_review and inst.status in OPEN:
                why = e.note.split("；")[-1] if "；" in e.note else e.note
                out.append(Consequence(inst.id, g.id, g.benefit_code, g.benefit_name, inst.seq, inst.due_date,
                                       inst.amount_fen, inst.status, "cancel", why))
            elif (not by_review and e.status != "cancelled" and inst.status == "cancelled"
                  and (inst.status_reason or "").startswith(REVIEW_MARK)):
                out.append(Consequence(inst.id, g.id, g.benefit_code, g.benefit_name, inst.seq, inst.due_date,
                                       inst.amount_fen, inst.status, "restore",
                                       f"{year}年度考核结果改为“{result}”，恢复待发放"))
    return out


def _apply(session: Session, talent_id: int, cons: list[Consequence]) -> list[audit.Change]:
    changes = []
    for c in cons:
        inst = session.get(Installment, c.installment_id)
        before = {"status": inst.status, "status_reason": inst.status_reason}
        if c.action == "cancel":
            inst.status, inst.status_reason = "cancelled", REVIEW_MARK + c.reason
            inst.proposed_by = inst.approved_by = None
        else:
            inst.status, inst.status_reason = "scheduled", c.reason
        changes.append(audit.Change("cancel" if c.action == "cancel" else "restore", "installment", inst.id,
                                    talent_id, before, {"status": inst.status, "status_reason": inst.status_reason}))
    return changes


def _record_one(session: Session, ctx: ServiceContext, t: Talent, year: int, result: str,
                review_date: dt.date | None, remarks: str | None) -> tuple[AnnualReview, bool, list[Consequence],
                                                                          list[audit.Change]]:
    r = session.execute(select(AnnualReview).where(AnnualReview.talent_id == t.id,
                                                   AnnualReview.year == year)).scalar_one_or_none()
    changes: list[audit.Change] = []
    created = r is None
    old_result = None if created else r.result
    if created:
        r = AnnualReview(talent_id=t.id, year=year, result=result, review_date=review_date, remarks=remarks,
                         recorded_by=ctx.actor)
        session.add(r)
        session.flush()
        changes.append(audit.Change("create", "annual_review", r.id, t.id, None, _snap(r)))
    else:
        before = _snap(r)
        r.result = result
        if review_date is not None:
            r.review_date = review_date
        if remarks is not None:
            r.remarks = remarks
        r.recorded_by = ctx.actor
        b, a = audit.diff(before, _snap(r))
        if a:
            session.flush()
            changes.append(audit.Change("update", "annual_review", r.id, t.id, b, a))
    # what the result means is the pack's (e.g. Alashankou counts only 优秀/合格 as passing,
    # 第十四条): the engine is asked for every result, not only for 不合格
    cons: list[Consequence] = []
    if old_result != result:
        cons = _consequences(session, t, year, result)
        changes += _apply(session, t.id, cons)
    return r, created, cons, changes


# ---------------------------------------------------------------- use cases

def consequences(ctx: ServiceContext, id_number: str, year: int, result: str) -> list[Consequence]:
    """What recording ``result`` for ``year`` would do to the talent's installments
    (cancel, or restore after a corrected result). Read-only."""
    from talentdesk.services.benefits import grants

    y, res, _, errors = _check(year, result, None)
    if errors:
        raise ValidationError(errors)
    with ctx.read() as session:
        t = grants.load_talent(session, id_number)
        return _consequences(session, t, y, res)


def consequences_many(ctx: ServiceContext, rows: Sequence[dict]) -> list[list[Consequence]]:
    """What ``record_many(rows)`` would do to the installments, per row (rows as there; a
    row with errors does nothing). Read-only: the grid asks before a batch is saved, in a
    few statements per 900 rows instead of a ``consequences`` call per row."""
    from talentdesk.services.benefits import packs

    with ctx.read() as session:
        results, planned = _plan(session, rows, list(range(1, len(rows) + 1)))
        _stored_reviews(session, planned, lock=False)
        with packs.held():
            _batch_consequences(session, planned)
    out: list[list[Consequence]] = [[] for _ in results]
    for p in planned:
        out[p.slot] = p.cons
    return out


def record(ctx: ServiceContext, id_number: str, year: int, result: str, review_date: dt.date | None = None,
           remarks: str | None = None) -> RecordOutcome:
    """Record (or correct) one talent's result for a year and apply its consequences."""
    from talentdesk.services.benefits import grants

    permissions.require(ctx, "review.record")
    y, res, d, errors = _check(year, result, review_date)
    if errors:
        raise ValidationError(errors)
    with ctx.write() as session:
        t = grants.load_talent(session, id_number, lock=True)
        r, created, cons, changes = _record_one(session, ctx, t, y, res, d, values.clean_text(remarks))
        session.flush()
        audit.record_many(session, ctx.actor, changes)
        return RecordOutcome(_view(r, t), created, cons)


_ROW_KEYS = {
    "id_number": ("身份证号", "身份证号码", "公民身份号码"),
    "year": ("年度", "考核年度"),
    "result": ("考核结果", "结果", "考核等次"),
    "review_date": ("考核日期",),
    "remarks": ("备注",),
}


def _pick(row: dict, key: str) -> Any:
    if key in row:
        return row[key]
    for name in _ROW_KEYS[key]:
        if name in row:
            return row[name]
    return None


class _Abort(Exception):
    pass


_CHUNK = 900  # ids per IN list (SQLite's default limit of bound parameters is 999)
_NEW_COLUMNS = ("id", "talent_id", "year", "result", "review_date", "remarks", "recorded_by")


@dataclass
class _Planned:
    """One good row of a batch, as it will be written."""
    number: int  # the caller's row number
    slot: int  # its place in the batch's results
    talent_id: int
    name: str
    year: int
    result: str
    review_date: dt.date | None
    remarks: str | None
    stored: Any = None  # the stored review: (id, result, review_date, remarks, recorded_by, version), or None
    review_id: int | None = None
    cons: list[Consequence] = field(default_factory=list)


@dataclass
class _Open:
    """An installment a review can change (``_candidate``), as the batch goes along."""
    id: int
    grant_id: int
    seq: int
    due_date: dt.date
    amount_fen: int
    status: str
    status_reason: str | None
    reverses_id: int | None = None  # always None: only installments that are not reversals are read


def _chunks(items: Sequence, n: int = _CHUNK):
    for i in range(0, len(items), n):
        yield items[i:i + n]


def _talents_by_number(session: Session, numbers: set[str]) -> dict[str, tuple[int, str]]:
    out: dict[str, tuple[int, str]] = {}
    for chunk in _chunks(sorted(numbers)):
        out.update((n, (i, name)) for n, i, name in session.execute(
            select(Talent.id_number, Talent.id, Talent.name).where(Talent.id_number.in_(chunk))))
    return out


def _stored_reviews(session: Session, planned: list[_Planned], *, lock: bool = True) -> None:
    """Each row's stored review of that talent and year (``lock``: locked until commit)."""
    wanted = {(p.talent_id, p.year): p for p in planned}
    tids = sorted({p.talent_id for p in planned})
    years = sorted({p.year for p in planned})
    for chunk in _chunks(tids):
        stmt = (select(AnnualReview.id, AnnualReview.talent_id, AnnualReview.year, AnnualReview.result,
                       AnnualReview.review_date, AnnualReview.remarks, AnnualReview.recorded_by,
                       AnnualReview.version)
                .where(AnnualReview.talent_id.in_(chunk), AnnualReview.year.in_(years)))
        for rid, tid, year, result, rdate, remarks, by, version in session.execute(
                stmt.with_for_update() if lock else stmt):
            p = wanted.get((tid, year))
            if p is not None:
                p.stored = (rid, result, rdate, remarks, by, version)


def _batch_consequences(session: Session, planned: list[_Planned]) -> None:
    """``cons`` of each row whose result changes, as recording the rows one by one in order
    would give them: each talent's rows see the results of its earlier rows in the batch
    and the installments as those rows left them. One engine run per grant and row, as
    for a single record; the data it reads comes in a few queries per 900 talents."""
    from talentdesk.services.benefits import grants

    changing = [p for p in planned if p.stored is None or p.stored[1] != p.result]
    tids = sorted({p.talent_id for p in changing})
    installments: dict[int, list[_Open]] = {}
    grant_talent: dict[int, int] = {}
    # the chunk's grants first, then their installments by grant (the grant_id index); the
    # status test on ``status || ''`` keeps SQLite from walking every open installment of the
    # database through the status index for each chunk instead (1.4 s of 29,008 results)
    status = Installment.status.concat("")
    for chunk in _chunks(tids):
        for tid, *cols in session.execute(
                select(BenefitGrant.talent_id, Installment.id, Installment.grant_id, Installment.seq,
                       Installment.due_date, Installment.amount_fen, Installment.status, Installment.status_reason)
                .join(BenefitGrant, Installment.grant_id == BenefitGrant.id)
                .where(Installment.grant_id.in_(select(BenefitGrant.id).where(
                           BenefitGrant.talent_id.in_(chunk), BenefitGrant.status.in_(("proposed", "approved")))),
                       Installment.reverses_id.is_(None),
                       status.in_(OPEN) | ((status == "cancelled") & Installment.status_reason.startswith(REVIEW_MARK)))
                .order_by(Installment.grant_id, Installment.seq, Installment.id)):
            inst = _Open(*cols)
            installments.setdefault(inst.grant_id, []).append(inst)
            grant_talent[inst.grant_id] = tid
    if not installments:
        return
    by_talent: dict[int, list[BenefitGrant]] = {}
    people: list[Talent] = []
    gids = sorted(installments)
    for chunk in _chunks(gids):
        for g in session.execute(select(BenefitGrant).where(BenefitGrant.id.in_(chunk))
                                 .options(selectinload(BenefitGrant.year_facts))).scalars():
            by_talent.setdefault(g.talent_id, []).append(g)
    for chunk in _chunks(sorted(by_talent)):
        people += session.execute(select(Talent).where(Talent.id.in_(chunk))).scalars().all()
    inputs = grants.engine_inputs_many(session, people)
    known = {tid: dict(inputs[tid].reviews) for tid in by_talent}  # the stored results, as the rows go
    for p in planned:
        gs = by_talent.get(p.talent_id)
        if gs is None:
            continue
        if p.stored is None or p.stored[1] != p.result:
            reviews = dict(known[p.talent_id])
            reviews[p.year] = p.result
            p.cons = _decide(inputs[p.talent_id], [(g, installments[g.id]) for g in sorted(gs, key=lambda g: g.id)],
                             p.year, p.result, reviews)
            opened = {i.id: i for g in gs for i in installments[g.id]}
            for c in p.cons:  # as _apply leaves them, for the talent's later rows
                inst = opened[c.installment_id]
                if c.action == "cancel":
                    inst.status, inst.status_reason = "cancelled", REVIEW_MARK + c.reason
                else:
                    inst.status, inst.status_reason = "scheduled", c.reason
        known[p.talent_id][p.year] = p.result


def _write(session: Session, actor: str, planned: list[_Planned], new: list[_Planned],
           inserter: BulkInserter) -> list[audit.Change]:
    """Store the rows (one bulk insert, one executemany update), apply their consequences
    and return the audit changes in row order, as recording them one by one would."""
    from sqlalchemy import bindparam, update

    now = utcnow()
    inserter.insert([(p.review_id, p.talent_id, p.year, p.result, p.review_date, p.remarks, actor) for p in new])
    own: dict[int, audit.Change] = {}  # slot → the row's own event (create / update)
    updates = []
    for p in planned:
        if p.stored is None:
            own[p.slot] = audit.Change("create", "annual_review", p.review_id, p.talent_id, None,
                                       {"year": p.year, "result": p.result, "review_date": p.review_date,
                                        "remarks": p.remarks})
            continue
        _, result, rdate, remarks, by, version = p.stored
        rdate2 = p.review_date if p.review_date is not None else rdate
        remarks2 = p.remarks if p.remarks is not None else remarks
        b, a = audit.diff({"year": p.year, "result": result, "review_date": rdate, "remarks": remarks},
                          {"year": p.year, "result": p.result, "review_date": rdate2, "remarks": remarks2})
        if a:
            own[p.slot] = audit.Change("update", "annual_review", p.review_id, p.talent_id, b, a)
        if a or by != actor:  # what the ORM would have written (recorded_by included)
            updates.append({"b_id": p.review_id, "b_version": version, "b_result": p.result,
                            "b_review_date": rdate2, "b_remarks": remarks2, "b_by": actor, "b_now": now})
    if updates:
        table = AnnualReview.__table__
        done = session.execute(
            update(table).where(table.c.id == bindparam("b_id"), table.c.version == bindparam("b_version"))
            .values(result=bindparam("b_result"), review_date=bindparam("b_review_date"),
                    remarks=bindparam("b_remarks"), recorded_by=bindparam("b_by"), version=table.c.version + 1,
                    updated_at=bindparam("b_now")), updates)
        if session.get_bind().dialect.supports_sane_multi_rowcount and done.rowcount != len(updates):
            raise ConflictError("年度考核记录已被其他用户修改，请刷新后重新保存")
    affected = sorted({c.installment_id for p in planned for c in p.cons})
    loaded = []  # held, so that the identity map keeps them for _apply
    for chunk in _chunks(affected):
        loaded += session.execute(select(Installment).where(Installment.id.in_(chunk))).scalars().all()
    changes: list[audit.Change] = []
    for p in planned:
        if p.slot in own:
            changes.append(own[p.slot])
        changes += _apply(session, p.talent_id, p.cons)
    return changes


def _plan(session: Session, rows: Sequence[dict], numbers: Sequence[int]
          ) -> tuple[list[ReviewRowResult | None], list[_Planned]]:
    """Check every row (the talents looked up in bulk): the results, with the failed rows'
    filled in and a None for each good one, and the good rows."""
    from talentdesk.domain import idcard

    results: list[ReviewRowResult | None] = []
    checked = []
    for n, raw in zip(numbers, rows):
        y, res, d, errors = _check(_pick(raw, "year"), _pick(raw, "result"), _pick(raw, "review_date"))
        idn = values.clean_text(_pick(raw, "id_number"))
        checked.append((n, raw, y, res, d, errors, idn, idcard.normalize(idn) if idn else None))
    people = _talents_by_number(session, {c[7] for c in checked if c[7]})
    seen: dict[tuple[int, int], int] = {}
    planned: list[_Planned] = []
    for n, raw, y, res, d, errors, idn, number in checked:
        t = None
        if not idn:
            errors.insert(0, FieldError("id_number", "身份证号", idn, "身份证号：必须填写"))
        else:
            t = people.get(number)
            if t is None:
                errors.insert(0, FieldError("id_number", "身份证号", idn,
                                            f"身份证号：找不到身份证号为{number}的人才"))
        if not errors and (t[0], y) in seen:
            errors.append(FieldError("year", "考核年度", y, f"考核年度：与第{seen[(t[0], y)]}行重复（同一人同一年度）"))
        if errors:
            results.append(ReviewRowResult(n, False, "；".join(e.message for e in errors),
                                           errors=[e.as_dict() for e in errors]))
            continue
        seen[(t[0], y)] = n
        planned.append(_Planned(n, len(results), t[0], t[1], y, res, d,
                                values.clean_text(_pick(raw, "remarks"))))
        results.append(None)
    return results, planned


def record_many(ctx: ServiceContext, rows: Sequence[dict], *, all_or_nothing: bool = False,
                row_numbers: Sequence[int] | None = None,
                finish: Callable[[Session, int], Any] | None = None) -> ReviewBatch:
    """Many results at once (the grid, the Excel import), one transaction; each row's
    errors are reported (FieldError dicts). Without ``all_or_nothing`` the good rows
    are recorded and the bad ones skipped. ``finish(session, recorded)`` runs inside the
    same transaction before it commits (the importer's batch record).

    The same stored state, consequences and audit events as recording the good rows one
    by one in order (``record``), in a few statements per 900 rows: every row is checked
    first, the talents and stored reviews are read in bulk, the consequences worked out
    in memory (``_batch_consequences``), the new reviews stored by one bulk insert and the
    corrected ones by one executemany UPDATE (issue 20: 29,882 results took 50 s as three
    statements and a flush per row).
    """
    from talentdesk.services.benefits import packs

    permissions.require(ctx, "review.record")
    numbers = list(row_numbers) if row_numbers is not None else list(range(1, len(rows) + 1))
    results: list[ReviewRowResult | None] = []
    try:
        with ctx.write() as session:
            results, planned = _plan(session, rows, numbers)
            _stored_reviews(session, planned)
            # what the result means is the pack's (e.g. Alashankou counts only 优秀/合格 as
            # passing, 第十四条): the engine is asked for every changed result, not only 不合格
            with packs.held():
                _batch_consequences(session, planned)
            new = [p for p in planned if p.stored is None]
            inserter = BulkInserter(session, AnnualReview.__table__, _NEW_COLUMNS,
                                    constants={"version": 1, "created_at": utcnow(), "updated_at": utcnow()})
            for p, rid in zip(new, inserter.next_ids(len(new))):
                p.review_id = rid
            for p in planned:
                if p.stored is not None:
                    p.review_id = p.stored[0]
                msg = f"{p.name}{p.year}年度考核“{p.result}”已{'登记' if p.stored is None else '更新'}"
                if p.cons:
                    msg += f"，{sum(c.action == 'cancel' for c in p.cons)}期待遇取消"
                results[p.slot] = ReviewRowResult(p.number, True, msg, p.review_id, p.cons)
            if all_or_nothing and len(planned) < len(results):
                raise _Abort()
            changes = _write(session, ctx.actor, planned, new, inserter)
            session.flush()
            audit.record_many(session, ctx.actor, changes)
            if finish is not None:
                finish(session, len(planned))
    except _Abort:
        return ReviewBatch(results, False)
    return ReviewBatch(results, True)


def _obligation(year: int):
    """(select of talents under obligation in ``year`` with their start, years, review
    columns) — all in SQL, so the dashboard can count without loading rows.

    Under obligation: start (合同起始日期, else 引进日期) ≤ 31 Dec; start + N years > 1 Jan
    (N: the agreement's required service years, else 合同期限, else 5), i.e. start year + N
    > year, or = year when the start is not 1 January; not departed before 31 Dec.
    Anyone with a result recorded for the year is included as well.
    """
    last = dt.date(year, 12, 31)
    ag = (select(ServiceAgreement.talent_id.label("tid"),
                 func.max(ServiceAgreement.required_service_years).label("years"))
          .group_by(ServiceAgreement.talent_id).subquery())
    dep = (select(Departure.talent_id.label("tid"), func.min(Departure.departed_on).label("on"))
           .group_by(Departure.talent_id).subquery())
    rv = select(AnnualReview).where(AnnualReview.year == year).subquery()
    start = func.coalesce(Talent.contract_start, Talent.introduction_date)
    years = func.coalesce(ag.c.years, Talent.contract_years, DEFAULT_SERVICE_YEARS)
    end_year = func.extract("year", start) + years
    not_jan1 = (func.extract("month", start) > 1) | (func.extract("day", start) > 1)
    under = ((start <= last) & ((end_year > year) | ((end_year == year) & not_jan1))
             & ((dep.c.on.is_(None)) | (dep.c.on > last)))
    cols = (Talent.id, Talent.id_number, Talent.name, Employer.name, start, ag.c.years, Talent.contract_years,
            rv.c.result, rv.c.review_date, rv.c.remarks, rv.c.id, rv.c.version)
    stmt = (select(*cols).select_from(Talent)
            .outerjoin(Employer, Talent.employer_id == Employer.id)
            .outerjoin(ag, ag.c.tid == Talent.id)
            .outerjoin(dep, dep.c.tid == Talent.id)
            .outerjoin(rv, rv.c.talent_id == Talent.id)
            .where(under | rv.c.id.is_not(None)))
    return stmt, rv


def must_review(year: int):
    """THE definition of who must be reviewed for ``year``, as a select of talent ids: the
    年度考核 page, the dashboard card, the 考核汇总报告 and the 考核登记表 all use it (see
    ``_obligation`` for the rule)."""
    stmt, _ = _obligation(year)
    sub = stmt.subquery()
    return select(sub.c.id)


def list_for_year(ctx: ServiceContext, year: int) -> YearReviews:
    """Everyone under a service obligation in ``year`` with their result (None if not yet
    entered), and counts by result (未登记 for the missing). See ``_obligation``."""
    from talentdesk.services.benefits.agreements import end_date

    stmt, _ = _obligation(year)
    stmt = stmt.order_by(Employer.name, Talent.name, Talent.id)
    rows: list[ReviewRow] = []
    with ctx.read() as session:
        for tid, idn, name, emp, start, ag_years, cyears, result, rdate, remarks, rid, version in session.execute(stmt):
            years = ag_years or cyears or DEFAULT_SERVICE_YEARS
            end = end_date(start, Decimal(years)) if start else None
            rows.append(ReviewRow(tid, idn, name, emp, start, end, result, rdate, remarks, rid, version))
    counts = {k: 0 for k in REVIEW_RESULTS}
    counts["未登记"] = 0
    for r in rows:
        counts[r.result or "未登记"] += 1
    return YearReviews(year, rows, counts)


def missing_for_year(ctx: ServiceContext, year: int, *, limit: int = 20) -> tuple[int, list[ReviewRow]]:
    """(how many under obligation have no result for ``year``, the first ``limit`` of them)."""
    from talentdesk.services.benefits.agreements import end_date

    stmt, rv = _obligation(year)
    stmt = stmt.where(rv.c.id.is_(None))
    with ctx.read() as session:
        n = session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
        rows = []
        for tid, idn, name, emp, start, ag_years, cyears, *_ in session.execute(
                stmt.order_by(Employer.name, Talent.name, Talent.id).limit(limit)):
            years = ag_years or cyears or DEFAULT_SERVICE_YEARS
            rows.append(ReviewRow(tid, idn, name, emp, start, end_date(start, Decimal(years)) if start else None,
                                  None, None, None, None, None))
        return int(n), rows


def list_for_talent(ctx: ServiceContext, id_number: str) -> list[ReviewView]:
    from talentdesk.services.benefits import grants

    with ctx.read() as session:
        t = grants.load_talent(session, id_number)
        return [_view(r, t) for r in session.execute(
            select(AnnualReview).where(AnnualReview.talent_id == t.id).order_by(AnnualReview.year)).scalars()]


def delete(ctx: ServiceContext, review_id: int) -> None:
    """Delete a review entered by mistake (installments it cancelled are restored when the
    engine no longer cancels them)."""
    permissions.require(ctx, "review.record")
    with ctx.write() as session:
        r = session.get(AnnualReview, review_id)
        if r is None:
            raise NotFoundError(f"找不到编号为{review_id}的考核记录")
        t = session.get(Talent, r.talent_id)
        changes = [audit.Change("delete", "annual_review", r.id, t.id, _snap(r), None)]
        year = r.year
        session.delete(r)
        session.flush()
        # with the review gone, nothing the review cancelled should stay cancelled
        cons = [c for c in _consequences(session, t, year, "合格") if c.action == "restore"]
        for c in cons:
            c.reason = f"{year}年度考核记录已删除，恢复待发放"
        changes += _apply(session, t.id, cons)
        audit.record_many(session, ctx.actor, changes)
