from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from talentdesk.services.benefits import agreements
from talentdesk.ui.benefits import agreements as page_mod
from talentdesk.ui.common import widgets
from tests.ui.pages.seeding import talent

pytestmark = pytest.mark.gui
TODAY = dt.date.today()


@pytest.fixture
def seeded(env, clerk_ctx):
    env.ctx = clerk_ctx
    a = talent(clerk_ctx, 姓名="张伟")
    b = talent(clerk_ctx, 姓名="李娜")
    agreements.add(clerk_ctx, a.id_number, kind="服务期协议", start_date=TODAY.replace(year=TODAY.year - 5)
                   + dt.timedelta(days=30), term_years=5)
    agreements.add(clerk_ctx, b.id_number, kind="聘用合同", start_date=TODAY, term_years=3)
    return a, b


def test_list_ending_filter_add_edit_delete(qtbot, env, seeded, monkeypatch):
    a, b = seeded
    page = page_mod.Page(env)
    qtbot.addWidget(page)
    page.refresh()
    assert len(page.model.rows) == 2
    page.apply_filters(ending_within=90)
    assert [r.name for r in page.model.rows] == ["张伟"]
    assert page.model.rows[0].end_date == TODAY + dt.timedelta(days=30)
    page.apply_filters()

    def add(dlg):
        dlg.search.setText("李娜")
        dlg.kind.setCurrentIndex(dlg.kind.findData("三方协议"))
        dlg.term.setValue(5)
        assert dlg.end_label.text() == agreements.end_date(TODAY, 5).isoformat()
        dlg._ok()
        return bool(dlg.result())

    monkeypatch.setattr(widgets, "exec_dialog", add)
    page.add_btn.click()
    assert not env.errors, env.errors
    assert sorted(r.kind for r in page.model.rows) == ["三方协议", "服务期协议", "聘用合同"]
    assert page.table.current_row().kind == "三方协议"

    def edit(dlg):
        dlg.term.setValue(6)
        dlg._ok()
        return bool(dlg.result())

    monkeypatch.setattr(widgets, "exec_dialog", edit)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert str(page.table.current_row().term_years.normalize()) == "6"
    env.confirm_answer = False
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert env.confirms and len(page.model.rows) == 3
    env.confirm_answer = True
    page.delete_btn.click()
    assert len(page.model.rows) == 2
