"""人才统计表: the cross-tab on a hand-computable database, its reconciliation with the
待遇发放台账, the workbook read back, and the CLI."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest

from factories import id_number
from talentdesk.cli import main
from talentdesk.domain.errors import ValidationError
from talentdesk.models.db import open_database
from talentdesk.models.entities import BenefitGrant, Employer, Installment, InstallmentFunding, Talent
from talentdesk.outputs.xlsx import read_money
from talentdesk.services.context import ServiceContext
from talentdesk.services.exchange import reports
from talentdesk.services.overview import statistics

D = dt.date


def seed(ctx) -> None:
    """Six talents at three employers (one without district/industry/kind) and one without
    an employer; paid, scheduled, reversed, refund-due, unfunded and cancelled installments."""
    with ctx.write() as s:
        e1 = Employer(name="阿拉善盟第一中学", district="阿拉善左旗", industry="P", kind="事业单位")
        e2 = Employer(name="阿拉善右旗化工有限公司", district="阿拉善右旗", industry="C", kind="民营企业")
        e3 = Employer(name="某未登记单位")
        s.add_all([e1, e2, e3])
        s.flush()

        def talent(name, emp, edu, cls, mode, intro):
            t = Talent(name=name, id_number=id_number(), education=edu, talent_class=cls, introduction_mode=mode,
                       employer_id=emp.id if emp else None, introduction_date=intro)
            s.add(t)
            s.flush()
            return t

        t1 = talent("张一", e1, "博士研究生", "A", "招聘", D(2023, 5, 1))
        talent("李二", e1, "硕士研究生", "无", "调动", D(2024, 3, 1))
        t3 = talent("王三", e2, "硕士研究生", "B", "特聘", D(2024, 6, 1))
        talent("赵四", e2, "大学本科", None, "招聘", D(2022, 1, 10))
        t5 = talent("钱五", e3, "博士研究生", None, "兼职", D(2024, 7, 1))
        talent("孙六", None, "大学本科", None, "招聘", D(2024, 8, 1))

        def grant(t):
            g = BenefitGrant(talent_id=t.id, policy_id="alxa-2023", benefit_code="settlement_allowance",
                             benefit_name="安家补贴", status="approved")
            s.add(g)
            s.flush()
            return g

        def inst(g, seq, due, amount, status, funding=(), reverses=None, voucher=None):
            i = Installment(grant_id=g.id, seq=seq, due_date=due, amount_fen=amount, status=status,
                            reverses_id=reverses.id if reverses else None, voucher_no=voucher,
                            paid_date=due if status in reports.PAID_STATUSES else None)
            i.funding = [InstallmentFunding(level=lv, amount_fen=a) for lv, a in funding]
            s.add(i)
            s.flush()
            return i

        g1, g3, g5 = grant(t1), grant(t3), grant(t5)
        inst(g1, 1, D(2024, 3, 1), 1_000_000, "paid", [("league", 600_000), ("banner", 400_000)], voucher="V1")
        inst(g1, 2, D(2024, 9, 1), 1_000_000, "scheduled", [("league", 1_000_000)])
        inst(g3, 1, D(2024, 5, 1), 500_000, "paid", [("banner", 500_000)], voucher="V3")
        inst(g3, 2, D(2025, 5, 1), 500_000, "paid", [("banner", 500_000)], voucher="V4")
        inst(g3, 3, D(2024, 6, 1), 200_000, "refund_due")  # no funding row recorded
        i7 = inst(g5, 1, D(2024, 8, 1), 300_000, "paid", [("league", 300_000)], voucher="V7")
        inst(g5, 1, D(2024, 8, 1), -300_000, "reversed", [("league", -300_000)], reverses=i7, voucher="V8")
        inst(g5, 2, D(2024, 10, 1), 700_000, "cancelled", [("league", 700_000)])


def grid(t: statistics.StatTable) -> dict[str, list[int]]:
    return {r: [t.value(r, c) for c in t.col_labels] + [t.row_total(r)] for r in t.row_labels} | {
        "合计": [t.col_total(c) for c in t.col_labels] + [t.total]}


def test_count_by_district_and_education(ctx):
    seed(ctx)
    t = statistics.compute(ctx, "地区", "学历")
    assert t.col_labels == ["博士研究生", "硕士研究生", "大学本科"]
    assert t.row_labels == ["阿拉善右旗", "阿拉善左旗", "未填写"]
    assert grid(t) == {"阿拉善右旗": [0, 1, 1, 2], "阿拉善左旗": [1, 1, 0, 2], "未填写": [1, 0, 1, 2],
                       "合计": [2, 2, 2, 6]}
    t = statistics.compute(ctx, "district", "education", year=2024)  # introduced in 2024 only
    assert grid(t) == {"阿拉善右旗": [0, 1, 0, 1], "阿拉善左旗": [0, 1, 0, 1], "未填写": [1, 0, 1, 2],
                       "合计": [1, 2, 1, 4]}
    t = statistics.compute(ctx, "年度", "人才类别", year_from=2023, year_to=2024)
    assert t.col_labels == ["A类", "B类", "无", "未填写"] and t.row_labels == ["2023年", "2024年"]
    assert grid(t)["2024年"] == [0, 1, 1, 2, 4] and t.total == 5 and t.period == "2023年至2024年"


def test_count_by_industry_kind_and_mode(ctx):
    seed(ctx)
    t = statistics.compute(ctx, "行业", "用人单位性质")
    assert t.row_labels == ["制造业", "教育", "未登记行业"]  # GB/T 4754 order: C before P
    assert grid(t)["教育"] == [0, 2, 0, 2] and t.col_labels == ["民营企业", "事业单位", "未填写"]
    assert grid(t)["未登记行业"] == [0, 0, 2, 2]
    t = statistics.compute(ctx, "引进方式", "行业")
    assert t.row_labels == ["招聘", "调动", "特聘", "兼职"]  # the roster's order of modes
    assert grid(t)["招聘"] == [1, 1, 1, 3]


def test_paid_by_industry_and_level(ctx):
    seed(ctx)
    t = statistics.compute(ctx, "行业", "资金层级", measure="paid", year=2024)
    assert t.col_labels == ["盟级", "旗（区）级", "未登记资金层级"]
    # 教育: V1 split 6000/4000; 制造业: V3 banner 5000 + the unfunded refund-due 2000;
    # 未登记行业: paid 3000 then reversed (net 0); scheduled and cancelled never count
    assert grid(t) == {"制造业": [0, 500_000, 200_000, 700_000], "教育": [600_000, 400_000, 0, 1_000_000],
                       "未登记行业": [0, 0, 0, 0], "合计": [600_000, 900_000, 200_000, 1_700_000]}
    whole = statistics.compute(ctx, "行业", "地区", measure="paid")  # every year: V4 (2025) too
    assert whole.total == 2_200_000 and whole.value("制造业", "阿拉善右旗") == 1_200_000


def test_refusals(ctx):
    with pytest.raises(ValidationError, match="行和列不能都是“学历”"):
        statistics.compute(ctx, "学历", "education")
    with pytest.raises(ValidationError, match="只能用于已发放金额"):
        statistics.compute(ctx, "地区", "资金层级")
    with pytest.raises(ValidationError, match="没有“民族”这一统计项"):
        statistics.compute(ctx, "民族", "地区")
    with pytest.raises(ValidationError, match="起始年度2025晚于截止年度2024"):
        statistics.compute(ctx, "地区", "学历", year_from=2025, year_to=2024)


def _ledger_paid_by_level(path) -> tuple[dict[str, int], int]:
    """From the 待遇发放台账 workbook: each level column summed over the rows whose money
    went out, and the 已发放 合计."""
    ws = openpyxl.load_workbook(path).active
    rows = list(ws.iter_rows(values_only=True))
    h = next(i for i, r in enumerate(rows) if r and r[0] == "序号")
    head = rows[h]
    status_col = head.index("状态")
    levels = {lab[:-len("（元）")]: i for i, lab in enumerate(head)
              if lab and lab.endswith("（元）") and lab not in ("金额（元）", "已发放（元）")}
    paid_names = {reports.INSTALLMENT_STATUS[s] for s in reports.PAID_STATUSES}
    sums = {lab: 0 for lab in levels}
    for r in rows[h + 1:]:
        if isinstance(r[0], int) and r[status_col] in paid_names:
            for lab, i in levels.items():
                sums[lab] += read_money(r[i])
    total_row = next(r for r in rows[h + 1:] if r[1] == "合计")
    return sums, read_money(total_row[head.index("已发放（元）")])


def test_paid_reconciles_with_disbursement_ledger(ctx, tmp_path):
    seed(ctx)
    reports.export_ledger(ctx, "disbursement", tmp_path / "ledger.xlsx", year=2024)
    by_level, ledger_paid = _ledger_paid_by_level(tmp_path / "ledger.xlsx")
    t = statistics.compute(ctx, "资金层级", "地区", measure="paid", year=2024)
    assert {lab: t.row_total(lab) for lab in by_level} == by_level == {"盟级": 600_000, "旗（区）级": 900_000}
    assert t.total == ledger_paid == 1_700_000
    # the part no funding row covers is its own row, so levels + it = the ledger's 已发放
    assert t.row_total("未登记资金层级") == ledger_paid - sum(by_level.values())


def test_workbook_read_back(ctx, tmp_path):
    seed(ctx)
    t = statistics.compute(ctx, "行业", "资金层级", measure="paid", year=2024)
    result = statistics.export_table(ctx, t, tmp_path / "统计.xlsx")
    wb = openpyxl.load_workbook(result.path)
    ws = wb["人才统计表"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0][0] == "人才统计表"
    header = " ".join(str(v) for v in rows[1] if v)
    assert header.startswith("单位：") and "统计期间：2024年度" in header and "计量单位：元" in header
    assert rows[2][0] == "行业" and rows[2][1] == "资金层级" and rows[2][-1] == "合计"
    assert rows[3][1:4] == ["盟级", "旗（区）级", "未登记资金层级"]
    body = {r[0]: [read_money(v) for v in r[1:5]] for r in rows[4:8]}
    assert body == {"制造业": [0, 500_000, 200_000, 700_000], "教育": [600_000, 400_000, 0, 1_000_000],
                    "未登记行业": [0, 0, 0, 0], "合计": [600_000, 900_000, 200_000, 1_700_000]}
    footer = next(r[0] for r in rows if r[0] and str(r[0]).startswith("填报单位："))
    assert "填报人：tester" in footer and "填报日期：" in footer
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    # fit to one page wide (1 is the file format's default, left unwritten), any number tall
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1)
    assert ws.page_setup.fitToHeight == 0
    with ctx.read() as s:
        from sqlalchemy import select

        from talentdesk.models.entities import AuditEvent

        ev = s.execute(select(AuditEvent).where(AuditEvent.entity == "statistics")).scalar_one()
        assert json.loads(ev.after)["total"] == 1_700_000


def test_cli(tmp_path, capsys):
    path = tmp_path / "cli.sqlite3"
    db = open_database(path)
    seed(ServiceContext(db, user="tester"))
    db.dispose()
    out = tmp_path / "t.xlsx"
    code = main(["--db", str(path), "stats", "table", "--rows", "地区", "--cols", "学历", "--year", "2024",
                 "--out", str(out), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["total"] == 4 and data["col_totals"] == [1, 2, 1]
    assert data["table"][2] == {"label": "未填写", "cells": [1, 0, 1], "total": 2}
    assert openpyxl.load_workbook(out).active["A1"].value == "人才统计表"
    code = main(["--db", str(path), "stats", "table", "--rows", "行业", "--cols", "资金层级", "--measure", "paid"])
    text = capsys.readouterr().out
    assert code == 0 and "教育\t6,000.00\t4,000.00\t0.00\t10,000.00" in text
    assert "合计\t6,000.00\t14,000.00\t2,000.00\t22,000.00" in text
    code = main(["--db", str(path), "stats", "table", "--rows", "地区", "--cols", "资金层级"])
    assert code == 1 and "只能用于已发放金额" in capsys.readouterr().err
