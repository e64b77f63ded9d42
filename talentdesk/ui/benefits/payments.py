"""待遇发放: installments due in a month or a range, by funding level and status;
select → 提交发放 → (another user) 审核通过 → 登记发放 with voucher numbers, or import the
payment confirmations from Excel. Suspended and cancelled installments stay visible with
their reason. A second tab lists the grants (待遇申请) waiting for a reviewer.

Filters from ``env.navigate("payments", ...)``: ``month`` ("2025-03" or a date),
``date_from``/``date_to`` (dates), ``status`` (code or list), ``overdue=True`` (open
installments due before this month, as the dashboard counts them), ``funding_level``, ``talent`` (ID number),
``tab="grants"`` (the approval list).
"""

from __future__ import annotations

import datetime as dt
import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel,
                               QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from talentdesk.domain import idcard, money
from talentdesk.domain.errors import TalentDeskError
from talentdesk.domain.status import FUNDING_LEVELS, GRANT_STATUS, INSTALLMENT_STATUS
from talentdesk.services.benefits import grants, payments
from talentdesk.ui.i18n import tr
from talentdesk.ui.common import widgets
from talentdesk.ui.common.widgets import (ID_SAMPLE, Col, DataTable, PageBase, RowsModel, TotalsLabel, add_shortcut,
                                         allowed,
                                         button, call, date_edit, from_qdate, hint, line, month_edit, month_end,
                                         notify_changed, to_qdate)

OPEN = ("scheduled", "proposed", "approved")

STATUS_CHOICES = (
    (tr("全部状态"), None),
    (tr("未发放（待发放、已提交、待付）"), OPEN),
    (tr("待发放"), "scheduled"),
    (tr("已提交发放（待审核）"), "proposed"),
    (tr("已审核待付"), "approved"),
    (tr("已发放"), ("paid", "reversed")),
    (tr("已暂停"), "suspended"),
    (tr("已取消"), "cancelled"),
    (tr("应退回 / 已退回"), ("refund_due", "refunded")),
)

MUTED = ("cancelled", "suspended", "reversed", "refunded")


def funding_text(funding: dict[str, int]) -> str:
    return "；".join(f"{FUNDING_LEVELS.get(k, k)} {money.yuan(v)}" for k, v in funding.items() if v)


def reason_text(r) -> str:
    """What the clerk needs to know about an installment: why it is held, its condition."""
    parts = []
    if r.grant_status != "approved" and r.status in ("scheduled", "proposed", "approved"):
        parts.append(tr("待遇申请{s}").format(s=GRANT_STATUS.get(r.grant_status, r.grant_status)))
    parts += [x for x in (r.status_reason, r.condition) if x]
    return "；".join(parts)


def _tint(row) -> QColor | None:
    if row.status == "suspended":
        return QColor("#fff4d6")
    if row.status in ("proposed", "approved"):
        return QColor("#eaf3fc")
    return None


class PaidDialog(QDialog):
    """登记发放: one paid date and a voucher number per installment (or one for all)."""

    def __init__(self, env, rows, parent=None):
        super().__init__(parent)
        self.env = env
        self.rows = rows
        self.setWindowTitle(tr("登记发放结果"))
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.paid_date = date_edit()
        self.same = line(tr("填写第一笔的凭证号后点“依次填入”，各笔按序号递增"))
        fill = button(tr("依次填入"), self._fill_all, tip=tr("一个凭证号只对应一期发放：第一笔用所填凭证号，其后各笔序号依次加一"))
        same_row = QHBoxLayout()
        same_row.addWidget(self.same, 1)
        same_row.addWidget(fill)
        form.addRow(tr("发放日期(&D)："), self.paid_date)
        form.addRow(tr("凭证号："), same_row)
        lay.addLayout(form)
        self.table = QTableWidget(len(rows), 4)
        self.table.setHorizontalHeaderLabels([tr("姓名"), tr("待遇项目"), tr("金额（元）"), tr("凭证号")])
        self.table.verticalHeader().setVisible(False)
        for r, row in enumerate(rows):
            for c, text in enumerate((row.talent_name, f"{row.benefit_name or row.benefit_code} 第{row.seq}期",
                                      money.yuan(row.amount_fen))):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                if c == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
            self.table.setItem(r, 3, QTableWidgetItem(row.voucher_no or ""))
        self.table.setColumnWidth(0, 90)
        self.table.setColumnWidth(1, 180)
        self.table.setColumnWidth(2, 110)
        self.table.horizontalHeader().setStretchLastSection(True)
        lay.addWidget(self.table, 1)
        total = sum(r.amount_fen for r in rows)
        lay.addWidget(QLabel(tr("共 {n} 笔，合计 {a} 元（{c}）").format(n=len(rows), a=money.yuan(total),
                                                                   c=money.capitals(total))))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("登记"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.resize(620, 420)

    def _fill_all(self) -> None:
        """记-2025-031 → 记-2025-031, 记-2025-032, …: a voucher pays exactly one installment."""
        first = self.same.text().strip()
        m = re.search(r"(\d+)$", first)
        for r in range(self.table.rowCount()):
            if not first or r == 0:
                text = first
            elif m:
                text = first[:m.start()] + str(int(m.group(1)) + r).zfill(len(m.group(1)))
            else:
                text = f"{first}-{r + 1}"
            self.table.item(r, 3).setText(text)

    def vouchers(self) -> list[str]:
        return [self.table.item(r, 3).text().strip() for r in range(self.table.rowCount())]

    def date(self) -> dt.date:
        return from_qdate(self.paid_date.date())


class InstallmentsTab(QWidget):
    def __init__(self, page: "Page"):
        super().__init__(page)
        self.page = page
        self.env = page.env
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 6, 0, 0)
        bar = widgets.FlowLayout()  # wraps onto a second line on a 1024-wide screen
        self.date_from = month_edit()
        self.date_to = month_edit()
        self.level = widgets.combo([(tr("全部资金来源"), None)] + [(v, k) for k, v in FUNDING_LEVELS.items()])
        self.status = widgets.combo(STATUS_CHOICES)
        self.overdue = button(tr("逾期未发"), self.show_overdue, tip=tr("应发日期在本月以前、尚未发放的分期"))
        self.this_month = button(tr("本月"), self.show_this_month)
        self.search = line(tr("姓名 / 身份证号 / 单位"))
        self.search.setMinimumWidth(self.search.fontMetrics().horizontalAdvance("姓名 / 身份证号 / 单位") + 24)
        bar.addWidget(QLabel(tr("应发月份：")))
        bar.addWidget(self.date_from)
        bar.addWidget(QLabel(tr("至")))
        bar.addWidget(self.date_to)
        bar.addWidget(self.this_month)
        bar.addWidget(self.overdue)
        bar.addWidget(self.level)
        bar.addWidget(self.status)
        bar.addWidget(self.search)
        lay.addLayout(bar)
        self._overdue = False
        self._talent: str | None = None
        self._waiting: dict[int, str] = {}  # installment id → “待补充：…” (what the engine waits for)
        self.talent_label = QLabel("")
        self.talent_label.setStyleSheet("color: #1f6fb2;")
        self.talent_label.setVisible(False)
        lay.addWidget(self.talent_label)

        self.model = RowsModel([
            Col(tr("应发日期"), "due_date", kind="date", width=6),
            Col(tr("姓名"), "talent_name", width=4),
            Col(tr("身份证号"), lambda r: idcard.mask(r.id_number), width=10, tip="id_number", sample=ID_SAMPLE),
            Col(tr("用人单位"), "employer", width=10),
            Col(tr("待遇项目"), lambda r: r.benefit_name or r.benefit_code, width=6),
            Col(tr("期次"), "seq", kind="int", width=2),
            Col(tr("金额（元）"), "amount_fen", kind="money", width=6),
            Col(tr("资金来源"), lambda r: funding_text(r.funding), width=11),
            Col(tr("状态"), "status_label", width=5),
            Col(tr("说明 / 原因"), self._reason, width=14, tip=self._reason),
            Col(tr("凭证号"), "voucher_no", width=6),
            Col(tr("发放日期"), "paid_date", kind="date", width=6),
            widgets.person_col(self.env, tr("提交人"), "proposed_by"),
            widgets.person_col(self.env, tr("审核人"), "approved_by"),
        ], self, muted=lambda r: r.status in MUTED or r.grant_status != "approved", tint=_tint)
        self.table = DataTable(self.model, self, multi=True)
        self.table.selection_changed.connect(self._selection_changed)
        # an organisation's installment (单位/平台奖补) opens its employer on the 用人单位 page
        self.table.activated_row.connect(lambda r: self.env.open_talent(r.id_number) if r.talent_id is not None
                                         else self.env.navigate("employers", search=r.employer or r.talent_name))
        lay.addWidget(self.table, 1)
        self.totals = TotalsLabel()
        lay.addWidget(self.totals)

        actions = widgets.FlowLayout()
        self.propose_btn = button(tr("提交发放(&P)"), self.propose, tip=tr("把选中的到期分期提交审核"))
        self.approve_btn = button(tr("审核通过(&V)"), self.approve, tip=tr("审核人审核他人提交的发放"))
        self.reject_btn = button(tr("退回"), self.reject, tip=tr("退回已提交或已审核、尚未发放的分期"))
        self.paid_btn = button(tr("登记发放(&R)…"), self.record_paid, tip=tr("登记已审核分期的发放日期和凭证号"))
        self.import_btn = button(tr("导入发放确认(&I)…"), self.import_confirmations,
                                 tip=tr("从财务返回的 Excel（身份证号、待遇项目、金额、发放日期、凭证号）登记发放"))
        self.suspend_btn = button(tr("暂停"), self.suspend)
        self.resume_btn = button(tr("恢复"), self.resume)
        self.reverse_btn = button(tr("冲销…"), self.reverse, tip=tr("冲销一笔已发放记录（生成负数冲销记录）"))
        self.batch_btn = button(tr("打印发放审批表…"), self.print_batch,
                                tip=tr("在报表打印中预览所选起始月份的补贴发放审批表"))
        for b in (self.propose_btn, self.approve_btn, self.reject_btn, self.paid_btn, self.import_btn,
                  self.batch_btn):
            actions.addWidget(b)
        actions.addStretch(1)
        for b in (self.suspend_btn, self.resume_btn, self.reverse_btn):
            actions.addWidget(b)
        lay.addLayout(actions)
        lay.addWidget(hint(tr("Ctrl+A 全选；回车打开人才档案。金额单位：元。")))

        first = dt.date.today().replace(day=1)
        self.date_from.setDate(to_qdate(first))
        self.date_to.setDate(to_qdate(first))
        self.status.setCurrentIndex(1)
        for w in (self.date_from, self.date_to):
            w.dateChanged.connect(self._range_edited)
        self.level.currentIndexChanged.connect(lambda *_: self.reload())
        self.status.currentIndexChanged.connect(lambda *_: self.reload())
        self.search.textChanged.connect(lambda *_: self._apply_search())
        self._all: list = []
        self._selection_changed()

    # ------------------------------------------------------------ filters

    def _range_edited(self, *_):
        self._overdue = False
        self.reload()

    def show_this_month(self) -> None:
        first = dt.date.today().replace(day=1)
        self._overdue = False
        self._set_range(first, first)
        self.reload()

    def show_overdue(self) -> None:
        self._overdue = True
        self.status.blockSignals(True)
        self.status.setCurrentIndex(1)
        self.status.blockSignals(False)
        self.reload()

    def _set_range(self, a: dt.date, b: dt.date) -> None:
        for w, d in ((self.date_from, a), (self.date_to, b)):
            w.blockSignals(True)
            w.setDate(to_qdate(d.replace(day=1)))
            w.blockSignals(False)

    def filters(self) -> dict:
        f: dict = {"status": self.status.currentData(), "funding_level": self.level.currentData()}
        if self._overdue:
            f["date_to"] = dt.date.today().replace(day=1) - dt.timedelta(days=1)
        else:
            a = from_qdate(self.date_from.date())
            b = from_qdate(self.date_to.date())
            if b < a:
                a, b = b, a
            f["date_from"] = a.replace(day=1)
            f["date_to"] = month_end(b)
        if self._talent:
            f["talent"] = self._talent
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in f.items() if v is not None}

    def apply_filters(self, **filters) -> None:
        self._overdue = bool(filters.get("overdue"))
        self._talent = filters.get("talent")
        if filters.get("month"):
            m = filters["month"]
            d = m if isinstance(m, dt.date) else dt.date.fromisoformat(str(m)[:7] + "-01")
            self._set_range(d, d)
        if filters.get("date_from") or filters.get("date_to"):
            a = filters.get("date_from") or filters.get("date_to")
            b = filters.get("date_to") or a
            self._set_range(a, b)
        st = filters.get("status")
        self.status.blockSignals(True)
        if st is None and (self._overdue or filters.get("month")):
            self.status.setCurrentIndex(1)
        elif st is not None:
            wanted = tuple(st) if isinstance(st, (list, tuple)) else st
            idx = next((i for i in range(self.status.count()) if self.status.itemData(i) == wanted), -1)
            if idx < 0:
                self.status.addItem(INSTALLMENT_STATUS.get(st, str(st)) if isinstance(st, str) else str(st), wanted)
                idx = self.status.count() - 1
            self.status.setCurrentIndex(idx)
        self.status.blockSignals(False)
        if "funding_level" in filters:
            self.level.blockSignals(True)
            self.level.setCurrentIndex(max(0, self.level.findData(filters["funding_level"])))
            self.level.blockSignals(False)
        self.talent_label.setVisible(bool(self._talent))
        if self._talent:
            self.talent_label.setText(tr("只显示身份证号 {n} 的分期（切换月份即取消）").format(n=idcard.mask(self._talent)))
        self.reload()

    # ------------------------------------------------------------ data

    def _reason(self, r) -> str:
        return "；".join(x for x in (self._waiting.get(r.id), reason_text(r)) if x)

    def _find_waiting(self, rows) -> None:
        """Ask the engine which due, not yet proposed installments wait for a fact (first 200)."""
        from talentdesk.services.benefits import grant_facts

        today = dt.date.today()
        ids = [r.id for r in rows if r.status == "scheduled" and r.grant_status == "approved"
               and r.due_date <= today][:200]
        ok, found = call(self.env, grant_facts.pending_for_installments, self.env.ctx, ids) if ids else (True, {})
        self._waiting = found if ok else {}

    def reload(self) -> None:
        ok, rows = call(self.env, payments.list_installments, self.env.ctx, **self.filters())
        self._all = rows if ok else []
        self._find_waiting(self._all)
        self.date_from.setEnabled(not self._overdue)
        self.date_to.setEnabled(not self._overdue)
        self.overdue.setStyleSheet("font-weight: bold; color: #b00020;" if self._overdue else "")
        self._apply_search()

    def _apply_search(self) -> None:
        text = self.search.text().strip().lower()
        rows = [r for r in self._all if not text or text in r.talent_name.lower() or text in r.id_number.lower()
                or text in (r.employer or "").lower()]
        self.model.set_rows(rows)
        self._selection_changed()

    def _level_share(self, row) -> int:
        level = self.level.currentData()
        return row.funding.get(level, 0) if level else row.amount_fen

    def _selection_changed(self) -> None:
        sel = self.table.selected_rows()
        rows = self.model.rows
        self.totals.show_totals(len(rows), sum(self._level_share(r) for r in rows),
                                len(sel), sum(self._level_share(r) for r in sel))
        if self.level.currentData():
            self.totals.setText(self.totals.text() + tr("（{lvl}承担部分）").format(lvl=self.level.currentText()))
        st = {r.status for r in sel}
        self.propose_btn.setEnabled("scheduled" in st and allowed(self.env, "payment.propose"))
        widgets.set_approvable(self.approve_btn, self.env, "payment.approve",
                               [r.proposed_by for r in sel if r.status == "proposed"], tr("审核人审核他人提交的发放"))
        self.reject_btn.setEnabled(bool(st & {"proposed", "approved"}) and allowed(self.env, "payment.approve"))
        self.paid_btn.setEnabled("approved" in st and allowed(self.env, "payment.paid"))
        self.import_btn.setEnabled(allowed(self.env, "payment.paid"))
        self.suspend_btn.setEnabled(bool(st & set(OPEN)) and allowed(self.env, "payment.suspend"))
        self.resume_btn.setEnabled("suspended" in st and allowed(self.env, "payment.suspend"))
        self.reverse_btn.setEnabled(len(sel) == 1 and st == {"paid"} and allowed(self.env, "payment.reverse"))

    # ------------------------------------------------------------ actions

    def _ids(self, statuses) -> list[int]:
        return [r.id for r in self.table.selected_rows() if r.status in statuses]

    def _report(self, verb: str, result) -> None:
        done = len(result.done)
        if done:
            notify_changed(self.env, "installment")
        self.page.refresh()
        widgets.report_batch(self.env, tr("{verb} {n} 笔。").format(verb=verb, n=done),
                             [r.message for r in result.refused])

    def propose(self) -> None:
        ids = self._ids(("scheduled",))
        if not ids:
            return
        ok, checks = call(self.env, payments.check, self.env.ctx, ids)
        if not ok:
            return
        good = [c for c in checks if c.ok]
        bad = [c for c in checks if not c.ok and not c.pending]
        pending = [c for c in checks if c.pending]  # the engine waits for a review or a fact (待定)
        total = sum(r.amount_fen for r in self.table.selected_rows() if r.id in {c.installment_id for c in good})
        if not good:
            widgets.report_batch(self.env, "", [c.message for c in pending + bad],
                                 refused_head=tr("选中的 {n} 笔分期都不能提交：").format(n=len(pending + bad)))
            return
        text = tr("提交 {n} 笔发放，合计 {a} 元？").format(n=len(good), a=money.yuan(total))
        if pending:
            text += "\n\n" + tr("另有 {n} 笔待定（须先补充）：").format(n=len(pending)) + "\n" + widgets.refusal_list(
                [c.message for c in pending])
        if bad:
            text += "\n\n" + tr("另有 {n} 笔不能提交：").format(n=len(bad)) + "\n" + widgets.refusal_list(
                [c.message for c in bad])
        if not self.env.confirm(text):
            return
        ok, result = call(self.env, payments.propose, self.env.ctx, [c.installment_id for c in good])
        if ok:
            self._report(tr("已提交发放"), result)

    def approve(self) -> None:
        ids = self._ids(("proposed",))
        if not ids:
            return
        total = sum(r.amount_fen for r in self.table.selected_rows() if r.id in ids)
        if not self.env.confirm(tr("审核通过 {n} 笔发放，合计 {a} 元？").format(n=len(ids), a=money.yuan(total))):
            return
        ok, result = call(self.env, payments.approve, self.env.ctx, ids)
        if ok:
            self._report(tr("已审核通过"), result)

    def reject(self) -> None:
        self._with_reason(("proposed", "approved"), tr("退回发放"), tr("退回原因："), payments.reject, tr("已退回"))

    def _with_reason(self, statuses, title: str, prompt: str, action, done: str) -> None:
        """Select rows in ``statuses``, ask for a reason, run ``action(ctx, ids, reason)``."""
        ids = self._ids(statuses)
        if not ids:
            return
        reason = widgets.ask_text(self, title, prompt)
        if not reason:
            return
        ok, result = call(self.env, action, self.env.ctx, ids, reason)
        if ok:
            self._report(done, result)

    def record_paid(self) -> None:
        rows = [r for r in self.table.selected_rows() if r.status == "approved"]
        if not rows:
            return
        dlg = PaidDialog(self.env, rows, self)
        if not widgets.exec_dialog(dlg):
            return
        date = dlg.date()
        vouchers = dlg.vouchers()
        seen: dict[str, list[int]] = {}
        for n, v in enumerate(vouchers, 1):
            if v:
                seen.setdefault(v, []).append(n)
        twice = [(v, ns) for v, ns in seen.items() if len(ns) > 1]
        if twice:
            lines = [tr("凭证号 {v}：第 {rows} 笔").format(v=v, rows="、".join(map(str, ns))) for v, ns in twice]
            self.env.show_error(TalentDeskError(tr("凭证号重复，一个凭证号只能对应一期发放，未登记任何一笔：")
                                                + "\n" + "\n".join(lines)))
            return
        blank = sum(1 for v in vouchers if not v)
        if blank and not self.env.confirm(tr("有 {n} 笔未填写凭证号，仍然登记为已发放吗？").format(n=blank)):
            return
        done, errors = 0, []
        for row, voucher in zip(rows, vouchers):
            ok, _ = call(widgets.Collect(errors), payments.record_paid, self.env.ctx, row.id, date, voucher or None)
            done += ok
        if done:
            notify_changed(self.env, "installment")
        self.page.refresh()
        widgets.report_batch(self.env, tr("已登记发放 {n} 笔。").format(n=done), errors,
                             refused_head=tr("以下 {n} 笔未登记：").format(n=len(errors)))

    def import_confirmations(self) -> None:
        widgets.import_excel(self.env, self, "payments", tr("导入发放确认"), self._imported)

    def print_batch(self) -> None:
        month = from_qdate(self.date_from.date())
        self.env.navigate("reports", form="batch", month=month.isoformat()[:7])

    def _imported(self, summary) -> None:
        self.env.info(summary.message or tr("已按发放确认表登记发放 {n} 笔。").format(n=summary.valid))
        notify_changed(self.env, "installment")
        self.page.refresh()

    def suspend(self) -> None:
        self._with_reason(OPEN, tr("暂停发放"), tr("暂停原因（将显示在发放列表中）："), payments.suspend, tr("已暂停"))

    def resume(self) -> None:
        ids = self._ids(("suspended",))
        if ids and self.env.confirm(tr("恢复 {n} 笔已暂停的分期（恢复为待发放）？").format(n=len(ids))):
            ok, result = call(self.env, payments.resume, self.env.ctx, ids)
            if ok:
                self._report(tr("已恢复"), result)

    def reverse(self) -> None:
        rows = [r for r in self.table.selected_rows() if r.status == "paid"]
        if len(rows) != 1:
            return
        row = rows[0]
        reason = widgets.ask_text(self, tr("冲销发放记录"),
                                  tr("冲销 {name} 的 {b} {a} 元。冲销原因：").format(
                                      name=row.talent_name, b=row.benefit_name or "", a=money.yuan(row.amount_fen)))
        if not reason:
            return
        if not self.env.confirm(tr("确定冲销这笔已发放记录吗？冲销后将生成一条负数记录，不能撤销。")):
            return
        ok, _ = call(self.env, payments.reverse, self.env.ctx, row.id, reason)
        if ok:
            notify_changed(self.env, "installment")
            self.page.refresh()



class GrantsTab(QWidget):
    """待遇审批: grants proposed and waiting for a reviewer (approve or send back)."""

    def __init__(self, page: "Page"):
        super().__init__(page)
        self.page = page
        self.env = page.env
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 6, 0, 0)
        bar = QHBoxLayout()
        self.status = widgets.combo([(tr("待审核"), "proposed"), (tr("已批准"), "approved"), (tr("已退回"), "rejected"),
                                     (tr("已取消"), "cancelled"), (tr("全部"), None)])
        self.status.currentIndexChanged.connect(lambda *_: self.reload())
        bar.addWidget(QLabel(tr("状态：")))
        bar.addWidget(self.status)
        bar.addStretch(1)
        self.find = line(tr("姓名 / 拼音首字母 / 身份证号"))
        self.find.setMaximumWidth(260)
        self.find.returnPressed.connect(self.new_grant)
        self.new_btn = button(tr("计算待遇(&C)…"), self.new_grant,
                              tip=tr("按政策计算人才可享受的待遇，勾选后提交审批"))
        bar.addWidget(self.find)
        bar.addWidget(self.new_btn)
        lay.addLayout(bar)
        self.model = RowsModel([
            Col(tr("编号"), "id", kind="int", width=3),
            Col(tr("姓名"), "talent_name", width=4),
            Col(tr("身份证号"), lambda g: idcard.mask(g.id_number), width=10, tip="id_number", sample=ID_SAMPLE),
            Col(tr("待遇项目"), lambda g: g.benefit_name or g.benefit_code, width=6),
            Col(tr("金额（元）"), "total_fen", kind="money", width=6),
            Col(tr("期数"), lambda g: len(g.installments), kind="int", width=2),
            Col(tr("批准日期"), "approval_date", kind="date", width=6),
            Col(tr("审批文号"), "approval_doc_no", width=8),
            Col(tr("一事一议"), "decision_number", width=6),
            Col(tr("状态"), "status_label", width=4),
            widgets.person_col(self.env, tr("提交人"), "proposed_by"),
            widgets.person_col(self.env, tr("审核人"), "approved_by"),
            Col(tr("依据"), lambda g: "；".join(g.basis), width=16),
        ], self, muted=lambda g: g.status in ("rejected", "cancelled"))
        self.table = DataTable(self.model, self, multi=True)
        self.table.selection_changed.connect(self._selection_changed)
        self.table.activated_row.connect(self.show_detail)
        lay.addWidget(self.table, 1)
        self.detail = widgets.TextView()
        self.detail.setMaximumHeight(150)
        self.detail.setPlaceholderText(tr("选中一项查看计算依据和分期"))
        lay.addWidget(self.detail)
        actions = QHBoxLayout()
        self.approve_btn = button(tr("批准(&A)"), self.approve, tip=tr("审核人批准他人提交的待遇申请；批准后各期进入待发放"))
        self.reject_btn = button(tr("退回…"), self.reject)
        self.cancel_btn = button(tr("取消待遇…"), self.cancel, tip=tr("取消已批准的待遇，未发放的分期一并取消"))
        actions.addWidget(self.approve_btn)
        actions.addWidget(self.reject_btn)
        actions.addWidget(self.cancel_btn)
        actions.addStretch(1)
        lay.addLayout(actions)
        self._selection_changed()

    def new_grant(self) -> None:
        """Open the 待遇审批 dialog for the talents matching the search box."""
        from talentdesk.services.register import talents
        from talentdesk.ui.benefits.grant_dialog import GrantDialog

        text = self.find.text().strip()
        if not text:
            self.env.show_error(TalentDeskError(tr("请先输入要计算待遇的人才姓名或身份证号")))
            self.find.setFocus()
            return
        ok, found = call(self.env, talents.list_talents, self.env.ctx, search=text, status="active", limit=50)
        if not ok:
            return
        ids = [s.id_number for s in found[1]]
        if not ids:
            self.env.show_error(TalentDeskError(tr("没有找到在岗人才“{t}”").format(t=text)))
            return
        widgets.exec_dialog(GrantDialog(self.env, ids, self))
        self.page.refresh()

    def reload(self) -> None:
        ok, rows = call(self.env, grants.list_grants, self.env.ctx, status=self.status.currentData())
        self.model.set_rows(rows if ok else [])
        self._selection_changed()

    def count_pending(self) -> int:
        ok, rows = call(self.env, grants.list_grants, self.env.ctx, status="proposed")
        return len(rows) if ok else 0

    def _selection_changed(self) -> None:
        sel = self.table.selected_rows()
        widgets.set_approvable(self.approve_btn, self.env, "grant.approve",
                               [g.proposed_by for g in sel if g.status == "proposed"],
                               tr("审核人批准他人提交的待遇申请；批准后各期进入待发放"))
        self.reject_btn.setEnabled(allowed(self.env, "grant.reject") and any(g.status == "proposed" for g in sel))
        self.cancel_btn.setEnabled(allowed(self.env, "grant.cancel") and len(sel) == 1
                                   and sel[0].status in ("proposed", "approved"))
        if len(sel) == 1:
            self.show_detail(sel[0])
        else:
            self.detail.clear()

    def show_detail(self, g) -> None:
        lines = [f"{g.talent_name}  {g.benefit_name or g.benefit_code}  {tr('合计')} {money.yuan(g.total_fen or 0)} {tr('元')}"
                 f"（{money.capitals(g.total_fen or 0)}）"]
        if g.basis:
            lines.append(tr("依据：") + "；".join(g.basis))
        for step in (g.explanation or {}).get("explanation", []) or []:
            mark = "✓" if step.get("passed") else ("✗" if step.get("passed") is False else "·")
            lines.append(f"  {mark} {step.get('message', '')}" + (f"（{step['basis']}）" if step.get("basis") else ""))
        for i in g.installments:
            lines.append(f"  {tr('第{n}期').format(n=i.seq)}  {i.due_date}  {money.yuan(i.amount_fen):>14} {tr('元')}"
                         f"  {funding_text(i.funding)}  {i.status_label}")
        if g.reason:
            lines.append(tr("原因：") + g.reason)
        self.detail.setPlainText("\n".join(lines))

    def _act(self, fn, ids, verb, *args) -> None:
        done, errors = 0, []
        for gid in ids:
            ok, _ = call(widgets.Collect(errors), fn, self.env.ctx, gid, *args)
            done += ok
        if done:
            notify_changed(self.env, "grant")
        self.page.refresh()
        widgets.report_batch(self.env, tr("{verb} {n} 项。").format(verb=verb, n=done), errors,
                             refused_head=tr("以下 {n} 项未处理：").format(n=len(errors)))

    def approve(self) -> None:
        rows = [g for g in self.table.selected_rows() if g.status == "proposed"]
        if not rows:
            return
        total = sum(g.total_fen or 0 for g in rows)
        if not self.env.confirm(tr("批准 {n} 项待遇申请，合计 {a} 元？").format(n=len(rows), a=money.yuan(total))):
            return
        from talentdesk.ui.finance.warning import confirm_within_budget

        if confirm_within_budget(self.env, [g.id for g in rows]):  # 第四十八条: over budget asks again
            self._act(grants.approve, [g.id for g in rows], tr("已批准"))

    def reject(self) -> None:
        rows = [g for g in self.table.selected_rows() if g.status == "proposed"]
        if not rows:
            return
        reason = widgets.ask_text(self, tr("退回待遇申请"), tr("退回原因："))
        if reason:
            self._act(grants.reject, [g.id for g in rows], tr("已退回"), reason)

    def cancel(self) -> None:
        rows = self.table.selected_rows()
        if len(rows) != 1:
            return
        g = rows[0]
        reason = widgets.ask_text(self, tr("取消待遇"), tr("取消 {name} 的 {b}。取消原因：").format(
            name=g.talent_name, b=g.benefit_name or g.benefit_code))
        if reason and self.env.confirm(tr("确定取消这项待遇吗？未发放的分期将全部取消，已发放的不受影响。")):
            self._act(grants.cancel, [g.id], tr("已取消"), reason)


class Page(PageBase):
    title = tr("待遇发放")
    watches = ("grant", "installment", "review", "departure", "talent", "import")

    def __init__(self, env, parent=None):
        super().__init__(env, parent)
        self.tabs = QTabWidget(self)
        self.installments = InstallmentsTab(self)
        self.grants = GrantsTab(self)
        self.tabs.addTab(self.installments, tr("分期发放"))
        self.tabs.addTab(self.grants, tr("待遇审批"))
        self.outer.addWidget(self.tabs, 1)
        add_shortcut(self, "Ctrl+Return", self._default_action)

    def reload(self) -> None:
        self.installments.reload()
        self.grants.reload()
        n = sum(1 for g in self.grants.model.rows if g.status == "proposed") \
            if self.grants.status.currentData() == "proposed" else self.grants.count_pending()
        self.tabs.setTabText(1, tr("待遇审批（{n}）").format(n=n) if n else tr("待遇审批"))

    def apply_filters(self, **filters) -> None:
        if filters.get("tab") == "grants":
            self.tabs.setCurrentWidget(self.grants)
            if filters.get("status"):
                self.grants.status.setCurrentIndex(max(0, self.grants.status.findData(filters["status"])))
        else:
            self.tabs.setCurrentWidget(self.installments)
            self.installments.apply_filters(**filters)
        self.refresh()

    def _default_action(self) -> None:
        if self.tabs.currentWidget() is self.grants:
            self.grants.approve()
        else:
            self.installments.propose()


__all__ = ["Page", "PaidDialog"]
