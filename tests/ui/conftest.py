"""Fixtures for GUI tests (also used by tests/ui/pages and tests/ui/security).

- ``ui_env``: a ``UiEnv`` over the ``ctx`` fixture (SQLite and PostgreSQL), its QSettings
  in the temp home, and ``show_error`` / ``info`` / ``confirm`` replaced by recorders:
  ``ui_env.errors`` (exceptions), ``ui_env.infos`` (texts), ``ui_env.confirms`` (texts);
  set ``ui_env.confirm_answer`` (default True) to choose the answer.
- ``main_window``: the real ``MainWindow`` over ``ui_env``, shown.
- ``wait_ops()``: wait until every background operation of ``ui_env`` has finished.
"""

from __future__ import annotations

import pytest


@pytest.fixture
def ui_env(qapp, ctx, monkeypatch):
    from talentdesk.ui.env import UiEnv, open_qsettings

    env = UiEnv(ctx, open_qsettings(), headless=False)
    env.errors = []
    env.infos = []
    env.confirms = []
    env.confirm_answer = True

    def show_error(exc, details=None):
        env.errors.append(exc)

    def info(text):
        env.infos.append(text)

    def confirm(text):
        env.confirms.append(text)
        return env.confirm_answer

    monkeypatch.setattr(env, "show_error", show_error)
    monkeypatch.setattr(env, "info", info)
    monkeypatch.setattr(env, "confirm", confirm)
    yield env
    env.runner.wait()


@pytest.fixture
def main_window(qtbot, ui_env):
    from talentdesk.ui.main_window import MainWindow

    win = MainWindow(ui_env)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    ui_env.runner.wait()


@pytest.fixture
def wait_ops(qtbot, ui_env):
    """``wait_ops()`` processes events until ``ui_env`` has no operation running."""

    def wait(timeout: int = 20000) -> None:
        qtbot.waitUntil(lambda: not ui_env.busy(), timeout=timeout)

    return wait


def pytest_collection_modifyitems(config, items):
    """The offscreen platform warns about size hints when a top-level window is shown."""
    here = str(__import__("pathlib").Path(__file__).parent)
    for item in items:
        if str(item.path).startswith(here):
            item.add_marker(pytest.mark.qt_log_ignore("propagateSizeHints"))
