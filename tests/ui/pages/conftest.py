"""Fixtures for the page tests: a UiEnv on the test database with its dialogs recorded.

``env`` is the real ``talentdesk.ui.env.UiEnv`` when it imports, else a small stand-in
with the same contract (see ``talentdesk/ui/__init__.py``). Either way
``show_error``/``info``/``confirm``/``navigate``/``open_talent`` are replaced by
recorders: ``env.errors``, ``env.infos``, ``env.confirms`` (answered by
``env.confirm_answer``), ``env.navigations``. ``run_op`` runs the operation at once on
the calling thread, so a test sees its result right after the click.
"""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QObject, QSettings, Signal

from talentdesk.services.context import ServiceContext


class _Op(QObject):
    finished = Signal(object)
    failed = Signal(object)
    cancelled = Signal()


class StandInEnv(QObject):
    """The UiEnv contract, synchronous, for tests (used until/unless the real one imports)."""

    data_changed = Signal(str)

    def __init__(self, ctx, tmp_path):
        super().__init__()
        self.ctx = ctx
        self.qsettings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
        self._folder = str(tmp_path)

    def last_folder(self) -> str:
        return self._folder

    def remember_folder(self, path) -> None:
        self._folder = str(path)


def _install_recorders(env, monkeypatch):
    env.errors, env.infos, env.confirms, env.navigations, env.opened = [], [], [], [], []
    env.confirm_answer = True
    env.ops = []

    def show_error(exc, *a, **k):
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

    def run_op(title, fn, on_done=None, *, write=False, cancellable=True, **kw):
        op = _Op()
        env.ops.append(title)
        progress_calls = []

        def progress(done=0, total=0, text=""):
            progress_calls.append((done, total, text))

        try:
            result = fn(progress, lambda: False)
        except Exception as exc:  # noqa: BLE001 - mirrors the real env: expected errors become messages
            from talentdesk.domain.errors import TalentDeskError

            if isinstance(exc, TalentDeskError):
                show_error(exc)
                op.failed.emit(exc)
                return op
            raise
        if on_done is not None:
            on_done(result)
        op.finished.emit(result)
        return op

    for name, fn in (("show_error", show_error), ("info", info), ("confirm", confirm), ("navigate", navigate),
                     ("open_talent", open_talent), ("run_op", run_op)):
        monkeypatch.setattr(env, name, fn, raising=False)
    # Some code may call show_info; keep both spellings recorded.
    monkeypatch.setattr(env, "show_info", info, raising=False)


def _real_env(ctx, tmp_path):
    try:
        from talentdesk.ui.env import UiEnv
    except ImportError:
        return None
    return UiEnv(ctx, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), headless=True)


@pytest.fixture
def env(qtbot, ctx, tmp_path, monkeypatch):
    real = _real_env(ctx, tmp_path)
    e = real if real is not None else StandInEnv(ctx, tmp_path)
    _install_recorders(e, monkeypatch)
    if real is not None:
        # the real run_op (worker threads); record the Op so tests can wait for it
        original = type(real).run_op

        def run_op(title, fn, on_done=None, **kw):
            op = original(real, title, fn, on_done, **kw)
            e.ops.append(op)
            return op

        monkeypatch.setattr(e, "run_op", run_op)
    yield e
    if real is not None:
        real.runner.wait(30000)


def wait_for_ops(qtbot, env):
    """Wait until every operation started through env.run_op has finished or failed."""
    for op in list(env.ops):
        if isinstance(op, str):
            continue
        qtbot.waitUntil(lambda op=op: not op.running, timeout=60000)


@pytest.fixture
def reviewer_ctx(db):
    """A second user (a reviewer) on the same database, for four-eyes approvals."""
    return ServiceContext(db, user="审核员李", role="reviewer")


@pytest.fixture
def clerk_ctx(db):
    return ServiceContext(db, user="经办员王", role="clerk")


TODAY = dt.date.today()


def pytest_collection_modifyitems(config, items):
    """Showing a top-level widget on the offscreen platform warns about size hints."""
    here = str(__import__("pathlib").Path(__file__).parent)
    for item in items:
        if str(item.path).startswith(here):
            item.add_marker(pytest.mark.qt_log_ignore("propagateSizeHints"))


@pytest.fixture(scope="session")
def worker_id(request) -> str:
    """The page tests use their own PostgreSQL test database (talentdesk_test_<worker>_pages),
    so that other test runs on the same server (which drop and recreate theirs) do not
    pull the database away under them."""
    workerinput = getattr(request.config, "workerinput", None)
    return (workerinput["workerid"] if workerinput else "master") + "_pages"
