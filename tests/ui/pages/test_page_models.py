"""The pages' table models pass pytest-qt's model tester, and format money exactly."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from PySide6.QtCore import Qt

from talentdesk.services.benefits.reviews import ReviewRow
from talentdesk.ui.benefits.reviews import ReviewGridModel, parse_result
from talentdesk.ui.common.widgets import Col, RowsModel

pytestmark = pytest.mark.gui


@dataclass
class Row:
    name: str
    amount_fen: int | None
    due: dt.date | None


def test_rows_model(qtmodeltester):
    model = RowsModel([Col("姓名", "name"), Col("金额（元）", "amount_fen", kind="money"),
                       Col("日期", "due", kind="date")])
    model.set_rows([Row("张伟", 12345678, dt.date(2025, 3, 1)), Row("李娜", None, None), Row("王芳", -5, None)])
    qtmodeltester.check(model, force_py=True)
    assert model.data(model.index(0, 1)) == "123,456.78"
    assert model.data(model.index(2, 1)) == "-0.05"
    assert model.data(model.index(1, 1)) == ""
    assert model.data(model.index(0, 1), Qt.ItemDataRole.TextAlignmentRole) & int(Qt.AlignmentFlag.AlignRight)
    model.sort(1, Qt.SortOrder.DescendingOrder)
    assert [r.name for r in model.rows] == ["张伟", "王芳", "李娜"]


def test_review_grid_model(qtmodeltester):
    model = ReviewGridModel()
    model.set_rows([ReviewRow(1, "152921199005010011", "张伟", "所", dt.date(2024, 1, 1), dt.date(2029, 1, 1), None, None,
                         None, None, None),
                    ReviewRow(2, "152921199005010022", "李娜", None, None, None, "合格", dt.date(2025, 12, 1), "", 7, 1)])
    qtmodeltester.check(model, force_py=True)
    assert model.setData(model.index(0, 5), "4")
    assert model.value(0, "result") == "不合格" and model.is_changed(0)
    assert not model.setData(model.index(0, 5), "很好")
    assert model.setData(model.index(1, 5), "合格") and not model.is_changed(1)  # unchanged → not pending
    assert parse_result("１") == "优秀" and parse_result(" 基本合格 ") == "基本合格" and parse_result("") is None


def test_none_refcount_stable_through_cpp_callers(qtbot):
    """PySide6 6.12.0 on Python 3.11 leaks a reference to None each time C++ calls a Python
    data() that returns None (DESIGN.md); the pages' models return None often."""
    import sys

    from PySide6.QtCore import QSortFilterProxyModel

    from talentdesk.ui.common.widgets import DataTable

    model = RowsModel([Col("姓名", "name"), Col("金额（元）", "amount_fen", kind="money"), Col("日期", "due", kind="date")])
    model.set_rows([Row(f"人{i}", None if i % 2 else i, None) for i in range(200)])
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    table = DataTable(model)
    qtbot.addWidget(table)
    table.resize(600, 800)

    def exercise():
        for r in range(proxy.rowCount()):
            for c in range(proxy.columnCount()):
                for role in (Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.FontRole, Qt.ItemDataRole.CheckStateRole):
                    proxy.data(proxy.index(r, c), role)
        table.grab()

    exercise()
    before = sys.getrefcount(None)
    exercise()
    after = sys.getrefcount(None)
    assert after - before > -100, (before, after)
