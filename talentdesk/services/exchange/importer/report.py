"""The error report: the clerk's own workbook with every bad cell filled red and a
comment holding the message, plus a sheet 错误清单 listing every error and warning.

An .xlsx/.xlsm file is copied with openpyxl (formatting, other sheets and merged cells
kept); for .xls, .ods and .csv input the report is a new .xlsx holding the same cells
at the same positions.

Values taken from the file are written as values: text that a spreadsheet would take for
a formula (``=cmd|…``, ``=HYPERLINK(…)``; ``outputs.xlsx.is_formula_like``) becomes a text
cell with the quote prefix, as in the ledgers. Only the clerk's own .xlsx keeps its own
formula cells (the report is a copy of that workbook).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from talentdesk.fileio import atomic_path
from talentdesk.outputs.xlsx import is_formula_like

RED = "FFFF9999"
SHEET = "错误清单"


def _clean(value: Any) -> Any:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return str(value)
    return value


def _set(ws, row: int, col: int, value: Any):
    """Write a value with openpyxl so that it never becomes a formula."""
    value = _clean(value)
    cell = ws.cell(row=row, column=col, value=value)
    if is_formula_like(value):
        cell.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
        cell.quotePrefix = True
    return cell


def _put_row(ws, row: int, values: list) -> None:
    for col, value in enumerate(values, start=1):
        if value is not None:
            _set(ws, row, col, value)


def _load_copy(v, out: Path):
    import openpyxl

    keep_vba = out.suffix.lower() == ".xlsm" and v.file.path.suffix.lower() == ".xlsm"
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "Cell E2 is marked as a date but … outside the limits"
            wb = openpyxl.load_workbook(v.file.path, keep_vba=keep_vba, rich_text=False)
    except Exception:
        return None
    if v.layout.sheet not in wb.sheetnames:
        return None
    return wb


def _rebuild(v):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = v.layout.sheet[:31] or "Sheet1"
    grid = v.file.grid(v.layout.sheet)
    seen_merged = set()
    for r0, c0, r1, c1 in v.file.source.sheet(v.layout.sheet).merged:
        seen_merged.update((r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1) if (r, c) != (r0, c0))
        if r1 > r0 or c1 > c0:
            ws.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
    for r, row in enumerate(grid):
        for c, value in enumerate(row):
            if value is None or (r, c) in seen_merged:
                continue
            cell = _set(ws, r + 1, c + 1, value)
            if isinstance(value, (dt.date, dt.datetime)):
                cell.number_format = "yyyy-mm-dd"
    return wb


BIG_ROWS = 20_000  # above this the report is written by xlsxwriter (openpyxl needs minutes and GBs)


def write_report(v, out: Path) -> Path:
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill

    out = Path(out)
    if out.suffix.lower() not in (".xlsx", ".xlsm"):
        out = out.with_suffix(".xlsx")
    if len(v.file.grid(v.layout.sheet)) > BIG_ROWS:
        return _write_big(v, out.with_suffix(".xlsx"))
    wb = None
    if v.file.format == "xlsx":
        wb = _load_copy(v, out)
    if wb is None:
        wb = _rebuild(v)
    ws = wb[v.layout.sheet[:31]] if v.layout.sheet[:31] in wb.sheetnames else wb.active
    fill = PatternFill("solid", fgColor=RED)
    merged_top: dict[tuple[int, int], tuple[int, int]] = {}
    for rng in ws.merged_cells.ranges:
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                merged_top[(r, c)] = (rng.min_row, rng.min_col)
    by_cell: dict[tuple[int, int], list[str]] = {}
    for e in v.errors:
        if e.col is None or e.row < 1:
            continue
        key = merged_top.get((e.row, e.col + 1), (e.row, e.col + 1))
        msgs = by_cell.setdefault(key, [])
        if e.message not in msgs:
            msgs.append(e.message if key == (e.row, e.col + 1) else f"第{e.row}行：{e.message}")
    for (r, c), msgs in by_cell.items():
        cell = ws.cell(row=r, column=c)
        cell.fill = fill
        text = "\n".join(msgs)
        comment = Comment(text[:30000], "人才服务台账")
        comment.width = 300
        comment.height = 40 + 20 * min(len(msgs) + len(text) // 30, 20)
        cell.comment = comment
    if SHEET in wb.sheetnames:
        del wb[SHEET]
    es = wb.create_sheet(SHEET, 0)
    _put_row(es, 1, ["行号", "列", "列名", "填写内容", "错误说明", "类型"])
    for c in es[1]:
        c.font = Font(bold=True)
    from talentdesk.services.exchange.importer.mapping import column_letter

    for row, item in enumerate(_issues(v), start=2):
        _put_row(es, row, item)
    if not v.errors and not v.warnings:
        _put_row(es, 2, [None, None, None, None, "没有发现错误", None])
    for letter, width in zip("ABCDEF", (8, 6, 16, 24, 70, 6)):
        es.column_dimensions[letter].width = width
    for row in es.iter_rows(min_row=2, min_col=5, max_col=5):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    es.freeze_panes = "A2"
    wb.active = 0
    with atomic_path(out, what="错误报告", hint=_OPEN_IN_EXCEL) as tmp:
        wb.save(tmp)
    return out


_OPEN_IN_EXCEL = "（文件是否正在 Excel 中打开？）"


def _value_text(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float):
        return repr(value) if not value.is_integer() or abs(value) >= 1e15 else int(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value) if not isinstance(value, (int, str)) else value


def _issues(v):
    from talentdesk.services.exchange.importer.mapping import column_letter

    for e in v.errors:
        yield [e.row, column_letter(e.col) if e.col is not None else "", e.column.replace("\n", ""),
               _clean(_value_text(e.value)), e.message, "错误"]
    for w in v.warnings:
        yield [w.row or None, column_letter(w.col) if w.col is not None else "", w.column.replace("\n", ""),
               None, w.message, "提示"]


def _write_big(v, out: Path) -> Path:
    """A large file's report: the imported sheet's cells at the same positions, bad cells
    red with their comment, and the 错误清单 sheet, written in constant memory."""
    import xlsxwriter

    grid = v.file.grid(v.layout.sheet)
    by_cell: dict[tuple[int, int], list[str]] = {}
    for e in v.errors:
        if e.col is not None and e.row >= 1:
            msgs = by_cell.setdefault((e.row - 1, e.col), [])
            if e.message not in msgs:
                msgs.append(e.message)
    with atomic_path(out, what="错误报告", hint=_OPEN_IN_EXCEL) as tmp:
        wb = xlsxwriter.Workbook(tmp, {"constant_memory": True, "strings_to_numbers": False,
                                       "strings_to_formulas": False, "strings_to_urls": False})
        red = wb.add_format({"bg_color": "#FF9999"})
        date = wb.add_format({"num_format": "yyyy-mm-dd"})
        red_date = wb.add_format({"num_format": "yyyy-mm-dd", "bg_color": "#FF9999"})
        text = wb.add_format({"quote_prefix": True})
        red_text = wb.add_format({"quote_prefix": True, "bg_color": "#FF9999"})
        bold = wb.add_format({"bold": True})
        es = wb.add_worksheet(SHEET)
        es.write_row(0, 0, ["行号", "列", "列名", "填写内容", "错误说明", "类型"], bold)
        n = 0
        for n, item in enumerate(_issues(v), start=1):
            for c, value in enumerate(item):
                if is_formula_like(value):
                    es.write_string(n, c, value, text)
                elif value is not None:
                    es.write(n, c, value)
        if n == 0:
            es.write(1, 4, "没有发现错误")
        for col, width in enumerate((8, 6, 16, 24, 70, 6)):
            es.set_column(col, col, width)
        es.freeze_panes(1, 0)
        ws = wb.add_worksheet(v.layout.sheet[:31])
        for r, row in enumerate(grid):
            for c, value in enumerate(row):
                msgs = by_cell.get((r, c))
                if value is None and not msgs:
                    continue
                value = _clean(value)
                if isinstance(value, (dt.date, dt.datetime)):
                    if not isinstance(value, dt.datetime):
                        value = dt.datetime.combine(value, dt.time())
                    ws.write_datetime(r, c, value, red_date if msgs else date)
                elif value is None:
                    ws.write_blank(r, c, None, red)
                elif is_formula_like(value):
                    ws.write_string(r, c, value, red_text if msgs else text)
                else:
                    ws.write(r, c, value, red if msgs else None)
                if msgs:
                    ws.write_comment(r, c, "\n".join(msgs)[:30000], {"author": "人才服务台账", "x_scale": 2})
        wb.close()
    return out
