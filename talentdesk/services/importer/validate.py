"""Row-by-row validation: every row, every column, all errors collected.

Values are parsed by the domain parsers (``FieldSpec.parse``); repeated text values in a
column (education, dates, employer names …) are parsed once and memoised, which is what
makes 100,000 rows fast. Rows that are blank, 合计/小计 lines, a row of column numbers
under the header, or 填表说明/填表人 lines are skipped, not errors.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from talentdesk.domain import values
from talentdesk.domain.errors import FieldError
from talentdesk.services.importer.kinds import ImportKind
from talentdesk.services.importer.mapping import Layout

_CACHE_LIMIT = 20_000
_SKIP_PREFIXES = ("合计", "总计", "小计", "共计", "填表说明", "说明", "注:", "注：", "注1", "备注:", "备注：",
                  "填表人", "制表人", "审核人", "负责人", "单位负责人", "联系人", "填报人", "填报日期", "制表日期",
                  "经办人", "单位(盖章)", "单位（盖章）", "(盖章)", "（盖章）", "以下空白", "此页空白")
_ERR = object()


@dataclass
class CellIssue:
    """One problem, located as the clerk sees it in Excel."""

    row: int  # row number as Excel shows it (1-based)
    col: int | None  # 0-based sheet column; None when the column is not in the file
    column: str  # the header as written in the file (or the standard label if missing)
    field: str | None
    value: Any
    message: str
    severity: str = "error"  # error | warning

    def as_dict(self) -> dict:
        out = {"row": self.row, "column": self.column}
        if self.severity == "error":
            out["value"] = _show(self.value)
        out["message"] = self.message
        return out


def _show(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, bool)):
        return value
    if isinstance(value, float):
        return repr(value) if not value.is_integer() or abs(value) >= 1e15 else int(value)
    return str(value)


@dataclass
class RowCheck:
    """The outcome of validating the data rows of one sheet."""

    keys: tuple[str, ...]  # field order of the tuples in ``valid``
    valid: list[tuple[int, tuple]] = field(default_factory=list)  # (excel row, values)
    errors: list[CellIssue] = field(default_factory=list)
    error_rows: set[int] = field(default_factory=set)
    rows: int = 0  # data rows (not counting skipped lines)
    skipped_lines: list[tuple[int, str]] = field(default_factory=list)  # (row, why)

    def record(self, values_: tuple) -> dict[str, Any]:
        return dict(zip(self.keys, values_))


def _skip_reason(row: list[Any]) -> str | None:
    first = None
    for v in row:
        if v is not None:
            first = v
            break
    if first is None:
        return "blank"
    if first.__class__ is not str:
        return None
    n = sum(1 for v in row if v is not None and not (v.__class__ is str and not v.strip()))
    if n == 0:
        return "blank"
    first = next(v for v in row if v is not None and not (v.__class__ is str and not v.strip()))
    if isinstance(first, str):
        t = values.fold_width(first).replace(" ", "").replace("\u3000", "")
        if t.startswith(("合计", "总计", "小计", "共计")):
            return "total"
        if t.startswith(_SKIP_PREFIXES) and (n <= 3 or len(t) > 8):
            return "note"
    return None


def _is_number_row(row: list[Any]) -> bool:
    nums = [v for v in row if v is not None]
    if len(nums) < 3:
        return False
    try:
        ints = [int(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else int(str(v).strip())
                for v in nums]
    except (TypeError, ValueError):
        return False
    return ints == list(range(ints[0], ints[0] + len(ints))) and ints[0] in (0, 1)


def check_rows(kind: ImportKind, layout: Layout, grid: list[list[Any]], *,
               progress: Callable[[str, int, int], None] | None = None,
               cancelled: Callable[[], bool] | None = None, every: int = 5000) -> RowCheck:
    cols = layout.field_columns()
    specs = [f for f in kind.fields if f.key in cols]
    keys = tuple(f.key for f in kind.fields)
    out = RowCheck(keys)
    col_of = {k: c.index for k, c in cols.items()}
    header_of = {k: c.header.replace("\n", "") for k, c in cols.items()}
    label_of = {f.key: f.label for f in kind.fields}
    plan = [(f.key, f.label, f.parse, ({} if f.cache else None), col_of[f.key], f.fast) for f in specs]
    unknown = [(c.index, c.header.replace("\n", "")) for c in layout.unknown_columns()] \
        if layout.unknown == "remarks" and "remarks" in label_of else []
    absent = {k: None for k in keys if k not in col_of}
    check = kind.check
    as_tuple = operator.itemgetter(*keys)
    id_rows: dict[str, int] = {}
    dup_rows: dict[int, tuple[str, int]] = {}
    start = layout.header_row  # 0-based index of the first data row
    total = len(grid) - start
    first_data = True
    for r in range(start, len(grid)):
        row = grid[r]
        excel_row = r + 1
        why = _skip_reason(row)
        if why is None and first_data and _is_number_row(row):
            why = "numbers"
        if why is not None:
            if why != "blank":
                out.skipped_lines.append((excel_row, why))
            continue
        first_data = False
        out.rows += 1
        rec = dict(absent)
        errs: list[FieldError] | None = None
        n = len(row)
        deferred = None
        for key, label, parse, cache, c, fast in plan:
            v = row[c] if c < n else None
            if v is None:
                rec[key] = None
                continue
            if fast is not None:
                quick = fast(v)
                if quick is not None:
                    rec[key] = quick
                    if deferred is None:
                        deferred = []
                    deferred.append((key, label, parse, v))
                    continue
            if cache is not None and v.__class__ is str:
                hit = cache.get(v, _ERR)
                if hit is not _ERR:
                    if hit.__class__ is _Failed:
                        if errs is None:
                            errs = []
                        errs.append(FieldError(key, label, v, hit.message))
                        rec[key] = None
                    else:
                        rec[key] = hit
                    continue
            try:
                parsed = parse(v)
            except ValueError as exc:
                msg = f"{label}：{exc}"
                if cache is not None and v.__class__ is str and len(cache) < _CACHE_LIMIT:
                    cache[v] = _Failed(msg)
                if errs is None:
                    errs = []
                errs.append(FieldError(key, label, v, msg))
                rec[key] = None
                continue
            if cache is not None and v.__class__ is str and len(cache) < _CACHE_LIMIT:
                cache[v] = parsed
            rec[key] = parsed
        if unknown:
            extra = "；".join(f"{h}：{_text(row[c])}" for c, h in unknown if c < n and row[c] is not None)
            if extra:
                rec["remarks"] = f"{rec['remarks']}；{extra}" if rec.get("remarks") else extra
                if len(rec["remarks"]) > 200:
                    rec["remarks"] = rec["remarks"][:200]
        failed = {e.field for e in errs} if errs else set()
        try:
            more = check(rec, failed)
        except ValueError:
            # a fast-pathed value is invalid: parse those the slow way for their message
            for key, label, parse, v in deferred or ():
                try:
                    rec[key] = parse(v)
                except ValueError as exc:
                    rec[key] = None
                    errs = (errs or []) + [FieldError(key, label, v, f"{label}：{exc}")]
                    failed.add(key)
            more = check(rec, failed)
        if more:
            errs = (errs or []) + more
        number = rec.get("id_number")
        if number and not errs:
            first = id_rows.get(number)
            if first is None:
                id_rows[number] = excel_row
            else:
                dup_rows[excel_row] = (number, first)
                dup_rows.setdefault(first, (number, -excel_row))
        if errs:
            out.error_rows.add(excel_row)
            for e in errs:
                c = col_of.get(e.field)
                out.errors.append(CellIssue(excel_row, c, header_of.get(e.field, e.label), e.field, e.value,
                                            e.message))
        else:
            out.valid.append((excel_row, as_tuple(rec)))
        if progress is not None and out.rows % every == 0:
            progress("validate", r - start + 1, total)
            if cancelled is not None and cancelled():
                from talentdesk.services.importer.engine import ImportCancelled

                raise ImportCancelled()
    if dup_rows:
        c = col_of.get("id_number")
        for excel_row in sorted(dup_rows):
            number, other = dup_rows[excel_row]
            other_text = f"第{other}行" if other > 0 else f"第{-other}行"
            out.errors.append(CellIssue(excel_row, c, header_of.get("id_number", "身份证号"), "id_number", number,
                                        f"身份证号：{number}在本文件中重复出现（另见{other_text}），请核对后只保留一行"))
            out.error_rows.add(excel_row)
        out.valid = [v for v in out.valid if v[0] not in dup_rows]
    out.errors.sort(key=lambda e: (e.row, e.col if e.col is not None else 10_000))
    if progress is not None:
        progress("validate", total, total)
    return out


class _Failed:
    __slots__ = ("message",)

    def __init__(self, message: str):
        self.message = message


def _text(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if hasattr(v, "isoformat"):
        return v.isoformat()[:10]
    return re.sub(r"\s+", " ", str(v)).strip()
