"""The ``facts`` import kind (服务年度情况): same engine, dry run, errors written back."""

from __future__ import annotations

import datetime as dt

import openpyxl

from factories import talent_row
from talentdesk.services.benefits import grant_facts, grants
from talentdesk.services.exchange import importer
from talentdesk.services.register import talents
from talentdesk.services.context import ServiceContext

D = dt.date


def _expert(ctx):
    row = talent_row(**{"姓名": "孙专家", "引进方式": "特聘", "用人单位": "阿拉山口市某局", "引进日期": "2020-01-10",
                        "合同起始日期": "2020-01-10", "协议签订日期": "2020-01-10"})
    idn = row["身份证号"]
    talents.add(ctx, row)
    talents.update(ctx, idn, {}, policy_id="alashankou-2014")
    g = grants.propose(ctx, idn, "special_hire_subsidy", approved_on=D(2020, 1, 10), approval_doc_no="阿左人才字〔2023〕11号",
                       facts={"alashankou_expert": True})
    return idn, grants.approve(ServiceContext(ctx.db, user="李审核", role="reviewer"), g.id)


def test_facts_template_and_import(ctx, tmp_path):
    idn, g = _expert(ctx)
    path = importer.write_template("facts", tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(path)
    heads = [c.value for c in wb.worksheets[0][1]]
    assert heads[:4] == ["身份证号", "姓名", "待遇项目", "服务年度"] and "服务月数" in heads
    assert any("不是公历年份" in str(c.value) for row in wb["填表说明"].iter_rows() for c in row)

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "姓名", "身份证号码", "待遇项目", "服务年度", "服务月数", "在岗天数", "是否返岗"])
    ws.append([1, "孙专家", idn, "special_hire_subsidy", "第1年", 8, 230, "是"])
    ws.append([2, "孙专家", idn, "special_hire_subsidy", 2, 13, None, None])       # 13 months
    ws.append([3, "孙专家", idn, "housing_subsidy_xx", 3, 7, None, None])          # no such grant
    ws.append([4, "孙专家", idn, "special_hire_subsidy", 4, None, None, None])     # nothing to record
    ws.append([5, "孙专家", idn, "special_hire_subsidy", 2025, 7, None, None])     # a calendar year
    ws.append([6, "孙专家", idn, "special_hire_subsidy", 3, 4, None, None])
    wb.save(tmp_path / "f.xlsx")

    dry = importer.run_import(ctx, tmp_path / "f.xlsx", "facts", dry_run=True)
    assert dry.rows == 6 and dry.valid == 2 and not dry.committed
    by_row = {e.row: e for e in dry.errors}
    assert set(by_row) == {3, 4, 5, 6}
    assert by_row[3].column == "服务月数" and by_row[6].column == "服务年度"
    assert by_row[4].column == "待遇项目" and "没有" in by_row[4].message   # from the service, in the dry run
    assert grant_facts.list_facts(ctx, g.id) == []

    done = importer.run_import(ctx, tmp_path / "f.xlsx", "facts", report=tmp_path / "report.xlsx")
    assert done.committed and done.inserted == 2
    facts = {f.year: f.values for f in grant_facts.list_facts(ctx, g.id)}
    assert facts == {1: {"months_served": 8, "onsite_days": 230, "returned_to_post": True},
                     3: {"months_served": 4}}
    # year 3 with 4 months: its installment is cancelled at once
    g = grants.get_grant(ctx, g.id)
    assert g.installments[2].status == "cancelled" and g.installments[2].status_reason.startswith("【服务年度】")
    assert (tmp_path / "report.xlsx").exists()
