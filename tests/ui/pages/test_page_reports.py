from __future__ import annotations

import datetime as dt

import pytest

from talentdesk.services.benefits import departures
from talentdesk.ui.overview import reports as page_mod
from talentdesk.ui.common import widgets
from tests.ui.pages.conftest import wait_for_ops

pytestmark = pytest.mark.gui
TODAY = dt.date.today()


@pytest.fixture(autouse=True)
def office_details(ctx):
    """The office has filled in what forms print (test_print_setup covers an office that has not)."""
    from talentdesk.services.office import settings

    settings.save_settings(ctx, office_name="阿拉善左旗人才工作领导小组办公室", doc_prefix="阿左人才字",
                           signatory_clerk="王经办", signatory_reviewer="李审核", signatory_head="赵主任")


def _page(qtbot, env):
    page = page_mod.Page(env)
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.refresh()
    return page


def test_export_ledger_asks_where_and_offers_to_open(qtbot, env, paid_talent, tmp_path, monkeypatch):
    t, g, approved_on = paid_talent
    page = _page(qtbot, env)
    page.apply_filters(ledger="disbursement", year=approved_on.year)
    assert page.current_key() == "disbursement"
    asked = {}

    def ask_save(env_, parent, title, suggested, filters):
        asked["suggested"] = suggested
        return str(tmp_path / "发放台账")

    opened = []
    monkeypatch.setattr(widgets, "ask_save_file", ask_save)
    monkeypatch.setattr(widgets, "open_file", lambda p: opened.append(p) or True)
    page.save_btn.click()
    wait_for_ops(qtbot, env)
    assert not env.errors, env.errors
    out = tmp_path / "发放台账.xlsx"
    assert out.exists() and asked["suggested"].endswith(".xlsx") and "待遇发放台账" in asked["suggested"]
    assert env.confirms and "现在打开" in env.confirms[-1]
    assert opened == [str(out)]
    import openpyxl

    wb = openpyxl.load_workbook(out, read_only=True)
    text = "".join(str(c) for row in wb.active.iter_rows(values_only=True) for c in row if c is not None)
    assert "张伟" in text


def test_recovery_notice_preview_and_print(qtbot, env, paid_talent, tmp_path):
    t, g, approved_on = paid_talent
    departures.record(env.ctx, t.id_number, TODAY, "个人原因辞职")
    page = _page(qtbot, env)
    page.apply_filters(form="recovery", talent=t.id_number)  # from 离职追回
    wait_for_ops(qtbot, env)
    assert not env.errors, env.errors
    assert page.current_key() == "recovery_notice"
    assert page.page_count() >= 1 and page.print_btn.isEnabled()
    from PySide6.QtGui import QPdfWriter

    writer = QPdfWriter(str(tmp_path / "printed.pdf"))
    assert page.print_to(writer) == page.page_count()


def test_batch_form_saved_as_pdf(qtbot, env, paid_talent, tmp_path, monkeypatch):
    t, g, approved_on = paid_talent
    page = _page(qtbot, env)
    page.apply_filters(form="batch", month=approved_on.isoformat()[:7])
    monkeypatch.setattr(widgets, "ask_save_file", lambda *a: str(tmp_path / "batch.pdf"))
    env.confirm_answer = False
    page.save_btn.click()
    wait_for_ops(qtbot, env)
    assert not env.errors, env.errors
    assert (tmp_path / "batch.pdf").read_bytes()[:4] == b"%PDF"
    assert "页" in page.status.text()


def test_ledger_preview_shows_first_rows(qtbot, env, paid_talent):
    page = _page(qtbot, env)
    page.apply_filters(ledger="talents")
    page.preview_btn.click()
    wait_for_ops(qtbot, env)
    assert not env.errors, env.errors
    assert page.views.currentWidget() is page.ledger_table
    labels = [c.title for c in page.ledger_model.columns]
    assert "姓名" in labels
    name_col = labels.index("姓名")
    assert any(page.ledger_model.columns[name_col].text(r) == "张伟" for r in page.ledger_model.rows)


def test_forms_say_what_to_choose_first(qtbot, env, paid_talent, monkeypatch):
    page = _page(qtbot, env)
    page.apply_filters(form="recovery")
    page.preview_btn.click()
    assert env.errors and "离职人员" in str(env.errors[-1]) and not env.ops
    page.apply_filters(form="approval")
    monkeypatch.setattr(widgets, "ask_save_file", lambda *a: pytest.fail("must not ask where to save"))
    page.save_btn.click()
    assert "待遇项目" in str(env.errors[-1])


def test_preview_is_not_logged_as_print_and_save_reuses_the_preview(qtbot, env, paid_talent, tmp_path, monkeypatch):
    from talentdesk.services.office.audit import log as audit
    from talentdesk.services.exchange import reports

    t, g, approved_on = paid_talent
    departures.record(env.ctx, t.id_number, TODAY, "个人原因辞职")
    page = _page(qtbot, env)
    page.apply_filters(form="recovery", talent=t.id_number)  # previews at once
    wait_for_ops(qtbot, env)
    assert not env.errors, env.errors
    actions = [e.action for e in audit.list_events(env.ctx) if e.entity == "form"]
    assert actions[0] == "preview" and "print" not in actions
    built = []
    real = reports.print_forms
    monkeypatch.setattr(reports, "print_forms", lambda *a, **k: built.append(1) or real(*a, **k))
    monkeypatch.setattr(widgets, "ask_save_file", lambda *a: str(tmp_path / "追回通知书.pdf"))
    env.confirm_answer = False
    page.save_btn.click()
    wait_for_ops(qtbot, env)
    assert not env.errors, env.errors
    assert built == []  # saved from the preview, not built again
    assert (tmp_path / "追回通知书.pdf").read_bytes() == page._preview_path.read_bytes()
    from PySide6.QtGui import QPdfWriter

    page.print_to(QPdfWriter(str(tmp_path / "printed.pdf")))
    actions = [e.action for e in audit.list_events(env.ctx) if e.entity == "form"]
    assert actions[:2] == ["print", "print"]  # newest first: printed, and saved as a file


def test_ledgers_are_masked_unless_full_numbers_are_ticked(qtbot, env, paid_talent, tmp_path, monkeypatch):
    import openpyxl

    t, g, approved_on = paid_talent
    page = _page(qtbot, env)
    page.apply_filters(ledger="disbursement", year=approved_on.year)
    assert not page.full.isChecked()  # masked by default
    target = {"name": "masked"}
    monkeypatch.setattr(widgets, "ask_save_file", lambda *a: str(tmp_path / target["name"]))
    monkeypatch.setattr(widgets, "open_file", lambda p: True)

    def text(name):
        wb = openpyxl.load_workbook(tmp_path / f"{name}.xlsx", read_only=True)
        return "".join(str(c) for row in wb.active.iter_rows(values_only=True) for c in row if c is not None)

    page.save_btn.click()
    wait_for_ops(qtbot, env)
    assert not env.errors, env.errors
    assert t.id_number not in text("masked") and t.id_number[:6] + "********" in text("masked")
    page.full.setChecked(True)
    target["name"] = "full"
    page.save_btn.click()
    wait_for_ops(qtbot, env)
    assert not env.errors, env.errors
    assert t.id_number in text("full")


def test_form_progress_dialog_counts_pages(qtbot, env, paid_talent, monkeypatch):
    """The progress dialog of a PDF says which page of how many is being drawn."""
    import threading

    from talentdesk.services.exchange import reports

    t, g, approved_on = paid_talent
    release = threading.Event()
    real = reports.print_forms

    def held(*a, progress=None, **k):
        def report(done, total=None):
            progress(done, total)
            if done == 1:  # hold the worker on page 1 until the dialog was read
                release.wait(30)
        return real(*a, progress=report, **k)

    monkeypatch.setattr(reports, "print_forms", held)
    env.headless = False  # the real progress dialog
    page = _page(qtbot, env)
    page.apply_filters(form="review", year=approved_on.year)  # 汇总报告 + 张伟's 登记表
    page.preview_btn.click()
    op = env.ops[-1]
    try:
        qtbot.waitUntil(lambda: op._dialog is not None and "第 1 / 2 页" in op._dialog.labelText(), timeout=30000)
        assert "正在生成第 1 / 2 页" in op._dialog.labelText()
        assert (op._dialog.value(), op._dialog.maximum()) == (1, 2)
    finally:
        release.set()
    wait_for_ops(qtbot, env)
    assert not env.errors, env.errors
    assert page.page_count() == 2


def test_review_report_summary_only_box(qtbot, env, paid_talent):
    t, g, approved_on = paid_talent
    page = _page(qtbot, env)
    page.apply_filters(form="review", year=approved_on.year)
    page.preview_btn.click()
    wait_for_ops(qtbot, env)
    assert not env.errors, env.errors
    assert page.page_count() == 2  # 汇总报告 and 张伟's 登记表
    box = page.options["review_form"]["summary_only"]
    box.setChecked(True)
    assert not page.options["review_form"]["talent"].isEnabled()
    page.preview_btn.click()
    wait_for_ops(qtbot, env)
    assert not env.errors, env.errors
    assert page.page_count() == 1 and page.last_result.pages == 1
    assert "汇总报告" in page.suggested_name("review_form")


def test_filing_previewed_then_saved_as_workbook(qtbot, env, paid_talent, tmp_path, monkeypatch):
    """备案表: the period chosen, a PDF preview, then the same list saved as Excel."""
    import openpyxl

    t, g, approved_on = paid_talent
    intro = t.record["introduction_date"]
    page = _page(qtbot, env)
    page.select("filing_hires")
    assert page.print_btn.isVisible() or not page.isVisible()
    o = page.options["filing_hires"]
    o["from"].setDate(widgets.to_qdate(intro))
    o["to"].setDate(widgets.to_qdate(intro))
    page.preview_btn.click()
    wait_for_ops(qtbot, env)
    assert not env.errors, env.errors
    assert page.page_count() >= 1 and "预览：1 条" in page.status.text()
    asked = {}

    def ask_save(env_, parent, title, suggested, filters):
        asked.update(suggested=suggested, filters=filters)
        return str(tmp_path / "备案.xlsx")

    monkeypatch.setattr(widgets, "ask_save_file", ask_save)
    env.confirm_answer = False
    page.save_btn.click()
    wait_for_ops(qtbot, env)
    assert not env.errors, env.errors
    assert "Excel" in asked["filters"] and asked["suggested"].endswith(".pdf")
    assert f"{intro:%Y%m%d}至{intro:%Y%m%d}" in asked["suggested"]
    ws = openpyxl.load_workbook(tmp_path / "备案.xlsx", read_only=True).active
    text = "".join(str(c) for row in ws.iter_rows(values_only=True) for c in row if c is not None)
    assert "新引进刚性人才备案表" in text and t.name in text
    assert "1 行" in page.status.text()
