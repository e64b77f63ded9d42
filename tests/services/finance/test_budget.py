"""资金测算 (阿拉善盟办法 第四十八条): budget lines, the forecast, the approval warning,
the workbook, and the reconciliation of 已发放 with the 待遇发放台账."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from factories import talent_row
from talentdesk.domain.errors import PermissionDenied, ValidationError
from talentdesk.models.money.budget import BudgetAmendment
from talentdesk.services.benefits import grants, payments
from talentdesk.services.context import ServiceContext
from talentdesk.services.exchange import reports
from talentdesk.services.finance import budget
from talentdesk.services.office.audit import log as audit
from talentdesk.services.register import talents

D = dt.date
DOC = "阿左人才字〔2023〕11号"


def _seed(ctx):
    """a: PhD, 安家补贴 200,000 approved 2024-03-01 (80,000 paid; 60,000 due 2025 and 2026, 盟级);
    b: master, 安家补贴 100,000 proposed for 2025-01-10 (40,000 / 30,000 / 30,000)."""
    a, b = talent_row(), talent_row(姓名="李娜", 学历="硕士研究生", 学位="硕士")
    talents.add(ctx, a)
    talents.add(ctx, b)
    g = grants.approve(ctx, grants.propose(ctx, a["身份证号"], "settlement_allowance", approved_on=D(2024, 3, 1),
                                           approval_doc_no=DOC).id)
    first = g.installments[0].id
    payments.propose(ctx, [first], as_of=D(2024, 3, 1))
    payments.approve(ctx, [first])
    payments.record_paid(ctx, first, D(2024, 3, 11), "V1")
    p = grants.propose(ctx, b["身份证号"], "settlement_allowance", approved_on=D(2025, 1, 10),
                       approval_doc_no="阿左人才字〔2025〕12号")
    return a, b, g, p


def test_lines_set_amend_and_history(ctx):
    v = budget.set_line(ctx, year=2025, level="league", amount_fen=10_000_000, doc_no="阿财预〔2025〕3号")
    assert v.source == budget.DEFAULT_SOURCE and v.amendments == 0 and v.level_label == "盟级"
    v2 = budget.set_line(ctx, year=2025, level="league", amount_fen=12_000_000, note="追加")
    assert v2.id == v.id and v2.amount_fen == 12_000_000 and v2.amendments == 1
    v3 = budget.amend_line(ctx, v.id, amount_fen=11_000_000, expected_version=v2.version)
    other = budget.set_line(ctx, year=2025, level="league", source="上级转移支付", amount_fen=500)
    assert other.id != v.id
    hist = budget.line_history(ctx, v.id)
    assert [(h.before_fen, h.after_fen) for h in hist] == [(None, 10_000_000), (10_000_000, 12_000_000),
                                                         (12_000_000, 11_000_000)]
    assert [x.amount_fen for x in budget.list_lines(ctx, years=[2025])] == [11_000_000, 500]
    assert budget.list_lines(ctx, years=[2026]) == []
    with pytest.raises(Exception, match="已被其他用户修改"):
        budget.amend_line(ctx, v.id, amount_fen=1, expected_version=v2.version)
    assert v3.version > v2.version
    events = [e for e in audit.list_events(ctx) if e.entity == budget.ENTITY]
    assert len(events) == 4
    with pytest.raises(ValidationError):
        budget.set_line(ctx, year=2025, level="county", amount_fen=-1)
    with pytest.raises(ValidationError, match="序号"):
        budget.set_line(ctx, year=2025, level="league", amount_fen=1, doc_no="阿财预〔2025〕号")


def test_budget_write_needs_a_reviewer(db):
    clerk = ServiceContext(db, user="clerk1", role="clerk")
    with pytest.raises(PermissionDenied, match="预算"):
        budget.set_line(clerk, year=2025, level="league", amount_fen=1)
    assert budget.set_line(ServiceContext(db, user="r", role="reviewer"), year=2025, level="league",
                           amount_fen=1).amount_fen == 1


def test_forecast_figures(ctx):
    _seed(ctx)
    budget.set_line(ctx, year=2025, level="league", amount_fen=10_000_000)
    budget.set_line(ctx, year=2025, level="league", source="上级转移支付", amount_fen=1_000_000)
    budget.set_line(ctx, year=2024, level="league", amount_fen=5_000_000)
    fc = budget.forecast(ctx, 2024, 4, today=D(2025, 1, 1), estimate=False)
    assert fc.years == [2024, 2025, 2026, 2027] and fc.levels == ["league"]
    c24, c25, c26, c27 = (fc.cell(y, "league") for y in fc.years)
    assert (c24.appropriation_fen, c24.paid_fen, c24.approved_fen, c24.proposed_fen) == (5_000_000, 8_000_000, 0, 0)
    assert c24.over_committed and c24.balance_fen == -3_000_000
    assert (c25.appropriation_fen, c25.paid_fen, c25.approved_fen, c25.proposed_fen) == (11_000_000, 0, 6_000_000,
                                                                                         4_000_000)
    assert not c25.over_committed and c25.balance_fen == 1_000_000
    assert c26.appropriation_fen is None and c26.balance_fen is None and not c26.over_committed
    assert (c26.approved_fen, c26.proposed_fen, c27.proposed_fen) == (6_000_000, 3_000_000, 3_000_000)
    assert fc.total(2025).demand_fen == 10_000_000
    assert fc.warnings == ["2024年盟级已批准和已发放80,000.00元，超出预算30,000.00元"]
    d = fc.as_dict()
    assert d["cells"][0]["over_committed"] is True and d["basis"].endswith("第四十八条")


def test_forecast_reversal_nets_out(ctx):
    _, _, g, _ = _seed(ctx)
    payments.reverse(ctx, g.installments[0].id, "退回", reversed_on=D(2024, 4, 2))
    fc = budget.forecast(ctx, 2024, 1, estimate=False)
    assert fc.cell(2024, "league").paid_fen == 0


def test_engine_estimate_and_pending(ctx):
    c = talent_row(姓名="王强")
    talents.add(ctx, c)
    today = D(2025, 6, 1)
    ev = grants.evaluate_talent(ctx, c["身份证号"], approved_on=today, as_of=today)
    expect: dict = {}
    for r in ev.benefits:
        if r.status == "eligible" and r.total_fen is not None and r.installments and not r.pending and not r.in_kind:
            for i in r.installments:
                for lv, fen in (i.funding.items() if i.status != "cancelled" else ()):
                    expect[(i.due.year, lv)] = expect.get((i.due.year, lv), 0) + fen
    assert expect, "the PhD is entitled to something the engine can price"
    fc = budget.forecast(ctx, 2025, 4, today=today)
    got = {(x.year, x.level): x.likely_fen for x in fc.cells if x.likely_fen}
    assert got == {k: v for k, v in expect.items() if 2025 <= k[0] <= 2028}
    assert fc.talents_evaluated == 1
    assert all(p.count >= 1 and p.kind in ("amount", "eligibility") for p in fc.pending)
    # proposing the settlement allowance moves it from likely to proposed
    p = grants.propose(ctx, c["身份证号"], "settlement_allowance", approved_on=today, approval_doc_no=DOC)
    fc2 = budget.forecast(ctx, 2025, 4, today=today)
    assert fc2.cell(2025, "league").proposed_fen == p.installments[0].amount_fen
    settled = {(i.due.year, lv): fen for r in ev.benefits if r.code == "settlement_allowance"
               for i in r.installments for lv, fen in i.funding.items()}
    assert fc2.cell(2025, "league").likely_fen == expect.get((2025, "league"), 0) - settled.get((2025, "league"), 0)


def test_pending_amount_is_not_a_silent_zero(ctx):
    """A high-level talent's 安家补贴 is 一事一议 (第四十条): 待定, counted, not 0."""
    c = talent_row(姓名="赵敏", 人才类别="C")
    talents.add(ctx, c)
    today = D(2025, 6, 1)
    ev = grants.evaluate_talent(ctx, c["身份证号"], approved_on=today, as_of=today)
    undecided = [r for r in ev.benefits if r.status in ("eligible", "undetermined") and not r.in_kind
                 and not (r.status == "eligible" and r.total_fen is not None and r.installments and not r.pending)]
    assert undecided, "a class-C talent leaves some amount to the office"
    fc = budget.forecast(ctx, 2025, 1, today=today)
    assert sum(p.count for p in fc.pending) == len(undecided)
    for p in fc.pending:
        assert p.text.startswith(p.benefit_name) and f"{p.count}人" in p.text


def test_approval_warns_when_over_budget_and_records_it(ctx):
    a = talent_row()
    talents.add(ctx, a)
    budget.set_line(ctx, year=2024, level="league", amount_fen=5_000_000)
    p = grants.propose(ctx, a["身份证号"], "settlement_allowance", approved_on=D(2024, 3, 1), approval_doc_no=DOC)
    assert budget.approval_warnings(ctx, p.id) == ["超出2024年盟级预算30,000.00元"]
    g = grants.approve(ctx, p.id)
    assert g.status == "approved" and g.budget_warnings == ["超出2024年盟级预算30,000.00元"]
    ev = [e for e in audit.list_events(ctx) if e.entity == "benefit_grant" and e.action == "approve"][-1]
    assert "超出2024年盟级预算" in str(ev.after)
    # after approval the grant is counted once, not twice
    assert budget.approval_warnings(ctx, g.id) == ["超出2024年盟级预算30,000.00元"]


def test_no_line_no_warning_and_enough_budget_no_warning(ctx):
    a, b = talent_row(), talent_row(姓名="李娜")
    talents.add(ctx, a)
    talents.add(ctx, b)
    p = grants.propose(ctx, a["身份证号"], "settlement_allowance", approved_on=D(2024, 3, 1), approval_doc_no=DOC)
    assert grants.approve(ctx, p.id).budget_warnings == []
    budget.set_line(ctx, year=2024, level="league", amount_fen=16_000_000)
    q = grants.propose(ctx, b["身份证号"], "settlement_allowance", approved_on=D(2024, 5, 1),
                       approval_doc_no="阿左人才字〔2024〕5号")
    assert budget.approval_warnings(ctx, q.id) == []  # 80,000 + 80,000 = 160,000: exactly the appropriation
    budget.set_line(ctx, year=2024, level="league", amount_fen=15_999_999)
    assert budget.approval_warnings(ctx, q.id) == ["超出2024年盟级预算0.01元"]


def _ledger_paid_by_level(path) -> dict[str, int]:
    """Sum each level column over the installment rows whose 已发放 is filled."""
    ws = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    head_i = next(i for i, r in enumerate(rows) if r and "已发放（元）" in r)
    head = rows[head_i]
    paid_col = head.index("已发放（元）")
    level_cols = {name[:-len("（元）")]: j for j, name in enumerate(head)
                  if name and name.endswith("（元）") and name not in ("金额（元）", "已发放（元）")}
    out = {k: 0 for k in level_cols}
    for r in rows[head_i + 1:]:
        if not isinstance(r[0], int) or r[paid_col] in (None, ""):  # detail rows carry their 序号
            continue
        for k, j in level_cols.items():
            out[k] += round(float(r[j] or 0) * 100)
    return out


def test_paid_reconciles_with_the_disbursement_ledger(ctx, tmp_path):
    a, b, g, p = _seed(ctx)
    grants.approve(ctx, p.id)
    g2 = grants.get_grant(ctx, p.id)
    first = g2.installments[0].id
    payments.propose(ctx, [first], as_of=D(2025, 1, 10))
    payments.approve(ctx, [first])
    payments.record_paid(ctx, first, D(2025, 1, 20), "V2")
    # and a reversal in 2024: the ledger's 已发放 and the forecast both net it
    payments.reverse(ctx, g.installments[0].id, "误发", reversed_on=D(2024, 5, 1))
    fc = budget.forecast(ctx, 2024, 2, estimate=False)
    for year in (2024, 2025):
        out = tmp_path / f"ledger{year}.xlsx"
        reports.export_ledger(ctx, "disbursement", out, year=year)
        ledger = _ledger_paid_by_level(out)
        mine = {budget.level_label(lv): fc.cell(year, lv).paid_fen for lv in fc.levels}
        assert ledger == mine, year
    assert fc.cell(2025, "league").paid_fen == 4_000_000


def test_export_workbook_reads_back(ctx, tmp_path):
    _seed(ctx)
    budget.set_line(ctx, year=2024, level="league", amount_fen=5_000_000)
    out = tmp_path / "测算.xlsx"
    res = budget.export_forecast(ctx, out, 2024, 2, today=D(2025, 1, 1))
    assert res.warnings and res.rows >= 4
    wb = openpyxl.load_workbook(out, read_only=True)
    assert wb.sheetnames[:2] == ["2024年", "2025年"] and "待定" in wb.sheetnames
    rows = list(wb["2024年"].iter_rows(values_only=True))
    head = rows[2]
    assert head[:7] == budget.COLUMNS[:7]
    league = next(r for r in rows if r[0] == "盟级")
    assert league[1] == 50_000 and league[2] == 80_000 and league[6] < 0
    total = next(r for r in rows if r[0] == "合计")
    assert total[2] == 80_000
    rows25 = list(wb["2025年"].iter_rows(values_only=True))
    league25 = next(r for r in rows25 if r[0] == "盟级")
    assert league25[1] in (None, "") and budget.NO_BUDGET in league25[7] and league25[3] == 60_000
    assert any(e.entity == "budget_forecast" for e in audit.list_events(ctx))
