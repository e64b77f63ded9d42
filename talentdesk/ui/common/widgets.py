"""Shared building blocks of the pages: a table model over plain rows, a table view set
up the way every list in TalentDesk looks, stat cards, date/month pickers, form dialogs
that never drop unsaved edits silently, and ``call()`` that turns a service's expected
error into a message box.

Everything here is Qt only: rows are the services' dataclasses (or dicts); money is
integer fen and formatted with ``talentdesk.domain.money.yuan`` only for display.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

from PySide6.QtCore import (QAbstractTableModel, QDate, QModelIndex, QPoint, QRect, QSize,
                            Qt, QTimer, Signal)
from PySide6.QtGui import QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFrame,
                               QHBoxLayout, QHeaderView, QLabel, QLayout, QLayoutItem, QLineEdit, QPlainTextEdit,
                               QPushButton, QSizePolicy, QSpacerItem, QTableView, QVBoxLayout, QWidget)

from talentdesk.domain import money
from talentdesk.domain.errors import TalentDeskError

from talentdesk.ui.i18n import tr


def yuan(fen: int | None) -> str:
    return "" if fen is None else money.yuan(fen)


def fmt_date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def to_qdate(value: dt.date | None) -> QDate:
    if value is None:
        return QDate()
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> dt.date | None:
    if not value.isValid():
        return None
    return dt.date(value.year(), value.month(), value.day())


def today() -> dt.date:
    return dt.date.today()


def attr(row: Any, name: str, default: Any = None) -> Any:
    """``row.name`` or ``row[name]`` (services return dataclasses; some return dicts)."""
    if isinstance(row, dict):
        return row.get(name, default)
    return getattr(row, name, default)


# ------------------------------------------------------------------ calling services

def call(env, fn: Callable, *args, **kwargs) -> tuple[bool, Any]:
    """Run a service call; an expected problem (TalentDeskError) becomes env.show_error.

    Returns ``(ok, result)``. Bugs (any other exception) propagate to the main window's
    bug handler.
    """
    try:
        return True, fn(*args, **kwargs)
    except TalentDeskError as exc:
        env.show_error(exc)
        return False, None


def refusal_list(messages: list[str], *, shown: int = 10) -> str:
    """The first ``shown`` refusals as bullet lines, then "……另有 N 笔" for the rest."""
    text = "\n".join("· " + m for m in messages[:shown])
    if len(messages) > shown:
        text += "\n" + tr("……另有 {n} 笔").format(n=len(messages) - shown)
    return text


def report_batch(env, done_text: str, refused: list[str], *, refused_head: str | None = None) -> None:
    """Tell the clerk what a batch did: what was done, and what was refused and why.

    A batch with refusals is an expected problem (the services' Chinese reasons), shown
    through ``env.show_error`` like any other; a batch that did everything is a note."""
    if refused:
        head = refused_head or tr("以下 {n} 笔未处理：").format(n=len(refused))
        text = (done_text + "\n" if done_text else "") + head + "\n" + refusal_list(refused)
        env.show_error(TalentDeskError(text))
    else:
        env.info(done_text)


def fit_to_screen(widget, width: int, height: int, *, margin: int = 48) -> None:
    """Resize a dialog to ``width`` × ``height`` or to what the screen has free (a 1366×768
    laptop leaves about 1366×728 below the taskbar), whichever is smaller."""
    from PySide6.QtGui import QGuiApplication

    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        free = screen.availableGeometry()
        width = min(width, free.width() - margin)
        height = min(height, free.height() - margin)
    widget.resize(width, height)


def set_approvable(btn, env, action: str, proposers: list, tip: str) -> None:
    """Enable an approve button when the services' four-eyes rule lets the user approve one of
    the selected items; a disabled one says why in its tooltip (and the status bar)."""
    from talentdesk.services.office import permissions

    why = permissions.approval_refusal(env.ctx, action, proposers)
    btn.setEnabled(why is None)
    btn.setToolTip(tip if why is None else tr(why))
    if why is not None and proposers:
        env.notify(tr(why))


class Collect:
    """An env stand-in for ``call`` that collects the refusals' messages instead of showing them."""

    def __init__(self, errors: list[str]):
        self.errors = errors

    def show_error(self, exc) -> None:
        self.errors.append(getattr(exc, "message", str(exc)))


def allowed(env, action: str) -> bool:
    """Whether the current role may perform ``action`` (buttons are greyed otherwise)."""
    try:
        from talentdesk.services.office import permissions
    except ImportError:  # pragma: no cover - permissions always exists
        return True
    try:
        return permissions.allowed(env.ctx, action)
    except KeyError:
        return True


def person(env, user: str | None) -> str:
    """The person's name for a log-in name (提交人, 审核人 columns); the log-in name itself for
    an account without a name or an actor that is not an account (the demo's)."""
    if not user:
        return ""
    names = getattr(env, "person_names", None)
    if names is None:
        from talentdesk.services.office import users

        try:
            names = users.display_names(env.ctx)
        except Exception:  # no database yet, or an env stand-in in a test
            names = {}
        try:
            env.person_names = names
        except AttributeError:
            pass
    return names.get(user, user)


def person_col(env, title: str, key: str, width: int = 4) -> "Col":
    """A column of who did it: the person's name, the log-in name in the tooltip."""
    return Col(title, lambda r: person(env, getattr(r, key)), width=width, tip=key)


def notify_changed(env, what: str) -> None:
    if what == "user" and hasattr(env, "person_names"):
        env.person_names = None  # an account was added or renamed
    signal = getattr(env, "data_changed", None)
    if signal is not None:
        signal.emit(what)


# ------------------------------------------------------------------ table model

@dataclass
class Col:
    """One column of a RowsModel.

    ``get``: attribute name or callable(row) → value. ``kind``: text, money (fen → yuan,
    right-aligned), int (right-aligned), date. ``width``: initial width in characters.
    """
    title: str
    get: str | Callable[[Any], Any]
    kind: str = "text"
    width: int = 10
    tip: str | Callable[[Any], Any] | None = None
    stretch: bool = False  # takes the spare width (else the last column does)
    sample: str | None = None  # widest expected text (sizes the column to the real font)
    # callable(row) → a text shown instead of the value (e.g. “待定” for a money cell), or
    # None; the value still sorts and aligns the column
    display: Callable[[Any], str | None] | None = None

    def value(self, row: Any) -> Any:
        if callable(self.get):
            return self.get(row)
        return attr(row, self.get)

    def text(self, row: Any) -> str:
        if self.display is not None:
            shown = self.display(row)
            if shown is not None:
                return shown
        v = self.value(row)
        if v is None:
            return ""
        if self.kind == "money":
            return money.yuan(v)
        if isinstance(v, dt.date):
            return v.isoformat()
        if isinstance(v, bool):
            return tr("是") if v else tr("否")
        return str(v)

    def sort_key(self, row: Any):
        v = self.value(row)
        if v is None:
            return (0, "")
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return (1, v)
        if isinstance(v, dt.date):
            return (1, v.toordinal())
        return (2, str(v))


ROW_ROLE = Qt.ItemDataRole.UserRole + 1


class RowsModel(QAbstractTableModel):
    """A read-only table over a Python list of rows (services' dataclasses).

    ``muted(row) -> bool`` greys a row (cancelled, suspended); ``tint(row) -> QColor``
    colours its background. The lists the pages show are bounded by their filters
    (a month of installments, a year of reviews), so the whole list is held.
    """

    def __init__(self, columns: Sequence[Col], parent=None, *, muted: Callable[[Any], bool] | None = None,
                 tint: Callable[[Any], QColor | None] | None = None):
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list[Any] = []
        self._muted = muted
        self._tint = tint
        self._grey = QColor("#7a7a7a")

    def set_rows(self, rows: Iterable[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row(self, r: int) -> Any:
        return self.rows[r]

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        col = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.text(row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if col.kind in ("money", "int"):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if col.kind == "date":
                return int(Qt.AlignmentFlag.AlignCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col.tip is None:
                text = col.text(row)
                return text if len(text) > 12 else None
            tip = col.tip(row) if callable(col.tip) else attr(row, col.tip)
            return str(tip) if tip else None
        if role == Qt.ItemDataRole.ForegroundRole and self._muted is not None and self._muted(row):
            return self._grey
        if role == Qt.ItemDataRole.BackgroundRole and self._tint is not None:
            return self._tint(row)
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.UserRole:
            return col.sort_key(row)
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 - Qt API
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return self.columns[section].title
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignCenter)
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if not (0 <= column < len(self.columns)):
            return
        col = self.columns[column]
        self.layoutAboutToBeChanged.emit()
        self.rows.sort(key=col.sort_key, reverse=order == Qt.SortOrder.DescendingOrder)
        self.layoutChanged.emit()


class DataTable(QTableView):
    """The list view every page uses: whole-row selection, fixed row height, sortable,
    Enter or double-click emits ``activated_row(row)``; Delete emits ``delete_pressed``."""

    activated_row = Signal(object)
    delete_pressed = Signal()
    selection_changed = Signal()

    def __init__(self, model: RowsModel, parent=None, *, multi: bool = False):
        super().__init__(parent)
        self.rows_model = model
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection if multi
                              else QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setSortingEnabled(True)
        self.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)
        vh = self.verticalHeader()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(max(26, self.fontMetrics().height() + 10))
        vh.setVisible(False)
        hh = self.horizontalHeader()
        hh.setHighlightSections(False)
        hh.setStretchLastSection(True)
        hh.setMinimumSectionSize(40)
        em = self.fontMetrics().horizontalAdvance("中")
        fm = self.fontMetrics()
        auto = {"date": "2026-12-31", "money": "1,234,567.89"}
        for i, col in enumerate(model.columns):
            sample = col.sample or auto.get(col.kind)
            width = max(col.width * em + 16, fm.horizontalAdvance(col.title) + 28)
            if sample:
                width = max(width, fm.horizontalAdvance(sample) + 20)
            self.setColumnWidth(i, width)
            if col.stretch:
                hh.setStretchLastSection(False)
                hh.setSectionResizeMode(i, QHeaderView.ResizeMode.Stretch)
        self.doubleClicked.connect(self._activated)
        self.selectionModel().selectionChanged.connect(lambda *_: self.selection_changed.emit())
        model.modelReset.connect(self.selection_changed.emit)

    def _activated(self, index) -> None:
        if index.isValid():
            self.activated_row.emit(self.rows_model.row(index.row()))

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._activated(self.currentIndex())
            return
        if event.key() == Qt.Key.Key_Delete and self.selectionModel().hasSelection():
            self.delete_pressed.emit()
            return
        super().keyPressEvent(event)

    def selected_rows(self) -> list[Any]:
        rows = sorted({i.row() for i in self.selectionModel().selectedRows()})
        return [self.rows_model.row(r) for r in rows]

    def current_row(self) -> Any | None:
        rows = self.selected_rows()
        return rows[0] if rows else None

    def select_all_rows(self) -> None:
        self.selectAll()


# ------------------------------------------------------------------ page pieces

ID_SAMPLE = "152921********123X"


def heading(text: str, *, size: int = 15) -> QLabel:
    label = QLabel(text)
    f = label.font()
    f.setPointSize(size)
    f.setBold(True)
    label.setFont(f)
    return label


def hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: #666;")
    return label


class PageBase(QWidget):
    """Common page frame: a title row, ``reload()`` guarded so that a page that is not
    visible only marks itself stale when data changes elsewhere."""

    title = ""
    watches: tuple[str, ...] = ()  # data_changed kinds that make this page stale; () = all

    def __init__(self, env, parent=None):
        super().__init__(parent)
        self.env = env
        self._stale = True
        self.setObjectName(type(self).__module__.rsplit(".", 1)[-1] + "_page")
        signal = getattr(env, "data_changed", None)
        if signal is not None:
            signal.connect(self._on_data_changed)
        self.outer = QVBoxLayout(self)
        self.outer.setContentsMargins(16, 12, 16, 12)
        self.outer.setSpacing(8)
        self.title_row = QHBoxLayout()
        self.title_label = heading(self.title)
        self.title_row.addWidget(self.title_label)
        self.title_row.addStretch(1)
        self.outer.addLayout(self.title_row)

    def focus_search(self) -> None:
        """Ctrl+F (the main window's 查找) on this page: the page's search box."""
        box = getattr(self, "search", None)
        if isinstance(box, QLineEdit):
            box.setFocus()
            box.selectAll()

    def _on_data_changed(self, what: str = "") -> None:
        if self.watches and what and what not in self.watches:
            return
        self._stale = True
        if self.isVisible():
            # deferred and coalesced: a page that changed data itself refreshes right away,
            # and several signals in a row cost one reload
            QTimer.singleShot(0, self._refresh_if_stale)

    def refresh(self) -> None:
        """Reload from the services (the main window calls this when the page is shown)."""
        self._stale = False
        self.reload()

    def reload(self) -> None:  # pragma: no cover - overridden
        pass

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if self._stale:
            # deferred: the main window refreshes (or applies filters) right after
            # showing a page; only a page shown some other way loads here
            QTimer.singleShot(0, self._refresh_if_stale)

    def _refresh_if_stale(self) -> None:
        if self._stale and self.isVisible():
            self.refresh()


class StatCard(QFrame):
    """A clickable figure on the dashboard: a big number and what it counts."""

    clicked = Signal()

    def __init__(self, caption: str, parent=None, *, accent: str = "#1f6fb2"):
        super().__init__(parent)
        self.setObjectName("StatCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setStyleSheet(f"#StatCard {{ background: #ffffff; border: 1px solid #d6dde6; border-left: 4px solid {accent};"
                           f" border-radius: 4px; }} #StatCard:focus {{ border: 2px solid {accent}; }}")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 8, 12, 8)
        self.value_label = QLabel("—")
        f = self.value_label.font()
        f.setPointSize(20)
        f.setBold(True)
        self.value_label.setFont(f)
        self.value_label.setStyleSheet(f"color: {accent}; border: none;")
        self.caption_label = QLabel(caption)
        self.caption_label.setStyleSheet("border: none; color: #333;")
        self.detail_label = QLabel("")
        self.detail_label.setStyleSheet("border: none; color: #777;")
        lay.addWidget(self.value_label)
        lay.addWidget(self.caption_label)
        lay.addWidget(self.detail_label)
        self.setToolTip(tr("单击查看明细"))

    def set_value(self, value: Any, detail: str = "") -> None:
        self.value_label.setText(str(value))
        self.detail_label.setText(detail)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit()
            return
        super().keyPressEvent(event)


class TotalsLabel(QLabel):
    """“已选 3 笔，合计 ¥120,000.00 元” under a table."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setWordWrap(True)  # a long selection total wraps instead of widening the page

    def show_totals(self, shown: int, shown_fen: int, selected: int, selected_fen: int) -> None:
        text = tr("共 {n} 笔，合计 {a} 元").format(n=shown, a=money.yuan(shown_fen))
        if selected:
            text += tr("；已选 {n} 笔，合计 {a} 元").format(n=selected, a=money.yuan(selected_fen))
        self.setText(text)


class FlowLayout(QLayout):
    """A row of filters or buttons that wraps onto a further line when the window is too
    narrow for it (a 1024×768 screen), instead of squeezing its widgets over each other.

    In each line the spare width goes to the items that expand horizontally (a search
    box); ``addStretch()`` adds a gap that takes spare width too (dropped where it would
    start or end a line)."""

    def __init__(self, parent: QWidget | None = None, *, spacing: int = 6):
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.setContentsMargins(0, 0, 0, 0)
        self.setSpacing(spacing)

    # -- QLayout API -------------------------------------------------------------------
    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt API
        self._items.append(item)

    def addStretch(self, _stretch: int = 1) -> None:  # noqa: N802 - mirrors QBoxLayout
        self.addItem(QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum))

    def _live(self) -> list[QLayoutItem]:
        """The items; while a page is destroyed Qt deletes some before asking for a size."""
        import shiboken6

        self._items = [i for i in self._items if shiboken6.isValid(i)]
        return self._items

    def count(self) -> int:
        return len(self._live())

    def itemAt(self, index: int):  # noqa: N802 - Qt API
        items = self._live()
        return items[index] if 0 <= index < len(items) else None

    def takeAt(self, index: int):  # noqa: N802 - Qt API
        items = self._live()
        return items.pop(index) if 0 <= index < len(items) else None

    def expandingDirections(self):  # noqa: N802 - Qt API
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt API
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt API
        return self._arrange(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt API
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        m = self.contentsMargins()
        shown = [i for i in self._live() if not i.isEmpty() and not isinstance(i, QSpacerItem)]
        width = sum(i.sizeHint().width() for i in shown) + self.spacing() * max(0, len(shown) - 1)
        height = max([i.sizeHint().height() for i in shown] + [0])
        return QSize(width + m.left() + m.right(), height + m.top() + m.bottom())

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt API
        m = self.contentsMargins()
        size = QSize()
        for item in self._live():
            if not item.isEmpty():
                size = size.expandedTo(item.minimumSize())
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    # -- layout ------------------------------------------------------------------------
    def _lines(self, width: int) -> list[list[QLayoutItem]]:
        lines: list[list[QLayoutItem]] = [[]]
        used = 0
        for item in self._live():
            spacer = isinstance(item, QSpacerItem)  # empty to Qt, but it takes spare width here
            if item.isEmpty() and not spacer:
                continue
            w = 0 if spacer else min(item.sizeHint().width(), width)
            line = lines[-1]
            if line and not spacer and used + self.spacing() + w > width:
                lines.append([])
                line, used = lines[-1], 0
            if spacer and not line:
                continue
            used += (self.spacing() if line else 0) + w
            line.append(item)
        return [line for line in lines if line]

    def _arrange(self, rect: QRect, *, apply: bool) -> int:
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        width = max(1, area.width())
        y = area.y()
        for line in self._lines(width):
            while line and isinstance(line[-1], QSpacerItem):
                line.pop()
            widths = [0 if isinstance(i, QSpacerItem) else min(i.sizeHint().width(), width) for i in line]
            spare = width - sum(widths) - self.spacing() * (len(line) - 1)
            growing = [k for k, i in enumerate(line)
                       if isinstance(i, QSpacerItem) or i.expandingDirections() & Qt.Orientation.Horizontal]
            for n, k in enumerate(growing):
                share = spare // len(growing) + (1 if n < spare % len(growing) else 0)
                widths[k] += max(0, share)
            height = max(i.sizeHint().height() for i in line)
            x = area.x()
            for item, w in zip(line, widths):
                h = min(height, max(item.sizeHint().height(), item.minimumSize().height()))
                if apply:
                    item.setGeometry(QRect(QPoint(x, y + (height - h) // 2), QSize(w, h)))
                x += w + self.spacing()
            y += height + self.spacing()
        return max(0, y - self.spacing() - area.y()) + m.top() + m.bottom()


def date_edit(value: dt.date | None = None, *, parent=None) -> QDateEdit:
    w = QDateEdit(parent)
    w.setCalendarPopup(True)
    w.setDisplayFormat("yyyy-MM-dd")
    w.setDate(to_qdate(value or today()))
    return w


def month_edit(value: dt.date | None = None, *, parent=None) -> QDateEdit:
    w = QDateEdit(parent)
    w.setCalendarPopup(True)
    w.setDisplayFormat(tr("yyyy年MM月"))
    d = value or today()
    w.setDate(QDate(d.year, d.month, 1))
    return w


def month_end(d: dt.date) -> dt.date:
    nxt = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def combo(items: Iterable[tuple[str, Any]], parent=None) -> QComboBox:
    """A combo box of (label, data)."""
    box = QComboBox(parent)
    for label, data in items:
        box.addItem(label, data)
    return box


def button(text: str, slot: Callable | None = None, *, tip: str = "", default: bool = False,
           shortcut: str | QKeySequence | None = None) -> QPushButton:
    b = QPushButton(text)
    if slot is not None:
        b.clicked.connect(lambda *_: slot())
    if tip:
        b.setToolTip(tip)
    if default:
        b.setDefault(True)
    if shortcut:
        b.setShortcut(QKeySequence(shortcut))
    return b


def add_shortcut(widget: QWidget, keys: str | QKeySequence.StandardKey, slot: Callable) -> QShortcut:
    sc = QShortcut(QKeySequence(keys), widget)
    sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    sc.activated.connect(slot)
    return sc


# ------------------------------------------------------------------ dialogs

def exec_dialog(dlg: QDialog) -> bool:
    """Run a modal dialog; True when accepted. Pages call it through this module so that
    tests can replace it with a function that fills the dialog and presses its buttons."""
    return bool(dlg.exec())


def watch_edits(w: QWidget, slot: Callable) -> None:
    """Call ``slot`` whenever the user edits ``w`` (line, text, combo, date, spin, check)."""
    if isinstance(w, QComboBox):
        w.currentIndexChanged.connect(slot)
        if w.isEditable():
            w.editTextChanged.connect(slot)
        return
    for sig in ("textChanged", "dateChanged", "valueChanged", "toggled"):
        s = getattr(w, sig, None)
        if s is not None:
            s.connect(slot)
            return


class FormDialog(QDialog):
    """A dialog with OK/Cancel that asks before dropping edits.

    Subclasses put fields in ``self.form`` (a QFormLayout is up to them), call
    ``self.watch(widget)`` on every editable widget, and implement ``accept_form()``
    returning True when saved (errors shown via env.show_error, dialog stays open).
    """

    def __init__(self, env, title: str, parent=None):
        super().__init__(parent)
        self.env = env
        self.setWindowTitle(title)
        self.dirty = False
        self.body = QVBoxLayout(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("保存"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)

    def finish_layout(self) -> None:
        self.body.addWidget(self.buttons)

    def watch(self, *widgets: QWidget) -> None:
        for w in widgets:
            watch_edits(w, self._mark_dirty)

    def _mark_dirty(self, *_) -> None:
        self.dirty = True

    def _ok(self) -> None:
        if self.accept_form():
            self.dirty = False
            self.accept()

    def accept_form(self) -> bool:  # pragma: no cover - overridden
        return True

    def reject(self) -> None:
        if self.dirty and not self.env.confirm(tr("所做的修改尚未保存，确定放弃吗？")):
            return
        self.dirty = False
        super().reject()


def ask_text(parent: QWidget, title: str, label: str, text: str = "") -> str | None:
    """Ask for one line of text (a reason, a voucher number); None when cancelled.
    Tests replace this function (module attribute) with a scripted answer."""
    from PySide6.QtWidgets import QInputDialog

    value, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal, text)
    return value.strip() if ok else None


def ask_open_file(env, parent: QWidget, title: str, filters: str) -> str | None:
    """A file to open (starting in the last folder used); None when cancelled."""
    from PySide6.QtWidgets import QFileDialog

    start = env.last_folder() if hasattr(env, "last_folder") else ""
    path, _ = QFileDialog.getOpenFileName(parent, title, start, filters)
    if path and hasattr(env, "remember_folder"):
        env.remember_folder(path)
    return path or None


def ask_save_file(env, parent: QWidget, title: str, suggested: str, filters: str) -> str | None:
    """Where to save an export (suggested name in the last folder used); None when cancelled."""
    from PySide6.QtWidgets import QFileDialog

    start = env.last_folder() if hasattr(env, "last_folder") else ""
    path, _ = QFileDialog.getSaveFileName(parent, title, os.path.join(start or "", suggested), filters)
    if path and hasattr(env, "remember_folder"):
        env.remember_folder(path)
    return path or None


def open_file(path: str) -> bool:
    """Open a file with the system's program (Excel, the PDF reader)."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def remember_folder(env, path: str) -> None:
    if hasattr(env, "remember_folder"):
        env.remember_folder(path)


IMPORT_PHASES = {"read": "读取文件", "validate": "检查数据", "write": "写入数据库"}


def import_excel(env, parent: QWidget, kind: str, title: str, on_finished: Callable[[Any], None]) -> None:
    """Import an Excel file of ``kind`` (reviews / payments) with the import engineer's
    engine: a dry run first (errors shown, nothing written), the clerk confirms, then
    the commit in one transaction. Both steps run through env.run_op with progress."""
    path = ask_open_file(env, parent, title, tr("表格文件 (*.xlsx *.xlsm *.xls *.ods *.csv)"))
    if not path:
        return
    from talentdesk.services.exchange import importer

    def adapt(progress):
        return lambda phase, done, total: progress(done, total, tr(IMPORT_PHASES.get(phase, phase)))

    def dry(progress, cancelled):
        return importer.run_import(env.ctx, path, kind, dry_run=True, all_or_nothing=True,
                                   progress=adapt(progress), cancel=cancelled)

    def commit(progress, cancelled):
        return importer.run_import(env.ctx, path, kind, all_or_nothing=True, progress=adapt(progress),
                                   cancel=cancelled)

    def checked(summary) -> None:
        if summary.errors:
            lines = [tr("第{r}行 {c}：{m}").format(r=e.row, c=e.column or "", m=e.message) for e in summary.errors[:25]]
            more = len(summary.errors) - 25
            env.show_error(TalentDeskError(tr("文件中有 {n} 处错误，未导入任何数据，请改正后重新导入：").format(
                n=len(summary.errors)) + "\n" + "\n".join(lines) + (tr("\n……另有 {n} 处").format(n=more) if more > 0 else "")))
            return
        text = tr("共 {n} 行可以导入。").format(n=summary.valid)
        if summary.message:
            text = summary.message + "\n" + text
        if summary.warnings:
            text += "\n" + "\n".join("· " + w.message for w in summary.warnings[:10])
        if env.confirm(text + "\n" + tr("确定导入吗？")):
            env.run_op(title, commit, on_finished, write=True)

    env.run_op(tr("检查 {f}").format(f=os.path.basename(path)), dry, checked)


class TextView(QPlainTextEdit):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setReadOnly(True)


def line(placeholder: str = "", text: str = "") -> QLineEdit:
    w = QLineEdit(text or "")
    if placeholder:
        w.setPlaceholderText(placeholder)
    w.setClearButtonEnabled(True)
    return w


def separator() -> QFrame:
    f = QFrame()
    f.setFrameShape(QFrame.Shape.HLine)
    f.setFrameShadow(QFrame.Shadow.Sunken)
    return f


def bold(label: QLabel) -> QLabel:
    f = QFont(label.font())
    f.setBold(True)
    label.setFont(f)
    return label


__all__ = [
    "Col", "DataTable", "ID_SAMPLE", "FormDialog", "PageBase", "ROW_ROLE", "RowsModel", "StatCard", "TextView", "TotalsLabel",
    "add_shortcut", "allowed", "ask_open_file", "ask_save_file", "ask_text", "exec_dialog", "import_excel", "open_file",
    "remember_folder", "watch_edits", "attr", "bold", "button", "call", "combo", "date_edit", "fmt_date", "from_qdate",
    "heading", "hint", "line", "month_edit", "month_end", "notify_changed", "separator", "to_qdate", "today", "tr",
    "yuan",
]
