"""人才服务 page: 编辑 an open case (the limit changed, the due date counted again), 重新办理 a
closed one with its reason; and 打印 from the 服务事项, 走访记录, 人才认定 and 人才公寓 pages —
the PDF saved where the clerk says, read back with pdftotext. Real widgets, offscreen."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest

from talentdesk.services.care import cases, housing, visits
from talentdesk.services.register import recognitions
from talentdesk.ui.care import housing as housing_page
from talentdesk.ui.care import page as page_mod
from talentdesk.ui.common import widgets
from talentdesk.ui.register import recognitions as recognition_page
from tests.ui.pages.seeding import talent

pytestmark = pytest.mark.gui
TODAY = dt.date.today()
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


@pytest.fixture(autouse=True)
def office_details(ctx):
    from talentdesk.services.office import settings

    settings.save_settings(ctx, office_name="阿拉善左旗人才工作领导小组办公室", doc_prefix="阿左人才字",
                           signatory_clerk="王经办", signatory_reviewer="李审核", signatory_head="赵主任")


def _pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout.replace(" ", "")


def _save_to(monkeypatch, env, path):
    asked = {}

    def ask_save(env_, parent, title, suggested, filters):
        asked.update(title=title, suggested=suggested)
        return str(path)

    monkeypatch.setattr(widgets, "ask_save_file", ask_save)
    env.confirm_answer = False  # do not open the file
    return asked


def test_edit_open_case_and_reopen_closed_one(qtbot, env, monkeypatch):
    t = talent(env.ctx)
    c = cases.open_case(env.ctx, t.id_number, "落户", TODAY - dt.timedelta(days=3), "本人落户")
    page = page_mod.Page(env)
    qtbot.addWidget(page)
    page.refresh()
    tab = page.cases
    tab.table.selectRow(0)
    assert tab.edit_btn.isEnabled() and not tab.reopen_btn.isEnabled() and tab.print_btn.isEnabled()

    def edit(dlg):
        assert dlg.limit.value() == 10 and dlg.department.text() == "公安户政部门"
        dlg.limit.setValue(0)
        dlg._ok()  # a limit of 0 is “不限”: saved, the due date goes
        return bool(dlg.result())

    monkeypatch.setattr(widgets, "exec_dialog", edit)
    tab.edit_btn.click()
    assert not env.errors, env.errors
    got = cases.get(env.ctx, c.id)
    assert got.limit_days is None and got.due_date is None

    def edit_again(dlg):
        dlg.limit.setValue(3)  # the due date it gives, shown before saving
        with env.ctx.read() as session:
            assert str(cases.calendar(session).add_workdays(dlg.case.requested_on, 3)) in dlg.due.text()
        dlg.handler.setText("刘警官")
        dlg.summary.setPlainText("")  # emptied: refused with the service's message, dialog stays open
        dlg._ok()
        assert env.errors and "事项内容" in env.errors[-1] and not dlg.result()
        dlg.summary.setPlainText("本人及子女落户")
        dlg._ok()
        return bool(dlg.result())

    monkeypatch.setattr(widgets, "exec_dialog", edit_again)
    tab.table.selectRow(0)
    tab.edit_btn.click()
    got = cases.get(env.ctx, c.id)
    assert (got.limit_days, got.handled_by, got.summary) == (3, "刘警官", "本人及子女落户")
    with env.ctx.read() as session:
        assert got.due_date == cases.calendar(session).add_workdays(got.requested_on, 3)

    cases.close(env.ctx, c.id, "办结", TODAY, result="已落户")
    tab.reload()
    tab.table.selectRow(0)
    assert not tab.edit_btn.isEnabled() and tab.reopen_btn.isEnabled() and not tab.close_btn.isEnabled()
    monkeypatch.setattr(widgets, "ask_text", lambda *a, **k: None)  # cancelled: nothing happens
    tab.reopen_btn.click()
    assert cases.get(env.ctx, c.id).closed_on == TODAY
    monkeypatch.setattr(widgets, "ask_text", lambda *a, **k: "")  # no reason: the service refuses
    tab.reopen_btn.click()
    assert env.errors and "原因" in env.errors[-1] and cases.get(env.ctx, c.id).closed_on == TODAY
    monkeypatch.setattr(widgets, "ask_text", lambda *a, **k: "子女户口未随迁")
    tab.reopen_btn.click()
    again = cases.get(env.ctx, c.id)
    assert again.closed_on is None and again.outcome is None and "子女户口未随迁" in again.result
    tab.table.selectRow(0)
    assert tab.edit_btn.isEnabled() and not tab.reopen_btn.isEnabled()


@needs_pdftotext
def test_print_case_and_visit_from_the_page(qtbot, env, monkeypatch, tmp_path):
    t = talent(env.ctx)
    c = cases.open_case(env.ctx, t.id_number, "子女入学", TODAY, "子女就读公立小学")
    visits.record(env.ctx, t.id_number, TODAY, "人才办 刘科长", "座谈", issues="实验室设备老化")
    page = page_mod.Page(env)
    qtbot.addWidget(page)
    page.refresh()
    page.cases.table.selectRow(0)
    asked = _save_to(monkeypatch, env, tmp_path / "case.pdf")
    page.cases.print_btn.click()
    assert not env.errors, env.errors
    assert asked["suggested"].startswith("人才服务事项办理单-张伟")
    text = _pdf_text(tmp_path / "case.pdf")
    assert "人才服务事项办理单" in text and "子女就读公立小学" in text and "阿拉善左旗人才工作领导小组办公室" in text
    assert f"编号：阿左人才字服〔{TODAY.year}〕{c.id}号" in text

    page.apply_filters(tab="visits")
    page.visits.table.selectRow(0)
    _save_to(monkeypatch, env, tmp_path / "visit.pdf")
    page.visits.print_btn.click()
    text = _pdf_text(tmp_path / "visit.pdf")
    assert "回访记录表" in text and "实验室设备老化" in text and "座谈" in text and "第三十七条" in text


@needs_pdftotext
def test_print_recognition_and_housing_forms(qtbot, env, monkeypatch, tmp_path):
    t = talent(env.ctx)
    recognitions.propose(env.ctx, talent=t.id_number, scheme="阿拉善盟人才分类", tier="B",
                         doc_no="阿人才办字〔2026〕5号", recognised_on=TODAY)
    page = recognition_page.Page(env)
    qtbot.addWidget(page)
    page.refresh()
    assert not page.print_btn.isEnabled()
    page.table.selectRow(0)
    _save_to(monkeypatch, env, tmp_path / "rec.pdf")
    page.print_btn.click()
    text = _pdf_text(tmp_path / "rec.pdf")
    assert "人才认定备案表" in text and "B类（杰出人才）" in text and "待确认" in text and "第二十条" in text

    f = housing.add_flat(env.ctx, unit="人才公寓2号楼301", area_m2=100)
    housing.allocate(env.ctx, f.id, t.id_number, start=TODAY - dt.timedelta(days=30))
    hp = housing_page.Page(env)
    qtbot.addWidget(hp)
    hp.refresh()
    hp.stay_table.selectRow(0)
    assert hp.print_btn.isEnabled()
    _save_to(monkeypatch, env, tmp_path / "flat.pdf")
    hp.print_btn.click()
    assert not env.errors, env.errors
    text = _pdf_text(tmp_path / "flat.pdf")
    assert "人才公寓入住/腾退确认单" in text and "人才公寓2号楼301" in text and "100平方米" in text
    assert "第四十一条" in text and "免费入住3年" in text


def test_reports_page_previews_and_saves_a_register_form(qtbot, env, monkeypatch, tmp_path):
    from talentdesk.ui.overview import reports as reports_page
    from tests.ui.pages.conftest import wait_for_ops

    t = talent(env.ctx)
    f = housing.add_flat(env.ctx, unit="人才公寓1号楼101", area_m2=90)
    o = housing.allocate(env.ctx, f.id, t.id_number, start=TODAY - dt.timedelta(days=10))
    page = reports_page.Page(env)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.refresh()
    page.select("register_housing")
    assert page.heading.text() == "人才公寓入住/腾退确认单"
    page.preview()  # nothing chosen yet: the clerk is told what to choose
    assert env.errors and "请先查找并选择人才" in env.errors[-1]
    page.apply_filters(form="housing", talent=t.id_number, record=o.id)  # as the 人才公寓 page would
    assert page.current_key() == "register_housing"
    assert page.options["register_housing"]["record"].currentData() == o.id
    wait_for_ops(qtbot, env)
    assert not env.errors[1:], env.errors
    assert page.last_result.kind == "housing" and page.page_count() == 1
    assert "人才公寓1号楼101" in page.options["register_housing"]["record"].currentText()
    _save_to(monkeypatch, env, tmp_path / "确认单.pdf")
    page.save()
    wait_for_ops(qtbot, env)
    assert (tmp_path / "确认单.pdf").exists() and page.last_result.path.name == "确认单.pdf"
    assert page.suggested_name("register_housing").count("/") == 0
