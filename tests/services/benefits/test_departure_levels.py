"""Departure recoveries split back to each funding level (《内蒙古自治区人才发展促进条例》第六十五条),
as in-post recoveries are: the refund due by what each level paid of the benefit (包头 1:1
市级/旗县区级), each recovery by each level's outstanding part; in the 追回台账 and the
追回通知书; a 待定 refund is split only once the office decides it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from talentdesk.models.money.departure_level import DepartureLevel, RecoveryLevel
from talentdesk.rules import recovery as rule
from talentdesk.services.benefits import decisions, departures, grants
from talentdesk.services.exchange import reports
from tests.services.benefits.test_recoveries import _people, baotou_paid

D = dt.date


def _baotou_departed(ctx):
    clerk, reviewer, _ = _people(ctx)
    idn, inst = baotou_paid(ctx)
    dep = departures.record(clerk, idn, D(2023, 5, 1), "调离")
    assert dep.undetermined
    assert departures.get_departure(clerk, dep.id).levels == [] or \
        all(lv.amount_fen == 0 for lv in departures.get_departure(clerk, dep.id).levels)
    decisions.record(clerk, idn, number="包人才办〔2023〕9号", decided_on=D(2023, 5, 20), override="refund",
                     benefit_code="introduction_subsidy", amount_fen=15_000_001, description="根据具体情况，追回")
    departures.recompute(clerk, dep.id)
    return clerk, idn, departures.get_departure(clerk, dep.id)


def test_baotou_refund_splits_1_to_1_and_recoveries_follow(ctx):
    clerk, idn, dep = _baotou_departed(ctx)
    assert dep.refund_due_fen == 15_000_001 and not dep.undetermined
    assert [(lv.level, lv.paid_fen, lv.amount_fen) for lv in dep.levels] == [
        ("city", 10_000_000, 7_500_001), ("local", 10_000_000, 7_500_000)]
    dep = departures.record_recovery(clerk, dep.id, 5_000_000, D(2023, 6, 1), "收-1")
    assert dep.recoveries[0].levels == {"city": 2_500_000, "local": 2_500_000}
    dep = departures.record_recovery(clerk, dep.id, 10_000_001, D(2023, 7, 1), "收-2")
    assert dep.outstanding_fen == 0
    assert {lv.level: (lv.recovered_fen, lv.outstanding_fen) for lv in dep.levels} == {
        "city": (7_500_001, 0), "local": (7_500_000, 0)}
    with ctx.read() as s:
        assert sum(s.execute(select(RecoveryLevel.amount_fen)).scalars()) == 15_000_001
        assert sum(s.execute(select(DepartureLevel.amount_fen)).scalars()) == 15_000_001

    ledger = reports.recovery_ledger(ctx)
    names = [c.label for c in ledger.columns]
    assert "市级应退回（元）" in names and sum(n.endswith("已追回（元）") for n in names) == 3, names
    rows = list(ledger.rows)
    first = rows[0]
    city_due = names.index(next(n for n in names if n.startswith("市级应退回")))
    assert first[city_due] == 7_500_001 and first[city_due + 1] == 7_500_001
    total = rows[-1]
    assert total[city_due] == 7_500_001

    notice = reports.recovery_notice(ctx, idn)
    assert [fen for _, fen in notice.levels] == [7_500_001, 7_500_000]
    assert notice.levels[0][0].startswith("市")


def test_alxa_refund_is_split_when_the_departure_is_recorded(ctx):
    from talentdesk.services.benefits import payments
    from tests.services.benefits.test_refund_recompute import _office

    clerk, _, idn, first = _office(ctx)
    payments.record_paid(clerk, first, D(2023, 6, 20), "V1")
    [g] = grants.list_grants(clerk, talent=idn)
    g = grants.get_grant(clerk, g.id)
    dep = departures.record(clerk, idn, D(2024, 3, 1), "调离")
    dep = departures.get_departure(clerk, dep.id)
    assert dep.refund_due_fen > 0
    funding = g.installments[0].funding
    assert {lv.level for lv in dep.levels} == set(funding)
    assert sum(lv.amount_fen for lv in dep.levels) == dep.refund_due_fen
    assert {lv.level: lv.paid_fen for lv in dep.levels} == funding
    # each level's part in proportion to what it paid (largest remainder)
    assert {lv.level: lv.amount_fen for lv in dep.levels} == rule.split(dep.refund_due_fen, funding)


def test_a_departure_without_level_rows_is_split_on_its_first_recovery(ctx):
    clerk, idn, dep = _baotou_departed(ctx)

    with ctx.write() as s:
        for lv in s.execute(select(DepartureLevel)).scalars():
            s.delete(lv)
    assert departures.get_departure(clerk, dep.id).levels == []
    dep = departures.record_recovery(clerk, dep.id, 1_000, D(2023, 6, 1), "收-9")
    assert sum(lv.amount_fen for lv in dep.levels) == 15_000_001
    assert dep.recoveries[0].levels == {"city": 500, "local": 500}
