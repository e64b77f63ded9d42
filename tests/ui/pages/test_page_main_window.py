"""The pages inside the real main window: every page loads, the dashboard's cards
navigate with filters, unsaved edits stop a page switch, Ctrl+F reaches a page's search."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from tests.ui.pages.seeding import approved_settlement

pytestmark = pytest.mark.gui
PAGES = ("dashboard", "employers", "agreements", "payments", "reviews", "departures", "reports", "settings")


def test_every_page_loads_and_cards_navigate(qtbot, main_window, ui_env, db):
    from talentdesk.services.context import ServiceContext

    clerk = ServiceContext(db, user="经办员王", role="clerk")
    reviewer = ServiceContext(db, user="审核员李", role="reviewer")
    approved_settlement(clerk, reviewer, approved_on=(dt.date.today() - dt.timedelta(days=400)).replace(day=1),
                        姓名="张伟")
    for key in PAGES:
        assert main_window.show_page(key)
    assert not main_window.failed_pages, main_window.failed_pages
    main_window.show_page("dashboard")
    dash = main_window.pages["dashboard"]
    # off the GUI thread; meanwhile the page shows the figures from before the grant (正在统计……)
    qtbot.waitUntil(lambda: dash.subtitle.text() != "正在统计……", timeout=20000)
    overdue = int(dash.cards["overdue"].value_label.text())
    assert overdue == 2
    qtbot.mouseClick(dash.cards["overdue"], Qt.MouseButton.LeftButton)
    assert main_window.current_key() == "payments"
    assert len(main_window.pages["payments"].installments.model.rows) == overdue
    main_window.show_page("employers")
    main_window.focus_search()
    assert main_window.pages["employers"].search.hasFocus() or main_window.pages["employers"].search.selectedText() == ""


def test_unsaved_settings_stop_a_page_switch(qtbot, main_window, ui_env):
    main_window.show_page("settings")
    page = main_window.pages["settings"]
    page.fields["office_name"].setText("阿拉善左旗人才办")
    ui_env.confirm_answer = False
    assert main_window.show_page("dashboard") is False
    assert main_window.current_key() == "settings"
    ui_env.confirm_answer = True
    assert main_window.show_page("dashboard")
    main_window.show_page("settings")  # the discarded edit is gone
    assert page.fields["office_name"].text() != "阿拉善左旗人才办" and not page.has_unsaved_changes()
