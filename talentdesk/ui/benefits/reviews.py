"""年度考核: per year, a grid of every talent under a service obligation with a result
column. Quick keyboard entry (1 优秀, 2 合格, 3 基本合格, 4 不合格, or the first
character; Enter moves down), paste a column or an ID/result table from Excel
(Ctrl+V), or import a file. Edits are held (marked) until 保存 (Ctrl+S); a 不合格 shows
which installments will be cancelled and asks before anything is written.

Filters from ``env.navigate("reviews", year=2025, missing=True)``.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QHBoxLayout, QHeaderView, QLabel,
                               QSpinBox, QStyledItemDelegate, QTableView)

from talentdesk.domain import idcard, money, values
from talentdesk.domain.errors import TalentDeskError
from talentdesk.domain.status import REVIEW_RESULTS
from talentdesk.services.benefits import reviews
from talentdesk.ui.i18n import tr
from talentdesk.ui.common import widgets
from talentdesk.ui.common.widgets import PageBase, add_shortcut, allowed, button, call, hint, line, notify_changed

QUICK = {"1": "优秀", "2": "合格", "3": "基本合格", "4": "不合格", "优": "优秀", "合": "合格", "基": "基本合格",
         "不": "不合格"}
COLUMNS = (tr("姓名"), tr("身份证号"), tr("用人单位"), tr("服务期起"), tr("服务期止"), tr("考核结果"), tr("考核日期"), tr("备注"),
           tr("状态"))
RESULT_COL, DATE_COL, REMARKS_COL = 5, 6, 7
RESULT_COLORS = {"优秀": "#1b7f3b", "合格": "#1f4e79", "基本合格": "#b8860b", "不合格": "#b00020"}


def parse_result(text: str) -> str | None:
    """'1'..'4', a first character or a full result → the result; '' → None; else ValueError."""
    text = values.fold_width(str(text or "")).strip()
    if not text:
        return None
    if text in REVIEW_RESULTS:
        return text
    if text in QUICK:
        return QUICK[text]
    for r in REVIEW_RESULTS:
        if text.startswith(r):
            return r
    raise ValueError(tr("“{t}”不是考核结果，应为优秀、合格、基本合格或不合格").format(t=text))


class ReviewGridModel(QAbstractTableModel):
    """The year's rows plus pending edits {talent_id: {"result", "review_date", "remarks"}}."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list = []
        self.pending: dict[int, dict] = {}
        self.default_date: dt.date | None = None

    def set_rows(self, rows) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.pending = {}
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def value(self, r: int, key: str):
        row = self.rows[r]
        p = self.pending.get(row.talent_id, {})
        return p[key] if key in p else getattr(row, key)

    def is_changed(self, r: int) -> bool:
        return self.rows[r].talent_id in self.pending

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        row = self.rows[r]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if c == 0:
                return row.name
            if c == 1:
                return idcard.mask(row.id_number)
            if c == 2:
                return row.employer or ""
            if c == 3:
                return row.service_start.isoformat() if row.service_start else ""
            if c == 4:
                return row.service_end.isoformat() if row.service_end else ""
            if c == RESULT_COL:
                return self.value(r, "result") or ""
            if c == DATE_COL:
                d = self.value(r, "review_date")
                return d.isoformat() if d else ""
            if c == REMARKS_COL:
                return self.value(r, "remarks") or ""
            if c == 8:
                if self.is_changed(r):
                    return tr("未保存")
                return tr("已登记") if row.result else tr("未登记")
        if role == Qt.ItemDataRole.ToolTipRole and c == 1:
            return row.id_number
        if role == Qt.ItemDataRole.ForegroundRole:
            if c == RESULT_COL:
                color = RESULT_COLORS.get(self.value(r, "result") or "")
                return QColor(color) if color else None
            if c == 8 and not row.result and not self.is_changed(r):
                return QColor("#b8560c")
        if role == Qt.ItemDataRole.BackgroundRole and self.is_changed(r) and c in (RESULT_COL, DATE_COL, REMARKS_COL, 8):
            return QColor("#fff4d6")
        if role == Qt.ItemDataRole.TextAlignmentRole and c in (3, 4, RESULT_COL, DATE_COL, 8):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section] if orientation == Qt.Orientation.Horizontal else str(section + 1)
        return None

    def flags(self, index):
        f = super().flags(index)
        if index.column() in (RESULT_COL, DATE_COL, REMARKS_COL):
            f |= Qt.ItemFlag.ItemIsEditable
        return f

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        r, c = index.row(), index.column()
        try:
            if c == RESULT_COL:
                return self.set_value(r, "result", parse_result(value))
            if c == DATE_COL:
                d = values.parse_date(value) if str(value or "").strip() else None
                return self.set_value(r, "review_date", d)
            if c == REMARKS_COL:
                return self.set_value(r, "remarks", values.clean_text(value))
        except ValueError:
            return False
        return False

    def set_value(self, r: int, key: str, value) -> bool:
        row = self.rows[r]
        p = self.pending.setdefault(row.talent_id, {})
        p[key] = value
        if key == "result" and value and not self.value(r, "review_date") and self.default_date:
            p["review_date"] = self.default_date
        if all(p.get(k, getattr(row, k)) == getattr(row, k) for k in ("result", "review_date", "remarks")):
            del self.pending[row.talent_id]
        self.dataChanged.emit(self.index(r, 0), self.index(r, len(COLUMNS) - 1))
        return True

    def changes(self) -> list[tuple[object, dict]]:
        """(row, merged values) of every pending edit that has a result."""
        out = []
        for r, row in enumerate(self.rows):
            if row.talent_id in self.pending:
                out.append((row, {k: self.value(r, k) for k in ("result", "review_date", "remarks")}))
        return out


class ResultDelegate(QStyledItemDelegate):
    def createEditor(self, parent, option, index):  # noqa: N802
        if index.column() != RESULT_COL:
            return super().createEditor(parent, option, index)
        box = QComboBox(parent)
        box.addItems([""] + list(REVIEW_RESULTS))
        return box

    def setEditorData(self, editor, index):  # noqa: N802
        if isinstance(editor, QComboBox):
            editor.setCurrentText(index.data() or "")
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor, model, index):  # noqa: N802
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentText())
        else:
            super().setModelData(editor, model, index)


class ReviewGrid(QTableView):
    """Keyboard: 1-4 or 优/合/基/不 set the result and move down; Del clears an unsaved
    result; Ctrl+V pastes from Excel; Enter/F2 edit the cell."""

    def __init__(self, model: ReviewGridModel, page, parent=None):
        super().__init__(parent)
        self.page = page
        self.setModel(model)
        self.grid = model
        self.setItemDelegate(ResultDelegate(self))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.setAlternatingRowColors(True)
        self.setTabKeyNavigation(True)
        vh = self.verticalHeader()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(max(26, self.fontMetrics().height() + 10))
        em = self.fontMetrics().horizontalAdvance("中")
        for c, w in enumerate((5, 10, 12, 6, 6, 6, 6, 10, 4)):
            self.setColumnWidth(c, w * em + 16)
        fm = self.fontMetrics()
        self.setColumnWidth(1, max(self.columnWidth(1), fm.horizontalAdvance(widgets.ID_SAMPLE) + 20))
        for c in (3, 4, DATE_COL):
            self.setColumnWidth(c, max(self.columnWidth(c), fm.horizontalAdvance("2026-12-31") + 20))
        self.horizontalHeader().setSectionResizeMode(REMARKS_COL, QHeaderView.ResizeMode.Stretch)
        self.read_only = False

    def set_read_only(self, read_only: bool) -> None:
        """Clerks see the grid; only reviewers (审核人) record results."""
        self.read_only = read_only
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers if read_only else
                             QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.AnyKeyPressed)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        idx = self.currentIndex()
        text = event.text()
        if self.read_only and (text in QUICK or event.matches(QKeySequence.StandardKey.Paste)
                               or event.key() == Qt.Key.Key_Delete):
            return
        if idx.isValid() and idx.column() == RESULT_COL and text and text in QUICK and self.state() != \
                QAbstractItemView.State.EditingState:
            self.grid.set_value(idx.row(), "result", QUICK[text])
            self._move_down(idx)
            return
        if idx.isValid() and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                self.state() != QAbstractItemView.State.EditingState:
            self._move_down(idx)
            return
        if event.key() == Qt.Key.Key_Delete and idx.isValid():
            self.page.clear_cells()
            return
        if event.matches(QKeySequence.StandardKey.Paste):
            self.page.paste()
            return
        super().keyPressEvent(event)

    def _move_down(self, idx) -> None:
        if idx.row() + 1 < self.grid.rowCount():
            self.setCurrentIndex(self.grid.index(idx.row() + 1, idx.column()))


class Page(PageBase):
    title = tr("年度考核")
    watches = ("review", "talent", "agreement", "departure", "import")

    def __init__(self, env, parent=None):
        super().__init__(env, parent)
        bar = QHBoxLayout()
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(dt.date.today().year - 1)
        self.year.setSuffix(tr(" 年度"))
        self._year = self.year.value()
        self.missing_only = QCheckBox(tr("只看未登记(&M)"))
        self.search = line(tr("姓名 / 身份证号 / 单位"))
        self.import_btn = button(tr("导入考核结果(&I)…"), self.import_file,
                                 tip=tr("从 Excel 导入（身份证号、考核年度、考核结果、考核日期、备注）"))
        self.save_btn = button(tr("保存(&S)"), self.save, tip=tr("保存所做的修改（Ctrl+S）"))
        self.discard_btn = button(tr("放弃修改"), self.discard)
        self.delete_btn = button(tr("删除记录…"), self.delete_review, tip=tr("删除误登记的考核结果"))
        bar.addWidget(QLabel(tr("考核年度：")))
        bar.addWidget(self.year)
        bar.addWidget(self.missing_only)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.import_btn)
        self.outer.addLayout(bar)
        self.counts = QLabel("")
        self.outer.addWidget(self.counts)
        self.read_only_note = hint(tr("考核结果由审核人登记；您可以查看和导出。"))
        self.read_only_note.setVisible(False)
        self.outer.addWidget(self.read_only_note)
        self.model = ReviewGridModel(self)
        self.grid = ReviewGrid(self.model, self, self)
        self.outer.addWidget(self.grid, 1)
        actions = QHBoxLayout()
        actions.addWidget(hint(tr("在“考核结果”列直接按 1 优秀、2 合格、3 基本合格、4 不合格（或首字），自动跳到下一行；"
                                  "可从 Excel 复制一列结果或“身份证号＋结果”两列后按 Ctrl+V 粘贴。修改在保存前以黄色标出。")), 1)
        actions.addWidget(self.delete_btn)
        actions.addWidget(self.discard_btn)
        actions.addWidget(self.save_btn)
        self.outer.addLayout(actions)
        add_shortcut(self, "Ctrl+S", self.save)
        self.year.valueChanged.connect(self._year_changed)
        self.missing_only.toggled.connect(lambda *_: self._apply_filter())
        self.search.textChanged.connect(lambda *_: self._apply_filter())
        self.model.dataChanged.connect(lambda *_: self._update_state())
        self.grid.selectionModel().currentChanged.connect(lambda *_: self._update_state())
        self.import_btn.setEnabled(allowed(env, "review.record"))
        self._all = None
        self._update_state()

    # -------------------------------------------------------------- data

    def has_unsaved_changes(self) -> bool:
        return bool(self.model.pending)

    def can_leave(self) -> bool:
        """The main window asks before switching pages: never drop edits silently."""
        if not self.model.pending:
            return True
        if not self.env.confirm(tr("{n} 条考核结果尚未保存，确定放弃这些修改吗？").format(n=len(self.model.pending))):
            return False
        self.model.pending = {}  # discarded: reload when shown again
        self._stale = True
        return True

    def _year_changed(self, value: int) -> None:
        if value == self._year:
            return
        if self.model.pending and not self.env.confirm(
                tr("{n} 条考核结果尚未保存，切换年度将放弃这些修改，确定吗？").format(n=len(self.model.pending))):
            self.year.blockSignals(True)
            self.year.setValue(self._year)
            self.year.blockSignals(False)
            return
        self._year = value
        self.model.pending = {}
        self.reload()

    def refresh(self) -> None:
        if self.model.pending:  # keep the clerk's edits; data_changed elsewhere waits
            self._stale = True
            return
        super().refresh()

    def reload(self) -> None:
        can = allowed(self.env, "review.record")
        self.grid.set_read_only(not can)
        self.import_btn.setEnabled(can)
        self.read_only_note.setVisible(not can)
        ok, data = call(self.env, reviews.list_for_year, self.env.ctx, self._year)
        self._all = data if ok else None
        self.model.default_date = dt.date.today()
        self._apply_filter()

    def _apply_filter(self) -> None:
        if self._all is None:
            self.model.set_rows([])
            self._update_state()
            return
        pending = self.model.pending
        text = self.search.text().strip().lower()
        rows = [r for r in self._all.rows
                if (not self.missing_only.isChecked() or not r.result or r.talent_id in pending)
                and (not text or text in r.name.lower() or text in r.id_number.lower()
                     or text in (r.employer or "").lower())]
        self.model.set_rows(rows)
        self.model.pending = {k: v for k, v in pending.items()}
        self._update_state()

    def apply_filters(self, **filters) -> None:
        if "year" in filters:
            self.year.setValue(int(filters["year"]))
        if "missing" in filters:
            self.missing_only.setChecked(bool(filters["missing"]))
        self.refresh()

    def _update_state(self) -> None:
        n = len(self.model.pending)
        can = allowed(self.env, "review.record")
        self.save_btn.setEnabled(bool(n) and can)
        self.discard_btn.setEnabled(bool(n))
        self.save_btn.setText(tr("保存 {n} 条(&S)").format(n=n) if n else tr("保存(&S)"))
        idx = self.grid.currentIndex()
        self.delete_btn.setEnabled(can and idx.isValid() and bool(self.model.rows[idx.row()].review_id))
        if self._all is not None:
            c = self._all.counts
            parts = [f"{k} {c.get(k, 0)}" for k in REVIEW_RESULTS] + [tr("未登记 {n}").format(n=c.get("未登记", 0))]
            self.counts.setText(tr("{y}年度 负有服务义务 {t} 人：").format(y=self._year, t=len(self._all.rows))
                                + "，".join(parts) + (tr("　（{n} 条未保存）").format(n=n) if n else ""))

    # -------------------------------------------------------------- editing

    def clear_cells(self) -> None:
        for idx in self.grid.selectionModel().selectedIndexes() or [self.grid.currentIndex()]:
            r = idx.row()
            row = self.model.rows[r]
            if row.talent_id in self.model.pending:
                del self.model.pending[row.talent_id]
                self.model.dataChanged.emit(self.model.index(r, 0), self.model.index(r, len(COLUMNS) - 1))
        self._update_state()

    def paste(self, text: str | None = None) -> None:
        """Paste from Excel: one column of results from the current cell down, or rows
        of “身份证号 <tab> 结果 [<tab> 考核日期 <tab> 备注]” matched by ID number."""
        text = QGuiApplication.clipboard().text() if text is None else text
        lines = [ln for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if ln.strip()]
        if not lines:
            return
        cells = [ln.split("\t") for ln in lines]
        errors: list[str] = []
        by_id = {row.id_number: r for r, row in enumerate(self.model.rows)}
        first_cell = values.fold_width(cells[0][0]).strip().upper()
        if len(cells[0]) >= 2 and (len(first_cell) >= 15 or first_cell in ("身份证号", "身份证号码")):
            for n, parts in enumerate(cells, start=1):
                idn = values.fold_width(parts[0]).strip().upper()
                if idn in ("身份证号", "身份证号码"):
                    continue
                r = by_id.get(idn)
                if r is None:
                    errors.append(tr("第{n}行：身份证号 {i} 不在本年度考核名单中").format(n=n, i=idn))
                    continue
                try:
                    self.model.set_value(r, "result", parse_result(parts[1]))
                    if len(parts) > 2 and parts[2].strip():
                        self.model.set_value(r, "review_date", values.parse_date(parts[2]))
                    if len(parts) > 3:
                        self.model.set_value(r, "remarks", values.clean_text(parts[3]))
                except ValueError as exc:
                    errors.append(tr("第{n}行：{m}").format(n=n, m=exc))
        else:
            idx = self.grid.currentIndex()
            start = idx.row() if idx.isValid() else 0
            col = idx.column() if idx.isValid() and idx.column() in (RESULT_COL, DATE_COL, REMARKS_COL) else RESULT_COL
            for n, parts in enumerate(cells):
                r = start + n
                if r >= self.model.rowCount():
                    errors.append(tr("粘贴的行数多于表格剩余行数，多出的 {k} 行未粘贴").format(k=len(cells) - n))
                    break
                if not self.model.setData(self.model.index(r, col), parts[0]):
                    errors.append(tr("第{n}行：“{v}”无法识别").format(n=n + 1, v=parts[0].strip()))
        self._update_state()
        if errors:
            self.env.show_error(TalentDeskError("\n".join(errors[:20])))

    def discard(self) -> None:
        if self.model.pending and self.env.confirm(tr("放弃 {n} 条未保存的修改？").format(n=len(self.model.pending))):
            self.model.pending = {}
            self.reload()

    # -------------------------------------------------------------- saving

    def save(self) -> None:
        changes = [(row, v) for row, v in self.model.changes() if v["result"]]
        cleared = [row for row, v in self.model.changes() if not v["result"]]
        if cleared:
            self.env.show_error(TalentDeskError(tr("以下人员的考核结果为空，不能保存（如系误登记，请用“删除记录”）：")
                                                + "、".join(r.name for r in cleared[:20])))
            return
        if not changes:
            return
        # what the failing results will do to the installments
        effects: list[str] = []
        # what a result means is the talent's pack's: the engine is asked for each changed one
        changed = [(row, v) for row, v in changes if v["result"] != row.result]
        ok, effect_rows = call(self.env, reviews.consequences_many, self.env.ctx,
                               [{"id_number": row.id_number, "year": self._year, "result": v["result"]}
                                for row, v in changed])
        if not ok:
            return
        for (row, v), cons in zip(changed, effect_rows):
            for c in cons:
                verb = tr("取消") if c.action == "cancel" else tr("恢复")
                effects.append(tr("{name}：{verb} {b}第{s}期（{d}，{a} 元）").format(
                    name=row.name, verb=verb, b=c.benefit_name or c.benefit_code, s=c.seq, d=c.due_date,
                    a=money.yuan(c.amount_fen)))
        failed = [row.name for row, v in changes if v["result"] == "不合格"]
        text = tr("保存 {y} 年度 {n} 条考核结果？").format(y=self._year, n=len(changes))
        if failed:
            text += "\n\n" + tr("不合格：{names}").format(names="、".join(failed))
        if effects:
            text += "\n\n" + tr("将影响以下待遇分期：") + "\n" + "\n".join(effects[:30])
            if len(effects) > 30:
                text += "\n" + tr("……共 {n} 期").format(n=len(effects))
        elif failed:
            text += "\n" + tr("（没有待发放的分期受影响）")
        if (failed or effects) and not self.env.confirm(text):
            return
        rows = [{"id_number": row.id_number, "year": self._year, "result": v["result"],
                 "review_date": v["review_date"], "remarks": v["remarks"]} for row, v in changes]
        ok, batch = call(self.env, reviews.record_many, self.env.ctx, rows, all_or_nothing=True)
        if not ok:
            return
        if not batch.committed:
            self.env.show_error(TalentDeskError(tr("有错误，未保存任何结果：") + "\n" + "\n".join(
                r.message for r in batch.rows if not r.ok)))
            return
        self.model.pending = {}
        notify_changed(self.env, "review")
        cancelled = sum(1 for r in batch.rows for c in r.applied if c.action == "cancel")
        msg = tr("已保存 {n} 条考核结果。").format(n=len(batch.rows))
        if cancelled:
            msg += tr("已取消 {k} 期待遇。").format(k=cancelled)
        self.env.info(msg)
        self.refresh()

    def delete_review(self) -> None:
        idx = self.grid.currentIndex()
        if not idx.isValid():
            return
        row = self.model.rows[idx.row()]
        if not row.review_id:
            return
        if not self.env.confirm(tr("删除 {name} {y} 年度的考核结果“{r}”？此操作记入审计日志。").format(
                name=row.name, y=self._year, r=row.result)):
            return
        ok, _ = call(self.env, reviews.delete, self.env.ctx, row.review_id)
        if ok:
            notify_changed(self.env, "review")
            self.model.pending.pop(row.talent_id, None)
            self.refresh()

    def import_file(self) -> None:
        if self.model.pending and not self.env.confirm(tr("表格中有未保存的修改，导入后将重新载入并放弃这些修改，确定吗？")):
            return
        widgets.import_excel(self.env, self, "reviews", tr("导入年度考核结果"), self._imported)

    def _imported(self, summary) -> None:
        self.model.pending = {}
        notify_changed(self.env, "review")
        self.env.info(summary.message or tr("已导入 {n} 条考核结果。").format(n=summary.valid))
        self.refresh()
