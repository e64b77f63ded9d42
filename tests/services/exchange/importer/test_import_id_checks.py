"""A roster's 身份证号 against the GB/T 2260 divisions, and one person's rows twice in a file."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from builders import good_rows, write_messy_xlsx
from talentdesk.domain import idcard
from talentdesk.models.entities import Talent
from talentdesk.services.exchange import importer
from talentdesk.services.register import talents


def _count(ctx) -> int:
    with ctx.read() as s:
        return s.execute(select(func.count()).select_from(Talent)).scalar_one()


def test_abolished_division_imports_with_a_warning(ctx, tmp_path):
    rows = good_rows(3)
    old = idcard.make("110103", dt.date(1985, 5, 1), 11)  # 北京市崇文区, merged into 东城区 in 2010
    rows[1]["身份证号码"] = old
    where = write_messy_xlsx(tmp_path / "old.xlsx", rows)
    s = importer.run_import(ctx, tmp_path / "old.xlsx")
    assert s.errors == [] and s.inserted == 3
    assert talents.get(ctx, old).record["birth_date"] == dt.date(1985, 5, 1)
    (w,) = [w for w in s.warnings if "行政区划" in w.message]
    assert (w.row, w.column, w.severity) == (where[1], "身份证号码", "warning")
    assert w.message == f"第{where[1]}行：行政区划代码110103已撤销（北京市崇文区，2010年后停用），请核对"
    assert w.message in [x["message"] for x in s.as_json()["warnings"]]


def test_division_that_never_existed_or_not_yet_is_an_error(ctx, tmp_path):
    rows = good_rows(3)
    rows[0]["身份证号码"] = idcard.make("999999", dt.date(1990, 5, 1), 11)
    rows[2]["身份证号码"] = idcard.make("150603", dt.date(2002, 5, 1), 11)  # 康巴什区 since 2016
    where = write_messy_xlsx(tmp_path / "bad.xlsx", rows)
    s = importer.run_import(ctx, tmp_path / "bad.xlsx")
    msgs = {(e.row, e.column): e.message for e in s.errors}
    assert set(msgs) == {(where[0], "身份证号码"), (where[2], "身份证号码")}
    assert "999999不是有效的行政区划代码" in msgs[(where[0], "身份证号码")]
    assert "150603（内蒙古自治区康巴什区）2016年才设立，而出生年份为2002年" in msgs[(where[2], "身份证号码")]
    assert s.inserted == 1 and _count(ctx) == 1


def test_identical_duplicate_rows_import_once_with_a_warning(ctx, tmp_path):
    rows = good_rows(3)
    rows.append(dict(rows[0]))  # pasted twice (the 序号 differs; it is not imported)
    where = write_messy_xlsx(tmp_path / "twice.xlsx", rows)
    s = importer.run_import(ctx, tmp_path / "twice.xlsx")
    assert s.errors == [] and s.rows == 4 and s.valid == 3 and s.inserted == 3 and s.skipped == 1
    assert f"第{where[3]}行与第{where[0]}行完全相同，只导入一次" in [w.message for w in s.warnings]
    assert _count(ctx) == 3


def test_differing_rows_of_one_person_are_errors_naming_the_columns(ctx, tmp_path):
    rows = good_rows(3)
    rows.append(dict(rows[0], 引进时间=dt.date(2023, 6, 1), 联系电话="13900139000"))
    rows.append(dict(rows[0]))  # the same as the first: still in doubt, which of the three is right
    where = write_messy_xlsx(tmp_path / "differ.xlsx", rows)
    s = importer.run_import(ctx, tmp_path / "differ.xlsx")
    msgs = {e.row: e.message for e in s.errors}
    assert set(msgs) == {where[0], where[3], where[4]} and {e.column for e in s.errors} == {"身份证号码"}
    first, other, copy = where[0], where[3], where[4]
    assert f"另见第{other}行，引进时间、联系电话不同；第{copy}行，与本行相同" in msgs[first]
    assert f"另见第{first}行，引进时间、联系电话不同；第{copy}行，引进时间、联系电话不同" in msgs[other]
    assert "请核对后只保留一行" in msgs[first]
    assert not any("完全相同" in w.message for w in s.warnings)
    assert s.inserted == 2


def test_one_number_pasted_down_many_rows_keeps_its_messages_short(ctx, tmp_path):
    rows = good_rows(1)
    rows += [dict(rows[0], 联系电话=f"1390013{9000 + i:04d}") for i in range(30)]
    where = write_messy_xlsx(tmp_path / "pasted.xlsx", rows)
    s = importer.run_import(ctx, tmp_path / "pasted.xlsx")
    assert len(s.errors) == 31 and s.inserted == 0
    first = next(e.message for e in s.errors if e.row == where[0])
    assert first.count("联系电话不同") == 5 and "；共30行" in first
