"""The one dialog for unexpected errors (bugs): a short apology, the details, a copy
button and the log file's location. Expected problems never come here."""

from __future__ import annotations

import logging
import sys
import traceback

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton,
                               QVBoxLayout)

from talentdesk.ui.i18n import tr

LOG_NAME = "talentdesk.log"


def log_file():
    from talentdesk import paths

    return paths.log_dir() / LOG_NAME


def setup_logging(level: int = logging.INFO) -> None:
    """Log to a rotating file in the log folder (a windowed build has no stderr): owner-only,
    ID and phone numbers masked in every record and traceback (``talentdesk.logscrub``)."""
    from talentdesk import logscrub

    root = logging.getLogger("talentdesk")
    if any(getattr(h, "_talentdesk", False) for h in root.handlers):
        return
    handler = logscrub.PrivateRotatingFileHandler(log_file(), maxBytes=2_000_000, backupCount=3,
                                                  encoding="utf-8")
    logscrub.install(handler)
    handler._talentdesk = True
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)


class ErrorDialog(QDialog):
    def __init__(self, exc: BaseException, details: str, parent=None):
        from talentdesk.logscrub import scrub

        super().__init__(parent)
        details = scrub(details)  # copied and sent to support: no ID or phone numbers
        self.setWindowTitle(tr("程序出错"))
        self.details = details
        lay = QVBoxLayout(self)
        head = QLabel(tr("很抱歉，程序遇到了意外错误，刚才的操作可能没有完成。\n"
                         "已保存的数据不受影响。请把下面的详细信息复制后发给技术支持人员。"))
        head.setWordWrap(True)
        lay.addWidget(head)
        summary = QLabel(scrub(f"{type(exc).__name__}: {exc}"))
        summary.setWordWrap(True)
        summary.setStyleSheet("font-weight: bold;")
        lay.addWidget(summary)
        self.text = QPlainTextEdit(details)
        self.text.setReadOnly(True)
        self.text.setMinimumSize(560, 220)
        lay.addWidget(self.text)
        self.log_label = QLabel(tr("日志文件：") + str(log_file()))
        self.log_label.setTextInteractionFlags(self.log_label.textInteractionFlags()
                                               | self.log_label.textInteractionFlags().TextSelectableByMouse)
        lay.addWidget(self.log_label)
        row = QHBoxLayout()
        self.copy_button = QPushButton(tr("复制详细信息"))
        self.copy_button.clicked.connect(self.copy_details)
        row.addWidget(self.copy_button)
        open_logs = QPushButton(tr("打开日志文件夹"))
        open_logs.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_file().parent))))
        row.addWidget(open_logs)
        row.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("关闭"))
        buttons.rejected.connect(self.reject)
        row.addWidget(buttons)
        lay.addLayout(row)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details)


def install_excepthook(env) -> None:
    """Uncaught exceptions in slots go to the error dialog instead of stderr only."""
    previous = sys.excepthook

    def hook(exc_type, exc, tb):
        if issubclass(exc_type, KeyboardInterrupt):
            return previous(exc_type, exc, tb)
        env.show_error(exc, "".join(traceback.format_exception(exc_type, exc, tb)))

    sys.excepthook = hook
