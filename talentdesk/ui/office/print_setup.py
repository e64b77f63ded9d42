"""Before a form is printed (人才待遇审批表, 补贴发放审批表, 考核报告, 追回通知书): the office's
name, 文号前缀 and signatories must be in 系统设置, or the form comes out with blanks and a
generic office name. ``ensure_office_details(env, parent)`` asks for what is missing in a
small dialog (saved to the office settings, as in 系统设置), or lets the clerk print with
the blanks on purpose (remembered until the program closes); a clerk who may not change the
settings is told who can.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QPushButton

from talentdesk.services.office import settings
from talentdesk.ui.i18n import tr
from talentdesk.ui.common import widgets
from talentdesk.ui.common.widgets import FormDialog, allowed, call, hint, notify_changed

# what the forms print, with the label 系统设置 gives it
FIELDS = (("office_name", tr("单位名称(&O)："), tr("如 阿拉善左旗人才工作领导小组办公室")),
          ("doc_prefix", tr("文号前缀(&N)："), tr("如 阿左人才字（文号为 阿左人才字〔2025〕12号）")),
          ("signatory_clerk", tr("经办人(&J)："), tr("打印在表上的姓名")),
          ("signatory_reviewer", tr("审核人(&R)："), tr("打印在表上的姓名")),
          ("signatory_head", tr("负责人(&H)："), tr("打印在表上的姓名")))
_GENERIC_NAME = settings.OfficeSettings().office_name  # the built-in name: no county in it
_ACCEPTED = "_print_blanks_accepted"  # on env: the clerk chose to print with blanks


def missing(s) -> list[str]:
    """The keys of FIELDS not set in the office settings ``s``."""
    out = []
    for key, _, _ in FIELDS:
        value = (getattr(s, key, "") or "").strip()
        if not value or (key == "office_name" and value == _GENERIC_NAME):
            out.append(key)
    return out


class OfficeDetailsDialog(FormDialog):
    """打印前请填写单位信息: the missing fields first in mind, all five shown."""

    def __init__(self, env, current, gaps: list[str], parent=None):
        super().__init__(env, tr("打印前请填写单位信息"), parent)
        self.can_write = allowed(env, "settings.write")
        self.blanks_accepted = False
        names = "、".join(label.split("(")[0] for key, label, _ in FIELDS if key in gaps)
        intro = tr("系统设置中还没有填写：{names}。这些信息印在审批表、追回通知书和考核报告上，"
                   "只需填写一次，以后可在“系统设置”中修改。").format(names=names)
        if not self.can_write:
            intro += "\n" + tr("只有管理员可以填写单位信息：请管理员在“系统设置”中填写；也可以留空继续打印，再手写。")
        self.body.addWidget(hint(intro))
        form = QFormLayout()
        self.fields: dict[str, QLineEdit] = {}
        for key, label, placeholder in FIELDS:
            value = "" if key == "office_name" and key in gaps else (getattr(current, key, "") or "")
            edit = widgets.line(placeholder, value)
            edit.setObjectName(key)
            edit.setEnabled(self.can_write)
            self.fields[key] = edit
            form.addRow(label, edit)
            if key in gaps:
                form.labelForField(edit).setStyleSheet("color: #b00020;")
        self.body.addLayout(form)
        self.finish_layout()
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(tr("保存并继续"))
        ok.setVisible(self.can_write)
        self.blank_btn: QPushButton = self.buttons.addButton(tr("留空，继续打印"),
                                                             QDialogButtonBox.ButtonRole.ActionRole)
        self.blank_btn.setToolTip(tr("本次运行期间不再询问；空着的地方打印后手写"))
        self.blank_btn.clicked.connect(self.print_with_blanks)
        self.watch(*self.fields.values())
        self.dirty = False
        self.setMinimumWidth(520)
        first = next((self.fields[k] for k in gaps if k in self.fields), None)
        if first is not None and self.can_write:
            first.setFocus()

    def accept_form(self) -> bool:
        changes = {key: edit.text().strip() for key, edit in self.fields.items()}
        changes = {k: v for k, v in changes.items() if v}
        if changes:
            ok, saved = call(self.env, settings.save_settings, self.env.ctx, **changes)
            if not ok:
                return False  # the error is shown; the dialog keeps what was typed
            notify_changed(self.env, "settings")
            if missing(saved):  # saved what was filled in; the rest stays blank on purpose
                self.blanks_accepted = True
        else:
            self.blanks_accepted = True
        return True

    def print_with_blanks(self) -> None:
        self.blanks_accepted = True
        self.dirty = False
        self.accept()


def ensure_office_details(env, parent=None) -> bool:
    """True when a form may be printed now: the office details are set, were just filled in,
    or the clerk chose to print with blanks. False: cancelled (nothing is printed)."""
    if getattr(env, _ACCEPTED, False):
        return True
    ok, current = call(env, settings.get_settings, env.ctx)
    if not ok:
        return False
    gaps = missing(current)
    if not gaps:
        return True
    dlg = OfficeDetailsDialog(env, current, gaps, parent)
    if not widgets.exec_dialog(dlg):
        return False
    if dlg.blanks_accepted:
        setattr(env, _ACCEPTED, True)
    return True


__all__ = ["FIELDS", "OfficeDetailsDialog", "ensure_office_details", "missing"]
