"""Start-up: integrity check, first-admin offer or log-in, daily backup.

``login(db, parent) -> ServiceContext | None`` is what ``talentdesk.ui.app`` calls after
opening the database; None means the user chose to quit.

1. ``integrity.check(db)``: a damaged SQLite file gets a clear message and the offer to
   restore the last good backup (the damaged file is kept).
2. No accounts yet: ask for the first administrator (its recovery code is shown once);
   working without accounts needs the explicit choice 单机单人使用，不设账户, which is
   recorded (audit event, setting) so later starts go straight to single-user mode;
   closing the dialog quits. Accounts exist: the log-in dialog, until a log-in succeeds
   or the user quits.
3. ``backup.auto_daily(ctx)``: the first start of the day makes a verified backup; a
   failure (USB stick missing) is shown as a warning, a server database gets a one-line
   note that backups are the server's job. The result is in ``ctx.extra["auto_backup"]``.
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from talentdesk.services.office import backup, integrity, users
from talentdesk.services.context import ServiceContext
from talentdesk.ui.i18n import tr

log = logging.getLogger("talentdesk.ui")


def check_at_start(db, parent: QWidget | None = None) -> bool:
    """Integrity check; on damage explain and offer the last good backup. False: quit."""
    result = integrity.check(db)
    if result.ok:
        return True
    log.error("integrity check failed: %s", "; ".join(result.problems))
    details = "\n".join(result.problems[:5])
    if not result.can_restore:
        QMessageBox.critical(parent, tr("数据库已损坏"), tr(result.message) + "\n\n" + details)
        return False
    answer = QMessageBox.question(parent, tr("数据库已损坏"),
                                  tr(result.message) + "\n\n" + details + "\n\n" + tr("现在恢复吗？"))
    if answer != QMessageBox.StandardButton.Yes:
        return False
    db.dispose()
    kept = integrity.restore_last_good(result.path, result.last_good.path)
    db.dispose()
    QMessageBox.information(parent, tr("已恢复"), tr("已恢复到 %s 的备份。损坏的文件保存在：\n%s")
                            % (f"{result.last_good.created:%Y-%m-%d %H:%M}", str(kept)))
    return True


def _first_admin_or_single(db, parent) -> ServiceContext | None:
    from talentdesk.ui.security.dialogs import FirstAdminDialog, show_recovery_code

    if users.single_user_chosen(db):
        return ServiceContext(db)
    dlg = FirstAdminDialog(db, parent)
    if dlg.exec() == QDialog.DialogCode.Accepted and dlg.ctx is not None:
        if dlg.created is not None:
            show_recovery_code(parent, dlg.created.recovery_code)
        return dlg.ctx
    return None  # closed without a choice: quit


def _login(db, parent) -> ServiceContext | None:
    from talentdesk.ui.security.dialogs import LoginDialog

    dlg = LoginDialog(db, parent)
    if dlg.exec() == QDialog.DialogCode.Accepted and dlg.ctx is not None:
        return dlg.ctx
    return None


def daily_backup(ctx: ServiceContext, parent: QWidget | None = None) -> backup.AutoResult:
    result = backup.auto_daily(ctx)
    ctx.extra["auto_backup"] = result
    if result.warning:
        log.warning("daily backup: %s", result.message)
        QMessageBox.warning(parent, tr("自动备份失败"), tr(result.message))
    elif result.kind == "server":
        _server_notice_once(result.message, parent)
    return result


def _server_notice_once(message: str, parent) -> None:
    """On a PostgreSQL database: say once per PC that backups are the server's job."""
    from talentdesk.ui.env import open_qsettings

    qs = open_qsettings()
    if qs.value("security/server_backup_notice", False, type=bool):
        return
    QMessageBox.information(parent, tr("关于备份"), tr(message))
    qs.setValue("security/server_backup_notice", True)
    qs.sync()


def login(db, parent: QWidget | None = None) -> ServiceContext | None:
    if not check_at_start(db, parent):
        return None
    if users.has_accounts(db):
        ctx = _login(db, parent)
        if ctx is None:
            return None
    else:
        ctx = _first_admin_or_single(db, parent)
        if ctx is None:
            return None
    daily_backup(ctx, parent)
    return ctx
