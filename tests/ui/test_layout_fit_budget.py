"""资金测算 on a laptop (1366×768) and an old office screen (1024×768): the forecast, the
over-budget warning, the lines and their history laid out without overlaps or cut-off widgets."""

from __future__ import annotations

import datetime as dt

import pytest

from talentdesk.services.context import ServiceContext
from talentdesk.services.finance import budget
from tests.ui.layout_check import assert_fits
from tests.ui.pages.seeding import approved_settlement

pytestmark = pytest.mark.gui


@pytest.mark.parametrize("width,height", [(1366, 768), (1024, 768)])
def test_budget_page_fits(qtbot, main_window, db, wait_ops, width, height):
    clerk = ServiceContext(db, user="经办员王", role="clerk")
    reviewer = ServiceContext(db, user="审核员李", role="reviewer")
    today = dt.date.today()
    approved_settlement(clerk, reviewer, approved_on=today.replace(month=1, day=2), 姓名="张伟")
    budget.set_line(reviewer, year=today.year, level="league", amount_fen=100, doc_no="阿财预〔2025〕3号")
    budget.set_line(reviewer, year=today.year + 1, level="league", amount_fen=10**10)
    main_window.resize(width, height)
    assert main_window.show_page("budget")
    qtbot.waitUntil(lambda: main_window.width() == width)
    page = main_window.pages["budget"]
    qtbot.waitUntil(lambda: page.isVisible())
    qtbot.waitUntil(lambda: page.forecast_result is not None, timeout=30000)
    wait_ops()
    assert page.warning.isVisible() and len(page.lines_model.rows) == 2
    page.lines.selectRow(0)
    assert page.history.toPlainText()
    assert_fits(qtbot, page)
