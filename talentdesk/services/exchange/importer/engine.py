"""The import use case, step by step (the GUI wizard) or in one call (the CLI).

See the package docstring (``talentdesk.services.exchange.importer``) for the API walk-through.
"""

from __future__ import annotations

import functools
import gc
import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import select

from talentdesk.domain import pinyin
from talentdesk.domain.errors import TalentDeskError
from talentdesk.models.entities import Employer, ImportBatch
from talentdesk.services.context import ServiceContext
from talentdesk.services.exchange.importer import mapping as mapping_mod
from talentdesk.services.exchange.importer.kinds import ImportKind, get_kind
from talentdesk.services.exchange.importer.mapping import HEADER_SCAN_ROWS, HeaderIndex, Layout
from talentdesk.services.exchange.importer.readers import (MAX_ERRORS_KEPT, ImportFileError, SpreadsheetSource, open_source,
                                                  sha256_of)
from talentdesk.services.exchange.importer.results import ImportCancelled, ImportSummary
from talentdesk.services.exchange.importer.validate import CellIssue, RowCheck, check_rows

Progress = Callable[[str, int, int], None]  # (phase: read|validate|write, done, total)


def _cancel_fn(cancel: Any) -> Callable[[], bool] | None:
    """``cancel`` may be a threading.Event, any object with ``is_set()``, or a callable."""
    if cancel is None:
        return None
    if hasattr(cancel, "is_set"):
        return cancel.is_set
    if callable(cancel):
        return cancel
    raise TypeError("cancel must be an Event or a callable")


def _gc_paused(fn):
    """Python's cyclic garbage collector paused while a file is read, checked or written:
    these steps allocate millions of objects and no reference cycles, and every full
    collection would walk all of them again (~5% of a 100,000-row import)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return wrapper


# -- step 1: open the file, list the sheets ---------------------------------------------

@dataclass
class SheetInfo:
    name: str
    header_row: int | None  # 1-based guess, None if no header was recognised
    score: int  # how many standard columns the header row names


@dataclass
class ImportFile:
    """An opened file. ``close()`` it (or use ``with``) when done."""

    path: Path
    kind: str
    sha256: str
    format: str  # xlsx, xls, ods, csv
    sheets: list[SheetInfo]
    source: SpreadsheetSource = field(repr=False)
    previous_imports: list[dict] = field(default_factory=list)  # same sha256 imported before

    @property
    def file_name(self) -> str:
        return self.path.name

    @property
    def best_sheet(self) -> str:
        """The sheet with the best roster header (first sheet when none)."""
        ranked = sorted(self.sheets, key=lambda s: -s.score)
        return ranked[0].name if ranked and ranked[0].score > 0 else self.sheets[0].name

    def grid(self, sheet: str) -> list[list[Any]]:
        return self.source.sheet(sheet).grid

    def preview(self, sheet: str, rows: int = 30) -> list[list[Any]]:
        """The first rows as they are in the file (for the header-row step)."""
        return self.grid(sheet)[:rows]

    def close(self) -> None:
        self.source.close()

    def __enter__(self) -> "ImportFile":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@_gc_paused
def open_file(path: str | os.PathLike, kind: str = "roster", *, ctx: ServiceContext | None = None) -> ImportFile:
    """Open a spreadsheet and rank its sheets by how well their header matches ``kind``.

    Raises ImportFileError (a plain Chinese message) if the file cannot be read.
    """
    k = get_kind(kind)
    path = Path(path)
    if k.name == "roster":
        # a roster's names get pinyin initials when written: load pypinyin while calamine
        # parses the sheet (it releases the GIL), not after
        threading.Thread(target=pinyin.warm_up, name="pinyin-warm-up", daemon=True).start()
    source = open_source(path)
    try:
        index = HeaderIndex(k)
        infos = []
        for name in source.sheet_names:
            head = _head_rows(source, name)
            row0, score = mapping_mod.detect_header_row(head, index)
            infos.append(SheetInfo(name, None if row0 is None else row0 + 1, score if row0 is not None else 0))
        if all(not _has_content(source, s.name) for s in infos):
            raise ImportFileError(f"文件 {path.name} 中没有任何数据")
        f = ImportFile(path, kind, sha256_of(path), source.format, infos, source)
    except BaseException:
        source.close()
        raise
    if ctx is not None:
        f.previous_imports = previous_imports(ctx, f.sha256, k)
    return f


def _head_rows(source: SpreadsheetSource, name: str) -> list[list[Any]]:
    # calamine parses a whole sheet whatever ``nrows`` says: load it once, keep it
    return source.sheet(name).grid[:HEADER_SCAN_ROWS]


def _has_content(source: SpreadsheetSource, name: str) -> bool:
    return bool(source.sheet(name).grid)


def previous_imports(ctx: ServiceContext, sha256: str, kind: ImportKind | str) -> list[dict]:
    k = get_kind(kind) if isinstance(kind, str) else kind
    with ctx.read() as session:
        rows = session.execute(select(ImportBatch).where(ImportBatch.sha256 == sha256,
                                                         ImportBatch.kind == k.batch_kind)
                               .order_by(ImportBatch.id)).scalars().all()
        return [{"id": b.id, "file_name": b.file_name, "at": b.at, "user": b.user, "rows": b.rows,
                 "inserted": b.inserted, "updated": b.updated} for b in rows]


# -- step 2/3: header row and mapping ---------------------------------------------------

@_gc_paused
def detect_layout(f: ImportFile, sheet: str | None = None, *, header_row: int | None = None,
                  mapping: dict[str, str] | None = None, unknown: str = "ignore",
                  ctx: ServiceContext | None = None, employer: str | None = None) -> Layout:
    """Find the header row (or use ``header_row``, 1-based) and match the columns.

    ``mapping`` {file header: standard label/key, or "" / 忽略 to ignore} wins over the
    mapping remembered for the employer (read through ``ctx``), which wins over automatic
    matching by name and synonym.
    """
    k = get_kind(f.kind)
    chosen = sheet
    sheet = sheet or f.best_sheet
    if sheet not in f.source.sheet_names:
        raise ImportFileError(f"文件中没有名为“{sheet}”的工作表，现有：{'、'.join(f.source.sheet_names)}")
    head = _head_rows(f.source, sheet)
    index = HeaderIndex(k)
    if header_row is None:
        row0, score = mapping_mod.detect_header_row(head, index)
        if row0 is None:
            labels = "、".join(x.label for x in k.fields if x.required)
            raise ImportFileError(f"在工作表“{sheet}”的前{HEADER_SCAN_ROWS}行中找不到{k.title}表头"
                                  f"（应包含 {labels} 等列），请指定表头所在行或检查是否选错了工作表")
    else:
        grid = f.grid(sheet)
        row0 = header_row - 1
        if row0 < 0 or row0 >= len(grid):
            raise ImportFileError(f"表头行号{header_row}超出了工作表“{sheet}”的范围（共{len(grid)}行）")
        score = mapping_mod.score_row(grid[row0], index)
    grid = f.grid(sheet)
    given = dict(mapping or {})
    for target in given.values():
        index.resolve_target(target)  # raises ValueError for an unknown standard column
    layout = mapping_mod.build_layout(k, sheet, grid, row0, given=given, unknown=unknown, score=score)
    name = employer or layout.employer_hint
    if ctx is not None and name:
        remembered = remembered_mapping(ctx, name)
        if remembered:
            layout = mapping_mod.build_layout(k, sheet, grid, row0, given=given, remembered=remembered,
                                              unknown=unknown, score=score)
    if employer:
        layout.employer_hint = employer
    others = [s.name for s in f.sheets if s.header_row is not None and s.name != sheet]
    if chosen is None and others:
        layout.notes.append(f"工作簿中还有其他含{k.title}表头的工作表（{'、'.join(others)}），本次只导入“{sheet}”；"
                            f"如需导入其他工作表，请另行选择")
    return layout


def remembered_mapping(ctx: ServiceContext, employer_name: str) -> dict[str, str]:
    with ctx.read() as session:
        text = session.execute(select(Employer.import_mapping).where(Employer.name == employer_name)).scalar()
    if not text:
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


# -- step 4: validate / preview -------------------------------------------------------------

OMITTED_PREFIX = "另有"


def omitted_text(check: RowCheck) -> str:
    return (f"{OMITTED_PREFIX}{check.errors_omitted:,}处错误未列出（共{check.error_count:,}处错误，"
            f"涉及{len(check.error_rows):,}行；只列出前{len(check.errors):,}处），请先改正已列出的错误后重新检查")


@dataclass
class Validation:
    """Everything the preview shows; the input of ``commit`` and ``write_report``."""

    file: ImportFile
    layout: Layout
    check: RowCheck
    warnings: list[CellIssue] = field(default_factory=list)
    plan: Any = None  # kind-specific: what would be inserted / updated (see writer.py)

    @property
    def kind(self) -> ImportKind:
        return get_kind(self.file.kind)

    @property
    def rows(self) -> int:
        return self.check.rows

    @property
    def valid(self) -> int:
        return len(self.check.valid)

    @property
    def errors(self) -> list[CellIssue]:
        """The errors listed: the first MAX_ERRORS_KEPT in sheet order (see ``error_count``)."""
        return self.check.errors

    @property
    def error_count(self) -> int:
        """All errors found, listed or not."""
        return self.check.error_count

    @property
    def errors_omitted(self) -> int:
        return self.check.errors_omitted

    def note_omitted(self) -> None:
        """One warning saying how many errors are not listed (kept up to date)."""
        self.check.trim()
        self.warnings = [w for w in self.warnings if not w.message.startswith(OMITTED_PREFIX)]
        if self.check.errors_omitted:
            self.warnings.insert(0, CellIssue(0, None, "", None, None, omitted_text(self.check), "warning"))

    def errors_by_cell(self) -> dict[tuple[int, int | None], list[str]]:
        """{(excel row, 0-based column): [messages]} for painting the preview."""
        out: dict[tuple[int, int | None], list[str]] = {}
        for e in self.check.errors:
            out.setdefault((e.row, e.col), []).append(e.message)
        return out


@_gc_paused
def validate(ctx: ServiceContext, f: ImportFile, layout: Layout, *, progress: Progress | None = None,
             cancel: Any = None, plan: bool = True) -> Validation:
    """Parse and check every row; nothing is written. Also works out, against the
    database, which rows would be inserted or update an existing record (and how) —
    unless ``plan`` is false for a roster about to be committed at once (``commit``
    works that out again inside its transaction anyway)."""
    k = get_kind(f.kind)
    cancelled = _cancel_fn(cancel)
    if progress:
        progress("read", 0, 0)
    grid = f.grid(layout.sheet)
    if progress:
        progress("read", len(grid), len(grid))
    if cancelled and cancelled():
        raise ImportCancelled()
    check = check_rows(k, layout, grid, progress=progress, cancelled=cancelled)
    v = Validation(f, layout, check)
    for c in layout.unknown_columns():
        what = "其内容已写入备注" if layout.unknown == "remarks" and "remarks" in k.by_key else "已忽略"
        why = "与其他列重复对应同一标准列" if c.how == "duplicate" else "不是标准列"
        v.warnings.append(CellIssue(layout.header_row, c.index, c.header, None, None,
                                    f"列“{c.header}”{why}，{what}", "warning"))
    for note in layout.notes:
        v.warnings.append(CellIssue(0, None, "", None, None, note, "warning"))
    for header in layout.unmatched_mapping:
        v.warnings.append(CellIssue(layout.header_row, None, header, None, None,
                                    f"指定的列“{header}”在表头中找不到，该对应关系未使用", "warning"))
    for key, value in layout.defaults(k).items():
        label = k.by_key[key].label
        v.warnings.append(CellIssue(layout.header_row, None, label, key, None,
                                    f"文件中没有“{label}”列，全部按“{value}”导入", "warning"))
    for label in layout.missing_required(k):
        v.warnings.append(CellIssue(layout.header_row, None, label, None, None,
                                    f"文件中没有“{label}”列（必填）", "warning"))
    for p in f.previous_imports:
        v.warnings.append(CellIssue(0, None, "", None, None,
                                    f"同一文件已于{p['at']:%Y-%m-%d %H:%M}由{p['user'] or ''}导入过"
                                    f"（新增{p['inserted']}条，更新{p['updated']}条）", "warning"))
    from talentdesk.services.exchange.demodata import mark as demo_mark

    if demo_mark.is_demo(ctx):  # real work into a demo database: say so (issue 15)
        v.warnings.append(CellIssue(0, None, "", None, None, demo_mark.DEMO_WARNING, "warning"))
    v.warnings.extend(check.warnings)  # rows imported all the same: identical duplicates, abolished divisions
    from talentdesk.services.exchange.importer import writer as commit_mod

    if plan or k.name != "roster":
        commit_mod.plan_for_validation(ctx, v)
    v.note_omitted()
    return v


# -- step 5: commit ---------------------------------------------------------------------------

@_gc_paused
def commit(ctx: ServiceContext, v: Validation, *, all_or_nothing: bool = False, dry_run: bool = False,
           remember_mapping: bool = True, progress: Progress | None = None, cancel: Any = None) -> ImportSummary:
    """Write all valid rows in ONE transaction (or nothing with ``all_or_nothing`` when any
    row has an error, or with ``dry_run``). Cancel or any failure rolls everything back."""
    from talentdesk.services.exchange.importer import writer as commit_mod

    summary = commit_mod.commit(ctx, v, all_or_nothing=all_or_nothing, dry_run=dry_run,
                                remember_mapping=remember_mapping, progress=progress, cancelled=_cancel_fn(cancel))
    if v.check.errors_omitted or len(v.check.errors) > MAX_ERRORS_KEPT:  # the commit may have added errors
        v.note_omitted()
        summary.errors, summary.warnings = list(v.errors), list(v.warnings)
    summary.errors_omitted = v.check.errors_omitted
    return summary


def write_report(v: Validation, out: str | os.PathLike) -> Path:
    """The clerk's workbook with bad cells red and commented, plus a 错误清单 sheet."""
    from talentdesk.services.exchange.importer import report

    return report.write_report(v, Path(out))


# -- all steps at once (CLI) ----------------------------------------------------------------

@_gc_paused
def run_import(ctx: ServiceContext, path: str | os.PathLike, kind: str = "roster", *, sheet: str | None = None,
               header_row: int | None = None, mapping: dict[str, str] | None = None, unknown: str = "ignore",
               employer: str | None = None, dry_run: bool = False, all_or_nothing: bool = False,
               report: str | os.PathLike | None = None, progress: Progress | None = None,
               cancel: Any = None) -> ImportSummary:
    with open_file(path, kind, ctx=ctx) as f:
        layout = detect_layout(f, sheet, header_row=header_row, mapping=mapping, unknown=unknown, ctx=ctx,
                               employer=employer)
        v = validate(ctx, f, layout, progress=progress, cancel=cancel, plan=dry_run)
        if not report:
            f.source.drop(layout.sheet)  # the cells are no longer needed: free them before writing
        summary = commit(ctx, v, all_or_nothing=all_or_nothing, dry_run=dry_run, progress=progress,
                         cancel=cancel)
        if report:
            summary.report_path = write_report(v, report)
        return summary


def new_cancel_flag() -> threading.Event:
    """A cancel flag the GUI sets from its Cancel button."""
    return threading.Event()
