"""报表打印 → 交换包…: a banner exports (office code the first time, then remembered), the
league imports after a rehearsal and a confirmation; declining imports nothing; progress on
env.run_op; the dialog fits 1366×768 (grabbed offscreen)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from talentdesk.models.db import open_database
from talentdesk.models.entities import Talent
from talentdesk.services.context import ServiceContext
from talentdesk.services.exchange import package
from talentdesk.ui.common import widgets
from talentdesk.ui.overview import exchange_package, reports as page_mod
from tests.ui.pages.conftest import wait_for_ops

pytestmark = pytest.mark.gui


@pytest.fixture
def banner_talents(ctx):
    from tests.services.exchange.outputs.seed import add_talent

    return [add_talent(ctx, name) for name in ("王交换", "李交换", "赵交换")]


def test_export_then_import_with_confirmation(qtbot, env, banner_talents, tmp_path, monkeypatch):
    page = page_mod.Page(env)
    qtbot.addWidget(page)
    opened = {}
    monkeypatch.setattr(exchange_package.widgets, "exec_dialog", lambda dlg: opened.setdefault("dlg", dlg) and False)
    page.exchange_btn.click()
    dlg = opened["dlg"]
    qtbot.addWidget(dlg)
    assert "尚未导出过交换包" in dlg.last.text()
    out = tmp_path / "banner.tdx.zip"
    monkeypatch.setattr(widgets, "ask_save_file", lambda *a: str(out))
    dlg.export_btn.click()
    wait_for_ops(qtbot, env)
    assert env.errors and "第一次导出交换包须填写本单位代码" in env.errors[-1]  # the service says why
    env.errors.clear()
    dlg.code.setText("152921")
    dlg.name.setText("阿拉善左旗人才办")
    dlg.export_btn.click()
    wait_for_ops(qtbot, env)
    assert not env.errors, env.errors
    assert out.exists() and "共 7 条" in env.infos[-1] and "SHA-256" in env.infos[-1]  # 1 employer, 3 talents, 3 agreements
    assert "上次导出" in dlg.last.text() and "导出" in dlg.log.text()

    # the league: another database, a reviewer
    league_db = open_database(tmp_path / "league.sqlite3")
    try:
        env.ctx = ServiceContext(league_db, user="盟审核人", role="reviewer")
        dlg.reload()
        monkeypatch.setattr(widgets, "ask_open_file", lambda *a: str(out))
        env.confirm_answer = False
        dlg.import_btn.click()
        wait_for_ops(qtbot, env)
        assert not env.errors, env.errors
        assert "阿拉善左旗人才办（152921）" in env.confirms[-1] and "新增7条" in env.confirms[-1]
        with league_db.read() as s:
            assert s.execute(select(func.count(Talent.id))).scalar() == 0  # declined: nothing imported
        env.confirm_answer = True
        dlg.import_btn.click()
        wait_for_ops(qtbot, env)  # the rehearsal, whose end starts the import
        wait_for_ops(qtbot, env)
        assert not env.errors, env.errors
        assert "已导入：新增7条" in env.infos[-1]
        with league_db.read() as s:
            assert s.execute(select(func.count(Talent.id))).scalar() == 3
        assert "导入  阿拉善左旗人才办（152921）" in dlg.log.text()
        dlg.import_btn.click()  # the same package again: nothing to import, nothing asked
        wait_for_ops(qtbot, env)
        assert "已导入过" in env.infos[-1]
        # the dialog fits a 1366×768 laptop, grabbed offscreen
        dlg.resize(760, 600)
        dlg.show()
        qtbot.waitExposed(dlg)
        assert dlg.sizeHint().height() <= 728 and dlg.sizeHint().width() <= 1366
        dlg.grab().save(str(tmp_path / "exchange.png"))
    finally:
        env.ctx.db.dispose()


def test_clerk_cannot_import(qtbot, env, ctx):
    env.ctx = ServiceContext(ctx.db, user="经办", role="clerk")
    dlg = exchange_package.ExchangeDialog(env)
    qtbot.addWidget(dlg)
    assert not dlg.import_btn.isEnabled() and dlg.export_btn.isEnabled()
    assert package.history(env.ctx) == []
