"""人才公寓 page: register a flat, allocate it (the engine's limit shown), the over-limit stay
tinted red and listed under 到期提醒, vacate it, confirm a roster hint — all through the
real dialogs."""

from __future__ import annotations

import datetime as dt

import pytest

from talentdesk.services.care import housing
from talentdesk.ui.care import housing as page_mod
from talentdesk.ui.common import widgets
from tests.ui.pages.seeding import talent

pytestmark = pytest.mark.gui
TODAY = dt.date.today()


def test_flat_allocate_over_limit_vacate_and_confirm(qtbot, env, clerk_ctx, monkeypatch):
    env.ctx = clerk_ctx
    a = talent(clerk_ctx, 姓名="张伟")
    b = talent(clerk_ctx, 姓名="李娜", 入住人才公寓="是")
    page = page_mod.Page(env)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.refresh()
    assert page.flats.rows == [] and [h.name for h in page.hints.rows] == ["李娜"]

    def add(dlg):
        dlg.unit.setText("人才公寓1号楼101")
        dlg.area.setValue(90)
        dlg._ok()
        return bool(dlg.result())

    monkeypatch.setattr(widgets, "exec_dialog", add)
    page.add_btn.click()
    assert not env.errors, env.errors
    assert [f.unit for f in page.flats.rows] == ["人才公寓1号楼101"]

    moved_in = TODAY.replace(year=TODAY.year - 3) - dt.timedelta(days=10)  # past the three free years

    def allocate(dlg):
        dlg.search.setText("张伟")
        assert dlg.talent.count() == 1
        dlg.start.setDate(widgets.to_qdate(moved_in))
        dlg._ok()
        return bool(dlg.result())

    monkeypatch.setattr(widgets, "exec_dialog", allocate)
    page.flat_table.selectRow(0)
    page.allocate_btn.click()
    assert not env.errors, env.errors
    assert env.infos and "免费入住至" in env.infos[-1] and "第四十一条" in env.infos[-1]
    stay = page.stays.rows[0]
    assert stay.name == "张伟" and stay.over_limit and stay.state_label == "超过免费期限"
    assert page.stays.data(page.stays.index(0, 0), page_mod.Qt.ItemDataRole.BackgroundRole) == page_mod.RED
    assert [d.kind for d in page.due.rows] == ["limit"] and page.due.rows[0].days < 0
    assert "超过免费期限 1 人" in page.totals.text()
    assert not page.allocate_btn.isEnabled()  # no free flat left

    def vacate(dlg):
        dlg.reason.setText("免费期满")
        dlg.on.setDate(widgets.to_qdate(TODAY - dt.timedelta(days=1)))  # the last night was yesterday
        dlg._ok()
        return bool(dlg.result())

    monkeypatch.setattr(widgets, "exec_dialog", vacate)
    page.tabs.setCurrentIndex(0)
    page.stay_table.selectRow(0)
    page.vacate_btn.click()
    assert not env.errors, env.errors
    assert page.stays.rows == [] and page.due.rows == []
    assert housing.list_occupancies(clerk_ctx)[0].ended_reason == "免费期满"

    page.tabs.setCurrentIndex(2)
    page.hint_table.selectRow(0)
    assert page.confirm_btn.isEnabled()
    monkeypatch.setattr(widgets, "ask_text", lambda *a, **k: "经核实租住社会房屋")
    page.confirm_btn.click()
    assert not env.errors, env.errors
    assert page.hints.rows == [] and a.id_number != b.id_number
