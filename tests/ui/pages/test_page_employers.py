from __future__ import annotations

import pytest

from talentdesk.services.register import employers, talents
from talentdesk.ui.register import employers as page_mod
from talentdesk.ui.common import widgets
from tests.factories import credit_code, talent_row

pytestmark = pytest.mark.gui


@pytest.fixture
def seeded(ctx):
    talents.add(ctx, talent_row(姓名="张伟"))
    talents.add(ctx, talent_row(姓名="李娜"))
    employers.add(ctx, "额济纳旗人民医院", credit_code(7), "事业单位", "额济纳旗")
    return ctx


def test_lists_employers_with_counts_and_filters_by_district(qtbot, env, seeded):
    page = page_mod.Page(env)
    qtbot.addWidget(page)
    page.refresh()
    names = [e.name for e in page.model.rows]
    assert names == sorted(names) and len(names) == 2
    counts = {e.name: e.talents for e in page.model.rows}
    assert counts["阿拉善盟农牧科学研究所"] == 2 and counts["额济纳旗人民医院"] == 0
    page.district.setCurrentIndex(page.district.findData("额济纳旗"))
    assert [e.name for e in page.model.rows] == ["额济纳旗人民医院"]


def test_double_click_navigates_to_talents(qtbot, env, seeded):
    page = page_mod.Page(env)
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    page.table.selectRow(0)
    page.table.setFocus()
    from PySide6.QtCore import Qt
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert env.navigations == [("talents", {"employer": page.model.rows[0].name})]


def test_add_employer_validates_credit_code(qtbot, env, seeded, monkeypatch):
    page = page_mod.Page(env)
    qtbot.addWidget(page)
    page.refresh()
    seen = {}

    def fill(dlg):
        dlg.name.setText("阿拉善左旗第一中学")
        dlg.uscc.setText("12152900MB000000")  # too short
        seen["bad"] = dlg.uscc_state.text()
        dlg._ok()
        assert dlg.result() == 0  # refused, stays open
        dlg.uscc.setText(credit_code(9))
        seen["good"] = dlg.uscc_state.text()
        dlg.district.setCurrentText("阿拉善左旗")
        dlg._ok()
        return bool(dlg.result())

    monkeypatch.setattr(widgets, "exec_dialog", fill)
    page.add_btn.click()
    assert "18位" in seen["bad"] and "有效" in seen["good"]
    assert env.errors and "统一社会信用代码" in env.errors[0]
    assert "阿拉善左旗第一中学" in [e.name for e in page.model.rows]
    assert page.table.current_row().name == "阿拉善左旗第一中学"


def test_edit_employer_and_cancel_asks_before_dropping(qtbot, env, seeded, monkeypatch):
    page = page_mod.Page(env)
    qtbot.addWidget(page)
    page.refresh()
    page.table.selectRow(0)

    def cancel(dlg):
        dlg.kind.setCurrentText("国有企业")
        env.confirm_answer = False
        dlg.reject()  # asks; answer no → stays open
        assert dlg.isVisible() or dlg.result() == 0
        assert env.confirms
        env.confirm_answer = True
        dlg._ok()
        return bool(dlg.result())

    monkeypatch.setattr(widgets, "exec_dialog", cancel)
    page.edit_btn.click()
    row = [e for e in employers.list_all(env.ctx) if e.name == "阿拉善盟农牧科学研究所"][0]
    assert row.kind == "国有企业"


def test_shown_page_loads_and_follows_data_changed(qtbot, env, seeded):
    page = page_mod.Page(env)
    qtbot.addWidget(page)
    page.show()  # shown without the main window: loads on its own
    qtbot.waitUntil(lambda: len(page.model.rows) == 2)
    employers.add(env.ctx, "阿拉善右旗人民医院", credit_code(11), "事业单位", "阿拉善右旗")
    env.data_changed.emit("employer")  # another page changed employers
    qtbot.waitUntil(lambda: len(page.model.rows) == 3)
    env.data_changed.emit("review")  # not watched: no reload needed
    assert page._stale is False


def test_records_the_attributes_policy_clauses_read(qtbot, env, seeded, monkeypatch):
    """所属行业 and the yes/no attributes are recorded from the dialog (blank = 未登记), shown
    in the list with what is still missing, and read by the engine (阿拉善 第四十条)."""
    from talentdesk.services.benefits import grants

    page = page_mod.Page(env)
    qtbot.addWidget(page)
    page.refresh()
    hospital = next(r for r, e in enumerate(page.model.rows) if e.name == "额济纳旗人民医院")
    assert "所属行业" in page.model.rows[hospital].missing_attributes()
    page.table.selectRow(hospital)

    def fill(dlg):
        dlg.industry.setCurrentIndex(dlg.industry.findData("Q"))
        dlg.flags["civil_service_managed"].setCurrentIndex(dlg.flags["civil_service_managed"].findData(False))
        dlg._ok()

    monkeypatch.setattr(widgets, "exec_dialog", lambda dlg: (fill(dlg), dlg.result())[1])
    page.edit_employer()
    e = next(e for e in employers.list_all(seeded) if e.name == "额济纳旗人民医院")
    assert e.industry == "Q" and e.civil_service_managed is False and e.above_scale is None
    row = next(r for r in page.model.rows if r.name == "额济纳旗人民医院")
    # all the default policy (阿拉善) reads is recorded; 包头's 规上 etc. are not asked of it
    assert row.missing_attributes() == [] and row.above_scale is None
    # a talent of the hospital: 安家补贴 is 待定 (第四十条 另行规定), not a firm yes
    t = talent_row(姓名="王芳", 用人单位="额济纳旗人民医院", 统一社会信用代码=credit_code(7))
    del t["单位所属行业"], t["单位参公管理"]
    talents.add(seeded, t)
    import datetime as dt
    ev = grants.evaluate_talent(seeded, t["身份证号"], approved_on=dt.date(2023, 6, 1))
    sa = next(b for b in ev.benefits if b.code == "settlement_allowance")
    assert sa.status == "undetermined" and "另行规定" in " ".join(sa.reasons + sa.pending)
