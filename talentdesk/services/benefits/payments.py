"""Installments and payments (发放): list, propose, approve, record paid, confirm from
Excel, reverse, suspend/resume.

Installment lifecycle (codes in ``talentdesk.domain.status.INSTALLMENT_STATUS``)::

    scheduled ─ propose (clerk) → proposed
    proposed  ─ approve (reviewer ≠ proposer) → approved
    approved  ─ record_paid / confirm_many (paid date, voucher) → paid

    propose, approve, record_paid and confirm_many each act on ``decide`` (the rules
    engine's answer, ``talentdesk.rules.payability``): propose/approve cover the
    installments due within the month of the day (按月提交、审核), paying needs the paid
    date on or after the due date (or ``pay_before_due_days`` earlier, an office setting),
    and the engine must say the installment is payable then. No rule lives here.
    paid      ─ reverse (reason) → stays paid; a NEW entry status ``reversed`` with the
                negative amount and ``reverses_id`` pointing at it (both show in ledgers)
    scheduled/proposed/approved ─ suspend → suspended ─ resume → scheduled
    any open one ─ review 不合格 / departure / grant cancelled → cancelled

A paid installment is never edited. Net money paid = sum of ``paid`` + ``reversed``
entries (reversals are negative).

Public API::

    list_installments(ctx, *, month=None, date_from=None, date_to=None, funding_level=None,
                      status=None, benefit_code=None, talent=None, grant_id=None,
                      limit=None, offset=0) -> list[InstallmentRow]
    count_installments(ctx, **same filters) -> (count, amount_fen)
    decide(session, [(installment, grant)], action, on) -> {id: payability.Answer}   # THE decision
    may_pay(session, installment, grant, paid_date) -> payability.Answer   # decide(…, "pay", …) for one
    check(ctx, installment_ids, *, as_of=None) -> list[ItemResult]   # would propose succeed?
    propose(ctx, installment_ids, *, as_of=None) -> BatchResult
    approve(ctx, installment_ids, *, as_of=None) -> BatchResult
    reject(ctx, installment_ids, reason) -> BatchResult      # proposed/approved → scheduled
    record_paid(ctx, installment_id, paid_date, voucher_no) -> InstallmentRow
    confirm_many(ctx, rows, *, all_or_nothing=True, finish=None) -> ConfirmResult  # rows name an installment
    reverse(ctx, installment_id, reason, *, reversed_on=None, voucher_no=None) -> InstallmentRow
    suspend(ctx, installment_ids, reason) / resume(ctx, installment_ids) -> BatchResult
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session, aliased, selectinload

from talentdesk.domain import money, values
from talentdesk.domain.errors import ConflictError, FieldError, NotFoundError, ValidationError
from talentdesk.domain.status import FUNDING_LEVELS, INSTALLMENT_STATUS
from talentdesk.models.entities import (BenefitGrant, Employer, Installment, InstallmentFunding,
                                        Talent)
from talentdesk.models.duties.platform import Platform
from talentdesk.rules import payability
from talentdesk.services.office import permissions
from talentdesk.services.office.audit import log as audit
from talentdesk.services.context import ServiceContext
from talentdesk.services.benefits.grants import PAID_STATUSES, review_years
from talentdesk.services.benefits import org_grants


@dataclass
class InstallmentRow:
    """One installment with what a ledger or the 发放 page shows."""
    id: int
    grant_id: int
    seq: int
    talent_id: int
    talent_name: str
    id_number: str
    employer: str | None
    policy_id: str
    benefit_code: str
    benefit_name: str | None
    grant_status: str
    approval_doc_no: str | None
    due_date: dt.date
    amount_fen: int
    funding: dict[str, int]
    condition: str | None
    status: str
    status_reason: str | None
    paid_date: dt.date | None
    voucher_no: str | None
    proposed_by: str | None
    approved_by: str | None
    reverses_id: int | None
    review_year: int | None = None
    version: int = 1

    @property
    def status_label(self) -> str:
        return INSTALLMENT_STATUS.get(self.status, self.status)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "grant_id": self.grant_id, "seq": self.seq, "talent_id": self.talent_id,
                "姓名": self.talent_name, "身份证号": self.id_number, "用人单位": self.employer,
                "policy_id": self.policy_id, "benefit_code": self.benefit_code, "待遇项目": self.benefit_name,
                "grant_status": self.grant_status, "approval_doc_no": self.approval_doc_no,
                "due_date": self.due_date.isoformat(), "amount_fen": self.amount_fen,
                "amount": money.yuan(self.amount_fen), "funding": dict(self.funding),
                "funding_labels": {FUNDING_LEVELS.get(k, k): v for k, v in self.funding.items()},
                "condition": self.condition, "status": self.status, "status_label": self.status_label,
                "status_reason": self.status_reason,
                "paid_date": self.paid_date.isoformat() if self.paid_date else None,
                "voucher_no": self.voucher_no, "proposed_by": self.proposed_by, "approved_by": self.approved_by,
                "reverses_id": self.reverses_id, "review_year": self.review_year}


@dataclass
class ItemResult:
    installment_id: int
    ok: bool
    message: str  # Chinese: what was done, or why it was refused (with the articles)
    verdict: str = "yes"  # the decision's yes / no / pending (待定)
    articles: list[str] = field(default_factory=list)

    @property
    def pending(self) -> bool:
        return self.verdict == payability.PENDING

    def as_dict(self) -> dict:
        return {"installment_id": self.installment_id, "ok": self.ok, "message": self.message,
                "verdict": self.verdict, "articles": list(self.articles)}


@dataclass
class BatchResult:
    """Per-installment outcome of a batch action; the done ones were committed together."""
    results: list[ItemResult] = field(default_factory=list)

    @property
    def done(self) -> list[int]:
        return [r.installment_id for r in self.results if r.ok]

    @property
    def refused(self) -> list[ItemResult]:
        return [r for r in self.results if not r.ok]

    def as_dict(self) -> dict:
        return {"done": self.done, "refused": [r.as_dict() for r in self.refused],
                "results": [r.as_dict() for r in self.results]}


@dataclass
class RowResult:
    row: int  # 1-based row number as given (Excel row numbers if the caller passes them)
    ok: bool
    installment_id: int | None
    message: str
    errors: list[dict] = field(default_factory=list)  # FieldError.as_dict() items
    changed: bool = True  # False: the installment was already paid under this voucher (已登记，未改动)

    def as_dict(self) -> dict:
        return {"row": self.row, "ok": self.ok, "installment_id": self.installment_id, "message": self.message,
                "errors": list(self.errors), "changed": self.changed}


@dataclass
class ConfirmResult:
    rows: list[RowResult]
    committed: bool  # False: all_or_nothing and some row had an error → nothing written

    @property
    def confirmed(self) -> int:
        """Installments newly recorded paid."""
        return sum(1 for r in self.rows if r.ok and r.changed) if self.committed else 0

    @property
    def unchanged(self) -> int:
        """Rows naming an installment already paid under the same voucher."""
        return sum(1 for r in self.rows if r.ok and not r.changed)

    @property
    def errors(self) -> int:
        return sum(1 for r in self.rows if not r.ok)

    def as_dict(self) -> dict:
        return {"committed": self.committed, "confirmed": self.confirmed, "unchanged": self.unchanged,
                "errors": self.errors, "rows": [r.as_dict() for r in self.rows]}


# ---------------------------------------------------------------- helpers

# A grant's beneficiary is a talent, an employer or a platform (migration 0017): the
# name column is the talent's or the organisation's, the ID number the talent's (the
# employer's 统一社会信用代码, blank for a platform), the employer the talent's, the
# employer itself, or the platform's host.
_ORG = aliased(Employer, name="org_employer")
_HOST = aliased(Employer, name="host_employer")
BENEFICIARY_NAME = func.coalesce(Talent.name, _ORG.name, Platform.name)
BENEFICIARY_ID = func.coalesce(Talent.id_number, _ORG.uscc, literal(""))
BENEFICIARY_EMPLOYER = func.coalesce(Employer.name, _ORG.name, _HOST.name)


def with_beneficiary(stmt):
    """``stmt`` (selecting from BenefitGrant) outer-joined to the beneficiary's tables, so
    that ``BENEFICIARY_NAME`` / ``BENEFICIARY_ID`` / ``BENEFICIARY_EMPLOYER`` can be selected."""
    return (stmt.outerjoin(Talent, BenefitGrant.talent_id == Talent.id)
            .outerjoin(Employer, Talent.employer_id == Employer.id)
            .outerjoin(_ORG, BenefitGrant.employer_id == _ORG.id)
            .outerjoin(Platform, BenefitGrant.platform_id == Platform.id)
            .outerjoin(_HOST, Platform.employer_id == _HOST.id))


_COLS = (Installment, BenefitGrant, BENEFICIARY_NAME, BENEFICIARY_ID, BENEFICIARY_EMPLOYER)


def _base():
    return (with_beneficiary(select(*_COLS).join(BenefitGrant, Installment.grant_id == BenefitGrant.id))
            .options(selectinload(Installment.funding)))


def _row(inst: Installment, g: BenefitGrant, name: str, id_number: str, employer: str | None) -> InstallmentRow:
    review_year = review_years(g).get(inst.seq) if inst.reverses_id is None else None
    return InstallmentRow(inst.id, inst.grant_id, inst.seq, g.talent_id, name, id_number, employer, g.policy_id,
                          g.benefit_code, g.benefit_name, g.status, g.approval_doc_no, inst.due_date,
                          inst.amount_fen, {f.level: f.amount_fen for f in inst.funding}, inst.condition,
                          inst.status, inst.status_reason, inst.paid_date, inst.voucher_no, inst.proposed_by,
                          inst.approved_by, inst.reverses_id, review_year, inst.version)


def _month_range(month: Any) -> tuple[dt.date, dt.date]:
    """"2025-03" / (2025, 3) / a date → (first day, last day)."""
    if isinstance(month, dt.date):
        y, m = month.year, month.month
    elif isinstance(month, tuple):
        y, m = month
    else:
        d = values.parse_date(str(month), allow_month=True)
        if d is None:
            raise ValidationError([FieldError("month", "月份", month, f"月份：“{month}”无法识别，应写成 2025-03")])
        y, m = d.year, d.month
    first = dt.date(y, m, 1)
    nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
    return first, nxt - dt.timedelta(days=1)


def _filters(session: Session, stmt, *, month=None, date_from=None, date_to=None, funding_level=None, status=None,
             benefit_code=None, talent=None, grant_id=None):
    if month is not None:
        first, last = _month_range(month)
        stmt = stmt.where(Installment.due_date >= first, Installment.due_date <= last)
    if date_from is not None:
        stmt = stmt.where(Installment.due_date >= date_from)
    if date_to is not None:
        stmt = stmt.where(Installment.due_date <= date_to)
    if status:
        stmt = stmt.where(Installment.status.in_([status] if isinstance(status, str) else list(status)))
    if benefit_code:
        stmt = stmt.where(BenefitGrant.benefit_code == benefit_code)
    if funding_level:
        stmt = stmt.where(select(InstallmentFunding.id).where(
            InstallmentFunding.installment_id == Installment.id,
            InstallmentFunding.level == funding_level).exists())
    if talent:
        from talentdesk.services.benefits.grants import load_talent

        stmt = stmt.where(BenefitGrant.talent_id == load_talent(session, talent).id)
    if grant_id is not None:
        stmt = stmt.where(Installment.grant_id == grant_id)
    return stmt


_LIST_COLS = (Installment.id, Installment.grant_id, Installment.seq, BenefitGrant.talent_id, BENEFICIARY_NAME,
              BENEFICIARY_ID, BENEFICIARY_EMPLOYER, BenefitGrant.policy_id, BenefitGrant.benefit_code,
              BenefitGrant.benefit_name, BenefitGrant.status, BenefitGrant.approval_doc_no, Installment.due_date,
              Installment.amount_fen, Installment.condition, Installment.status, Installment.status_reason,
              Installment.paid_date, Installment.voucher_no, Installment.proposed_by, Installment.approved_by,
              Installment.reverses_id, Installment.version)
_REVIEW_YEAR = re.compile(r"(\d{4})年度考核")
_NOT_YET_PAID = {"scheduled", "proposed", "approved", "suspended"}


def _funding_of(session: Session, ids: list[int]) -> dict[int, dict[str, int]]:
    out: dict[int, dict[str, int]] = {}
    for k in range(0, len(ids), 5000):
        chunk = ids[k:k + 5000]
        for iid, level, amount in session.execute(
                select(InstallmentFunding.installment_id, InstallmentFunding.level, InstallmentFunding.amount_fen)
                .where(InstallmentFunding.installment_id.in_(chunk)).order_by(InstallmentFunding.id)):
            out.setdefault(iid, {})[level] = amount
    return out


def list_installments(ctx: ServiceContext, *, month: Any = None, date_from: dt.date | None = None,
                      date_to: dt.date | None = None, funding_level: str | None = None,
                      status: str | Sequence[str] | None = None, benefit_code: str | None = None,
                      talent: str | None = None, grant_id: int | None = None, limit: int | None = None,
                      offset: int = 0) -> list[InstallmentRow]:
    """Installments by due date (then talent), with talent, employer, benefit, funding split.

    ``month``: "2025-03", (2025, 3) or a date in the month; ``talent``: ID number;
    ``status``: one code or several; ``funding_level``: league/banner/city/local.
    Reads plain columns (no ORM objects): ~30k rows a second.
    """
    base = with_beneficiary(select(*_LIST_COLS).join(BenefitGrant, Installment.grant_id == BenefitGrant.id))
    with ctx.read() as session:
        filters = dict(month=month, date_from=date_from, date_to=date_to, funding_level=funding_level, status=status,
                       benefit_code=benefit_code, talent=talent, grant_id=grant_id)
        statuses = {status} if isinstance(status, str) else set(status or ())
        if statuses and statuses <= _NOT_YET_PAID and talent is None and grant_id is None:
            # only open installments (a small share of all): pick them by the status/due-date index
            # first; SQLite otherwise walks every grant's installments to sort by name (1 s of the
            # 首页 at 100,000 talents, issue 20)
            inner = _filters(session, select(Installment.id).join(BenefitGrant, Installment.grant_id == BenefitGrant.id),
                             **filters)
            stmt = base.where(Installment.id.in_(inner))
        else:
            stmt = _filters(session, base, **filters)
        stmt = stmt.order_by(Installment.due_date, BENEFICIARY_NAME, Installment.id).offset(offset)
        if limit is not None:
            stmt = stmt.limit(limit)
        rows = session.execute(stmt).all()
        funding = _funding_of(session, [r[0] for r in rows])
    out = []
    for r in rows:
        (iid, gid, seq, tid, name, idn, emp, pid, code, bname, gstatus, doc, due, amount, cond, status_, reason,
         paid, voucher, pby, aby, rev, version) = r
        m = _REVIEW_YEAR.search(cond) if cond and rev is None else None
        out.append(InstallmentRow(iid, gid, seq, tid, name, idn, emp, pid, code, bname, gstatus, doc, due, amount,
                                  funding.get(iid, {}), cond, status_, reason, paid, voucher, pby, aby, rev,
                                  int(m.group(1)) if m else None, version))
    return out


def count_installments(ctx: ServiceContext, **filters: Any) -> tuple[int, int]:
    """(number, total amount fen) for the same filters as ``list_installments``."""
    stmt = (select(func.count(Installment.id), func.coalesce(func.sum(Installment.amount_fen), 0))
            .join(BenefitGrant, Installment.grant_id == BenefitGrant.id))
    with ctx.read() as session:
        stmt = _filters(session, stmt, **filters)
        n, total = session.execute(stmt).one()
        return int(n), int(total)


def _load_many(session: Session, ids: Iterable[int]) -> dict[int, tuple]:
    ids = list(dict.fromkeys(int(i) for i in ids))
    # the grants' service-year facts in one query (``decide`` reads them for every grant)
    stmt = _base().where(Installment.id.in_(ids)).options(selectinload(BenefitGrant.year_facts))
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(of=Installment)
    return {r[0].id: r for r in session.execute(stmt).all()}


def _label(inst: Installment, g: BenefitGrant, name: str) -> str:
    return f"{name}的{g.benefit_name or g.benefit_code}第{inst.seq}期（{inst.due_date}，{money.yuan(inst.amount_fen)}元）"


def _snap(inst: Installment) -> dict:
    return {"status": inst.status, "status_reason": inst.status_reason, "paid_date": inst.paid_date,
            "voucher_no": inst.voucher_no, "proposed_by": inst.proposed_by, "approved_by": inst.approved_by}


def decide(session: Session, items: Iterable[tuple[Installment, BenefitGrant]], action: str, on: dt.date,
           *, labels: dict[int, str] | None = None) -> dict[int, payability.Answer]:
    """THE decision: may each installment be proposed / approved / paid (``action``
    "propose" / "approve" / "pay") on ``on`` (for "pay": the paid date)? Asks the rules
    engine (``talentdesk.rules.payability.decide``) with the stored facts (profile,
    reviews, decisions, the grant's facts, the recorded departure) and the office's
    ``pay_before_due_days``; one engine run per grant. Returns {installment id: Answer}
    (``ok``, ``verdict`` yes/no/pending, ``message`` in Chinese with the articles).

    Every path that proposes, approves or records a payment (``propose``, ``approve``,
    ``record_paid``, ``confirm_many``) acts on this answer and on nothing else."""
    from talentdesk.services.benefits import grants
    from talentdesk.services.office import settings

    office = settings.read_settings(session)
    days = office.pay_before_due_days
    by_grant: dict[int, tuple[BenefitGrant, list[Installment]]] = {}
    for inst, g in items:
        by_grant.setdefault(g.id, (g, []))[1].append(inst)
    stored_of: dict[int, list[payability.StoredInstallment]] = {}
    for g, insts in by_grant.values():
        years = review_years(g)
        stored_of[g.id] = [payability.StoredInstallment(
            i.seq, i.due_date, i.amount_fen, i.status, g.status, years.get(i.seq), i.reverses_id is not None, i.id,
            (labels or {}).get(i.id, "")) for i in insts]
    engine_grants = [g for g, _ in by_grant.values() if g.approval_date is not None and any(
        payability.stored_refusal(st, action) is None for st in stored_of[g.id])]
    people = {g.talent_id for g in engine_grants if g.talent_id is not None}
    inputs_of = grants.engine_inputs_many(session, session.execute(
        select(Talent).where(Talent.id.in_(people)).options(selectinload(Talent.employer))).scalars(),
        office=office) if people else {}
    out: dict[int, payability.Answer] = {}
    for g, _ in by_grant.values():
        stored = stored_of[g.id]
        if g.talent_id is None and g.approval_date and g in engine_grants:
            case = org_grants.grant_case(session, g, office=office)
        else:
            case = grants.grant_case(inputs_of[g.talent_id], g) if g.talent_id in inputs_of and g.approval_date else None
        for st, a in zip(stored, payability.decide(case, stored, action, on, pay_before_due_days=days)):
            out[st.id] = a
    return out


def may_pay(session: Session, inst: Installment, g: BenefitGrant, paid_date: dt.date, *,
            label: str = "") -> payability.Answer:
    """May this installment be recorded paid on ``paid_date``? ``decide`` for one
    installment and the action "pay" (stored status approved, and the engine says it is
    payable by ``paid_date`` + the office's ``pay_before_due_days``)."""
    return decide(session, [(inst, g)], payability.PAY, paid_date, labels={inst.id: label} if label else None)[inst.id]


def _answers(session: Session, found: dict[int, tuple], action: str, on: dt.date) -> dict[int, Any]:
    return decide(session, [(r[0], r[1]) for r in found.values()], action, on,
                  labels={i: _label(r[0], r[1], r[2]) for i, r in found.items()})


def _check_as_of(as_of: dt.date | None) -> dt.date:
    """The day a batch is proposed or approved: today by default; a past day (entering
    history) is fine, a later month is not (the month's installments are proposed in it)."""
    from talentdesk.rules import payability

    today = dt.date.today()
    d = as_of or today
    if d > payability.month_end(today):
        raise ValidationError([FieldError("as_of", "计算日期", as_of,
                                          f"计算日期：{d}晚于本月，只能提交和审核本月及以前到期的分期"
                                          f"（按月提交发放，登记发放不早于应发日期）")])
    return d


# ---------------------------------------------------------------- use cases

def check(ctx: ServiceContext, installment_ids: Iterable[int], *, as_of: dt.date | None = None) -> list[ItemResult]:
    """Would ``propose`` accept these on ``as_of`` (default today)? Read-only; the GUI
    shows the answers (with their articles) first. ``ItemResult.verdict``: yes/no/pending."""
    as_of = _check_as_of(as_of)
    ids = list(installment_ids)
    out = []
    with ctx.read() as session:
        found = _load_many(session, ids)
        answers = _answers(session, found, payability.PROPOSE, as_of)
        for i in ids:
            if i not in found:
                out.append(ItemResult(i, False, f"找不到编号为{i}的分期", payability.NO))
                continue
            a = answers[i]
            out.append(ItemResult(i, a.ok, a.message, a.verdict, list(a.articles)))
    return out


def _batch(ctx: ServiceContext, installment_ids: Iterable[int], action: str, done_word: str,
           step: Callable[[Session, Installment, BenefitGrant, str], str | None], *,
           decision: tuple[str, dt.date] | None = None,
           finish: Callable[[Session, set[int]], Any] | None = None) -> BatchResult:
    """Apply ``step`` to each installment, all in one transaction. ``step`` either returns a
    Chinese refusal (and changes nothing) or changes the installment and returns None;
    every change is audited as ``action``, every refusal reported. ``decision`` (action,
    day): first ask ``decide``; an installment it does not answer yes is refused with the
    answer (``step`` is not called for it). ``finish(session, talent ids changed)``: called
    in the same transaction after the changes are written."""
    ids = list(installment_ids)
    result = BatchResult()
    with ctx.write() as session:
        found = _load_many(session, ids)
        answers = _answers(session, found, *decision) if decision else {}
        changes = []
        for i in ids:
            if i not in found:
                result.results.append(ItemResult(i, False, f"找不到编号为{i}的分期", payability.NO))
                continue
            inst, g, name, _, _ = found[i]
            a = answers.get(i)
            if a is not None and not a.ok:
                result.results.append(ItemResult(i, False, a.message, a.verdict, list(a.articles)))
                continue
            before = _snap(inst)
            refusal = step(session, inst, g, name)
            if refusal:
                result.results.append(ItemResult(i, False, refusal, payability.NO))
                continue
            b, a2 = audit.diff(before, _snap(inst))
            changes.append(audit.Change(action, "installment", inst.id, g.talent_id, b, a2))
            result.results.append(ItemResult(i, True, f"{_label(inst, g, name)}{done_word}", payability.YES,
                                             list(a.articles) if a else []))
        session.flush()
        audit.record_many(session, ctx.actor, changes)
        if finish is not None and changes:
            finish(session, {c.talent_id for c in changes if c.talent_id is not None})
    return result


def _state_refusal(inst: Installment, g: BenefitGrant, name: str, allowed: tuple[str, ...], what_not: str) -> str | None:
    if inst.status in allowed:
        return None
    return (f"{_label(inst, g, name)}当前状态为“{INSTALLMENT_STATUS.get(inst.status)}”，{what_not}")


def propose(ctx: ServiceContext, installment_ids: Iterable[int], *, as_of: dt.date | None = None) -> BatchResult:
    """Propose the installments ``decide`` answers yes for on ``as_of`` (default today; not
    in a later month): scheduled, grant approved, due within the month of ``as_of``, and
    the engine says payable then (e.g. the review the pack counts as passing is recorded,
    the months served are known). Each refused one gets the answer's Chinese reason and
    articles; the accepted ones are committed together."""
    permissions.require(ctx, "payment.propose")
    as_of = _check_as_of(as_of)

    def step(session, inst, g, name):
        inst.status, inst.proposed_by, inst.status_reason = "proposed", ctx.actor, None
        return None

    return _batch(ctx, installment_ids, "propose", "已提交发放", step, decision=(payability.PROPOSE, as_of))


def approve(ctx: ServiceContext, installment_ids: Iterable[int], *, as_of: dt.date | None = None) -> BatchResult:
    """Approve proposed installments (reviewer; never the proposer: four-eyes) that
    ``decide`` answers yes for on ``as_of`` (default today): due within its month and
    payable by the engine as of then."""
    permissions.require(ctx, "payment.approve")
    ids = list(installment_ids)
    as_of = _check_as_of(as_of)

    def step(session, inst, g, name):
        try:
            permissions.check_four_eyes(ctx, inst.proposed_by, _label(inst, g, name))
        except permissions.PermissionDenied as exc:
            return exc.message
        inst.status, inst.approved_by = "approved", ctx.actor
        return None

    result = _batch(ctx, ids, "approve", "已审核", step, decision=(payability.APPROVE, as_of))
    if ids and not result.done and all("双人复核" in r.message for r in result.refused):
        raise permissions.PermissionDenied(result.refused[0].message)
    return result


def reject(ctx: ServiceContext, installment_ids: Iterable[int], reason: str) -> BatchResult:
    """Send proposed/approved (unpaid) installments back to scheduled, with a reason."""
    permissions.require(ctx, "payment.approve")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError([FieldError("reason", "退回原因", reason, "退回原因：必须填写")])

    def step(session, inst, g, name):
        refusal = _state_refusal(inst, g, name, ("proposed", "approved"), "不能退回")
        if refusal:
            return refusal
        inst.status, inst.status_reason = "scheduled", f"发放被退回：{reason}"
        inst.proposed_by = inst.approved_by = None
        return None

    return _batch(ctx, installment_ids, "reject", "已退回", step)


def _check_paid_input(paid_date: Any, voucher_no: Any) -> tuple[dt.date, str | None, list[FieldError]]:
    errors = []
    d = values.date_or_none(paid_date)
    if d is None:
        errors.append(FieldError("paid_date", "发放日期", paid_date, f"发放日期：“{paid_date or ''}”不是有效日期"))
    elif d > dt.date.today() + dt.timedelta(days=1):
        errors.append(FieldError("paid_date", "发放日期", paid_date, f"发放日期：{d}晚于今天"))
    voucher = values.clean_text(voucher_no)
    return d, voucher, errors


def _set_paid(inst: Installment, paid_date: dt.date, voucher: str | None) -> None:
    inst.status, inst.paid_date, inst.voucher_no, inst.status_reason = "paid", paid_date, voucher, None


def _mark_paid(session: Session, ctx: ServiceContext, inst: Installment, g: BenefitGrant, paid_date: dt.date,
               voucher: str | None) -> audit.Change:
    before = _snap(inst)
    _set_paid(inst, paid_date, voucher)
    b, a = audit.diff(before, _snap(inst))
    return audit.Change("pay", "installment", inst.id, g.talent_id, b, a)


def _voucher_holder(session: Session, voucher: str, exclude: Iterable[int] = ()):
    """The payment (not a reversal entry) that already carries ``voucher``, other than the
    installments ``exclude``: a row (id, seq, benefit_code, benefit_name, name) or None."""
    stmt = (with_beneficiary(select(Installment.id, Installment.seq, BenefitGrant.benefit_code, BenefitGrant.benefit_name,
                                    BENEFICIARY_NAME.label("name"))
                             .join(BenefitGrant, Installment.grant_id == BenefitGrant.id))
            # the unique index's own predicate (VOUCHER_UNIQUE_WHERE), so that it answers: an
            # installment flagged voucher_duplicate shares its voucher with one this finds
            .where(Installment.voucher_no == voucher, Installment.reverses_id.is_(None),
                   Installment.voucher_duplicate.is_(None)))
    exclude = list(exclude)
    if exclude:
        stmt = stmt.where(Installment.id.not_in(exclude))
    return session.execute(stmt.order_by(Installment.id).limit(1)).first()


def _voucher_used(voucher: str, holder) -> str:
    """"V1已用于周敏的安家补贴第2期（分期编号5），一个凭证号只能对应一期发放"."""
    return (f"{voucher}已用于{holder.name}的{holder.benefit_name or holder.benefit_code}第{holder.seq}期"
            f"（分期编号{holder.id}），一个凭证号只能对应一期发放")


def _voucher_refusal(session: Session, voucher: str | None, inst: Installment, g: BenefitGrant,
                     name: str) -> str | None:
    """Why ``inst`` cannot be recorded paid under ``voucher``: another payment carries it
    (the refusal names it); None when the voucher is free or blank."""
    holder = _voucher_holder(session, voucher, [inst.id]) if voucher else None
    if holder is None:
        return None
    return f"凭证号{_voucher_used(voucher, holder)}，{_label(inst, g, name)}未登记，请核对凭证号"


def _vouchers_taken(session: Session, vouchers: list[str]) -> set[str]:
    """Which of ``vouchers`` a payment already carries (``_voucher_holder``'s predicate, any
    installment): the candidates ``_voucher_refusal`` must look at; the others are free."""
    out: set[str] = set()
    vouchers = sorted(set(vouchers))
    for k in range(0, len(vouchers), 900):
        out.update(session.execute(
            select(Installment.voucher_no).where(Installment.voucher_no.in_(vouchers[k:k + 900]),
                                                 Installment.reverses_id.is_(None),
                                                 Installment.voucher_duplicate.is_(None))).scalars())
    return out


class _VoucherClash(Exception):
    """The unique index refused a voucher at the flush (carried out of the transaction,
    which is rolled back, to be named from a fresh session by ``_clash_error``)."""

    def __init__(self, installment_id: int, voucher: str | None, row: int | None = None):
        super().__init__(voucher)
        self.installment_id, self.voucher, self.row = installment_id, voucher, row


def _flush_paid(session: Session, installment_id: int, voucher: str | None, *, row: int | None = None) -> None:
    """Flush the installment just marked paid. Another clerk's transaction may have given
    the voucher to another installment after our check (PostgreSQL: the unique index
    ``ux_installment_voucher_no`` waits for it, then refuses): ``_VoucherClash``. No
    savepoint: the session's commit hooks (the audit seal and anchor) must see only the
    real commit."""
    from sqlalchemy.exc import IntegrityError

    try:
        session.flush()
    except IntegrityError as exc:
        raise _VoucherClash(installment_id, voucher, row) from exc


def _clash_error(ctx: ServiceContext, clash: _VoucherClash) -> ConflictError:
    """The ConflictError for a voucher refused at the flush, naming who carries it now
    (asked in a new session: the refused transaction is rolled back)."""
    with ctx.read() as session:
        holder = _voucher_holder(session, clash.voucher, [clash.installment_id]) if clash.voucher else None
    if holder is None:
        return ConflictError("登记期间其他用户修改了相关分期，本次未写入任何数据，请刷新后重试")
    where = f"第{clash.row}行" if clash.row is not None else ""
    return ConflictError(f"登记期间其他用户登记了相同凭证号：{where}凭证号{_voucher_used(clash.voucher, holder)}。"
                         f"本次未写入任何数据，请核对凭证号")


def _refresh_refunds(session: Session, ctx: ServiceContext, talent_ids) -> None:
    """A departed talent's refund basis follows the payments recorded after the departure."""
    from talentdesk.services.benefits import departures

    talent_ids = [t for t in talent_ids if t is not None]  # an organisation's grant: no departure
    if talent_ids:
        departures.refresh_after_payments(session, ctx.actor, talent_ids, reason="发放记录变更")


def record_paid(ctx: ServiceContext, installment_id: int, paid_date: dt.date | str,
                voucher_no: str | None) -> InstallmentRow:
    """Record that an approved installment was paid (date and accounting voucher number)."""
    permissions.require(ctx, "payment.paid")
    d, voucher, errors = _check_paid_input(paid_date, voucher_no)
    if errors:
        raise ValidationError(errors)
    try:
        with ctx.write() as session:
            found = _load_many(session, [installment_id])
            if installment_id not in found:
                raise NotFoundError(f"找不到编号为{installment_id}的分期")
            inst, g, name, idn, emp = found[installment_id]
            refusal = _voucher_refusal(session, voucher, inst, g, name)
            if refusal:
                raise ConflictError(refusal)
            a = may_pay(session, inst, g, d, label=_label(inst, g, name))
            if not a.ok:
                raise ConflictError(a.message)
            change = _mark_paid(session, ctx, inst, g, d, voucher)
            _flush_paid(session, inst.id, voucher)
            audit.record_many(session, ctx.actor, [change])
            _refresh_refunds(session, ctx, [g.talent_id])
            return _row(inst, g, name, idn, emp)
    except _VoucherClash as clash:
        raise _clash_error(ctx, clash) from None


# Column names the payment-confirmation import accepts (first is the standard one).
CONFIRM_COLUMNS = {
    "id_number": ("身份证号", "身份证号码", "公民身份号码"),
    "benefit": ("待遇项目", "补贴项目", "项目"),
    "seq": ("期次", "第几期", "分期"),
    "due_date": ("应发日期", "计划发放日期"),
    "installment_id": ("分期编号",),
    "amount_fen": ("金额", "金额（分）", "发放金额"),
    "paid_date": ("发放日期", "支付日期", "付款日期"),
    "voucher_no": ("凭证号", "会计凭证号", "凭证编号"),
}

# The message of a row that names an installment already paid under the same voucher.
UNCHANGED = "已登记，未改动"


def _pick(row: dict, key: str) -> Any:
    if key in row:
        return row[key]
    for name in CONFIRM_COLUMNS[key]:
        if name in row:
            return row[name]
    return None


def confirm_many(ctx: ServiceContext, rows: Sequence[dict], *, all_or_nothing: bool = True,
                 row_numbers: Sequence[int] | None = None,
                 finish: Callable[[Session, int], Any] | None = None) -> ConfirmResult:
    """Payment confirmations from Excel: each row 身份证号, 待遇项目 (name or code), the
    installment it pays — 期次 (the installment number of the ledger, "第2期" or 2) and/or
    应发日期, or 分期编号 (the installment's id) — 金额 (integer fen, or a yuan text like
    "40000.00元"), 发放日期 and 凭证号 (English keys id_number/benefit/seq/due_date/
    installment_id/amount_fen/paid_date/voucher_no also accepted).

    A row never pays "the next" installment: it names one. A voucher pays exactly one
    installment (a unique index holds it too). A row naming an installment already paid
    under the same voucher is ``已登记，未改动`` (importing a file twice changes nothing);
    under another voucher it is an error. ``all_or_nothing``: any error → nothing written.
    ``finish(session, paid)``: called inside the same transaction before it commits
    (the importer records its import batch there: rows and batch commit together)."""
    permissions.require(ctx, "payment.paid")
    numbers = list(row_numbers) if row_numbers is not None else list(range(1, len(rows) + 1))
    results: list[RowResult] = []
    from sqlalchemy.exc import IntegrityError

    try:
        return _confirm(ctx, rows, numbers, results, all_or_nothing, finish)
    except _Abort:
        return ConfirmResult(results, False)
    except _VoucherClash as clash:
        raise _clash_error(ctx, clash) from None
    except IntegrityError:
        raise ConflictError("登记期间其他用户以相同凭证号登记了发放，本次未写入任何数据，请重新导入") from None


class _Abort(Exception):
    pass


def _confirm_amount(raw: Any) -> int | None:
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if raw in (None, ""):
        return None
    try:
        text = str(raw).strip()
        return int(text) if text.isdigit() else money.parse_yuan(raw)
    except Exception:
        return None


def _confirm_seq(raw: Any) -> tuple[int | None, bool]:
    """(installment number, ok): 2, "2", "第2期"; blank → (None, True)."""
    if raw in (None, ""):
        return None, True
    if isinstance(raw, int) and not isinstance(raw, bool):
        return (raw, True) if raw > 0 else (None, False)
    if isinstance(raw, float) and raw.is_integer() and raw > 0:
        return int(raw), True
    m = re.fullmatch(r"第?\s*(\d{1,3})\s*期?", values.fold_width(str(raw)).strip())
    return (int(m.group(1)), True) if m and int(m.group(1)) > 0 else (None, False)


def _confirm_errors(raw: dict) -> tuple[dict, list[FieldError]]:
    """The row's values, parsed, and its field errors (before the database is asked)."""
    errors: list[FieldError] = []
    idn = values.clean_text(_pick(raw, "id_number"))
    benefit = values.clean_text(_pick(raw, "benefit"))
    amount_raw = _pick(raw, "amount_fen")
    amount = _confirm_amount(amount_raw)
    seq_raw, due_raw, iid_raw = _pick(raw, "seq"), _pick(raw, "due_date"), _pick(raw, "installment_id")
    seq, seq_ok = _confirm_seq(seq_raw)
    due = values.date_or_none(due_raw) if due_raw not in (None, "") else None
    iid, iid_ok = _confirm_seq(iid_raw) if not isinstance(iid_raw, str) or iid_raw.strip().isdigit() else (None,
                                                                                                         False)
    if not idn:
        errors.append(FieldError("id_number", "身份证号", idn, "身份证号：必须填写"))
    if not benefit:
        errors.append(FieldError("benefit", "待遇项目", benefit, "待遇项目：必须填写"))
    if not seq_ok:
        errors.append(FieldError("seq", "期次", seq_raw, f"期次：“{seq_raw}”应写成 1、2 或 第2期"))
    if due_raw not in (None, "") and due is None:
        errors.append(FieldError("due_date", "应发日期", due_raw, f"应发日期：“{due_raw}”不是有效日期"))
    if not iid_ok:
        errors.append(FieldError("installment_id", "分期编号", iid_raw, f"分期编号：“{iid_raw}”不是有效编号"))
    if seq_ok and iid_ok and seq is None and iid is None and due is None and due_raw in (None, ""):
        errors.append(FieldError("seq", "期次", None, "期次：请写明本行发放的是第几期（或应发日期），"
                                                     "不能按“下一期”自动匹配"))
    if amount is None or amount <= 0:
        errors.append(FieldError("amount_fen", "金额", amount_raw, f"金额：“{amount_raw or ''}”不是有效金额"))
    d, voucher, e2 = _check_paid_input(_pick(raw, "paid_date"), _pick(raw, "voucher_no"))
    errors += e2
    if not voucher:
        errors.append(FieldError("voucher_no", "凭证号", voucher, "凭证号：必须填写（一个凭证号对应一期发放）"))
    return {"idn": idn, "benefit": benefit, "seq": seq, "due": due, "iid": iid, "amount": amount,
            "amount_raw": amount_raw, "paid_date": d, "voucher": voucher}, errors


def _confirm_row(session: Session, r: dict, taken: dict[int, int], vouchers: dict[str, int],
                 ) -> tuple[FieldError | None, Installment | None, BenefitGrant | None, Talent | None]:
    """(error, installment, grant, talent) for one parsed row: the one installment it names."""
    from talentdesk.domain import idcard

    number = idcard.normalize(r["idn"])
    t = session.execute(select(Talent).where(Talent.id_number == number)).scalar_one_or_none()
    if t is None:
        return FieldError("id_number", "身份证号", r["idn"], f"身份证号：找不到身份证号为{number}的人才"), None, None, None
    benefit = r["benefit"]
    stmt = (select(Installment, BenefitGrant).join(BenefitGrant, Installment.grant_id == BenefitGrant.id)
            .where(BenefitGrant.talent_id == t.id, Installment.reverses_id.is_(None),
                   (BenefitGrant.benefit_code == benefit) | (BenefitGrant.benefit_name == benefit))
            .order_by(Installment.due_date, Installment.id).execution_options(populate_existing=True))
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(of=Installment)
    cands = session.execute(stmt).all()
    if not cands:
        return FieldError("benefit", "待遇项目", benefit, f"待遇项目：{t.name}没有“{benefit}”待遇"), None, None, t
    which = []
    if r["iid"] is not None:
        cands = [(i, g) for i, g in cands if i.id == r["iid"]]
        which.append(f"分期编号{r['iid']}")
    if r["seq"] is not None:
        cands = [(i, g) for i, g in cands if i.seq == r["seq"]]
        which.append(f"第{r['seq']}期")
    if r["due"] is not None:
        cands = [(i, g) for i, g in cands if i.due_date == r["due"]]
        which.append(f"应发日期{r['due']}")
    if len(cands) > 1:  # the same benefit granted again after a cancelled grant: the live one
        live = [(i, g) for i, g in cands if i.status != "cancelled"]
        cands = live or cands
    what = f"{t.name}的{benefit}" + "、".join(which)
    if not cands:
        return (FieldError("seq", "期次", r["seq"], f"期次：{what}不存在，请按台账中的期次或应发日期填写"),
                None, None, t)
    if len(cands) > 1:
        return (FieldError("due_date", "应发日期", r["due"], f"应发日期：{what}对应{len(cands)}期，请写明应发日期"),
                None, None, t)
    inst, g = cands[0]
    label = _label(inst, g, t.name)
    voucher = r["voucher"]
    if inst.id in taken:
        return (FieldError("seq", "期次", r["seq"], f"期次：{label}与第{taken[inst.id]}行重复，请勿重复登记"),
                inst, g, t)
    if voucher in vouchers:
        return (FieldError("voucher_no", "凭证号", voucher,
                           f"凭证号：{voucher}与第{vouchers[voucher]}行重复，一个凭证号只能对应一期发放"), inst, g, t)
    if inst.status == "paid":
        if inst.voucher_no == voucher:
            return None, inst, g, t  # already recorded: unchanged
        return (FieldError("voucher_no", "凭证号", voucher,
                           f"凭证号：{label}已按凭证号{inst.voucher_no or '（无）'}登记为已发放，与表中凭证号{voucher}不符，"
                           f"请核对；确属错登请先冲销"), inst, g, t)
    if inst.status != "approved":
        return (FieldError("seq", "期次", r["seq"],
                           f"期次：{label}当前状态为“{INSTALLMENT_STATUS.get(inst.status, inst.status)}”，"
                           f"只能登记已审核待付的分期，请先提交并审核发放"), inst, g, t)
    if inst.amount_fen != r["amount"]:
        return (FieldError("amount_fen", "金额", r["amount_raw"],
                           f"金额：{label}的金额为{money.yuan(inst.amount_fen)}元，与表中金额"
                           f"{money.yuan(r['amount'])}元不符"), inst, g, t)
    used = _voucher_holder(session, voucher, [inst.id])
    if used is not None:
        return FieldError("voucher_no", "凭证号", voucher, f"凭证号：{_voucher_used(voucher, used)}"), inst, g, t
    return None, inst, g, t


def _confirm(ctx, rows, numbers, results, all_or_nothing, finish) -> ConfirmResult:
    with ctx.write() as session:
        taken: dict[int, int] = {}  # installment id → row
        vouchers: dict[str, int] = {}  # voucher → row
        changes = []
        for n, raw in zip(numbers, rows):
            r, errors = _confirm_errors(raw)
            if errors:
                results.append(RowResult(n, False, None, "；".join(e.message for e in errors),
                                         [e.as_dict() for e in errors]))
                continue
            fe, inst, g, t = _confirm_row(session, r, taken, vouchers)
            if fe is not None:
                results.append(RowResult(n, False, inst.id if inst else None, fe.message, [fe.as_dict()]))
                continue
            taken[inst.id] = n
            vouchers[r["voucher"]] = n
            if inst.status == "paid":
                results.append(RowResult(n, True, inst.id, f"{_label(inst, g, t.name)}{UNCHANGED}", changed=False))
                continue
            answer = may_pay(session, inst, g, r["paid_date"], label=_label(inst, g, t.name))
            if not answer.ok:  # the one decision: paid only when the engine says payable
                fe = FieldError("paid_date", "发放日期", r["paid_date"], f"发放日期：{answer.message}")
                results.append(RowResult(n, False, inst.id, fe.message, [fe.as_dict()]))
                continue
            changes.append(_mark_paid(session, ctx, inst, g, r["paid_date"], r["voucher"]))
            _flush_paid(session, inst.id, r["voucher"], row=n)  # before the next row's queries autoflush it
            results.append(RowResult(n, True, inst.id, f"{_label(inst, g, t.name)}已登记发放"))
        has_errors = any(not r.ok for r in results)
        if has_errors and all_or_nothing:
            raise _Abort()  # rolls the transaction back
        session.flush()
        audit.record_many(session, ctx.actor, changes)
        _refresh_refunds(session, ctx, [c.talent_id for c in changes if c.talent_id is not None])
        result = ConfirmResult(results, True)
        if finish is not None:
            finish(session, result.confirmed)
        return result


def reverse(ctx: ServiceContext, installment_id: int, reason: str, *, reversed_on: dt.date | None = None,
            voucher_no: str | None = None) -> InstallmentRow:
    """Reverse (冲销) a paid installment: a new entry with the negative amount and funding,
    status ``reversed``, ``reverses_id`` → the original, which stays ``paid``. Returns
    the new entry. A paid installment can be reversed once."""
    permissions.require(ctx, "payment.reverse")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError([FieldError("reason", "冲销原因", reason, "冲销原因：必须填写")])
    on = reversed_on or dt.date.today()
    with ctx.write() as session:
        found = _load_many(session, [installment_id])
        if installment_id not in found:
            raise NotFoundError(f"找不到编号为{installment_id}的分期")
        inst, g, name, idn, emp = found[installment_id]
        what = _label(inst, g, name)
        if inst.status != "paid" or inst.reverses_id is not None:
            raise ConflictError(f"{what}当前状态为“{INSTALLMENT_STATUS.get(inst.status)}”，只能冲销已发放的记录")
        already = session.execute(select(Installment.id).where(Installment.reverses_id == inst.id)).first()
        if already:
            raise ConflictError(f"{what}已冲销过（冲销记录编号{already[0]}），不能重复冲销")
        rev = Installment(grant_id=inst.grant_id, seq=inst.seq, due_date=inst.due_date, amount_fen=-inst.amount_fen,
                          condition=inst.condition, status="reversed", status_reason=f"冲销：{reason}",
                          paid_date=on, voucher_no=values.clean_text(voucher_no), reverses_id=inst.id,
                          proposed_by=ctx.actor)
        rev.funding = [InstallmentFunding(level=f.level, amount_fen=-f.amount_fen) for f in inst.funding]
        session.add(rev)
        session.flush()
        audit.record(session, ctx.actor, "reverse", "installment", rev.id, talent_id=g.talent_id,
                     after={"reverses_id": inst.id, "amount_fen": rev.amount_fen, "reason": reason,
                            "paid_date": on, "voucher_no": rev.voucher_no})
        _refresh_refunds(session, ctx, [g.talent_id])
        return _row(rev, g, name, idn, emp)


def suspend(ctx: ServiceContext, installment_ids: Iterable[int], reason: str) -> BatchResult:
    """Suspend open (unpaid) installments with a reason (e.g. under investigation)."""
    permissions.require(ctx, "payment.suspend")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError([FieldError("reason", "暂停原因", reason, "暂停原因：必须填写")])
    return _set_status(ctx, installment_ids, ("scheduled", "proposed", "approved"), "suspended",
                       f"暂停发放：{reason}", "suspend", "已暂停")


def resume(ctx: ServiceContext, installment_ids: Iterable[int]) -> BatchResult:
    """Resume suspended installments (back to scheduled: propose them again)."""
    permissions.require(ctx, "payment.suspend")
    return _set_status(ctx, installment_ids, ("suspended",), "scheduled", None, "resume", "已恢复")


def _set_status(ctx, installment_ids, from_statuses, to_status, reason, action, done_word) -> BatchResult:
    def step(session, inst, g, name):
        if inst.reverses_id is not None or inst.status not in from_statuses:
            return (f"{_label(inst, g, name)}当前状态为“{INSTALLMENT_STATUS.get(inst.status)}”，"
                    f"不能{done_word[1:]}")
        inst.status, inst.status_reason = to_status, reason
        inst.proposed_by = inst.approved_by = None
        return None

    return _batch(ctx, installment_ids, action, done_word, step)


def record_paid_run(ctx: ServiceContext, vouchers: dict[int, str | None], paid_date: dt.date | str) -> BatchResult:
    """A payment run: the installments ``vouchers`` names ({installment id: 凭证号}) recorded
    paid on one date, in one transaction. Each is paid only where ``decide`` answers yes for
    "pay" on that date (the same answer ``record_paid`` acts on); the others are refused with
    the answer. Departed talents' refund bases follow (as for ``record_paid``)."""
    permissions.require(ctx, "payment.paid")
    d, _, errors = _check_paid_input(paid_date, None)
    checked: dict[int, str | None] = {}
    for i, voucher in vouchers.items():
        _, checked[i], voucher_errors = _check_paid_input(d, voucher)
        errors += voucher_errors
    if errors:
        raise ValidationError(errors)

    # one query for the run's vouchers already carried by a payment: a voucher in none of
    # them and not given earlier in this run is free (no per-installment query)
    taken: set[str] | None = None  # asked in the run's transaction, at its first installment
    given: set[str] = set()

    def step(session, inst, g, name):
        nonlocal taken
        if taken is None:
            taken = _vouchers_taken(session, [v for v in checked.values() if v])
        voucher = checked[inst.id]
        if voucher and (voucher in taken or voucher in given):
            refusal = _voucher_refusal(session, voucher, inst, g, name)  # earlier ones of the run too
            if refusal:
                return refusal
        if voucher:
            given.add(voucher)
        _set_paid(inst, d, voucher)
        _flush_paid(session, inst.id, voucher)  # before the next one's check autoflushes it
        return None

    try:
        return _batch(ctx, list(vouchers), "pay", "已登记发放", step, decision=(payability.PAY, d),
                      finish=lambda session, talent_ids: _refresh_refunds(session, ctx, talent_ids))
    except _VoucherClash as clash:
        raise _clash_error(ctx, clash) from None


# what was actually paid lives in its own module (grants and departures use it without importing payments)
from talentdesk.services.benefits.paid import paid_map  # noqa: E402


__all__ = ["InstallmentRow", "ItemResult", "BatchResult", "RowResult", "ConfirmResult", "list_installments",
           "count_installments", "decide", "may_pay", "check", "propose", "approve", "reject", "record_paid", "record_paid_run",
           "confirm_many",
           "reverse", "suspend", "resume", "paid_map", "PAID_STATUSES"]
