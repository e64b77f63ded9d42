"""单位/平台奖补: the grant dialog of an organisation, opened from 用人单位 — the employer
itself or one of its platforms (平台载体) as the beneficiary; 测算 shows the engine's
answer with its articles (阿党人才字〔2023〕2号 第十八条 引才奖补, 第二十四条 … platforms;
包头 若干措施 第六、十二条); the office's 一事一议 amount is recorded here; 提交 proposes; the
organisation's grants are listed below, where a reviewer approves or sends one back
(four-eyes). Services only: ``org_grants``, ``grants``, ``platforms``."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QSpinBox

from talentdesk.domain import money
from talentdesk.domain.errors import FieldError, ValidationError
from talentdesk.services.benefits import grants, org_grants
from talentdesk.services.register import platforms
from talentdesk.ui.i18n import tr
from talentdesk.ui.common import widgets
from talentdesk.ui.common.widgets import (Col, DataTable, FormDialog, RowsModel, TextView, allowed, button, call,
                                          date_edit, fit_to_screen, from_qdate, hint, line, notify_changed, today)

UNKNOWN = "未核实"


class PlatformDialog(FormDialog):
    """登记平台载体 hosted by ``employer`` (name, 类别, 平台类型, 级别, 认定机构, 文号, 日期)."""

    def __init__(self, env, employer, parent=None):
        from talentdesk.models.duties.platform import PLATFORM_KINDS

        super().__init__(env, tr("登记平台载体 — {name}").format(name=employer.name), parent)
        self.employer = employer
        self.saved = None
        form = QFormLayout()
        self.name = line(tr("平台全称，如 某某公司院士专家工作站"))
        self.kind = QComboBox()
        for k in PLATFORM_KINDS:
            self.kind.addItem(k, k)
        self.category = QComboBox()
        self.category.setEditable(True)
        self.category.addItems(list(platforms.CATEGORIES))
        self.level = QComboBox()
        self.level.addItem(tr("未登记"), None)
        for lv in platforms.LEVELS:
            self.level.addItem(lv, lv)
        self.body_ = line(tr("认定机构"))
        self.doc = line(tr("认定文号"))
        self.recognised_on = date_edit(today())
        for label, w in ((tr("名称："), self.name), (tr("类别："), self.kind), (tr("平台类型："), self.category),
                         (tr("认定级别："), self.level), (tr("认定机构："), self.body_), (tr("认定文号："), self.doc),
                         (tr("认定日期："), self.recognised_on)):
            form.addRow(label, w)
        self.body.addLayout(form)
        self.body.addWidget(hint(tr("平台类型和认定级别决定适用的条款（第二十四、二十七、二十九、三十、三十一、三十四条）；"
                                    "认定日期在政策施行之后的为“新认定”。")))
        self.finish_layout()
        self.watch(self.name, self.doc, self.body_)

    def accept_form(self) -> bool:
        ok, p = call(self.env, platforms.add, self.env.ctx, self.name.text(), kind=self.kind.currentData(),
                     category=self.category.currentText().strip() or None, employer=self.employer.name,
                     level=self.level.currentData(), body=self.body_.text(), doc_no=self.doc.text(),
                     recognised_on=from_qdate(self.recognised_on.date()))
        if ok:
            self.saved = p
            notify_changed(self.env, "employer")
        return ok


class OrgGrantDialog(FormDialog):
    """The grants of one employer and of its platforms."""

    def __init__(self, env, employer, parent=None):
        super().__init__(env, tr("单位/平台奖补 — {name}").format(name=employer.name), parent)
        self.employer = employer
        self.last = None  # the evaluation shown
        self.proposed = None
        top = QFormLayout()
        self.who = QComboBox()
        self.who.addItem(tr("用人单位：{name}").format(name=employer.name), ("employer", employer.name))
        for p in platforms.list_all(env.ctx, employer=employer.name):
            if p.status == "active":
                self.who.addItem(tr("平台载体：{name}（{cat}）").format(name=p.name, cat=p.category or p.kind),
                                 ("platform", p.id))
        self.who.currentIndexChanged.connect(lambda *_: self.evaluate())
        self.add_platform_btn = button(tr("登记平台载体(&L)…"), self.add_platform,
                                       tip=tr("登记该单位依托的工作站、基地、工作室或团队"))
        self.add_platform_btn.setEnabled(allowed(env, "platform.write"))
        who_row = QHBoxLayout()
        who_row.addWidget(self.who, 1)
        who_row.addWidget(self.add_platform_btn)
        self.approved_on = date_edit(today())
        self.doc_no = line(tr("审批文号，须有序号，如 阿人才审〔2025〕12号"))
        top.addRow(tr("受益对象："), who_row)
        top.addRow(tr("批准日期："), self.approved_on)
        top.addRow(tr("审批文号："), self.doc_no)
        self.body.addLayout(top)

        facts = QGroupBox(tr("申请时核实的情况（政策条款读取；未核实的为“待补充”）"))
        grid = QGridLayout(facts)
        self.facts: dict[str, object] = {}
        read = set(org_grants.facts_read(env.ctx, employer=employer.name))
        for n, (key, label, kind) in enumerate(f for f in org_grants.CLERK_FACTS if f[0] in read):
            if kind == "bool" or kind.startswith("choice:"):
                editor = QComboBox()
                editor.addItem(tr(UNKNOWN), None)
                options = [(tr("是"), True), (tr("否"), False)] if kind == "bool" else \
                    [(o, o) for o in kind.split(":", 1)[1].split("/")]
                for text, data in options:
                    editor.addItem(text, data)
            else:
                editor = QSpinBox()
                editor.setRange(-1, 99_999_999)
                editor.setSpecialValueText(tr(UNKNOWN))
                editor.setValue(-1)
                if kind == "fen":
                    editor.setSuffix(tr(" 元"))
            editor.setObjectName(key)
            self.facts[key] = editor
            grid.addWidget(QLabel(tr(label) + "："), n // 2, (n % 2) * 2)
            grid.addWidget(editor, n // 2, (n % 2) * 2 + 1)
        self.body.addWidget(facts)

        row = QHBoxLayout()
        self.benefit = QComboBox()
        self.benefit.setMinimumContentsLength(18)
        self.eval_btn = button(tr("测算(&C)"), self.evaluate, tip=tr("按政策测算受益对象的奖补（不保存）"))
        row.addWidget(QLabel(tr("奖补项目：")))
        row.addWidget(self.benefit, 1)
        row.addWidget(self.eval_btn)
        self.body.addLayout(row)
        self.explain = TextView()
        self.explain.setMinimumHeight(130)
        self.body.addWidget(self.explain, 1)

        dec = QHBoxLayout()
        self.decision_no = line(tr("一事一议决定文号，如 阿人才领字〔2025〕3号"))
        self.decision_amount = QSpinBox()
        self.decision_amount.setRange(0, 99_999_999)
        self.decision_amount.setSuffix(tr(" 元"))
        self.decide_btn = button(tr("登记决定(&D)"), self.record_decision,
                                 tip=tr("登记办公室一事一议核定的金额（政策“最高…”的，须先登记决定）"))
        dec.addWidget(QLabel(tr("一事一议：")))
        dec.addWidget(self.decision_no, 2)
        dec.addWidget(self.decision_amount, 1)
        dec.addWidget(self.decide_btn)
        self.body.addLayout(dec)

        self.model = RowsModel([
            Col(tr("编号"), "id", kind="int", width=4),
            Col(tr("受益对象"), "talent_name", width=16, stretch=True),
            Col(tr("奖补项目"), "benefit_name", width=14),
            Col(tr("金额"), "total_fen", kind="money", width=9),
            Col(tr("已发放"), "paid_fen", kind="money", width=9),
            Col(tr("批准日期"), "approval_date", kind="date", width=8),
            Col(tr("状态"), "status_label", width=5),
        ], self)
        self.table = DataTable(self.model, self)
        self.table.setMinimumHeight(110)
        self.table.selection_changed.connect(self._update_buttons)
        self.body.addWidget(QLabel(tr("该单位及其平台载体的奖补：")))
        self.body.addWidget(self.table)
        acts = QHBoxLayout()
        self.approve_btn = button(tr("批准(&P)"), self.approve, tip=tr("审核人批准选中的申请（不能是提交人本人）"))
        self.reject_btn = button(tr("退回(&R)…"), self.reject_selected)
        acts.addWidget(self.approve_btn)
        acts.addWidget(self.reject_btn)
        acts.addStretch(1)
        self.body.addLayout(acts)
        self.body.addWidget(hint(tr("依据：阿党人才字〔2023〕2号 第十八条（企业引才奖补，旗区企业盟、旗两级各承担50%），"
                                    "第二十四、二十七、二十九、三十、三十一、三十四条（平台载体）；包头 若干措施 第六、十二条。"
                                    "发放在“待遇发放”中办理。")))
        self.buttons.button(self.buttons.StandardButton.Ok).setText(tr("提交申请"))
        self.buttons.button(self.buttons.StandardButton.Cancel).setText(tr("关闭"))
        self.finish_layout()
        self.watch(self.doc_no, self.decision_no)
        fit_to_screen(self, 900, 720)
        self.evaluate()
        self.reload()

    # -------------------------------------------------------------- data

    def subject(self) -> dict:
        kind, key = self.who.currentData()
        return {"employer": key} if kind == "employer" else {"platform": key}

    def given_facts(self) -> dict:
        out = {}
        for key, editor in self.facts.items():
            if isinstance(editor, QComboBox):
                if editor.currentData() is not None:
                    out[key] = editor.currentData()
            elif editor.value() >= 0:
                out[key] = editor.value() * 100 if editor.suffix() else editor.value()
        return out

    def reload(self) -> None:
        rows = grants.list_grants(self.env.ctx, employer=self.employer.name)
        for p in platforms.list_all(self.env.ctx, employer=self.employer.name):
            rows += grants.list_grants(self.env.ctx, platform=p.id)
        self.model.set_rows(sorted(rows, key=lambda g: -g.id))
        self._update_buttons()

    def _update_buttons(self) -> None:
        g = self.table.current_row()
        waiting = g is not None and g.status == "proposed"
        widgets.set_approvable(self.approve_btn, self.env, "grant.approve", [g.proposed_by] if waiting else [],
                               tr("批准选中的申请"))
        self.reject_btn.setEnabled(waiting and allowed(self.env, "grant.reject"))

    # -------------------------------------------------------------- actions

    def add_platform(self) -> None:
        dlg = PlatformDialog(self.env, self.employer, self)
        if widgets.exec_dialog(dlg) and dlg.saved is not None:
            p = dlg.saved
            self.who.addItem(tr("平台载体：{name}（{cat}）").format(name=p.name, cat=p.category or p.kind),
                             ("platform", p.id))
            self.who.setCurrentIndex(self.who.count() - 1)

    def evaluate(self) -> None:
        ok, ev = call(self.env, org_grants.evaluate, self.env.ctx, **self.subject(),
                      approved_on=from_qdate(self.approved_on.date()), facts=self.given_facts())
        if not ok:
            return
        self.last = ev
        current = self.benefit.currentData()
        self.benefit.clear()
        for b in ev.benefits:
            mark = {"eligible": "✓", "ineligible": "✗"}.get(b.status, "？")
            self.benefit.addItem(f"{mark} {b.name}", b.code)
        idx = self.benefit.findData(current)
        if idx < 0:
            idx = next((i for i, b in enumerate(ev.benefits) if b.status == "eligible"), 0)
        self.benefit.setCurrentIndex(idx)
        text = ev.summary_text() if ev.benefits else tr("该政策没有给此类对象的奖补。")
        chosen = next((b for b in ev.benefits if b.code == self.benefit.currentData()), None)
        if chosen is not None and chosen.installments:
            shares = {}
            for i in chosen.installments:
                for level, fen in i.funding.items():
                    shares[level] = shares.get(level, 0) + fen
            step = next((x for x in chosen.explanation if x.check == "funding"), None)
            text = (tr("{name}资金分担：").format(name=chosen.name)
                    + "；".join(f"{org_grants.level_name(ev.policy, k)} {money.yuan(v)}元" for k, v in shares.items())
                    + (f"（{step.basis}）" if step and step.basis else "") + "\n\n" + text)
        self.explain.setPlainText(text)

    def record_decision(self) -> None:
        code = self.benefit.currentData()
        if not self.decision_no.text().strip() or self.decision_amount.value() <= 0:
            self.env.show_error(ValidationError([FieldError("number", "决定文号", None,
                                                            tr("请填写一事一议决定文号和核定金额"))]))
            return
        ok, d = call(self.env, org_grants.record_decision, self.env.ctx, **self.subject(),
                     number=self.decision_no.text().strip(), decided_on=from_qdate(self.approved_on.date()),
                     benefit_code=code, amount_fen=self.decision_amount.value() * 100)
        if ok:
            self.env.notify(tr("已登记决定 {no}（{amount}元）").format(no=d.number, amount=money.yuan(d.amount_fen)))
            self.evaluate()

    def accept_form(self) -> bool:
        code = self.benefit.currentData()
        if not code:
            self.env.show_error(ValidationError([FieldError("benefit_code", "奖补项目", None, tr("请选择奖补项目"))]))
            return False
        decisions = org_grants.list_decisions(self.env.ctx, **self.subject())
        number = next((d.number for d in reversed(decisions) if d.benefit_code == code), None)
        ok, g = call(self.env, org_grants.propose, self.env.ctx, **self.subject(), benefit_code=code,
                     approved_on=from_qdate(self.approved_on.date()), approval_doc_no=self.doc_no.text().strip() or None,
                     decision_number=number, facts=self.given_facts())
        if not ok:
            return False
        self.proposed = g
        notify_changed(self.env, "grant")
        self.env.notify(tr("已提交 {who} 的{what}申请（{amount}元），等待审核").format(
            who=g.talent_name, what=g.benefit_name, amount=money.yuan(g.total_fen)))
        self.dirty = False
        self.reload()
        return False  # stays open: the list shows the new proposal

    def approve(self) -> None:
        g = self.table.current_row()
        if g is None:
            return
        ok, done = call(self.env, grants.approve, self.env.ctx, g.id, expected_version=g.version)
        if ok:
            notify_changed(self.env, "grant")
            for w in done.budget_warnings:
                self.env.notify(w)
            self.reload()

    def reject_selected(self) -> None:
        g = self.table.current_row()
        if g is None:
            return
        reason = widgets.ask_text(self, tr("退回申请"), tr("退回原因："))
        if not reason:
            return
        if call(self.env, grants.reject, self.env.ctx, g.id, reason, expected_version=g.version)[0]:
            notify_changed(self.env, "grant")
            self.reload()


__all__ = ["OrgGrantDialog", "PlatformDialog"]
