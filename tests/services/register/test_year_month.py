"""毕业时间 where a roster gives only the year and month (2020年7月, 2020.07): kept as a
year-month, its own value, never a made-up first of the month — through the form, the
import (including the number Excel makes of “2020.07”), storage on both databases, the
talent's record and the talents ledger."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from factories import talent_row
from talentdesk.domain import roster, values
from talentdesk.domain.errors import ValidationError
from talentdesk.domain.values import YearMonth
from talentdesk.services.exchange import importer, reports
from talentdesk.services.register import talents


@pytest.mark.parametrize("raw, want", [
    ("2020年7月", YearMonth(2020, 7)), ("2020.07", YearMonth(2020, 7)), ("2020-07", YearMonth(2020, 7)),
    ("202007", YearMonth(2020, 7)), (2020.07, YearMonth(2020, 7)), (2020.12, YearMonth(2020, 12)),
    (2020.2, YearMonth(2020, 2)), ("2020年7月15日", dt.date(2020, 7, 15)), (dt.date(2020, 7, 15), dt.date(2020, 7, 15)),
    (44027, dt.date(2020, 7, 15)), ("", None)])
def test_parses_a_month_or_a_date(raw, want):
    assert values.parse_date_or_month(raw) == want


@pytest.mark.parametrize("raw, words", [(2020.1, "1月或2020年10月"), ("2020-13", "没有13月"), ("七月", "年月")])
def test_refuses_what_it_cannot_read_plainly(raw, words):
    with pytest.raises(ValueError, match=words):
        values.parse_date_or_month(raw)


def test_a_year_month_is_stored_and_read_back_as_such(ctx):
    row = talent_row(毕业时间="2020年7月")
    talents.add(ctx, row)
    rec = talents.get(ctx, row["身份证号"]).record
    assert rec["graduation_date"] == YearMonth(2020, 7)
    assert roster.to_json_row(rec)["毕业时间"] == "2020-07"
    talents.update(ctx, row["身份证号"], {"毕业时间": "2020-06-30"}, by="label")
    assert talents.get(ctx, row["身份证号"]).record["graduation_date"] == dt.date(2020, 6, 30)
    with pytest.raises(ValidationError, match="毕业时间"):
        talents.update(ctx, row["身份证号"], {"毕业时间": 2020.1}, by="label")


def _roster(path, cells):
    wb = openpyxl.Workbook()
    ws = wb.active
    base = talent_row()
    labels = list(base)
    ws.append(labels + ["毕业时间"])
    for n, cell in enumerate(cells):
        row = talent_row(姓名=f"测试{n}")
        ws.append([row[k] for k in labels] + [cell])
    wb.save(path)


def test_import_keeps_months_and_names_the_ambiguous_number(ctx, tmp_path):
    _roster(tmp_path / "r.xlsx", ["2020.07", 2019.06, "2018-06-30", 2020.1])
    s = importer.run_import(ctx, tmp_path / "r.xlsx")
    assert s.inserted == 3 and len(s.errors) == 1
    assert "2020年10月" in s.errors[0].message and s.errors[0].row == 5
    got = sorted((t.name, talents.get(ctx, t.id_number).record["graduation_date"])
                 for t in talents.list_talents(ctx, limit=10)[1])
    assert got == [("测试0", YearMonth(2020, 7)), ("测试1", YearMonth(2019, 6)), ("测试2", dt.date(2018, 6, 30))]


def test_ledger_writes_the_month_as_it_is(ctx):
    talents.add(ctx, talent_row(毕业时间="2020.07"))
    led = reports.talent_ledger(ctx)
    col = [c.label for c in led.columns].index("毕业时间")
    first = next(r for r in led.rows if isinstance(r, tuple))
    assert first[col] == "2020-07"
