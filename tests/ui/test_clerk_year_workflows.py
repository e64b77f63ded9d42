"""Issue 21's blocked workflows that landed after the first round, driven through the real
widgets: a 毕业时间 typed as a year-month, two identical rows of one person in a roster, and
the 服务协议 an imported roster's 合同 fields make."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from talentdesk.domain import idcard
from talentdesk.domain.values import YearMonth
from talentdesk.services.benefits import agreements
from talentdesk.services.register import talents
from talentdesk.ui.importer import ImportWizard
from tests.ui.test_import_wizard import _to_preview
from tests.ui.test_talents import type_text

pytestmark = pytest.mark.gui

HEADER = ["姓名", "身份证号", "学历", "学位", "引进方式", "用人单位", "所属地区", "引进日期", "合同起始日期",
          "合同期限（年）", "毕业时间", "联系电话"]


def _roster(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    a = idcard.make("152921", dt.date(1991, 2, 3), 101)
    b = idcard.make("152921", dt.date(1992, 4, 5), 103)
    row_a = ["张伟", a, "博士研究生", "博士", "招聘", "阿拉善盟农牧科学研究所", "阿拉善左旗", "2024-03-01",
             "2024-03-01", "5", "2020.07", "13800138000"]
    ws.append(row_a)
    ws.append(list(row_a))  # the same person pasted twice: imported once, with a warning
    ws.append(["李娜", b, "硕士研究生", "硕士", "招聘", "阿拉善盟农牧科学研究所", "阿拉善左旗", "2024-03-01",
               "2024-03-01", "3", "2023年6月", "13800138001"])
    wb.save(path)
    return path, a, b


def test_a_year_month_graduation_is_kept_from_the_form(qtbot, main_window, ctx):
    from tests.factories import talent_row

    row = talent_row(姓名="赵敏")
    talents.add(ctx, row)
    page = main_window.page("talents")
    page.refresh()
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=10000)
    page.table.selectRow(0)
    qtbot.waitUntil(lambda: page.detail.form.fields["graduation_date"].editor.isEnabled(), timeout=10000)
    field = page.detail.form.fields["graduation_date"]
    field.editor.clear()
    type_text(qtbot, field.editor, "2020年7月")
    assert not field.message.isVisible() and page.detail.form.is_valid(), page.detail.form.errors
    op = page.detail.save()
    with qtbot.waitSignal(op.finished, timeout=10000):
        pass
    assert talents.get(ctx, row["身份证号"]).record["graduation_date"] == YearMonth(2020, 7)
    assert page.detail.form.fields["graduation_date"].text() == "2020-07"


def test_identical_rows_import_once_and_the_contracts_make_agreements(qtbot, ui_env, ctx, tmp_path):
    path, a, b = _roster(tmp_path / "花名册.xlsx")
    wizard = ImportWizard(ui_env)
    qtbot.addWidget(wizard)
    wizard.show()
    model = _to_preview(qtbot, wizard, path)
    results = [model.data(model.index(r, 0)) for r in range(model.rowCount())]
    assert "有错误" not in results
    shown = [wizard.preview_page.warnings.item(i).text() for i in range(wizard.preview_page.warnings.count())]
    assert any("第3行与第2行完全相同" in w or "完全相同" in w for w in shown), shown
    wizard.next()
    with qtbot.waitSignal(wizard.commit_page.op.finished, timeout=30000):
        pass
    assert talents.get(ctx, a).record["graduation_date"] == YearMonth(2020, 7)
    assert talents.get(ctx, b).record["graduation_date"] == YearMonth(2023, 6)
    made = {x.id_number: x for x in agreements.list_agreements(ctx)}
    assert made[a].term_years == 5 and made[a].start_date == dt.date(2024, 3, 1)
    assert made[b].term_years == 3
