"""Excel ledgers (台账) written with xlsxwriter in constant-memory mode.

Layout as talent offices keep them: the title (office + year + ledger name) merged over
the table, a 填报单位 / 填报日期 line, the header frozen and repeated on every printed
page, column widths that fit, 宋体 11pt, amounts in yuan with two decimals and
thousands separators, totals as values (computed from integer fen, never formulas),
A4 landscape fitted to the page width, 第 N 页 共 M 页 in the footer. Cells with a value
carry the column's bordered format; empty cells of the table get their border from one
conditional format over the table (“blanks”), which is much cheaper than a formatted
blank cell each in a 100,000-row ledger.

Amounts: the model carries integer fen; the cell holds ``fen / 100``. For any amount
below 2**53 fen that float is the double nearest to the exact decimal, and xlsxwriter
writes it with 16 significant digits, so the file holds exactly ``123456.78`` (what
Excel shows and sums). Reading back, ``round(Decimal(str(v)) * 100)`` is the fen.

Safety: every string is written with ``write_string`` (never interpreted as a
formula); a string starting with ``= + - @`` (or a tab/CR, ``is_formula_like``) also gets Excel's quote prefix so that
editing the cell later keeps it text. Control characters that XML cannot hold are
removed. ID numbers are always text cells (format ``@``).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from talentdesk.domain import idcard
from talentdesk.domain.values import cn_date
from talentdesk.outputs.model import Heading, Ledger, Subtotal, is_cancelled

FONT = "宋体"
FONT_SIZE = 11
_EPOCH = dt.date(1899, 12, 30)
_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what Excel may take for a formula (or DDE)
PROGRESS_EVERY = 1000
MAX_WIDTH = 48  # characters; longer text is cut off on screen, wraps nowhere

NUM_FORMATS = {"text": "@", "id": "@", "phone": "@", "money": "#,##0.00", "date": "yyyy-mm-dd", "int": "0"}
ALIGN = {"text": "left", "id": "left", "phone": "left", "money": "right", "date": "center", "int": "center"}


class CancelledWrite(Exception):
    """The cancel flag was set; the caller removes the partial file."""


def is_formula_like(value: Any) -> bool:
    """Text a spreadsheet would take for a formula (``=cmd|…``, ``=HYPERLINK(…)``, ``+1``,
    ``@SUM``): write it as a string cell with the quote prefix, as the ledgers do. The one
    test for every workbook the program writes (the ledger loop inlines it for speed)."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def _clean(text: str) -> str:
    if _BAD_XML.search(text):
        text = _BAD_XML.sub("", text)
    return text


def write_ledger(ledger: Ledger, path: str | Path, *, mask: bool = False, progress=None, cancel=None) -> int:
    """Write one ledger sheet; returns the number of data rows (subtotal rows not counted)."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {
        "constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
        "strings_to_urls": False,
        "default_format_properties": {"font_name": FONT, "font_size": FONT_SIZE, "font_charset": 134},
    })
    try:
        rows = _write(wb, ledger, mask, progress, cancel)
    except BaseException:
        # Close what was written so the temp files go away; the caller deletes the result.
        try:
            wb.close()
        except Exception:  # pragma: no cover
            pass
        raise
    wb.close()
    return rows


def _write(wb, ledger: Ledger, mask: bool, progress, cancel) -> int:
    cols = ledger.columns
    ncol = len(cols)
    last = ncol - 1
    ws = wb.add_worksheet(ledger.name[:31])

    # ---- formats
    base = {"valign": "vcenter", "border": 1}
    title_fmt = wb.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"})
    line_left = wb.add_format({"align": "left", "valign": "vcenter"})
    line_right = wb.add_format({"align": "right", "valign": "vcenter"})
    head_fmt = wb.add_format({**base, "bold": True, "align": "center", "text_wrap": True, "bg_color": "#D9D9D9"})
    col_fmt = []
    quote_fmt = []
    sub_fmt = []
    tot_fmt = []
    for c in cols:
        props = {**base, "num_format": NUM_FORMATS.get(c.kind, "@"), "align": ALIGN.get(c.kind, "left")}
        col_fmt.append(wb.add_format(props))
        quote_fmt.append(wb.add_format({**props, "quote_prefix": True}))
        sub_fmt.append(wb.add_format({**props, "bold": True, "bg_color": "#F2F2F2"}))
        tot_fmt.append(wb.add_format({**props, "bold": True, "bg_color": "#E7E6E6", "top": 6}))
    heading_fmt = wb.add_format({**base, "bold": True, "align": "left"})
    blank_border = wb.add_format({"border": 1})
    note_fmt = wb.add_format({"align": "left", "valign": "top", "text_wrap": True})

    # ---- page setup
    ws.set_paper(9)  # A4
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.7, )
    ws.center_horizontally()
    ws.set_footer("&C第 &P 页，共 &N 页", {"margin": 0.3})
    ws.hide_gridlines(0)
    for i, c in enumerate(cols):
        ws.set_column(i, i, c.width, col_fmt[i])

    # ---- title, 填报单位 line, optional filter line
    row = 0
    ws.set_row(row, 32)
    ws.merge_range(row, 0, row, last, _clean(ledger.title), title_fmt)
    row += 1
    mid = max(1, ncol // 2)
    ws.set_row(row, 20)
    left = f"填报单位：{ledger.office.name}（盖章）"
    right = f"填报日期：{cn_date(ledger.generated_on)}"
    if mask:
        right = "（身份证号、手机号已脱敏）  " + right
    if mid - 1 > 0:
        ws.merge_range(row, 0, row, mid - 1, _clean(left), line_left)
    else:
        ws.write_string(row, 0, _clean(left), line_left)
    if last > mid:
        ws.merge_range(row, mid, row, last, right, line_right)
    else:
        ws.write_string(row, last, right, line_right)
    row += 1
    if ledger.subtitle:
        ws.merge_range(row, 0, row, last, _clean(ledger.subtitle), line_left)
        row += 1

    # ---- header
    header = row
    ws.set_row(row, 30)
    for i, c in enumerate(cols):
        ws.write_string(row, i, c.label, head_fmt)
    ws.freeze_panes(header + 1, 2 if ledger.kind == "talents" else 0)
    ws.repeat_rows(header)
    row += 1

    # ---- rows
    kinds = [c.kind for c in cols]
    masked_cols = {i for i, k in enumerate(kinds) if k in ("id", "phone")} if mask else set()
    # The cell writers without the public methods' A1-notation wrapper (a tenth of the
    # per-cell cost); the public ones if a future xlsxwriter renames them.
    write_string = getattr(ws, "_write_string", ws.write_string)
    write_number = getattr(ws, "_write_number", ws.write_number)
    money_cols = [i for i, k in enumerate(kinds) if k == "money"]
    date_cols = [i for i, k in enumerate(kinds) if k == "date"]
    int_cols = [i for i, k in enumerate(kinds) if k == "int"]
    text_cols = [i for i, k in enumerate(kinds) if k not in ("money", "date", "int")]
    text_like = {i for i, k in enumerate(kinds) if k == "text"}
    date_type = dt.date
    epoch = _EPOCH
    fit = [c.width - 2 for c in cols]  # widest text seen, in Excel character units
    n_data = 0
    last_data_row = header
    total = ledger.row_count
    if is_cancelled(cancel):
        raise CancelledWrite()
    iterator = iter(ledger.rows)
    try:
        for values in iterator:
            cls = type(values)
            if cls is tuple:
                # Empty cells are skipped: they get their border from the conditional format below.
                n_data += 1
                last_data_row = row
                for c in money_cols:
                    v = values[c]
                    if type(v) is str:  # “待定”: an amount the office has not decided, never a silent 0
                        write_string(row, c, v, None)
                    elif v is not None:
                        write_number(row, c, v / 100, None)
                for c in date_cols:
                    v = values[c]
                    if v is not None:
                        if type(v) is date_type:
                            write_number(row, c, (v - epoch).days, None)
                        elif v != "":
                            write_string(row, c, _clean(str(v)), None)
                for c in int_cols:
                    v = values[c]
                    if v is not None:
                        if type(v) is int:
                            write_number(row, c, v, None)
                        elif v != "":
                            write_string(row, c, _clean(str(v)), None)
                for c in text_cols:
                    v = values[c]
                    if v is None or v == "":
                        continue
                    s = v if type(v) is str else str(v)
                    if masked_cols and c in masked_cols:
                        s = idcard.mask(s) if kinds[c] == "id" else idcard.mask_phone(s)
                    if not s.isprintable():  # fast path: most text has no control characters
                        s = _clean(s)
                        if not s:
                            continue
                    if len(s) * 2 > fit[c] and c in text_like:  # widen the column to fit (CJK = 2)
                        w = (len(s.encode("utf-8")) + len(s)) // 2
                        if w > fit[c]:
                            fit[c] = w
                    if s[0] in FORMULA_START:
                        write_string(row, c, s, quote_fmt[c])
                    else:
                        write_string(row, c, s, None)
                if n_data % PROGRESS_EVERY == 0:
                    if is_cancelled(cancel):
                        raise CancelledWrite()
                    if progress is not None:
                        progress(n_data, total)
            elif cls is Heading:
                ws.merge_range(row, 0, row, last, _clean(str(values[0] or "")), heading_fmt)
            else:
                _summary_row(ws, row, values, kinds, sub_fmt if cls is Subtotal else tot_fmt)
            row += 1
    finally:
        close = getattr(iterator, "close", None)
        if close is not None:
            close()  # release the database cursor if the caller stopped early

    # constant_memory writes the column widths at close: widen text columns to their data
    for i, c in enumerate(cols):
        if c.kind == "text" and fit[i] + 2 > c.width:
            ws.set_column(i, i, min(fit[i] + 2, MAX_WIDTH), col_fmt[i])
    if n_data:
        ws.autofilter(header, 0, last_data_row, last)
        # Borders for the empty cells of the table in one rule instead of a formatted blank
        # cell each (a fifth of the cells of a disbursement ledger are empty).
        ws.conditional_format(header + 1, 0, last_data_row, last,
                              {"type": "blanks", "format": blank_border, "stop_if_true": False})

    # ---- notes and signature line
    row += 1
    for note in ledger.notes:
        ws.merge_range(row, 0, row, last, _clean(note), note_fmt)
        row += 1
    sig = ledger.office.signatories
    line = "    ".join(f"{role}：{sig.get(role, '') or '          '}" for role in ("负责人", "审核人", "经办人"))
    ws.merge_range(row, 0, row, last, line, line_left)
    if progress is not None:
        progress(n_data, total if total is not None else n_data)
    return n_data


def _summary_row(ws, row: int, values: tuple, kinds: list[str], fmts: list) -> None:
    """A 小计/合计 row: a text label is merged over the empty cells after it."""
    n = len(values)
    c = 0
    while c < n:
        v = values[c]
        k = kinds[c]
        if isinstance(v, str):
            end = c
            while end + 1 < n and values[end + 1] is None and kinds[end + 1] != "money":
                end += 1
            fmt = fmts[c]
            if end > c:
                ws.merge_range(row, c, row, end, _clean(v), fmt)
            else:
                ws.write_string(row, c, _clean(v), fmt)
            c = end + 1
            continue
        if v is None:
            ws.write_blank(row, c, None, fmts[c])
        elif k == "money":
            ws.write_number(row, c, v / 100, fmts[c])
        elif isinstance(v, dt.date):
            ws.write_number(row, c, (v - _EPOCH).days, fmts[c])
        else:
            ws.write_number(row, c, v, fmts[c])
        c += 1


def read_money(value: Any) -> int:
    """A money cell read back (float yuan) → integer fen, exactly; for tests and checks."""
    from decimal import Decimal

    if value is None:
        return 0
    return int((Decimal(str(value)) * 100).to_integral_value())
