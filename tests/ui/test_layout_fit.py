"""人才库, 待遇发放 and 离职追回 on a laptop (1366×768) and an old office screen (1024×768):
no widget drawn over another or cut off, the talents list shows 用人单位, and the detail
pane gives its width to the list while nothing is selected."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QItemSelectionModel, QModelIndex

from talentdesk.services.benefits import departures
from talentdesk.services.context import ServiceContext
from talentdesk.ui.talents.model import COLUMN_KEYS
from tests.ui.layout_check import assert_fits
from tests.ui.pages.seeding import approved_settlement, first_installment_paid

pytestmark = pytest.mark.gui
SIZES = [(1366, 768), (1024, 768)]
LONG_EMPLOYER = "阿拉善高新技术产业开发区绿源化工有限责任公司"


@pytest.fixture
def office(db):
    """Two talents with approved grants, one paid (under a long employer name), one departed."""
    clerk = ServiceContext(db, user="经办员王", role="clerk")
    reviewer = ServiceContext(db, user="审核员李", role="reviewer")
    approved_on = (dt.date.today() - dt.timedelta(days=400)).replace(day=1)
    first_installment_paid(clerk, reviewer, approved_on=approved_on, 姓名="张伟", 用人单位=LONG_EMPLOYER,
                           统一社会信用代码=None)
    gone, _ = approved_settlement(clerk, reviewer, approved_on=approved_on, 姓名="李娜")
    departures.record(clerk, gone.id_number, dt.date.today() - dt.timedelta(days=30), "个人原因辞职")


def _show(qtbot, window, key: str, width: int, height: int):
    window.resize(width, height)
    assert window.show_page(key)
    qtbot.waitUntil(lambda: window.width() == width)
    page = window.pages[key]
    qtbot.waitUntil(lambda: page.isVisible())
    return page


def _select_first(page) -> None:
    page.select_id(page.model.id_at(0))


@pytest.mark.parametrize("width,height", SIZES)
def test_talents_page_fits_and_shows_the_employer(qtbot, main_window, office, width, height):
    page = _show(qtbot, main_window, "talents", width, height)
    qtbot.waitUntil(lambda: page.model.rowCount() == 2)
    assert_fits(qtbot, page)
    _select_first(page)
    assert page.detail.isVisible()
    assert_fits(qtbot, page)
    col = COLUMN_KEYS.index("employer")
    table = page.table
    assert not table.isColumnHidden(col)
    right = table.columnViewportPosition(col) + table.columnWidth(col)
    assert table.columnViewportPosition(col) >= 0 and right <= table.viewport().width(), (right, table.viewport().width())


def test_detail_pane_is_hidden_while_nothing_is_selected(qtbot, main_window, office):
    page = _show(qtbot, main_window, "talents", 1366, 768)
    qtbot.waitUntil(lambda: page.model.rowCount() == 2)
    assert not page.detail.isVisible()
    alone = page.table_stack.width()
    assert alone > page.splitter.width() - 20  # the list has the whole width

    _select_first(page)
    assert page.detail.isVisible() and page.detail.talent_id == page.model.id_at(0)
    qtbot.waitUntil(lambda: page.table_stack.width() < alone - 200)

    page.table.selectionModel().setCurrentIndex(QModelIndex(), QItemSelectionModel.SelectionFlag.Clear)
    assert page.detail.talent_id is None and not page.detail.isVisible()
    qtbot.waitUntil(lambda: page.table_stack.width() == alone)

    page.new_talent()  # a new talent needs the form
    assert page.detail.isVisible() and page.detail.creating


@pytest.mark.parametrize("width,height", SIZES)
def test_payments_and_departures_fit(qtbot, main_window, office, width, height):
    payments = _show(qtbot, main_window, "payments", width, height)
    tab = payments.installments
    tab.apply_filters(status=None, date_from=dt.date.today().replace(day=1) - dt.timedelta(days=500),
                      date_to=dt.date.today())
    qtbot.waitUntil(lambda: len(tab.model.rows) > 2)
    tab.table.selectAll()  # the totals line then also counts the selection: its longest text
    assert_fits(qtbot, payments)
    assert tab.totals.width() >= tab.totals.minimumSizeHint().width()

    page = _show(qtbot, main_window, "departures", width, height)
    qtbot.waitUntil(lambda: len(page.model.rows) == 1)
    assert_fits(qtbot, page)
    # the list has most of the height; the recoveries of one departure take little
    assert page.table.height() > 2 * page.recoveries.height()


def test_flow_layout_wraps_and_keeps_the_gap(qtbot):
    from PySide6.QtWidgets import QLineEdit, QPushButton, QWidget

    from talentdesk.ui.common.widgets import FlowLayout

    host = QWidget()
    qtbot.addWidget(host)
    flow = FlowLayout(host)
    left = [QPushButton(f"按钮{i}") for i in range(3)]
    search = QLineEdit()
    right = QPushButton("冲销…")
    for b in left:
        flow.addWidget(b)
    flow.addWidget(search)
    flow.addStretch(1)
    flow.addWidget(right)
    host.resize(1200, flow.heightForWidth(1200))
    host.show()
    qtbot.waitExposed(host)
    flow.setGeometry(host.rect())
    # wide: one line; the search box and the gap share the spare width, 冲销 at the right edge
    tops = [w.y() for w in left + [search, right]]
    assert max(tops) - min(tops) < left[0].height() // 2
    assert right.geometry().right() == host.width() - 1 and search.width() > 200
    assert search.geometry().right() < right.x() - 100
    narrow = sum(b.sizeHint().width() for b in left) + 20
    host.resize(narrow, flow.heightForWidth(narrow))
    flow.setGeometry(host.rect())
    # narrow: further lines, nothing outside the widget, nothing overlapping
    assert search.y() >= left[0].geometry().bottom() and right.geometry().bottom() >= search.y()
    shown = left + [search, right]
    assert all(host.rect().contains(w.geometry()) for w in shown)
    assert not any(a.geometry().intersects(b.geometry()) for i, a in enumerate(shown) for b in shown[i + 1:])
