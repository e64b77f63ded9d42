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

from talentdesk.models.entities import BenefitGrant, Departure, Installment, InstallmentFunding, Recovery, User

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
TABLES: dict[str, type] = {m.__tablename__: m for m in SEALED}
# Chinese names for the messages of ``audit verify``.
NAMES = {"benefit_grant": "待遇核定", "installment": "分期（含发放信息）", "installment_funding": "分期资金来源",
         "departure": "离开与应退金额", "recovery": "追回记录", "app_user": "用户账户"}

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
    return select(*(getattr(model, c) for c in SEALED[model])).execution_options(office_unscoped=True)


def row_digests(session: Session, table: str, ids: Iterable[int] | None = None) -> Iterator[tuple[int, str]]:
    """(id, digest) of the rows of ``table`` (all of them, or those with ``ids``)."""
    model = TABLES[table]
    if ids is None:
        for row in session.execute(_select(model).order_by(model.id)):
            yield row[0], digest(row)
        return
    wanted = sorted(set(ids))
    for i in range(0, len(wanted), _CHUNK):
        for row in session.execute(_select(model).where(model.id.in_(wanted[i:i + _CHUNK]))):
            yield row[0], digest(row)


def seal_of(session: Session, touched: dict[str, set[int]]) -> dict[str, dict[str, str | None]]:
    """The seal of the rows ``touched`` (table → ids) as they are now: ``{table: {id: digest
    or None when the row no longer exists}}``."""
    out: dict[str, dict[str, str | None]] = {}
    for table in sorted(touched):
        ids = touched[table]
        found = dict(row_digests(session, table, ids))
        out[table] = {str(i): found.get(i) for i in sorted(ids)}
    return out


def baseline_of(session: Session) -> dict[str, dict[str, str | None]]:
    """Every row of every sealed table."""
    return {table: {str(i): d for i, d in row_digests(session, table)} for table in sorted(TABLES)}


def sealed_columns(model: type) -> tuple[str, ...] | None:
    return SEALED.get(model)
