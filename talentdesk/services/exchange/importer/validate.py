"""Validation: every row, every column, all errors collected.

The work goes a column at a time: values are parsed by the domain parsers
(``FieldSpec.parse``), each distinct text or date in a column once (education, dates,
employer names … repeat), then the kind's cross-checks run down the columns
(``roster.cross_check_columns``), which is what makes 100,000 rows fast. Rows that are blank, 合计/小计 lines, a row of column numbers
under the header, or 填表说明/填表人 lines are skipped, not errors.
"""

from __future__ import annotations

import datetime as dt
import heapq
import operator
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from talentdesk.domain import values
from talentdesk.domain.errors import FieldError
from talentdesk.services.exchange.importer.kinds import ImportKind
from talentdesk.services.exchange.importer.results import CellIssue, ImportCancelled
from talentdesk.services.exchange.importer.mapping import Layout
from talentdesk.services.exchange.importer.readers import MAX_ERRORS_KEPT

_SKIP_PREFIXES = ("合计", "总计", "小计", "共计", "填表说明", "说明", "注:", "注：", "注1", "备注:", "备注：",
                  "填表人", "制表人", "审核人", "负责人", "单位负责人", "联系人", "填报人", "填报日期", "制表日期",
                  "经办人", "单位(盖章)", "单位（盖章）", "(盖章)", "（盖章）", "以下空白", "此页空白")


@dataclass
class RowCheck:
    """The outcome of validating the data rows of one sheet."""

    keys: tuple[str, ...]  # field order of the tuples in ``valid``
    valid: list[tuple[int, tuple]] = field(default_factory=list)  # (excel row, values)
    errors: list[CellIssue] = field(default_factory=list)
    error_rows: set[int] = field(default_factory=set)
    warnings: list[CellIssue] = field(default_factory=list)  # about rows imported all the same (row order)
    rows: int = 0  # data rows (not counting skipped lines)
    skipped_lines: list[tuple[int, str]] = field(default_factory=list)  # (row, why)
    errors_omitted: int = 0  # errors counted but not kept (beyond MAX_ERRORS_KEPT)

    def record(self, values_: tuple) -> dict[str, Any]:
        return dict(zip(self.keys, values_))

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.errors_omitted

    def trim(self) -> None:
        """Errors in sheet order, at most MAX_ERRORS_KEPT of them; the rest counted."""
        self.errors.sort(key=lambda e: (e.row, e.col if e.col is not None else 10_000))
        if len(self.errors) > MAX_ERRORS_KEPT:
            self.errors_omitted += len(self.errors) - MAX_ERRORS_KEPT
            del self.errors[MAX_ERRORS_KEPT:]


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
    except (TypeError, ValueError, OverflowError):
        return False
    return ints == list(range(ints[0], ints[0] + len(ints))) and ints[0] in (0, 1)


def check_rows(kind: ImportKind, layout: Layout, grid: list[list[Any]], *,
               progress: Callable[[str, int, int], None] | None = None,
               cancelled: Callable[[], bool] | None = None) -> RowCheck:
    cols = layout.field_columns()
    specs = [f for f in kind.fields if f.key in cols]
    keys = tuple(f.key for f in kind.fields)
    out = RowCheck(keys)
    col_of = {k: c.index for k, c in cols.items()}
    header_of = {k: c.header.replace("\n", "") for k, c in cols.items()}
    label_of = {f.key: f.label for f in kind.fields}
    plan = [(f.key, f.label, f.parse, (True if f.cache else None), col_of[f.key], f.fast) for f in specs]
    unknown = [(c.index, c.header.replace("\n", "")) for c in layout.unknown_columns()] \
        if layout.unknown == "remarks" and "remarks" in label_of else []
    absent = {k: None for k in keys if k not in col_of}
    absent.update(layout.defaults(kind))
    id_rows: dict[tuple, tuple[int, tuple]] = {}  # unique key: its first (excel row, values)
    dup_rows: dict[tuple, list[tuple[int, tuple]]] = {}  # unique key: all its rows, when more than one
    unique = operator.itemgetter(*(keys.index(k) for k in kind.unique)) if kind.unique else None
    if unique is not None and len(kind.unique) == 1:
        single = unique
        unique = lambda values_: (single(values_),)  # noqa: E731
    start = layout.header_row  # 0-based index of the first data row
    # 1. the data rows (blank, 合计, 填表说明 … lines skipped)
    rows: list[list[Any]] = []
    numbers: list[int] = []
    first_data = True
    for r in range(start, len(grid)):
        row = grid[r]
        why = _skip_reason(row)
        if why is None and first_data and _is_number_row(row):
            why = "numbers"
        if why is not None:
            if why != "blank":
                out.skipped_lines.append((r + 1, why))
            continue
        first_data = False
        rows.append(row)
        numbers.append(r + 1)
    out.rows = len(rows)
    # 2. column by column: each distinct text value is parsed once
    n = len(rows)
    columns: dict[str, list[Any]] = {}
    raw_of: dict[str, list[Any]] = {}  # fast-pathed columns: the cells as written
    bad_at: set[int] = set()  # indexes of rows with a failed cell
    if plan:
        width = max(p[4] for p in plan) + 1
        for row in rows:
            if len(row) < width:
                row.extend([None] * (width - len(row)))
    cells = list(zip(*rows)) if rows else [()] * (max((p[4] for p in plan), default=-1) + 1)  # column by column
    if progress is not None:
        progress("validate", 0, n)
    for done, (key, label, parse, cache, c, fast) in enumerate(plan):
        if cancelled is not None and cancelled():

            raise ImportCancelled()
        raw = cells[c]
        failures = 0

        def one(v, parse=parse, label=label):
            nonlocal failures
            try:
                return parse(v)
            except ValueError as exc:
                failures += 1
                return _Failed(FieldError.labelled(label, exc))

        if fast is not None:
            # the common form straight through (the cross-check validates it); anything
            # else, and a blank, parsed fully
            col = list(map(fast, raw))
            if None in col:
                col = [q if q is not None or v is None else one(v) for q, v in zip(col, raw)]
            raw_of[key] = raw
        elif cache is not None:
            # text and dates repeat down a column: each distinct value is parsed once
            try:
                col = list(map(_ColumnMemo(one).__getitem__, raw))
            except TypeError:  # an unhashable cell value (no reader gives one): one by one
                col = [None if v is None else one(v) for v in raw]
        else:
            try:  # every parser gives None for a blank; a failure anywhere: cell by cell
                col = list(map(parse, raw))
            except ValueError:
                col = [None if v is None else one(v) for v in raw]
        if failures:
            for i, v in enumerate(col):
                if v.__class__ is _Failed:
                    bad_at.add(i)
            if len(bad_at) > MAX_ERRORS_KEPT:
                # rows past the first MAX_ERRORS_KEPT bad ones can never be listed: keep the
                # fact that their cell failed, not a message each (memory bound with junk)
                last_listed = heapq.nsmallest(MAX_ERRORS_KEPT, bad_at)[-1]
                col[last_listed + 1:] = [_UNLISTED if v.__class__ is _Failed else v for v in col[last_listed + 1:]]
        columns[key] = col
        if progress is not None:
            progress("validate", n * (done + 1) // (len(plan) + 1), n)
    # cells that failed: an error each, blank for the cross-checks
    errors: dict[int, list[FieldError]] = {}
    unlisted: dict[int, int] = {}  # row index: failed cells not listed
    failed: dict[int, set[str]] = {}
    for i in sorted(bad_at):
        for key, label, _, _, c, _ in plan:
            v = columns[key][i]
            if v.__class__ is _Failed:
                if v is _UNLISTED:
                    unlisted[i] = unlisted.get(i, 0) + 1
                else:
                    errors.setdefault(i, []).append(FieldError(key, label, rows[i][c], v.message))
                failed.setdefault(i, set()).add(key)
                columns[key][i] = None
    for k, default in absent.items():
        columns[k] = [default] * n
    if unknown:  # the other columns' contents go to 备注
        remarks = columns["remarks"]
        for i, row in enumerate(rows):
            extra = "；".join(f"{h}：{_text(row[c])}" for c, h in unknown if c < len(row) and row[c] is not None)
            if extra:
                text = f"{remarks[i]}；{extra}" if remarks[i] else extra
                remarks[i] = text[:200]
    # 3. the cross-checks, one check at a time down the columns
    for i, more in kind.check(columns, n, failed).items():
        errors.setdefault(i, []).extend(more)
    # 4. the valid rows, and duplicates among them
    valid_append = out.valid.append
    for i, values_ in enumerate(zip(*(columns[k] for k in keys))):
        excel_row = numbers[i]
        errs = errors.get(i)
        if unlisted and i in unlisted:
            out.error_rows.add(excel_row)
            out.errors_omitted += unlisted[i] + (len(errs) if errs else 0)
            continue
        if errs:
            out.error_rows.add(excel_row)
            if len(out.errors) >= MAX_ERRORS_KEPT:  # rows come in order: the first ones are listed
                out.errors_omitted += len(errs)
                continue
            for e in errs:
                value = raw_of[e.field][i] if e.field in raw_of else e.value
                out.errors.append(CellIssue(excel_row, col_of.get(e.field), header_of.get(e.field, e.label), e.field,
                                            value, e.message))
            continue
        number = unique(values_) if unique is not None else None
        if number and number[0]:
            first = id_rows.get(number)
            if first is None:
                id_rows[number] = (excel_row, values_)
            else:
                dup_rows.setdefault(number, [first]).append((excel_row, values_))
        valid_append((excel_row, values_))
    if dup_rows:
        _duplicates(out, kind, dup_rows, col_of.get("id_number"), header_of, label_of)
    if kind.name == "roster" and "id_number" in keys:
        _region_warnings(out, col_of.get("id_number"), header_of.get("id_number", "身份证号"))
    out.warnings.sort(key=lambda w: w.row)
    if len(out.warnings) > MAX_ERRORS_KEPT:  # memory bound, as for errors
        more = len(out.warnings) - MAX_ERRORS_KEPT
        del out.warnings[MAX_ERRORS_KEPT:]
        out.warnings.append(CellIssue(0, None, "", None, None, f"其余{more:,}条逐行提示未列出", "warning"))
    out.trim()
    if progress is not None:
        progress("validate", len(rows), len(rows))
    return out


_OTHERS_LISTED = 5  # the other rows a duplicate's message compares it with


def _duplicates(out: RowCheck, kind: ImportKind, dup_rows: dict[tuple, list[tuple[int, tuple]]], c: int | None,
                header_of: dict[str, str], label_of: dict[str, str]) -> None:
    """Rows sharing a unique key (a 身份证号): identical copies import once, with a warning
    each; rows that differ are all errors, naming the columns that differ."""
    header = header_of.get("id_number", "身份证号")
    what = "".join(f"、{label_of[k]}" for k in kind.unique[1:])
    tail = "请核对后只保留一行" if not what else f"同一人{what[1:]}只能有一行"
    drop: set[int] = set()
    for key, members in dup_rows.items():
        first_row, first_values = members[0]
        if all(values_ == first_values for _, values_ in members[1:]):
            for excel_row, _ in members[1:]:
                out.warnings.append(CellIssue(excel_row, c, header, "id_number", key[0],
                                              f"第{excel_row}行与第{first_row}行完全相同，只导入一次", "warning"))
                drop.add(excel_row)
            continue
        number = key[0]
        same = "".join(f"、{label_of[k]}{key[n + 1]}" for n, k in enumerate(kind.unique[1:]))
        for excel_row, values_ in members:
            rest = [(row, other) for row, other in members if row != excel_row]
            others = "；".join(f"第{row}行{_differences(out.keys, values_, other, header_of, label_of)}"
                              for row, other in rest[:_OTHERS_LISTED])
            if len(rest) > _OTHERS_LISTED:  # the same number pasted down a column: bounded text
                others += f"；共{len(rest)}行"
            out.errors.append(CellIssue(excel_row, c, header, "id_number", number,
                                        f"身份证号：{number}{same}在本文件中重复出现（另见{others}），{tail}"))
            out.error_rows.add(excel_row)
            drop.add(excel_row)
    out.valid = [v for v in out.valid if v[0] not in drop]


def _differences(keys: tuple[str, ...], a: tuple, b: tuple, header_of: dict[str, str],
                 label_of: dict[str, str]) -> str:
    """'，学历、引进时间不同': the columns (as headed in the file) where two rows differ."""
    differ = [header_of.get(k, label_of[k]) for k, x, y in zip(keys, a, b) if x != y]
    return f"，{'、'.join(differ)}不同" if differ else "，与本行相同"


def _region_warnings(out: RowCheck, c: int | None, header: str) -> None:
    """A 身份证号 from a division since abolished stays valid: a warning for the clerk to check."""
    from talentdesk.domain import idcard

    idx = out.keys.index("id_number")
    warning = idcard.region_warning
    for excel_row, values_ in out.valid:
        number = values_[idx]
        note = warning(number) if number else None
        if note:
            out.warnings.append(CellIssue(excel_row, c, header, "id_number", number, f"第{excel_row}行：{note}",
                                          "warning"))


# Values memoised per column. Not int/float: 1, 1.0 and True are equal dict keys but
# parse differently (a serial date, a number, a bool).
_MEMO_CLASSES = frozenset((str, dt.date, dt.datetime))


class _ColumnMemo(dict):
    """cell value → parsed value; text and dates remembered, numbers parsed every time."""

    def __init__(self, parse: Callable[[Any], Any]):
        super().__init__()
        self.parse = parse
        self[None] = None

    def __missing__(self, value: Any) -> Any:
        out = self.parse(value)
        if value.__class__ in _MEMO_CLASSES:
            self[value] = out
        return out


class _Failed:
    __slots__ = ("message",)

    def __init__(self, message: str):
        self.message = message


_UNLISTED = _Failed("")  # a failed cell in a row past the listed errors: counted, no message


def _text(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if hasattr(v, "isoformat"):
        return v.isoformat()[:10]
    return re.sub(r"\s+", " ", str(v)).strip()
