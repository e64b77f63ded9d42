"""The import wizard end to end on a fixture workbook, through the real widgets."""

from __future__ import annotations

import datetime as dt
import re

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from talentdesk.domain import idcard
from talentdesk.services.register import talent_query, talents
from talentdesk.ui.importer import ImportWizard

pytestmark = pytest.mark.gui

HEADER = ["序号", "姓名", "身份证号", "学历", "学位", "引进方式", "用人单位", "所属地区", "引进日期", "联系电话", "爱好"]


def make_roster(path, bad_rows: int = 1, good_rows: int = 3):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws.append(["阿拉善盟农牧科学研究所 2024年引进人才花名册"])
    ws.append(HEADER)
    names = ["张伟", "李娜", "王芳", "刘洋", "陈静"]
    for i in range(good_rows):
        number = idcard.make("152921", dt.date(1990, 1, 1 + i), 101 + 2 * i)
        ws.append([i + 1, names[i % 5], number, "博士研究生", "博士", "招聘", "阿拉善盟农牧科学研究所", "阿拉善左旗",
                   "2024-03-01", "13800138000", "读书"])
    for j in range(bad_rows):
        ws.append([good_rows + j + 1, "坏行", "15292119900101123X", "博士研究生", "博士", "招聘",
                   "阿拉善盟农牧科学研究所", "阿拉善左旗", "2024-03-01", "13800138000", ""])
    wb.save(path)
    return path


@pytest.fixture
def wizard(qtbot, ui_env):
    w = ImportWizard(ui_env)
    qtbot.addWidget(w)
    w.show()
    return w


def test_import_wizard_end_to_end(qtbot, wizard, ui_env, ctx, tmp_path, monkeypatch):
    path = make_roster(tmp_path / "花名册.xlsx")
    with qtbot.waitSignal(wizard.file_page.set_path(str(path)).finished, timeout=20000):
        pass
    assert wizard.file_page.isComplete()
    wizard.next()  # → sheet and header row
    assert wizard.currentPage() is wizard.sheet_page
    assert wizard.sheet_page.sheet.currentText() == "花名册"
    assert wizard.sheet_page.header_row.value() == 2
    wizard.next()  # → mapping
    page = wizard.mapping_page
    assert wizard.currentPage() is page
    mapping = wizard.layout.mapping()
    assert mapping["姓名"] == "name" and mapping["身份证号"] == "id_number"
    assert mapping.get("爱好") is None
    # the clerk edits one column by hand: 联系电话 → 手机号码
    index = next(c.index for c in wizard.layout.columns if c.header == "联系电话")
    box = page._combos[index]
    box.setCurrentIndex(box.findData("phone"))
    assert wizard.layout.mapping()["联系电话"] == "phone"
    assert page.isComplete()
    wizard.next()  # → preview (validates on a worker)
    preview = wizard.preview_page
    with qtbot.waitSignal(preview.op.finished, timeout=20000):
        pass
    v = wizard.validation
    assert v.rows == 4 and v.valid == 3 and v.errors
    assert "可导入 3 行" in preview.counts.text()
    # the bad cell is red and explains itself on hover
    model = preview.model
    bad = [(r, c) for r in range(model.rowCount()) for c in range(model.columnCount())
           if model.data(model.index(r, c), 8) is not None]  # BackgroundRole
    assert bad
    r, c = next((r, c) for r, c in bad if model.headers[c] == "身份证号")
    assert "校验位" in model.data(model.index(r, c), 3)  # ToolTipRole
    preview.only_errors.setChecked(True)
    assert model.rowCount() == 1
    wizard.next()  # asks: import the rest?
    assert ui_env.confirms and "不会导入" in ui_env.confirms[-1]
    commit = wizard.commit_page
    assert wizard.currentPage() is commit
    with qtbot.waitSignal(commit.op.finished, timeout=30000):
        pass
    assert commit.isComplete()
    assert commit.summary.inserted == 3
    assert talent_query.count(ctx) == 3
    assert talents.get(ctx, idcard.make("152921", dt.date(1990, 1, 1), 101)).record["phone"] == "13800138000"
    # the summary offers the error report
    opened = []
    monkeypatch.setattr("talentdesk.ui.importer.wizard.QDesktopServices.openUrl", lambda url: opened.append(url))
    assert commit.report_button.isVisibleTo(wizard)
    op = commit.open_report()
    with qtbot.waitSignal(op.finished, timeout=20000):
        pass
    assert opened and opened[0].toLocalFile().endswith("-错误报告.xlsx")
    assert openpyxl.load_workbook(opened[0].toLocalFile())
    # the mapping is remembered for the employer: a second file gets it automatically
    path2 = make_roster(tmp_path / "第二批.xlsx", bad_rows=0, good_rows=1)
    w2 = ImportWizard(ui_env)
    qtbot.addWidget(w2)
    with qtbot.waitSignal(w2.file_page.set_path(str(path2)).finished, timeout=20000):
        pass
    w2.show()
    w2.next()
    w2.next()
    assert w2.layout.mapping()["联系电话"] == "phone"


def test_import_cancel_rolls_back(qtbot, wizard, ui_env, ctx, tmp_path):
    path = make_roster(tmp_path / "花名册.xlsx", bad_rows=0, good_rows=3)
    with qtbot.waitSignal(wizard.file_page.set_path(str(path)).finished, timeout=20000):
        pass
    wizard.next()
    wizard.next()
    wizard.next()
    with qtbot.waitSignal(wizard.preview_page.op.finished, timeout=20000):
        pass
    ui_env.runner.write_pool.start(lambda: __import__("time").sleep(0.5))  # hold the write thread
    wizard.next()
    commit = wizard.commit_page
    commit.cancel()  # cancelled before it starts writing
    with qtbot.waitSignal(commit.op.cancelled, timeout=20000):
        pass
    assert "取消" in commit.status.text()
    assert talent_query.count(ctx) == 0
    assert not ui_env.errors


def test_unreadable_file_is_a_plain_message(qtbot, wizard, tmp_path):
    bad = tmp_path / "坏文件.xlsx"
    bad.write_bytes(b"this is not a workbook")
    op = wizard.file_page.set_path(str(bad))
    with qtbot.waitSignal(op.failed, timeout=20000):
        pass
    assert not wizard.file_page.isComplete()
    assert wizard.file_page.status.text()
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled() is False


def test_drop_a_file_and_ctrl_i(qtbot, main_window, ui_env, tmp_path):
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDropEvent

    main_window.act_import.trigger()  # Ctrl+I
    wizard = main_window._wizard
    qtbot.addWidget(wizard)
    assert isinstance(wizard, ImportWizard) and wizard.isVisible()
    path = make_roster(tmp_path / "拖进来的花名册.xlsx")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    wizard.file_page.drop.dropEvent(event)
    with qtbot.waitSignal(wizard.open_op.finished, timeout=20000):
        pass
    assert wizard.file_page.path.text() == str(path)
    assert wizard.file_page.isComplete()
    wizard.reject()


def make_clerks_roster(path):
    """What employers send: an Excel serial in a date column, blank lines, a 合计 and a
    填表人 line under the table, and two bad rows."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws.append(["阿拉善盟农牧科学研究所 2024年引进人才花名册"])
    ws.append(HEADER)
    for i, name in enumerate(["张伟", "李娜"]):
        number = idcard.make("152921", dt.date(1990, 1, 1 + i), 101 + 2 * i)
        ws.append([i + 1, name, number, "博士研究生", "博士", "招聘", "阿拉善盟农牧科学研究所", "阿拉善左旗",
                   42552 + i, "13800138000", ""])  # row 3: 2016-07-01 as a plain number
    ws.append([])  # row 5
    ws.append([3, "赵坏", "15292119900101123X", "博士研究生", "博士", "招聘", "阿拉善盟农牧科学研究所", "阿拉善左旗",
               "2024-03-01", "13800138000", ""])  # row 6: wrong check digit
    ws.append([4, "孙错", idcard.make("152921", dt.date(1991, 1, 1), 111), "小学", "博士", "招聘",
               "阿拉善盟农牧科学研究所", "阿拉善左旗", "2024-13-01", "13800138000", ""])  # row 7: two errors
    ws.append([])  # row 8
    ws.append(["合计", "4人"])  # row 9
    ws.append(["填表人：李明", None, None, "填报日期：2024年3月5日"])  # row 10
    wb.save(path)
    return path


def _to_preview(qtbot, wizard, path):
    with qtbot.waitSignal(wizard.file_page.set_path(str(path)).finished, timeout=20000):
        pass
    wizard.next()
    wizard.next()
    wizard.next()
    with qtbot.waitSignal(wizard.preview_page.op.finished, timeout=20000):
        pass
    return wizard.preview_page.model


def _column(model, header):
    return model.headers.index(header)


def test_preview_shows_dates_skipped_lines_and_reasons(qtbot, wizard, tmp_path):
    model = _to_preview(qtbot, wizard, make_clerks_roster(tmp_path / "花名册.xlsx"))
    by_row = {int(model.headerData(r, Qt.Orientation.Vertical)): r for r in range(model.rowCount())}
    assert sorted(by_row) == list(range(3, 11))

    def cell(row, header):
        return model.data(model.index(by_row[row], _column(model, header)))

    assert cell(3, "引进日期") == "2016-07-01" and cell(4, "引进日期") == "2016-07-02"  # not 42552
    assert cell(7, "引进日期") == "2024-13-01"  # not a date: as written
    assert [cell(r, "检查结果") for r in range(3, 11)] == [
        "可导入", "可导入", "跳过（空行）", "有错误", "有错误", "跳过（空行）", "跳过（合计行）", "跳过（说明或签字行）"]
    assert cell(6, "错误原因") == "身份证号：校验位错误（应为5），请核对号码"  # the label once
    reasons = cell(7, "错误原因")
    assert "学历" in reasons and "引进日期" in reasons and "；" in reasons
    assert cell(3, "错误原因") == "" and cell(9, "错误原因") == ""
    grey = model.data(model.index(by_row[9], _column(model, "检查结果")), Qt.ItemDataRole.ForegroundRole)
    assert grey is not None  # skipped lines are greyed out
    wizard.preview_page.only_errors.setChecked(True)
    assert [model.data(model.index(r, 0)) for r in range(model.rowCount())] == ["有错误", "有错误"]


def test_commit_names_the_person_once_per_error_and_counts_rows(qtbot, wizard, ui_env, tmp_path):
    import threading

    _to_preview(qtbot, wizard, make_clerks_roster(tmp_path / "花名册.xlsx"))
    release = threading.Event()
    ui_env.runner.write_pool.start(lambda: release.wait(30))  # hold the write thread
    try:
        wizard.next()
        commit = wizard.commit_page
        bar = commit.progress
        assert (bar.minimum(), bar.maximum(), bar.value()) == (0, 2, 0)  # determinate: 2 rows to write
    finally:
        release.set()
    with qtbot.waitSignal(commit.op.finished, timeout=30000):
        pass
    lines = [commit.details.item(i).text() for i in range(commit.details.count())]
    assert "✗ 第6行 赵坏：身份证号：校验位错误（应为5），请核对号码" in lines
    assert sum(line.startswith("✗ 第7行 孙错：") for line in lines) == 2
    assert not any(re.search(r"(身份证号|学历|引进日期)：\1", line) for line in lines), lines


def test_preview_marks_rows_whose_errors_are_not_listed(qtbot, wizard, tmp_path, monkeypatch):
    import importlib

    check = importlib.import_module("talentdesk.services.exchange.importer.validate")
    monkeypatch.setattr(check, "MAX_ERRORS_KEPT", 1)  # only the first error is listed
    model = _to_preview(qtbot, wizard, make_clerks_roster(tmp_path / "花名册.xlsx"))
    assert wizard.validation.errors_omitted == 2  # row 7's two errors are counted, not listed
    by_row = {int(model.headerData(r, Qt.Orientation.Vertical)): r for r in range(model.rowCount())}
    status, reason = (model.data(model.index(by_row[7], c)) for c in (0, 1))
    assert status == "有错误" and "未逐条列出" in reason
    wizard.preview_page.only_errors.setChecked(True)
    assert [model.headerData(r, Qt.Orientation.Vertical) for r in range(model.rowCount())] == ["6", "7"]
