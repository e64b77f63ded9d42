"""The demo's budget lines (阿党人才字〔2023〕2号 第四十八条): every year 2019–2027 and level that
pays has an appropriation with its 文号, one year is over-committed, and the 资金测算 workbook's
已发放 reconciles to the fen with the 待遇发放台账 per year and funding level."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from talentdesk.models.db import open_database
from talentdesk.outputs.model import Heading, Subtotal, Total
from talentdesk.services.context import ServiceContext
from talentdesk.services.exchange import demo, reports
from talentdesk.services.exchange.demodata.budget import FIRST_YEAR, LAST_YEAR
from talentdesk.services.finance import budget

SIZE = 120
YEARS = list(range(FIRST_YEAR, LAST_YEAR + 1))


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo_budget") / "demo.sqlite3"
    db = open_database(path)
    demo.generate(ServiceContext(db), size=SIZE, seed=7)
    yield db
    db.dispose()


def _ledger_paid_by_level(ctx, year: int) -> dict[str, int]:
    """Per funding level, the money out of the 待遇发放台账 of ``year``: the level columns of
    the rows whose 已发放 is filled (paid, refund due, refunded; reversals negative)."""
    ledger = reports.disbursement_ledger(ctx, year)
    labels = [c.label for c in ledger.columns]
    first = labels.index("金额（元）") + 1
    paid_col = labels.index("已发放（元）")
    level_labels = labels[first:paid_col]
    out = {lab: 0 for lab in level_labels}
    for row in ledger.rows:
        if isinstance(row, (Subtotal, Total, Heading)) or row[paid_col] is None:
            continue
        for i, lab in enumerate(level_labels):
            out[lab] += row[first + i] or 0
    return {lab.removesuffix("（元）"): fen for lab, fen in out.items()}


def test_lines_for_every_year_and_one_year_over_committed(demo_db):
    ctx = ServiceContext(demo_db)
    lines = budget.list_lines(ctx)
    assert {v.year for v in lines} == set(YEARS)
    assert all(v.doc_no and v.amount_fen > 0 and v.amount_fen % 1_000_000 == 0 for v in lines)
    assert any(v.amendments for v in lines)  # a line amended mid-year (追加): history kept
    fc = budget.forecast(ctx, FIRST_YEAR, len(YEARS), estimate=False)
    over = {(c.year, c.level) for c in fc.cells if c.over_committed}
    assert over and {y for y, _ in over} == {dt.date.today().year}
    assert fc.warnings and all("超出预算" in w for w in fc.warnings)
    # every year and level that paid or committed anything has its line
    for c in fc.cells:
        if c.committed_fen or c.proposed_fen:
            assert c.appropriation_fen is not None, (c.year, c.level)


def test_budget_sheet_paid_reconciles_with_the_disbursement_ledger_to_the_fen(demo_db, tmp_path):
    ctx = ServiceContext(demo_db)
    out = tmp_path / "资金测算.xlsx"
    first, n = FIRST_YEAR, 7  # 2019–2025: the years with payments
    budget.export_forecast(ctx, out, first, n)
    wb = openpyxl.load_workbook(out)
    checked = 0
    grand = 0
    for year in range(first, first + n):
        ws = wb[f"{year}年"]
        head = [c.value for c in ws[3]]
        col = head.index("已发放（元）")
        sheet = {r[0]: r[col] for r in ws.iter_rows(min_row=4, values_only=True) if r[0]}
        # the ledger names a level as the year's packs do (“属地（旗县区）”), the sheet generically (“属地”)
        ledger = {next(k for k in sheet if k != "合计" and lab.startswith(k)): fen
                  for lab, fen in _ledger_paid_by_level(ctx, year).items()}
        for label, fen in ledger.items():
            assert round(sheet[label] * 100) == fen, (year, label, sheet[label], fen)
            checked += 1
        assert round(sheet["合计"] * 100) == sum(ledger.values())
        grand += sum(ledger.values())
        # and the service's own figures (integer fen), level by level
        fc = budget.forecast(ctx, year, 1, estimate=False)
        assert {c.level_label: c.paid_fen for c in fc.cells if c.paid_fen} == {k: v for k, v in ledger.items() if v}
    assert checked >= n and grand > 0


def test_departure_refunds_are_split_by_level_to_the_fen(demo_db):
    """条例 第六十五条: every departure's refund is split back to the levels that paid, and
    every recovery too; the demo decides one 包头 refund and splits it 1:1 (市级/旗县区级)."""
    from talentdesk.services.benefits import departures

    ctx = ServiceContext(demo_db)
    multi = 0
    for d in departures.list_departures(ctx):
        full = departures.get_departure(ctx, d.id)
        if full.refund_due_fen:
            assert sum(lv.amount_fen for lv in full.levels) == full.refund_due_fen, full.name
        for r in full.recoveries:
            assert sum(r.levels.values()) == r.amount_fen
        parts = [lv for lv in full.levels if lv.amount_fen]
        if len(parts) >= 2 and full.recovered_fen:
            multi += 1
            assert {lv.level for lv in parts} == {"city", "local"}
            assert abs(parts[0].amount_fen - parts[1].amount_fen) <= 1
    assert multi >= 1
