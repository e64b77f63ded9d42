"""The user manual names what the program shows: menus and their items, page → button /
tab / box paths, and command lines that the real CLI accepts, under the names a pip
install and the Windows build give the programs."""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QTabWidget

from talentdesk.services.office import users

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[2]
MANUAL = (ROOT / "docs" / "manual" / "用户手册.md").read_text(encoding="utf-8")
MENUS = ("文件", "人才", "转到", "系统", "帮助")


def _norm(text: str) -> str:
    """A label as the manual writes it: no accelerator, no …, no （note）, no ：value."""
    text = re.sub(r"\(&\w\)|&", "", text)
    text = re.sub(r"（[^）]*）", "", text)
    return text.split("：")[0].replace("…", "").strip()


@pytest.fixture
def window(qtbot, sqlite_db, tmp_path):
    """The main window as an administrator sees it (every menu item there is)."""
    from talentdesk.ui.env import UiEnv
    from talentdesk.ui.main_window import MainWindow

    users.create_first_admin(sqlite_db, "admin", "Admin-pass-1", "管理员甲")
    admin = users.authenticate(sqlite_db, "admin", "Admin-pass-1")
    env = UiEnv(admin, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), headless=True)
    w = MainWindow(env)
    qtbot.addWidget(w)
    yield w
    env.runner.wait()


def _menus(window) -> dict[str, set[str]]:
    out = {}
    for action in window.menuBar().actions():
        menu = action.menu()
        if menu is not None:
            out[_norm(action.text())] = {_norm(a.text()) for a in menu.actions() if a.text()}
    return out


def _page_texts(window, title: str) -> set[str]:
    from talentdesk.ui.main_window import PAGES

    key = next(p.key for p in PAGES if p.title == title)
    assert window.show_page(key)
    page = window.page(key)
    texts = {_norm(b.text()) for b in page.findChildren(QAbstractButton)}
    texts |= {_norm(g.title()) for g in page.findChildren(QGroupBox)}
    texts |= {_norm(lab.text()) for lab in page.findChildren(QLabel)}
    for tabs in page.findChildren(QTabWidget):
        texts |= {_norm(tabs.tabText(i)) for i in range(tabs.count())}
    return texts


def test_the_menu_table_lists_the_programs_menus(window):
    menus = _menus(window)
    assert set(MENUS) <= set(menus)
    rows = dict(re.findall(r"^\| (文件|人才|转到|系统|帮助) \| (.+) \|$", MANUAL, re.M))
    assert set(rows) == set(MENUS)
    for menu, cell in rows.items():
        written = {_norm(item) for item in re.sub(r"（[^）]*）", "", cell).split("、")}
        assert written == menus[menu], (menu, written ^ menus[menu])


def test_menu_and_page_paths_in_the_manual_exist(window):
    from talentdesk.ui.main_window import PAGES

    menus = _menus(window)
    pages = {p.title for p in PAGES}
    paths = re.findall(r"(文件|人才|转到|系统|帮助|" + "|".join(pages) + r")\s*→\s*“?([^”」，。；、）\s*]+)", MANUAL)
    assert len(paths) >= 15
    for where, item in paths:
        item = _norm(item)
        if where in MENUS:
            assert item in menus[where], f"{where} → {item}: not in the menu {sorted(menus[where])}"
        else:
            assert item in _page_texts(window, where), f"{where} → {item}: not on the page"
    assert "注销/切换用户" in menus["系统"]  # how the second person logs in


def test_command_lines_in_the_manual_are_the_programs_commands():
    from talentdesk.cli import build_parser

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pip_names = set(project["scripts"]) | set(project["gui-scripts"])
    for name in pip_names:  # a pip install's program names are the ones the manual gives
        assert f"`{name}" in MANUAL, name
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    lines = re.findall(r"(?:^|`)(talentdesk(?:-cli)? [^`\n]+)", MANUAL, re.M)
    assert len(lines) >= 4
    for line in lines:
        words = shlex.split(line)[1:]
        while words and words[0].startswith("--"):
            option = words.pop(0)
            if option in ("--db", "--user") and words:
                words.pop(0)
        assert not words or words[0] in commands, line
