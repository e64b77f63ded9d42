"""Importing payment confirmations (待遇发放) and review results (年度考核) from Excel,
through the pages' buttons and the import engine (dry run, confirm, commit)."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from talentdesk.services.benefits import payments, reviews
from talentdesk.ui.benefits import payments as payments_page
from talentdesk.ui.benefits import reviews as reviews_page
from talentdesk.ui.common import widgets
from tests.ui.pages.conftest import wait_for_ops
from tests.ui.pages.seeding import approved_settlement

pytestmark = pytest.mark.gui
TODAY = dt.date.today()
YEAR = TODAY.year - 1


def _xlsx(path, header, *rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return str(path)


@pytest.fixture
def approved_installment(env, clerk_ctx, reviewer_ctx):
    env.ctx = clerk_ctx
    t, g = approved_settlement(clerk_ctx, reviewer_ctx, approved_on=dt.date(YEAR, 3, 1), 姓名="张伟",
                               引进日期=f"{YEAR - 1}-05-01", 合同起始日期=f"{YEAR - 1}-05-01")
    first = payments.list_installments(clerk_ctx, grant_id=g.id)[0]
    payments.propose(clerk_ctx, [first.id])
    payments.approve(reviewer_ctx, [first.id])
    return t, g, first


def test_import_payment_confirmations(qtbot, env, approved_installment, tmp_path, monkeypatch):
    t, g, first = approved_installment
    path = _xlsx(tmp_path / "财务回单.xlsx", ["身份证号", "姓名", "待遇项目", "期次", "金额", "发放日期", "凭证号"],
                 [t.id_number, "张伟", "安家补贴", 1, "80000.00", f"{YEAR}-03-15", "记-2025-0315"])
    monkeypatch.setattr(widgets, "ask_open_file", lambda *a: path)
    page = payments_page.Page(env)
    qtbot.addWidget(page)
    page.refresh()
    page.installments.import_btn.click()
    wait_for_ops(qtbot, env)
    wait_for_ops(qtbot, env)  # the dry run, then the commit it started
    assert not env.errors, env.errors
    assert env.confirms and "确定导入" in env.confirms[-1]
    [row] = [r for r in payments.list_installments(env.ctx, grant_id=g.id) if r.id == first.id]
    assert row.status == "paid" and row.voucher_no == "记-2025-0315"


def test_import_with_errors_writes_nothing(qtbot, env, approved_installment, tmp_path, monkeypatch):
    t, g, first = approved_installment
    path = _xlsx(tmp_path / "bad.xlsx", ["身份证号", "待遇项目", "金额", "发放日期", "凭证号"],
                 [t.id_number, "安家补贴", "abc", f"{YEAR}-03-15", "X"])
    monkeypatch.setattr(widgets, "ask_open_file", lambda *a: path)
    page = payments_page.Page(env)
    qtbot.addWidget(page)
    page.installments.import_confirmations()
    wait_for_ops(qtbot, env)
    assert env.errors and "未导入任何数据" in str(env.errors[-1])
    assert payments.list_installments(env.ctx, grant_id=g.id)[0].status == "approved"


def test_import_review_results(qtbot, env, approved_installment, reviewer_ctx, tmp_path, monkeypatch):
    t, g, first = approved_installment
    env.ctx = reviewer_ctx
    path = _xlsx(tmp_path / "考核.xlsx", ["身份证号", "姓名", "考核年度", "考核结果"], [t.id_number, "张伟", YEAR, "优秀"])
    monkeypatch.setattr(widgets, "ask_open_file", lambda *a: path)
    page = reviews_page.Page(env)
    qtbot.addWidget(page)
    page.apply_filters(year=YEAR)
    page.import_btn.click()
    wait_for_ops(qtbot, env)
    wait_for_ops(qtbot, env)
    assert not env.errors, env.errors
    assert reviews.list_for_year(reviewer_ctx, YEAR).counts["优秀"] == 1
    assert page.model.rows[0].result == "优秀"
