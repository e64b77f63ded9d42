"""在岗追回: the tab of the 离职追回 page for recovery cases outside a departure — money
obtained by fraud (条例 第六十五条), or due back after a breach or a failed review.

立案… (clerk: talent, basis, 事由; the engine's suggestion is shown, 待定 when the text
leaves it to the office), 核定… (a reviewer other than the proposer: amount, 决定文号,
number of repayments), 登记退回… (amount, date, voucher; split by level), 撤销…, 打印追回
通知书…, 导出台账…. Everything goes through ``talentdesk.services.benefits.recoveries``.

``embed(page, panel)`` puts the page's existing content in a first tab and ``panel`` in a
second one (``departures.Page`` calls it).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QLabel, QPlainTextEdit, QSpinBox,
                               QTabWidget, QVBoxLayout, QWidget)

from talentdesk.domain import idcard, money
from talentdesk.domain.errors import TalentDeskError
from talentdesk.rules.recovery import BASES
from talentdesk.services.benefits import recoveries
from talentdesk.services.register import talents
from talentdesk.ui.i18n import tr
from talentdesk.ui.common import widgets
from talentdesk.ui.benefits.money_back import MoneyBackDialog
from talentdesk.ui.common.widgets import (ID_SAMPLE, Col, DataTable, FormDialog, RowsModel, allowed, button, call,
                                         combo, date_edit, from_qdate, hint, line, notify_changed)

NOTE = tr("在岗追回：骗取补贴的，依《内蒙古自治区人才发展促进条例》第六十五条追回所获得的资金；违约、考核不合格的，"
          "按政策规定，政策未规定金额的为“待定”，由审核人核定。核定金额按各级资金所付比例退回各级。")


def _money_or(fen: int | None, blank: str, unit: str = "") -> str:
    return blank if fen is None else money.yuan(fen) + unit


def detail_text(v) -> str:
    lines = [tr("{name}（{idn}）　{basis}　立案 {d}　经办 {who}").format(
        name=v.name, idn=idcard.mask(v.id_number), basis=v.basis_label, d=v.opened_on, who=v.proposed_by or "—"),
        tr("事由：") + v.facts,
        tr("所涉款项已领取 {r} 元；建议追回 {s}").format(r=money.yuan(v.received_fen),
                                                  s=v.suggested_text + ("" if v.suggested_fen is None else tr(" 元"))),
        tr("依据：") + (v.explanation or "")]
    if v.decided_fen is not None:
        lines.append(tr("核定 {a} 元（{doc}，{d}，{who}）；已退回 {b} 元，尚需退回 {c} 元").format(
            a=money.yuan(v.decided_fen), doc=v.decision_doc_no, d=v.decided_on, who=v.decided_by,
            b=money.yuan(v.repaid_fen), c=money.yuan(v.outstanding_fen or 0)))
    if v.levels:
        lines.append(tr("各级资金：") + "；".join(
            tr("{n} 已付 {p} 元，核定 {a}，已退回 {r} 元").format(
                n=lv.label, p=money.yuan(lv.paid_fen), r=money.yuan(lv.repaid_fen),
                a=_money_or(lv.amount_fen, tr("待核定"), tr(" 元")))
            for lv in v.levels))
    if len(v.plan) > 1:
        lines.append(tr("退回计划：") + "；".join(f"{p.due_date} {money.yuan(p.amount_fen)} {tr('元')}" for p in v.plan))
    for r in v.repayments:
        lines.append(tr("退回 {d} {a} 元 凭证 {v}").format(d=r.repaid_on, a=money.yuan(r.amount_fen), v=r.voucher_no))
    if v.cancel_reason:
        lines.append(tr("撤销原因：") + v.cancel_reason)
    for s in v.suspended:
        lines.append(tr("暂停发放：") + s)
    return "\n".join(lines)


class OpenCaseDialog(FormDialog):
    """立案: the talent, the basis and 事由; all the talent's paid installments are concerned."""

    def __init__(self, env, parent=None):
        super().__init__(env, tr("在岗追回立案"), parent)
        self.saved = None
        form = QFormLayout()
        self.search = line(tr("输入姓名、拼音首字母或身份证号查找"))
        self.talent = QComboBox()
        self.talent.setMinimumContentsLength(30)
        self.basis = combo([(tr(label), code) for code, label in BASES.items() if code != "departure"], self)
        self.facts = QPlainTextEdit()
        self.facts.setPlaceholderText(tr("如：经核实，申报材料中的学位证书系伪造"))
        self.facts.setFixedHeight(70)
        form.addRow(tr("查找人才(&F)："), self.search)
        form.addRow(tr("人才(&T)："), self.talent)
        form.addRow(tr("追回事由类别(&B)："), self.basis)
        form.addRow(tr("事由(&R)："), self.facts)
        self.body.addLayout(form)
        self.body.addWidget(hint(tr("所涉款项：该人才全部已发放（未冲销）的分期。骗取补贴的，立案后暂停其尚未发放的分期。")))
        self.finish_layout()
        self.search.textChanged.connect(self._find)
        self.watch(self.facts)
        self.dirty = False
        self.resize(560, 320)

    def _find(self, text: str) -> None:
        self.talent.clear()
        text = text.strip()
        if text:
            ok, found = call(self.env, talents.list_talents, self.env.ctx, search=text, limit=30)
            for s in (found[1] if ok else []):
                self.talent.addItem(f"{s.name}　{idcard.mask(s.id_number)}　{s.employer or ''}", s.id_number)

    def accept_form(self) -> bool:
        idn = self.talent.currentData()
        if not idn:
            self.env.show_error(TalentDeskError(tr("请先选择人才")))
            return False
        ok, v = call(self.env, recoveries.open, self.env.ctx, idn, self.basis.currentData(),
                     self.facts.toPlainText().strip())
        if ok:
            self.saved = v
            notify_changed(self.env, "recovery_case")
        return ok


class DecideDialog(FormDialog):
    """核定: amount (the suggestion pre-filled where there is one), 决定文号, repayments."""

    def __init__(self, env, case, parent=None):
        super().__init__(env, tr("核定追回金额"), parent)
        self.case = case
        self.saved = None
        form = QFormLayout()
        form.addRow(tr("人才："), QLabel(f"{case.name}　{case.basis_label}"))
        form.addRow(tr("已领取："), QLabel(tr("{a} 元").format(a=money.yuan(case.received_fen))))
        sugg = QLabel(case.suggested_text + ("" if case.suggested_fen is None else tr(" 元")) + "　" + case.explanation)
        sugg.setWordWrap(True)
        form.addRow(tr("建议追回："), sugg)
        self.amount = line(tr("元"), "" if case.suggested_fen is None else money.yuan(case.suggested_fen, thousands=False))
        self.doc_no = line(recoveries.EXAMPLE_DOC_NO)
        self.decided_on = date_edit()
        self.count = QSpinBox()
        self.count.setRange(1, 60)
        self.first_due = date_edit()
        form.addRow(tr("核定追回金额（元）(&A)："), self.amount)
        form.addRow(tr("决定文号(&N)："), self.doc_no)
        form.addRow(tr("决定日期："), self.decided_on)
        form.addRow(tr("分期退回期数（按月）："), self.count)
        form.addRow(tr("首期退回日期："), self.first_due)
        self.body.addLayout(form)
        self.finish_layout()
        self.buttons.button(self.buttons.StandardButton.Ok).setText(tr("核定"))
        self.watch(self.amount, self.doc_no)
        self.dirty = False
        self.resize(600, 360)

    def accept_form(self) -> bool:
        try:
            amount = money.parse_yuan(self.amount.text())
        except ValueError as exc:
            self.env.show_error(TalentDeskError(tr("核定追回金额：") + str(exc)))
            return False
        plan = None
        if self.count.value() > 1:
            plan = recoveries.even_plan(amount, self.count.value(), from_qdate(self.first_due.date()))
        ok, v = call(self.env, recoveries.decide, self.env.ctx, self.case.id, amount, self.doc_no.text().strip(),
                     decided_on=from_qdate(self.decided_on.date()), plan=plan, expected_version=self.case.version)
        if ok:
            self.saved = v
            notify_changed(self.env, "recovery_case")
        return ok


class RepayDialog(MoneyBackDialog):
    """登记退回款 of a decided case (split by funding level in the service)."""

    def __init__(self, env, case, parent=None):
        super().__init__(env, tr("登记退回款"), verb=tr("退回"), who=f"{case.name}　{case.basis_label}",
                         owed_label=tr("尚需退回："), owed_fen=case.outstanding_fen or 0, changed="recovery_case",
                         note=tr("退回款按各级资金尚需退回的比例分摊到各级。"), parent=parent,
                         submit=lambda *a: recoveries.record_repayment(env.ctx, case.id, *a))
        self.case = case
        self.repaid_on = self.on_date


class CasesPanel(QWidget):
    """The 在岗追回 tab."""

    def __init__(self, env, parent=None):
        super().__init__(parent)
        self.env = env
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 4, 0, 0)
        note = hint(NOTE)
        note.setWordWrap(True)
        lay.addWidget(note)
        bar = QHBoxLayout()
        self.outstanding = QCheckBox(tr("只看未结清(&U)"))
        self.open_btn = button(tr("立案(&K)…"), self.open_case)
        self.decide_btn = button(tr("核定(&D)…"), self.decide)
        self.repay_btn = button(tr("登记退回(&E)…"), self.repay)
        self.cancel_btn = button(tr("撤销…"), self.cancel)
        self.notice_btn = button(tr("打印追回通知书…"), self.print_notice)
        self.ledger_btn = button(tr("导出台账…"), self.export_ledger)
        bar.addWidget(self.outstanding)
        bar.addStretch(1)
        for b in (self.open_btn, self.decide_btn, self.repay_btn, self.cancel_btn, self.notice_btn, self.ledger_btn):
            bar.addWidget(b)
        lay.addLayout(bar)
        self.model = RowsModel([
            Col(tr("立案日期"), "opened_on", kind="date", width=6),
            Col(tr("姓名"), "name", width=4),
            Col(tr("身份证号"), lambda v: idcard.mask(v.id_number), width=10, tip="id_number", sample=ID_SAMPLE),
            Col(tr("事由类别"), "basis_label", width=5),
            Col(tr("状态"), "state_label", width=4),
            Col(tr("已领取（元）"), "received_fen", kind="money", width=7),
            Col(tr("建议（元）"), "suggested_fen", kind="money", width=7,
                display=lambda v: tr("待定") if v.suggested_fen is None else None),
            Col(tr("核定（元）"), "decided_fen", kind="money", width=7,
                display=lambda v: tr("待核定") if v.decided_fen is None and v.status == "open" else None),
            Col(tr("已退回（元）"), "repaid_fen", kind="money", width=7),
            Col(tr("尚需（元）"), "outstanding_fen", kind="money", width=7,
                display=lambda v: tr("待核定") if v.outstanding_fen is None else None),
            Col(tr("决定文号"), "decision_doc_no", width=10, stretch=True),
        ], self, muted=lambda v: v.state in ("settled", "cancelled"))
        self.table = DataTable(self.model, self)
        self.table.selection_changed.connect(self._selected)
        lay.addWidget(self.table, 1)
        self.detail = QLabel("")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.detail)
        self.outstanding.toggled.connect(lambda *_: self.reload())
        self.open_btn.setEnabled(allowed(env, "recovery_case.open"))
        self._selected()

    def reload(self) -> None:
        current = self.table.current_row()
        ok, rows = call(self.env, recoveries.list_cases, self.env.ctx, outstanding_only=self.outstanding.isChecked())
        self.model.set_rows(rows if ok else [])
        if current is not None:
            self.select(current.id)
        elif self.model.rows:
            self.table.selectRow(0)
        self._selected()

    def select(self, case_id: int) -> None:
        for r, v in enumerate(self.model.rows):
            if v.id == case_id:
                self.table.selectRow(r)
                return

    def _selected(self) -> None:
        v = self.table.current_row()
        self.decide_btn.setEnabled(v is not None and v.status == "open" and allowed(self.env, "recovery_case.decide"))
        self.repay_btn.setEnabled(v is not None and v.status == "decided" and bool(v.outstanding_fen)
                                  and allowed(self.env, "recovery.record"))
        self.cancel_btn.setEnabled(v is not None and v.status != "cancelled" and not v.repaid_fen
                                   and allowed(self.env, "recovery_case.decide"))
        self.notice_btn.setEnabled(v is not None and v.status == "decided")
        if v is None:
            self.detail.setText(tr("选中一件追回案件查看明细") if self.model.rows else tr(
                "尚无在岗追回案件。发现骗取补贴、违约或考核不合格需追回已发待遇的，点“立案…”登记。"))
            return
        ok, full = call(self.env, recoveries.get_case, self.env.ctx, v.id)
        if ok:
            self.detail.setText(detail_text(full))

    def _after(self, dlg) -> None:
        if widgets.exec_dialog(dlg) and dlg.saved is not None:
            self.reload()
            self.select(dlg.saved.id)
            if dlg.saved.suspended:
                self.env.info("；".join(dlg.saved.suspended))

    def open_case(self) -> None:
        self._after(OpenCaseDialog(self.env, self))

    def decide(self) -> None:
        v = self.table.current_row()
        if v is not None:
            self._after(DecideDialog(self.env, v, self))

    def repay(self) -> None:
        v = self.table.current_row()
        if v is not None:
            self._after(RepayDialog(self.env, v, self))

    def cancel(self) -> None:
        v = self.table.current_row()
        if v is None:
            return
        reason = widgets.ask_text(self, tr("撤销追回案件"), tr("撤销原因："))
        if not reason:
            return
        ok, _ = call(self.env, recoveries.cancel, self.env.ctx, v.id, reason)
        if ok:
            notify_changed(self.env, "recovery_case")
            self.reload()

    def print_notice(self) -> None:
        from talentdesk.services.exchange import reports

        v = self.table.current_row()
        if v is None:
            return
        path = widgets.ask_save_file(self.env, self, tr("保存追回通知书"), f"追回通知书-{v.name}.pdf", "PDF (*.pdf)")
        if path:
            ok, _ = call(self.env, reports.print_case_notice, self.env.ctx, v.id, path)
            if ok:
                self.env.info(tr("已生成追回通知书：{p}").format(p=path))

    def export_ledger(self) -> None:
        from talentdesk.services.exchange import reports

        path = widgets.ask_save_file(self.env, self, tr("导出追回案件台账"),
                                     f"追回案件台账-{dt.date.today():%Y%m%d}.xlsx", "Excel (*.xlsx)")
        if path:
            ok, r = call(self.env, reports.export_ledger, self.env.ctx, "recovery_case", path)
            if ok:
                self.env.info(tr("已导出追回案件台账：{p}，共 {n} 行").format(p=path, n=r.rows))


def embed(page, panel: QWidget) -> QTabWidget:
    """Move the page's content (everything below its title row) into a “离职追回” tab and
    add ``panel`` as “在岗追回”."""
    first = QWidget()
    lay = QVBoxLayout(first)
    lay.setContentsMargins(0, 4, 0, 0)
    while page.outer.count() > 1:
        stretch = page.outer.stretch(1)
        item = page.outer.takeAt(1)
        if item.widget() is not None:
            lay.addWidget(item.widget(), stretch)
        elif item.layout() is not None:
            lay.addLayout(item.layout(), stretch)
    tabs = QTabWidget(page)
    tabs.addTab(first, tr("离职追回"))
    tabs.addTab(panel, tr("在岗追回"))
    page.outer.addWidget(tabs, 1)
    tabs.currentChanged.connect(lambda i: panel.reload() if tabs.widget(i) is panel else None)
    return tabs


__all__ = ["CasesPanel", "DecideDialog", "OpenCaseDialog", "RepayDialog", "detail_text", "embed"]
