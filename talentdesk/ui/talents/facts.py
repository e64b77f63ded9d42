"""服务年度情况 on the talent's page: record a year's facts for a grant (months served,
days on site, return to post) after approval; what the engine still waits for is listed
as “待补充：…” with the article. The service (``grant_facts``) audits and re-evaluates."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QSpinBox

from talentdesk.services.benefits import grant_facts
from talentdesk.ui.i18n import tr
from talentdesk.ui.common.widgets import FormDialog, call, hint, notify_changed

UNSET = -1


def _spin(high: int, suffix: str) -> QSpinBox:
    s = QSpinBox()
    s.setRange(UNSET, high)
    s.setSpecialValueText(tr("未登记"))
    s.setSuffix(suffix)
    s.setValue(UNSET)
    return s


class YearFactsDialog(FormDialog):
    """Facts of one service year of one grant (``grant``: a talent_query.GrantLine)."""

    def __init__(self, env, grant, *, year: int = 1, parent=None):
        super().__init__(env, tr("登记服务年度情况"), parent)
        self.grant = grant
        self.outcome: grant_facts.FactOutcome | None = None
        ok, rows = call(env, grant_facts.list_facts, env.ctx, grant.id)
        self.known = {r.year: r.values for r in rows} if ok else {}
        form = QFormLayout()
        form.addRow(tr("待遇："), QLabel(f"{grant.benefit_name}（{tr('编号')}{grant.id}）"))
        self.year = QSpinBox()
        self.year.setRange(1, grant_facts.MAX_YEAR)
        self.year.setPrefix(tr("第 "))
        self.year.setSuffix(tr(" 个服务年度"))
        self.year.setMinimumWidth(170)
        self.year.setToolTip(tr("自待遇起算的第几年（1 为第一年），不是公历年份"))
        self.months = _spin(12, tr(" 个月"))
        self.days = _spin(366, tr(" 天"))
        self.returned = QComboBox()
        for label, value in ((tr("未登记"), None), (tr("是"), True), (tr("否"), False)):
            self.returned.addItem(label, value)
        form.addRow(tr("服务年度(&Y)："), self.year)
        form.addRow(tr("服务月数(&M)："), self.months)
        form.addRow(tr("在岗（驻地）天数(&D)："), self.days)
        form.addRow(tr("是否返岗(&R)："), self.returned)
        self.body.addLayout(form)
        self.body.addWidget(hint(tr("例如阿拉山口特聘专家补贴按“一年内累计服务满6个月”逐年发放：登记后立即重新测算，"
                                    "不满的年度对应分期取消，更正后恢复；选“未登记”即删除该项。")))
        self.finish_layout()
        self.year.valueChanged.connect(self._show_year)
        self.year.setValue(year)
        self._show_year()
        self.watch(self.months, self.days, self.returned)
        self.dirty = False

    def _show_year(self, *_) -> None:
        values = self.known.get(self.year.value(), {})
        for w in (self.months, self.days, self.returned):
            w.blockSignals(True)
        self.months.setValue(values.get("months_served", UNSET))
        self.days.setValue(values.get("onsite_days", UNSET))
        self.returned.setCurrentIndex(max(0, self.returned.findData(values.get("returned_to_post"))))
        if "returned_to_post" not in values:
            self.returned.setCurrentIndex(0)
        for w in (self.months, self.days, self.returned):
            w.blockSignals(False)

    def values(self) -> dict:
        known = self.known.get(self.year.value(), {})
        out = {"months_served": None if self.months.value() == UNSET else self.months.value(),
               "onsite_days": None if self.days.value() == UNSET else self.days.value(),
               "returned_to_post": self.returned.currentData()}
        # an unset field is sent (as a deletion) only when something was recorded before
        return {k: v for k, v in out.items() if v is not None or k in known}

    def accept_form(self) -> bool:
        values = self.values()
        if not values:
            return True
        ok, result = call(self.env, grant_facts.record, self.env.ctx, self.grant.id, self.year.value(), values)
        if ok:
            self.outcome = result
            notify_changed(self.env, "grant")
        return ok


def outcome_text(out: grant_facts.FactOutcome) -> str:
    lines = [tr("第{y}个服务年度：{t}").format(y=out.year, t=out.facts.text() or tr("（已清除）"))]
    for e in out.effects:
        word = tr("取消") if e.action == "cancel" else tr("恢复")
        lines.append(tr("第{s}期（{d}）{w}：{r}").format(s=e.seq, d=e.due_date, w=word, r=e.reason))
    if out.refund_changed:
        lines.append(tr("离职应退回金额已按新情况重新测算"))
    return "\n".join(lines)


__all__ = ["YearFactsDialog", "outcome_text"]
