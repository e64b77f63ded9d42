"""Fixtures for the page tests: a UiEnv on the test database with its dialogs recorded.

``env`` is the real ``talentdesk.ui.env.UiEnv`` (contract in ``talentdesk/ui/__init__.py``);
``show_error``/``info``/``confirm``/``navigate``/``open_talent`` are replaced by
recorders: ``env.errors``, ``env.infos``, ``env.confirms`` (answered by
``env.confirm_answer``), ``env.navigations``. ``run_op`` is the real one (worker threads);
each Op it starts is kept in ``env.ops`` so ``wait_for_ops(qtbot, env)`` can wait for it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QSettings

from talentdesk.services.context import ServiceContext


def _install_recorders(env, monkeypatch):
    env.errors, env.infos, env.confirms, env.navigations, env.opened = [], [], [], [], []
    env.confirm_answer = True
    env.ops = []

    def show_error(exc, *a, **k):
        # the real one formats the exception (a str there ended in 程序出错): refuse it here too
        if not isinstance(exc, BaseException):
            raise TypeError(f"show_error takes an exception, not {type(exc).__name__}")
        env.errors.append(getattr(exc, "message", None) or str(exc))

    def info(text, *a, **k):
        env.infos.append(str(text))

    def confirm(text, *a, **k):
        env.confirms.append(str(text))
        return env.confirm_answer

    def navigate(key, **filters):
        env.navigations.append((key, filters))

    def open_talent(id_number):
        env.opened.append(id_number)

    for name, fn in (("show_error", show_error), ("info", info), ("confirm", confirm), ("navigate", navigate),
                     ("open_talent", open_talent)):
        monkeypatch.setattr(env, name, fn, raising=False)
    # Some code may call show_info; keep both spellings recorded.
    monkeypatch.setattr(env, "show_info", info, raising=False)


@pytest.fixture
def env(qtbot, ctx, tmp_path, monkeypatch):
    from talentdesk.ui.env import UiEnv

    e = UiEnv(ctx, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), headless=True)
    _install_recorders(e, monkeypatch)
    # the real run_op (worker threads); record the Op so tests can wait for it
    original = type(e).run_op

    def run_op(title, fn, on_done=None, **kw):
        op = original(e, title, fn, on_done, **kw)
        e.ops.append(op)
        return op

    monkeypatch.setattr(e, "run_op", run_op)
    yield e
    e.runner.wait(30000)


def wait_for_ops(qtbot, env):
    """Wait until every operation started through env.run_op has finished or failed,
    including those a finished operation's handler starts (a save that recomputes)."""
    while True:
        running = [op for op in list(env.ops) if not isinstance(op, str) and op.running]
        if not running:
            return
        for op in running:
            qtbot.waitUntil(lambda op=op: not op.running, timeout=60000)


@pytest.fixture
def reviewer_ctx(db):
    """A second user (a reviewer) on the same database, for four-eyes approvals."""
    return ServiceContext(db, user="审核员李", role="reviewer")


@pytest.fixture
def clerk_ctx(db):
    return ServiceContext(db, user="经办员王", role="clerk")


TODAY = dt.date.today()


@pytest.fixture
def paid_talent(env, clerk_ctx, reviewer_ctx):
    """张伟 with an approved 安家补贴 (approved on the first of the month ~200 days ago) and
    its first installment paid; the page works as the clerk. (talent, grant, approved_on)"""
    from tests.ui.pages.seeding import first_installment_paid

    env.ctx = clerk_ctx
    approved_on = (TODAY - dt.timedelta(days=200)).replace(day=1)
    t, g = first_installment_paid(clerk_ctx, reviewer_ctx, approved_on=approved_on, 姓名="张伟")
    return t, g, approved_on


def pytest_collection_modifyitems(config, items):
    """Showing a top-level widget on the offscreen platform warns about size hints."""
    here = str(__import__("pathlib").Path(__file__).parent)
    for item in items:
        if str(item.path).startswith(here):
            item.add_marker(pytest.mark.qt_log_ignore("propagateSizeHints"))
