"""在岗追回: the 追回通知书 of a decided case (PDF) and the 追回案件台账 read back with openpyxl."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from talentdesk.domain.errors import ValidationError
from talentdesk.services.benefits import recoveries
from talentdesk.services.exchange import reports

from services.benefits.test_recoveries import _people, alxa_partly_paid, baotou_paid

D = dt.date


def _cases(ctx):
    clerk, reviewer, _ = _people(ctx)
    idn, _ = baotou_paid(ctx)
    fraud = recoveries.open(clerk, idn, "fraud", "伪造学位证书骗取引进补贴")
    recoveries.decide(reviewer, fraud.id, 15_000_001, "包人才办〔2024〕3号", decided_on=D(2024, 3, 1),
                      plan=recoveries.even_plan(15_000_001, 3, D(2024, 4, 1)))
    recoveries.record_repayment(clerk, fraud.id, 5_000_001, D(2024, 4, 1), "R1")
    idn2, _ = alxa_partly_paid(ctx)
    review = recoveries.open(clerk, idn2, "review", "2024年度考核不合格")
    return clerk, fraud, review


def test_notice_for_a_decided_case(ctx, tmp_path):
    clerk, fraud, review = _cases(ctx)
    form = reports.case_notice(clerk, fraud.id)
    assert form.refund_due_fen == 15_000_001 and form.recovered_fen == 5_000_001
    assert form.outstanding_fen == 10_000_000 and form.received_fen == 20_000_000
    assert form.decision_doc_no == "包人才办〔2024〕3号" and "弄虚作假" in form.in_post
    assert [fen for _, fen in form.levels] == [7_500_001, 7_500_000] and len(form.plan) == 3
    assert any("第六十五条" in a for a in form.articles)
    out = reports.print_case_notice(clerk, fraud.id, tmp_path / "notice.pdf")
    assert out.pages >= 1 and (tmp_path / "notice.pdf").read_bytes()[:4] == b"%PDF"
    with pytest.raises(ValidationError, match="尚未核定"):
        reports.case_notice(clerk, review.id)


def test_ledger_reads_back(ctx, tmp_path):
    clerk, fraud, review = _cases(ctx)
    out = reports.export_ledger(clerk, "recovery_case", tmp_path / "cases.xlsx")
    assert out.rows == 2
    ws = openpyxl.load_workbook(tmp_path / "cases.xlsx").active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    header_i = next(i for i, r in enumerate(rows) if r[0] == "序号")
    header = rows[header_i]
    for label in ("追回事由", "建议追回（元）", "核定追回（元）", "已退回（元）", "尚需退回（元）", "市级核定（元）",
                  "属地（旗县区）已退回（元）", "盟级核定（元）", "决定文号"):
        assert label in header, label
    data = {r[1]: dict(zip(header, r)) for r in rows[header_i + 1:] if isinstance(r[0], int)}
    f = data["刘洋"]
    assert f["追回事由"] == "骗取补贴" and f["建议追回（元）"] == 200000 and f["核定追回（元）"] == 150000.01
    assert f["已退回（元）"] == 50000.01 and f["尚需退回（元）"] == 100000
    assert f["市级核定（元）"] == 75000.01 and f["属地（旗县区）核定（元）"] == 75000
    assert f["市级已退回（元）"] + f["属地（旗县区）已退回（元）"] == pytest.approx(50000.01)
    r = data["张伟"]
    assert r["建议追回（元）"] == "待定" and r["核定追回（元）"] is None and r["状态"] == "待核定"
    assert "第三十六条" in r["依据"]
