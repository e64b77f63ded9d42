"""The one dialog for money paid back to the office: 登记追回款 of a departure
(``departures.RecoveryDialog``) and 登记退回款 of an in-post recovery case
(``recoveries.RepayDialog``). Amount (prefilled with what is still owed), date, 收款凭证号
and 备注; ``submit(amount_fen, date, voucher, remarks)`` is the service call, whose refusal
is shown by ``call`` and keeps the dialog open; the split by funding level is the
service's (条例 第六十五条).
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtWidgets import QFormLayout, QLabel

from talentdesk.domain import money
from talentdesk.domain.errors import TalentDeskError
from talentdesk.ui.i18n import tr
from talentdesk.ui.common.widgets import FormDialog, call, date_edit, from_qdate, hint, line, notify_changed


class MoneyBackDialog(FormDialog):
    """``verb``: 追回 / 退回 (the labels: “{verb}金额（元）”, “{verb}日期”); ``who``: the first
    line; ``owed_label``/``owed_fen``: what is still owed (prefills the amount); ``note``: an
    optional hint under the form; ``changed``: the data_changed kind emitted after saving."""

    def __init__(self, env, title: str, *, verb: str, who: str, owed_label: str, owed_fen: int,
                 submit: Callable[..., Any], changed: str, note: str | None = None, parent=None):
        super().__init__(env, title, parent)
        self.saved = None
        self._verb, self._submit, self._changed = verb, submit, changed
        form = QFormLayout()
        form.addRow(tr("人才："), QLabel(who))
        form.addRow(owed_label, QLabel(tr("{a} 元").format(a=money.yuan(owed_fen))))
        self.amount = line(tr("元"), money.yuan(owed_fen, thousands=False))
        self.on_date = date_edit()
        self.voucher = line(tr("收款凭证号"))
        self.remarks = line()
        form.addRow(tr("{v}金额（元）(&A)：").format(v=verb), self.amount)
        form.addRow(tr("{v}日期：").format(v=verb), self.on_date)
        form.addRow(tr("凭证号(&V)："), self.voucher)
        form.addRow(tr("备注："), self.remarks)
        self.body.addLayout(form)
        if note:
            self.body.addWidget(hint(note))
        self.finish_layout()
        self.watch(self.amount, self.voucher, self.remarks)
        self.dirty = False

    def accept_form(self) -> bool:
        try:
            amount = money.parse_yuan(self.amount.text())
        except ValueError as exc:
            self.env.show_error(TalentDeskError(tr("{v}金额：").format(v=self._verb) + str(exc)))
            return False
        ok, result = call(self.env, self._submit, amount, from_qdate(self.on_date.date()),
                          self.voucher.text().strip() or None, self.remarks.text().strip() or None)
        if ok:
            self.saved = result
            notify_changed(self.env, self._changed)
        return ok


__all__ = ["MoneyBackDialog"]
