"""The engine's answers follow the registers when the records come in through the Excel
import (issue 17): an imported recognition is 待定 until another user confirms it (第二十条),
a recognition valid until today counts and one that ended yesterday does not; an imported
stay in a talent apartment takes the rent subsidy away (第四十一条), one that ended before
the benefit's period does not. Through the services and the rules engine, not hard-coded."""

from __future__ import annotations

import datetime as dt

import openpyxl

from factories import talent_row
from talentdesk.services.benefits import grants
from talentdesk.services.context import ServiceContext
from talentdesk.services.exchange import importer
from talentdesk.services.register import recognitions, talents

D = dt.date
TODAY = dt.date.today()


def _add(ctx, **over) -> str:
    row = talent_row(**over)
    talents.add(ctx, row)
    return row["身份证号"]


def _sheet(path, head, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(head)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def _allowance(ctx, idn):
    return grants.evaluate_talent(ctx, idn, approved_on=D(2023, 6, 1)).benefit("settlement_allowance")


def test_imported_recognition_counts_once_confirmed_and_until_its_last_day(ctx, tmp_path):
    clerk = ServiceContext(ctx.db, user="王经办", role="clerk")
    reviewer = ServiceContext(ctx.db, user="李审核", role="reviewer")
    a = _add(clerk, 人才类别="C")
    b = _add(clerk, 姓名="李娜", 人才类别="C")
    c = _add(clerk, 姓名="赵强", 人才类别="C")
    assert any("人才类别未经认定确认（第二十条）" in x for x in _allowance(clerk, a).reasons)
    head = ["身份证号", "认定类型", "类别或层次", "认定文号", "认定日期", "有效期至"]
    path = _sheet(tmp_path / "r.xlsx", head, [
        [a, "阿拉善盟人才分类", "C类", "阿人才办字〔2023〕5号", D(2023, 5, 1), None],
        [b, "阿拉善盟人才分类", "C", "阿人才办字〔2023〕6号", D(2023, 5, 1), TODAY],
        [c, "阿拉善盟人才分类", "c", "阿人才办字〔2023〕7号", D(2023, 5, 1), TODAY - dt.timedelta(days=1)],
    ])
    s = importer.run_import(clerk, path, "recognitions")
    assert s.committed and s.inserted == 3
    pending = _allowance(clerk, a)  # imported, not yet confirmed: still 待定
    assert pending.eligible is None and any("尚未经审核确认" in x and "第二十条" in x for x in pending.reasons)
    for v in recognitions.list_recognitions(clerk, status="待确认"):
        recognitions.confirm(reviewer, v.id, confirmed_on=D(2023, 5, 10))
    assert _allowance(clerk, a).eligible is True
    last_day = _allowance(clerk, b)  # valid until today: in force
    assert last_day.eligible is True and last_day.tier == "经评价认定的高层次人才"
    ended = _allowance(clerk, c)  # ended yesterday: 待定 with the date
    assert ended.eligible is None and any(f"已于{TODAY - dt.timedelta(days=1)}到期" in x for x in ended.reasons)


def test_imported_stay_takes_the_rent_subsidy_away(ctx, tmp_path):
    clerk = ServiceContext(ctx.db, user="王经办", role="clerk")
    housed = _add(clerk, 急需紧缺="否")
    moved_out = _add(clerk, 姓名="李娜", 急需紧缺="否")

    def rent(idn):
        return grants.evaluate_talent(clerk, idn, approved_on=D(2023, 6, 1), as_of=D(2024, 7, 1)).benefit(
            "rent_subsidy")

    assert rent(housed).status == "eligible" and rent(moved_out).total_fen == 4500000
    path = _sheet(tmp_path / "h.xlsx", ["房号", "面积（平方米）", "身份证号", "入住日期", "退房日期", "退房原因"], [
        ["人才公寓1号楼101", 90, housed, D(2023, 6, 10), None, None],
        ["人才公寓1号楼102", 75, moved_out, D(2021, 1, 1), D(2023, 5, 31), "购买自有住房"],
    ])
    s = importer.run_import(clerk, path, "housing")
    assert s.committed and s.inserted == 2
    r = rent(housed)
    assert r.status == "ineligible" and any("已入住人才公寓" in x for x in r.reasons)
    assert rent(moved_out).status == "eligible"  # left the day before the period began
