"""人才服务: service cases of the talent card / green channel (服务事项) and return visits
(走访记录), one tab each.

服务事项: filters (类别, 状态 办理中/已超期/已办结, 年度, search), 新建事项…, 编辑… (an open
case: content, department, limit — the due date counted again — handler, article), 办结…,
重新办理… (a closed case, with the reason) and 打印… (人才服务事项办理单); under
the list the year's statistics by kind (件数, 已办结, 超期, 平均用时 in working days) and
导出统计表… (Excel). 走访记录: filters (年度, 形式), 登记走访… (with 由此新建服务事项),
新建服务事项… for a recorded visit, 打印… (回访记录表), and the high-level talents not yet
visited this year.

``env.navigate("care", tab="cases", status="overdue")`` or ``tab="visits", due=True``.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel,
                               QPlainTextEdit, QSizePolicy, QSpinBox, QTabWidget, QVBoxLayout, QWidget)

from talentdesk.domain import idcard
from talentdesk.domain.errors import TalentDeskError
from talentdesk.services.care import cases, visits
from talentdesk.services.register import talents
from talentdesk.ui.i18n import tr
from talentdesk.ui.common import widgets
from talentdesk.ui.common.widgets import (ID_SAMPLE, Col, DataTable, FormDialog, PageBase, RowsModel, allowed, button,
                                         call, combo, date_edit, from_qdate, hint, line, notify_changed)

CASE_NOTE = tr("依据：阿拉善盟办法第四十二至四十六条，阿拉山口市办法第十五至十九条，包头市行动计划三（二）3，"
               "条例第六十条。") + tr(cases.LIMIT_NOTE) + tr("；期限按工作日计算（法定节假日、调休按国家安排）。")


def _years() -> list[tuple[str, int | None]]:
    this = dt.date.today().year
    return [(tr("{y}年").format(y=y), y) for y in range(this, this - 6, -1)] + [(tr("全部年度"), None)]


class TalentPicker(QWidget):
    """Search (name, initials, ID number) and pick a talent in post."""

    def __init__(self, env, id_number: str | None = None, parent=None):
        super().__init__(parent)
        self.env = env
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.search = line(tr("输入姓名、拼音首字母或身份证号查找"))
        self.box = QComboBox(self)
        self.box.setMinimumContentsLength(28)
        lay.addWidget(self.search)
        lay.addWidget(self.box)
        self.setFocusProxy(self.search)  # Alt+T on the 人才 label starts the search
        # two lines high, whatever height the dialog has (the spare height is not spread in the picker)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.search.textChanged.connect(self._find)
        if id_number:
            self.search.setText(id_number)

    def _find(self, text: str) -> None:
        self.box.clear()
        text = text.strip()
        if not text:
            return
        ok, found = call(self.env, talents.list_talents, self.env.ctx, search=text, limit=30)
        for s in (found[1] if ok else []):
            self.box.addItem(f"{s.name}　{idcard.mask(s.id_number)}　{s.employer or ''}", s.id_number)

    def id_number(self) -> str | None:
        return self.box.currentData()


class CaseDialog(FormDialog):
    """新建服务事项: the talent, kind, request date, content; department and limit prefilled
    from the kind (``cases.KINDS``), the article from the talent's policy when left blank."""

    def __init__(self, env, id_number: str | None = None, parent=None):
        super().__init__(env, tr("新建服务事项"), parent)
        self.saved = None
        form = QFormLayout()
        self.talent = TalentPicker(env, id_number, self)
        self.kind = combo([(k, k) for k in cases.KINDS], self)
        self.requested_on = date_edit(parent=self)
        self.summary = QPlainTextEdit(self)
        self.summary.setTabChangesFocus(True)  # Tab goes to the next field
        self.summary.setPlaceholderText(tr("如：子女就读驻地公立小学二年级"))
        self.summary.setFixedHeight(self.summary.fontMetrics().height() * 3 + 12)
        self.department = line(tr("责任部门"))
        self.limit = QSpinBox(self)
        self.limit.setRange(0, 365)
        self.limit.setSpecialValueText(tr("不限"))
        self.limit.setSuffix(tr(" 个工作日"))
        self.article = line(tr("留空：按人才适用政策的条款"))
        self.handler = line(tr("责任部门经办人（选填）"))
        form.addRow(tr("人才(&T)："), self.talent)
        form.addRow(tr("类别(&K)："), self.kind)
        form.addRow(tr("申请日期(&D)："), self.requested_on)
        form.addRow(tr("事项内容(&S)："), self.summary)
        form.addRow(tr("责任部门(&B)："), self.department)
        form.addRow(tr("办理时限(&L)："), self.limit)
        form.addRow(tr("依据(&A)："), self.article)
        form.addRow(tr("经办人(&H)："), self.handler)
        self.form = form
        self.body.addLayout(form)
        self.body.addWidget(hint(CASE_NOTE))
        self.finish_layout()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("新建事项"))
        self.kind.currentIndexChanged.connect(lambda *_: self._kind_changed())
        self._kind_changed()
        self.watch(self.summary, self.department, self.article, self.handler)
        widgets.fit_to_screen(self, 600, self.sizeHint().height())

    def _kind_changed(self) -> None:
        k = cases.KINDS[self.kind.currentData()]
        self.department.setText(k.department)
        self.limit.setValue(k.limit_days or 0)

    def accept_form(self) -> bool:
        idn = self.talent.id_number()
        if not idn:
            self.env.show_error(TalentDeskError(tr("请先查找并选择人才")))
            return False
        ok, view = call(self.env, cases.open_case, self.env.ctx, idn, self.kind.currentData(),
                        from_qdate(self.requested_on.date()), self.summary.toPlainText(),
                        department=self.department.text(), limit_days=self.limit.value() or None,
                        article=self.article.text() or None, handled_by=self.handler.text() or None)
        if ok:
            self.saved = view
            notify_changed(self.env, "care")
        return ok


class CloseDialog(FormDialog):
    """办结: the outcome, the closing date (not before the request) and what was done."""

    def __init__(self, env, case, parent=None):
        super().__init__(env, tr("办结服务事项"), parent)
        self.case = case
        self.saved = None
        form = QFormLayout()
        form.addRow(tr("事项："), QLabel(f"#{case.id} {case.kind}　{case.talent_name}　{case.requested_on}申请"))
        self.outcome = combo([(o, o) for o in cases.OUTCOMES], self)
        self.closed_on = date_edit(parent=self)
        self.result_box = QPlainTextEdit(self)
        self.result_box.setTabChangesFocus(True)  # Tab goes to the next field
        self.result_box.setPlaceholderText(tr("如：已办理入学手续，就读阿左旗第三实验小学"))
        self.result_box.setFixedHeight(self.result_box.fontMetrics().height() * 3 + 12)
        self.handler = line(tr("经办人（选填）"), case.handled_by or "")
        form.addRow(tr("办理结果(&O)："), self.outcome)
        form.addRow(tr("办结日期(&D)："), self.closed_on)
        form.addRow(tr("办理情况(&R)："), self.result_box)
        form.addRow(tr("经办人(&H)："), self.handler)
        self.body.addLayout(form)
        self.finish_layout()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("办结"))
        self.watch(self.result_box, self.handler)
        widgets.fit_to_screen(self, 560, self.sizeHint().height())  # the example text shown whole

    def accept_form(self) -> bool:
        ok, view = call(self.env, cases.close, self.env.ctx, self.case.id, self.outcome.currentData(),
                        from_qdate(self.closed_on.date()), result=self.result_box.toPlainText() or None,
                        handled_by=self.handler.text() or None, expected_version=self.case.version)
        if ok:
            self.saved = view
            notify_changed(self.env, "care")
        return ok


class EditCaseDialog(FormDialog):
    """编辑 an open case: its content, department, time limit (the due date is counted again
    in working days), handler and article (``cases.update``)."""

    def __init__(self, env, case, parent=None):
        super().__init__(env, tr("编辑服务事项"), parent)
        self.case = case
        self.saved = None
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        what = QLabel(f"#{case.id} {case.kind}　{case.talent_name}　{case.requested_on}申请", self)
        what.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        form.addRow(tr("事项："), what)
        self.summary = QPlainTextEdit(case.summary, self)
        self.summary.setTabChangesFocus(True)  # Tab goes to the next field
        self.summary.setFixedHeight(self.summary.fontMetrics().height() * 3 + 12)
        self.department = line(tr("责任部门"), case.department or "")
        self.limit = QSpinBox(self)
        self.limit.setRange(0, 365)
        self.limit.setSpecialValueText(tr("不限"))
        self.limit.setSuffix(tr(" 个工作日"))
        self.limit.setValue(case.limit_days or 0)
        self.handler = line(tr("责任部门经办人（选填）"), case.handled_by or "")
        self.article = line(tr("文件和条款"), case.article or "")
        self.due = QLabel(self)
        self.due.setObjectName("case_due")
        self.due.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        form.addRow(tr("事项内容(&S)："), self.summary)
        form.addRow(tr("责任部门(&D)："), self.department)
        form.addRow(tr("办理时限(&L)："), self.limit)
        form.addRow(tr("办结期限："), self.due)
        form.addRow(tr("经办人(&H)："), self.handler)
        form.addRow(tr("依据(&A)："), self.article)
        self.body.addLayout(form)
        self.body.addWidget(hint(tr("修改办理时限后，办结期限按工作日重新计算（申请当日不计入）。")))
        self.finish_layout()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("保存"))
        self.limit.valueChanged.connect(lambda *_: self._due_text())
        self._due_text()
        self.watch(self.summary, self.department, self.handler, self.article)
        widgets.fit_to_screen(self, 560, 360)

    def _due_text(self) -> None:
        limit = self.limit.value() or None
        if limit == self.case.limit_days:
            due = self.case.due_date
        else:
            ok, due = call(self.env, cases.due_date_for, self.env.ctx, self.case.requested_on, limit)
            if not ok:
                due = None
        self.due.setText(tr("{d}（申请日 {r} 起 {n} 个工作日）").format(d=due, r=self.case.requested_on, n=limit)
                         if due else tr("不限时"))

    def changes(self) -> dict:
        c = self.case
        new = {"summary": self.summary.toPlainText().strip(), "department": self.department.text().strip(),
               "limit_days": self.limit.value() or None, "handled_by": self.handler.text().strip(),
               "article": self.article.text().strip()}
        old = {"summary": c.summary or "", "department": c.department or "", "limit_days": c.limit_days,
               "handled_by": c.handled_by or "", "article": c.article or ""}
        return {k: v for k, v in new.items() if v != old[k]}

    def accept_form(self) -> bool:
        changes = self.changes()
        if not changes:
            return True
        ok, view = call(self.env, cases.update, self.env.ctx, self.case.id, expected_version=self.case.version,
                        **changes)
        if ok:
            self.saved = view
            notify_changed(self.env, "care")
        return ok


class VisitDialog(FormDialog):
    """登记走访; with 由此新建服务事项 a case of the chosen kind is opened from it (same save)."""

    def __init__(self, env, id_number: str | None = None, parent=None):
        super().__init__(env, tr("登记走访"), parent)
        self.saved = None
        form = QFormLayout()
        self.talent = TalentPicker(env, id_number, self)
        self.visited_on = date_edit(parent=self)
        self.form_box = combo([(f, f) for f in visits.FORMS], self)
        self.visitors = line(tr("如：旗委组织部 王部长、人才办 刘科长"))
        self.issues = QPlainTextEdit(self)
        self.issues.setTabChangesFocus(True)  # Tab goes to the next field
        self.issues.setPlaceholderText(tr("人才反映的问题、意见建议和诉求"))
        self.issues.setFixedHeight(self.issues.fontMetrics().height() * 3 + 12)
        self.follow_up = line(tr("跟进措施（选填）"))
        self.make_case = QCheckBox(tr("由此新建服务事项(&C)"), self)
        self.case_kind = combo([(k, k) for k in cases.KINDS], self)
        self.case_kind.setEnabled(False)
        case_row = QHBoxLayout()
        case_row.addWidget(self.make_case)
        case_row.addWidget(self.case_kind, 1)
        form.addRow(tr("人才(&T)："), self.talent)
        form.addRow(tr("走访日期(&D)："), self.visited_on)
        form.addRow(tr("形式(&F)："), self.form_box)
        form.addRow(tr("走访人员(&V)："), self.visitors)
        form.addRow(tr("反映问题(&I)："), self.issues)
        form.addRow(tr("跟进措施(&U)："), self.follow_up)
        form.addRow(tr("服务事项："), case_row)
        self.body.addLayout(form)
        self.body.addWidget(hint(tr("依据阿拉善盟办法第三十七条、阿拉山口市办法第二十五条、条例第五十五条，"
                                    "对引进的高层次人才定期回访，掌握合理诉求，帮助解决实际困难。")))
        self.finish_layout()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("登记走访"))
        self.make_case.toggled.connect(self.case_kind.setEnabled)
        self.watch(self.visitors, self.issues, self.follow_up)
        widgets.fit_to_screen(self, 600, self.sizeHint().height())

    def accept_form(self) -> bool:
        idn = self.talent.id_number()
        if not idn:
            self.env.show_error(TalentDeskError(tr("请先查找并选择人才")))
            return False
        ok, view = call(self.env, visits.record, self.env.ctx, idn, from_qdate(self.visited_on.date()),
                        self.visitors.text(), self.form_box.currentData(), issues=self.issues.toPlainText(),
                        follow_up=self.follow_up.text(),
                        case_kind=self.case_kind.currentData() if self.make_case.isChecked() else None)
        if ok:
            self.saved = view
            notify_changed(self.env, "care")
        return ok


def ask_kind(parent) -> str | None:
    """Ask the kind of the case to open from a visit; None when cancelled. Tests replace
    this function (module attribute) with a scripted answer."""
    from PySide6.QtWidgets import QInputDialog

    kind, ok = QInputDialog.getItem(parent, tr("由此新建服务事项"), tr("事项类别："), list(cases.KINDS), 0, False)
    return kind if ok and kind else None


def stats_text(s: cases.CaseStats) -> str:
    t = s.total
    head = tr("{y}年：受理 {n} 件，已办结 {c} 件，办理中 {o} 件，超期 {x} 件，平均用时 {a}").format(
        y=s.year, n=t.count, c=t.closed, o=t.open, x=t.overdue,
        a=tr("{d} 个工作日").format(d=t.avg_days) if t.avg_days is not None else "—")
    parts = [tr("{k} {n}件（办结{c}，平均{a}日，超期{x}）").format(
        k=r.kind, n=r.count, c=r.closed, a=r.avg_days if r.avg_days is not None else "—", x=r.overdue)
        for r in s.rows if r.count]
    return head + ("\n" + tr("按类别：") + "；".join(parts) if parts else "")


class CasesTab(QWidget):
    def __init__(self, env, parent=None):
        super().__init__(parent)
        self.env = env
        lay = QVBoxLayout(self)
        bar = widgets.FlowLayout()  # wraps onto a second line on a 1024-wide screen
        self.kind = combo([(tr("全部类别"), None)] + [(k, k) for k in cases.KINDS], self)
        self.status = combo([(tr("全部状态"), None)] + [(v, k) for k, v in cases.STATUS.items()], self)
        self.year = combo(_years(), self)
        self.search = line(tr("姓名 / 身份证号 / 单位 / 内容"))
        self.search.setMinimumWidth(self.search.fontMetrics().horizontalAdvance(self.search.placeholderText()) + 24)
        self.new_btn = button(tr("新建事项(&N)…"), self.new_case)
        self.close_btn = button(tr("办结(&C)…"), self.close_case)
        self.edit_btn = button(tr("编辑(&E)…"), self.edit_case, tip=tr("修改办理中事项的内容、部门、时限、经办人、依据"))
        self.reopen_btn = button(tr("重新办理(&R)…"), self.reopen_case, tip=tr("已办结的事项重新办理（须写明原因）"))
        self.print_btn = button(tr("打印(&P)…"), self.print_case, tip=tr("所选事项的人才服务事项办理单（PDF）"))
        self.export_btn = button(tr("导出统计表…"), self.export_stats, tip=tr("所选年度按类别的统计表（Excel）"))
        for w in (self.kind, self.status, self.year):
            bar.addWidget(w)
            w.currentIndexChanged.connect(lambda *_: self.reload())
        bar.addWidget(self.search)
        for b in (self.new_btn, self.edit_btn, self.close_btn, self.reopen_btn, self.print_btn, self.export_btn):
            bar.addWidget(b)
        lay.addLayout(bar)
        self.model = RowsModel([
            Col(tr("编号"), "id", kind="int", width=3),
            Col(tr("状态"), "status_text", width=5, sample="未办结（超期）"),
            Col(tr("类别"), "kind", width=4, sample="配偶安置"),
            Col(tr("姓名"), "talent_name", width=4),
            Col(tr("身份证号"), lambda v: idcard.mask(v.id_number), width=10, tip="id_number", sample=ID_SAMPLE),
            Col(tr("申请日期"), "requested_on", kind="date", width=6),
            # the time limit is in the tooltip; a case without one shows 不限时 here
            Col(tr("办结期限"), "due_date", kind="date", width=6, tip=lambda v: tr("时限：") + v.limit_text,
                display=lambda v: None if v.due_date else tr("不限时")),
            Col(tr("用时（日）"), "days_taken", kind="int", width=4,
                tip=lambda v: tr("从申请日起的工作日数（申请当日不计入）")),
            Col(tr("责任部门"), "department", width=8, tip="department", sample="人力资源社会保障部门"),
            Col(tr("事项内容"), "summary", width=10, stretch=True, tip="summary"),
            Col(tr("依据"), "article", width=10, tip="article"),
        ], self, muted=lambda v: v.status == "closed")
        self.table = DataTable(self.model, self)
        self.table.selection_changed.connect(self._selected)
        self.table.activated_row.connect(lambda v: self.edit_case() if v.closed_on is None else None)
        lay.addWidget(self.table, 1)
        self.stats = hint("")
        self.stats.setObjectName("care_stats")
        lay.addWidget(self.stats)
        lay.addWidget(hint(CASE_NOTE))
        self.search.textChanged.connect(lambda *_: self._apply_search())
        self.new_btn.setEnabled(allowed(env, "case.write"))
        self._all: list = []

    def set_filters(self, *, status: str | None = None, kind: str | None = None, year: int | None = None) -> None:
        for box, value in ((self.status, status), (self.kind, kind)):
            box.blockSignals(True)
            box.setCurrentIndex(max(0, box.findData(value)))
            box.blockSignals(False)
        self.year.blockSignals(True)
        self.year.setCurrentIndex(self.year.findData(year) if year else (self.year.count() - 1 if status else 0))
        self.year.blockSignals(False)

    def reload(self) -> None:
        year = self.year.currentData()
        ok, rows = call(self.env, cases.list_cases, self.env.ctx, kind=self.kind.currentData(),
                        status=self.status.currentData(), year=year)
        self._all = rows if ok else []
        self._apply_search()
        ok, s = call(self.env, cases.yearly_stats, self.env.ctx, year or dt.date.today().year)
        self.stats.setText(stats_text(s) if ok else "")

    def _apply_search(self) -> None:
        text = self.search.text().strip().lower()
        self.model.set_rows([v for v in self._all if not text or any(
            text in (x or "").lower() for x in (v.talent_name, v.id_number, v.employer, v.summary))])
        self._selected()

    def _selected(self) -> None:
        v = self.table.current_row()
        can = allowed(self.env, "case.write")
        self.close_btn.setEnabled(v is not None and v.closed_on is None and can)
        self.edit_btn.setEnabled(v is not None and v.closed_on is None and can)
        self.reopen_btn.setEnabled(v is not None and v.closed_on is not None and can)
        self.print_btn.setEnabled(v is not None and allowed(self.env, "export"))

    def edit_case(self) -> None:
        v = self.table.current_row()
        if v is None or v.closed_on is not None:
            return
        dlg = EditCaseDialog(self.env, v, self)
        if widgets.exec_dialog(dlg) and dlg.saved is not None:
            d = dlg.saved
            self.env.notify(tr("已修改服务事项#{n}").format(n=d.id)
                            + (tr("，办结期限 {d}").format(d=d.due_date) if d.due_date else tr("，不限时")))
            self.reload()

    def reopen_case(self) -> None:
        v = self.table.current_row()
        if v is None or v.closed_on is None:
            return
        reason = widgets.ask_text(self, tr("重新办理"), tr("#{n} {k}（{name}）已于{d}{o}。重新办理的原因：").format(
            n=v.id, k=v.kind, name=v.talent_name, d=v.closed_on, o=v.outcome))
        if reason is None:
            return
        ok, d = call(self.env, cases.reopen, self.env.ctx, v.id, reason)
        if ok:
            notify_changed(self.env, "care")
            self.env.notify(tr("服务事项#{n}已重新办理（{s}）").format(n=d.id, s=d.status_label))
            self.reload()

    def print_case(self) -> None:
        from talentdesk.ui.care.printing import print_record

        v = self.table.current_row()
        if v is not None:
            print_record(self.env, self, "case", v.id, v.talent_name)

    def new_case(self, id_number: str | None = None) -> None:
        dlg = CaseDialog(self.env, id_number, self)
        if widgets.exec_dialog(dlg) and dlg.saved is not None:
            v = dlg.saved
            self.env.notify(tr("已新建服务事项：{name} {kind}").format(name=v.talent_name, kind=v.kind)
                            + (tr("，办结期限 {d}").format(d=v.due_date) if v.due_date else ""))
            self.reload()

    def close_case(self) -> None:
        v = self.table.current_row()
        if v is None or v.closed_on is not None:
            return
        dlg = CloseDialog(self.env, v, self)
        if widgets.exec_dialog(dlg) and dlg.saved is not None:
            d = dlg.saved
            self.env.notify(tr("已办结：{name} {kind}，用时 {n} 个工作日").format(
                name=d.talent_name, kind=d.kind, n=d.days_taken))
            self.reload()

    def export_stats(self) -> None:
        from talentdesk.services.care import care_report

        year = self.year.currentData() or dt.date.today().year
        path = widgets.ask_save_file(self.env, self, tr("导出服务事项统计表"), f"人才服务事项统计{year}.xlsx",
                                     tr("Excel 工作簿 (*.xlsx)"))
        if not path:
            return
        ok, _ = call(self.env, care_report.write_year, self.env.ctx, year, path)
        if ok:
            self.env.notify(tr("已导出：{p}").format(p=path))


class VisitsTab(QWidget):
    def __init__(self, env, parent=None):
        super().__init__(parent)
        self.env = env
        lay = QVBoxLayout(self)
        bar = widgets.FlowLayout()  # wraps onto a second line on a 1024-wide screen
        self.year = combo(_years(), self)
        self.form = combo([(tr("全部形式"), None)] + [(f, f) for f in visits.FORMS], self)
        self.search = line(tr("姓名 / 身份证号 / 单位 / 问题"))
        self.search.setMinimumWidth(self.search.fontMetrics().horizontalAdvance(self.search.placeholderText()) + 24)
        self.add_btn = button(tr("登记走访(&V)…"), self.add_visit)
        self.case_btn = button(tr("由此新建服务事项…"), self.case_from_visit)
        self.print_btn = button(tr("打印(&P)…"), self.print_visit, tip=tr("所选走访的回访记录表（PDF）"))
        for w in (self.year, self.form):
            bar.addWidget(w)
            w.currentIndexChanged.connect(lambda *_: self.reload())
        bar.addWidget(self.search)
        bar.addWidget(self.add_btn)
        bar.addWidget(self.case_btn)
        bar.addWidget(self.print_btn)
        lay.addLayout(bar)
        self.model = RowsModel([
            Col(tr("走访日期"), "visited_on", kind="date", width=6),
            Col(tr("形式"), "form", width=3),
            Col(tr("姓名"), "talent_name", width=4),
            Col(tr("身份证号"), lambda v: idcard.mask(v.id_number), width=10, tip="id_number", sample=ID_SAMPLE),
            Col(tr("用人单位"), "employer", width=13, tip="employer"),
            Col(tr("走访人员"), "visitors", width=11, tip="visitors"),
            Col(tr("反映问题"), "issues", width=10, stretch=True, tip="issues"),
            Col(tr("跟进措施"), "follow_up", width=8, tip="follow_up"),
            Col(tr("服务事项"), lambda v: f"#{v.case_id} {v.case_kind}" if v.case_id else "", width=6,
                sample="#888 配偶安置"),
        ], self)
        self.table = DataTable(self.model, self)
        self.table.selection_changed.connect(self._selected)
        lay.addWidget(self.table, 2)
        self.due_label = QLabel(self)
        self.due_label.setObjectName("care_not_visited")
        self.due_label.setWordWrap(True)
        lay.addWidget(self.due_label)
        self.due_model = RowsModel([
            Col(tr("姓名"), "name", width=4),
            Col(tr("身份证号"), lambda r: idcard.mask(r.id_number), width=10, tip="id_number", sample=ID_SAMPLE),
            Col(tr("用人单位"), "employer", width=14, tip="employer"),
            Col(tr("应走访原因"), "reason", width=12, tip="reason"),
            Col(tr("上次走访"), lambda r: r.last_visit.isoformat() if r.last_visit else tr("从未走访"), width=6,
                stretch=True),
        ], self)
        self.due_table = DataTable(self.due_model, self)
        self.due_table.activated_row.connect(lambda r: self.add_visit(r.id_number))
        lay.addWidget(self.due_table, 1)
        self.search.textChanged.connect(lambda *_: self._apply_search())
        self.add_btn.setEnabled(allowed(env, "visit.write"))
        self._all: list = []

    def reload(self) -> None:
        year = self.year.currentData()
        ok, rows = call(self.env, visits.list_visits, self.env.ctx, year=year, form=self.form.currentData())
        self._all = rows if ok else []
        self._apply_search()
        due_year = year or dt.date.today().year
        ok, due = call(self.env, visits.not_visited, self.env.ctx, due_year)
        n, rows = due if ok else (0, [])
        self.due_label.setText(tr("{y}年度应走访而未走访的高层次人才：{n} 名（{rule}；依据{art}）。双击一行登记走访。").format(
            y=due_year, n=n, rule=visits.MUST_VISIT_RULE, art=visits.MUST_VISIT_ARTICLE))
        self.due_model.set_rows(rows)

    def _apply_search(self) -> None:
        text = self.search.text().strip().lower()
        self.model.set_rows([v for v in self._all if not text or any(
            text in (x or "").lower() for x in (v.talent_name, v.id_number, v.employer, v.issues))])
        self._selected()

    def _selected(self) -> None:
        v = self.table.current_row()
        self.case_btn.setEnabled(v is not None and v.case_id is None and allowed(self.env, "visit.write"))
        self.print_btn.setEnabled(v is not None and allowed(self.env, "export"))

    def print_visit(self) -> None:
        from talentdesk.ui.care.printing import print_record

        v = self.table.current_row()
        if v is not None:
            print_record(self.env, self, "visit", v.id, v.talent_name)

    def add_visit(self, id_number: str | None = None) -> None:
        dlg = VisitDialog(self.env, id_number, self)
        if widgets.exec_dialog(dlg) and dlg.saved is not None:
            v = dlg.saved
            self.env.notify(tr("已登记走访：{name} {d}").format(name=v.talent_name, d=v.visited_on)
                            + (tr("，已新建服务事项#{n}").format(n=v.case_id) if v.case_id else ""))
            self.reload()

    def case_from_visit(self) -> None:
        v = self.table.current_row()
        if v is None or v.case_id is not None:
            return
        kind = ask_kind(self)
        if not kind:
            return
        ok, made = call(self.env, visits.open_case_from_visit, self.env.ctx, v.id, kind)
        if ok:
            self.env.notify(tr("已新建服务事项#{n}（{k}）").format(n=made.id, k=made.kind))
            notify_changed(self.env, "care")
            self.reload()


class Page(PageBase):
    title = tr("人才服务")
    watches = ("care", "talent", "departure")

    def __init__(self, env, parent=None):
        super().__init__(env, parent)
        self.tabs = QTabWidget(self)
        self.cases = CasesTab(env, self)
        self.visits = VisitsTab(env, self)
        self.tabs.addTab(self.cases, tr("服务事项"))
        self.tabs.addTab(self.visits, tr("走访记录"))
        self.tabs.currentChanged.connect(lambda *_: self.refresh())
        self.outer.addWidget(self.tabs, 1)

    def apply_filters(self, **filters) -> None:
        if filters.get("tab") == "visits":
            self.tabs.setCurrentWidget(self.visits)
        else:
            self.cases.set_filters(status=filters.get("status"), kind=filters.get("kind"), year=filters.get("year"))
            self.tabs.setCurrentWidget(self.cases)
        self.refresh()

    def reload(self) -> None:
        self.tabs.currentWidget().reload()

    def focus_search(self) -> None:
        box = self.tabs.currentWidget().search
        box.setFocus()
        box.selectAll()


__all__ = ["Page", "CaseDialog", "CloseDialog", "EditCaseDialog", "VisitDialog", "stats_text"]
