"""Excel ledgers read back with openpyxl: values, totals to the fen, layout, masking, safety."""

from __future__ import annotations

import datetime as dt
import threading

import openpyxl
import pytest

from talentdesk.domain import idcard
from talentdesk.models.entities import AuditEvent, Talent
from talentdesk.outputs import xlsx
from talentdesk.outputs.model import Heading, Ledger, LedgerColumn, Office, Subtotal, Total
from talentdesk.services.office import settings
from talentdesk.services.office.audit import log as audit
from talentdesk.services.exchange import reports

from .seed import scenario

HEADER_ROW = 3  # title, 填报单位 line, header


def _fen(v) -> int:
    return xlsx.read_money(v)


def _load(path):
    wb = openpyxl.load_workbook(path)
    return wb.active


def _rows(ws, first: int = HEADER_ROW + 1):
    """(row number, values) of the table body, until the blank row after it."""
    out = []
    for r in range(first, ws.max_row + 1):
        vals = [ws.cell(r, c).value for c in range(1, ws.max_column + 1)]
        if all(v is None for v in vals):
            break
        out.append((r, vals))
    return out


def _ids(ctx, ids, key):
    with ctx.read() as s:
        return s.get(Talent, ids[key]).id_number


def _layout_checks(ws, ncols: int):
    assert ws.freeze_panes in ("A4", "C4")
    assert ws.print_title_rows == "$3:$3"
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == "9"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth in (1, None) and ws.page_setup.fitToHeight == 0
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    assert any(str(m) == f"A1:{openpyxl.utils.get_column_letter(ncols)}1" for m in ws.merged_cells.ranges)
    assert ws["A2"].value.startswith("填报单位：")
    # empty table cells are bordered by one “blanks” conditional format over the table
    rules = [(str(cf.sqref), r.type) for cf in ws.conditional_formatting for r in cf.rules]
    assert any(t == "containsBlanks" and ref.startswith("A") for ref, t in rules), rules
    for c in range(1, ncols + 1):
        cell = ws.cell(HEADER_ROW, c)
        assert cell.font.name == "宋体" and cell.font.sz == 11
        assert ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width >= 6


def test_disbursement_ledger_totals_to_the_fen(ctx, tmp_path):
    ids = scenario(ctx)
    settings.save_settings(ctx, office_name="阿拉善左旗人才工作领导小组办公室")
    out = tmp_path / "发放台账.xlsx"
    result = reports.export_ledger(ctx, "disbursement", out, year=2024, mask=False)
    ws = _load(out)
    header = [c.value for c in ws[HEADER_ROW]]
    assert header[:8] == ["序号", "姓名", "身份证号", "用人单位", "待遇项目", "期次", "应发日期", "金额（元）"]
    assert "盟级（元）" in header and "旗（区）级（元）" in header
    _layout_checks(ws, len(header))
    assert ws["A1"].value == "阿拉善左旗人才工作领导小组办公室2024年度待遇发放台账"
    amount = header.index("金额（元）")
    league = header.index("盟级（元）")
    banner = header.index("旗（区）级（元）")
    paid = header.index("已发放（元）")
    rows = _rows(ws)
    data = [v for _, v in rows if isinstance(v[0], int)]
    # 2024 installments, cancelled ones excluded: 12 monthly + rent + 2 settlement
    assert len(data) == result.rows == 15
    expected = 12 * 300001 + 1500000 + 6000000 + 3000000
    assert sum(_fen(v[amount]) for v in data) == expected
    # every line's funding split adds up to its amount
    for v in data:
        assert _fen(v[league]) + _fen(v[banner]) == _fen(v[amount])
    # subtotals by benefit: sum of the lines above each one since the previous
    group: list = []
    subtotals = {}
    for _, v in rows:
        if isinstance(v[0], int):
            group.append(v)
        elif isinstance(v[1], str) and v[1].endswith("小计") and group:
            assert _fen(v[amount]) == sum(_fen(g[amount]) for g in group)
            assert _fen(v[league]) == sum(_fen(g[league]) for g in group)
            assert _fen(v[paid]) == sum(_fen(g[paid]) for g in group)
            subtotals[v[1]] = _fen(v[amount])
            group = []
    assert subtotals == {"博士后生活补助小计": 3600012, "租房补贴小计": 1500000, "安家补贴小计": 9000000}
    by_level = {v[1]: _fen(v[amount]) for _, v in rows if v[1] in ("盟级小计", "旗（区）级小计")}
    assert by_level == {"盟级小计": 12 * 150001 + 6000000 + 1500000, "旗（区）级小计": 12 * 150000 + 1500000 + 1500000}
    total = next(v for _, v in rows if v[1] == "合计")
    assert _fen(total[amount]) == expected == sum(by_level.values())
    assert _fen(total[league]) == by_level["盟级小计"]
    assert _fen(total[paid]) == 5 * 300001 + 1500000 + 6000000
    # money cells: numbers with two decimals and thousands separators
    r0 = rows[0][0]
    cell = ws.cell(r0, amount + 1)
    assert cell.data_type == "n" and cell.number_format == "#,##0.00" and cell.value == 3000.01
    # ID numbers are text cells
    id_cell = ws.cell(r0, 3)
    assert id_cell.data_type == "s" and id_cell.number_format == "@"
    assert id_cell.value == _ids(ctx, ids, "evil")
    # dates are dates
    assert ws.cell(r0, 7).value == dt.datetime(2024, 1, 10)
    assert ws.cell(r0, 7).number_format == "yyyy-mm-dd"
    # the total is a value, not a formula
    assert not any(isinstance(c.value, str) and c.value.startswith("=SUM") for row in ws.iter_rows() for c in row)


def test_formula_like_text_is_text(ctx, tmp_path):
    scenario(ctx)
    out = tmp_path / "t.xlsx"
    reports.export_ledger(ctx, "talents", out)
    ws = _load(out)
    cells = [c for row in ws.iter_rows(min_row=HEADER_ROW + 1) for c in row
             if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    values = {c.value for c in cells}
    assert '=HYPERLINK("x")' in values and "+cmd|' /C calc'!A0" in values
    for c in cells:
        assert c.data_type == "s"  # a string, never a formula
        assert c.quotePrefix  # Excel keeps it text when edited


def test_mask_hides_id_numbers_and_phones(ctx, tmp_path):
    ids = scenario(ctx)
    full = [_ids(ctx, ids, k) for k in ("zhang", "li", "wang", "evil")]
    for kind, year in (("talents", None), ("disbursement", 2024), ("review", 2024), ("recovery", None)):
        out = tmp_path / f"{kind}.xlsx"
        reports.export_ledger(ctx, kind, out, year=year, mask=True)
        ws = _load(out)
        text = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
        joined = "\n".join(text)
        for number in full:
            assert number not in joined, kind
        assert idcard.mask(full[0]) in joined
        assert "脱敏" in ws["A2"].value + str(ws.cell(2, ws.max_column // 2 + 1).value)
        if kind == "talents":
            assert "139****5678" in joined and "13912345678" not in joined


def test_talent_ledger_filters(ctx, tmp_path):
    scenario(ctx)
    out = tmp_path / "t.xlsx"
    res = reports.export_ledger(ctx, "talents", out, employer="阿拉善盟中心医院")
    names = sorted(v[1] for _, v in _rows(_load(out)) if isinstance(v[0], int))
    assert res.rows == 2 and names == ['=HYPERLINK("x")', "李娜"]
    res = reports.export_ledger(ctx, "talents", out, district="阿拉善高新区")
    assert [v[1] for _, v in _rows(_load(out)) if isinstance(v[0], int)] == ["王喆"]
    res = reports.export_ledger(ctx, "talents", out, status="departed")
    ws = _load(out)
    assert [v[1] for _, v in _rows(ws) if isinstance(v[0], int)] == ["张伟"]
    assert "状态：已离职" in ws["A3"].value
    res = reports.export_ledger(ctx, "talents", out, year=2022)
    assert res.rows == 0
    res = reports.export_ledger(ctx, "talents", out, year=2023)
    ws = _load(out)
    header = [c.value for c in ws[HEADER_ROW + 1]]  # a filter line shifts the header down
    assert header[:4] == ["序号", "姓名", "性别", "身份证号"] and header[-1] == "状态"
    assert res.rows == 4
    assert ws.print_title_rows == "$4:$4" and ws.freeze_panes == "C5"
    # the long employer name widened its column (CJK characters count double)
    widths = {c.value: ws.column_dimensions[c.column_letter].width for c in ws[HEADER_ROW + 1]}
    assert widths["用人单位"] >= 2 * len("阿拉善盟农牧科学研究所")
    assert widths["姓名"] >= 10


def test_recovery_ledger(ctx, tmp_path):
    scenario(ctx)
    out = tmp_path / "r.xlsx"
    reports.export_ledger(ctx, "recovery", out)
    ws = _load(out)
    header = [c.value for c in ws[HEADER_ROW]]
    _layout_checks(ws, len(header))
    rows = _rows(ws)
    line = rows[0][1]
    col = {h: i for i, h in enumerate(header)}
    assert line[col["姓名"]] == "张伟"
    assert _fen(line[col["已领取补贴（元）"]]) == 14000000
    assert _fen(line[col["应退回（元）"]]) == 14000000
    assert _fen(line[col["已追回（元）"]]) == 6234567
    assert _fen(line[col["未追回（元）"]]) == 14000000 - 6234567
    total = rows[-1][1]
    assert total[0] == "合计" and _fen(total[col["未追回（元）"]]) == 7765433
    assert line[col["凭证号"]] == "缴-2025-001、缴-2025-007"
    assert line[col["离职日期"]] == dt.datetime(2025, 3, 1)
    res = reports.export_ledger(ctx, "recovery", out, year=2024)
    assert res.rows == 0


def test_review_ledger_counts(ctx, tmp_path):
    scenario(ctx)
    out = tmp_path / "k.xlsx"
    res = reports.export_ledger(ctx, "review", out, year=2024)
    ws = _load(out)
    assert ws["A1"].value.endswith("2024年度考核台账")
    header = [c.value for c in ws[HEADER_ROW]]
    _layout_checks(ws, len(header))
    rows = _rows(ws)
    results = [v[header.index("考核结果")] for _, v in rows if isinstance(v[0], int)]
    assert res.rows == 4 and sorted(results) == sorted(["优秀", "合格", "基本合格", "不合格"])
    counts = {v[1]: v[2] for _, v in rows if v[0] is None and v[1] in ("优秀", "合格", "基本合格", "不合格")}
    assert counts == {"优秀": "1人", "合格": "1人", "基本合格": "1人", "不合格": "1人"}
    assert rows[-1][1][:2] == ["合计", "4人"]
    with pytest.raises(Exception, match="年度"):
        reports.export_ledger(ctx, "review", out, year=None)


def test_export_is_audited_and_cancellable(ctx, tmp_path):
    scenario(ctx)
    out = tmp_path / "a.xlsx"
    seen = []
    reports.export_ledger(ctx, "disbursement", out, year=2024, mask=True, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (15, 15)
    events = [e for e in audit.list_events(ctx) if e.action == "export"]
    assert events and events[0].entity == "ledger" and events[0].entity_id == "disbursement"
    assert events[0].after["rows"] == 15 and events[0].after["masked"] is True
    assert events[0].after["file"] == "a.xlsx"
    assert audit.verify(ctx).ok
    stop = threading.Event()
    stop.set()
    out2 = tmp_path / "b.xlsx"
    with pytest.raises(reports.Cancelled):
        reports.export_ledger(ctx, "talents", out2, cancel=stop)
    assert not out2.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    with ctx.read() as s:
        n = s.query(AuditEvent).filter(AuditEvent.action == "export").count()
    assert n == 1


def test_writer_edge_values(tmp_path):
    """Large amounts stay exact; XML-illegal characters are dropped; negative amounts work."""
    cols = [LedgerColumn("名称", "text", 20), LedgerColumn("身份证号", "id", 21), LedgerColumn("金额（元）", "money")]
    amounts = [99_999_999_999_99, 1, -250, 10, 12_345_678_901_23]
    rows = [(f"项目\x01{i}", "000123", a) for i, a in enumerate(amounts)]
    rows.append(Heading(("汇总",) + (None,) * 2))
    rows.append(Subtotal(("小计", None, sum(amounts))))
    rows.append(Total(("合计", None, sum(amounts))))
    led = Ledger("x", "测试台账", Office(name="测试办"), 2024, cols, rows)
    out = tmp_path / "x.xlsx"
    assert xlsx.write_ledger(led, out) == len(amounts)
    ws = _load(out)
    body = _rows(ws)
    assert [_fen(v[2]) for _, v in body[:5]] == amounts
    assert body[0][1][0] == "项目0" and body[0][1][1] == "000123"
    assert _fen(body[-1][1][2]) == sum(amounts)
    assert ws["A1"].value == "测试办2024年度测试台账"


def test_unknown_kind(ctx, tmp_path):
    with pytest.raises(Exception, match="未知的台账种类"):
        reports.export_ledger(ctx, "nope", tmp_path / "x.xlsx")
