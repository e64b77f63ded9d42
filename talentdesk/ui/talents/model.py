"""The 人才库 table model: holds only the ordered ids of the current query and fetches
rows by page (``PAGE_SIZE`` ids) on demand into a small LRU cache. Sorting and
filtering re-run the SQL query (``talentdesk.services.register.talent_query``); there is no
proxy model reading every row. ``rowCount()`` is the full count, so the scroll bar is
right from the start and jumping to the bottom fetches one page.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from talentdesk.services.register import talent_query
from talentdesk.services.register.talent_query import PAGE_SIZE, TalentFilter, TalentRow
from talentdesk.ui.i18n import tr

MAX_CACHED_PAGES = 40
ID_ROLE = Qt.ItemDataRole.UserRole
ID_NUMBER_ROLE = Qt.ItemDataRole.UserRole + 1

_DISPLAY = Qt.ItemDataRole.DisplayRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_ALIGN = Qt.ItemDataRole.TextAlignmentRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole


@dataclass(frozen=True)
class TableColumn:
    key: str  # sort key in talent_query.SORT_COLUMNS
    title: str
    width: int  # characters


COLUMNS: tuple[TableColumn, ...] = (
    TableColumn("name", "姓名", 6),
    TableColumn("sex", "性别", 3),
    TableColumn("employer", "用人单位", 14),  # early: visible beside the detail pane on a 1024 screen
    TableColumn("id_number", "身份证号", 17),
    TableColumn("birth_date", "出生日期", 10),
    TableColumn("education", "学历", 9),
    TableColumn("talent_class", "人才类别", 7),
    TableColumn("district", "所属地区", 10),
    TableColumn("introduction_date", "引进日期", 10),
    TableColumn("policy_id", "适用政策", 11),
    TableColumn("status", "状态", 6),
    TableColumn("phone", "手机号码", 11),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)
_CENTER = int(Qt.AlignmentFlag.AlignCenter)
_CENTERED = {"sex", "birth_date", "talent_class", "introduction_date", "status"}


def display(row: TalentRow, key: str) -> str:
    if key == "id_number":
        return row.id_masked
    if key == "phone":
        return row.phone_masked
    if key == "status":
        return row.status_label
    if key == "employer":
        return row.employer or ""
    value = getattr(row, key)
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


class TalentTableModel(QAbstractTableModel):
    reloaded = Signal(int)  # the new row count after a query

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.filter = TalentFilter()
        self.sort_key = "name"
        self.descending = False
        self._ids: list[int] = []
        self._loaded = False
        self._everyone: tuple[tuple[str, bool], list[int]] | None = None
        self._pos: dict[int, int] | None = None
        self._rows: dict[int, TalentRow | None] = {}
        self._text: dict[int, tuple[str, ...]] = {}  # display strings per row, made once per fetch
        self._pages: OrderedDict[int, list[int]] = OrderedDict()
        self._titles = [tr(c.title) for c in COLUMNS]
        self._grey = QBrush(QColor(128, 128, 128))
        self.fetches = 0  # pages fetched (for tests and the benchmark)

    # -- queries ----------------------------------------------------------------------
    def reload(self) -> None:
        key = (self.sort_key, self.descending)
        if self.filter.is_empty():
            if self._everyone is not None and self._everyone[0] == key:
                ids = self._everyone[1]  # unchanged since the last query (see forget_cache)
            else:
                ids = talent_query.ordered_ids(self.ctx, self.filter, sort=self.sort_key,
                                               descending=self.descending)
                self._everyone = (key, ids)  # the whole table in this order, reused below
        else:
            within = self._everyone[1] if self._everyone and self._everyone[0] == key and \
                self.filter.with_(search="").is_empty() else None
            ids = talent_query.ordered_ids(self.ctx, self.filter, sort=self.sort_key, descending=self.descending,
                                           within=within)
        self.set_ids(ids)

    def forget_cache(self) -> None:
        """Data changed: the cached whole-table order may be out of date."""
        self._everyone = None

    def set_ids(self, ids: list[int]) -> None:
        self._loaded = True
        self.beginResetModel()
        self._ids = ids
        self._pos = None
        self._rows.clear()
        self._text.clear()
        self._pages.clear()
        self.endResetModel()
        self.reloaded.emit(len(ids))

    def set_filter(self, flt: TalentFilter) -> None:
        self.filter = flt
        self.reload()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        key, descending = COLUMNS[column].key, order == Qt.SortOrder.DescendingOrder
        if not self._loaded or (key, descending) == (self.sort_key, self.descending):
            # The view announces its sort indicator while it is set up: nothing to re-query.
            self.sort_key, self.descending = key, descending
            return
        self.sort_key, self.descending = key, descending
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        old_ids = [self._ids[i.row()] if 0 <= i.row() < len(self._ids) else None for i in old]
        self._ids = talent_query.ordered_ids(self.ctx, self.filter, sort=self.sort_key, descending=self.descending)
        self._pos = None
        new = []
        for idx, tid in zip(old, old_ids):
            r = self.row_of(tid) if tid is not None else -1
            new.append(self.index(r, idx.column()) if r >= 0 else QModelIndex())
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()

    def refresh_ids(self, ids: list[int]) -> None:
        """Re-read these rows (after an edit) and repaint them."""
        fresh = talent_query.rows_by_id(self.ctx, ids)
        for tid in ids:
            self._store(tid, fresh.get(tid))
            r = self.row_of(tid)
            if r >= 0:
                self.dataChanged.emit(self.index(r, 0), self.index(r, len(COLUMNS) - 1))

    # -- lookups ----------------------------------------------------------------------
    def id_at(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, talent_id: int | None) -> int:
        if talent_id is None:
            return -1
        if self._pos is None:
            self._pos = {tid: i for i, tid in enumerate(self._ids)}
        return self._pos.get(talent_id, -1)

    def row_data(self, row: int) -> TalentRow | None:
        if not 0 <= row < len(self._ids):
            return None
        tid = self._ids[row]
        if tid not in self._rows:
            self._fetch_page(row // PAGE_SIZE)
        return self._rows.get(tid)

    def _fetch_page(self, page: int) -> None:
        ids = self._ids[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]
        fetched = talent_query.rows_by_id(self.ctx, ids)
        self.fetches += 1
        for tid in ids:
            self._store(tid, fetched.get(tid))  # None: deleted meanwhile
        self._pages[page] = ids
        self._pages.move_to_end(page)
        while len(self._pages) > MAX_CACHED_PAGES:
            _, old = self._pages.popitem(last=False)
            for tid in old:
                self._rows.pop(tid, None)
                self._text.pop(tid, None)

    def _store(self, tid: int, row: TalentRow | None) -> None:
        self._rows[tid] = row
        if row is None:
            self._text[tid] = (tr("（已删除）"),) + ("",) * (len(COLUMNS) - 1)
        else:
            self._text[tid] = tuple(display(row, key) for key in COLUMN_KEYS)

    # -- Qt model API -----------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def text_at(self, row: int) -> tuple[str, ...] | None:
        if not 0 <= row < len(self._ids):
            return None
        tid = self._ids[row]
        text = self._text.get(tid)
        if text is None:
            self._fetch_page(row // PAGE_SIZE)
            text = self._text.get(tid)
        return text

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY) -> Any:
        # Called for every role of every visible cell on each paint: keep it short.
        if role == _DISPLAY:
            if not index.isValid():
                return None
            text = self.text_at(index.row())
            return text[index.column()] if text else None
        if role == _ALIGN:
            if index.isValid() and COLUMN_KEYS[index.column()] in _CENTERED:
                return _CENTER
            return None
        if role == _FOREGROUND:
            if not index.isValid():
                return None
            row = self.row_data(index.row())
            if row is not None and row.status != "active":
                return self._grey
            return None
        if role == _TOOLTIP:
            if index.isValid() and COLUMN_KEYS[index.column()] == "employer":
                text = self.text_at(index.row())
                return text[index.column()] if text and text[index.column()] else None
            return None
        if role == ID_ROLE:
            return self.id_at(index.row()) if index.isValid() else None
        if role == ID_NUMBER_ROLE:
            row = self.row_data(index.row()) if index.isValid() else None
            return row.id_number if row else None
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if role != _DISPLAY:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._titles[section] if 0 <= section < len(COLUMNS) else None
        return str(section + 1)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
