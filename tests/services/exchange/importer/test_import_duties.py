"""The import kinds of the office's other registers (issue 17): 人才认定, 人才服务事项,
回访记录, 人才公寓入住. For each: the template is re-opened (headers, text ID column, drop-
downs, 填表说明), a filled-in template imports through the services, a bad cell is reported
at its cell (dry run and the error report, painted red), and nothing of a refused row is
left behind."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from factories import talent_row
from talentdesk.services.care import cases, housing, visits
from talentdesk.services.context import ServiceContext
from talentdesk.services.exchange import importer
from talentdesk.services.register import recognitions, talents

D = dt.date


@pytest.fixture
def clerk(ctx):
    return ServiceContext(ctx.db, user="王经办", role="clerk")


@pytest.fixture
def people(clerk):
    a, b = talent_row(), talent_row(姓名="李娜")
    talents.add(clerk, a)
    talents.add(clerk, b)
    return a["身份证号"], b["身份证号"]


def _fill(tmp_path, kind: str, rows: list[dict]) -> tuple:
    """The blank template of ``kind``, re-opened, with ``rows`` (label → value) from row 2."""
    path = importer.write_template(kind, tmp_path / f"{kind}.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    labels = [c.value for c in ws[1]]
    col = {v: i + 1 for i, v in enumerate(labels)}
    for r, row in enumerate(rows, start=2):
        for label, value in row.items():
            ws.cell(row=r, column=col[label], value=value)
    out = tmp_path / f"{kind}-filled.xlsx"
    wb.save(out)
    return out, labels, wb


def _report_cells(path, sheet: str) -> dict[tuple[int, str], str]:
    """{(row, header): comment} of the red cells of an error report."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    heads = [c.value for c in ws[1]]
    out = {}
    for row in ws.iter_rows(min_row=2):
        for c in row:
            if c.comment is not None and c.fill.fgColor.rgb.endswith("FF9999"):
                out[(c.row, heads[c.column - 1])] = c.comment.text
    return out


def _notes(wb) -> str:
    return " ".join(str(c.value) for row in wb["填表说明"].iter_rows() for c in row if c.value)


def test_recognitions_template_import_and_bad_cells(clerk, people, tmp_path):
    a, b = people
    path, labels, wb = _fill(tmp_path, "recognitions", [
        {"身份证号": a, "姓名": "张伟", "认定类型": "阿拉善盟人才分类", "类别或层次": "C",
         "认定文号": "阿人才办字〔2025〕5号", "认定日期": D(2025, 3, 1), "有效期至": D(2028, 2, 28)},
        {"身份证号": b, "姓名": "李娜", "认定类型": "阿拉善盟人才分类", "类别或层次": "F",       # no class F
         "认定文号": "阿人才办字〔2025〕6号", "认定日期": D(2025, 3, 1)},
        {"身份证号": "152921199001011235", "姓名": "王五", "认定类型": "包头市高层次人才认定",  # not registered
         "类别或层次": "三类", "认定文号": "包人才办字〔2025〕2号", "认定日期": D(2025, 3, 1)},
        {"身份证号": b, "姓名": "李娜", "认定类型": "包头市高层次人才认定", "类别或层次": "4",
         "认定文号": "包人才办字〔2025〕3号", "认定日期": D(2025, 4, 1), "有效期至": D(2025, 1, 1)},  # before
    ])
    assert labels[:4] == ["身份证号", "姓名", "认定类型", "类别或层次"] and "认定文号" in labels
    ws = wb.worksheets[0]
    assert ws.title == "人才认定" and ws.cell(row=2, column=1).number_format == "@"
    lists = {dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"}
    assert '"阿拉善盟人才分类,包头市高层次人才认定,阿拉善英才"' in lists
    assert "第二十条" in _notes(wb)

    dry = importer.run_import(clerk, path, "recognitions", dry_run=True, report=tmp_path / "r.xlsx")
    assert dry.rows == 4 and dry.valid == 1 and not dry.committed
    by_row = {e.row: e for e in dry.errors}
    assert set(by_row) == {3, 4, 5}
    assert by_row[3].column == "类别或层次" and "A、B、C、D、E" in by_row[3].message
    assert by_row[4].column == "身份证号" and "请先登记" in by_row[4].message
    assert by_row[5].column == "有效期至"
    assert recognitions.list_recognitions(clerk) == []            # the dry run wrote nothing
    red = _report_cells(tmp_path / "r.xlsx", "人才认定")
    assert {k[1] for k in red} == {"类别或层次", "身份证号", "有效期至"}

    done = importer.run_import(clerk, path, "recognitions")
    assert done.committed and done.inserted == 1
    [r] = recognitions.list_recognitions(clerk)
    assert (r.name, r.tier, r.status, r.proposed_by, r.body) == ("张伟", "C", "pending", "王经办",
                                                                  "阿拉善盟委人才工作领导小组办公室")
    # the same 文号 again is refused at the 认定文号 cell by the service
    again = importer.run_import(clerk, path, "recognitions", dry_run=True)
    assert any(e.row == 2 and e.column == "认定文号" and "不能重复登记" in e.message for e in again.errors)


def test_cases_template_import_opens_and_closes(clerk, people, tmp_path):
    a, b = people
    path, labels, wb = _fill(tmp_path, "cases", [
        {"身份证号": a, "姓名": "张伟", "事项类别": "落户", "申请日期": D(2025, 9, 26), "事项内容": "本人及子女随迁落户"},
        {"身份证号": b, "姓名": "李娜", "事项类别": "子女入学", "申请日期": D(2025, 9, 1), "事项内容": "子女就读公立小学",
         "办理时限（工作日）": "5个工作日", "经办人": "刘老师", "办理结果": "办结", "办结日期": D(2025, 9, 5),
         "结果说明": "已入学"},
        {"身份证号": a, "姓名": "张伟", "事项类别": "买房", "申请日期": D(2025, 9, 1), "事项内容": "x"},   # no such kind
        {"身份证号": a, "姓名": "张伟", "事项类别": "就医", "申请日期": D(2025, 9, 10), "事项内容": "专家门诊",
         "办理结果": "办结"},                                                                          # no 办结日期
        {"身份证号": a, "姓名": "张伟", "事项类别": "就医", "申请日期": D(2025, 9, 10), "事项内容": "复诊",
         "办理时限（工作日）": 0},                                                                      # bad limit
    ])
    assert labels[:5] == ["身份证号", "姓名", "事项类别", "申请日期", "事项内容"]
    assert "10个工作日" in _notes(wb)
    dry = importer.run_import(clerk, path, "cases", dry_run=True, report=tmp_path / "r.xlsx")
    by_row = {e.row: e.column for e in dry.errors}
    assert by_row == {4: "事项类别", 5: "办结日期", 6: "办理时限（工作日）"} and dry.valid == 2
    assert {k[1] for k in _report_cells(tmp_path / "r.xlsx", "人才服务事项")} == set(by_row.values())
    assert cases.list_cases(clerk) == []
    done = importer.run_import(clerk, path, "cases")
    assert done.committed and done.inserted == 2
    got = {c.kind: c for c in cases.list_cases(clerk, on=D(2025, 10, 20))}
    assert got["落户"].due_date == D(2025, 10, 16) and got["落户"].status == "overdue"   # 国庆 not counted
    assert got["落户"].article == "阿拉善盟办法第四十二条"
    assert (got["子女入学"].status, got["子女入学"].outcome, got["子女入学"].limit_days,
            got["子女入学"].handled_by, got["子女入学"].days_taken) == ("closed", "办结", 5, "刘老师", 4)


def test_visits_template_import_opens_a_case(clerk, people, tmp_path):
    a, b = people
    path, labels, wb = _fill(tmp_path, "visits", [
        {"身份证号": a, "姓名": "张伟", "走访日期": D(2025, 6, 3), "走访人员": "王主任、李干事", "走访形式": "走访",
         "反映问题": "子女明年入学", "跟进措施": "转教育局", "新建事项类别": "子女入学"},
        {"身份证号": b, "姓名": "李娜", "走访日期": D(2025, 6, 4), "走访人员": "王主任", "走访形式": "电话回访"},
        {"身份证号": b, "姓名": "李娜", "走访日期": D(2025, 6, 5), "走访人员": "王主任", "走访形式": "微信"},  # bad form
        {"身份证号": b, "姓名": "李娜", "走访日期": D(2099, 1, 1), "走访人员": "王主任", "走访形式": "座谈"},  # future
    ])
    assert labels[:5] == ["身份证号", "姓名", "走访日期", "走访人员", "走访形式"]
    dry = importer.run_import(clerk, path, "visits", dry_run=True, report=tmp_path / "r.xlsx")
    assert {e.row: e.column for e in dry.errors} == {4: "走访形式", 5: "走访日期"}
    assert {k[1] for k in _report_cells(tmp_path / "r.xlsx", "回访记录")} == {"走访形式", "走访日期"}
    assert visits.list_visits(clerk) == [] and cases.list_cases(clerk) == []
    done = importer.run_import(clerk, path, "visits")
    assert done.committed and done.inserted == 2
    got = {v.talent_name: v for v in visits.list_visits(clerk)}
    assert got["李娜"].form == "电话" and got["李娜"].case_id is None
    [c] = cases.list_cases(clerk)
    assert got["张伟"].case_id == c.id and (c.kind, c.requested_on, c.summary) == ("子女入学", D(2025, 6, 3),
                                                                               "子女明年入学")


def test_housing_template_import_flats_and_stays(clerk, people, tmp_path):
    a, b = people
    c = talent_row(姓名="赵强")
    talents.add(clerk, c)
    path, labels, wb = _fill(tmp_path, "housing", [
        {"房号": "人才公寓1号楼101", "面积（平方米）": "90平方米", "产权单位": "阿左旗人才公寓", "身份证号": a,
         "姓名": "张伟", "入住日期": D(2024, 3, 1)},
        {"房号": "人才公寓1号楼102", "面积（平方米）": 75, "身份证号": b, "姓名": "李娜", "入住日期": D(2023, 1, 1),
         "退房日期": D(2024, 12, 31), "退房原因": "购买自有住房"},
        {"房号": "人才公寓1号楼101", "身份证号": c["身份证号"], "姓名": "赵强", "入住日期": D(2024, 6, 1)},  # taken
        {"房号": "人才公寓1号楼103", "身份证号": c["身份证号"], "姓名": "赵强", "入住日期": D(2024, 6, 1),
         "退房日期": D(2024, 7, 1)},                                                            # no reason
        {"房号": "人才公寓1号楼104", "面积（平方米）": "大", "身份证号": c["身份证号"], "姓名": "赵强",
         "入住日期": D(2024, 6, 1)},                                                            # bad area
        {"房号": "人才公寓1号楼105", "面积（平方米）": 60, "身份证号": a, "姓名": "张伟",
         "入住日期": D(2024, 6, 1)},                   # a new flat, but 张伟 lives in 101: the flat is not kept
    ])
    assert labels[:3] == ["房号", "面积（平方米）", "产权单位"] and "身份证号" in labels
    dry = importer.run_import(clerk, path, "housing", dry_run=True, report=tmp_path / "r.xlsx")
    errs = {e.row: e for e in dry.errors}
    assert set(errs) == {4, 5, 6, 7}
    assert "已由张伟自2024-03-01起入住" in errs[4].message
    assert "同一人不能同时入住两套人才公寓" in errs[7].message
    assert (errs[4].column, errs[5].column, errs[6].column, errs[7].column) == ("房号", "退房原因", "面积（平方米）",
                                                                                 "身份证号")
    assert {k[1] for k in _report_cells(tmp_path / "r.xlsx", "人才公寓入住")} == {"房号", "退房原因", "面积（平方米）",
                                                                               "身份证号"}
    assert housing.list_flats(clerk) == []
    done = importer.run_import(clerk, path, "housing")
    assert done.committed and done.inserted == 2
    assert sorted(f.unit for f in housing.list_flats(clerk)) == ["人才公寓1号楼101", "人才公寓1号楼102"]
    stays = {o.name: o for o in housing.list_occupancies(clerk)}
    assert stays["张伟"].limit_until == D(2027, 2, 28) and "第四十一条" in stays["张伟"].basis  # 3 years, alxa
    assert stays["李娜"].end_date == D(2024, 12, 31) and stays["李娜"].ended_reason == "购买自有住房"
    # the refused row 3 registered no flat and allocated nothing
    assert [o.name for o in housing.list_occupancies(clerk, current=True, on=D(2025, 1, 1))] == ["张伟"]


def test_all_or_nothing_writes_nothing(clerk, people, tmp_path):
    a, b = people
    path, _labels, _wb = _fill(tmp_path, "visits", [
        {"身份证号": a, "走访日期": D(2025, 6, 3), "走访人员": "王主任", "走访形式": "走访"},
        {"身份证号": "152921199001011235", "走访日期": D(2025, 6, 3), "走访人员": "王主任", "走访形式": "走访"},
    ])
    s = importer.run_import(clerk, path, "visits", all_or_nothing=True)
    assert not s.committed and s.inserted == 0 and visits.list_visits(clerk) == []


def test_the_kinds_choices_are_the_services():
    """The import kinds spell out the services' lists (so opening the importer loads no
    service); they must stay the same."""
    by_key = importer.get_kind("cases").by_key
    assert by_key["kind"].choices == tuple(cases.KINDS) and by_key["outcome"].choices == cases.OUTCOMES
    assert importer.get_kind("visits").by_key["form"].choices == visits.FORMS
    assert importer.get_kind("visits").by_key["case_kind"].choices == tuple(cases.KINDS)
