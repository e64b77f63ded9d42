"""The first printout of an office that has not filled in its name, 文号前缀 or signatories:
the form is not printed with blanks; a small dialog asks for them (saved to 系统设置), or the
clerk chooses to print with blanks (asked once per run), or cancels (nothing is printed)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel

from talentdesk.services.benefits import departures
from talentdesk.services.office import settings
from talentdesk.ui.office import print_setup
from talentdesk.ui.common import widgets
from talentdesk.ui.overview import reports as reports_page
from tests.ui.pages.conftest import wait_for_ops

pytestmark = pytest.mark.gui
TODAY = dt.date.today()


@pytest.fixture
def departed(env, ctx, paid_talent):
    """张伟 left today with a refund due; the window works as the office's administrator."""
    t, _g, _approved_on = paid_talent
    departures.record(env.ctx, t.id_number, TODAY, "个人原因辞职")
    env.ctx = ctx
    return t


@pytest.fixture
def asked(monkeypatch):
    """Drive the office-details dialog like a clerk: ``asked.script(dialog)`` types and
    clicks; every dialog shown is in ``asked.dialogs``."""

    class Asked:
        dialogs: list = []
        script = None

    def exec_dialog(dlg):
        dlg.show()
        Asked.dialogs.append(dlg)
        Asked.script(dlg)
        return bool(dlg.result())

    Asked.dialogs = []
    monkeypatch.setattr(widgets, "exec_dialog", exec_dialog)
    return Asked


def _notice(qtbot, env, talent):
    page = reports_page.Page(env)
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.refresh()
    page.apply_filters(form="recovery", talent=talent.id_number)  # as 离职追回 → 打印追回通知书 does
    wait_for_ops(qtbot, env)
    return page


def _pdf_text(path) -> str:
    from pypdf import PdfReader

    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)


def _click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_missing_details_are_asked_for_and_printed(qtbot, env, departed, asked):
    def script(dlg):
        assert set(print_setup.missing(settings.get_settings(env.ctx))) == {
            "office_name", "doc_prefix", "signatory_clerk", "signatory_reviewer", "signatory_head"}
        assert dlg.fields["office_name"].text() == ""  # the built-in generic name is not offered
        dlg.fields["office_name"].setText("阿拉善左旗人才工作领导小组办公室")
        dlg.fields["doc_prefix"].setText("阿左人才字")
        dlg.fields["signatory_clerk"].setText("王经办")
        dlg.fields["signatory_reviewer"].setText("李审核")
        dlg.fields["signatory_head"].setText("赵主任")
        _click(qtbot, dlg.buttons.button(QDialogButtonBox.StandardButton.Ok))

    asked.script = script
    page = _notice(qtbot, env, departed)
    assert len(asked.dialogs) == 1 and not env.errors, env.errors
    s = settings.get_settings(env.ctx)
    assert (s.office_name, s.doc_prefix, s.signatory_head) == ("阿拉善左旗人才工作领导小组办公室", "阿左人才字", "赵主任")
    assert page.page_count() >= 1
    text = _pdf_text(page._preview_path)
    assert "阿拉善左旗人才工作领导小组办公室" in text and "阿左人才字" in text
    page.preview()  # set now: not asked again
    wait_for_ops(qtbot, env)
    assert len(asked.dialogs) == 1


def test_cancel_prints_nothing(qtbot, env, departed, asked):
    asked.script = lambda dlg: _click(qtbot, dlg.buttons.button(QDialogButtonBox.StandardButton.Cancel))
    page = _notice(qtbot, env, departed)
    assert len(asked.dialogs) == 1
    assert page._preview_path is None and page.page_count() == 0 and not page.print_btn.isEnabled()
    assert print_setup.missing(settings.get_settings(env.ctx))  # nothing saved


def test_printing_with_blanks_is_a_choice_asked_once(qtbot, env, departed, asked):
    asked.script = lambda dlg: _click(qtbot, dlg.blank_btn)
    page = _notice(qtbot, env, departed)
    assert len(asked.dialogs) == 1 and page.page_count() >= 1
    page.preview()
    wait_for_ops(qtbot, env)
    assert len(asked.dialogs) == 1  # not asked again in this run


def test_a_clerk_is_told_who_can_fill_them_in(qtbot, env, departed, asked, clerk_ctx):
    env.ctx = clerk_ctx
    seen = {}

    def script(dlg):
        seen["enabled"] = [e.isEnabled() for e in dlg.fields.values()]
        seen["save"] = dlg.buttons.button(QDialogButtonBox.StandardButton.Ok).isVisible()
        seen["text"] = "".join(w.text() for w in dlg.findChildren(QLabel))
        _click(qtbot, dlg.blank_btn)

    asked.script = script
    page = _notice(qtbot, env, departed)
    assert seen["enabled"] == [False] * 5 and seen["save"] is False
    assert "只有管理员可以填写" in seen["text"] and "系统设置" in seen["text"]
    assert page.page_count() >= 1 and not env.errors

