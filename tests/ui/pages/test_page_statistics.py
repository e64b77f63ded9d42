"""人才统计 page: pickers → table with totals and bars → 导出Excel; it fits 1366×768; and
报表打印's 人才云平台实名数据 action."""

from __future__ import annotations

import csv

import openpyxl
import pytest

from talentdesk.ui.common import widgets
from talentdesk.ui.overview import reports as reports_page
from talentdesk.ui.overview import statistics as page_mod
from tests.services.overview.test_statistics import seed
from tests.ui.layout_check import assert_fits
from tests.ui.pages.conftest import wait_for_ops

pytestmark = pytest.mark.gui


def test_cross_tab_chart_and_export(qtbot, env, ctx, tmp_path, monkeypatch):
    seed(ctx)
    page = page_mod.Page(env)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    page.measure_box.setCurrentIndex(page.measure_box.findData("paid"))
    page.rows_box.setCurrentIndex(page.rows_box.findData("industry"))
    page.cols_box.setCurrentIndex(page.cols_box.findData("level"))  # offered for amounts only
    page.year_from.setValue(2024)
    page.year_to.setValue(2024)
    page.run_btn.click()
    wait_for_ops(qtbot, env)
    assert not env.errors, env.errors
    m = page.model
    assert [m.columns[i].title for i in range(m.columnCount())] == ["行业", "盟级", "旗（区）级", "未登记资金层级", "合计"]
    texts = [[m.columns[c].text(m.row(r)) for c in range(m.columnCount())] for r in range(m.rowCount())]
    assert texts[1] == ["教育", "6,000.00", "4,000.00", "0.00", "10,000.00"]
    assert texts[-1] == ["合计", "6,000.00", "9,000.00", "2,000.00", "17,000.00"]
    assert page.chart.pairs == [("制造业", 700_000), ("教育", 1_000_000), ("未登记行业", 0)]
    assert "2024年度" in page.summary.text() and "17,000.00 元" in page.summary.text()
    # counts have no funding level: the pickers stop offering it
    page.measure_box.setCurrentIndex(page.measure_box.findData("count"))
    assert page.cols_box.findData("level") == -1

    page.measure_box.setCurrentIndex(page.measure_box.findData("paid"))
    page.cols_box.setCurrentIndex(page.cols_box.findData("level"))
    page.run_btn.click()
    wait_for_ops(qtbot, env)
    monkeypatch.setattr(widgets, "ask_save_file", lambda *a: str(tmp_path / "统计"))
    monkeypatch.setattr(widgets, "open_file", lambda p: True)
    page.export_btn.click()
    wait_for_ops(qtbot, env)
    assert not env.errors, env.errors
    ws = openpyxl.load_workbook(tmp_path / "统计.xlsx").active
    assert ws["A1"].value == "人才统计表"
    assert env.confirms and "现在打开" in env.confirms[-1]


def test_page_fits_1366x768(qtbot, main_window, ctx):
    seed(ctx)
    main_window.resize(1366, 768)
    assert main_window.show_page("statistics")
    page = main_window.pages["statistics"]
    qtbot.waitUntil(lambda: page.isVisible())
    page.run_btn.click()
    qtbot.waitUntil(lambda: page.table_result is not None, timeout=20000)
    assert_fits(qtbot, page)


def test_reports_page_exports_for_the_platform(qtbot, env, ctx, tmp_path, monkeypatch):
    seed(ctx)
    page = reports_page.Page(env)
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.refresh()

    def answer(dlg):
        dlg.fmt.setCurrentIndex(dlg.fmt.findData("csv"))
        dlg.encoding.setCurrentIndex(dlg.encoding.findData("gbk"))
        return True

    monkeypatch.setattr(widgets, "exec_dialog", answer)
    monkeypatch.setattr(widgets, "ask_save_file", lambda *a: str(tmp_path / "平台"))
    monkeypatch.setattr(widgets, "open_file", lambda p: True)
    page.platform_btn.click()
    wait_for_ops(qtbot, env)
    assert not env.errors, env.errors
    with open(tmp_path / "平台.csv", encoding="gbk", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert sorted(r["姓名"] for r in rows) == ["孙六", "张一", "李二", "王三", "赵四", "钱五"]
    assert "6 人" in page.status.text()
