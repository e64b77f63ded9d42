"""导入花名册 wizard over ``talentdesk.services.exchange.importer``:

1. file (choose or drag and drop; .xlsx .xls .ods .csv) — opened on a worker thread;
2. sheet and header row, with the first rows shown;
3. column mapping: automatic, editable per column, remembered per employer (the service
   stores it when the import is committed);
4. preview: every row checked on a worker thread; bad cells red with the message on
   hover; counts (rows, valid, errors, new, updated); error report;
5. import with a progress bar and cancel (one transaction on the database-write
   thread; cancel rolls back) → summary with a button that opens the error report.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QUrl, Signal
from PySide6.QtGui import QBrush, QColor, QDesktopServices
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QFileDialog, QFrame, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QListWidget, QProgressBar, QPushButton, QSpinBox,
                               QTableView, QTableWidget, QTableWidgetItem, QVBoxLayout, QWizard,
                               QWizardPage)

from talentdesk.ui.i18n import tr

log = logging.getLogger("talentdesk.ui")

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
FILE_FILTER = "花名册 (*.xlsx *.xlsm *.xls *.ods *.csv);;所有文件 (*)"
HOW = {"standard": "标准列名", "synonym": "近义列名", "remembered": "按上次记住的对应", "given": "手工指定",
       "ignored": "忽略", "unknown": "未识别", "duplicate": "重复"}
PHASES = {"read": "正在读取文件", "validate": "正在检查数据", "write": "正在写入数据库"}
RED = QColor(255, 204, 204)
PREVIEW_ROWS = 30
SKIPPED = {"blank": "空行", "total": "合计行", "note": "说明或签字行", "numbers": "列序号行"}


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d") if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _progress_adapter(progress):
    return lambda phase, done, total: progress(done, total, tr(PHASES.get(phase, phase)))


# -- step 1: the file ---------------------------------------------------------------------

class DropArea(QLabel):
    dropped = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("drop_area")
        self.setAcceptDrops(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumHeight(150)
        self.setWordWrap(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#drop_area { border: 2px dashed #9aa5b1; border-radius: 6px; color: #52606d; }")
        self.setText(tr("把花名册文件拖到这里\n\n支持 Excel（.xlsx .xls）、WPS/LibreOffice（.ods）和 CSV 文件"))

    def dragEnterEvent(self, event) -> None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if urls and urls[0].isLocalFile() and urls[0].toLocalFile().lower().endswith(SUFFIXES):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        urls = event.mimeData().urls()
        if urls:
            self.dropped.emit(urls[0].toLocalFile())


class FilePage(QWizardPage):
    def __init__(self, wizard: "ImportWizard"):
        super().__init__()
        self.w = wizard
        self.setTitle(tr("第1步：选择花名册文件"))
        self.setSubTitle(tr("选择用人单位报送的花名册，或把文件拖进来。"))
        lay = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel(tr("导入内容：")))
        self.kind = QComboBox()
        from talentdesk.services.exchange.importer import KINDS

        for k in KINDS.values():
            self.kind.addItem(tr(k.title), k.name)
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        row.addWidget(self.kind)
        row.addStretch(1)
        self.template_button = QPushButton(tr("下载空白模板…"))
        self.template_button.clicked.connect(self.save_template)
        row.addWidget(self.template_button)
        lay.addLayout(row)
        self.drop = DropArea()
        self.drop.dropped.connect(self.set_path)
        lay.addWidget(self.drop, 1)
        row = QHBoxLayout()
        self.path = QLineEdit()
        self.path.setReadOnly(True)
        self.path.setPlaceholderText(tr("尚未选择文件"))
        row.addWidget(self.path, 1)
        browse = QPushButton(tr("选择文件…"))
        browse.setObjectName("browse")
        browse.clicked.connect(self.browse)
        row.addWidget(browse)
        lay.addLayout(row)
        self.status = QLabel()
        self.status.setWordWrap(True)
        lay.addWidget(self.status)

    def _kind_changed(self) -> None:
        if self.w.file is not None:
            self.set_path(str(self.w.file.path))

    def browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("选择花名册文件"), self.w.env.last_folder(), tr(FILE_FILTER))
        if path:
            self.set_path(path)

    def save_template(self) -> None:
        from talentdesk.services.exchange import importer

        kind = self.kind.currentData()
        suggested = str(Path(self.w.env.last_folder()) / f"{importer.get_kind(kind).title}模板.xlsx")
        path, _ = QFileDialog.getSaveFileName(self, tr("保存模板"), suggested, tr("Excel 文件 (*.xlsx)"))
        if path:
            importer.write_template(kind, path)
            self.w.env.remember_folder(path)
            self.w.env.notify(tr("模板已保存：") + path)

    def set_path(self, path: str):
        """Open ``path`` on a worker thread; returns the Op."""
        from talentdesk.services.exchange import importer

        self.w.close_file()
        self.path.setText(path)
        self.status.setText(tr("正在打开文件……"))
        self.w.env.remember_folder(path)
        kind = self.kind.currentData()
        ctx = self.w.env.ctx
        self.completeChanged.emit()

        def done(f):
            self.w.file = f
            sheets = "、".join(s.name for s in f.sheets)
            text = tr("已打开 {name}（{fmt}），工作表：{sheets}").format(name=f.file_name, fmt=f.format, sheets=sheets)
            if f.previous_imports:
                p = f.previous_imports[0]
                text += "\n" + tr("注意：同一文件已于 {at:%Y-%m-%d %H:%M} 导入过。").format(at=p["at"])
            self.status.setText(text)
            self.completeChanged.emit()

        def failed(exc):
            self.status.setText(getattr(exc, "message", str(exc)))
            return False

        self.w.open_op = self.w.env.run_op(tr("正在打开文件"),
                                           lambda p, c: importer.open_file(path, kind, ctx=ctx), done,
                                           on_error=failed)
        return self.w.open_op

    def isComplete(self) -> bool:
        return self.w.file is not None


# -- step 2: sheet and header row ---------------------------------------------------------

class SheetPage(QWizardPage):
    def __init__(self, wizard: "ImportWizard"):
        super().__init__()
        self.w = wizard
        self.setTitle(tr("第2步：工作表和表头行"))
        self.setSubTitle(tr("确认数据所在的工作表和表头（列名）所在的行，表头行以蓝色标出。"))
        lay = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel(tr("工作表：")))
        self.sheet = QComboBox()
        self.sheet.setMinimumContentsLength(12)
        self.sheet.currentIndexChanged.connect(self._sheet_changed)
        row.addWidget(self.sheet)
        row.addSpacing(20)
        row.addWidget(QLabel(tr("表头在第")))
        self.header_row = QSpinBox()
        self.header_row.setRange(1, 50)
        self.header_row.valueChanged.connect(self._paint_header)
        row.addWidget(self.header_row)
        row.addWidget(QLabel(tr("行")))
        row.addStretch(1)
        lay.addLayout(row)
        self.grid = QTableWidget()
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.grid.cellClicked.connect(lambda r, _c: self.header_row.setValue(r + 1))
        self.grid.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        lay.addWidget(self.grid, 1)
        self.note = QLabel()
        self.note.setWordWrap(True)
        lay.addWidget(self.note)

    def initializePage(self) -> None:
        f = self.w.file
        self.sheet.blockSignals(True)
        self.sheet.clear()
        for s in f.sheets:
            self.sheet.addItem(s.name, s.name)
        self.sheet.setCurrentIndex(max(0, self.sheet.findData(f.best_sheet)))
        self.sheet.blockSignals(False)
        self._sheet_changed()

    def _sheet_changed(self, *_a) -> None:
        f = self.w.file
        name = self.sheet.currentData()
        if f is None or name is None:
            return
        info = next(s for s in f.sheets if s.name == name)
        rows = f.preview(name, PREVIEW_ROWS)
        width = max((len(r) for r in rows), default=0)
        self.grid.clear()
        self.grid.setRowCount(len(rows))
        self.grid.setColumnCount(width)
        from talentdesk.services.exchange.importer.mapping import column_letter

        self.grid.setHorizontalHeaderLabels([column_letter(i) for i in range(width)])
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                self.grid.setItem(r, c, QTableWidgetItem(_cell_text(value)))
        self.header_row.setValue(info.header_row or 1)
        self.note.setText(tr("已自动找到表头：第 {n} 行").format(n=info.header_row) if info.header_row
                          else tr("没有自动找到表头，请点击表头所在的行。"))
        self._paint_header()

    def _paint_header(self, *_a) -> None:
        header = self.header_row.value() - 1
        blue = QBrush(QColor(207, 226, 255))
        for r in range(self.grid.rowCount()):
            for c in range(self.grid.columnCount()):
                item = self.grid.item(r, c)
                if item is not None:
                    item.setBackground(blue if r == header else QBrush())
                    font = item.font()
                    font.setBold(r == header)
                    item.setFont(font)

    def validatePage(self) -> bool:
        from talentdesk.services.exchange import importer

        try:
            self.w.layout = importer.detect_layout(self.w.file, self.sheet.currentData(),
                                                   header_row=self.header_row.value(), ctx=self.w.env.ctx)
        except Exception as exc:
            self.w.env.show_error(exc)
            return False
        return True


# -- step 3: mapping ----------------------------------------------------------------------

class MappingPage(QWizardPage):
    def __init__(self, wizard: "ImportWizard"):
        super().__init__()
        self.w = wizard
        self.setTitle(tr("第3步：核对列的对应关系"))
        self.setSubTitle(tr("左边是文件中的列名，右边是对应的标准列。可以逐列修改；导入后按用人单位记住。"))
        lay = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel(tr("报送单位：")))
        self.employer = QComboBox()
        self.employer.setEditable(True)
        self.employer.setMinimumContentsLength(18)
        self.employer.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.employer.lineEdit().setPlaceholderText(tr("用于记住本单位的列对应（可不填）"))
        row.addWidget(self.employer)
        self.apply_employer = QPushButton(tr("套用该单位上次的对应"))
        self.apply_employer.clicked.connect(self.reapply_for_employer)
        row.addWidget(self.apply_employer)
        row.addStretch(1)
        lay.addLayout(row)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([tr("列"), tr("文件中的列名"), tr("对应标准列"), tr("识别方式")])
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 14)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setColumnWidth(0, 50)
        lay.addWidget(self.table, 1)
        self.unknown_to_remarks = QCheckBox(tr("未识别的列写入“备注”"))
        lay.addWidget(self.unknown_to_remarks)
        self.missing = QLabel()
        self.missing.setWordWrap(True)
        self.missing.setStyleSheet("color: #c0392b;")
        lay.addWidget(self.missing)
        self._combos: dict[int, QComboBox] = {}

    def initializePage(self) -> None:
        from talentdesk.services.register import talent_query

        names = talent_query.employer_names(self.w.env.ctx)
        self.employer.blockSignals(True)
        self.employer.clear()
        self.employer.addItems([""] + names)
        self.employer.setCurrentText(self.w.layout.employer_hint or "")
        self.employer.blockSignals(False)
        self.fill()

    def reapply_for_employer(self) -> None:
        from talentdesk.services.exchange import importer

        layout = self.w.layout
        try:
            self.w.layout = importer.detect_layout(self.w.file, layout.sheet, header_row=layout.header_row,
                                                   ctx=self.w.env.ctx,
                                                   employer=self.employer.currentText().strip() or None)
        except Exception as exc:
            self.w.env.show_error(exc)
            return
        self.fill()

    def fill(self) -> None:
        from talentdesk.services.exchange import importer

        kind = importer.get_kind(self.w.file.kind)
        layout = self.w.layout
        cols = [c for c in layout.columns if c.header]
        self.table.setRowCount(len(cols))
        self._combos.clear()
        for r, c in enumerate(cols):
            self.table.setItem(r, 0, QTableWidgetItem(c.letter))
            self.table.setItem(r, 1, QTableWidgetItem(c.header.replace("\n", " ")))
            box = QComboBox()
            box.addItem(tr("（忽略此列）"), None)
            for f in kind.fields:
                box.addItem(f.label + ("*" if f.required else ""), f.key)
            box.setCurrentIndex(max(0, box.findData(c.field)))
            box.currentIndexChanged.connect(lambda _i, idx=c.index, b=box: self.set_field(idx, b.currentData()))
            self.table.setCellWidget(r, 2, box)
            self._combos[c.index] = box
            how = QTableWidgetItem(tr(HOW.get(c.how, c.how)))
            if c.field is None:
                how.setForeground(QBrush(QColor(150, 150, 150)))
            self.table.setItem(r, 3, how)
        self._update_missing()

    def set_field(self, index: int, key: str | None) -> None:
        self.w.layout = self.w.layout.with_field(index, key)
        self.fill()

    def _update_missing(self) -> None:
        from talentdesk.services.exchange import importer

        missing = self.w.layout.missing_required(importer.get_kind(self.w.file.kind))
        self.missing.setText(tr("缺少必填列：") + "、".join(missing) if missing else "")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        from talentdesk.services.exchange import importer

        return self.w.layout is not None and not self.w.layout.missing_required(importer.get_kind(self.w.file.kind))

    def validatePage(self) -> bool:
        from dataclasses import replace

        employer = self.employer.currentText().strip()
        self.w.layout = replace(self.w.layout, unknown="remarks" if self.unknown_to_remarks.isChecked() else "ignore",
                                employer_hint=employer or self.w.layout.employer_hint)
        return True


# -- step 4: preview ------------------------------------------------------------------------

class PreviewModel(QAbstractTableModel):
    """The rows under the header (already in memory): a 检查结果 column (可导入, 有错误, or
    跳过 with why: blank, 合计 and 填表人 lines), an 错误原因 column, then the file's
    columns; bad cells red with the message on hover; date columns shown as dates."""

    LEAD = (tr("检查结果"), tr("错误原因"))

    def __init__(self, parent=None):
        super().__init__(parent)
        self.grid: list[list[Any]] = []
        self.rows: list[int] = []  # 0-based grid row of each table row
        self.headers: list[str] = list(self.LEAD)
        self.issues: dict[tuple[int, int | None], list[str]] = {}
        self.width = len(self.LEAD)
        self.skipped: dict[int, str] = {}  # excel row → why (合计行 …), for the rows not imported as data
        self.reasons: dict[int, str] = {}  # excel row → its errors, one text
        self.parsers: dict[int, Any] = {}  # file column → parser of a date field
        self._red = QBrush(RED)
        self._pink = QBrush(QColor(255, 235, 235))
        self._grey = QBrush(QColor(140, 140, 140))

    def load(self, grid, header_row: int, headers: list[str], issues, only_errors: bool, *,
             skipped: dict[int, str] | None = None, parsers: dict[int, Any] | None = None,
             error_rows: set[int] | frozenset = frozenset()) -> None:
        """``skipped``: {excel row: why} of the non-blank lines the check left out (blank
        lines are found here); ``parsers``: {file column: parse} for the date columns;
        ``error_rows``: every row with an error, also those whose errors are not listed."""
        self.beginResetModel()
        self.grid = grid
        self.headers = list(self.LEAD) + list(headers)
        self.issues = issues
        self.width = len(self.headers)
        self.parsers = dict(parsers or {})
        start = header_row  # grid index of the first data row (header_row is 1-based)
        bad_rows = {r for (r, _c) in issues} | set(error_rows)
        reasons: dict[int, list[str]] = {}
        for (r, c), messages in sorted(issues.items(), key=lambda kv: (kv[0][0], -1 if kv[0][1] is None
                                                                        else kv[0][1])):
            reasons.setdefault(r, []).extend(messages)
        self.reasons = {r: "；".join(m) for r, m in reasons.items()}
        for r in error_rows:  # beyond the errors listed: counted, not described
            self.reasons.setdefault(r, tr("（本行有错误，未逐条列出：请先改正已列出的错误后重新检查）"))
        self.skipped = {}
        for g in range(start, len(grid)):
            why = (skipped or {}).get(g + 1)
            if why is None and g + 1 not in bad_rows and _blank(grid[g]):
                why = "blank"
            if why is not None:
                self.skipped[g + 1] = tr(SKIPPED.get(why, why))
        if only_errors:
            self.rows = [r - 1 for r in sorted(bad_rows) if r - 1 >= start]
        else:
            self.rows = list(range(start, len(grid)))
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else self.width

    def status(self, excel_row: int) -> str:
        if excel_row in self.reasons:
            return tr("有错误")
        if excel_row in self.skipped:
            return tr("跳过（{why}）").format(why=self.skipped[excel_row])
        return tr("可导入")

    def _display(self, line: list[Any], c: int) -> str:
        if c >= len(line):
            return ""
        value = line[c]
        parse = self.parsers.get(c)
        if parse is not None and value is not None and not isinstance(value, dt.date):
            try:  # an Excel serial (42552) or a date written as text: shown as the date it is
                parsed = parse(value)
            except (ValueError, TypeError):
                parsed = None
            if isinstance(parsed, dt.date):
                return parsed.isoformat()
        return _cell_text(value)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        g = self.rows[index.row()]
        excel_row = g + 1
        lead = len(self.LEAD)
        c = index.column() - lead  # the file's column (negative: 检查结果, 错误原因)
        if role == Qt.ItemDataRole.DisplayRole:
            if c == -2:
                return self.status(excel_row)
            if c == -1:
                return self.reasons.get(excel_row, "")
            return self._display(self.grid[g], c)
        if role == Qt.ItemDataRole.BackgroundRole:
            if c < 0:
                return self._pink if excel_row in self.reasons else None
            if (excel_row, c) in self.issues:
                return self._red
            if (excel_row, None) in self.issues:
                return self._pink
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._grey if excel_row in self.skipped and excel_row not in self.reasons else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if c < 0:
                return self.reasons.get(excel_row) or None
            messages = self.issues.get((excel_row, c), []) + self.issues.get((excel_row, None), [])
            return "\n".join(messages) if messages else None
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.headers[section] if 0 <= section < len(self.headers) else None
        return str(self.rows[section] + 1) if 0 <= section < len(self.rows) else None


def _blank(line: list[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in line)


def issue_text(issue) -> str:
    """One error as a line: its message, which already names the column (身份证号：…),
    or the column's header before a message that does not."""
    head, sep, _ = issue.message.partition("：")
    if (sep and len(head) <= 12) or not issue.column:
        return issue.message
    return f"{issue.column}：{issue.message}"


def row_names(v, rows) -> dict[int, str]:
    """{excel row: the person's name as written in the file} for ``rows`` of a validation."""
    col = v.layout.field_columns().get("name")
    if col is None:
        return {}
    grid = v.file.grid(v.layout.sheet)
    out = {}
    for r in rows:
        line = grid[r - 1] if 0 < r <= len(grid) else []
        if col.index < len(line) and line[col.index] is not None:
            out[r] = _cell_text(line[col.index]).strip()
    return out


class PreviewPage(QWizardPage):
    def __init__(self, wizard: "ImportWizard"):
        super().__init__()
        self.w = wizard
        self.setTitle(tr("第4步：检查结果"))
        self.setSubTitle(tr("红色单元格有错误，鼠标停在上面可以看到原因。有错误的行不会导入。"))
        lay = QVBoxLayout(self)
        self.counts = QLabel(tr("正在检查……"))
        self.counts.setObjectName("preview_counts")
        self.counts.setWordWrap(True)
        f = self.counts.font()
        f.setBold(True)
        self.counts.setFont(f)
        lay.addWidget(self.counts)
        self.progress = QProgressBar()
        lay.addWidget(self.progress)
        row = QHBoxLayout()
        self.only_errors = QCheckBox(tr("只显示有错误的行"))
        self.only_errors.toggled.connect(lambda _c: self._fill_grid())
        row.addWidget(self.only_errors)
        row.addStretch(1)
        self.report_button = QPushButton(tr("导出错误报告…"))
        self.report_button.clicked.connect(self.export_report)
        row.addWidget(self.report_button)
        lay.addLayout(row)
        self.model = PreviewModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        lay.addWidget(self.view, 1)
        self.warnings = QListWidget()
        self.warnings.setMaximumHeight(90)
        lay.addWidget(self.warnings)
        self.all_or_nothing = QCheckBox(tr("有任何错误时全部不导入"))
        lay.addWidget(self.all_or_nothing)
        self.op = None

    def initializePage(self) -> None:
        from talentdesk.services.exchange import importer

        self.w.validation = None
        self.counts.setText(tr("正在检查……"))
        self.progress.show()
        self.progress.setRange(0, 0)
        self.model.load([], 1, [], {}, False)
        self.warnings.clear()
        self.report_button.setEnabled(False)
        ctx, f, layout = self.w.env.ctx, self.w.file, self.w.layout

        def work(progress, cancelled):
            return importer.validate(ctx, f, layout, progress=_progress_adapter(progress), cancel=cancelled)

        def done(v):
            self.w.validation = v
            self.show_validation()

        self.op = self.w.env.run_op(tr("正在检查数据"), work, done, dialog=False)
        self.op.progress.connect(self._on_progress)
        self.completeChanged.emit()

    def _on_progress(self, done: int, total: int, text: str) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        self.progress.setFormat(f"{text} %v/%m")

    def show_validation(self) -> None:
        v = self.w.validation
        self.progress.hide()
        plan = v.plan
        inserts = len(getattr(plan, "inserts", []) or [])
        updates = len(getattr(plan, "updates", []) or [])
        unchanged = len(getattr(plan, "unchanged", []) or [])
        error_rows = len(v.check.error_rows)
        text = tr("共 {rows} 行：可导入 {valid} 行（新增 {ins}，更新 {upd}，无变化 {same}），"
                  "有错误 {bad} 行（{n} 处）").format(rows=v.rows, valid=v.valid, ins=inserts, upd=updates,
                                                  same=unchanged, bad=error_rows, n=v.error_count)
        self.counts.setText(text)
        self.counts.setStyleSheet("color: #c0392b;" if v.errors else "color: #1e7e34;")
        self.warnings.clear()
        for w in v.warnings:
            self.warnings.addItem("⚠ " + w.message)
        self.warnings.setVisible(bool(v.warnings))
        self.report_button.setEnabled(bool(v.errors or v.warnings))
        self._fill_grid()
        self.completeChanged.emit()

    def _fill_grid(self) -> None:
        v = self.w.validation
        if v is None:
            return
        layout = v.layout
        grid = v.file.grid(layout.sheet)
        width = max(len(grid[layout.header_row - 1]) if len(grid) >= layout.header_row else 0,
                    max((c.index + 1 for c in layout.columns), default=0))
        names = {c.index: c.header.replace("\n", " ") for c in layout.columns}
        headers = [names.get(i, "") for i in range(width)]
        specs = v.kind.by_key
        parsers = {c.index: specs[c.field].parse for c in layout.columns
                   if c.field in specs and specs[c.field].kind == "date"}
        self.model.load(grid, layout.header_row, headers, v.errors_by_cell(), self.only_errors.isChecked(),
                        skipped=dict(v.check.skipped_lines), parsers=parsers, error_rows=v.check.error_rows)
        fm = self.view.fontMetrics()
        model = self.model
        sample = range(min(50, model.rowCount()))
        for i in range(model.columnCount()):
            texts = [model.headers[i]] + [model.data(model.index(r, i)) for r in sample]
            widest = max(fm.horizontalAdvance(t) for t in texts)
            self.view.setColumnWidth(i, max(56, min(320 if i == 1 else 220, widest + 20)))

    def export_report(self):
        v = self.w.validation
        if v is None:
            return None
        suggested = str(v.file.path.with_name(v.file.path.stem + "-错误报告.xlsx"))
        path, _ = QFileDialog.getSaveFileName(self, tr("保存错误报告"), suggested, tr("Excel 文件 (*.xlsx)"))
        if not path:
            return None
        return self.w.write_report(path)

    def isComplete(self) -> bool:
        v = self.w.validation
        return v is not None and v.valid > 0 and not (self.all_or_nothing.isChecked() and v.errors)

    def validatePage(self) -> bool:
        v = self.w.validation
        if v.errors and not self.all_or_nothing.isChecked():
            bad = len(v.check.error_rows)
            return self.w.env.confirm(tr("有 {bad} 行数据有错误，这些行不会导入。\n继续导入其余 {valid} 行吗？")
                                      .format(bad=bad, valid=v.valid))
        return True


# -- step 5: import and summary -------------------------------------------------------------

class CommitPage(QWizardPage):
    def __init__(self, wizard: "ImportWizard"):
        super().__init__()
        self.w = wizard
        self.setTitle(tr("第5步：导入"))
        self.setSubTitle(tr("所有数据在一个事务中写入：中途取消或出错，数据库保持导入前的样子。"))
        lay = QVBoxLayout(self)
        self.status = QLabel()
        self.status.setObjectName("commit_status")
        self.status.setWordWrap(True)
        font = self.status.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.status.setFont(font)
        lay.addWidget(self.status)
        self.progress = QProgressBar()
        lay.addWidget(self.progress)
        row = QHBoxLayout()
        self.cancel_button = QPushButton(tr("取消导入"))
        self.cancel_button.clicked.connect(self.cancel)
        row.addWidget(self.cancel_button)
        row.addStretch(1)
        self.report_button = QPushButton(tr("打开错误报告"))
        self.report_button.setObjectName("open_report")
        self.report_button.clicked.connect(self.open_report)
        self.report_button.hide()
        row.addWidget(self.report_button)
        self.show_button = QPushButton(tr("查看人才库"))
        self.show_button.clicked.connect(self.show_talents)
        self.show_button.hide()
        row.addWidget(self.show_button)
        lay.addLayout(row)
        self.details = QListWidget()
        lay.addWidget(self.details, 1)
        self.op = None
        self.summary = None
        self.finished = False

    def initializePage(self) -> None:
        from talentdesk.services.exchange import importer

        self.finished = False
        self.summary = None
        self.details.clear()
        self.report_button.hide()
        self.show_button.hide()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self.progress.show()
        self.status.setText(tr("正在导入……"))
        ctx, v = self.w.env.ctx, self.w.validation
        # determinate from the start: the rows to write are known (the backup first holds it at 0)
        plan = v.plan
        total = (len(plan.inserts) + len(plan.updates)) if hasattr(plan, "inserts") else v.valid
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(0)
        self.progress.setFormat(tr(PHASES["write"]) + " %v/%m")
        all_or_nothing = self.w.preview_page.all_or_nothing.isChecked()

        def work(progress, cancelled):
            return importer.commit(ctx, v, all_or_nothing=all_or_nothing, progress=_progress_adapter(progress),
                                   cancel=cancelled)

        self.op = self.w.env.run_op(tr("正在导入"), work, self._done, write=True, dialog=False,
                                    on_error=self._failed)
        self.op.progress.connect(self._on_progress)
        self.op.cancelled.connect(self._cancelled)
        self.w.button(QWizard.WizardButton.BackButton).setEnabled(False)
        self.completeChanged.emit()

    def _on_progress(self, done: int, total: int, text: str) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        self.progress.setFormat(f"{text} %v/%m")

    def cancel(self) -> None:
        if self.op is not None and self.op.running:
            self.op.cancel()
            self.cancel_button.setEnabled(False)
            self.status.setText(tr("正在取消，数据库将保持导入前的样子……"))

    def _finish(self) -> None:
        self.finished = True
        self.cancel_button.hide()
        self.progress.hide()
        self.completeChanged.emit()

    def _done(self, summary) -> None:
        self.summary = summary
        self._finish()
        self.status.setText(summary.message or tr("导入完成：新增 {i} 人，更新 {u} 人").format(
            i=summary.inserted, u=summary.updated))
        for change in (summary.changes or [])[:500]:
            fields = "；".join(f"{k}：{old or '（空）'} → {new}" for k, (old, new) in change.get("fields", {}).items())
            self.details.addItem(f"第{change.get('row')}行 {change.get('name', '')}：{fields}")
        shown = summary.errors[:500]
        names = row_names(self.w.validation, {e.row for e in shown})
        for e in shown:
            who = names.get(e.row)
            self.details.addItem(f"✗ 第{e.row}行" + (f" {who}" if who else "") + f"：{issue_text(e)}")
        self.report_button.setVisible(bool(summary.errors or summary.warnings))
        self.show_button.setVisible(bool(summary.inserted or summary.updated))
        self.w.env.data_changed.emit("import")
        self.w.env.data_changed.emit("talent")

    def _failed(self, exc) -> bool:
        self._finish()
        self.status.setText(tr("导入没有完成，数据库未作任何改动：") + getattr(exc, "message", str(exc)))
        from talentdesk.domain.errors import TalentDeskError

        return isinstance(exc, TalentDeskError)  # bugs still get the error dialog

    def _cancelled(self) -> None:
        self._finish()
        self.status.setText(tr("导入已取消，数据库未作任何改动。"))

    def open_report(self):
        v = self.w.validation
        path = v.file.path.with_name(v.file.path.stem + "-错误报告.xlsx")
        return self.w.write_report(str(path), open_after=True)

    def show_talents(self) -> None:
        self.w.env.navigate("talents")
        self.w.accept()

    def isComplete(self) -> bool:
        return self.finished

    def isFinalPage(self) -> bool:
        return True


class ImportWizard(QWizard):
    """File → sheet/header → mapping → preview → import. Tests drive the pages' methods
    and ``qtbot.waitSignal(page.op.finished)``."""

    def __init__(self, env, parent=None, *, path: str | None = None):
        super().__init__(parent)
        self.env = env
        self.file = None
        self.layout = None
        self.validation = None
        self.open_op = None
        self.report_op = None
        self.setWindowTitle(tr("导入花名册"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setButtonText(QWizard.WizardButton.NextButton, tr("下一步 >"))
        self.setButtonText(QWizard.WizardButton.BackButton, tr("< 上一步"))
        self.setButtonText(QWizard.WizardButton.CancelButton, tr("取消"))
        self.setButtonText(QWizard.WizardButton.FinishButton, tr("完成"))
        self.file_page = FilePage(self)
        self.sheet_page = SheetPage(self)
        self.mapping_page = MappingPage(self)
        self.preview_page = PreviewPage(self)
        self.commit_page = CommitPage(self)
        for p in (self.file_page, self.sheet_page, self.mapping_page, self.preview_page, self.commit_page):
            self.addPage(p)
        self.resize(980, 680)
        self.finished.connect(lambda _r: self.close_file())
        if path:
            self.file_page.set_path(path)

    def write_report(self, path: str, *, open_after: bool = False):
        from talentdesk.services.exchange import importer

        v = self.validation

        def done(out):
            self.env.notify(tr("错误报告已保存：") + str(out))
            if open_after:
                QDesktopServices.openUrl(QUrl.fromLocalFile(str(out)))

        self.report_op = self.env.run_op(tr("正在生成错误报告"), lambda p, c: importer.write_report(v, path), done)
        return self.report_op

    def close_file(self) -> None:
        if self.file is not None:
            try:
                self.file.close()
            except Exception:  # pragma: no cover - closing a reader
                log.warning("closing import file failed", exc_info=True)
            self.file = None

    def reject(self) -> None:
        page = self.currentPage()
        if page is self.commit_page and self.commit_page.op is not None and self.commit_page.op.running:
            self.commit_page.cancel()
            return
        super().reject()
