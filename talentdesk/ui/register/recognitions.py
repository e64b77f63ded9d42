"""人才认定: the recognition register (阿党人才字〔2023〕2号 第二十条、第三十六条).

A list filtered by status (待确认/有效/已过期/已撤销), scheme and a search text, with
登记认定… (a clerk records a recognition: it waits for confirmation), 确认 (a reviewer
other than the one who recorded it: 第二十条 “报盟委人才办审核确认后生效”) and 撤销…
(reason asked, then confirmed: 第三十六条). Which benefits a class gives is the rules
engine's: the 待遇审批 dialog shows 待定 while a recognition is not confirmed.

Filters from ``env.navigate("recognitions", status="pending")`` or ``talent=ID``.
"""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QDialogButtonBox, QFormLayout, QHBoxLayout, QLineEdit

from talentdesk.domain import idcard
from talentdesk.domain import recognition as schemes
from talentdesk.domain.errors import TalentDeskError
from talentdesk.services.register import recognitions, talents
from talentdesk.ui.common import widgets
from talentdesk.ui.common.widgets import (ID_SAMPLE, Col, DataTable, FormDialog, PageBase, RowsModel, allowed,
                                         button, call, date_edit, from_qdate, hint, line, notify_changed)
from talentdesk.ui.i18n import tr

ARTICLE_NOTE = tr("依《阿拉善盟人才引进培养和服务保障管理办法（试行）》第二十条，人才评价认定结果报盟委人才办"
                  "审核确认后生效；第三十六条，考核不合格的注销认定结果。认定须由登记人以外的审核人确认；"
                  "未确认、已过期或已撤销的认定，依人才类别（层次）享受的待遇一律待定。")


def _confirmed(env, v) -> str:
    """“2025-10-28 李审核” (the person's name, not the log-in name)."""
    return f"{v.confirmed_on} {widgets.person(env, v.confirmed_by) or '—'}" if v.confirmed_on else ""


def _revoked(env, v) -> str:
    return (f"{v.revoked_on} {widgets.person(env, v.revoked_by) or '—'}：{v.revoke_reason or ''}"
            if v.revoked_on else "")


class RecognitionDialog(FormDialog):
    """登记认定: the talent (found by name or 身份证号), scheme, class or tier, body, 文号,
    date and an optional last valid day."""

    def __init__(self, env, id_number: str | None = None, parent=None):
        super().__init__(env, tr("登记人才认定"), parent)
        self.saved = None
        form = QFormLayout()
        self.search = line(tr("输入姓名、拼音首字母或身份证号查找"))
        self.talent = QComboBox(self)
        self.talent.setMinimumContentsLength(28)
        self.scheme = widgets.combo([(s, s) for s in schemes.SCHEMES], self)
        self.tier = QComboBox(self)
        self.body_edit = QLineEdit(self)
        self.doc_no = QLineEdit(self)
        self.doc_no.setPlaceholderText(tr("认定文件的文号，如 阿人才办字〔2025〕5号"))
        self.recognised_on = date_edit(parent=self)
        self.open_ended = QCheckBox(tr("长期有效(&Y)"), self)
        self.open_ended.setChecked(True)
        self.valid_until = date_edit(parent=self)
        self.valid_until.setEnabled(False)
        until = QHBoxLayout()
        until.addWidget(self.valid_until)
        until.addWidget(self.open_ended)
        form.addRow(tr("查找人才(&F)："), self.search)
        form.addRow(tr("人才(&T)："), self.talent)
        form.addRow(tr("认定类型(&S)："), self.scheme)
        form.addRow(tr("类别或层次(&L)："), self.tier)
        form.addRow(tr("认定机构(&B)："), self.body_edit)
        form.addRow(tr("认定文号(&N)："), self.doc_no)
        form.addRow(tr("认定日期(&D)："), self.recognised_on)
        form.addRow(tr("有效期至："), until)
        self.form = form
        self.body.addLayout(form)
        self.body.addWidget(hint(ARTICLE_NOTE))
        self.finish_layout()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("登记（待确认）"))
        # the keyboard goes down the form as it reads: the last valid day before 长期有效
        order = [self.search, self.talent, self.scheme, self.tier, self.body_edit, self.doc_no,
                 self.recognised_on, self.valid_until, self.open_ended]
        for a, b in zip(order, order[1:]):
            self.setTabOrder(a, b)
        self.search.textChanged.connect(self._find)
        self.scheme.currentIndexChanged.connect(lambda *_: self._scheme_changed())
        self.open_ended.toggled.connect(lambda on: self.valid_until.setEnabled(not on))
        self._scheme_changed()
        self.watch(self.talent, self.scheme, self.tier, self.body_edit, self.doc_no, self.recognised_on,
                   self.valid_until, self.open_ended)
        if id_number:
            self.search.setText(id_number)
        self.dirty = False
        self.resize(560, self.sizeHint().height())

    def _find(self, text: str) -> None:
        self.talent.clear()
        if text.strip():
            ok, found = call(self.env, talents.list_talents, self.env.ctx, search=text.strip(), limit=30)
            for s in (found[1] if ok else []):
                self.talent.addItem(f"{s.name}　{idcard.mask(s.id_number)}　{s.employer or ''}", s.id_number)

    def _scheme_changed(self) -> None:
        scheme = self.scheme.currentData()
        tiers = schemes.SCHEMES.get(scheme)
        self.tier.clear()
        self.tier.setEditable(tiers is None)
        for t in tiers or ():
            self.tier.addItem(schemes.tier_label(scheme, t), t)
        if tiers is None:
            self.tier.lineEdit().setPlaceholderText(tr("项目名称或批次，如 第三批阿拉善英才"))
        self.body_edit.setText(schemes.DEFAULT_BODY.get(scheme, ""))

    def accept_form(self) -> bool:
        idn = self.talent.currentData()
        if not idn:
            self.env.show_error(TalentDeskError(tr("请先选择人才")))
            return False
        tier = self.tier.currentData() if not self.tier.isEditable() else self.tier.currentText()
        ok, view = call(self.env, recognitions.propose, self.env.ctx, talent=idn, scheme=self.scheme.currentData(),
                        tier=tier or "", doc_no=self.doc_no.text(), body=self.body_edit.text(),
                        recognised_on=from_qdate(self.recognised_on.date()),
                        valid_until=None if self.open_ended.isChecked() else from_qdate(self.valid_until.date()))
        if ok:
            self.saved = view
        return ok


class Page(PageBase):
    title = tr("人才认定")
    watches = ("recognition", "talent")

    def __init__(self, env, parent=None):
        super().__init__(env, parent)
        bar = QHBoxLayout()
        self.status = widgets.combo([(tr("全部状态"), None)] + [(v, k) for k, v in recognitions.STATUS.items()], self)
        self.scheme = widgets.combo([(tr("全部认定类型"), None)] + [(s, s) for s in schemes.SCHEMES], self)
        self.search = line(tr("姓名 / 身份证号 / 文号"))
        self.add_btn = button(tr("登记认定(&A)…"), self.add_recognition)
        self.confirm_btn = button(tr("确认(&C)"), self.confirm_recognition,
                                  tip=tr("审核确认所选认定（第二十条：确认后生效）"))
        self.revoke_btn = button(tr("撤销(&R)…"), self.revoke_recognition,
                                 tip=tr("撤销所选认定（第三十六条），记录保留"))
        for w in (self.status, self.scheme):
            bar.addWidget(w)
        bar.addWidget(self.search, 1)
        self.print_btn = button(tr("打印(&P)…"), self.print_form, tip=tr("所选认定的人才认定备案表（PDF）"))
        for b in (self.add_btn, self.confirm_btn, self.revoke_btn, self.print_btn):
            bar.addWidget(b)
        self.outer.addLayout(bar)
        self.model = RowsModel([
            Col(tr("编号"), "id", kind="int", width=3),
            Col(tr("状态"), "status_label", width=4, tip=lambda v: _revoked(env, v) or _confirmed(env, v)),
            Col(tr("姓名"), "name", width=4),
            Col(tr("身份证号"), lambda v: idcard.mask(v.id_number), width=10, tip="id_number", sample=ID_SAMPLE),
            Col(tr("认定类型"), "scheme", width=8, tip="body", sample="包头市高层次人才认定"),
            Col(tr("类别或层次"), "tier_label", width=8, sample="第三批阿拉善英才"),
            Col(tr("认定文号"), "doc_no", width=10, tip="doc_no", sample="阿人才办认〔2025〕12号"),
            Col(tr("认定日期"), "recognised_on", kind="date", width=6),
            Col(tr("有效期至"), "valid_until", kind="date", width=6,
                display=lambda v: None if v.valid_until else tr("长期")),
            Col(tr("登记人"), lambda v: widgets.person(env, v.proposed_by), width=5, tip="proposed_by",
                sample="演示经办员"),
            Col(tr("确认"), lambda v: _confirmed(env, v) or tr("待确认"), width=8,
                sample="2026-12-31 演示审核员"),
            Col(tr("认定机构"), "body", width=8, tip="body", sample=schemes.DEFAULT_BODY.get("阿拉善盟人才分类")),
            Col(tr("撤销"), lambda v: _revoked(env, v), width=10, tip=lambda v: _revoked(env, v)),
        ], self, muted=lambda v: v.status in ("expired", "revoked"))
        self.table = DataTable(self.model, self)
        self.table.selection_changed.connect(self._update_buttons)
        self.outer.addWidget(self.table, 1)
        self.totals = hint("")
        self.outer.addWidget(self.totals)
        self.outer.addWidget(hint(ARTICLE_NOTE))
        self.status.currentIndexChanged.connect(lambda *_: self.reload())
        self.scheme.currentIndexChanged.connect(lambda *_: self.reload())
        self.search.textChanged.connect(lambda *_: self._apply_search())
        self._talent = None
        self._all = []
        self._update_buttons()

    def apply_filters(self, **filters) -> None:
        self.status.blockSignals(True)
        self.status.setCurrentIndex(max(0, self.status.findData(filters.get("status"))))
        self.status.blockSignals(False)
        self._talent = filters.get("talent")
        self.refresh()

    def reload(self) -> None:
        ok, rows = call(self.env, recognitions.list_recognitions, self.env.ctx, status=self.status.currentData(),
                        scheme=self.scheme.currentData(), talent=self._talent)
        self._all = rows if ok else []
        self._apply_search()

    def _apply_search(self) -> None:
        text = self.search.text().strip().lower()
        rows = [v for v in self._all if not text or text in v.name.lower() or text in v.id_number.lower()
                or text in v.doc_no.lower()]
        self.model.set_rows(rows)
        pending = sum(1 for v in rows if v.status == "pending")
        self.totals.setText(tr("共 {n} 条认定，其中待确认 {p} 条").format(n=len(rows), p=pending))
        self._update_buttons()

    def _update_buttons(self) -> None:
        v = self.table.current_row()
        self.add_btn.setEnabled(allowed(self.env, "recognition.propose"))
        if v is not None and v.status == "pending":
            widgets.set_approvable(self.confirm_btn, self.env, "recognition.confirm", [v.proposed_by],
                                   tr("审核确认所选认定（第二十条：确认后生效）"))
        else:
            self.confirm_btn.setEnabled(False)
            self.confirm_btn.setToolTip(tr("只有待确认的认定可以确认"))
        self.revoke_btn.setEnabled(v is not None and v.revoked_on is None and allowed(self.env, "recognition.revoke"))
        self.print_btn.setEnabled(v is not None and allowed(self.env, "export"))

    def print_form(self) -> None:
        """人才认定备案表 of the selected recognition."""
        from talentdesk.ui.care.printing import print_record

        v = self.table.current_row()
        if v is not None:
            print_record(self.env, self, "recognition", v.id, v.name)

    def add_recognition(self) -> None:
        dlg = RecognitionDialog(self.env, self._talent, self)
        if widgets.exec_dialog(dlg) and dlg.saved is not None:
            self.env.notify(tr("已登记认定（待确认）：{name} {tier}").format(name=dlg.saved.name, tier=dlg.saved.tier_label))
            notify_changed(self.env, "recognition")
            self.refresh()
            self.select(dlg.saved.id)

    def confirm_recognition(self) -> None:
        v = self.table.current_row()
        if v is None:
            return
        if not self.env.confirm(tr("确认 {name} 的{scheme}认定（{tier}，文号{doc}）吗？确认后即生效，"
                                   "依此类别（层次）的待遇据此判断。").format(
                name=v.name, scheme=v.scheme, tier=v.tier_label, doc=v.doc_no)):
            return
        ok, done = call(self.env, recognitions.confirm, self.env.ctx, v.id, expected_version=v.version)
        if ok:
            self.env.notify(tr("已确认：{name} {tier}").format(name=done.name, tier=done.tier_label))
            notify_changed(self.env, "recognition")
            self.refresh()
            self.select(v.id)

    def revoke_recognition(self) -> None:
        v = self.table.current_row()
        if v is None:
            return
        reason = widgets.ask_text(self, tr("撤销认定"), tr("撤销原因（必填，如：年度考核不合格，第三十六条）："))
        if reason is None:
            return
        if not reason.strip():
            self.env.show_error(TalentDeskError(tr("撤销原因：必须填写")))
            return
        if not self.env.confirm(tr("撤销 {name} 的{scheme}认定（{tier}，文号{doc}）吗？\n撤销原因：{reason}\n"
                                   "撤销后记录保留，依此类别（层次）的待遇转为待定。").format(
                name=v.name, scheme=v.scheme, tier=v.tier_label, doc=v.doc_no, reason=reason)):
            return
        ok, _ = call(self.env, recognitions.revoke, self.env.ctx, v.id, reason, expected_version=v.version)
        if ok:
            notify_changed(self.env, "recognition")
            self.refresh()
            self.select(v.id)

    def select(self, recognition_id: int) -> None:
        for r, v in enumerate(self.model.rows):
            if v.id == recognition_id:
                self.table.selectRow(r)
                return


__all__ = ["Page", "RecognitionDialog"]
