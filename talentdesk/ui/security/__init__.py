"""Security in the GUI: log-in at start, accounts, audit viewer, backup and restore.

- ``login.login(db, parent)``: called by ``talentdesk.ui.app`` at start (integrity check,
  first-admin offer or log-in dialog, daily backup).
- ``install_menu(window, env)``: called by the main window; adds to 系统 menu:
  修改密码, 用户管理 (admin), 审计记录 (reviewer/admin), 备份与恢复.
- Dialogs (``dialogs``, ``audit_viewer``) can be opened by the settings page:
  ``open_user_admin(env, parent)``, ``open_audit_viewer(env, parent)``,
  ``open_backups(env, parent)``, ``open_change_password(env, parent)``.
"""

from __future__ import annotations


def _parent(env, parent=None):
    if parent is not None:
        return parent
    return env.dialog_parent() if hasattr(env, "dialog_parent") else None


def open_change_password(env, parent=None):
    from talentdesk.ui.security.dialogs import ChangePasswordDialog

    if env.ctx.role is None:
        env.info("单机模式下没有用户账户。如需启用账户，请在 系统 → 用户管理 中创建管理员账户。")
        return None
    dlg = ChangePasswordDialog(env.ctx, _parent(env, parent))
    dlg.exec()
    return dlg


def open_user_admin(env, parent=None):
    """用户管理; in single-user mode it offers to create the first administrator."""
    from talentdesk.services.office import users
    from talentdesk.ui.security.dialogs import FirstAdminDialog, UserAdminDialog, show_recovery_code

    if env.ctx.role is None and not users.has_accounts(env.ctx.db):
        dlg = FirstAdminDialog(env.ctx.db, _parent(env, parent), allow_single=False)
        if dlg.exec() == dlg.DialogCode.Accepted and dlg.created is not None:
            show_recovery_code(_parent(env, parent), dlg.created.recovery_code)
            env.info("已创建管理员账户，用户账户已启用。请退出并重新启动程序，用新账户登录。")
        return dlg
    dlg = UserAdminDialog(env.ctx, _parent(env, parent))
    dlg.exec()
    return dlg


def open_audit_viewer(env, parent=None):
    from talentdesk.ui.security.audit_viewer import AuditViewer

    dlg = AuditViewer(env.ctx, _parent(env, parent))
    dlg.exec()
    return dlg


def open_backups(env, parent=None):
    from talentdesk.ui.security.dialogs import BackupDialog

    dlg = BackupDialog(env.ctx, _parent(env, parent))
    dlg.exec()
    return dlg


def ask_login(env, parent=None):
    """The log-in dialog on the open database (注销/切换用户): the new user's context, or
    None when the dialog was closed with 退出."""
    from talentdesk.ui.i18n import tr
    from talentdesk.ui.security.dialogs import LoginDialog

    dlg = LoginDialog(env.ctx.db, _parent(env, parent))
    dlg.setWindowTitle(tr("切换用户 — 人才服务台账"))
    if dlg.exec() and dlg.ctx is not None:
        return dlg.ctx
    return None


open_audit = open_audit_viewer  # the settings page looks for these names
open_users = open_user_admin


def install_menu(window, env) -> None:
    from talentdesk.services.office import permissions
    from talentdesk.ui.i18n import tr

    menu = window.m_system
    who = env.ctx.extra.get("display_name") or env.ctx.user
    if env.ctx.role is not None:
        label = menu.addAction(tr("当前用户：%s（%s）") % (who, tr(permissions.role_name(env.ctx.role))))
        label.setEnabled(False)
        act = menu.addAction(tr("修改密码…"))
        act.setObjectName("act_change_password")
        act.triggered.connect(lambda: open_change_password(env))
    if permissions.allowed(env.ctx, "users.manage"):
        act = menu.addAction(tr("用户管理…"))
        act.setObjectName("act_user_admin")
        act.triggered.connect(lambda: open_user_admin(env))
    if permissions.allowed(env.ctx, "audit.view"):
        act = menu.addAction(tr("审计记录…"))
        act.setObjectName("act_audit_viewer")
        act.triggered.connect(lambda: open_audit_viewer(env))
    act = menu.addAction(tr("备份与恢复…"))
    act.setObjectName("act_backups")
    act.triggered.connect(lambda: open_backups(env))
    if env.ctx.role is not None:
        act = menu.addAction(tr("注销/切换用户(&L)…"))
        act.setObjectName("act_switch_user")
        act.triggered.connect(lambda: window.switch_user())
    menu.addSeparator()
