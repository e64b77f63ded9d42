"""人才库: search as you type, filters, the paged table and the detail pane."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QPushButton, QSplitter, QStackedWidget, QTableView, QVBoxLayout, QWidget)

from talentdesk.domain import roster
from talentdesk.domain.status import TALENT_STATUS
from talentdesk.services.office import offices
from talentdesk.services.register import talent_query
from talentdesk.services.register.talent_query import TalentFilter
from talentdesk.ui.i18n import tr
from talentdesk.ui.common.widgets import FlowLayout
from talentdesk.ui.talents.detail import TalentDetail
from talentdesk.ui.talents.model import COLUMNS, TalentTableModel

ALL = ""  # the "全部" entry of a filter box
SPLITTER_KEY = "talents/splitter"
HEADER_KEY = "talents/header2"  # 2: 用人单位 moved next to 姓名 (an older state would misplace widths)


def _combo(placeholder: str, name: str, width_chars: int = 8) -> QComboBox:
    box = QComboBox()
    box.setObjectName(name)
    box.setToolTip(placeholder)
    box.setAccessibleName(placeholder)
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(width_chars)
    return box


def _set_items(box: QComboBox, label: str, items: list[tuple[str, object]]) -> None:
    current = box.currentData()
    box.blockSignals(True)
    box.clear()
    box.addItem(label, ALL)
    for text, value in items:
        box.addItem(text, value)
    i = box.findData(current)
    box.setCurrentIndex(i if i >= 0 else 0)
    box.blockSignals(False)


class TalentTable(QTableView):
    def __init__(self, model: TalentTableModel, parent=None):
        super().__init__(parent)
        self.setObjectName("talent_table")
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)
        self.setSortingEnabled(True)
        self.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        vh = self.verticalHeader()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(max(24, self.fontMetrics().height() + 8))
        vh.setVisible(False)
        hh = self.horizontalHeader()
        hh.setHighlightSections(False)
        hh.setStretchLastSection(True)
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        em = self.fontMetrics().horizontalAdvance("中")
        for i, col in enumerate(COLUMNS):
            if col.key in ("id_number", "phone", "birth_date", "introduction_date", "policy_id"):
                sample = {"id_number": "152921********1234", "phone": "138****8000",
                          "birth_date": "2000-00-00", "introduction_date": "2000-00-00",
                          "policy_id": "alashankou-2014"}[col.key]
                width = self.fontMetrics().horizontalAdvance(sample) + 18
            else:
                width = col.width * em + 14
            self.setColumnWidth(i, max(width, self.fontMetrics().horizontalAdvance(col.title) + 30))


class Page(QWidget):
    title = "人才库"

    def __init__(self, env, parent=None):
        super().__init__(parent)
        self.env = env
        self.model = TalentTableModel(env.ctx, self)
        self._current_id: int | None = None
        self._stale = True
        self._options_stale = True

        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 8, 8, 4)
        bar = FlowLayout()  # the filters wrap onto a second line on a narrow screen
        self.search = QLineEdit()
        self.search.setObjectName("talent_search")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(tr("搜索：姓名、拼音首字母（如 zw）、身份证号片段、用人单位"))
        self.search.setMinimumWidth(260)
        self.search.textChanged.connect(self._schedule_search)
        self.search.returnPressed.connect(self._focus_table)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self.search, self.search.clear,
                  context=Qt.ShortcutContext.WidgetShortcut)
        bar.addWidget(self.search)
        # a league user on a shared server chooses one banner (services.office.offices); hidden otherwise
        self.f_office = _combo(tr("旗县区"), "filter_office", 7)
        self._offices = offices.office_choices(self.env.ctx)
        _set_items(self.f_office, tr("全部旗县"), [(name, oid) for oid, name in self._offices])
        self.f_office.setVisible(bool(self._offices))
        self.f_district = _combo(tr("所属地区"), "filter_district", 7)
        self.f_employer = _combo(tr("用人单位"), "filter_employer", 12)
        self.f_employer.setEditable(True)
        self.f_employer.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.f_employer.lineEdit().setPlaceholderText(tr("全部单位"))
        self.f_education = _combo(tr("学历"), "filter_education", 6)
        self.f_policy = _combo(tr("适用政策"), "filter_policy", 8)
        self.f_status = _combo(tr("状态"), "filter_status", 4)
        self.f_year = _combo(tr("引进年度"), "filter_year", 5)
        _set_items(self.f_education, tr("全部学历"), [(e, e) for e in roster.EDUCATION])
        _set_items(self.f_status, tr("全部状态"), [(v, k) for k, v in TALENT_STATUS.items()])
        for box in (self.f_office, self.f_district, self.f_employer, self.f_education, self.f_policy, self.f_status,
                    self.f_year):
            bar.addWidget(box)
            box.currentIndexChanged.connect(self._schedule_search)
        self.btn_clear = QPushButton(tr("清除筛选"))
        self.btn_clear.clicked.connect(self.clear_filters)
        lay.addLayout(bar)

        row2 = QHBoxLayout()
        row2.addWidget(self.btn_clear)
        self.count_label = QLabel()
        self.count_label.setObjectName("talent_count")
        self.count_label.setWordWrap(True)  # the short-ID hint wraps instead of widening the page
        row2.addWidget(self.count_label, 1)
        self.btn_new = QPushButton(tr("新增人才"))
        self.btn_new.setToolTip(tr("新增人才 (Ctrl+N)"))
        self.btn_new.clicked.connect(self.new_talent)
        self.btn_import = QPushButton(tr("导入花名册…"))
        self.btn_import.setToolTip(tr("导入用人单位报送的 Excel 花名册 (Ctrl+I)"))
        self.btn_import.clicked.connect(self._import)
        row2.addWidget(self.btn_new)
        row2.addWidget(self.btn_import)
        lay.addLayout(row2)

        self.splitter = QSplitter()
        self.splitter.setObjectName("talent_splitter")
        self.table = TalentTable(self.model)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row)
        self.table.horizontalHeader().sortIndicatorChanged.connect(lambda *_: self._after_reload())
        # an empty register says how to fill it, instead of an empty grid
        self.empty_panel = QWidget()
        self.empty_panel.setObjectName("talents_empty")
        empty_lay = QVBoxLayout(self.empty_panel)
        empty_lay.addStretch(1)
        note = QLabel(tr("人才库中还没有人才。可以导入用人单位报送的 Excel 花名册，或逐个新增。"))
        note.setWordWrap(True)
        note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        empty_lay.addWidget(note)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.empty_import = QPushButton(tr("导入花名册(&I)…"))
        self.empty_import.clicked.connect(self._import)
        self.empty_new = QPushButton(tr("新增人才(&N)"))
        self.empty_new.clicked.connect(self.new_talent)
        buttons.addWidget(self.empty_import)
        buttons.addWidget(self.empty_new)
        buttons.addStretch(1)
        empty_lay.addLayout(buttons)
        empty_lay.addStretch(2)
        self.table_stack = QStackedWidget()
        self.table_stack.addWidget(self.table)
        self.table_stack.addWidget(self.empty_panel)
        self.splitter.addWidget(self.table_stack)
        self.detail = TalentDetail(env)
        self.detail.saved.connect(self._on_saved)
        self.detail.deleted.connect(self._on_deleted)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([700, 520])
        lay.addWidget(self.splitter, 1)
        # nothing selected: the detail pane is hidden and the list takes the whole width
        self.detail.setVisible(self.detail.is_occupied())
        self.detail.occupied.connect(self._show_detail)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(0)  # coalesces keystrokes queued while a query ran
        self._search_timer.timeout.connect(self.run_search)
        self.model.reloaded.connect(self._update_count)
        env.data_changed.connect(self._on_data_changed)
        state = env.qsettings.value(SPLITTER_KEY)
        if state is not None:
            self.splitter.restoreState(state)
        self.detail.setVisible(self.detail.is_occupied())  # restoreState shows every pane
        self._splitter_state = self.splitter.saveState() if self.detail.isVisible() else state
        header = env.qsettings.value(HEADER_KEY)
        if header is not None:
            self.table.horizontalHeader().restoreState(header)

    # -- contract ---------------------------------------------------------------------------
    def refresh(self) -> None:
        """Called when the page is shown: re-run the query (other clerks may have changed
        data; it takes milliseconds) and keep the selection."""
        if self._options_stale:
            self.load_options()
        self.model.forget_cache()
        self.reload()

    def apply_filters(self, **filters) -> None:
        """``search``, ``district``, ``employer``, ``education``, ``policy_id`` (or ``policy``),
        ``status``, ``year``, and ``id_number`` (select that talent)."""
        self.load_options()
        id_number = filters.pop("id_number", None)
        if "policy" in filters:
            filters["policy_id"] = filters.pop("policy")
        self._block_filters(True)
        self.search.setText(str(filters.get("search") or ""))
        for key, box in self._filter_boxes().items():
            value = filters.get(key, ALL)
            if value is None:
                value = ALL
            if key == "employer" and value and box.findData(value) < 0:
                box.addItem(str(value), value)
            i = box.findData(value)
            box.setCurrentIndex(i if i >= 0 else 0)
        self._block_filters(False)
        self.run_search()
        if id_number:
            self.open_talent(id_number)

    def can_leave(self) -> bool:
        return self.detail.can_leave()

    def save_state(self) -> None:
        if self.detail.isVisible():
            self._splitter_state = self.splitter.saveState()
        if self._splitter_state is not None:  # the list beside the detail pane, as last arranged
            self.env.qsettings.setValue(SPLITTER_KEY, self._splitter_state)
        self.env.qsettings.setValue(HEADER_KEY, self.table.horizontalHeader().saveState())

    def _show_detail(self, occupied: bool) -> None:
        if occupied == self.detail.isVisible():
            return
        if not occupied:
            self._splitter_state = self.splitter.saveState()
            self.detail.setVisible(False)
            return
        self.detail.setVisible(True)
        if self._splitter_state is not None:  # the widths the clerk gave the two panes
            self.splitter.restoreState(self._splitter_state)
        if self.splitter.sizes()[1] < self.detail.minimumSizeHint().width():
            total = sum(self.splitter.sizes())
            self.splitter.setSizes([total * 3 // 5, total - total * 3 // 5])

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def new_talent(self) -> None:
        if not self.detail.can_leave():
            return
        self.table.selectionModel().clearSelection()
        self._current_id = None
        self.detail.new()

    def open_talent(self, id_number: str) -> None:
        ids = talent_query.ids_for_numbers(self.env.ctx, [id_number])
        tid = next(iter(ids.values()), None)
        if tid is None:
            self.env.info(tr("找不到身份证号为{n}的人才").format(n=id_number))
            return
        if self.model.row_of(tid) < 0:
            self.clear_filters()
        self.select_id(tid)

    # -- filters ----------------------------------------------------------------------------
    def _filter_boxes(self) -> dict[str, QComboBox]:
        return {"district": self.f_district, "employer": self.f_employer, "education": self.f_education,
                "policy_id": self.f_policy, "status": self.f_status, "year": self.f_year, "office_id": self.f_office}

    def _block_filters(self, block: bool) -> None:
        self.search.blockSignals(block)
        for box in self._filter_boxes().values():
            box.blockSignals(block)

    def load_options(self) -> None:
        opts = talent_query.filter_options(self.env.ctx)
        _set_items(self.f_district, tr("全部地区"), [(d, d) for d in opts.districts])
        _set_items(self.f_employer, tr("全部单位"), [(e, e) for e in opts.employers])
        _set_items(self.f_policy, tr("全部政策"), [(p, p) for p in opts.policies])
        _set_items(self.f_year, tr("全部年度"), [(tr("{y}年").format(y=y), y) for y in opts.years])
        self._options_stale = False

    def clear_filters(self) -> None:
        self._block_filters(True)
        self.search.clear()
        for box in self._filter_boxes().values():
            box.setCurrentIndex(0)
        self._block_filters(False)
        self.run_search()

    def current_filter(self) -> TalentFilter:
        def value(box: QComboBox):
            data = box.currentData()
            if box.isEditable():
                text = box.currentText().strip()
                if not text or text == box.itemText(0):
                    return None
                return text
            return data if data not in (ALL, None) else None

        return TalentFilter(search=self.search.text().strip(), district=value(self.f_district),
                            employer=value(self.f_employer), education=value(self.f_education),
                            policy_id=value(self.f_policy), status=value(self.f_status), year=value(self.f_year),
                            office_id=value(self.f_office))

    def _schedule_search(self, *_args) -> None:
        self._search_timer.start()

    def run_search(self) -> None:
        """Re-run the query for the current search text and filters (in the GUI thread:
        it takes a few milliseconds, see bench/bench_gui.py)."""
        self._search_timer.stop()
        self.model.filter = self.current_filter()
        self.reload()

    # -- table ----------------------------------------------------------------------------
    def reload(self) -> None:
        self._stale = False
        keep = self._current_id
        self.table.selectionModel().blockSignals(True)
        self.model.reload()
        self.table.selectionModel().blockSignals(False)
        self._reselect(keep)

    def _after_reload(self) -> None:
        self._reselect(self._current_id)

    def _reselect(self, talent_id: int | None) -> None:
        row = self.model.row_of(talent_id)
        sm = self.table.selectionModel()
        sm.blockSignals(True)
        if row >= 0:
            index = self.model.index(row, 0)
            sm.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                               | QItemSelectionModel.SelectionFlag.Rows)
            self.table.scrollTo(index)
        else:
            sm.clearSelection()
            sm.setCurrentIndex(QModelIndex(), QItemSelectionModel.SelectionFlag.NoUpdate)
        sm.blockSignals(False)

    def select_id(self, talent_id: int) -> bool:
        row = self.model.row_of(talent_id)
        if row < 0:
            return False
        self.table.selectionModel().setCurrentIndex(
            self.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(self.model.index(row, 0), QAbstractItemView.ScrollHint.PositionAtCenter)
        return self._current_id == talent_id

    def _on_current_row(self, current: QModelIndex, previous: QModelIndex) -> None:
        tid = self.model.id_at(current.row()) if current.isValid() else None
        if tid == self._current_id and not self.detail.creating:
            return
        if not self.detail.can_leave():
            self._reselect(self._current_id)  # stay on the record with unsaved edits
            return
        self._current_id = tid
        if tid is None:
            self.detail.clear()
        else:
            self.detail.load(tid)

    def _focus_table(self) -> None:
        if self.model.rowCount() and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)
        self.table.setFocus()

    def _update_count(self, n: int) -> None:
        flt = self.model.filter
        text = tr("共 {n} 人").format(n=f"{n:,}")
        if not flt.is_empty():
            text = tr("符合条件 {n} 人").format(n=f"{n:,}")
        if flt.short_id_fragment:
            text += "　" + tr("（按身份证号查找请至少输入{k}位）").format(k=talent_query.MIN_ID_FRAGMENT)
        self.count_label.setText(text)
        empty = n == 0 and flt.is_empty()
        self.table_stack.setCurrentWidget(self.empty_panel if empty else self.table)

    def _on_deleted(self, _talent_id: int) -> None:
        self._current_id = None
        self.reload()

    def _on_saved(self, talent_id: int, created: bool) -> None:
        if created:
            self._current_id = talent_id
            self.reload()
            if self.model.row_of(talent_id) < 0:  # hidden by the filters: show it anyway
                self.clear_filters()
            self._reselect(talent_id)
        else:
            self.model.refresh_ids([talent_id])

    def _on_data_changed(self, entity: str) -> None:
        if entity in ("talent", "import", "employer", "departure"):
            self.model.forget_cache()
            self._options_stale = True
            if entity != "talent":
                self._stale = True
                if self.isVisible():
                    self.refresh()

    def _import(self) -> None:
        window = self.env.main_window
        if window is not None and hasattr(window, "import_roster"):
            window.import_roster()
