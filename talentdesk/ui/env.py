"""UiEnv: what every page gets (the service context, settings, background operations,
messages, navigation). See the package docstring of ``talentdesk.ui`` for the contract.
"""

from __future__ import annotations

import logging
import os
import threading
import traceback
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QSettings, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QWidget

from talentdesk.domain.errors import TalentDeskError
from talentdesk.services.context import ServiceContext
from talentdesk.ui.i18n import tr

log = logging.getLogger("talentdesk.ui")

PROGRESS_DELAY_MS = 500

Progress = Callable[[int, int, str], None]


class Cancelled(Exception):
    """Raised by an operation's ``fn`` (or by ``check()``) when the user cancelled."""


def _is_cancellation(exc: BaseException) -> bool:
    return isinstance(exc, Cancelled) or type(exc).__name__ in ("Cancelled", "ImportCancelled",
                                                                 "OperationCancelled")


def open_qsettings() -> QSettings:
    """The per-user UI settings: an ini file in the platform config folder."""
    from talentdesk import paths

    return QSettings(str(paths.config_dir() / "talentdesk-ui.ini"), QSettings.Format.IniFormat)


# -- background operations ----------------------------------------------------------------

class _Job(QRunnable):
    def __init__(self, op: "Op", fn: Callable[[Progress, Callable[[], bool]], Any]):
        super().__init__()
        self.setAutoDelete(True)
        self._op = op
        self._fn = fn

    def run(self) -> None:  # worker thread
        op = self._op
        try:
            result = self._fn(op._report, op.is_cancelled)
        except BaseException as exc:  # noqa: BLE001 - routed to the GUI thread
            op._failed_in_worker.emit((exc, traceback.format_exc()))
        else:
            op._done_in_worker.emit(result)


class Op(QObject):
    """One running background operation. Lives in the GUI thread; its signals are
    emitted from the worker and delivered (queued) to the slots here."""

    progress = Signal(int, int, str)
    finished = Signal(object)  # after on_done(result) ran
    failed = Signal(object)  # the exception, after it was shown
    cancelled = Signal()

    _done_in_worker = Signal(object)
    _failed_in_worker = Signal(object)

    def __init__(self, env: "UiEnv", title: str, on_done: Callable[[Any], None] | None, *,
                 cancellable: bool, on_error: Callable[[BaseException], bool | None] | None = None):
        super().__init__(env)
        self.env = env
        self.title = title
        self.on_done = on_done
        self.on_error = on_error
        self.cancellable = cancellable
        self.running = True
        self.result: Any = None
        self.error: BaseException | None = None
        self._cancel = threading.Event()
        self._dialog: QProgressDialog | None = None
        self._last = (0, 0, "")
        self._done_in_worker.connect(self._on_done)
        self._failed_in_worker.connect(self._on_failed)
        self.progress.connect(self._on_progress)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._show_dialog)

    # worker side
    def _report(self, done: int, total: int, text: str = "") -> None:
        self.progress.emit(int(done), int(total), str(text or ""))

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise ``Cancelled`` if the user cancelled (for use inside ``fn``)."""
        if self._cancel.is_set():
            raise Cancelled()

    # GUI side
    def cancel(self) -> None:
        self._cancel.set()
        if self._dialog is not None:
            self._dialog.setLabelText(tr("正在取消……"))

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, text: str) -> None:
        self._last = (done, total, text)
        if self._dialog is not None:
            self._apply_progress()

    def _apply_progress(self) -> None:
        done, total, text = self._last
        dlg = self._dialog
        if total > 0:
            dlg.setRange(0, total)
            dlg.setValue(min(done, total))
        else:
            dlg.setRange(0, 0)
        label = self.title + ("\n" + text if text else "")
        if self._cancel.is_set():
            label = tr("正在取消……")
        dlg.setLabelText(label)

    def _show_dialog(self) -> None:
        if not self.running or self.env.headless:
            return
        parent = self.env.dialog_parent()
        dlg = QProgressDialog(self.title, tr("取消") if self.cancellable else "", 0, 0, parent)
        dlg.setWindowTitle(tr("请稍候"))
        dlg.setWindowModality(Qt.WindowModality.WindowModal)
        dlg.setMinimumDuration(0)
        dlg.setAutoClose(False)
        dlg.setAutoReset(False)
        dlg.setMinimumWidth(420)
        if not self.cancellable:
            dlg.setCancelButton(None)
        dlg.canceled.connect(self.cancel)
        self._dialog = dlg
        self._apply_progress()
        dlg.show()

    def _close_dialog(self) -> None:
        self.running = False
        self._timer.stop()
        if self._dialog is not None:
            self._dialog.canceled.disconnect(self.cancel)
            self._dialog.close()
            self._dialog.deleteLater()
            self._dialog = None
        self.env._ops.discard(self)

    @Slot(object)
    def _on_done(self, result: Any) -> None:
        self._close_dialog()
        self.result = result
        try:
            if self.on_done is not None:
                self.on_done(result)
        except Exception as exc:  # a bug in the completion handler
            self.error = exc
            self.env.show_error(exc, traceback.format_exc())
            self.failed.emit(exc)
            return
        self.finished.emit(result)

    @Slot(object)
    def _on_failed(self, payload: tuple[BaseException, str]) -> None:
        self._close_dialog()
        exc, details = payload
        self.error = exc
        if self._cancel.is_set() and _is_cancellation(exc):
            self.cancelled.emit()
            return
        handled = False
        if self.on_error is not None:
            try:
                handled = bool(self.on_error(exc))
            except Exception as inner:  # pragma: no cover - a bug in the handler
                self.env.show_error(inner, traceback.format_exc())
                handled = True
        if not handled:
            self.env.show_error(exc, details)
        self.failed.emit(exc)


class OpRunner(QObject):
    """Two pools: reads in parallel (2 threads), database writes on one thread."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.read_pool = QThreadPool(self)
        self.read_pool.setMaxThreadCount(2)
        self.write_pool = QThreadPool(self)
        self.write_pool.setMaxThreadCount(1)

    def start(self, op: Op, fn, *, write: bool) -> None:
        (self.write_pool if write else self.read_pool).start(_Job(op, fn))

    def wait(self, msecs: int = 30000) -> bool:
        """Wait for every queued job (used when closing the window and in tests)."""
        a = self.read_pool.waitForDone(msecs)
        b = self.write_pool.waitForDone(msecs)
        return a and b


# -- the environment ---------------------------------------------------------------------

class UiEnv(QObject):
    """What pages use: ``ctx``, ``qsettings``, ``runner``, messages and navigation."""

    data_changed = Signal(str)
    navigate_requested = Signal(str, dict)  # the main window switches pages
    open_talent_requested = Signal(str)
    status_message = Signal(str)

    def __init__(self, ctx: ServiceContext, qsettings: QSettings | None = None,
                 parent: QObject | None = None, *, headless: bool | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.qsettings = qsettings if qsettings is not None else open_qsettings()
        self.runner = OpRunner(self)
        self.main_window: QWidget | None = None
        # headless: no modal windows (CI smoke runs); messages go to the log only.
        self.headless = (os.environ.get("TALENTDESK_NO_ERR_WINDOWS") == "1") if headless is None else headless
        self._ops: set[Op] = set()

    # background operations
    def run_op(self, title: str, fn: Callable[[Progress, Callable[[], bool]], Any],
               on_done: Callable[[Any], None] | None = None, *, write: bool = False,
               cancellable: bool = True, on_error: Callable[[BaseException], bool | None] | None = None,
               delay_ms: int = PROGRESS_DELAY_MS, dialog: bool = True) -> Op:
        """Run ``fn(progress, cancelled)`` off the GUI thread; see the package docstring.

        ``on_error(exc)`` may handle a failure itself and return True to skip the
        standard message. ``dialog=False``: no progress dialog (the caller shows
        ``op.progress`` itself, e.g. the import wizard's progress bar).
        """
        op = Op(self, title, on_done, cancellable=cancellable, on_error=on_error)
        self._ops.add(op)
        if dialog:
            op._timer.start(max(0, delay_ms))
        self.runner.start(op, fn, write=write)
        return op

    def busy(self) -> bool:
        return bool(self._ops)

    # messages
    def dialog_parent(self) -> QWidget | None:
        return QApplication.activeModalWidget() or self.main_window

    def show_error(self, exc: BaseException, details: str | None = None) -> None:
        """Expected problems: a plain message. Bugs: the error dialog + the log file."""
        if isinstance(exc, TalentDeskError):
            log.info("expected error: %s", exc.message)
            if self.headless:
                return
            QMessageBox.warning(self.dialog_parent(), tr("提示"), exc.message)
            return
        details = details or "".join(traceback.format_exception(exc))
        log.error("unexpected error:\n%s", details)
        if self.headless:
            return
        from talentdesk.ui.errors import ErrorDialog

        ErrorDialog(exc, details, self.dialog_parent()).exec()

    def info(self, text: str) -> None:
        log.info("info: %s", text)
        if self.headless:
            return
        QMessageBox.information(self.dialog_parent(), tr("提示"), text)

    def confirm(self, text: str) -> bool:
        """Ask before anything destructive; the safe answer (No) is the default."""
        if self.headless:
            return False
        box = QMessageBox(QMessageBox.Icon.Question, tr("请确认"), text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self.dialog_parent())
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.button(QMessageBox.StandardButton.Yes).setText(tr("确定"))
        box.button(QMessageBox.StandardButton.No).setText(tr("取消"))
        return box.exec() == QMessageBox.StandardButton.Yes

    def notify(self, text: str) -> None:
        """A short, non-blocking note in the status bar."""
        self.status_message.emit(text)

    # navigation
    def navigate(self, page_key: str, **filters: Any) -> None:
        self.navigate_requested.emit(page_key, dict(filters))

    def open_talent(self, id_number: str) -> None:
        self.open_talent_requested.emit(id_number)

    # folders for file dialogs
    def last_folder(self) -> str:
        value = self.qsettings.value("paths/last_folder", "")
        if value and Path(str(value)).is_dir():
            return str(value)
        return str(Path.home())

    def remember_folder(self, path: str | os.PathLike) -> None:
        p = Path(path)
        folder = p if p.is_dir() else p.parent
        self.qsettings.setValue("paths/last_folder", str(folder))
