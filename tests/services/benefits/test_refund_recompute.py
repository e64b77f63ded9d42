"""追回台账: the refund due and its basis follow payments recorded after the departure
(audited), until the recovery is settled."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select

from factories import talent_row
from talentdesk.models.entities import AuditEvent
from talentdesk.services.benefits import agreements, departures, grants, payments
from talentdesk.services.exchange import reports
from talentdesk.services.register import talents
from talentdesk.services.context import ServiceContext

D = dt.date


def _office(ctx):
    clerk = ServiceContext(ctx.db, user="王经办", role="clerk")
    reviewer = ServiceContext(ctx.db, user="李审核", role="reviewer")
    row = talent_row()
    talents.add(clerk, row)
    idn = row["身份证号"]
    agreements.add(clerk, idn, kind="服务期协议", start_date=D(2023, 5, 1), term_years=5, signed_date=D(2023, 5, 1),
                   required_service_years=5)
    g = grants.approve(reviewer, grants.propose(clerk, idn, "settlement_allowance", approved_on=D(2023, 6, 1),
                                                approval_doc_no="阿左人才字〔2023〕11号").id)
    first = g.installments[0].id
    payments.propose(clerk, [first], as_of=D(2023, 6, 2))
    payments.approve(reviewer, [first])
    return clerk, reviewer, idn, first


def _ledger_row(ctx, name):
    led = reports.recovery_ledger(ctx)
    return next(r for r in led.rows if isinstance(r, tuple) and r[1] == name)


def test_payment_recorded_after_the_departure_updates_the_refund(ctx):
    clerk, reviewer, idn, first = _office(ctx)
    dep = departures.record(clerk, idn, D(2024, 3, 1), "调离")
    assert dep.refund_due_fen == 0  # nothing was paid yet
    # the approved first installment is paid afterwards (the bank ran the batch)
    payments.record_paid(clerk, first, D(2024, 3, 5), "V1")
    dep = departures.get_departure(clerk, dep.id)
    assert dep.refund_due_fen == 8_000_000 and "已领取80,000.00元" in dep.basis
    row = _ledger_row(clerk, "张伟")
    assert row[6] == 8_000_000 and row[7] == 8_000_000  # 已领取 and 应退回 agree in the same row
    with ctx.read() as session:
        ev = session.execute(select(AuditEvent.action, AuditEvent.before, AuditEvent.after).where(
            AuditEvent.entity == "departure").order_by(AuditEvent.id)).all()
    assert ev[-1][0] == "recompute"
    assert json.loads(ev[-1][1])["refund_due_fen"] == 0 and json.loads(ev[-1][2])["refund_due_fen"] == 8_000_000

    # a reversal brings it back down, while nothing was recovered
    payments.reverse(reviewer, first, "重复支付", reversed_on=D(2024, 3, 10))
    assert departures.get_departure(clerk, dep.id).refund_due_fen == 0


def test_a_settled_recovery_is_no_longer_recomputed(ctx):
    clerk, reviewer, idn, first = _office(ctx)
    payments.record_paid(clerk, first, D(2023, 6, 5), "V1")
    dep = departures.record(clerk, idn, D(2024, 3, 1), "调离")
    assert dep.refund_due_fen == 8_000_000
    departures.record_recovery(clerk, dep.id, 8_000_000, D(2024, 4, 1), "收-1")
    payments.reverse(reviewer, first, "冲销", reversed_on=D(2024, 4, 2))
    dep = departures.get_departure(clerk, dep.id)
    assert dep.refund_due_fen == 8_000_000 and dep.outstanding_fen == 0
    assert departures.recompute(clerk) == []


def test_recompute_command_fixes_a_frozen_basis(ctx):
    clerk, reviewer, idn, first = _office(ctx)
    dep = departures.record(clerk, idn, D(2024, 3, 1), "调离")
    # an older database: the payment went in without the hook
    with ctx.write() as session:
        from talentdesk.models.entities import Installment

        inst = session.get(Installment, first)
        inst.status, inst.paid_date = "paid", D(2024, 3, 5)
    changed = departures.recompute(clerk, dep.id)
    assert [d.refund_due_fen for d in changed] == [8_000_000]
    assert departures.recompute(clerk, dep.id) == []


def test_recompute_cli(tmp_path, capsys):
    from talentdesk.cli import main

    code = main(["--db", str(tmp_path / "x.sqlite3"), "depart", "recompute", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert json.loads(out) == {"changed": []}
