"""失信名单 (条例 第六十六条): the dialog the 系统 menu opens.

Lists the entries (current first — in force or not yet in force —, then, with 显示历史,
the ended and the lifted ones greyed, each with who recorded or lifted it and when), with
新增… (a talent by 身份证号 or an employer, from … to …, 事由, 文号) and 解除… (asks the
reason, then confirms). Whether an entry bars a benefit is the rules engine's
(talentdesk.rules.credit); the 待遇审批 dialog shows its reason.

Usage::

    CreditListDialog(env, parent).exec()
"""

from __future__ import annotations

from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QPlainTextEdit, QVBoxLayout)

from talentdesk.domain.errors import TalentDeskError
from talentdesk.services.register import credit, employers
from talentdesk.ui.i18n import tr
from talentdesk.ui.common import widgets
from talentdesk.ui.common.widgets import (Col, DataTable, FormDialog, RowsModel, button, call, combo, date_edit,
                                         fit_to_screen, from_qdate, hint)

ARTICLE_NOTE = tr("依《内蒙古自治区人才发展促进条例》第六十六条，列入失信名单的人才和用人单位，"
                  "在失信期间不得给予新的支持；失信期间开始前已批准的待遇照常发放。记录解除后保留。")


def _recorded(v) -> str:
    when = v.recorded_at.strftime("%Y-%m-%d %H:%M") if v.recorded_at else ""
    return f"{v.recorded_by or '—'} {when}".strip()


def _lifted(v) -> str:
    if not v.lifted_on:
        return ""
    return f"{v.lifted_on} {v.lifted_by or '—'}：{v.lift_reason or ''}"


class CreditEntryDialog(FormDialog):
    """新增: a talent (身份证号) or an employer, the period, 事由 and 文号."""

    def __init__(self, env, parent=None):
        super().__init__(env, tr("列入失信名单"), parent)
        self.saved = None
        form = QFormLayout()
        self.kind = combo([(tr("人才"), "talent"), (tr("用人单位"), "employer")], self)
        self.id_number = QLineEdit(self)
        self.id_number.setPlaceholderText(tr("人才的身份证号"))
        ok, rows = call(env, employers.list_all, env.ctx)
        self.employer = combo([(e.name, e.name) for e in (rows if ok else [])], self)
        self.start = date_edit(parent=self)
        self.open_ended = QCheckBox(tr("长期（无结束日期）"), self)
        self.end = date_edit(parent=self)
        end_row = QHBoxLayout()
        end_row.addWidget(self.end)
        end_row.addWidget(self.open_ended)
        self.basis = QPlainTextEdit(self)
        self.basis.setPlaceholderText(tr("失信事由及认定依据（必填）"))
        self.basis.setFixedHeight(self.basis.fontMetrics().height() * 4 + 12)
        self.doc_no = QLineEdit(self)
        self.doc_no.setPlaceholderText(tr("认定文件的文号（必填）"))
        form.addRow(tr("对象"), self.kind)
        form.addRow(tr("身份证号"), self.id_number)
        form.addRow(tr("用人单位"), self.employer)
        form.addRow(tr("开始日期"), self.start)
        form.addRow(tr("结束日期"), end_row)
        form.addRow(tr("事由"), self.basis)
        form.addRow(tr("文号"), self.doc_no)
        self.form = form
        self.body.addLayout(form)
        self.body.addWidget(hint(ARTICLE_NOTE))
        self.finish_layout()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("列入失信名单"))
        self.watch(self.kind, self.id_number, self.employer, self.start, self.end, self.open_ended, self.basis,
                   self.doc_no)
        self.kind.currentIndexChanged.connect(lambda *_: self._kind_changed())
        self.open_ended.toggled.connect(lambda on: self.end.setEnabled(not on))
        self._kind_changed()

    def _kind_changed(self) -> None:
        talent = self.kind.currentData() == "talent"
        self.id_number.setEnabled(talent)
        self.employer.setEnabled(not talent)

    def accept_form(self) -> bool:
        talent = self.kind.currentData() == "talent"
        ok, view = call(self.env, credit.add, self.env.ctx,
                        talent=self.id_number.text().strip() if talent else None,
                        employer=None if talent else (self.employer.currentData() or ""),
                        start=from_qdate(self.start.date()),
                        end=None if self.open_ended.isChecked() else from_qdate(self.end.date()),
                        basis=self.basis.toPlainText(), doc_no=self.doc_no.text())
        if ok:
            self.saved = view
        return ok


class CreditListDialog(QDialog):
    """The list with 新增… and 解除…; greyed: ended or lifted entries."""

    def __init__(self, env, parent=None):
        super().__init__(parent)
        self.env = env
        self.setWindowTitle(tr("失信名单"))
        lay = QVBoxLayout(self)
        lay.addWidget(hint(ARTICLE_NOTE))
        top = QHBoxLayout()
        self.history = QCheckBox(tr("显示历史（已期满、已解除的记录）"), self)
        self.history.toggled.connect(lambda *_: self.reload())
        self.count_label = QLabel(self)
        top.addWidget(self.history)
        top.addStretch(1)
        top.addWidget(self.count_label)
        lay.addLayout(top)
        self.model = RowsModel([
            Col(tr("编号"), "id", kind="int", width=3),
            Col(tr("状态"), "state_label", width=5),
            Col(tr("对象"), "kind_label", width=4),
            Col(tr("名称"), "name", width=10),
            Col(tr("开始日期"), "start_date", kind="date"),
            Col(tr("结束日期"), lambda v: v.end_date.isoformat() if v.end_date else tr("长期"), width=6),
            Col(tr("文号"), "doc_no", width=10),
            Col(tr("事由"), "basis", width=12, stretch=True),
            Col(tr("登记"), _recorded, width=10),
            Col(tr("解除"), _lifted, width=12),
        ], self, muted=lambda v: not v.current)
        self.table = DataTable(self.model, self)
        self.table.selection_changed.connect(self._selected)
        lay.addWidget(self.table, 1)
        row = QHBoxLayout()
        may = widgets.allowed(env, "credit.write")
        why = "" if may else tr("只有审核人或管理员可以登记或解除失信名单")
        self.add_btn = button(tr("新增…"), self.add_entry, tip=why or tr("列入失信名单"))
        self.lift_btn = button(tr("解除…"), self.lift_entry, tip=why or tr("解除所选记录（记录保留）"))
        self.add_btn.setEnabled(may)
        self._may = may
        row.addWidget(self.add_btn)
        row.addWidget(self.lift_btn)
        row.addStretch(1)
        lay.addLayout(row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("关闭"))
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        fit_to_screen(self, 1100, 520)
        self.reload()

    def reload(self) -> None:
        ok, rows = call(self.env, credit.list_entries, self.env.ctx, history=self.history.isChecked())
        self.model.set_rows(rows if ok else [])
        current = sum(1 for v in self.model.rows if v.current)
        self.count_label.setText(tr("现行 {n} 条").format(n=current)
                                 + (tr("，历史 {n} 条").format(n=len(self.model.rows) - current)
                                    if self.history.isChecked() else ""))
        self._selected()

    def _selected(self) -> None:
        v = self.table.current_row()
        self.lift_btn.setEnabled(self._may and v is not None and v.lifted_on is None)

    def add_entry(self) -> None:
        dlg = CreditEntryDialog(self.env, self)
        if widgets.exec_dialog(dlg) and dlg.saved is not None:
            self.env.notify(tr("已列入失信名单：{who}（文号{doc}）").format(who=dlg.saved.name, doc=dlg.saved.doc_no))
            widgets.notify_changed(self.env, "credit")
            self.reload()

    def lift_entry(self) -> None:
        v = self.table.current_row()
        if v is None:
            return
        reason = widgets.ask_text(self, tr("解除失信名单"), tr("解除原因（必填）："))
        if reason is None:
            return
        if not reason.strip():
            self.env.show_error(TalentDeskError(tr("解除原因：必须填写")))
            return
        if not self.env.confirm(tr("确定解除{kind}{name}的失信名单记录（文号{doc}，{period}）吗？\n"
                                   "解除原因：{reason}\n解除后记录保留，不再限制给予新的支持。").format(
                kind=v.kind_label, name=v.name, doc=v.doc_no, period=v.period, reason=reason)):
            return
        ok, lifted = call(self.env, credit.lift, self.env.ctx, v.id, reason, expected_version=v.version)
        if ok:
            self.env.notify(tr("已解除：{name}（文号{doc}）").format(name=lifted.name, doc=lifted.doc_no))
            widgets.notify_changed(self.env, "credit")
            self.reload()


def open_credit_list(env, parent=None) -> CreditListDialog:
    dlg = CreditListDialog(env, parent if parent is not None else env.dialog_parent())
    widgets.exec_dialog(dlg)
    return dlg


__all__ = ["CreditEntryDialog", "CreditListDialog", "open_credit_list"]
