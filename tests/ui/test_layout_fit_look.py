"""The look pass over the new pages on a laptop (1366×768): 人才认定 (and its dialog),
人才服务's dialogs, 人才公寓, 人才统计 (with its chart), 离职追回's 在岗追回 tab, the talent
detail's 认定与服务 tab and 首页 — laid out without overlaps or cut-off widgets, the
columns wide enough for their Chinese text (nothing elided “…”), keyboard keys on the
dialogs and a hint where a list is empty."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QPlainTextEdit

from talentdesk.services.care import cases, housing, visits
from talentdesk.services.context import ServiceContext
from talentdesk.services.register import recognitions, talents
from tests.factories import talent_row
from tests.ui.layout_check import assert_fits, mnemonic_problems

pytestmark = pytest.mark.gui
TODAY = dt.date.today()
LONG_EMPLOYER = "阿拉善高新技术产业开发区绿源化工有限责任公司"


@pytest.fixture
def office(db):
    """A talent with a pending recognition of the longest scheme name, a case, a visit and a flat."""
    ctx = ServiceContext(db)
    t = talents.add(ctx, talent_row(姓名="欧阳明远"), policy_id="alxa-2023")
    recognitions.propose(ctx, talent=t.id_number, scheme="包头市高层次人才认定", tier="五",
                         doc_no="包人才认〔2026〕12号", recognised_on=TODAY - dt.timedelta(days=10))
    case = cases.open_case(ctx, t.id_number, "配偶安置", TODAY - dt.timedelta(days=3), "配偶尚未就业",
                           department="人力资源社会保障部门")
    visits.record(ctx, t.id_number, TODAY, "人才办 刘科长、王干事", "走访", issues="配偶尚未就业")
    housing.add_flat(ctx, unit="巴彦浩特人才公寓3号楼1201", area_m2=60, programme="阿拉善盟人才公寓（巴彦浩特）")
    return {"talent": t, "case": case}


def _show(qtbot, window, key: str, width: int = 1366, height: int = 768):
    window.resize(width, height)
    assert window.show_page(key)
    qtbot.waitUntil(lambda: window.width() == width)
    page = window.pages[key]
    qtbot.waitUntil(lambda: page.isVisible())
    return page


def elided_cells(table, columns=None) -> list[str]:
    """Cells whose text is wider than their column (Qt draws them cut, with “…”)."""
    fm = table.fontMetrics()
    model = table.model()
    cut = []
    for c in (range(model.columnCount()) if columns is None else columns):
        if table.isColumnHidden(c):
            continue
        for r in range(model.rowCount()):
            text = model.index(r, c).data()
            if text and fm.horizontalAdvance(text) + 8 > table.columnWidth(c):
                cut.append(f"{model.headerData(c, 1)}: {text!r} in {table.columnWidth(c)}px")
    return cut


def _column(model, title: str) -> int:
    return [c.title for c in model.columns].index(title)


def test_recognitions_page_shows_whole_cells_and_person_names(qtbot, main_window, office):
    page = _show(qtbot, main_window, "recognitions")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert_fits(qtbot, page)
    m = page.model
    wanted = [_column(m, t) for t in ("状态", "姓名", "身份证号", "认定类型", "类别或层次", "认定文号", "认定日期",
                                      "有效期至", "确认")]
    assert elided_cells(page.table, wanted) == []
    assert m.index(0, _column(m, "有效期至")).data() == "长期"
    assert m.index(0, _column(m, "确认")).data() == "待确认"


def test_recognition_dialog_fits_with_keys_and_tab_order(qtbot, ui_env, office):
    from talentdesk.ui.register.recognitions import RecognitionDialog

    env = ui_env
    dlg = RecognitionDialog(env, office["talent"].id_number)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    assert_fits(qtbot, dlg)
    assert mnemonic_problems(dlg) == []
    # Tab from 认定日期 goes to 有效期至 (left), then to 长期有效 (right)
    w = dlg.recognised_on.nextInFocusChain()
    while w is dlg.recognised_on or dlg.recognised_on.isAncestorOf(w):
        w = w.nextInFocusChain()
    assert w is dlg.valid_until or dlg.valid_until.isAncestorOf(w)


def test_care_dialogs_fit_with_keys_and_tab_leaving_text_boxes(qtbot, ui_env, office):
    from talentdesk.ui.care.page import CaseDialog, CloseDialog, EditCaseDialog, VisitDialog

    env = ui_env
    t, case = office["talent"], office["case"]
    for dlg in (CaseDialog(env, t.id_number), EditCaseDialog(env, case), CloseDialog(env, case),
                VisitDialog(env, t.id_number)):
        qtbot.addWidget(dlg)
        dlg.show()
        qtbot.waitExposed(dlg)
        assert_fits(qtbot, dlg)
        assert mnemonic_problems(dlg) == [], dlg.windowTitle()
        boxes = dlg.findChildren(QPlainTextEdit)
        assert boxes and all(b.tabChangesFocus() for b in boxes), dlg.windowTitle()
        for box in boxes:  # the example text (placeholder) is shown whole
            text = box.placeholderText()
            assert box.fontMetrics().horizontalAdvance(text) < box.viewport().width(), (dlg.windowTitle(), text)
        picker = getattr(dlg, "talent", None)
        if picker is not None:  # the search and the list stay together, not spread over the spare height
            assert picker.height() <= picker.sizeHint().height(), dlg.windowTitle()
        dlg.dirty = False
        dlg.close()


def test_care_cases_show_whole_department_and_no_blank_due_date(qtbot, main_window, office):
    page = _show(qtbot, main_window, "care")
    page.apply_filters(tab="cases")
    qtbot.waitUntil(lambda: len(page.cases.model.rows) == 1)
    assert_fits(qtbot, page)
    m = page.cases.model
    assert elided_cells(page.cases.table, [_column(m, t) for t in ("状态", "类别", "办结期限", "责任部门")]) == []
    page.apply_filters(tab="visits")
    qtbot.waitUntil(lambda: len(page.visits.model.rows) == 1)
    assert_fits(qtbot, page)
    m = page.visits.model
    assert elided_cells(page.visits.table, [_column(m, t) for t in ("走访人员", "服务事项")]) == []


def test_housing_page_fits_and_shows_the_whole_flat(qtbot, main_window, office):
    page = _show(qtbot, main_window, "housing")
    qtbot.waitUntil(lambda: len(page.flats.rows) == 1)
    assert_fits(qtbot, page)
    assert elided_cells(page.flat_table, [0, 2]) == []
    assert page.stay_table.isColumnHidden(5)  # 退房日期: current stays only
    page.history.setChecked(True)
    assert not page.stay_table.isColumnHidden(5)


def test_statistics_hint_then_table_with_its_total_on_screen(qtbot, main_window, office):
    page = _show(qtbot, main_window, "statistics")
    assert "统计" in page.summary.text() and page.chart.empty_text  # what to do, before the first count
    page.compute()
    qtbot.waitUntil(lambda: page.table_result is not None, timeout=20000)
    assert_fits(qtbot, page)
    table = page.table
    last = page.model.columnCount() - 1
    qtbot.waitUntil(lambda: table.columnViewportPosition(last) + table.columnWidth(last) <= table.viewport().width())
    assert page.chart.pairs


def test_in_post_recoveries_tab_fits_and_says_what_to_do_when_empty(qtbot, main_window, office):
    page = _show(qtbot, main_window, "departures")
    page.tabs.setCurrentWidget(page.cases)
    qtbot.waitUntil(lambda: page.cases.isVisible())
    assert_fits(qtbot, page)
    assert page.cases.model.rowCount() == 0 and "立案" in page.cases.detail.text()


def test_detail_duties_tab_fits_and_names_the_policy(qtbot, main_window, office):
    page = _show(qtbot, main_window, "talents")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    page.select_id(page.model.id_at(0))
    detail = page.detail
    detail.tabs.setCurrentWidget(detail.duties_tab)
    qtbot.waitUntil(lambda: detail.cases_model.rowCount() == 1)
    assert_fits(qtbot, detail)
    assert detail.recognitions_table.isVisible() and detail.cases_table.isVisible()
    view = detail.view
    assert view.policy_id == "alxa-2023" and "alxa" not in detail.title.text()
    assert "阿拉善盟政策" in detail.title.text() and "阿拉善盟人才引进" in detail.title.toolTip()


@pytest.mark.parametrize("width,height", [(1366, 768), (1024, 768)])
def test_dashboard_fits(qtbot, main_window, office, width, height):
    from PySide6.QtWidgets import QScrollArea

    page = _show(qtbot, main_window, "dashboard", width, height)
    qtbot.waitUntil(lambda: page.cards["recognitions"].value_label.text() == "1", timeout=20000)
    assert_fits(qtbot, page)
    scroll = page.findChild(QScrollArea)  # the cards wrap their notes: no sideways scrolling, even at 1024
    qtbot.waitUntil(lambda: scroll.widget().width() <= scroll.viewport().width())
    assert "无到期" in page.cards["recognitions"].detail_label.text()


@pytest.mark.parametrize("width,height", [(1366, 768), (1024, 768)])
def test_care_toolbars_keep_the_search_box_readable(qtbot, main_window, office, width, height):
    page = _show(qtbot, main_window, "care", width, height)
    for tab, model in (("cases", page.cases.model), ("visits", page.visits.model)):
        page.apply_filters(tab=tab)
        qtbot.waitUntil(lambda model=model: len(model.rows) == 1)
        assert_fits(qtbot, page)
        box = getattr(page, tab).search
        assert box.width() >= box.fontMetrics().horizontalAdvance(box.placeholderText()), (tab, box.width())
