"""Seal version 2 (issue 18): the in-post recovery cases (their levels, plan, repayments and
the repayments' levels), the departures' and recoveries' split by level, and the budget
lines with their amendments are money rows sealed in the audit chain: a change made with
SQL behind the program's back is named by ``audit verify``, on SQLite and PostgreSQL; a
database that had these rows before they were sealed gets them sealed at its next write."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from talentdesk.services.benefits import departures, recoveries
from talentdesk.services.context import ServiceContext
from talentdesk.services.finance import budget
from talentdesk.services.office.audit import log as audit, seal as audit_seal
from tests.services.benefits.test_recoveries import _people, baotou_paid

D = dt.date


def _sql(ctx, statement, **params):
    with ctx.db.write_engine.begin() as conn:
        return conn.execute(text(statement), params)


def _first(ctx, table):
    with ctx.read() as s:
        return s.execute(text(f"SELECT min(id) FROM {table}")).scalar()


def _make_rows(ctx):
    clerk, reviewer, _ = _people(ctx)
    idn, _ = baotou_paid(ctx)
    case = recoveries.open(clerk, idn, "fraud", "伪造学位证书骗取引进补贴", opened_on=D(2024, 1, 5))
    recoveries.decide(reviewer, case.id, 2_000_000, "包人才办〔2024〕3号", decided_on=D(2024, 2, 1),
                      plan=recoveries.even_plan(2_000_000, 2, D(2024, 3, 1)))
    recoveries.record_repayment(clerk, case.id, 1_000_000, D(2024, 3, 1), "收-1")
    from talentdesk.services.benefits import decisions

    dep = departures.record(clerk, idn, D(2024, 5, 1), "调离")
    decisions.record(clerk, idn, number="包人才办〔2024〕9号", decided_on=D(2024, 5, 20), override="refund",
                     benefit_code="introduction_subsidy", amount_fen=3_000_000, description="追回3万元")
    departures.recompute(clerk, dep.id)
    departures.record_recovery(clerk, dep.id, 1_000_000, D(2024, 6, 1), "收-2")
    line = budget.set_line(reviewer, year=2024, level="city", amount_fen=50_000_000, doc_no="包财预〔2023〕3号")
    budget.amend_line(reviewer, line.id, amount_fen=60_000_000, note="追加", expected_version=line.version)


EDITS = [
    ("recovery_case", "UPDATE recovery_case SET decided_fen = 1 WHERE id = :i"),
    ("recovery_case_level", "UPDATE recovery_case_level SET amount_fen = amount_fen + 1 WHERE id = :i"),
    ("recovery_plan_item", "UPDATE recovery_plan_item SET amount_fen = 5 WHERE id = :i"),
    ("recovery_repayment", "UPDATE recovery_repayment SET amount_fen = 99 WHERE id = :i"),
    ("recovery_repayment_level", "UPDATE recovery_repayment_level SET amount_fen = 7 WHERE id = :i"),
    ("departure_level", "UPDATE departure_level SET amount_fen = 0 WHERE id = :i"),
    ("recovery_level", "UPDATE recovery_level SET level = 'league' WHERE id = :i"),
    ("budget_line", "UPDATE budget_line SET amount_fen = 990000000 WHERE id = :i"),
    ("budget_amendment", "UPDATE budget_amendment SET after_fen = 1 WHERE id = :i"),
]


@pytest.mark.parametrize("table,statement", EDITS, ids=[e[0] for e in EDITS])
def test_a_direct_edit_of_the_new_money_rows_is_named(ctx, table, statement):
    _make_rows(ctx)
    admin = ServiceContext(ctx.db)
    assert audit.verify(admin).ok
    row = _first(ctx, table)
    assert row is not None
    _sql(ctx, statement, i=row)
    result = audit.verify(admin)
    assert not result.ok
    assert [(r.table, r.row_id, r.kind) for r in result.rows] == [(table, row, "changed")]
    assert f"#{row}（{table}）在程序之外被修改" in result.message
    assert audit_seal.NAMES[table] in result.message


def test_new_rows_deleted_or_added_outside_are_named_and_program_changes_verify(ctx):
    _make_rows(ctx)
    admin = ServiceContext(ctx.db)
    clerk, reviewer, _ = _people(ctx)
    # changes through the program stay verified
    [line] = budget.list_lines(reviewer)
    budget.amend_line(reviewer, line.id, amount_fen=1_000, note="压减")
    assert audit.verify(admin).ok
    _sql(ctx, "DELETE FROM budget_amendment WHERE id = :i", i=_first(ctx, "budget_amendment"))
    _sql(ctx, "INSERT INTO recovery_level (recovery_id, level, amount_fen) VALUES (:r, 'league', 5)",
         r=_first(ctx, "recovery"))
    kinds = {(r.table, r.kind) for r in audit.verify(admin).rows}
    assert kinds == {("budget_amendment", "deleted"), ("recovery_level", "added")}


def test_rows_made_before_the_seal_existed_are_sealed_at_the_next_write(ctx, monkeypatch):
    """A database written by the previous version: its recovery cases and budget lines
    were never sealed. Verify does not call them "added"; the next write seals them once
    (baseline:2), and from then on an edit is caught."""
    old_sealed = {m: c for m, c in audit_seal.SEALED.items() if m not in audit_seal.SEALED_V2}
    monkeypatch.setattr(audit_seal, "SEALED", old_sealed)
    monkeypatch.setattr(audit_seal, "TABLES", {m.__tablename__: m for m in old_sealed})
    monkeypatch.setattr(audit_seal, "BASELINES", {audit_seal.BASELINE: audit_seal.BASELINES[audit_seal.BASELINE]})
    _make_rows(ctx)
    monkeypatch.undo()
    admin = ServiceContext(ctx.db)
    result = audit.verify(admin)
    assert result.ok, result.problems
    _sql(ctx, "UPDATE budget_line SET amount_fen = 1")  # before the v2 baseline: not yet sealed, not seen
    assert audit.verify(admin).ok
    clerk, reviewer, _ = _people(ctx)
    budget.set_line(reviewer, year=2025, level="city", amount_fen=10_000_000)  # the next write
    seals = [e for e in audit.list_events(admin, include_seals=True) if e.entity == audit_seal.SEAL_ENTITY]
    assert sum(e.entity_id == audit_seal.BASELINE_V2 for e in seals) == 1
    assert audit.verify(admin).ok
    _sql(ctx, "UPDATE recovery_case SET decided_fen = 1")
    result = audit.verify(admin)
    assert not result.ok and {r.table for r in result.rows} == {"recovery_case"}
