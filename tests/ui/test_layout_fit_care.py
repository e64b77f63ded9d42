"""人才服务 on a laptop (1366×768): both tabs laid out without overlaps or cut-off widgets."""

from __future__ import annotations

import datetime as dt

import pytest

from talentdesk.services.care import cases, visits
from talentdesk.services.context import ServiceContext
from tests.ui.layout_check import assert_fits
from tests.ui.pages.seeding import talent

pytestmark = pytest.mark.gui


def test_care_page_fits_1366x768(qtbot, main_window, db):
    ctx = ServiceContext(db)
    t = talent(ctx)
    cases.open_case(ctx, t.id_number, "落户", dt.date.today() - dt.timedelta(days=30), "本人落户")
    visits.record(ctx, t.id_number, dt.date.today(), "人才办 刘科长", "走访", issues="无")
    main_window.resize(1366, 768)
    assert main_window.show_page("care")
    qtbot.waitUntil(lambda: main_window.width() == 1366)
    page = main_window.pages["care"]
    qtbot.waitUntil(lambda: page.isVisible())
    page.apply_filters(tab="cases")
    qtbot.waitUntil(lambda: len(page.cases.model.rows) == 1)
    assert_fits(qtbot, page)
    page.apply_filters(tab="visits")
    qtbot.waitUntil(lambda: len(page.visits.model.rows) == 1)
    assert_fits(qtbot, page)
