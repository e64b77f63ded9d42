"""The 待遇审批 dialog on a laptop screen, and roster facts filled in from it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from talentdesk.services.register import talents
from talentdesk.ui.benefits.grant_dialog import GrantDialog
from tests.ui.pages.seeding import talent

pytestmark = pytest.mark.gui
ROOT = Path(__file__).resolve().parents[3]

_PROBE = r"""
import os, sys, tempfile
sys.path[:0] = [sys.argv[1], os.path.join(sys.argv[1], "tests")]
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
app = QApplication([])
from factories import talent_row
from talentdesk.models.db import open_database
from talentdesk.services.register import talents
from talentdesk.services.context import ServiceContext
from talentdesk.ui.env import UiEnv
from talentdesk.ui.benefits.grant_dialog import GrantDialog
home = tempfile.mkdtemp()
os.environ["TALENTDESK_HOME"] = home
ctx = ServiceContext(open_database(os.path.join(home, "t.sqlite3")))
row = talent_row(学历="硕士研究生", 学位="硕士")
del row["合同期限（年）"], row["院校类别"]
t = talents.add(ctx, row)
env = UiEnv(ctx, QSettings(os.path.join(home, "ui.ini"), QSettings.Format.IniFormat), headless=True)
dlg = GrantDialog(env, t.id_number)
dlg.show()
app.processEvents()
free = app.primaryScreen().availableGeometry()
close = dlg.buttons
bottom = close.mapTo(dlg, close.rect().bottomRight())
print(free.width(), free.height(), dlg.width(), dlg.height(), bottom.x(), bottom.y(), dlg.roster_box.isVisible())
"""


@pytest.mark.parametrize("width,height", [(1366, 768), (1024, 768)])
def test_dialog_and_its_buttons_fit_the_screen(tmp_path, width, height):
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [{"name": "s", "x": 0, "y": 0, "width": width, "height": height,
                                               "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    probe = tmp_path / "probe.py"
    probe.write_text(_PROBE, encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}")
    out = subprocess.run([sys.executable, str(probe), str(ROOT)], capture_output=True, text=True, env=env,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    free_w, free_h, w, h, right, bottom, roster_shown = out.stdout.split()[-7:]
    assert (int(free_w), int(free_h)) == (width, height)
    assert int(w) <= width and int(h) < height  # room left for the window frame and the taskbar
    assert int(right) <= int(w) and int(bottom) <= int(h)  # 关闭 is inside the dialog
    assert roster_shown == "True"  # with the missing roster facts shown too


def test_missing_roster_facts_are_filled_in_the_dialog(qtbot, env, clerk_ctx):
    env.ctx = clerk_ctx
    t = talent(clerk_ctx, 姓名="张伟", 学历="硕士研究生", 学位="硕士", **{"合同期限（年）": "", "院校类别": ""})
    dlg = GrantDialog(env, t.id_number)
    qtbot.addWidget(dlg)
    rows = dlg.benefit_rows()
    assert dlg.benefits.item(rows["settlement_allowance"], 2).text().startswith("待定")
    assert set(dlg.roster_editors) >= {"合同期限（年）", "院校类别"}
    dlg.set_roster_field("合同期限（年）", "5")
    dlg.set_roster_field("院校类别", "双一流")
    assert dlg.save_roster_fields()
    assert not env.errors, env.errors
    stored = talents.get(clerk_ctx, t.id_number).record
    assert float(stored["contract_years"]) == 5 and stored["university_tier"] == "双一流"
    assert dlg.benefits.item(dlg.benefit_rows()["settlement_allowance"], 2).text() == "符合"
    assert not dlg.roster_box.isVisible() or "合同期限（年）" not in dlg.roster_editors
