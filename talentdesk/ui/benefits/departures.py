"""离职追回: record a departure (the refund is computed with its basis before anything is
written), print the 追回通知书 (報表打印 page, preview), record recoveries.

Filters from ``env.navigate("departures", outstanding=True)`` or ``talent=ID``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel,
                               QPlainTextEdit, QSizePolicy, QSplitter, QVBoxLayout, QWidget)

from talentdesk.domain import idcard, money
from talentdesk.domain.errors import TalentDeskError
from talentdesk.services.benefits import departures
from talentdesk.services.register import talents
from talentdesk.ui.i18n import tr
from talentdesk.ui.common import widgets
from talentdesk.ui.benefits.money_back import MoneyBackDialog
from talentdesk.ui.common.widgets import (ID_SAMPLE, Col, DataTable, FormDialog, PageBase, RowsModel, TextView,
                                         allowed, button, call, date_edit, from_qdate, hint, line, notify_changed)


def preview_text(p) -> str:
    """A departure preview as the text the clerk reads before confirming."""
    lines = [tr("{name}（{idn}）于 {d} 离开").format(name=p.name, idn=idcard.mask(p.id_number), d=p.departed_on)]
    if p.service_end:
        lines.append(tr("服务期至 {d}").format(d=p.service_end))
    lines.append(tr("已领取待遇：{a} 元").format(a=money.yuan(p.received_fen)))
    if p.undetermined:
        lines.append(tr("应退回：{t}，由办公室决定或补充服务期协议后确定").format(t=p.refund_text))
    else:
        lines.append(tr("应退回：{a} 元（{c}）").format(a=money.yuan(p.refund_due_fen),
                                                  c=money.capitals(p.refund_due_fen)))
    for b in p.benefits:
        lines.append(tr("  · {name}：已领 {r} 元，应退 {f}。{e}").format(
            name=b.benefit_name or b.benefit_code, r=money.yuan(b.received_fen),
            f=b.refund_words(tr(" 元")), e=b.explanation or ""))
    if p.basis:
        lines.append(tr("依据：") + "；".join(p.basis))
    if p.to_cancel:
        lines.append(tr("将取消以下未发放的分期（合计 {a} 元）：").format(a=money.yuan(sum(c.amount_fen for c in p.to_cancel))))
        for c in p.to_cancel:
            lines.append(f"  · {c.benefit_name or ''} {tr('第{n}期').format(n=c.seq)} {c.due_date} "
                         f"{money.yuan(c.amount_fen)} {tr('元')}")
    if p.grants_to_cancel:
        lines.append(tr("将取消 {n} 项尚未批准的待遇申请").format(n=len(p.grants_to_cancel)))
    for w in p.warnings:
        lines.append(tr("注意：") + w)
    return "\n".join(lines)


class DepartureDialog(FormDialog):
    """办理离职登记: pick the talent, the date and reason; the refund is previewed."""

    def __init__(self, env, id_number: str | None = None, parent=None):
        super().__init__(env, tr("办理离职登记"), parent)
        self.saved = None
        self.preview = None
        form = QFormLayout()
        self.search = line(tr("输入姓名、拼音首字母或身份证号查找"))
        self.talent = QComboBox()
        self.talent.setMinimumContentsLength(30)
        self.departed_on = date_edit()
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText(tr("如：个人原因辞职、调离本地区"))
        self.reason.setFixedHeight(60)
        form.addRow(tr("查找人才(&F)："), self.search)
        form.addRow(tr("人才(&T)："), self.talent)
        form.addRow(tr("离职日期(&D)："), self.departed_on)
        form.addRow(tr("离职原因(&R)："), self.reason)
        self.body.addLayout(form)
        self.body.addWidget(QLabel(tr("退回计算（登记前预览）：")))
        self.preview_box = TextView()
        self.preview_box.setMinimumHeight(220)
        self.body.addWidget(self.preview_box, 1)
        self.finish_layout()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("登记离职"))
        self.search.textChanged.connect(self._find)
        self.talent.currentIndexChanged.connect(lambda *_: self.compute())
        self.departed_on.dateChanged.connect(lambda *_: self.compute())
        self.watch(self.reason, self.departed_on)
        if id_number:
            self.search.setText(id_number)
        self.dirty = False
        self.resize(640, 560)

    def _find(self, text: str) -> None:
        self.talent.blockSignals(True)
        self.talent.clear()
        text = text.strip()
        if text:
            ok, found = call(self.env, talents.list_talents, self.env.ctx, search=text, status="active", limit=30)
            for s in (found[1] if ok else []):
                self.talent.addItem(f"{s.name}　{idcard.mask(s.id_number)}　{s.employer or ''}", s.id_number)
        self.talent.blockSignals(False)
        self.compute()

    def compute(self) -> None:
        idn = self.talent.currentData()
        self.preview = None
        if not idn:
            self.preview_box.setPlainText(tr("请先选择人才"))
            return
        try:
            self.preview = departures.preview(self.env.ctx, idn, from_qdate(self.departed_on.date()))
        except TalentDeskError as exc:
            self.preview_box.setPlainText(exc.message)
            return
        self.preview_box.setPlainText(preview_text(self.preview))

    def accept_form(self) -> bool:
        if self.preview is None:
            self.env.show_error(TalentDeskError(tr("请先选择离职的人才")))
            return False
        p = self.preview
        future = departures.future_question(p.departed_on)  # a talent who has given notice: ask first
        if future and not self.env.confirm(future):
            return False
        text = tr("为 {name} 登记离职（{d}）？应退回 {a}；{n} 期未发放的待遇将取消，人才状态改为已离职。").format(
            name=p.name, d=p.departed_on, a=p.refund_words(tr(" 元")), n=len(p.to_cancel))
        if not self.env.confirm(text):
            return False
        ok, dep = call(self.env, departures.record, self.env.ctx, p.id_number, p.departed_on,
                       self.reason.toPlainText().strip() or None, confirm_future=bool(future))
        if ok:
            self.saved = dep
            notify_changed(self.env, "departure")
        return ok


class RecoveryDialog(MoneyBackDialog):
    """登记追回款 of a departure (split by funding level in the service, 条例 第六十五条)."""

    def __init__(self, env, dep, parent=None):
        super().__init__(env, tr("登记追回款"), verb=tr("追回"), who=f"{dep.name}　{idcard.mask(dep.id_number)}",
                         owed_label=tr("尚欠："), owed_fen=dep.outstanding_fen, changed="departure", parent=parent,
                         note=tr("追回款按各级资金尚未追回的比例分摊到各级。"),
                         submit=lambda *a: departures.record_recovery(env.ctx, dep.id, *a))
        self.dep = dep
        self.recovered_on = self.on_date


class Page(PageBase):
    title = tr("离职追回")
    watches = ("departure", "talent", "installment", "grant", "recovery_case")

    def __init__(self, env, parent=None):
        super().__init__(env, parent)
        bar = QHBoxLayout()
        self.outstanding = QCheckBox(tr("只看待追回(&O)"))
        self.search = line(tr("姓名 / 身份证号 / 单位"))
        self.record_btn = button(tr("办理离职登记(&N)…"), self.record_departure)
        bar.addWidget(self.outstanding)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.record_btn)
        self.outer.addLayout(bar)
        split = QSplitter(Qt.Orientation.Vertical)
        self.model = RowsModel([
            Col(tr("离职日期"), "departed_on", kind="date", width=6),
            Col(tr("姓名"), "name", width=4),
            Col(tr("身份证号"), lambda d: idcard.mask(d.id_number), width=10, tip="id_number", sample=ID_SAMPLE),
            Col(tr("用人单位"), "employer", width=9),
            Col(tr("离职原因"), "reason", width=7),
            Col(tr("应退回（元）"), "refund_due_fen", kind="money", width=7,
                display=lambda d: d.refund_text if d.undetermined else None),
            Col(tr("已追回（元）"), "recovered_fen", kind="money", width=7),
            Col(tr("尚欠（元）"), "outstanding_fen", kind="money", width=7,
                display=lambda d: tr("待定") if d.undetermined and not d.outstanding_fen else None),
            Col(tr("计算依据"), "basis", width=20, stretch=True),
        ], self, muted=lambda d: d.refund_due_fen and not d.outstanding_fen)
        self.table = DataTable(self.model, self)
        self.table.selection_changed.connect(self._selected)
        self.table.activated_row.connect(lambda d: self.add_recovery())
        split.addWidget(self.table)
        detail = QWidget()
        dl = QVBoxLayout(detail)
        dl.setContentsMargins(0, 4, 0, 0)
        self.detail_title = QLabel("")
        self.detail_title.setStyleSheet("font-weight: bold;")
        dl.addWidget(self.detail_title)
        self.basis = QLabel("")
        self.basis.setWordWrap(True)
        self.basis.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        dl.addWidget(self.basis)
        self.rec_model = RowsModel([
            Col(tr("追回日期"), "recovered_on", kind="date", width=6),
            Col(tr("金额（元）"), "amount_fen", kind="money", width=8),
            Col(tr("凭证号"), "voucher_no", width=8),
            Col(tr("备注"), "remarks", width=16, stretch=True),
        ], self)
        self.recoveries = DataTable(self.rec_model, self)
        # a departure has a few recoveries: room for three, the rest of the height is the list's
        rows_h = self.recoveries.verticalHeader().defaultSectionSize()
        self.recoveries.setMaximumHeight(3 * rows_h + self.recoveries.horizontalHeader().sizeHint().height() + 4)
        dl.addWidget(self.recoveries, 1)
        row = QHBoxLayout()
        self.recovery_btn = button(tr("登记追回款(&R)…"), self.add_recovery)
        self.notice_btn = button(tr("打印追回通知书(&P)…"), self.print_notice)
        self.talent_btn = button(tr("打开人才档案"), self.open_talent)
        row.addWidget(self.talent_btn)
        row.addStretch(1)
        row.addWidget(self.notice_btn)
        row.addWidget(self.recovery_btn)
        dl.addLayout(row)
        split.addWidget(detail)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 0)
        split.setChildrenCollapsible(False)
        detail.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.split = split
        self.detail = detail
        self.outer.addWidget(split, 1)
        self.totals = hint("")
        self.totals.setObjectName("departure_totals")
        self.outer.addWidget(self.totals)
        self.outstanding.toggled.connect(lambda *_: self.reload())
        self.search.textChanged.connect(lambda *_: self._apply_search())
        self.record_btn.setEnabled(allowed(env, "departure.record"))
        self._talent = None
        self._all = []
        self._selected()
        from talentdesk.ui.benefits import recoveries as in_post  # 在岗追回 tab

        self.cases = in_post.CasesPanel(env, self)
        self.tabs = in_post.embed(self, self.cases)

    def apply_filters(self, **filters) -> None:
        self.outstanding.blockSignals(True)
        self.outstanding.setChecked(bool(filters.get("outstanding")))
        self.outstanding.blockSignals(False)
        self._talent = filters.get("talent")
        self.refresh()

    def reload(self) -> None:
        current = self.table.current_row()
        ok, rows = call(self.env, departures.list_departures, self.env.ctx, self.outstanding.isChecked(),
                        talent=self._talent)
        self._all = rows if ok else []
        self._apply_search()
        self.cases.reload()
        if current is not None:
            self.select(current.id)
        elif self.model.rows:
            self.table.selectRow(0)

    def _apply_search(self) -> None:
        text = self.search.text().strip().lower()
        rows = [d for d in self._all if not text or text in d.name.lower() or text in d.id_number.lower()
                or text in (d.employer or "").lower()]
        self.model.set_rows(rows)
        pending = sum(1 for d in rows if d.undetermined)
        self.totals.setText(tr("共 {n} 人；应退回合计 {a} 元，已追回 {b} 元，尚欠 {c} 元").format(
            n=len(rows), a=money.yuan(sum(d.refund_due_fen for d in rows)),
            b=money.yuan(sum(d.recovered_fen for d in rows)), c=money.yuan(sum(d.outstanding_fen for d in rows)))
            + (tr("；另有 {p} 人应退回金额待定，未计入").format(p=pending) if pending else ""))
        self._selected()

    def select(self, departure_id: int) -> None:
        for r, d in enumerate(self.model.rows):
            if d.id == departure_id:
                self.table.selectRow(r)
                return

    def _selected(self) -> None:
        d = self.table.current_row()
        self.recovery_btn.setEnabled(d is not None and d.outstanding_fen > 0 and allowed(self.env, "recovery.record"))
        self.notice_btn.setEnabled(d is not None and not d.undetermined)
        self.talent_btn.setEnabled(d is not None)
        if d is None:
            self.detail_title.setText(tr("选中一条离职记录查看追回明细"))
            self.basis.setText("")
            self.rec_model.set_rows([])
            return
        ok, full = call(self.env, departures.get_departure, self.env.ctx, d.id)
        if not ok:
            return
        if full.undetermined:
            self.detail_title.setText(tr("{name}：应退回 {a}，已追回 {b} 元（请补充服务期协议或登记追回决定后重新测算）").format(
                name=full.name, a=full.refund_text, b=money.yuan(full.recovered_fen)))
        else:
            self.detail_title.setText(tr("{name}：应退回 {a} 元，已追回 {b} 元，尚欠 {c} 元").format(
                name=full.name, a=money.yuan(full.refund_due_fen), b=money.yuan(full.recovered_fen),
                c=money.yuan(full.outstanding_fen)))
        text = tr("计算依据：") + (full.basis or "")
        parts = [lv for lv in full.levels if lv.amount_fen or lv.recovered_fen]
        if parts:  # 条例 第六十五条: back to each level in proportion to what it paid
            text += "\n" + tr("退回各级资金：") + "；".join(
                tr("{n} 应退回 {a} 元，已追回 {r} 元").format(n=lv.label, a=money.yuan(lv.amount_fen),
                                                        r=money.yuan(lv.recovered_fen)) for lv in parts)
        self.basis.setText(text)
        self.rec_model.set_rows(full.recoveries)

    def record_departure(self, id_number: str | None = None) -> None:
        dlg = DepartureDialog(self.env, id_number, self)
        if widgets.exec_dialog(dlg) and dlg.saved is not None:
            self.refresh()
            self.select(dlg.saved.id)
            d = dlg.saved
            if d.undetermined:
                self.env.info(tr("已登记离职。应退回金额待定：请补充服务期协议或登记办公室的追回决定。"))
            elif d.refund_due_fen:
                self.env.info(tr("已登记离职。应退回 {a} 元，可打印追回通知书。").format(a=money.yuan(d.refund_due_fen)))

    def add_recovery(self) -> None:
        d = self.table.current_row()
        if d is None or d.outstanding_fen <= 0:
            return
        dlg = RecoveryDialog(self.env, d, self)
        if widgets.exec_dialog(dlg) and dlg.saved is not None:
            self.refresh()
            self.select(d.id)

    def print_notice(self) -> None:
        d = self.table.current_row()
        if d is not None:
            self.env.navigate("reports", form="recovery", talent=d.id_number)

    def open_talent(self) -> None:
        d = self.table.current_row()
        if d is not None:
            self.env.open_talent(d.id_number)


__all__ = ["Page", "DepartureDialog", "RecoveryDialog", "preview_text"]
