"""Account dialogs: first administrator, log-in, change password, user administration,
backup and restore. Qt only; every action goes through talentdesk.services."""

from __future__ import annotations

from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QFileDialog,
                               QFormLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMessageBox,
                               QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from talentdesk.domain.errors import TalentDeskError
from talentdesk.domain.status import ROLES
from talentdesk.services.office import backup, users
from talentdesk.services.context import ServiceContext
from talentdesk.ui.i18n import tr


def _password_edit(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setObjectName(name)
    return edit


def _error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("error")
    label.setStyleSheet("color: #b00020;")
    label.setWordWrap(True)
    return label


class FirstAdminDialog(QDialog):
    """Asked at the first start while the database has no accounts: create the first
    administrator, or choose explicitly 单机单人使用，不设账户 (recorded: an audit event, and
    later starts do not ask again). Closing the dialog decides nothing: the program quits.
    ``allow_single=False`` (from 用户管理 in single-user mode) offers only the creation."""

    SINGLE_USER = "单机单人使用，不设账户"

    def __init__(self, db, parent: QWidget | None = None, *, allow_single: bool = True):
        super().__init__(parent)
        self.db = db
        self.created: users.UserInfo | None = None
        self.ctx: ServiceContext | None = None  # the new admin logged in, or the single-user context
        self.single_user = False
        self.setWindowTitle(tr("首次使用：创建管理员账户"))
        intro = QLabel(tr("此数据库还没有用户账户。请创建第一个管理员账户：之后每个人用自己的账户登录，"
                          "审批实行双人复核，所有操作记录到操作人名下。\n"
                          "只有一个人使用本程序时，也可以选择“单机单人使用，不设账户”：不需要登录，"
                          "不区分经办人和审核人，没有双人复核；这一选择会记入审计记录。"))
        intro.setWordWrap(True)
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.display_name = QLineEdit()
        self.display_name.setObjectName("display_name")
        self.password = _password_edit("password")
        self.password2 = _password_edit("password2")
        form = QFormLayout()
        form.addRow(tr("用户名"), self.username)
        form.addRow(tr("姓名"), self.display_name)
        form.addRow(tr("密码（至少 8 位）"), self.password)
        form.addRow(tr("再输入一次"), self.password2)
        self.error = _error_label()
        buttons = QDialogButtonBox()
        self.create_button = buttons.addButton(tr("创建管理员"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.create_button.setObjectName("create")
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(self.create)
        self.skip_button = buttons.addButton(tr(self.SINGLE_USER), QDialogButtonBox.ButtonRole.ActionRole)
        self.skip_button.setObjectName("skip")
        self.skip_button.clicked.connect(self.choose_single_user)
        self.skip_button.setVisible(allow_single)
        quit_button = buttons.addButton(tr("退出") if allow_single else tr("取消"),
                                        QDialogButtonBox.ButtonRole.RejectRole)
        quit_button.setObjectName("quit")
        quit_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def choose_single_user(self) -> bool:
        """The explicit choice to work without accounts; recorded."""
        answer = QMessageBox.question(
            self, tr(self.SINGLE_USER),
            tr("确定不设账户吗？不设账户时任何能打开本程序的人都能审批和发放，操作记录只记为“单机用户”。\n"
               "以后仍可在 系统 → 用户管理 中创建管理员账户。"))
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            users.choose_single_user(self.db)
        except TalentDeskError as exc:
            self.error.setText(exc.message)
            return False
        self.single_user = True
        self.ctx = ServiceContext(self.db)
        self.accept()
        return True

    def create(self) -> bool:
        if self.password.text() != self.password2.text():
            self.error.setText(tr("两次输入的密码不一致"))
            return False
        try:
            self.created = users.create_first_admin(self.db, self.username.text(), self.password.text(),
                                                    self.display_name.text().strip() or None)
            self.ctx = users.authenticate(self.db, self.created.username, self.password.text())
        except TalentDeskError as exc:
            self.error.setText(exc.message)
            return False
        self.password.clear()
        self.password2.clear()
        self.accept()
        return True


def recovery_code_text(code: str) -> str:
    return (tr("管理员恢复码：") + code + "\n\n"
            + tr("请抄写或打印后锁进柜子，只显示这一次。账户因他人反复输错密码而被锁定时，"
                 "在登录窗口输入密码和恢复码仍可登录。"))


def show_recovery_code(parent, code: str | None) -> None:
    """The new admin's recovery code, shown once (the way in when a stranger has locked
    the account by guessing passwords)."""
    if code:
        QMessageBox.information(parent, tr("管理员恢复码"), recovery_code_text(code))


class LoginDialog(QDialog):
    """User name and password; wrong passwords count towards the lock-out."""

    def __init__(self, db, parent: QWidget | None = None, *, username: str = ""):
        super().__init__(parent)
        self.db = db
        self.ctx: ServiceContext | None = None
        self.setWindowTitle(tr("登录 — 人才服务台账"))
        self.username = QLineEdit(username)
        self.username.setObjectName("username")
        self.password = _password_edit("password")
        # Shown once the account is locked: the admin's password plus recovery code still log in.
        self.recovery_code = QLineEdit()
        self.recovery_code.setObjectName("recovery_code")
        self.recovery_code.setPlaceholderText(tr("管理员恢复码，如 ABCD-EFGH-JKLM-NPQR"))
        self.recovery_label = QLabel(tr("恢复码"))
        form = QFormLayout()
        form.addRow(tr("用户名"), self.username)
        form.addRow(tr("密码"), self.password)
        form.addRow(self.recovery_label, self.recovery_code)
        self.recovery_label.setVisible(False)
        self.recovery_code.setVisible(False)
        where = QLabel(tr("数据库：") + db.describe())
        where.setStyleSheet("color: gray;")
        where.setWordWrap(True)
        self.error = _error_label()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("登录"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("退出"))
        buttons.accepted.connect(self.try_login)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(where)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        (self.password if username else self.username).setFocus()

    def try_login(self) -> bool:
        try:
            self.ctx = users.authenticate(self.db, self.username.text(), self.password.text(),
                                          recovery_code=self.recovery_code.text().strip() or None)
        except TalentDeskError as exc:
            self.error.setText(exc.message)
            if "已锁定" in exc.message:
                self.recovery_label.setVisible(True)
                self.recovery_code.setVisible(True)
            self.password.clear()
            self.password.setFocus()
            return False
        self.password.clear()
        self.recovery_code.clear()
        self.accept()
        return True


class ChangePasswordDialog(QDialog):
    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(tr("修改密码"))
        self.old = _password_edit("old")
        self.new = _password_edit("new")
        self.new2 = _password_edit("new2")
        form = QFormLayout()
        form.addRow(tr("原密码"), self.old)
        form.addRow(tr("新密码（至少 8 位）"), self.new)
        form.addRow(tr("再输入一次"), self.new2)
        self.error = _error_label()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.change)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def change(self) -> bool:
        if self.new.text() != self.new2.text():
            self.error.setText(tr("两次输入的新密码不一致"))
            return False
        try:
            users.change_password(self.ctx, self.old.text(), self.new.text())
        except TalentDeskError as exc:
            self.error.setText(exc.message)
            return False
        for edit in (self.old, self.new, self.new2):
            edit.clear()
        self.accept()
        return True


class _SubmitDialog(QDialog):
    """A small form whose OK runs ``submit()`` (a service call through ``on_submit``): a
    refusal (a password too short, two entries that differ, a name taken) is shown in the
    dialog, which stays open with everything the administrator typed."""

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.error = _error_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("确定"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.on_submit = None  # callable() doing the work; raises TalentDeskError to refuse
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(380)

    def check(self) -> str | None:
        """A refusal found before calling the service, or None."""
        return None

    def submit(self) -> bool:
        problem = self.check()
        if problem is None and self.on_submit is not None:
            try:
                self.on_submit()
            except TalentDeskError as exc:
                problem = exc.message
        if problem is not None:
            self.error.setText(problem)
            return False
        self.error.clear()
        self.accept()
        return True


class NewUserDialog(_SubmitDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(tr("添加用户"), parent)
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.display_name = QLineEdit()
        self.display_name.setObjectName("display_name")
        self.role = QComboBox()
        self.role.setObjectName("role")
        for code, name in ROLES.items():
            self.role.addItem(tr(name), code)
        self.password = _password_edit("password")
        self.password2 = _password_edit("password2")
        self.form.addRow(tr("用户名"), self.username)
        self.form.addRow(tr("姓名"), self.display_name)
        self.form.addRow(tr("角色"), self.role)
        self.form.addRow(tr("初始密码（至少 8 位）"), self.password)
        self.form.addRow(tr("再输入一次"), self.password2)

    def check(self) -> str | None:
        if self.password.text() != self.password2.text():
            return tr("两次输入的密码不一致")
        return None


class PasswordDialog(_SubmitDialog):
    """重置密码: the new password twice."""

    def __init__(self, username: str, parent: QWidget | None = None):
        super().__init__(tr("重置密码"), parent)
        self.password = _password_edit("password")
        self.password2 = _password_edit("password2")
        self.form.addRow(tr("用户"), QLabel(username))
        self.form.addRow(tr("新密码（至少 8 位）"), self.password)
        self.form.addRow(tr("再输入一次"), self.password2)

    def check(self) -> str | None:
        if self.password.text() != self.password2.text():
            return tr("两次输入的密码不一致")
        return None


class RoleDialog(_SubmitDialog):
    """修改角色: the roles, the user's current one selected."""

    def __init__(self, username: str, current: str, parent: QWidget | None = None):
        super().__init__(tr("修改角色"), parent)
        self.role = QComboBox()
        self.role.setObjectName("role")
        for code, name in ROLES.items():
            self.role.addItem(tr(name), code)
        self.role.setCurrentIndex(max(0, self.role.findData(current)))
        self.form.addRow(tr("用户"), QLabel(username))
        self.form.addRow(tr("角色"), self.role)


class UserAdminDialog(QDialog):
    """用户管理 (admin): list, add, change role, reset password, disable/enable, unlock."""

    COLUMNS = ("用户名", "姓名", "角色", "状态", "连续输错")

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(tr("用户管理"))
        self.resize(640, 380)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setObjectName("users")
        self.table.setHorizontalHeaderLabels([tr(c) for c in self.COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.error = _error_label()
        row = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot in (("add", "添加用户…", self.add_user), ("role", "修改角色…", self.change_role),
                                ("reset", "重置密码…", self.reset_password), ("disable", "停用", self.disable),
                                ("enable", "启用", self.enable), ("unlock", "解锁", self.unlock)):
            b = QPushButton(tr(text))
            b.setObjectName(key)
            b.clicked.connect(slot)
            row.addWidget(b)
            self.buttons[key] = b
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(close)
        self.rows: list[users.UserInfo] = []
        self.refresh()

    def refresh(self) -> None:
        try:
            self.rows = users.list_users(self.ctx)
        except TalentDeskError as exc:
            self.error.setText(exc.message)
            self.rows = []
        self.table.setRowCount(len(self.rows))
        for r, u in enumerate(self.rows):
            for c, value in enumerate((u.username, u.display_name or "", u.role_name, u.status_label,
                                       str(u.failed_attempts))):
                self.table.setItem(r, c, QTableWidgetItem(value))

    def selected(self) -> str | None:
        r = self.table.currentRow()
        return self.rows[r].username if 0 <= r < len(self.rows) else None

    def select(self, username: str) -> None:
        for r, u in enumerate(self.rows):
            if u.username == username:
                self.table.selectRow(r)
                self.table.setCurrentCell(r, 0)

    def _do(self, fn, *args) -> bool:
        try:
            fn(self.ctx, *args)
        except TalentDeskError as exc:
            self.error.setText(exc.message)
            return False
        self.error.clear()
        self.refresh()
        return True

    # Each action takes its input as arguments (tests, scripts) or asks for it.
    def add_user(self, _checked=False, *, username: str | None = None, password: str | None = None,
                 role: str | None = None, display_name: str | None = None) -> bool:
        if username is None:
            dlg = NewUserDialog(self)
            dlg.on_submit = lambda: self._run(users.add_user, dlg.username.text(), dlg.password.text(),
                                              dlg.role.currentData(), dlg.display_name.text().strip() or None)
            return self._ask(dlg, dlg.username.text)
        return self._do(users.add_user, username, password, role, display_name)

    def change_role(self, _checked=False, *, role: str | None = None) -> bool:
        name = self.selected()
        if name is None:
            return False
        if role is None:
            current = next((u.role for u in self.rows if u.username == name), "")
            dlg = RoleDialog(name, current, self)
            dlg.on_submit = lambda: self._run(users.set_role, name, dlg.role.currentData())
            return self._ask(dlg, lambda: name)
        return self._do(users.set_role, name, role)

    def reset_password(self, _checked=False, *, password: str | None = None) -> bool:
        name = self.selected()
        if name is None:
            return False
        if password is None:
            dlg = PasswordDialog(name, self)
            dlg.on_submit = lambda: self._run(users.set_password, name, dlg.password.text())
            return self._ask(dlg, lambda: name)
        return self._do(users.set_password, name, password)

    def _run(self, fn, *args) -> None:
        """A service call from one of the small dialogs: a refusal propagates to it."""
        fn(self.ctx, *args)

    def _ask(self, dlg: _SubmitDialog, chosen) -> bool:
        """Run ``dlg`` (it does the work on OK and stays open on a refusal); then the list."""
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return False
        self.error.clear()
        self.refresh()
        self.select(chosen())
        return True

    def disable(self) -> bool:
        name = self.selected()
        return name is not None and self._do(users.disable_user, name)

    def enable(self) -> bool:
        name = self.selected()
        return name is not None and self._do(users.enable_user, name)

    def unlock(self) -> bool:
        name = self.selected()
        return name is not None and self._do(users.unlock_user, name)


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


class BackupDialog(QDialog):
    """备份与恢复: the backup folder's list (time, kind, size), back up now, restore (admin)."""

    COLUMNS = ("时间", "类型", "大小", "文件")

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(tr("备份与恢复"))
        self.resize(720, 420)
        self.server = ctx.db.path is None
        self.folder_label = QLabel()
        self.folder_label.setObjectName("folder")
        self.folder_label.setWordWrap(True)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setObjectName("backups")
        self.table.setHorizontalHeaderLabels([tr(c) for c in self.COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        for col in range(len(self.COLUMNS) - 1):  # time, kind, size: as wide as their text
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.status = QLabel()
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.backup_button = QPushButton(tr("立即备份"))
        self.backup_button.setObjectName("backup_now")
        self.backup_button.clicked.connect(self.backup_now)
        self.backup_to_button = QPushButton(tr("备份到文件…"))
        self.backup_to_button.setObjectName("backup_to")
        self.backup_to_button.clicked.connect(self.backup_to)
        self.verify_button = QPushButton(tr("校验所选备份"))
        self.verify_button.setObjectName("verify")
        self.verify_button.clicked.connect(self.verify_selected)
        self.restore_button = QPushButton(tr("从所选备份恢复…"))
        self.restore_button.setObjectName("restore")
        self.restore_button.clicked.connect(self.restore_selected)
        from talentdesk.services.office import permissions

        if not permissions.allowed(ctx, "backup.restore"):
            self.restore_button.setEnabled(False)
            self.restore_button.setToolTip(tr("只有管理员可以恢复数据库"))
        row = QHBoxLayout()
        for b in (self.backup_button, self.backup_to_button, self.verify_button, self.restore_button):
            row.addWidget(b)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.folder_label)
        layout.addWidget(self.table)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(close)
        self.entries: list[backup.BackupInfo] = []
        self.refresh()

    def refresh(self) -> None:
        if self.server:
            self.folder_label.setText(tr(backup.PG_MESSAGE))
            for b in (self.backup_button, self.backup_to_button, self.verify_button, self.restore_button):
                b.setEnabled(False)
            return
        folder = backup.backup_folder(self.ctx)
        self.folder_label.setText(tr("备份文件夹：") + str(folder) + tr("（可在系统设置中改为 U 盘或第二块硬盘）"))
        self.entries = backup.list_backups(folder, database_id=backup.database_id(self.ctx.db))  # this database's
        self.table.setRowCount(len(self.entries))
        for r, b in enumerate(self.entries):
            for c, value in enumerate((f"{b.created:%Y-%m-%d %H:%M:%S}", tr(b.kind_label), _size(b.size),
                                       b.path.name)):
                self.table.setItem(r, c, QTableWidgetItem(value))

    def selected(self) -> backup.BackupInfo | None:
        r = self.table.currentRow()
        return self.entries[r] if 0 <= r < len(self.entries) else None

    def backup_now(self) -> bool:
        try:
            info = backup.backup_now(self.ctx)
        except TalentDeskError as exc:
            self.status.setText(exc.message)
            return False
        self.status.setText(tr("已备份并校验通过：") + str(info.path))
        self.refresh()
        return True

    def backup_to(self, _checked=False, *, path=None, confirmed: bool | None = None) -> bool:
        """A backup to a file the user names (a USB stick). Never onto a database file; an
        existing other file is replaced only after a yes."""
        from pathlib import Path

        from talentdesk.fileio import is_database_file

        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, tr("备份到文件"), str(backup.backup_folder(self.ctx)),
                                                  tr("数据库备份 (*.sqlite3)"),
                                                  options=QFileDialog.Option.DontConfirmOverwrite)
            if not path:
                return False
        path = Path(path)
        overwrite = False
        if path.is_file() and not is_database_file(path):  # a database: backup_now refuses it, with the reason
            if confirmed is None:
                answer = QMessageBox.question(self, tr("替换文件"),
                                              tr("文件 %s 已存在。要用备份替换它吗？") % str(path))
                confirmed = answer == QMessageBox.StandardButton.Yes
            if not confirmed:
                return False
            overwrite = True
        try:
            info = backup.backup_now(self.ctx, path, overwrite=overwrite)
        except TalentDeskError as exc:
            self.status.setText(exc.message)
            return False
        self.status.setText(tr("已备份并校验通过：") + str(info.path))
        self.refresh()
        return True

    def verify_selected(self) -> bool:
        b = self.selected()
        if b is None:
            return False
        try:
            counts = backup.verify_file(b.path)
        except TalentDeskError as exc:
            self.status.setText(exc.message)
            return False
        self.status.setText(tr("校验通过：人才 %d 人，审计记录 %d 条") % (counts["talent"], counts["audit_event"]))
        return True

    def restore_selected(self, _checked=False, *, path=None, confirmed: bool | None = None,
                         confirmed_other: bool | None = None) -> bool:
        """Restore the selected backup (or a chosen file): the backup is checked first (audit
        chain, register, database) and what restoring loses is shown in the confirmation;
        another database's backup, or one that cannot be checked, asks a second time."""
        if path is None:
            b = self.selected()
            if b is None:
                path, _ = QFileDialog.getOpenFileName(self, tr("选择备份文件"), str(backup.backup_folder(self.ctx)),
                                                      tr("数据库备份 (*.sqlite3 *.db);;所有文件 (*)"))
                if not path:
                    return False
            else:
                path = b.path
        try:
            plan = backup.restore_plan(self.ctx, path)
        except TalentDeskError as exc:
            self.status.setText(exc.message)
            return False
        refusal = plan.refusal()
        if refusal:
            self.status.setText(tr(refusal))
            return False
        if confirmed is None:
            answer = QMessageBox.question(
                self, tr("恢复数据库"),
                tr(plan.describe()) + "\n\n" + tr("恢复前会先自动备份当前数据库。\n"
                                                   "其他电脑上打开的台账将看到恢复后的数据。确定恢复吗？"))
            confirmed = answer == QMessageBox.StandardButton.Yes
        if not confirmed:
            return False
        unverified = not plan.other_database and plan.register == "unknown"
        if plan.other_database or unverified:
            if confirmed_other is None:
                warning = (tr("该备份不是当前数据库的备份（属于另一个数据库，或没有记录来源）。\n"
                              "恢复后，当前数据库的全部内容（包括用户账户）将被它替换。")
                           if plan.other_database else
                           tr("该备份不在当前数据库的备份登记中，无法核对它在备份之后是否被改动过。"))
                answer = QMessageBox.question(self, tr("再次确认"), warning + "\n\n" + tr("确实要用它恢复吗？"))
                confirmed_other = answer == QMessageBox.StandardButton.Yes
            if not confirmed_other:
                return False
        try:
            result = backup.restore(self.ctx, path, accept_loss=True, other_database=plan.other_database,
                                    unverified=unverified)
        except TalentDeskError as exc:
            self.status.setText(exc.message)
            return False
        self.status.setText(tr("已恢复。恢复前的数据库已备份到：") + str(result["safety_backup"]))
        self.refresh()
        return True


__all__ = ["FirstAdminDialog", "LoginDialog", "ChangePasswordDialog", "UserAdminDialog", "NewUserDialog",
           "BackupDialog"]
