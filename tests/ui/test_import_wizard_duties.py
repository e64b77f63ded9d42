"""The import wizard with the kinds of the other registers (issue 17): 回访记录 chosen in
“导入内容”, a filled-in template previewed (the bad cell red, its reason on hover) and
committed through the real widgets; the visit and the case opened from it are recorded."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from factories import talent_row
from talentdesk.services.care import cases, visits
from talentdesk.services.exchange import importer
from talentdesk.services.register import talents
from talentdesk.ui.importer import ImportWizard

pytestmark = pytest.mark.gui


def test_wizard_imports_visits(qtbot, ui_env, ctx, tmp_path):
    row = talent_row()
    talents.add(ctx, row)
    path = importer.write_template("visits", tmp_path / "回访记录.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    col = {c.value: i + 1 for i, c in enumerate(ws[1])}
    for r, (form, kind) in enumerate((("走访", "子女入学"), ("微信", None)), start=2):
        ws.cell(row=r, column=col["身份证号"], value=row["身份证号"])
        ws.cell(row=r, column=col["走访日期"], value=dt.date(2025, 6, r))
        ws.cell(row=r, column=col["走访人员"], value="人才办 刘科长")
        ws.cell(row=r, column=col["走访形式"], value=form)
        ws.cell(row=r, column=col["反映问题"], value="子女明年入学")
        if kind:
            ws.cell(row=r, column=col["新建事项类别"], value=kind)
    wb.save(tmp_path / "filled.xlsx")

    wizard = ImportWizard(ui_env)
    qtbot.addWidget(wizard)
    wizard.show()
    box = wizard.file_page.kind
    assert {box.itemData(i) for i in range(box.count())} >= {"recognitions", "cases", "visits", "housing"}
    box.setCurrentIndex(box.findData("visits"))
    assert box.currentText() == "回访记录"
    with qtbot.waitSignal(wizard.file_page.set_path(str(tmp_path / "filled.xlsx")).finished, timeout=20000):
        pass
    wizard.next()
    assert wizard.sheet_page.sheet.currentText() == "回访记录" and wizard.sheet_page.header_row.value() == 1
    wizard.next()
    assert wizard.layout.mapping()["走访形式"] == "form" and wizard.mapping_page.isComplete()
    wizard.next()
    preview = wizard.preview_page
    with qtbot.waitSignal(preview.op.finished, timeout=20000):
        pass
    v = wizard.validation
    assert v.rows == 2 and v.valid == 1 and [e.column for e in v.errors] == ["走访形式"]
    model = preview.model
    c = model.headers.index("走访形式")
    bad = [r for r in range(model.rowCount()) if model.data(model.index(r, c), 8) is not None]
    assert len(bad) == 1 and "走访、电话、座谈" in model.data(model.index(bad[0], c), 3)
    wizard.next()  # the rest is imported (confirmed)
    commit = wizard.commit_page
    with qtbot.waitSignal(commit.op.finished, timeout=30000):
        pass
    assert commit.summary.committed and commit.summary.inserted == 1
    [visit] = visits.list_visits(ctx)
    [case] = cases.list_cases(ctx)
    assert visit.case_id == case.id and case.kind == "子女入学" and case.requested_on == dt.date(2025, 6, 2)
