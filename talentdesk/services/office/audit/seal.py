"""Digests of the money rows (grants, installments with their payment fields, funding
shares, departures' refunds, recoveries) and of user accounts (roles), kept in the audit
chain.

Whenever a transaction adds, changes or deletes such a row through the program, the
chain gets one "seal" event (entity ``row_digest``) with each touched row's digest (None
for a deleted row); the first such transaction on a database seals every row once (the
"baseline"). ``audit.verify`` folds the seals in chain order and compares the rows as
they are now: a row changed, added or deleted by direct SQL no longer matches.

Each table's digest covers a fixed list of columns (``SEALED``), so a later migration that
adds a column does not turn every row into a mismatch; add a column here only together
with a new seal version.
"""

from __future__ import annotations

import hashlib
from typing import Iterable, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from talentdesk.models.money.budget import BudgetAmendment, BudgetLine
from talentdesk.models.money.departure_level import DepartureLevel, RecoveryLevel
from talentdesk.models.entities import BenefitGrant, Departure, Installment, InstallmentFunding, Recovery, User
from talentdesk.models.money.recovery_case import (RecoveryCase, RecoveryCaseLevel, RecoveryPlanItem, RecoveryRepayment,
                                                   RecoveryRepaymentLevel)

SEAL_ENTITY = "row_digest"
SEAL_ACTION = "seal"
BASELINE = "baseline"

# model → the columns its digest covers (the id first).
SEALED: dict[type, tuple[str, ...]] = {
    BenefitGrant: ("id", "talent_id", "policy_id", "benefit_code", "total_fen", "approval_date",
                   "approval_doc_no", "decision_id", "status", "proposed_by", "approved_by", "approved_at"),
    Installment: ("id", "grant_id", "seq", "due_date", "amount_fen", "status", "voucher_no", "paid_date",
                  "proposed_by", "approved_by", "reverses_id"),
    InstallmentFunding: ("id", "installment_id", "level", "amount_fen"),
    Departure: ("id", "talent_id", "departed_on", "refund_due_fen"),
    Recovery: ("id", "departure_id", "amount_fen", "recovered_on", "voucher_no"),
    User: ("id", "username", "role", "active", "password_hash"),
}
# Seal version 2 (issue 18): the in-post recovery cases with their levels, plan and
# repayments, the departures' and recoveries' split by level, and the budget lines with
# their history. A database sealed before has these tables' rows sealed once, by the
# "baseline:2" event, at its first write after the upgrade.
SEALED_V2: dict[type, tuple[str, ...]] = {
    RecoveryCase: ("id", "talent_id", "basis", "departure_id", "installment_ids", "received_fen",
                   "suggestion_status", "suggested_fen", "status", "decided_fen", "decision_doc_no", "decided_on",
                   "decided_by", "proposed_by"),
    RecoveryCaseLevel: ("id", "case_id", "level", "paid_fen", "amount_fen"),
    RecoveryPlanItem: ("id", "case_id", "seq", "due_date", "amount_fen"),
    RecoveryRepayment: ("id", "case_id", "amount_fen", "repaid_on", "voucher_no", "recorded_by"),
    RecoveryRepaymentLevel: ("id", "repayment_id", "level", "amount_fen"),
    DepartureLevel: ("id", "departure_id", "level", "paid_fen", "amount_fen"),
    RecoveryLevel: ("id", "recovery_id", "level", "amount_fen"),
    BudgetLine: ("id", "year", "level", "source", "amount_fen", "doc_no"),
    BudgetAmendment: ("id", "line_id", "before_fen", "after_fen", "doc_no", "recorded_by", "recorded_at"),
}
SEALED.update(SEALED_V2)
# Columns a digest covers only when they hold a value, after the others, named: a grant to an
# organisation (issue 18, migration 0017) seals its beneficiary, and the digest of every row
# sealed before (a talent's grant, both NULL) stays what it was.
OPTIONAL: dict[type, tuple[str, ...]] = {BenefitGrant: ("employer_id", "platform_id")}
TABLES: dict[str, type] = {m.__tablename__: m for m in SEALED}
# the baseline events: entity_id → the tables it seals once, in full
BASELINE_V2 = "baseline:2"
BASELINES: dict[str, tuple[str, ...]] = {
    BASELINE: tuple(sorted(m.__tablename__ for m in SEALED if m not in SEALED_V2)),
    BASELINE_V2: tuple(sorted(m.__tablename__ for m in SEALED_V2)),
}
# Chinese names for the messages of ``audit verify``.
NAMES = {"benefit_grant": "待遇核定", "installment": "分期（含发放信息）", "installment_funding": "分期资金来源",
         "departure": "离开与应退金额", "recovery": "追回记录", "app_user": "用户账户",
         "recovery_case": "在岗追回案件", "recovery_case_level": "追回案件各级分摊",
         "recovery_plan_item": "追回退回计划", "recovery_repayment": "追回退回款",
         "recovery_repayment_level": "退回款各级分摊", "departure_level": "离职应退各级分摊",
         "recovery_level": "离职追回各级分摊", "budget_line": "资金预算", "budget_amendment": "预算调整记录"}

_CHUNK = 500


def _text(value) -> str:
    if value is None:
        return "~"
    if isinstance(value, bool):
        return "T" if value else "F"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def digest(values: Iterable) -> str:
    """The digest of one row's values (in ``SEALED`` order): 128 bits of sha256 over the
    length-prefixed values."""
    body = "|".join(f"{len(t)}:{t}" for t in map(_text, values))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:32]


def _select(model: type):
    # the seals cover every row of the database, whichever office's clerk is acting
    return select(*(getattr(model, c) for c in SEALED[model] + OPTIONAL.get(model, ()))).execution_options(
        office_unscoped=True)


def _row_digest(model: type, row) -> str:
    optional = OPTIONAL.get(model)
    if not optional:
        return digest(row)
    n = len(SEALED[model])
    named = tuple(f"{c}={v}" for c, v in zip(optional, row[n:]) if v is not None)
    return digest(tuple(row[:n]) + named)


def row_digests(session: Session, table: str, ids: Iterable[int] | None = None) -> Iterator[tuple[int, str]]:
    """(id, digest) of the rows of ``table`` (all of them, or those with ``ids``)."""
    model = TABLES[table]
    if ids is None:
        for row in session.execute(_select(model).order_by(model.id)):
            yield row[0], _row_digest(model, row)
        return
    wanted = sorted(set(ids))
    for i in range(0, len(wanted), _CHUNK):
        for row in session.execute(_select(model).where(model.id.in_(wanted[i:i + _CHUNK]))):
            yield row[0], _row_digest(model, row)


def seal_of(session: Session, touched: dict[str, set[int]]) -> dict[str, dict[str, str | None]]:
    """The seal of the rows ``touched`` (table → ids) as they are now: ``{table: {id: digest
    or None when the row no longer exists}}``."""
    out: dict[str, dict[str, str | None]] = {}
    for table in sorted(touched):
        ids = touched[table]
        found = dict(row_digests(session, table, ids))
        out[table] = {str(i): found.get(i) for i in sorted(ids)}
    return out


def baseline_of(session: Session, tables: Iterable[str] | None = None) -> dict[str, dict[str, str | None]]:
    """Every row of every sealed table (or of ``tables``)."""
    return {table: {str(i): d for i, d in row_digests(session, table)}
            for table in sorted(TABLES if tables is None else tables)}


def sealed_columns(model: type) -> tuple[str, ...] | None:
    """Every column a change of which changes the row's digest (the optional ones too)."""
    cols = SEALED.get(model)
    return None if cols is None else cols + OPTIONAL.get(model, ())
