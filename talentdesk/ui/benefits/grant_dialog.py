"""待遇审批 dialog: for one talent or a selection, run the policy engine and show each
benefit (eligible or not, amount, schedule, the explanation with its articles); the
clerk ticks the benefits to grant, enters the approval date and document number (and
the 一事一议 decision where one is needed) and proposes them; the installments are
created by ``grants.propose``. A reviewer approves proposed grants from the lower list
(never the proposer: four-eyes, enforced by the service).

Usage (e.g. from 人才库)::

    GrantDialog(env, "152921198803120011", parent).exec()
    GrantDialog(env, [id1, id2, id3], parent).exec()     # a selection
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QGridLayout, QGroupBox,
                               QHBoxLayout, QHeaderView, QLabel, QPlainTextEdit,
                               QSizePolicy, QSplitter, QTableWidget, QTableWidgetItem, QTextBrowser, QVBoxLayout, QWidget)

from talentdesk.domain import idcard, money, roster
from talentdesk.domain.errors import TalentDeskError
from talentdesk.domain.status import FUNDING_LEVELS
from talentdesk.services.benefits import decisions, grants
from talentdesk.services.office import settings
from talentdesk.services.register import talents
from talentdesk.ui.i18n import tr
from talentdesk.ui.common import widgets
from talentdesk.ui.common.widgets import (Col, DataTable, RowsModel, allowed, button, call, date_edit, from_qdate,
                                         line, notify_changed)

STATUS_TEXT = {"eligible": tr("符合"), "ineligible": tr("不符合"), "undetermined": tr("待定（缺少信息）"),
               "not_covered": tr("不在政策期内")}
STATUS_COLOR = {"eligible": "#1b7f3b", "ineligible": "#8a8a8a", "undetermined": "#b8560c", "not_covered": "#b8560c"}
INST_STATUS = {"scheduled": tr("未到期"), "due": tr("已到期"), "awaiting_review": tr("待考核"),
               "awaiting_fact": tr("待核实"), "cancelled": tr("取消")}
OVERRIDE_CHOICES = ((tr("核定金额"), "amount"), (tr("放宽年龄限制"), "age_limit"),
                    (tr("依另行规定决定（政策交由办公室决定的情形）"), "defer"), (tr("核定分期（在说明中写明“分N期”）"), "parts"),
                    (tr("核定退回金额"), "refund"), (tr("其他事项"), "other"))
_WITH_AMOUNT = ("amount", "refund")

# Facts the policy engine may need that the roster does not hold (talentdesk.rules):
# name → editor kind: bool, int, date, money, or a tuple of (label, value) choices.
FACT_KINDS = {
    "spouse_unemployed_months": "int", "serious_illness": "bool", "study_leave": "bool",
    "study_programme": ((tr("博士"), "博士"), (tr("硕士"), "硕士")), "study_urgent_major": "bool",
    "degree_in_term": "bool", "returned_to_post_date": "date", "last_year_taxed_pay_fen": "money",
    "postdoc_exit_date": "date", "contract_end_date": "date", "alashankou_expert": "bool",
    "rare_earth_enterprise": "bool", "service_agreement_years": "int",
    "approval_level": ((tr("盟级"), "league"), (tr("旗（区）级"), "banner")),
    # 包头 引进行动计划 三（一）: 从市外（含海外）引进
    "recruited_from_outside_city": "bool",
    # 包头 若干措施 第十三条: 《包头市高层次人才认定目录（2021年）》 level (一类 highest)
    "baotou_talent_level": tuple((tr(f"{n}类"), k) for k, n in enumerate("一二三四五六七", 1))
    + ((tr("未列入认定目录"), 8),),
}
_MISSING_FACT = re.compile(r"^(?P<label>.+?)（facts\.(?P<name>\w+)）$")


def missing_roster_fields(benefits) -> list[str]:
    """Roster columns (by their Chinese label) the engine said it is missing, in order."""
    out: list[str] = []
    for b in benefits:
        for m in b.missing:
            if m in roster.BY_LABEL and m not in out:
                out.append(m)
    return out


def missing_employer_facts(benefits) -> list[str]:
    """Labels of the missing facts that are the employer's attributes (recorded on the
    用人单位 page, not per grant), in order."""
    from talentdesk.domain import employer_attrs

    out: list[str] = []
    for b in benefits:
        for m in b.missing:
            hit = _MISSING_FACT.match(m)
            if hit and hit["name"] in employer_attrs.ATTRIBUTES_OF_FACT and hit["label"] not in out:
                out.append(hit["label"])
    return out


def missing_facts(benefits) -> dict[str, str]:
    """{fact name: label} of the facts the engine said it is missing (supported kinds only)."""
    out: dict[str, str] = {}
    for b in benefits:
        for m in b.missing:
            hit = _MISSING_FACT.match(m)
            if hit and hit["name"] in FACT_KINDS:
                out.setdefault(hit["name"], hit["label"])
    return out


class FactEditor(QWidget):
    """One fact: an editor that may be left empty (None = not provided, never zero)."""

    changed = Signal()

    def __init__(self, name: str, parent=None):
        super().__init__(parent)
        self.name = name
        self.kind = FACT_KINDS[name]
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        if self.kind == "bool" or isinstance(self.kind, tuple):
            choices = ((tr("是"), True), (tr("否"), False)) if self.kind == "bool" else self.kind
            self.editor = widgets.combo([(tr("（未填）"), None)] + list(choices))
            self.editor.currentIndexChanged.connect(lambda *_: self.changed.emit())
        else:
            hint_text = {"int": tr("整数"), "date": tr("日期，如 2025-06-30"), "money": tr("元")}[self.kind]
            self.editor = line(hint_text)
            self.editor.editingFinished.connect(self.changed.emit)
        lay.addWidget(self.editor)

    def value(self):
        """The typed value, None when empty; raises ValueError (Chinese) when unreadable."""
        from talentdesk.domain import values

        if isinstance(self.editor, QComboBox):
            return self.editor.currentData()
        text = self.editor.text().strip()
        if not text:
            return None
        if self.kind == "int":
            v = values.parse_int(text)
            if v is None:
                raise ValueError(tr("“{t}”不是整数").format(t=text))
            return v
        if self.kind == "date":
            d = values.parse_date(text)
            if d is None:
                raise ValueError(tr("“{t}”不是有效日期").format(t=text))
            return d
        return money.parse_yuan(text)

    def set_value(self, v) -> None:
        if isinstance(self.editor, QComboBox):
            self.editor.setCurrentIndex(max(0, self.editor.findData(v)))
        elif v is None:
            self.editor.clear()
        elif self.kind == "money":
            self.editor.setText(money.yuan(v, thousands=False))
        else:
            self.editor.setText(str(v) if not isinstance(v, dt.date) else v.isoformat())


def _esc(text) -> str:
    import html

    return html.escape(str(text or ""))


def explanation_html(b) -> str:
    """A benefit result (rules.BenefitResult) as HTML: reasons, checks with articles, missing facts."""
    parts = [f"<h3 style='margin:0'>{_esc(b.name)}　<span style='color:{STATUS_COLOR.get(b.status, '#333')}'>"
             f"{_esc(STATUS_TEXT.get(b.status, b.status))}</span></h3>"]
    if b.status == "eligible":
        if b.in_kind:
            parts.append(f"<p>{tr('实物待遇，不发放资金')}</p>")
        elif b.total_fen is not None:
            parts.append(f"<p>{tr('金额')}：<b>{money.yuan(b.total_fen)} {tr('元')}</b>（{money.capitals(b.total_fen)}）"
                         + (f"　{tr('档次')}：{_esc(b.tier)}" if b.tier else "") + "</p>")
        else:
            cap = f"，{tr('最高')} {money.yuan(b.max_fen)} {tr('元')}" if b.max_fen else ""
            parts.append(f"<p style='color:#b8560c'>{tr('金额由一事一议确定')}{cap}。"
                         f"{tr('请先登记一事一议决定（核定金额），再重新计算。')}</p>")
    if b.reasons:
        parts.append("<ul style='margin-top:2px'>" + "".join(f"<li>{_esc(r)}</li>" for r in b.reasons) + "</ul>")
    if b.missing:
        parts.append(f"<p style='color:#b8560c'>{tr('缺少信息')}：{_esc('、'.join(b.missing))}</p>")
    if b.explanation:
        rows = []
        for s in b.explanation:
            mark = {True: "<span style='color:#1b7f3b'>✓</span>", False: "<span style='color:#b00020'>✗</span>"}.get(
                s.passed, "·")
            basis = f"<br><span style='color:#555'>{_esc(s.basis)}</span>" if s.basis else ""
            quote = f"<br><i style='color:#777'>“{_esc(s.quote)}”</i>" if s.quote else ""
            dec = f"<br><span style='color:#1f6fb2'>{tr('一事一议')}：{_esc(s.decision)}</span>" if s.decision else ""
            rows.append(f"<tr><td valign='top' width='18'>{mark}</td><td>{_esc(s.message)}{basis}{quote}{dec}</td></tr>")
        parts.append(f"<p style='margin-bottom:0'><b>{tr('计算过程')}</b></p><table cellspacing='2'>"
                     + "".join(rows) + "</table>")
    if b.basis:
        parts.append(f"<p><b>{tr('依据')}</b>：{_esc('；'.join(b.basis))}</p>")
    return "".join(parts)


class DecisionDialog(widgets.FormDialog):
    """登记一事一议决定 for one talent."""

    def __init__(self, env, id_number: str, benefits: Sequence[tuple[str, str]], benefit_code: str | None = None,
                 parent=None):
        super().__init__(env, tr("登记一事一议决定"), parent)
        self.id_number = id_number
        self.saved = None
        form = QFormLayout()
        self.number = line(tr("如 阿左人才领字〔2025〕3号"))
        self.decided_on = date_edit()
        self.override = widgets.combo(OVERRIDE_CHOICES)
        self.benefit = widgets.combo([(tr("（适用于全部待遇）"), None)] + [(name, code) for code, name in benefits])
        if benefit_code:
            self.benefit.setCurrentIndex(max(0, self.benefit.findData(benefit_code)))
        self.amount = line(tr("元，如 150000"))
        self.description = QPlainTextEdit()
        self.description.setFixedHeight(70)
        form.addRow(tr("决定文号(&N)："), self.number)
        form.addRow(tr("决定日期："), self.decided_on)
        form.addRow(tr("事项："), self.override)
        form.addRow(tr("待遇项目："), self.benefit)
        form.addRow(tr("核定金额（元）："), self.amount)
        form.addRow(tr("说明："), self.description)
        self.body.addLayout(form)
        self.finish_layout()
        self.override.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()
        self.watch(self.number, self.override, self.benefit, self.amount, self.description)
        self.dirty = False
        self.resize(480, self.sizeHint().height())

    def _kind_changed(self, *_):
        self.amount.setEnabled(self.override.currentData() in _WITH_AMOUNT)

    def accept_form(self) -> bool:
        amount = None
        if self.override.currentData() in _WITH_AMOUNT:
            try:
                amount = money.parse_yuan(self.amount.text())
            except ValueError as exc:
                self.env.show_error(TalentDeskError(tr("核定金额：") + str(exc)))
                return False
        ok, result = call(self.env, decisions.record, self.env.ctx, self.id_number,
                          number=self.number.text().strip(), decided_on=from_qdate(self.decided_on.date()),
                          override=self.override.currentData(), benefit_code=self.benefit.currentData(),
                          amount_fen=amount, description=self.description.toPlainText().strip() or None)
        if ok:
            self.saved = result
            notify_changed(self.env, "decision")
        return ok


class GrantDialog(QDialog):
    def __init__(self, env, id_number: str | Sequence[str], parent=None):
        super().__init__(parent)
        self.env = env
        self.ids = [id_number] if isinstance(id_number, str) else list(id_number)
        self.evaluation = None
        self.proposed = []  # GrantViews created in this dialog
        self._dirty = False
        self.setWindowTitle(tr("待遇审批"))
        widgets.fit_to_screen(self, 1160, 820)
        office = settings.get_settings(env.ctx)

        lay = QVBoxLayout(self)
        top = QHBoxLayout()
        self.talent = QComboBox()
        self.talent.setMinimumContentsLength(24)
        for idn in self.ids:
            ok, t = call(env, talents.get, env.ctx, idn)
            label = f"{t.name}　{idcard.mask(t.id_number)}　{t.record.get('employer_name') or ''}" if ok else idn
            self.talent.addItem(label, idn)
        self.talent.setVisible(len(self.ids) > 1)
        self.talent_label = QLabel("")
        f = QFont(self.talent_label.font())
        f.setPointSize(f.pointSize() + 2)
        f.setBold(True)
        self.talent_label.setFont(f)
        top.addWidget(self.talent_label)
        top.addWidget(self.talent)
        top.addStretch(1)
        lay.addLayout(top)

        inputs = QHBoxLayout()
        self.policy = QComboBox()
        # long policy titles must not widen the dialog past a 1024-pixel screen
        self.policy.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.policy.setMinimumContentsLength(18)
        try:
            from talentdesk import paths, rules

            packs = rules.load_packs((paths.user_policy_dir(),), errors=[])
        except Exception:  # noqa: BLE001 - a broken policy folder must not block the dialog
            packs = {}
        self.policy.addItem(tr("按人才适用政策"), None)
        for pid, pack in sorted(packs.items()):
            self.policy.addItem(f"{pack.title}（{pid}）", pid)
        self.approved_on = date_edit()
        year = dt.date.today().year
        self.doc_no = line(tr("审批文号"), f"{office.doc_prefix}〔{year}〕号" if office.doc_prefix else "")
        self.doc_no.setMinimumWidth(200)
        self.evaluate_btn = button(tr("计算(&E)"), self.evaluate, tip=tr("按所选政策和批准日期重新计算"))
        inputs.addWidget(QLabel(tr("政策：")))
        inputs.addWidget(self.policy, 2)
        inputs.addWidget(QLabel(tr("批准日期(&D)：")))
        inputs.addWidget(self.approved_on)
        inputs.addWidget(QLabel(tr("审批文号(&O)：")))
        inputs.addWidget(self.doc_no, 1)
        inputs.addWidget(self.evaluate_btn)
        lay.addLayout(inputs)
        self.warnings = QLabel("")
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet("color: #b8560c;")
        self.warnings.setVisible(False)
        lay.addWidget(self.warnings)
        self.facts: dict = {}
        self.fact_editors: dict[str, FactEditor] = {}
        self.facts_box = QGroupBox(tr("补充条件（花名册以外的情况，填写后重新计算）"))
        self.facts_grid = QGridLayout(self.facts_box)
        self.facts_grid.setContentsMargins(8, 4, 8, 4)
        self.facts_grid.setVerticalSpacing(4)
        self.facts_grid.setColumnStretch(1, 1)
        self.facts_grid.setColumnStretch(3, 1)
        self.fact_labels: dict[str, QLabel] = {}
        self.facts_box.setVisible(False)
        lay.addWidget(self.facts_box)
        # the employer's attributes the engine is missing (所属行业, 参公 …): recorded once for
        # the employer, on its page, then evaluated again
        self.employer_box = QWidget()
        ebox = QHBoxLayout(self.employer_box)
        ebox.setContentsMargins(0, 0, 0, 0)
        self.employer_missing = QLabel("")
        self.employer_missing.setWordWrap(True)
        self.employer_missing.setStyleSheet("color: #b8560c;")
        self.employer_btn = button(tr("登记单位属性(&U)…"), self.edit_employer,
                                   tip=tr("在用人单位信息中登记所属行业、是否参公管理等，保存后重新计算"))
        ebox.addWidget(self.employer_missing, 1)
        ebox.addWidget(self.employer_btn)
        self.employer_box.setVisible(False)
        lay.addWidget(self.employer_box)
        # roster facts the engine is missing (合同期限, 院校类别 …): filled in here and saved to
        # the talent's record (audited like any edit), then evaluated again
        self.roster_box = QGroupBox(tr("补充人才信息（花名册缺项，保存到人才信息后重新计算）"))
        self.roster_grid = QGridLayout(self.roster_box)
        self.roster_grid.setContentsMargins(8, 4, 8, 4)
        self.roster_grid.setVerticalSpacing(4)
        self.roster_editors: dict[str, QWidget] = {}
        self.roster_save_btn = button(tr("保存并重新计算"), self.save_roster_fields)
        self.roster_box.setVisible(False)
        lay.addWidget(self.roster_box)

        split = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_lay = QVBoxLayout(left)
        left_lay.setContentsMargins(0, 0, 0, 0)
        self.benefits = QTableWidget(0, 5)
        self.benefits.setHorizontalHeaderLabels([tr("申请"), tr("待遇项目"), tr("结果"), tr("金额（元）"), tr("一事一议决定")])
        self.benefits.verticalHeader().setVisible(False)
        self.benefits.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.benefits.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.benefits.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        hh = self.benefits.horizontalHeader()
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for col, w in ((0, 44), (2, 120), (3, 110), (4, 150)):
            self.benefits.setColumnWidth(col, w)
        self.benefits.verticalHeader().setDefaultSectionSize(30)
        self.benefits.currentCellChanged.connect(lambda *_: self._show_current())
        left_lay.addWidget(self.benefits, 3)
        self.schedule = QTableWidget(0, 5)
        self.schedule.setHorizontalHeaderLabels([tr("应发日期"), tr("金额（元）"), tr("资金来源"), tr("条件"), tr("状态")])
        self.schedule.verticalHeader().setVisible(False)
        self.schedule.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.schedule.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        for col, w in ((0, 92), (1, 100), (2, 130), (4, 64)):
            self.schedule.setColumnWidth(col, w)
        left_lay.addWidget(QLabel(tr("发放计划")))
        left_lay.addWidget(self.schedule, 2)
        split.addWidget(left)
        self.explain = QTextBrowser()
        self.explain.setOpenExternalLinks(False)
        split.addWidget(self.explain)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        # the evaluation above, the talent's grants below: one vertical splitter, so that a
        # 768-pixel screen keeps the buttons on it and the clerk chooses what gets the room
        self.vsplit = QSplitter(Qt.Orientation.Vertical)
        self.vsplit.setChildrenCollapsible(False)
        upper = QWidget()
        upper_lay = QVBoxLayout(upper)
        upper_lay.setContentsMargins(0, 0, 0, 0)
        upper_lay.addWidget(split, 1)
        lay.addWidget(self.vsplit, 1)

        actions = QHBoxLayout()
        self.decision_btn = button(tr("登记一事一议决定…"), self.add_decision)
        self.summary = QLabel("")
        self.propose_btn = button(tr("提交审批(&S)"), self.propose, tip=tr("为勾选的待遇生成分期，提交审核人批准"))
        actions.addWidget(self.decision_btn)
        actions.addStretch(1)
        actions.addWidget(self.summary)
        actions.addWidget(self.propose_btn)
        upper_lay.addLayout(actions)
        self.vsplit.addWidget(upper)

        box = QGroupBox(tr("已有待遇申请"))
        box_lay = QVBoxLayout(box)
        self.grants_model = RowsModel([
            Col(tr("编号"), "id", kind="int", width=3),
            Col(tr("待遇项目"), lambda g: g.benefit_name or g.benefit_code, width=8, stretch=True),
            Col(tr("金额（元）"), "total_fen", kind="money", width=7),
            Col(tr("批准日期"), "approval_date", kind="date", width=6),
            Col(tr("审批文号"), "approval_doc_no", width=10),
            Col(tr("状态"), "status_label", width=4),
            widgets.person_col(env, tr("提交人"), "proposed_by"),
            widgets.person_col(env, tr("审核人"), "approved_by"),
        ], self, muted=lambda g: g.status in ("rejected", "cancelled"))
        self.grants_table = DataTable(self.grants_model, self)
        self.grants_table.setMinimumHeight(self.grants_table.verticalHeader().defaultSectionSize() * 2 + 30)
        self.grants_table.selection_changed.connect(self._grant_selected)
        box_lay.addWidget(self.grants_table)
        row = QHBoxLayout()
        self.approve_btn = button(tr("批准(&A)"), self.approve, tip=tr("审核人批准他人提交的申请"))
        self.reject_btn = button(tr("退回…"), self.reject_grant)
        self.print_btn = button(tr("打印审批表(&P)"), self.print_form, tip=tr("关闭本窗口，在报表打印中预览并打印人才待遇审批表"))
        row.addWidget(self.print_btn)
        row.addStretch(1)
        row.addWidget(self.approve_btn)
        row.addWidget(self.reject_btn)
        box_lay.addLayout(row)
        self.vsplit.addWidget(box)
        self.vsplit.setStretchFactor(0, 4)
        self.vsplit.setStretchFactor(1, 1)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("关闭"))
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)

        self.talent.currentIndexChanged.connect(lambda *_: self._talent_changed())
        self.policy.currentIndexChanged.connect(lambda *_: self.evaluate())
        self.approved_on.dateChanged.connect(lambda *_: self.evaluate())
        self.doc_no.textChanged.connect(self._mark_dirty)
        self.propose_btn.setEnabled(False)
        self.propose_btn.setDefault(True)
        self._talent_changed()

    # -------------------------------------------------------------- state

    @property
    def id_number(self) -> str:
        return self.talent.currentData()

    def _mark_dirty(self, *_):
        self._dirty = True

    def _talent_changed(self) -> None:
        self.facts = {}  # facts are about one person
        for editor in self.fact_editors.values():
            editor.blockSignals(True)
            editor.set_value(None)
            editor.blockSignals(False)
        self.talent_label.setText(self.talent.currentText().split("　")[0] if self.talent.count() else "")
        if len(self.ids) == 1:
            self.talent_label.setText(self.talent.currentText())
        self.evaluate()
        self.reload_grants()

    def reload_grants(self) -> None:
        ok, rows = call(self.env, grants.list_grants, self.env.ctx, self.id_number)
        self.grants_model.set_rows(rows if ok else [])
        self._grant_selected()

    def _decisions(self) -> list:
        ok, rows = call(self.env, decisions.list_decisions, self.env.ctx, self.id_number)
        return rows if ok else []

    # -------------------------------------------------------------- evaluation

    def evaluate(self) -> None:
        approved_on = from_qdate(self.approved_on.date())
        ok, ev = call(self.env, grants.evaluate_talent, self.env.ctx, self.id_number, approved_on=approved_on,
                      policy_id=self.policy.currentData(), as_of=approved_on, facts=dict(self.facts) or None)
        self.evaluation = ev if ok else None
        self.benefits.setRowCount(0)
        self.schedule.setRowCount(0)
        self.explain.clear()
        if not ok:
            self._update_summary()
            return
        active = self._active_codes()
        decs = self._decisions()
        warn = list(ev.warnings)
        if ev.service_years_required is not None:
            warn.insert(0, tr("服务期 {n} 年，至 {d}").format(n=ev.service_years_required, d=ev.service_end))
        self.warnings.setText("；".join(warn))
        self.warnings.setVisible(bool(warn))
        self._update_fact_editors(missing_facts(ev.benefits))
        emp_missing = missing_employer_facts(ev.benefits)
        self.employer_missing.setText(tr("用人单位未登记：{what}（同一单位的人才共用，登记一次即可）").format(
            what="、".join(emp_missing)))
        self.employer_box.setVisible(bool(emp_missing))
        self._update_roster_editors(missing_roster_fields(ev.benefits))
        for b in ev.benefits:
            r = self.benefits.rowCount()
            self.benefits.insertRow(r)
            check = QCheckBox()
            payable = b.status == "eligible" and not b.in_kind and bool(b.installments)
            taken = b.code in active
            check.setEnabled(payable and not taken)
            check.setToolTip(tr("已有申请，不重复享受") if taken else ("" if payable else tr("不能申请：见右侧说明")))
            check.toggled.connect(self._update_summary)
            check.toggled.connect(self._mark_dirty)
            holder = QWidget()
            h = QHBoxLayout(holder)
            h.setContentsMargins(0, 0, 0, 0)
            h.setAlignment(Qt.AlignmentFlag.AlignCenter)
            h.addWidget(check)
            self.benefits.setCellWidget(r, 0, holder)
            name = QTableWidgetItem(b.name)
            name.setData(Qt.ItemDataRole.UserRole, b.code)
            self.benefits.setItem(r, 1, name)
            status = QTableWidgetItem(tr("已申请") if taken else STATUS_TEXT.get(b.status, b.status))
            status.setForeground(QColor(STATUS_COLOR.get(b.status, "#333")))
            self.benefits.setItem(r, 2, status)
            if b.in_kind:
                amount = tr("实物")
            elif b.status == "eligible":
                amount = money.yuan(b.payable_fen) if b.installments else tr("待定")
            else:
                amount = ""
            item = QTableWidgetItem(amount)
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.benefits.setItem(r, 3, item)
            combo = QComboBox()
            combo.addItem(tr("（无）"), None)
            for d in decs:
                if d.benefit_code in (None, b.code):
                    combo.addItem(f"{d.number}", d.number)
            used = next((s.decision for s in b.explanation if s.decision), None)
            if used:
                idx = combo.findData(used)
                if idx < 0:
                    idx = next((i for i in range(combo.count()) if combo.itemData(i) and combo.itemData(i) in used), 0)
                combo.setCurrentIndex(idx)
            combo.setEnabled(combo.count() > 1)
            self.benefits.setCellWidget(r, 4, combo)
        if self.benefits.rowCount():
            self.benefits.setCurrentCell(0, 1)
        self._show_current()
        self._update_summary()

    def edit_employer(self) -> None:
        """Open the talent's employer (用人单位 page's dialog); evaluate again once saved."""
        from talentdesk.services.register import employers
        from talentdesk.ui.register.employers import EmployerDialog

        ok, t = call(self.env, talents.get, self.env.ctx, self.id_number)
        if not ok:
            return
        name = t.record.get("employer_name")
        view = next((e for e in employers.list_all(self.env.ctx) if e.name == name), None)
        if view is None:
            return
        dlg = EmployerDialog(self.env, view, self)
        if widgets.exec_dialog(dlg) and dlg.saved is not None:
            self.evaluate()

    def _update_fact_editors(self, needed: dict[str, str]) -> None:
        """Show an editor for every fact the engine is missing, and keep those filled in."""
        for name, label in needed.items():
            if name not in self.fact_editors:
                editor = FactEditor(name, self)
                editor.changed.connect(lambda name=name: self._fact_changed(name))
                n = len(self.fact_editors)
                caption = QLabel(label + tr("："))
                caption.setToolTip(label)
                self.facts_grid.addWidget(caption, n // 2, (n % 2) * 2)
                self.facts_grid.addWidget(editor, n // 2, (n % 2) * 2 + 1)
                self.fact_editors[name] = editor
                self.fact_labels[name] = caption
        for name, editor in self.fact_editors.items():
            shown = name in needed or name in self.facts
            editor.setVisible(shown)
            self.fact_labels[name].setVisible(shown)
        self.facts_box.setVisible(any(n in needed or n in self.facts for n in self.fact_editors))

    def _update_roster_editors(self, labels: list[str]) -> None:
        while self.roster_grid.count():
            item = self.roster_grid.takeAt(0)
            if item.widget() is not None and item.widget() is not self.roster_save_btn:
                item.widget().deleteLater()
        self.roster_editors = {}
        for n, label in enumerate(labels):
            col = roster.BY_LABEL[label]
            if col.choices:
                editor = widgets.combo([(tr("（未填）"), None)] + [(c, c) for c in col.choices])
            else:
                editor = line({"date": tr("日期，如 2025-06-30"), "decimal": tr("数字，如 5")}.get(col.kind, ""))
            self.roster_grid.addWidget(QLabel(label + tr("：")), n // 2, (n % 2) * 2)
            self.roster_grid.addWidget(editor, n // 2, (n % 2) * 2 + 1)
            self.roster_editors[label] = editor
        if labels:
            self.roster_grid.addWidget(self.roster_save_btn, (len(labels) + 1) // 2, 3)
        self.roster_box.setVisible(bool(labels))

    def set_roster_field(self, label: str, value: str) -> None:
        """Fill one missing roster field as the clerk would (tests)."""
        editor = self.roster_editors[label]
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(editor.findData(value))
        else:
            editor.setText(value)

    def save_roster_fields(self) -> bool:
        raw = {}
        for label, editor in self.roster_editors.items():
            value = editor.currentData() if isinstance(editor, QComboBox) else editor.text().strip()
            if value:
                raw[label] = value
        if not raw:
            return False
        ok, _ = call(self.env, talents.update, self.env.ctx, self.id_number, raw, by="label")
        if ok:
            notify_changed(self.env, "talent")
            self.evaluate()
        return ok

    def _fact_changed(self, name: str) -> None:
        editor = self.fact_editors[name]
        try:
            value = editor.value()
        except ValueError as exc:
            self.env.show_error(TalentDeskError(str(exc)))
            return
        if value is None:
            self.facts.pop(name, None)
        else:
            self.facts[name] = value
        self.evaluate()

    def set_fact(self, name: str, value) -> None:
        """Fill one fact as the clerk would (tests, callers that know it)."""
        self._update_fact_editors({name: name} if name not in self.fact_editors else {})
        self.fact_editors[name].set_value(value)
        self._fact_changed(name)

    def _active_codes(self) -> set[str]:
        ok, rows = call(self.env, grants.list_grants, self.env.ctx, self.id_number)
        return {g.benefit_code for g in rows if g.status in ("proposed", "approved")} if ok else set()

    def _check(self, row: int) -> QCheckBox:
        return self.benefits.cellWidget(row, 0).findChild(QCheckBox)

    def benefit_rows(self) -> dict[str, int]:
        return {self.benefits.item(r, 1).data(Qt.ItemDataRole.UserRole): r for r in range(self.benefits.rowCount())}

    def set_checked(self, code: str, on: bool = True) -> None:
        self._check(self.benefit_rows()[code]).setChecked(on)

    def _show_current(self) -> None:
        r = self.benefits.currentRow()
        self.schedule.setRowCount(0)
        if self.evaluation is None or r < 0:
            self.explain.clear()
            return
        b = self.evaluation.benefits[r]
        self.explain.setHtml(explanation_html(b))
        for i in b.installments:
            row = self.schedule.rowCount()
            self.schedule.insertRow(row)
            funding = "；".join(f"{FUNDING_LEVELS.get(k, k)} {money.yuan(v)}" for k, v in i.funding.items() if v)
            cells = (i.due.isoformat(), money.yuan(i.amount_fen), funding, i.condition or i.note or "",
                     INST_STATUS.get(i.status, i.status))
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if i.status == "cancelled":
                    item.setForeground(QColor("#8a8a8a"))
                if c == 3 and text:
                    item.setToolTip(text)
                self.schedule.setItem(row, c, item)

    def selected_codes(self) -> list[str]:
        return [self.benefits.item(r, 1).data(Qt.ItemDataRole.UserRole) for r in range(self.benefits.rowCount())
                if self._check(r).isChecked()]

    def _update_summary(self, *_):
        codes = self.selected_codes() if self.evaluation else []
        total = sum(self.evaluation.benefit(c).payable_fen for c in codes) if codes else 0
        self.summary.setText(tr("已勾选 {n} 项，合计 {a} 元").format(n=len(codes), a=money.yuan(total)) if codes else "")
        self.propose_btn.setEnabled(bool(codes) and allowed(self.env, "grant.propose"))

    # -------------------------------------------------------------- actions

    def add_decision(self) -> None:
        benefits = [(b.code, b.name) for b in self.evaluation.benefits] if self.evaluation else []
        r = self.benefits.currentRow()
        code = self.evaluation.benefits[r].code if self.evaluation and r >= 0 else None
        dlg = DecisionDialog(self.env, self.id_number, benefits, code, self)
        if widgets.exec_dialog(dlg) and dlg.saved is not None:
            self.evaluate()

    def propose(self) -> None:
        codes = self.selected_codes()
        if not codes:
            return
        try:  # before asking: the pre-filled "…〔2026〕号" still lacks its sequence number
            doc_no = grants.check_approval_doc_no(self.doc_no.text()) or ""
        except TalentDeskError as exc:
            self.env.show_error(exc)
            self.doc_no.setFocus()
            return
        approved_on = from_qdate(self.approved_on.date())
        names = "、".join(self.evaluation.benefit(c).name for c in codes)
        total = sum(self.evaluation.benefit(c).payable_fen for c in codes)
        if not self.env.confirm(tr("为 {who} 提交 {what}，合计 {a} 元（{c}），批准日期 {d}，审批文号“{no}”？").format(
                who=self.talent_label.text().split("　")[0], what=names, a=money.yuan(total),
                c=money.capitals(total), d=approved_on, no=doc_no or tr("（未填）"))):
            return
        rows = self.benefit_rows()
        done, errors = [], []
        for code in codes:
            combo = self.benefits.cellWidget(rows[code], 4)
            try:
                g = grants.propose(self.env.ctx, self.id_number, code, approved_on=approved_on,
                                   approval_doc_no=doc_no or None, policy_id=self.policy.currentData(),
                                   decision_number=combo.currentData(), facts=dict(self.facts) or None)
            except TalentDeskError as exc:
                errors.append(exc.message)
            else:
                done.append(g)
        self.proposed.extend(done)
        if done:
            notify_changed(self.env, "grant")
            self._dirty = False
        text = tr("已提交 {n} 项待遇申请，待审核人批准。").format(n=len(done))
        if errors:
            self.env.show_error(TalentDeskError(text + "\n" + "\n".join("· " + e for e in errors)))
        else:
            self.env.info(text)
        if done and len(self.ids) > 1:
            i = self.talent.currentIndex()
            label = self.talent.itemText(i)
            if not label.endswith(tr("（已提交）")):
                self.talent.setItemText(i, label + tr("（已提交）"))
            if i + 1 < self.talent.count():
                self.talent.setCurrentIndex(i + 1)  # on to the next talent of the selection
                return
        self.reload_grants()
        self.evaluate()

    def _grant_selected(self) -> None:
        g = self.grants_table.current_row()
        me = self.env.ctx.actor
        self.approve_btn.setEnabled(g is not None and g.status == "proposed" and allowed(self.env, "grant.approve")
                                    and (self.env.ctx.role is None or g.proposed_by != me))
        self.reject_btn.setEnabled(g is not None and g.status == "proposed" and allowed(self.env, "grant.reject"))
        self.print_btn.setEnabled(g is not None and g.status == "approved")

    def print_form(self) -> None:
        g = self.grants_table.current_row()
        if g is None or g.status != "approved":
            return
        self.reject()  # close (asks first if benefits are ticked but not proposed)
        if not self.isVisible():
            self.env.navigate("reports", form="approval", talent=g.id_number, benefit=g.benefit_code)

    def approve(self) -> None:
        g = self.grants_table.current_row()
        if g is None:
            return
        if not self.env.confirm(tr("批准 {name} 的{b}，合计 {a} 元？").format(
                name=g.talent_name, b=g.benefit_name or g.benefit_code, a=money.yuan(g.total_fen or 0))):
            return
        from talentdesk.ui.finance.warning import confirm_within_budget

        if not confirm_within_budget(self.env, [g.id]):  # 第四十八条: over budget asks again
            return
        ok, _ = call(self.env, grants.approve, self.env.ctx, g.id, expected_version=g.version)
        if ok:
            notify_changed(self.env, "grant")
            self.reload_grants()

    def reject_grant(self) -> None:
        g = self.grants_table.current_row()
        if g is None:
            return
        reason = widgets.ask_text(self, tr("退回待遇申请"), tr("退回原因："))
        if not reason:
            return
        ok, _ = call(self.env, grants.reject, self.env.ctx, g.id, reason, expected_version=g.version)
        if ok:
            notify_changed(self.env, "grant")
            self.reload_grants()
            self.evaluate()

    def reject(self) -> None:
        """Close (Esc, the Close button); ticked benefits not yet proposed are not
        silently dropped."""
        if self._dirty and self.selected_codes() and not self.env.confirm(
                tr("勾选的待遇尚未提交审批，确定关闭吗？")):
            return
        self._dirty = False
        super().reject()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self._dirty and self.selected_codes() and not self.env.confirm(tr("勾选的待遇尚未提交审批，确定关闭吗？")):
            event.ignore()
            return
        self._dirty = False
        super().closeEvent(event)


__all__ = ["GrantDialog", "DecisionDialog", "explanation_html"]
