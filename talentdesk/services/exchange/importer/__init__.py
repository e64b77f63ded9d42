"""Importing employers' Excel rosters (花名册), annual review results and payment confirmations.

The import wizard and the CLI share one engine. Every step returns plain data; no step
but ``commit`` writes anything, and ``commit`` writes in ONE transaction.

Step by step (the GUI wizard)::

    from talentdesk.services.exchange import importer

    # 1. open the file: formats .xlsx .xlsm .xls .ods .csv (UTF-8/GBK); ImportFileError
    #    (a TalentDeskError with one Chinese message) if it cannot be read at all
    f = importer.open_file(path, "roster", ctx=ctx)     # kind: roster | reviews | payments | facts
    f.sheets            # [SheetInfo(name, header_row (1-based guess or None), score)]
    f.best_sheet        # the sheet whose header matches best
    f.previous_imports  # the same file (sha256) imported before: [{"at", "user", "inserted", …}]
    f.preview(sheet, 30)  # first rows as raw values, for the header-row step

    # 2./3. header row and column mapping (both overridable)
    layout = importer.detect_layout(f, sheet, header_row=None, mapping={"联系手机": "手机号码"},
                                    unknown="ignore", ctx=ctx)   # unknown: ignore | remarks
    layout.header_row   # 1-based, as Excel shows it
    layout.columns      # [ColumnMatch(index, header, field, how)] how: standard, synonym,
                        #  remembered, given, ignored, unknown, duplicate
    layout = layout.with_field(col_index, "phone")   # the clerk edits one column (None: ignore)
    layout.missing_required(importer.get_kind("roster"))  # ["学历", …]

    # 4. validate and preview (reads the database, writes nothing)
    v = importer.validate(ctx, f, layout, progress=cb, cancel=flag)
    v.rows, v.valid, v.errors        # errors: [CellIssue(row, col, column, field, value, message)]
    v.errors_by_cell()               # {(excel row, 0-based col): [messages]} to paint the grid
    v.warnings                       # unknown columns, missing columns, file imported before
    v.plan.inserts / .updates / .changes   # (roster) what a commit would do, field by field

    # 5. commit (or dry_run=True): progress and cancel; cancel or any failure rolls back
    summary = importer.commit(ctx, v, all_or_nothing=False, progress=cb, cancel=flag)
    # 6. summary: ImportSummary (rows, valid, inserted, updated, unchanged, skipped,
    #    errors, warnings, changes, batch_id, message); .as_json() is the CLI's JSON
    importer.write_report(v, "错误报告.xlsx")   # red cells + comments + 错误清单 sheet
    f.close()

All at once (the CLI): ``importer.run_import(ctx, path, "roster", sheet=…, header_row=…,
mapping=…, dry_run=…, all_or_nothing=…, report=…, progress=…, cancel=…)``.

``progress(phase, done, total)`` is called with phase ``read``, ``validate`` and
``write`` (every 5,000 rows); ``cancel`` is a ``threading.Event`` (or any callable
returning True to stop); a cancelled commit raises ``ImportCancelled`` after rolling
back. Run validate and commit in a worker thread; both are Qt-free.

Templates: ``importer.write_template("roster", "花名册模板.xlsx")``.
"""

from talentdesk.services.exchange.importer.engine import (ImportCancelled, ImportFile, ImportSummary, SheetInfo, Validation,
                                                 commit, detect_layout, new_cancel_flag, open_file,
                                                 previous_imports, run_import, validate, write_report)
from talentdesk.services.exchange.importer.kinds import KINDS, FieldSpec, ImportKind, get_kind
from talentdesk.services.exchange.importer.mapping import ColumnMatch, Layout
from talentdesk.services.exchange.importer.readers import ImportFileError
from talentdesk.services.exchange.importer.template import write_template
from talentdesk.services.exchange.importer.validate import CellIssue

__all__ = [
    "CellIssue", "ColumnMatch", "FieldSpec", "ImportCancelled", "ImportFile", "ImportFileError", "ImportKind",
    "ImportSummary", "KINDS", "Layout", "SheetInfo", "Validation", "commit", "detect_layout", "get_kind",
    "new_cancel_flag", "open_file", "previous_imports", "run_import", "validate", "write_report",
    "write_template",
]
