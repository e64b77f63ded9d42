"""服务协议: the agreements (服务期协议 / 聘用合同 / 三方协议) with their end dates; a filter
for those ending within N days and for those past their end still 履行中 (期满待处理, the
derived state ``agreements.state_of``); add, edit, delete; the ways out of 期满待处理:
期满考核 (→ 已期满), 续签 (a new agreement), 解除 (→ 已解除).

Filters from ``env.navigate("agreements", ending_within=90)``, ``expired=True`` or ``talent=ID``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QHBoxLayout, QLabel, QSpinBox

from talentdesk.domain import idcard
from talentdesk.domain.errors import TalentDeskError
from talentdesk.domain.status import AGREEMENT_KINDS, AGREEMENT_STATUS
from talentdesk.services.benefits import agreements
from talentdesk.services.register import talents
from talentdesk.ui.i18n import tr
from talentdesk.ui.common import widgets
from talentdesk.ui.common.widgets import (ID_SAMPLE, Col, DataTable, FormDialog, PageBase, RowsModel, allowed,
                                         button, call, date_edit, from_qdate, hint, line, notify_changed)


def _years(v: Decimal | None) -> str:
    return "" if v is None else f"{v.normalize():f}"


def _days_left(a) -> int | None:
    e = a.end_date
    return (e - dt.date.today()).days if e else None


class AgreementDialog(FormDialog):
    """Add (``agreement=None``, for ``id_number`` or a talent picked here) or edit."""

    def __init__(self, env, agreement=None, id_number: str | None = None, parent=None):
        super().__init__(env, tr("修改服务协议") if agreement else tr("登记服务协议"), parent)
        self.agreement = agreement
        self.saved = None
        form = QFormLayout()
        self.search = line(tr("输入姓名、拼音首字母或身份证号查找"))
        self.talent = QComboBox()
        self.talent.setMinimumContentsLength(28)
        if agreement:
            self.talent.addItem(f"{agreement.name}　{idcard.mask(agreement.id_number)}", agreement.id_number)
            self.talent.setEnabled(False)
        else:
            form.addRow(tr("查找人才(&F)："), self.search)
        form.addRow(tr("人才："), self.talent)
        self.kind = widgets.combo([(k, k) for k in AGREEMENT_KINDS])
        self.signed = date_edit(agreement.signed_date if agreement else None)
        self.start = date_edit(agreement.start_date if agreement else None)
        self.term = QDoubleSpinBox()
        self.term.setRange(0, 50)
        self.term.setDecimals(1)
        self.term.setSingleStep(1)
        self.term.setSuffix(tr(" 年"))
        self.term.setSpecialValueText(tr("未约定"))
        self.service = QSpinBox()
        self.service.setRange(0, 50)
        self.service.setSuffix(tr(" 年"))
        self.service.setSpecialValueText(tr("按政策"))
        self.service.setToolTip(tr("“按政策”：按人才适用政策规定的服务年限（如全日制硕士、本科至少5年）"))
        self.status = widgets.combo([(v, k) for k, v in AGREEMENT_STATUS.items()])
        self.end_label = QLabel("")
        if agreement:
            self.kind.setCurrentIndex(max(0, self.kind.findData(agreement.kind)))
            self.term.setValue(float(agreement.term_years or 0))
            self.service.setValue(agreement.required_service_years or 0)
            self.status.setCurrentIndex(max(0, self.status.findData(agreement.status)))
        else:
            self.term.setValue(5)
        form.addRow(tr("协议类型(&K)："), self.kind)
        form.addRow(tr("签订日期："), self.signed)
        form.addRow(tr("起始日期(&S)："), self.start)
        form.addRow(tr("期限："), self.term)
        form.addRow(tr("到期日期："), self.end_label)
        form.addRow(tr("服务年限："), self.service)
        if agreement:
            form.addRow(tr("状态："), self.status)
        self.body.addLayout(form)
        self.finish_layout()
        self.search.textChanged.connect(self._find)
        for w in (self.start, self.term):
            (w.dateChanged if w is self.start else w.valueChanged).connect(lambda *_: self._show_end())
        self._show_end()
        self.watch(self.kind, self.signed, self.start, self.term, self.service, self.status)
        if id_number and not agreement:
            self.search.setText(id_number)
        self.dirty = False
        self.resize(520, self.sizeHint().height())

    def _find(self, text: str) -> None:
        self.talent.clear()
        if text.strip():
            ok, found = call(self.env, talents.list_talents, self.env.ctx, search=text.strip(), limit=30)
            for s in (found[1] if ok else []):
                self.talent.addItem(f"{s.name}　{idcard.mask(s.id_number)}　{s.employer or ''}", s.id_number)

    def _term(self) -> Decimal | None:
        v = self.term.value()
        return Decimal(str(round(v, 1))).normalize() if v > 0 else None

    def _show_end(self) -> None:
        e = agreements.end_date(from_qdate(self.start.date()), self._term())
        self.end_label.setText(e.isoformat() if e else tr("（无期限）"))

    def accept_form(self) -> bool:
        idn = self.talent.currentData()
        if not idn:
            self.env.show_error(TalentDeskError(tr("请先选择人才")))
            return False
        values = {"kind": self.kind.currentData(), "signed_date": from_qdate(self.signed.date()),
                  "start_date": from_qdate(self.start.date()), "term_years": self._term(),
                  "required_service_years": self.service.value() or None}
        if self.agreement is None:
            ok, result = call(self.env, agreements.add, self.env.ctx, idn, **values)
        else:
            a = self.agreement
            values["status"] = self.status.currentData()
            changes = {k: v for k, v in values.items() if v != getattr(a, k)}
            if not changes:
                return True
            ok, result = call(self.env, agreements.update, self.env.ctx, a.id, expected_version=a.version, **changes)
        if ok:
            self.saved = result
            notify_changed(self.env, "agreement")
        return ok


def _tint(a) -> QColor | None:
    if a.state == agreements.EXPIRED_PENDING:
        return QColor("#fbe3e3")
    if a.status == "active" and _days_left(a) is not None and 0 <= _days_left(a) <= 90:
        return QColor("#fff4d6")
    return None


class Page(PageBase):
    title = tr("服务协议")
    watches = ("agreement", "talent", "departure", "import")

    def __init__(self, env, parent=None):
        super().__init__(env, parent)
        bar = QHBoxLayout()
        self.ending = QCheckBox(tr("只看即将到期(&E)："))
        self.days = QSpinBox()
        self.days.setRange(1, 3650)
        self.days.setValue(90)
        self.days.setSuffix(tr(" 天内"))
        self.status = widgets.combo([(tr("全部状态"), None)] + [(v, k) for k, v in AGREEMENT_STATUS.items()]
                                    + [(agreements.STATE_LABELS[agreements.EXPIRED_PENDING], agreements.EXPIRED_PENDING)])
        self.status.setCurrentIndex(1)
        self.search = line(tr("姓名 / 身份证号 / 单位"))
        self.add_btn = button(tr("登记协议(&A)…"), self.add_agreement)
        self.edit_btn = button(tr("修改(&M)…"), self.edit_agreement)
        self.delete_btn = button(tr("删除…"), self.delete_agreement)
        self.conclude_btn = button(tr("期满考核(&C)"), self.conclude_agreement,
                                   tip=tr("服务期已满、期满考核已办：协议转为“已期满”"))
        self.renew_btn = button(tr("续签(&N)…"), self.renew_agreement,
                                tip=tr("自原协议到期日起续签新的协议，原协议转为“已期满”"))
        self.terminate_btn = button(tr("解除(&T)…"), self.terminate_agreement,
                                    tip=tr("解除协议（需填写原因）；人才离开请办理离职登记"))
        bar.addWidget(self.ending)
        bar.addWidget(self.days)
        bar.addWidget(self.status)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.add_btn)
        bar.addWidget(self.edit_btn)
        bar.addWidget(self.delete_btn)
        self.outer.addLayout(bar)
        ways = QHBoxLayout()
        ways.addWidget(QLabel(tr("期满待处理：")))
        for b in (self.conclude_btn, self.renew_btn, self.terminate_btn):
            ways.addWidget(b)
        ways.addStretch(1)
        self.outer.addLayout(ways)
        self.model = RowsModel([
            Col(tr("姓名"), "name", width=4),
            Col(tr("身份证号"), lambda a: idcard.mask(a.id_number), width=10, tip="id_number", sample=ID_SAMPLE),
            Col(tr("用人单位"), "employer", width=12, stretch=True),
            Col(tr("协议类型"), "kind", width=5),
            Col(tr("签订日期"), "signed_date", kind="date", width=6),
            Col(tr("起始日期"), "start_date", kind="date", width=6),
            Col(tr("期限（年）"), lambda a: _years(a.term_years), kind="int", width=4),
            Col(tr("到期日期"), "end_date", kind="date", width=6),
            Col(tr("剩余天数"), _days_left, kind="int", width=4),
            Col(tr("服务年限"), "required_service_years", kind="int", width=4),
            Col(tr("状态"), "state_label", width=5),
        ], self, muted=lambda a: a.status != "active", tint=_tint)
        self.table = DataTable(self.model, self)
        self.table.activated_row.connect(lambda a: self.edit_agreement())
        self.table.delete_pressed.connect(self.delete_agreement)
        self.table.selection_changed.connect(self._update_buttons)
        self.outer.addWidget(self.table, 1)
        self.totals = hint("")
        self.outer.addWidget(self.totals)
        self.outer.addWidget(hint(tr("黄色为 90 天内到期的协议，红色为已过到期日仍在履行（期满待处理）的协议。"
                                     "回车或双击修改，Delete 删除，Alt+A 登记，Ctrl+F 查找。")))
        self.ending.toggled.connect(lambda *_: self.reload())
        self.days.valueChanged.connect(lambda *_: self.ending.isChecked() and self.reload())
        self.status.currentIndexChanged.connect(lambda *_: self.reload())
        self.search.textChanged.connect(lambda *_: self._apply_search())
        self._talent = None
        self._all = []
        self._update_buttons()

    def apply_filters(self, **filters) -> None:
        self.ending.blockSignals(True)
        self.ending.setChecked("ending_within" in filters)
        self.ending.blockSignals(False)
        if "ending_within" in filters:
            self.days.blockSignals(True)
            self.days.setValue(int(filters["ending_within"] or 90))
            self.days.blockSignals(False)
        if filters.get("expired"):
            self.status.blockSignals(True)
            self.status.setCurrentIndex(self.status.findData(agreements.EXPIRED_PENDING))
            self.status.blockSignals(False)
        self._talent = filters.get("talent")
        self.refresh()

    def reload(self) -> None:
        if self.ending.isChecked():
            ok, rows = call(self.env, agreements.ending_within, self.env.ctx, self.days.value())
        else:
            ok, rows = call(self.env, agreements.list_agreements, self.env.ctx, self._talent,
                            status=self.status.currentData())
        self.status.setEnabled(not self.ending.isChecked())
        self._all = rows if ok else []
        if self._talent and self.ending.isChecked():
            self._all = [a for a in self._all if a.id_number == self._talent]
        self._apply_search()

    def _apply_search(self) -> None:
        text = self.search.text().strip().lower()
        rows = [a for a in self._all if not text or text in a.name.lower() or text in a.id_number.lower()
                or text in (a.employer or "").lower()]
        self.model.set_rows(rows)
        soon = sum(1 for a in rows if a.status == "active" and _days_left(a) is not None and 0 <= _days_left(a) <= 90)
        past = sum(1 for a in rows if a.state == agreements.EXPIRED_PENDING)
        self.totals.setText(tr("共 {n} 份协议，其中 90 天内到期 {k} 份，期满待处理 {p} 份").format(
            n=len(rows), k=soon, p=past))
        self._update_buttons()

    def _update_buttons(self) -> None:
        has = self.table.current_row() is not None
        can = allowed(self.env, "agreement.write")
        self.add_btn.setEnabled(can)
        self.edit_btn.setEnabled(has and can)
        self.delete_btn.setEnabled(has and can)
        a = self.table.current_row()
        state = a.state if a is not None else None
        self.conclude_btn.setEnabled(can and state == agreements.EXPIRED_PENDING)
        self.renew_btn.setEnabled(can and state in ("active", agreements.EXPIRED_PENDING))
        self.terminate_btn.setEnabled(can and state in ("active", agreements.EXPIRED_PENDING))
        if a is not None and state != agreements.EXPIRED_PENDING:
            self.conclude_btn.setToolTip(tr("只有已过到期日、仍在履行的协议可以办理期满考核"))
        else:
            self.conclude_btn.setToolTip(tr("服务期已满、期满考核已办：协议转为“已期满”"))

    def add_agreement(self) -> None:
        dlg = AgreementDialog(self.env, None, self._talent, self)
        if widgets.exec_dialog(dlg) and dlg.saved is not None:
            self.refresh()
            self.select(dlg.saved.id)

    def edit_agreement(self) -> None:
        a = self.table.current_row()
        if a is None:
            return
        dlg = AgreementDialog(self.env, a, None, self)
        if widgets.exec_dialog(dlg) and dlg.saved is not None:
            self.refresh()
            self.select(a.id)

    def delete_agreement(self) -> None:
        a = self.table.current_row()
        if a is None:
            return
        if not self.env.confirm(tr("删除 {name} 的{kind}（{s} 起）？仅用于删除误登记的协议，此操作记入审计日志。").format(
                name=a.name, kind=a.kind, s=a.start_date or "")):
            return
        ok, _ = call(self.env, agreements.delete, self.env.ctx, a.id)
        if ok:
            notify_changed(self.env, "agreement")
            self.refresh()

    def conclude_agreement(self) -> None:
        a = self.table.current_row()
        if a is None:
            return
        note = widgets.ask_text(self, tr("期满考核"), tr("{name} 的{kind}已于 {e} 期满。期满考核结论（可不填）：").format(
            name=a.name, kind=a.kind, e=a.end_date), tr("期满考核合格"))
        if note is None:
            return
        ok, _ = call(self.env, agreements.conclude, self.env.ctx, a.id, note=note, expected_version=a.version)
        if ok:
            notify_changed(self.env, "agreement")
            self.refresh()

    def renew_agreement(self) -> None:
        a = self.table.current_row()
        if a is None:
            return
        text = widgets.ask_text(self, tr("续签"), tr("{name} 的{kind}自 {e} 起续签，期限（年）：").format(
            name=a.name, kind=a.kind, e=a.end_date or ""), _years(a.term_years))
        if text is None:
            return
        ok, new = call(self.env, agreements.renew, self.env.ctx, a.id, term_years=text.replace("年", "").strip(),
                       expected_version=a.version)
        if ok:
            notify_changed(self.env, "agreement")
            self.refresh()
            self.select(new.id)

    def terminate_agreement(self) -> None:
        a = self.table.current_row()
        if a is None:
            return
        reason = widgets.ask_text(self, tr("解除协议"), tr("解除 {name} 的{kind}，原因：").format(name=a.name, kind=a.kind))
        if reason is None:
            return
        ok, _ = call(self.env, agreements.terminate, self.env.ctx, a.id, reason, expected_version=a.version)
        if ok:
            notify_changed(self.env, "agreement")
            self.refresh()

    def select(self, agreement_id: int) -> None:
        for r, a in enumerate(self.model.rows):
            if a.id == agreement_id:
                self.table.selectRow(r)
                return


__all__ = ["Page", "AgreementDialog"]
