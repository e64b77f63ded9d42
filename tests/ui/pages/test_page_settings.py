from __future__ import annotations

import datetime as dt

import pytest

from talentdesk.services.office.database import check_location

from talentdesk.services.office import settings
from talentdesk.ui.office import settings as page_mod
from tests.ui.pages.conftest import wait_for_ops

pytestmark = pytest.mark.gui


def _page(qtbot, env):
    page = page_mod.Page(env)
    qtbot.addWidget(page)
    page.refresh()
    return page


def test_saves_office_settings(qtbot, env):
    page = _page(qtbot, env)
    assert not page.save_btn.isEnabled()
    page.fields["office_name"].setText("阿拉善左旗人才工作领导小组办公室")
    page.fields["doc_prefix"].setText("阿左人才字")
    page.fields["signatory_head"].setText("王主任")
    page.fields["extra_holidays"].setPlainText("2031-01-02\n2031-02-10")
    assert page.save_btn.isEnabled() and page.has_unsaved_changes()
    env.confirm_answer = False
    assert page.can_leave() is False
    page.save_btn.click()
    assert not env.errors, env.errors
    s = settings.get_settings(env.ctx)
    assert s.office_name == "阿拉善左旗人才工作领导小组办公室" and s.doc_prefix == "阿左人才字"
    assert s.signatory_head == "王主任"
    assert s.extra_holidays == [dt.date(2031, 1, 2), dt.date(2031, 2, 10)]
    assert not page.has_unsaved_changes() and page.can_leave()


def test_bad_date_is_refused_and_edits_kept(qtbot, env):
    page = _page(qtbot, env)
    page.fields["extra_workdays"].setPlainText("2031-13-40")
    page.save()
    assert env.errors and "补充调休上班日" in env.errors[-1]
    assert page.has_unsaved_changes()
    page.refresh()  # data_changed elsewhere does not wipe the edits
    assert page.fields["extra_workdays"].toPlainText() == "2031-13-40"


def test_database_location_and_connection_test(qtbot, env, tmp_path):
    page = _page(qtbot, env)
    assert page.current_db.text()
    page.db_target.setText(str(tmp_path / "nowhere" / "x.sqlite3"))
    page.test_btn.click()
    wait_for_ops(qtbot, env)
    assert page.db_result.text().startswith("✗") and "不存在" in page.db_result.text()
    target = tmp_path / "office.sqlite3"
    page.db_target.setText(str(target))
    page.test_btn.click()
    wait_for_ops(qtbot, env)
    assert page.db_result.text().startswith("✓")
    page.save()
    assert env.qsettings.value(page_mod.DB_KEY) == str(target)
    assert "下次启动" in env.infos[-1]


def test_connection_to_a_server(qtbot, env):
    url = env.ctx.db.url
    if env.ctx.db.is_sqlite:
        pytest.skip("server test on PostgreSQL only")
    assert "连接成功" in check_location(url)
    from talentdesk.domain.errors import TalentDeskError
    with pytest.raises(TalentDeskError):
        check_location("postgresql+psycopg://nobody:bad@127.0.0.1:1/none")


def test_security_buttons_open_the_security_dialogs(qtbot, env, monkeypatch):
    security = pytest.importorskip("talentdesk.ui.security")
    opened = []
    for name in ("open_users", "open_backups", "open_audit", "open_change_password"):
        monkeypatch.setattr(security, name, lambda env_, parent, name=name: opened.append(name))
    page = _page(qtbot, env)
    for b in (page.users_btn, page.backups_btn, page.audit_btn, page.password_btn):
        assert not b.isHidden()
        b.click()
    assert opened == ["open_users", "open_backups", "open_audit", "open_change_password"]


def test_full_id_on_approval_forms_is_an_office_setting_default_off(qtbot, env):
    page = _page(qtbot, env)
    box = page.fields["print_full_id"]
    assert not box.isChecked() and not page.save_btn.isEnabled()
    box.setChecked(True)
    assert page.save_btn.isEnabled()
    page.save_btn.click()
    assert not env.errors, env.errors
    assert settings.get_settings(env.ctx).print_full_id is True
    page.refresh()
    assert page.fields["print_full_id"].isChecked() and not page.has_unsaved_changes()


def test_every_mnemonic_reaches_its_field_and_none_is_shared(qtbot, main_window):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel, QScrollArea

    from tests.ui.layout_check import mnemonic_problems

    main_window.resize(1366, 768)
    assert main_window.show_page("settings")
    page = main_window.pages["settings"]
    menus = [a.text() for a in main_window.menuBar().actions()]
    assert mnemonic_problems(page, menus) == []
    backup = next(w for w in page.findChildren(QLabel) if w.text().startswith("备份文件夹"))
    assert backup.buddy() is page.fields["backup_dir"]
    # Alt+B (the label's key) puts the cursor into the backup folder box
    page.findChild(QScrollArea).ensureWidgetVisible(backup)
    page.fields["office_name"].setFocus()
    qtbot.keyClick(page.fields["office_name"], "b", Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: page.fields["backup_dir"].hasFocus())


def test_notes_take_the_height_of_their_text(qtbot, main_window):
    from PySide6.QtWidgets import QLabel

    main_window.resize(1024, 768)
    assert main_window.show_page("settings")
    page = main_window.pages["settings"]
    notes = [w for w in page.findChildren(QLabel) if w.wordWrap() and w.isVisible() and w.text()]
    assert len(notes) >= 4
    qtbot.waitUntil(lambda: all(n.width() > 200 for n in notes))
    for note in notes:  # no empty band above or below a one- or two-line note
        assert note.height() <= note.heightForWidth(note.width()) + 2, (note.text(), note.height())
