"""人才开发资金预算与资金测算 (阿拉善盟办法 第四十八条: 各级财政部门应将人才开发资金纳入本级
财政预算，按照实际工作需求，动态保障本级人才引进培养和服务保障等方面的资金投入).

A budget line is one year's appropriation of one funding level (the levels of
``InstallmentFunding.level``: league/banner/city/local) from one source. Lines are set and
amended by a reviewer or an administrator (``budget.write``); every change keeps a history
row (``BudgetAmendment``) and an audit event.

The forecast (资金测算) sets the appropriations against the commitments, per budget year ×
level. The budget year of an installment is the year it is due (as in the 待遇发放台账, so
the 已发放 figures reconcile with that ledger to the fen):

- ``paid``: installments due that year whose money went out (the ledger's 已发放:
  paid, refund due, refunded; reversals subtract);
- ``approved``: open installments (scheduled/proposed/approved/suspended) of approved grants;
- ``proposed``: open installments of grants proposed and not yet approved;
- ``likely``: what the rules engine says talents are entitled to and nobody has proposed
  yet (estimated as if approved on the forecast day); a benefit whose amount or
  eligibility the engine leaves 待定 is never counted as 0 but listed in ``pending``
  with its count and article;
- ``balance``: appropriation − all four; no line: 未编制预算 (no balance, no warning).

Public API::

    set_line(ctx, *, year, level, amount_fen, source=DEFAULT_SOURCE, doc_no=None, note=None) -> BudgetLineView
        (creates the line, or amends the existing one of that year, level and source)
    amend_line(ctx, line_id, *, amount_fen, doc_no=None, note=None, expected_version=None) -> BudgetLineView
    list_lines(ctx, *, years=None) -> list[BudgetLineView]
    line_history(ctx, line_id) -> list[AmendmentView]
    forecast(ctx, first_year, years=4, *, today=None, estimate=True) -> Forecast
    approval_warnings(ctx, grant_id) -> list[str]     # before approving (the GUI asks first)
    approval_warnings_many(ctx, grant_ids) -> list[str]  # several approved together
    approval_question(warnings) -> str                # what the GUI asks
    overcommitment(session, grant_id) -> list[str]    # the one check; grants.approve records it
    export_forecast(ctx, path, first_year, years=4, *, today=None) -> ExportResult
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from talentdesk.domain import docno, money
from talentdesk.domain.errors import FieldError, NotFoundError, ValidationError
from talentdesk.domain.status import FUNDING_LEVELS
from talentdesk.models.base import utcnow
from talentdesk.models.money.budget import BudgetAmendment, BudgetLine
from talentdesk.models.entities import BenefitGrant, Installment, InstallmentFunding, Talent
from talentdesk.services import rows
from talentdesk.services.context import ServiceContext
from talentdesk.services.office import permissions
from talentdesk.services.office.audit import log as audit

ENTITY = "budget_line"
DEFAULT_SOURCE = "人才开发资金"
SOURCES = ("人才开发资金", "上级转移支付", "其他")
BASIS = "阿党人才字〔2023〕2号 第四十八条"
BASIS_TEXT = ("《阿拉善盟人才引进培养和服务保障管理办法（试行）》第四十八条：各级财政部门应将人才开发资金"
              "纳入本级财政预算，按照实际工作需求，动态保障本级人才引进培养和服务保障等方面的资金投入。")
NO_BUDGET = "未编制预算"
# the 待遇发放台账's 已发放 (talentdesk.services.exchange.reports.PAID_STATUSES): money that went out
MONEY_OUT = ("paid", "refund_due", "refunded", "reversed")
# installments still to be paid (talentdesk.services.benefits.grants.OPEN_STATUSES)
OPEN = ("scheduled", "proposed", "approved", "suspended")
LEVEL_ORDER = tuple(FUNDING_LEVELS)


def level_label(level: str) -> str:
    return FUNDING_LEVELS.get(level, level)


def _level_key(level: str) -> tuple:
    return (LEVEL_ORDER.index(level) if level in LEVEL_ORDER else len(LEVEL_ORDER), level)


# ---------------------------------------------------------------- views

@dataclass
class BudgetLineView:
    id: int
    version: int
    year: int
    level: str
    source: str
    amount_fen: int
    doc_no: str | None
    note: str | None
    amendments: int  # changes after the first setting
    updated_at: dt.datetime | None = None

    @property
    def level_label(self) -> str:
        return level_label(self.level)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "version": self.version, "year": self.year, "level": self.level,
                "level_label": self.level_label, "source": self.source, "amount_fen": self.amount_fen,
                "amount": money.yuan(self.amount_fen), "doc_no": self.doc_no, "note": self.note,
                "amendments": self.amendments}


@dataclass
class AmendmentView:
    id: int
    before_fen: int | None
    after_fen: int
    doc_no: str | None
    note: str | None
    recorded_by: str | None
    recorded_at: dt.datetime | None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "before_fen": self.before_fen, "after_fen": self.after_fen, "doc_no": self.doc_no,
                "note": self.note, "recorded_by": self.recorded_by,
                "recorded_at": self.recorded_at.isoformat(timespec="seconds") if self.recorded_at else None}


@dataclass
class ForecastCell:
    year: int
    level: str
    appropriation_fen: int | None  # None: no budget line (未编制预算)
    paid_fen: int = 0
    approved_fen: int = 0
    proposed_fen: int = 0
    likely_fen: int = 0
    likely_count: int = 0  # talent × benefit estimates behind likely_fen

    @property
    def level_label(self) -> str:
        return level_label(self.level)

    @property
    def committed_fen(self) -> int:
        """Paid and approved: what the office is bound to."""
        return self.paid_fen + self.approved_fen

    @property
    def demand_fen(self) -> int:
        return self.committed_fen + self.proposed_fen + self.likely_fen

    @property
    def balance_fen(self) -> int | None:
        return None if self.appropriation_fen is None else self.appropriation_fen - self.demand_fen

    @property
    def over_committed(self) -> bool:
        """Paid + approved exceed the appropriation."""
        return self.appropriation_fen is not None and self.committed_fen > self.appropriation_fen

    @property
    def over_fen(self) -> int:
        """How much paid + approved exceed the appropriation (0 when not over-committed)."""
        return self.committed_fen - self.appropriation_fen if self.over_committed else 0

    @property
    def short(self) -> bool:
        """Everything foreseen (with proposed and likely) exceeds the appropriation."""
        return self.appropriation_fen is not None and self.demand_fen > self.appropriation_fen

    def add(self, other: "ForecastCell") -> None:
        if other.appropriation_fen is not None:
            self.appropriation_fen = (self.appropriation_fen or 0) + other.appropriation_fen
        self.paid_fen += other.paid_fen
        self.approved_fen += other.approved_fen
        self.proposed_fen += other.proposed_fen
        self.likely_fen += other.likely_fen
        self.likely_count += other.likely_count

    def as_dict(self) -> dict[str, Any]:
        return {"year": self.year, "level": self.level, "level_label": self.level_label,
                "appropriation_fen": self.appropriation_fen, "paid_fen": self.paid_fen,
                "approved_fen": self.approved_fen, "proposed_fen": self.proposed_fen,
                "likely_fen": self.likely_fen, "likely_count": self.likely_count,
                "committed_fen": self.committed_fen, "balance_fen": self.balance_fen,
                "over_committed": self.over_committed, "over_fen": self.over_fen, "short": self.short,
                "budgeted": self.appropriation_fen is not None}


@dataclass
class PendingItem:
    """Talents the engine may entitle to a benefit whose amount or eligibility is 待定."""
    benefit_code: str
    benefit_name: str
    kind: str  # "amount" (金额待定: 一事一议 …) / "eligibility" (资格待定: a fact is missing)
    count: int
    basis: list[str] = field(default_factory=list)
    example: str = ""  # one reason, as the engine gives it

    @property
    def kind_label(self) -> str:
        return "金额待定" if self.kind == "amount" else "资格待定"

    @property
    def text(self) -> str:
        cite = f"（{'；'.join(self.basis[:2])}）" if self.basis else ""
        return f"{self.benefit_name}{self.kind_label}{self.count}人{cite}"

    def as_dict(self) -> dict[str, Any]:
        return {"benefit_code": self.benefit_code, "benefit_name": self.benefit_name, "kind": self.kind,
                "kind_label": self.kind_label, "count": self.count, "basis": list(self.basis),
                "example": self.example}


@dataclass
class Forecast:
    first_year: int
    years: list[int]
    levels: list[str]
    cells: list[ForecastCell]
    pending: list[PendingItem]
    as_of: dt.date
    estimated: bool  # whether the engine's estimate (likely) was run
    talents_evaluated: int = 0

    def cell(self, year: int, level: str) -> ForecastCell:
        for c in self.cells:
            if c.year == year and c.level == level:
                return c
        return ForecastCell(year, level, None)

    def total(self, year: int) -> ForecastCell:
        out = ForecastCell(year, "", None)
        for c in self.cells:
            if c.year == year:
                out.add(c)
        return out

    @property
    def warnings(self) -> list[str]:
        return [f"{c.year}年{c.level_label}已批准和已发放{money.yuan(c.committed_fen)}元，"
                f"超出预算{money.yuan(c.over_fen)}元"
                for c in self.cells if c.over_committed]

    def as_dict(self) -> dict[str, Any]:
        return {"first_year": self.first_year, "years": list(self.years), "levels": list(self.levels),
                "as_of": self.as_of.isoformat(), "estimated": self.estimated,
                "talents_evaluated": self.talents_evaluated, "basis": BASIS,
                "cells": [c.as_dict() for c in self.cells],
                "totals": [self.total(y).as_dict() for y in self.years],
                "pending": [p.as_dict() for p in self.pending], "warnings": self.warnings}


# ---------------------------------------------------------------- lines

def _view(line: BudgetLine, amendments: int) -> BudgetLineView:
    return BudgetLineView(line.id, line.version, line.year, line.level, line.source, line.amount_fen, line.doc_no,
                          line.note, amendments, line.updated_at)


def _snapshot(line: BudgetLine) -> dict[str, Any]:
    return {"year": line.year, "level": line.level, "source": line.source, "amount_fen": line.amount_fen,
            "doc_no": line.doc_no, "note": line.note}


def _text(value: str | None) -> str | None:
    text = (value or "").strip()
    return text or None


def _check(year: int | None, level: str | None, amount_fen: int | None, source: str | None,
           doc_no: str | None) -> str | None:
    errors: list[FieldError] = []
    if year is not None and not (2000 <= int(year) <= 2100):
        errors.append(FieldError("year", "年度", year, f"年度：{year}不是有效的预算年度"))
    if level is not None and level not in FUNDING_LEVELS:
        errors.append(FieldError("level", "资金层级", level,
                                 f"资金层级：“{level}”无效，可选：{'、'.join(FUNDING_LEVELS.values())}"))
    if amount_fen is None or not isinstance(amount_fen, int) or amount_fen < 0:
        errors.append(FieldError("amount_fen", "预算金额", amount_fen, "预算金额：必须填写，且不能为负数"))
    if source is not None and (not source.strip() or len(source.strip()) > 40):
        errors.append(FieldError("source", "资金来源", source, "资金来源：必须填写，不超过40个字"))
    cleaned = None
    try:
        cleaned = docno.check(doc_no, field="doc_no", label="文号", example="阿财预〔2026〕12号")
    except ValidationError as exc:
        errors.extend(exc.errors)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _amend(session: Session, ctx: ServiceContext, line: BudgetLine, amount_fen: int, doc_no: str | None,
           note: str | None) -> BudgetLineView:
    before = _snapshot(line)
    old = line.amount_fen
    line.amount_fen = amount_fen
    if doc_no is not None:
        line.doc_no = doc_no
    if note is not None:
        line.note = note
    line.amendments.append(BudgetAmendment(before_fen=old, after_fen=amount_fen, doc_no=doc_no, note=note,
                                           recorded_by=ctx.actor, recorded_at=utcnow()))
    session.flush()
    b, a = audit.diff(before, _snapshot(line))
    audit.record(session, ctx.actor, "amend", ENTITY, line.id, before=b, after=a)
    return _view(line, len(line.amendments) - 1)


def set_line(ctx: ServiceContext, *, year: int, level: str, amount_fen: int, source: str | None = None,
             doc_no: str | None = None, note: str | None = None) -> BudgetLineView:
    """Set the appropriation of (year, level, source); an existing line is amended (history kept)."""
    permissions.require(ctx, "budget.write")
    source = _text(source) or DEFAULT_SOURCE
    doc = _check(year, level, amount_fen, source, doc_no)
    note = _text(note)
    with ctx.write() as session:
        line = session.execute(select(BudgetLine).where(BudgetLine.year == int(year), BudgetLine.level == level,
                                                        BudgetLine.source == source)).scalar_one_or_none()
        if line is not None:
            return _amend(session, ctx, line, amount_fen, doc, note)
        line = BudgetLine(year=int(year), level=level, source=source, amount_fen=amount_fen, doc_no=doc, note=note)
        line.amendments.append(BudgetAmendment(before_fen=None, after_fen=amount_fen, doc_no=doc, note=note,
                                               recorded_by=ctx.actor, recorded_at=utcnow()))
        session.add(line)
        session.flush()
        audit.record(session, ctx.actor, "create", ENTITY, line.id, after=_snapshot(line))
        return _view(line, 0)


def _load(session: Session, line_id: int, expected_version: int | None = None) -> BudgetLine:
    return rows.load_for_change(session, BudgetLine, line_id, what="预算", expected_version=expected_version,
                                changed=lambda line: f"{line.year}年{level_label(line.level)}预算（{line.source}）")


def amend_line(ctx: ServiceContext, line_id: int, *, amount_fen: int, doc_no: str | None = None,
               note: str | None = None, expected_version: int | None = None) -> BudgetLineView:
    """Amend (调整) a line's appropriation; the change is kept in its history."""
    permissions.require(ctx, "budget.write")
    doc = _check(None, None, amount_fen, None, doc_no)
    with ctx.write() as session:
        line = _load(session, line_id, expected_version)
        return _amend(session, ctx, line, amount_fen, doc, _text(note))


def list_lines(ctx: ServiceContext, *, years: Iterable[int] | None = None) -> list[BudgetLineView]:
    n = (select(BudgetAmendment.line_id, func.count(BudgetAmendment.id).label("n"))
         .group_by(BudgetAmendment.line_id).subquery())
    stmt = select(BudgetLine, func.coalesce(n.c.n, 0)).outerjoin(n, n.c.line_id == BudgetLine.id)
    if years is not None:
        stmt = stmt.where(BudgetLine.year.in_([int(y) for y in years]))
    with ctx.read() as session:
        rows = [_view(line, max(int(k) - 1, 0)) for line, k in session.execute(stmt)]
    return sorted(rows, key=lambda v: (v.year, _level_key(v.level),
                                       SOURCES.index(v.source) if v.source in SOURCES else len(SOURCES), v.source))


def line_history(ctx: ServiceContext, line_id: int) -> list[AmendmentView]:
    with ctx.read() as session:
        line = _load(session, line_id)
        return [AmendmentView(a.id, a.before_fen, a.after_fen, a.doc_no, a.note, a.recorded_by, a.recorded_at)
                for a in line.amendments]


# ---------------------------------------------------------------- figures (set-based SQL)

def _year(col):
    return func.extract("year", col)


def _appropriations(session: Session, years: list[int]) -> dict[tuple[int, str], int]:
    rows = session.execute(select(BudgetLine.year, BudgetLine.level, func.sum(BudgetLine.amount_fen))
                           .where(BudgetLine.year.in_(years)).group_by(BudgetLine.year, BudgetLine.level))
    return {(int(y), lv): int(s) for y, lv, s in rows}


def _commitments(session: Session, years: list[int], *, except_grants: Iterable[int] = ()
                 ) -> dict[tuple[int, str], tuple[int, int, int]]:
    """(year, level) → (paid, approved open, proposed open), by due year; ``except_grants``
    are left out of approved and proposed (the grants being approved are added by the caller)."""
    I, G, F = Installment, BenefitGrant, InstallmentFunding
    skip = sorted({int(g) for g in except_grants})
    other = G.id.not_in(skip) if skip else True
    y = _year(I.due_date)
    stmt = (select(y, F.level,
                   func.coalesce(func.sum(case((I.status.in_(MONEY_OUT), F.amount_fen), else_=0)), 0),
                   func.coalesce(func.sum(case(((G.status == "approved") & I.status.in_(OPEN) & other,
                                                F.amount_fen), else_=0)), 0),
                   func.coalesce(func.sum(case(((G.status == "proposed") & I.status.in_(OPEN) & other,
                                                F.amount_fen), else_=0)), 0))
            .select_from(F).join(I, F.installment_id == I.id).join(G, I.grant_id == G.id)
            .where(I.due_date >= dt.date(min(years), 1, 1), I.due_date <= dt.date(max(years), 12, 31))
            .group_by(y, F.level))
    return {(int(yr), lv): (int(p), int(a), int(q)) for yr, lv, p, a, q in session.execute(stmt)}


def _grants_open(session: Session, grant_ids: list[int]) -> dict[tuple[int, str], int]:
    I, F = Installment, InstallmentFunding
    y = _year(I.due_date)
    stmt = (select(y, F.level, func.sum(F.amount_fen)).select_from(F).join(I, F.installment_id == I.id)
            .where(I.grant_id.in_(grant_ids), I.status.in_(OPEN)).group_by(y, F.level))
    return {(int(yr), lv): int(s) for yr, lv, s in session.execute(stmt) if s}


def _overcommitment(session: Session, grant_ids: Iterable[int]) -> list[str]:
    ids = sorted({int(g) for g in grant_ids})
    mine = _grants_open(session, ids) if ids else {}
    if not mine:
        return []
    years = sorted({y for y, _ in mine})
    appropriation = _appropriations(session, years)
    committed = _commitments(session, years, except_grants=ids)
    out = []
    for (year, level), amount in sorted(mine.items(), key=lambda kv: (kv[0][0], _level_key(kv[0][1]))):
        if (year, level) not in appropriation:
            continue
        paid, approved, _ = committed.get((year, level), (0, 0, 0))
        over = paid + approved + amount - appropriation[(year, level)]
        if over > 0:
            out.append(f"超出{year}年{level_label(level)}预算{money.yuan(over)}元")
    return out


def overcommitment(session: Session, grant_id: int) -> list[str]:
    """The one over-commitment check: approving ``grant_id`` would make paid + approved
    exceed a year's appropriation for a level → "超出2026年盟级预算1,200.00元" per year
    and level. No budget line for that year and level: no warning (the 资金测算 says
    未编制预算). Whether the grant is still proposed or already approved, it is counted once."""
    return _overcommitment(session, [grant_id])


def approval_warnings(ctx: ServiceContext, grant_id: int) -> list[str]:
    """What approving the grant would overspend (read-only; the GUI shows it before confirming)."""
    return approval_warnings_many(ctx, [grant_id])


def approval_warnings_many(ctx: ServiceContext, grant_ids: Iterable[int]) -> list[str]:
    """What approving all of ``grant_ids`` together would overspend, per year and level
    (the 待遇审批 list approves several at once; read-only, before confirming)."""
    ids = [int(g) for g in grant_ids]
    with ctx.read() as session:
        found = set(session.execute(select(BenefitGrant.id).where(BenefitGrant.id.in_(ids))).scalars()) if ids else set()
        missing = [g for g in ids if g not in found]
        if missing:
            raise NotFoundError(f"找不到编号为{missing[0]}的待遇申请")
        return _overcommitment(session, ids)


def approval_question(warnings: list[str]) -> str:
    """The question the GUI asks before approving when ``warnings`` is not empty (第四十八条)."""
    return (f"批准后将超出预算（{BASIS}）：\n" + "\n".join(warnings)
            + "\n\n超出部分须追加或调整预算。仍然批准吗？（警告将记入审计记录）")


# ---------------------------------------------------------------- forecast

def _estimate(session: Session, years: list[int], today: dt.date
              ) -> tuple[dict[tuple[int, str], list[int]], list[PendingItem], int]:
    """The engine's answers for active talents on benefits nobody proposed: (year, level) →
    [fen, count], the 待定 ones by benefit, and how many talents were evaluated."""
    from talentdesk.services.benefits import grants
    from talentdesk.services.office import settings

    office = settings.read_settings(session)
    taken: dict[int, set[str]] = {}
    for tid, code in session.execute(select(BenefitGrant.talent_id, BenefitGrant.benefit_code)
                                     .where(BenefitGrant.status != "rejected").distinct()):
        taken.setdefault(tid, set()).add(code)
    ids = list(session.execute(select(Talent.id).where(Talent.status == "active").order_by(Talent.id)).scalars())
    likely: dict[tuple[int, str], list[int]] = {}
    pending: dict[tuple[str, str], PendingItem] = {}
    wanted = set(years)
    for k in range(0, len(ids), 900):
        people = list(session.execute(select(Talent).where(Talent.id.in_(ids[k:k + 900]))).scalars())
        inputs = grants.engine_inputs_many(session, people, office=office)
        for tid, inp in inputs.items():
            try:
                ev = grants.run_engine(inp, approved_on=today, as_of=today, new_support=True)
            except Exception:  # noqa: BLE001 - an unknown policy id: nothing to estimate for this talent
                continue
            for r in ev.benefits:
                if r.code in taken.get(tid, ()) or r.in_kind is not None:
                    continue
                if r.status == "eligible" and r.total_fen is not None and r.installments and not r.pending:
                    seen: set[tuple[int, str]] = set()
                    for inst in r.installments:
                        if inst.status == "cancelled" or inst.due.year not in wanted:
                            continue
                        for level, fen in inst.funding.items():
                            slot = likely.setdefault((inst.due.year, level), [0, 0])
                            slot[0] += fen
                            if (inst.due.year, level) not in seen:
                                seen.add((inst.due.year, level))
                                slot[1] += 1
                elif r.status in ("eligible", "undetermined"):
                    kind = "amount" if r.status == "eligible" else "eligibility"
                    item = pending.setdefault((r.code, kind), PendingItem(r.code, r.name, kind, 0, [], ""))
                    item.count += 1
                    for b in r.basis:
                        if b not in item.basis:
                            item.basis.append(b)
                    if not item.example:
                        item.example = "；".join((r.pending or r.reasons)[:1])
    items = sorted(pending.values(), key=lambda p: (p.benefit_code, p.kind))
    return likely, items, len(ids)


def forecast(ctx: ServiceContext, first_year: int, years: int = 4, *, today: dt.date | None = None,
             estimate: bool = True) -> Forecast:
    """Appropriation against paid, approved, proposed and likely for ``years`` budget years
    from ``first_year``, per funding level (levels with a line or a figure)."""
    if years < 1 or years > 10:
        raise ValidationError([FieldError("years", "年数", years, "测算年数：1至10年")])
    today = today or dt.date.today()
    span = list(range(int(first_year), int(first_year) + int(years)))
    with ctx.read() as session:
        appropriation = _appropriations(session, span)
        committed = _commitments(session, span)
        likely, pending, n = _estimate(session, span, today) if estimate else ({}, [], 0)
    levels = sorted({lv for _, lv in appropriation} | {lv for _, lv in committed} | {lv for _, lv in likely},
                    key=_level_key)
    cells = []
    for year in span:
        for level in levels:
            paid, approved, proposed = committed.get((year, level), (0, 0, 0))
            fen, count = likely.get((year, level), (0, 0))
            cells.append(ForecastCell(year, level, appropriation.get((year, level)), paid, approved, proposed,
                                      fen, count))
    return Forecast(int(first_year), span, levels, cells, pending, today, estimate, n)


# ---------------------------------------------------------------- workbook

@dataclass
class ExportResult:
    path: Path
    rows: int
    warnings: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {"path": str(self.path), "rows": self.rows, "warnings": list(self.warnings)}


COLUMNS = ("资金层级", "预算（元）", "已发放（元）", "已批准未发放（元）", "已申报未批准（元）",
           "测算应享未申报（元）", "结余（元）", "说明")


def _row(c: ForecastCell) -> list[Any]:
    note = NO_BUDGET if c.appropriation_fen is None else ("已批准和已发放超出预算" if c.over_committed else
                                                          ("测算总需求超出预算" if c.short else ""))
    if c.likely_count:
        note = "；".join(x for x in (note, f"测算{c.likely_count}人次") if x)
    return [c.level_label or "合计", c.appropriation_fen, c.paid_fen, c.approved_fen, c.proposed_fen,
            c.likely_fen, c.balance_fen, note]


def export_forecast(ctx: ServiceContext, path: str | os.PathLike, first_year: int, years: int = 4, *,
                    today: dt.date | None = None) -> ExportResult:
    """The 资金测算 workbook: one sheet per budget year (levels as rows, the figures as
    columns, a 合计 row), and a 待定 sheet; amounts in yuan with two decimals. Audited."""
    import xlsxwriter

    from talentdesk.fileio import atomic_path

    permissions.require(ctx, "export")
    fc = forecast(ctx, first_year, years, today=today)
    path = Path(path)
    rows = 0
    with atomic_path(path, what="资金测算表") as tmp:
        wb = xlsxwriter.Workbook(str(tmp))
        head = wb.add_format({"bold": True, "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True})
        title = wb.add_format({"bold": True, "font_size": 14})
        num = wb.add_format({"num_format": "#,##0.00", "border": 1})
        txt = wb.add_format({"border": 1})
        red = wb.add_format({"num_format": "#,##0.00", "border": 1, "font_color": "#c00000", "bold": True})
        bold_num = wb.add_format({"num_format": "#,##0.00", "border": 1, "bold": True})
        for year in fc.years:
            ws = wb.add_worksheet(f"{year}年")
            ws.write(0, 0, f"{year}年人才开发资金测算", title)
            ws.write(1, 0, f"测算日期：{fc.as_of}；依据：{BASIS}；年度按各期应发日期归属")
            for j, name in enumerate(COLUMNS):
                ws.write(2, j, name, head)
            ws.set_column(0, 0, 14)
            ws.set_column(1, 6, 18)
            ws.set_column(7, 7, 34)
            r = 3
            for c in [fc.cell(year, lv) for lv in fc.levels] + [fc.total(year)]:
                total = not c.level
                for j, v in enumerate(_row(c)):
                    if isinstance(v, int):
                        fmt = red if (j == 6 and v < 0) else (bold_num if total else num)
                        ws.write_number(r, j, v / 100, fmt)
                    else:
                        ws.write(r, j, "" if v is None else v, txt)
                r += 1
                rows += 1
        ws = wb.add_worksheet("待定")
        ws.write(0, 0, "测算中金额或资格待定的待遇（不计入金额，须待办公室决定）", title)
        for j, name in enumerate(("待遇项目", "待定类型", "人数", "依据", "示例原因")):
            ws.write(1, j, name, head)
        ws.set_column(0, 1, 14)
        ws.set_column(3, 4, 50)
        for i, p in enumerate(fc.pending, start=2):
            ws.write_row(i, 0, [p.benefit_name, p.kind_label, p.count, "；".join(p.basis), p.example], txt)
            rows += 1
        wb.close()
    with ctx.write() as session:
        audit.record(session, ctx.actor, "export", "budget_forecast", str(first_year),
                     after={"file": path.name, "first_year": first_year, "years": years, "rows": rows})
    return ExportResult(path, rows, fc.warnings)
