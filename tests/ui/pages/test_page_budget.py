"""资金测算 page (阿党人才字〔2023〕2号 第四十八条) and the over-budget question before a grant is
approved, with real widgets offscreen: lines set and amended through the dialog (history
kept), the forecast with an over-committed level in red, the workbook re-opened; approving
over budget asks first and a "no" approves nothing."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from PySide6.QtCore import Qt

from talentdesk.services.benefits import grants
from talentdesk.services.finance import budget
from talentdesk.ui.benefits import payments as payments_page
from talentdesk.ui.common import widgets
from talentdesk.ui.finance import budget as page_mod
from tests.ui.pages.conftest import wait_for_ops
from tests.ui.pages.seeding import approved_settlement, talent

pytestmark = pytest.mark.gui
TODAY = dt.date.today()
DOC = "阿左人才字〔2025〕11号"


def _page(qtbot, env):
    page = page_mod.Page(env)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    page.refresh()
    wait_for_ops(qtbot, env)
    return page


def _row_of(page, year, label):
    for r, (y, c) in enumerate(page.model.rows):
        if y == year and (c.level_label or "合计") == label:
            return r, c
    raise AssertionError((year, label, [(y, c.level_label) for y, c in page.model.rows]))


def test_set_amend_forecast_red_and_export(qtbot, env, clerk_ctx, reviewer_ctx, monkeypatch, tmp_path):
    env.ctx = clerk_ctx
    t, g = approved_settlement(clerk_ctx, reviewer_ctx, approved_on=TODAY.replace(month=1, day=2), 姓名="张伟")
    league = sum(f for i in g.installments if i.due_date.year == TODAY.year for lv, f in i.funding.items()
                 if lv == "league")
    assert league > 0
    page = _page(qtbot, env)
    assert not page.add_btn.isEnabled()  # a clerk may not set budgets
    env.ctx = reviewer_ctx
    page = _page(qtbot, env)
    assert page.add_btn.isEnabled()

    def new_line(dlg):
        assert dlg.year.value() == TODAY.year
        dlg.level.setCurrentIndex(dlg.level.findData("league"))
        dlg.amount.setText("abc")
        dlg._ok()  # a bad amount: a Chinese message, the dialog stays open
        assert env.errors and "预算金额" in env.errors[-1] and not dlg.result()
        dlg.amount.setText(f"{league / 100 + 1000:.2f}")
        dlg.doc_no.setText("阿财预〔2025〕3号")
        dlg.note.setText("年初预算")
        dlg._ok()
        return bool(dlg.result())

    monkeypatch.setattr(widgets, "exec_dialog", new_line)
    page.add_btn.click()
    wait_for_ops(qtbot, env)
    [line] = page.lines_model.rows
    assert line.amount_fen == league + 100_000 and line.doc_no == "阿财预〔2025〕3号"
    r, c = _row_of(page, TODAY.year, "盟级")
    assert c.appropriation_fen == league + 100_000 and not c.over_committed
    assert c.approved_fen + c.paid_fen == league
    assert page.warning.isHidden()

    # 压减 below what is approved: the row turns red, the article is named
    page.lines.selectRow(0)

    def amend(dlg):
        assert not dlg.year.isEnabled() and dlg.amount.text() == f"{(league + 100_000) / 100:.2f}"
        dlg.amount.setText(f"{(league - 50_000) / 100:.2f}")
        dlg.doc_no.setText("阿财预〔2025〕41号")
        dlg.note.setText("压减调整")
        dlg._ok()
        return bool(dlg.result())

    monkeypatch.setattr(widgets, "exec_dialog", amend)
    page.amend_btn.click()
    wait_for_ops(qtbot, env)
    assert not env.errors[1:], env.errors
    page.lines.selectRow(0)
    hist = page.history.toPlainText()
    assert "压减调整" in hist and "阿财预〔2025〕41号" in hist and "编制" in hist
    r, c = _row_of(page, TODAY.year, "盟级")
    assert c.over_committed
    fg = page.model.data(page.model.index(r, 0), Qt.ItemDataRole.ForegroundRole)
    assert fg is not None and fg.name() == "#c00000"
    note_col = len(page.model.columns) - 1
    note = page.model.data(page.model.index(r, note_col))
    assert "超出预算 500.00 元" in note and "第四十八条" in note
    other_r, _ = _row_of(page, TODAY.year + 1, "合计")
    assert page.model.data(page.model.index(other_r, 0), Qt.ItemDataRole.ForegroundRole) != fg
    assert page.warning.isVisible() and "第四十八条" in page.warning.text()
    assert f"超出预算500.00元" in page.warning.text()
    assert [y for y, _ in page.model.rows][0] == TODAY.year and {y for y, _ in page.model.rows} == set(
        range(TODAY.year, TODAY.year + 4))

    out = tmp_path / "资金测算.xlsx"
    monkeypatch.setattr(widgets, "ask_save_file", lambda *a, **k: str(out))
    env.confirm_answer = False
    page.export_btn.click()
    wait_for_ops(qtbot, env)
    assert page.last_export is not None and out.exists()
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:4] == [f"{y}年" for y in range(TODAY.year, TODAY.year + 4)]
    ws = wb[f"{TODAY.year}年"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=4, values_only=True) if r[0]}
    assert rows["盟级"][1] == pytest.approx((league - 50_000) / 100)
    assert rows["盟级"][6] < 0 and "超出预算" in rows["盟级"][7]


def _over_budget_everywhere(reviewer):
    for y in range(TODAY.year - 1, TODAY.year + 6):
        for lv in ("league", "banner"):
            budget.set_line(reviewer, year=y, level=lv, amount_fen=100)


@pytest.mark.parametrize("answer", [False, True])
def test_approving_over_budget_asks_first(qtbot, env, clerk_ctx, reviewer_ctx, answer):
    t = talent(clerk_ctx, 姓名="王芳")
    p = grants.propose(clerk_ctx, t.id_number, "settlement_allowance", approved_on=TODAY, approval_doc_no=DOC)
    _over_budget_everywhere(reviewer_ctx)
    expected = budget.approval_warnings(reviewer_ctx, p.id)
    assert expected
    env.ctx = reviewer_ctx
    page = payments_page.Page(env)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.apply_filters(tab="grants")
    page.grants.table.selectRow(0)
    answers = iter([True, answer])  # 批准…？ yes; then the budget question
    env.confirm = lambda text, *a, **k: (env.confirms.append(str(text)), next(answers))[1]
    page.grants.approve_btn.click()
    assert len(env.confirms) == 2
    question = env.confirms[1]
    assert "第四十八条" in question and all(w in question for w in expected)
    status = grants.get_grant(reviewer_ctx, p.id).status
    assert status == ("approved" if answer else "proposed")


def test_within_budget_asks_nothing_more(qtbot, env, clerk_ctx, reviewer_ctx):
    t = talent(clerk_ctx, 姓名="李娜")
    p = grants.propose(clerk_ctx, t.id_number, "settlement_allowance", approved_on=TODAY, approval_doc_no=DOC)
    for y in range(TODAY.year - 1, TODAY.year + 6):
        budget.set_line(reviewer_ctx, year=y, level="league", amount_fen=10**11)
    env.ctx = reviewer_ctx
    page = payments_page.Page(env)
    qtbot.addWidget(page)
    page.apply_filters(tab="grants")
    page.grants.table.selectRow(0)
    page.grants.approve_btn.click()
    assert len(env.confirms) == 1 and "超出" not in env.confirms[0]
    assert {g.id: g.status for g in grants.list_grants(reviewer_ctx)}[p.id] == "approved"


@pytest.mark.parametrize("answer", [False, True])
def test_the_grant_dialog_asks_too(qtbot, env, clerk_ctx, reviewer_ctx, answer):
    from talentdesk.ui.benefits.grant_dialog import GrantDialog

    t = talent(clerk_ctx, 姓名="张伟")
    p = grants.propose(clerk_ctx, t.id_number, "settlement_allowance", approved_on=TODAY, approval_doc_no=DOC)
    _over_budget_everywhere(reviewer_ctx)
    env.ctx = reviewer_ctx
    dlg = GrantDialog(env, t.id_number)
    qtbot.addWidget(dlg)
    dlg.grants_table.selectRow(0)
    answers = iter([True, answer])
    env.confirm = lambda text, *a, **k: (env.confirms.append(str(text)), next(answers))[1]
    dlg.approve_btn.click()
    assert len(env.confirms) == 2 and "超出" in env.confirms[1] and "第四十八条" in env.confirms[1]
    assert grants.get_grant(reviewer_ctx, p.id).status == ("approved" if answer else "proposed")
