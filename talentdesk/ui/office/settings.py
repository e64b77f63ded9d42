"""系统设置: the office settings every PC shares (office name, district, default policy,
signatories, document number prefix, backup folder, extra holidays and make-up working
days: ``services.settings``), and where this PC finds its database (a SQLite file or a
PostgreSQL URL, with a connection test; stored per PC in ``env.qsettings`` under
``database/url`` and used from the next start).

Edits are held until 保存 (Ctrl+S); leaving the page or reloading asks first.
Buttons for user management, backup/restore, the audit trail and the password appear when
the security engineer's ``talentdesk.ui.security`` offers ``open_users``, ``open_backups``,
``open_audit``, ``open_change_password`` (each ``f(env, parent)``).
"""

from __future__ import annotations

import importlib

from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QPlainTextEdit,
                               QScrollArea, QSpinBox, QVBoxLayout, QWidget)

from talentdesk.domain.errors import TalentDeskError
from talentdesk.services.office import settings
from talentdesk.services.office.database import check_location
from talentdesk.ui.i18n import tr
from talentdesk.ui.common import widgets
from talentdesk.ui.common.widgets import PageBase, add_shortcut, allowed, button, call, hint, line, notify_changed

TEXT_KEYS = ("office_name", "district", "signatory_clerk", "signatory_reviewer", "signatory_head", "doc_prefix",
             "backup_dir")
DATE_KEYS = ("extra_holidays", "extra_workdays")
INT_KEYS = ("pay_before_due_days",)
DB_KEY = "database/url"


def _security_entry(*names: str):
    """A callable ``f(env, parent)`` opening a security dialog, if ``talentdesk.ui.security``
    provides one by one of these names."""
    try:
        module = importlib.import_module("talentdesk.ui.security")
    except ImportError:
        return None
    for name in names:
        obj = getattr(module, name, None)
        if callable(obj) and not isinstance(obj, type):
            return obj
    return None


def buddy_label(text: str, buddy: QWidget) -> QLabel:
    """A form label whose mnemonic (&B) moves to ``buddy``: QFormLayout sets the buddy only
    when the row's field is a widget, and a label without one shows “(&B)” as typed."""
    label = QLabel(text)
    label.setBuddy(buddy)
    return label


class Page(PageBase):
    title = tr("系统设置")
    watches = ("settings",)

    def __init__(self, env, parent=None):
        super().__init__(env, parent)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        body = QWidget()
        scroll.setWidget(body)
        lay = QVBoxLayout(body)
        lay.setContentsMargins(0, 0, 8, 0)
        self.outer.addWidget(scroll, 1)
        self.fields: dict[str, QWidget] = {}
        self._loaded: dict = {}
        self._loading = False
        self.dirty = False

        # rows without a label take an empty QWidget, not "": QFormLayout makes an empty QLabel
        # for "", and a wrapped note beside one is laid out twice as tall as its text
        office = QGroupBox(tr("单位信息（所有电脑共用）"))
        form = QFormLayout(office)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.fields["office_name"] = line(tr("如 阿拉善左旗人才工作领导小组办公室"))
        self.fields["district"] = line(tr("如 阿拉善左旗"))
        self.policy = QComboBox()
        self.fields["default_policy_id"] = self.policy
        self.fields["doc_prefix"] = line(tr("如 阿左人才字（审批文号为 阿左人才字〔2025〕12号）"))
        form.addRow(tr("单位名称(&O)："), self.fields["office_name"])
        form.addRow(tr("所属地区(&D)："), self.fields["district"])
        form.addRow(tr("默认政策(&P)："), self.policy)
        form.addRow(tr("文号前缀(&N)："), self.fields["doc_prefix"])
        lay.addWidget(office)

        sign = QGroupBox(tr("审批表签字人"))
        form = QFormLayout(sign)
        for key, label in (("signatory_clerk", tr("经办人：")), ("signatory_reviewer", tr("审核人：")),
                           ("signatory_head", tr("负责人："))):
            self.fields[key] = line(tr("打印在审批表上的姓名"))
            form.addRow(label, self.fields[key])
        self.fields["print_full_id"] = QCheckBox(tr("审批表（人才待遇审批表、补贴发放审批表）打印完整身份证号"))
        self.fields["print_full_id"].setObjectName("print_full_id")
        form.addRow(QWidget(), self.fields["print_full_id"])
        form.addRow(QWidget(), hint(tr("默认不勾选：所有台账和表单中的身份证号、手机号均脱敏显示。"
                                "仅当上级或财务要求审批表上写完整号码时勾选；每次打印都记入审计。")))
        lay.addWidget(sign)

        cal = QGroupBox(tr("工作日历（补充国家法定节假日）"))
        form = QFormLayout(cal)
        for key, label, tip in (("extra_holidays", tr("补充节假日："), tr("每行或用逗号分隔一个日期，如 2026-05-06")),
                                ("extra_workdays", tr("补充调休上班日："), tr("周末调休上班的日期"))):
            edit = QPlainTextEdit()
            edit.setPlaceholderText(tip)
            edit.setFixedHeight(64)
            self.fields[key] = edit
            form.addRow(label, edit)
        form.addRow(QWidget(), hint(tr("“10个工作日内”等期限按国家节假日安排计算；软件尚未包含的年份，请在此补充当地公布的放假和调休日期。")))
        lay.addWidget(cal)

        pay = QGroupBox(tr("待遇发放"))
        form = QFormLayout(pay)
        days = QSpinBox()
        low, high = settings.INTS["pay_before_due_days"]
        days.setRange(low, high)
        days.setSuffix(tr(" 天"))
        self.fields["pay_before_due_days"] = days
        form.addRow(tr("提前登记发放天数："), days)
        form.addRow(QWidget(), hint(tr("按月提交和审核本月到期的分期；登记发放（含导入发放结果）的发放日期不得早于应发日期，"
                                "除非在此设置可提前的天数（默认0：到期当日或以后）。")))
        lay.addWidget(pay)

        data = QGroupBox(tr("数据与备份"))
        form = QFormLayout(data)
        backup_row = QHBoxLayout()
        self.fields["backup_dir"] = line(tr("留空：数据库所在文件夹下的 backups"))
        backup_row.addWidget(self.fields["backup_dir"], 1)
        backup_row.addWidget(button(tr("选择…"), self.choose_backup_dir))
        self.backup_now_btn = button(tr("立即备份"), self.backup_now)
        backup_row.addWidget(self.backup_now_btn)
        form.addRow(buddy_label(tr("备份文件夹(&B)："), self.fields["backup_dir"]), backup_row)
        self.current_db = QLabel("")
        self.current_db.setWordWrap(True)
        form.addRow(tr("当前数据库："), self.current_db)
        db_row = QHBoxLayout()
        self.db_target = line(tr("留空使用本机默认位置；或数据库文件路径；或 postgresql://用户:密码@服务器/talentdesk"))
        db_row.addWidget(self.db_target, 1)
        db_row.addWidget(button(tr("选择文件…"), self.choose_db_file))
        self.test_btn = button(tr("测试连接(&C)"), self.test_db)  # Alt+T is the 人才(&T) menu
        db_row.addWidget(self.test_btn)
        form.addRow(buddy_label(tr("本机数据库位置(&L)："), self.db_target), db_row)
        self.db_result = QLabel("")
        self.db_result.setWordWrap(True)
        self.db_result.setVisible(False)  # until a connection test says something
        form.addRow(QWidget(), self.db_result)
        form.addRow(QWidget(), hint(tr("数据库位置只保存在本机，下次启动时生效。多台电脑共用时，每台电脑填写同一个 PostgreSQL 地址。")))
        lay.addWidget(data)

        sec = QGroupBox(tr("用户与安全"))
        sec_lay = QHBoxLayout(sec)
        self.users_entry = _security_entry("open_users", "open_user_admin")
        self.backups_entry = _security_entry("open_backups", "open_backup")
        self.audit_entry = _security_entry("open_audit", "open_audit_viewer")
        self.password_entry = _security_entry("open_change_password")
        self.users_btn = button(tr("用户管理(&U)…"), lambda: self._open(self.users_entry))
        self.backups_btn = button(tr("备份与恢复…"), lambda: self._open(self.backups_entry))
        self.audit_btn = button(tr("审计记录…"), lambda: self._open(self.audit_entry))
        self.password_btn = button(tr("修改密码…"), lambda: self._open(self.password_entry))
        self._security = ((self.users_btn, self.users_entry, "users.manage"),
                          (self.backups_btn, self.backups_entry, "backup.create"),
                          (self.audit_btn, self.audit_entry, "audit.view"),
                          (self.password_btn, self.password_entry, None))
        for b, entry, action in self._security:
            b.setVisible(entry is not None)
            b.setEnabled(action is None or allowed(env, action))
            sec_lay.addWidget(b)
        sec_lay.addStretch(1)
        sec.setVisible(any(entry is not None for _, entry, _ in self._security))
        lay.addWidget(sec)
        lay.addStretch(1)

        actions = QHBoxLayout()
        self.state = QLabel("")
        self.state.setStyleSheet("color: #b8560c;")
        self.reset_btn = button(tr("放弃修改"), self.discard)
        # no Alt+S: that opens the 系统(&S) menu; Ctrl+S saves
        self.save_btn = button(tr("保存"), self.save, tip=tr("保存 (Ctrl+S)"), default=True)
        actions.addWidget(self.state, 1)
        actions.addWidget(self.reset_btn)
        actions.addWidget(self.save_btn)
        self.outer.addLayout(actions)
        self.can_write = allowed(env, "settings.write")
        if not self.can_write:
            self.outer.addWidget(hint(tr("只有管理员可以修改单位设置；本机数据库位置可以修改。")))
        for key, w in self.fields.items():
            widgets.watch_edits(w, self._edited)
            w.setEnabled(self.can_write)
        self.db_target.textChanged.connect(self._edited)
        add_shortcut(self, "Ctrl+S", self.save)
        self._update_state()

    # -------------------------------------------------------------- load

    def refresh(self) -> None:
        if self.dirty:  # keep the clerk's edits
            return
        super().refresh()

    def reload(self) -> None:
        ok, s = call(self.env, settings.get_settings, self.env.ctx)
        if not ok:
            return
        self._loading = True
        self.policy.clear()
        try:
            from talentdesk import paths, rules

            packs = rules.load_packs((paths.user_policy_dir(),), errors=[])
        except Exception:  # noqa: BLE001 - a broken policy folder must not block settings
            packs = {}
        for pid, pack in sorted(packs.items()):
            self.policy.addItem(f"{pack.title}（{pid}）", pid)
        if self.policy.findData(s.default_policy_id) < 0:
            self.policy.addItem(s.default_policy_id, s.default_policy_id)
        self.policy.setCurrentIndex(self.policy.findData(s.default_policy_id))
        for key in TEXT_KEYS:
            self.fields[key].setText(getattr(s, key) or "")
        for key in DATE_KEYS:
            self.fields[key].setPlainText("\n".join(d.isoformat() for d in getattr(s, key)))
        for key in INT_KEYS:
            self.fields[key].setValue(int(getattr(s, key) or 0))
        self.fields["print_full_id"].setChecked(bool(getattr(s, "print_full_id", False)))
        self._loaded = self.values()
        self.db_target.setText(str(self.env.qsettings.value(DB_KEY, "") or ""))
        self._loaded_db = self.db_target.text()
        self.current_db.setText(self.env.ctx.db.describe())
        self._loading = False
        self.dirty = False
        self._update_state()

    def values(self) -> dict:
        out = {key: self.fields[key].text().strip() for key in TEXT_KEYS}
        out["default_policy_id"] = self.policy.currentData() or ""
        for key in DATE_KEYS:
            parts = self.fields[key].toPlainText().replace("\n", ",").split(",")
            out[key] = ",".join(p.strip() for p in parts if p.strip())
        for key in INT_KEYS:
            out[key] = self.fields[key].value()
        out["print_full_id"] = self.fields["print_full_id"].isChecked()
        return out

    def changes(self) -> dict:
        now = self.values()
        return {k: v for k, v in now.items() if v != self._loaded.get(k)}

    def _edited(self, *_) -> None:
        if self._loading:
            return
        self.dirty = bool(self.changes()) or self.db_target.text() != getattr(self, "_loaded_db", "")
        self._update_state()

    def _update_state(self) -> None:
        self.save_btn.setEnabled(self.dirty)
        self.reset_btn.setEnabled(self.dirty)
        self.state.setText(tr("有未保存的修改") if self.dirty else "")
        self.backup_now_btn.setEnabled(self.env.ctx.db.path is not None and allowed(self.env, "backup.create"))

    def has_unsaved_changes(self) -> bool:
        return self.dirty

    def can_leave(self) -> bool:
        if not self.dirty:
            return True
        if not self.env.confirm(tr("系统设置有未保存的修改，确定放弃吗？")):
            return False
        self.dirty = False  # discarded: reload when shown again
        self._stale = True
        return True

    # -------------------------------------------------------------- actions

    def save(self) -> None:
        if not self.dirty:
            return
        changes = self.changes()
        if changes:
            ok, _ = call(self.env, settings.save_settings, self.env.ctx, **changes)
            if not ok:
                return
        db_changed = self.db_target.text().strip() != (getattr(self, "_loaded_db", "") or "").strip()
        if db_changed:
            target = self.db_target.text().strip()
            if target:
                try:
                    check_location(target)
                except TalentDeskError as exc:
                    if not self.env.confirm(tr("数据库位置测试未通过：{m}\n仍然保存吗？").format(m=exc.message)):
                        return
                self.env.qsettings.setValue(DB_KEY, target)
            else:
                self.env.qsettings.remove(DB_KEY)
            self.env.qsettings.sync()
        self.dirty = False
        if changes:
            notify_changed(self.env, "settings")
        msg = tr("设置已保存。")
        if db_changed:
            msg += tr("数据库位置将在下次启动时生效。")
        self.env.info(msg)
        self.refresh()

    def discard(self) -> None:
        if self.dirty and self.env.confirm(tr("放弃所做的修改？")):
            self.dirty = False
            self.refresh()

    def choose_backup_dir(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        path = QFileDialog.getExistingDirectory(self, tr("选择备份文件夹"), self.fields["backup_dir"].text()
                                                or self.env.last_folder())
        if path:
            self.fields["backup_dir"].setText(path)

    def choose_db_file(self) -> None:
        path = widgets.ask_open_file(self.env, self, tr("选择数据库文件"), tr("数据库文件 (*.sqlite3 *.db);;所有文件 (*)"))
        if path:
            self.db_target.setText(path)

    def test_db(self) -> None:
        target = self.db_target.text().strip()
        self.db_result.setVisible(True)
        self.db_result.setText(tr("正在测试……"))
        self.db_result.setStyleSheet("color: #555;")

        def failed(exc) -> bool:
            message = getattr(exc, "message", str(exc))
            self.db_result.setText("✗ " + message)
            self.db_result.setStyleSheet("color: #b00020;")
            return True

        def done(message: str) -> None:
            self.db_result.setText("✓ " + message)
            self.db_result.setStyleSheet("color: #1b7f3b;")

        self.env.run_op(tr("测试数据库连接"), lambda progress, cancelled: check_location(target), done,
                        on_error=failed)

    def backup_now(self) -> None:
        from talentdesk.services.office import backup

        def work(progress, cancelled):
            return backup.backup_now(self.env.ctx)

        self.env.run_op(tr("备份数据库"), work,
                        lambda info: self.env.info(tr("已备份到 {p}").format(p=info.path)), write=True)

    def _open(self, entry) -> None:
        if entry is not None:
            entry(self.env, self)
