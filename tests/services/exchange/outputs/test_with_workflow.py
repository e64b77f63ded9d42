"""Ledgers and forms over data made by the workflow services (propose, approve, pay,
reverse, review 不合格, departure, recovery), not hand-made rows."""

from __future__ import annotations

import datetime as dt
import re

import openpyxl
import pytest
from pypdf import PdfReader

from factories import talent_row
from talentdesk.outputs.xlsx import read_money
from talentdesk.services.benefits import agreements, departures, grants, payments, reviews
from talentdesk.services.exchange import reports
from talentdesk.services.register import talents
from talentdesk.services.context import ServiceContext

D = dt.date


def as_(ctx, user, role):
    return ServiceContext(ctx.db, user=user, role=role)


@pytest.fixture
def story(ctx):
    clerk, reviewer = as_(ctx, "王经办", "clerk"), as_(ctx, "李审核", "reviewer")
    row = talent_row(姓名="高原")
    idn = row["身份证号"]
    talents.add(clerk, row)
    agreements.add(clerk, idn, kind="服务期协议", start_date=D(2023, 5, 1), term_years=5,
                   signed_date=D(2023, 5, 1), required_service_years=5)
    g = grants.approve(reviewer, grants.propose(clerk, idn, "settlement_allowance", approved_on=D(2023, 6, 1),
                                                approval_doc_no="阿左人才字〔2023〕5号").id)
    first, second, third = (i.id for i in g.installments)
    payments.propose(clerk, [first], as_of=D(2023, 6, 2))
    payments.approve(reviewer, [first])
    payments.record_paid(clerk, first, D(2023, 6, 5), "记-2023-06-001")
    reviews.record(reviewer, idn, 2023, "合格", D(2024, 1, 15))
    payments.propose(clerk, [second], as_of=D(2024, 6, 10))
    payments.approve(reviewer, [second])
    payments.record_paid(clerk, second, D(2024, 6, 20), "记-2024-06-015")
    # a payment recorded twice by mistake elsewhere is reversed: here the second one, then paid again
    payments.reverse(reviewer, second, "凭证号录错", reversed_on=D(2024, 6, 21), voucher_no="冲-001")
    reviews.record(reviewer, idn, 2024, "不合格", D(2025, 1, 10))
    dep = departures.record(clerk, idn, D(2025, 3, 1), "调离")
    departures.record_recovery(clerk, dep.id, 1_000_000, D(2025, 4, 1), "收-001")
    return {"clerk": clerk, "idn": idn, "third": third}


def _flat(path):
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(str(path)).pages))


def test_ledgers_from_workflow(story, tmp_path):
    clerk = story["clerk"]
    out = tmp_path / "d.xlsx"
    reports.export_ledger(clerk, "disbursement", out, year=2024)
    ws = openpyxl.load_workbook(out).active
    header = [c.value for c in ws[3]]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=4)]
    data = [r for r in rows if isinstance(r[0], int)]
    amount, paid = header.index("金额（元）"), header.index("已发放（元）")
    assert sorted(read_money(r[amount]) for r in data) == [-6_000_000, 6_000_000]
    total = next(r for r in rows if r[1] == "合计")
    assert read_money(total[amount]) == 0 and read_money(total[paid]) == 0  # paid then reversed
    assert "盟级（元）" in header or "旗（区）级（元）" in header
    out = tmp_path / "r.xlsx"
    reports.export_ledger(clerk, "recovery", out)
    ws = openpyxl.load_workbook(out).active
    header = [c.value for c in ws[3]]
    line = [c.value for c in ws[4]]
    assert read_money(line[header.index("已领取补贴（元）")]) == 8_000_000
    assert read_money(line[header.index("应退回（元）")]) == 8_000_000
    assert read_money(line[header.index("未追回（元）")]) == 7_000_000


def test_forms_from_workflow(story, tmp_path):
    clerk, idn = story["clerk"], story["idn"]
    out = tmp_path / "a.pdf"
    reports.print_forms(clerk, "approval", out, talent=idn, benefit="settlement_allowance")
    t = _flat(out)
    assert "高原" in t and "贰拾万元整" in t and "第四十条" in t and "阿左人才字〔2023〕5号" in t
    out = tmp_path / "s.pdf"
    reports.print_forms(clerk, "review", out, year=2024)
    t = _flat(out)
    assert "不合格1人" in t and "60,000.00" in t and "已取消" in t and "第三十六条" in t
    out = tmp_path / "n.pdf"
    reports.print_forms(clerk, "recovery", out, talent=idn)
    t = _flat(out)
    assert "调离" in t and "捌万元整" in t and "柒万元整" in t and "第十九条" in t
