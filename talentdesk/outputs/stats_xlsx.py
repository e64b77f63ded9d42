"""人才统计表: one cross-tab sheet in the layout offices send upward (条例 第六条:
talent statistics 分行政区域和行业领域).

Layout: the title 人才统计表 merged over the table; the office name and the period on
the line under it (with the unit: 人 or 元); the header row (the row dimension's name,
then one column per column value, then 合计); one row per row value; the 合计 row; the
notes; and the footer line 填报单位 / 填报人 / 填报日期. A4 landscape, fitted to the page
width, header repeated on every page. Counts are integers; amounts are yuan with two
decimals (integer fen / 100, as the ledgers: ``xlsx.read_money`` reads them back).
This module renders; it knows nothing of the database or Qt.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from talentdesk.domain.values import cn_date
from talentdesk.outputs.xlsx import FONT, FONT_SIZE

TITLE = "人才统计表"
_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    """Text without the control characters XML cannot hold."""
    return _BAD_XML.sub("", text)


@dataclass
class StatSheet:
    office_name: str
    period: str  # 统计期间：2024年度 …
    unit: str  # 人 / 元
    corner: str  # the row dimension's name, over the row labels
    col_heading: str  # the column dimension's name, over the column labels
    col_labels: list[str]
    rows: list[tuple[str, list[int], int]]  # (row label, cells, row total)
    col_totals: list[int]
    total: int
    money: bool = False  # cells are fen, written as yuan
    reporter: str = ""  # 填报人
    generated_on: dt.date = field(default_factory=dt.date.today)
    notes: list[str] = field(default_factory=list)


def write_stat_sheet(sheet: StatSheet, path: str | Path) -> int:
    """Write the workbook; returns the number of data rows (合计 not counted)."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {
        "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False,
        "default_format_properties": {"font_name": FONT, "font_size": FONT_SIZE, "font_charset": 134},
    })
    try:
        ws = wb.add_worksheet(TITLE)
        ncol = len(sheet.col_labels) + 2
        last = ncol - 1
        base = {"valign": "vcenter", "border": 1}
        num = "#,##0.00" if sheet.money else "0"
        title_fmt = wb.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"})
        left = wb.add_format({"align": "left", "valign": "vcenter"})
        right = wb.add_format({"align": "right", "valign": "vcenter"})
        head = wb.add_format({**base, "bold": True, "align": "center", "text_wrap": True, "bg_color": "#D9D9D9"})
        label = wb.add_format({**base, "align": "left"})
        cell = wb.add_format({**base, "align": "right", "num_format": num})
        tot_label = wb.add_format({**base, "bold": True, "align": "center", "bg_color": "#E7E6E6"})
        tot = wb.add_format({**base, "bold": True, "align": "right", "num_format": num, "bg_color": "#E7E6E6"})
        note_fmt = wb.add_format({"align": "left", "valign": "top", "text_wrap": True})

        ws.set_paper(9)  # A4
        ws.set_landscape()
        ws.fit_to_pages(1, 0)  # fit to width, as many pages down as needed
        ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.7)
        ws.center_horizontally()
        ws.set_footer("&C第 &P 页，共 &N 页", {"margin": 0.3})
        width = max([len(sheet.corner)] + [len(r[0]) for r in sheet.rows] + [4]) * 2 + 2
        ws.set_column(0, 0, min(width, 40))
        ws.set_column(1, last, 14 if sheet.money else 10)

        def value(v: int) -> float | int:
            return v / 100 if sheet.money else v

        row = 0
        ws.set_row(row, 32)
        ws.merge_range(row, 0, row, max(last, 1), TITLE, title_fmt)
        row += 1
        mid = max(1, ncol // 2)
        ws.merge_range(row, 0, row, mid - 1, _clean(f"单位：{sheet.office_name}"), left) if mid > 1 else \
            ws.write_string(row, 0, _clean(f"单位：{sheet.office_name}"), left)
        text = f"统计期间：{sheet.period}　　计量单位：{sheet.unit}"
        ws.merge_range(row, mid, row, last, text, right) if last > mid else ws.write_string(row, last, text, right)
        row += 1
        # two header rows: the column dimension over its values, the row dimension at the corner
        ws.merge_range(row, 0, row + 1, 0, _clean(sheet.corner), head)
        if sheet.col_labels:
            if len(sheet.col_labels) > 1:
                ws.merge_range(row, 1, row, len(sheet.col_labels), _clean(sheet.col_heading), head)
            else:
                ws.write_string(row, 1, _clean(sheet.col_heading), head)
        ws.merge_range(row, last, row + 1, last, "合计", head)
        for i, lab in enumerate(sheet.col_labels):
            ws.write_string(row + 1, 1 + i, _clean(lab), head)
        ws.repeat_rows(row, row + 1)
        ws.freeze_panes(row + 2, 1)
        row += 2
        for lab, cells, total in sheet.rows:
            ws.write_string(row, 0, _clean(lab), label)
            for i, v in enumerate(cells):
                ws.write_number(row, 1 + i, value(v), cell)
            ws.write_number(row, last, value(total), tot)
            row += 1
        ws.write_string(row, 0, "合计", tot_label)
        for i, v in enumerate(sheet.col_totals):
            ws.write_number(row, 1 + i, value(v), tot)
        ws.write_number(row, last, value(sheet.total), tot)
        row += 2
        for note in sheet.notes:
            ws.merge_range(row, 0, row, max(last, 1), _clean(note), note_fmt)
            row += 1
        footer = (f"填报单位：{sheet.office_name}（盖章）　　填报人：{sheet.reporter or '          '}"
                  f"　　填报日期：{cn_date(sheet.generated_on)}")
        ws.merge_range(row, 0, row, max(last, 1), _clean(footer), left)
    except BaseException:
        try:
            wb.close()
        except Exception:  # pragma: no cover
            pass
        raise
    wb.close()
    return len(sheet.rows)
