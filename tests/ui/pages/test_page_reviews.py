from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from talentdesk.services.benefits import payments, reviews
from talentdesk.ui.benefits import reviews as page_mod
from tests.ui.pages.seeding import approved_settlement, talent

pytestmark = pytest.mark.gui
YEAR = dt.date.today().year - 1


@pytest.fixture
def seeded(env, clerk_ctx, reviewer_ctx):
    env.ctx = reviewer_ctx  # reviewers record annual reviews
    t, g = approved_settlement(clerk_ctx, reviewer_ctx, approved_on=dt.date(YEAR, 3, 1), 姓名="张伟",
                               引进日期=f"{YEAR - 1}-05-01", 合同起始日期=f"{YEAR - 1}-05-01")
    other = talent(clerk_ctx, 姓名="李娜", 引进日期=f"{YEAR - 1}-06-01", 合同起始日期=f"{YEAR - 1}-06-01")
    return t, g, other


def _page(qtbot, env):
    page = page_mod.Page(env)
    qtbot.addWidget(page)
    page.resize(1200, 600)
    page.show()
    page.apply_filters(year=YEAR)
    return page


def _row(page, name):
    return next(r for r, row in enumerate(page.model.rows) if row.name == name)


def test_quick_entry_of_failing_result_asks_and_cancels(qtbot, env, seeded, reviewer_ctx):
    t, g, other = seeded
    page = _page(qtbot, env)
    assert {row.name for row in page.model.rows} == {"张伟", "李娜"}
    r = _row(page, "张伟")
    page.grid.setCurrentIndex(page.model.index(r, page_mod.RESULT_COL))
    page.grid.setFocus()
    qtbot.keyClick(page.grid, Qt.Key.Key_4)
    assert page.model.value(r, "result") == "不合格"
    assert page.has_unsaved_changes() and "1" in page.save_btn.text()
    # the clerk says no: nothing is written
    env.confirm_answer = False
    page.save_btn.click()
    assert "取消 安家补贴第2期" in env.confirms[-1] and "不合格：张伟" in env.confirms[-1]
    assert reviews.list_for_year(reviewer_ctx, YEAR).counts["不合格"] == 0
    # yes: recorded and the later installments cancelled
    env.confirm_answer = True
    page.save_btn.click()
    assert not env.errors, env.errors
    assert not page.has_unsaved_changes()
    statuses = [i.status for i in payments.list_installments(reviewer_ctx, grant_id=g.id)]
    assert statuses == ["scheduled", "cancelled", "cancelled"]
    assert page.model.rows[_row(page, "张伟")].result == "不合格"


def test_paste_from_excel_and_unsaved_edits_are_kept(qtbot, env, seeded, reviewer_ctx):
    t, g, other = seeded
    page = _page(qtbot, env)
    page.paste(f"身份证号\t考核结果\n{t.id_number}\t合格\n{other.id_number}\t优秀\n")
    assert page.model.value(_row(page, "张伟"), "result") == "合格"
    assert page.model.value(_row(page, "李娜"), "result") == "优秀"
    # leaving or switching year asks
    env.confirm_answer = False
    assert page.can_leave() is False
    page.year.setValue(YEAR - 1)
    assert page.year.value() == YEAR and page.has_unsaved_changes()
    env.confirm_answer = True
    page.save()
    assert reviews.list_for_year(reviewer_ctx, YEAR).counts["优秀"] == 1
    assert env.infos and "2" in env.infos[-1]
    # a column of results pasted from the current cell down
    page.grid.setCurrentIndex(page.model.index(0, page_mod.RESULT_COL))
    page.paste("基本合格\n合格\n")
    assert [page.model.value(r, "result") for r in range(2)] == ["基本合格", "合格"]
    page.paste("很好\n")
    assert env.errors and "很好" in env.errors[-1]


def test_missing_filter_from_dashboard(qtbot, env, seeded, reviewer_ctx):
    t, g, other = seeded
    reviews.record(reviewer_ctx, t.id_number, YEAR, "合格")
    page = page_mod.Page(env)
    qtbot.addWidget(page)
    page.apply_filters(year=YEAR, missing=True)
    assert [row.name for row in page.model.rows] == ["李娜"]


def test_clerks_see_the_grid_read_only(qtbot, env, seeded, clerk_ctx):
    env.ctx = clerk_ctx
    page = _page(qtbot, env)
    assert page.grid.read_only and not page.import_btn.isEnabled()
    r = _row(page, "张伟")
    page.grid.setCurrentIndex(page.model.index(r, page_mod.RESULT_COL))
    page.grid.setFocus()
    qtbot.keyClick(page.grid, Qt.Key.Key_4)
    assert not page.has_unsaved_changes()
