"""资金测算: the 人才开发资金 budget against what is paid and committed (阿党人才字〔2023〕2号
第四十八条), through ``talentdesk.services.finance.budget`` only.

Top: the forecast for the 起始年度 (default this year) and the next three, one row per
year × funding level and a 合计 row per year: 预算, 已发放, 已批准未发放, 已申报未批准,
测算应享未申报 (the rules engine's answer for talents nobody proposed yet; 待定 benefits
are listed, never counted as 0), 结余. A level whose paid + approved exceed its
appropriation is shown in red, with the article. 导出Excel… writes the 资金测算 workbook.

Bottom: the budget lines (年度, 资金层级, 资金来源, 金额, 文号, 调整次数) with 新增预算…
and 调整预算… (reviewer or administrator: ``budget.write``; amount, 文号 and 调整理由,
history kept) and the selected line's history beside.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QSpinBox,
                               QSplitter, QVBoxLayout, QWidget)

from talentdesk.domain import money
from talentdesk.domain.errors import TalentDeskError
from talentdesk.domain.status import FUNDING_LEVELS
from talentdesk.services.finance import budget
from talentdesk.ui.i18n import tr
from talentdesk.ui.common import widgets
from talentdesk.ui.common.widgets import (Col, DataTable, FormDialog, PageBase, RowsModel, TextView, add_shortcut,
                                         allowed, button, call, hint, notify_changed)

YEARS = 4
RED = QColor("#c00000")
TOTAL_TINT = QColor("#eef3f8")
OVER_TINT = QColor("#fbe3e3")
NOTE = tr("依据：《阿拉善盟人才引进培养和服务保障管理办法（试行）》（{b}）：各级财政部门应将人才开发资金纳入本级财政预算，"
          "动态保障本级人才引进培养和服务保障等方面的资金投入。年度按各期应发日期归属；“已发放”与待遇发放台账一致；"
          "“测算应享未申报”为规则引擎按现有信息测算、尚未申报的待遇，金额或资格待定的不计入金额。").format(b=budget.BASIS)


def _cell_note(c: budget.ForecastCell) -> str:
    if c.appropriation_fen is None:
        text = tr(budget.NO_BUDGET)
    elif c.over_committed:
        text = tr("已批准和已发放超出预算 {a} 元（{b}）").format(
            a=money.yuan(c.over_fen), b=budget.BASIS)
    elif c.short:
        text = tr("测算总需求超出预算")
    else:
        text = ""
    if c.likely_count:
        text = "；".join(x for x in (text, tr("测算{n}人次").format(n=c.likely_count)) if x)
    return text


class ForecastModel(RowsModel):
    """The forecast rows; an over-committed row's text is red."""

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid():
            c = self.rows[index.row()][1]
            if c.over_committed or (c.balance_fen is not None and c.balance_fen < 0
                                    and self.columns[index.column()].title.startswith(tr("结余"))):
                return RED
        return super().data(index, role)


class BudgetLineDialog(FormDialog):
    """新增预算 (year, level, source, amount, 文号, 说明) or 调整预算 of ``line`` (amount,
    文号 and 调整理由; the line's history keeps the change)."""

    def __init__(self, env, line=None, *, year: int | None = None, parent=None):
        super().__init__(env, tr("调整预算") if line is not None else tr("新增预算"), parent)
        self.line = line
        self.saved = None
        form = QFormLayout()
        self.year = QSpinBox(self)
        self.year.setRange(2000, 2100)
        self.year.setValue(line.year if line is not None else (year or dt.date.today().year))
        self.level = widgets.combo([(tr(v), k) for k, v in FUNDING_LEVELS.items()], self)
        self.source = QComboBox(self)
        self.source.setEditable(True)
        self.source.addItems([tr(s) for s in budget.SOURCES])
        self.amount = QLineEdit(self)
        self.amount.setPlaceholderText(tr("单位：元，如 1200000.00"))
        self.doc_no = QLineEdit(self)
        self.doc_no.setPlaceholderText(tr("如 阿财预〔2026〕12号"))
        self.note = QLineEdit(self)
        self.note.setPlaceholderText(tr("如 年初预算、年中追加") if line is None else tr("如 年中追加、压减调整"))
        if line is not None:
            self.level.setCurrentIndex(max(0, self.level.findData(line.level)))
            self.source.setCurrentText(line.source)
            for w in (self.year, self.level, self.source):
                w.setEnabled(False)
            self.amount.setText(f"{line.amount_fen / 100:.2f}")
        form.addRow(tr("预算年度(&Y)："), self.year)
        form.addRow(tr("资金层级(&L)："), self.level)
        form.addRow(tr("资金来源(&S)："), self.source)
        form.addRow(tr("预算金额（元）(&A)："), self.amount)
        form.addRow(tr("文号(&D)："), self.doc_no)
        form.addRow(tr("调整理由(&R)：") if line is not None else tr("说明(&R)："), self.note)
        self.body.addLayout(form)
        if line is not None:
            self.body.addWidget(hint(tr("现预算 {a} 元（{doc}）；调整后原金额、调整理由和文号记入调整记录。").format(
                a=money.yuan(line.amount_fen), doc=line.doc_no or tr("未填文号"))))
        self.finish_layout()
        self.buttons.button(self.buttons.StandardButton.Ok).setText(tr("保存"))
        self.watch(self.year, self.level, self.source, self.amount, self.doc_no, self.note)
        self.dirty = False
        self.resize(520, 280)

    def accept_form(self) -> bool:
        try:
            amount = money.parse_yuan(self.amount.text())
        except ValueError as exc:
            self.env.show_error(TalentDeskError(tr("预算金额：") + str(exc)))
            return False
        doc = self.doc_no.text().strip() or None
        note = self.note.text().strip() or None
        if self.line is not None:
            ok, v = call(self.env, budget.amend_line, self.env.ctx, self.line.id, amount_fen=amount, doc_no=doc,
                         note=note, expected_version=self.line.version)
        else:
            ok, v = call(self.env, budget.set_line, self.env.ctx, year=self.year.value(),
                         level=self.level.currentData(), amount_fen=amount, source=self.source.currentText(),
                         doc_no=doc, note=note)
        if ok:
            self.saved = v
        return ok


def _history_text(line, rows) -> str:
    head = tr("{y}年{lv}（{s}）现预算 {a} 元").format(y=line.year, lv=line.level_label, s=line.source,
                                                 a=money.yuan(line.amount_fen))
    out = [head]
    for a in rows:
        when = a.recorded_at.strftime("%Y-%m-%d %H:%M") if a.recorded_at else ""
        what = (tr("编制 {x} 元").format(x=money.yuan(a.after_fen)) if a.before_fen is None else
                tr("{b} → {x} 元").format(b=money.yuan(a.before_fen), x=money.yuan(a.after_fen)))
        bits = [when, what, a.doc_no or "", a.note or "", a.recorded_by or ""]
        out.append("　".join(b for b in bits if b))
    return "\n".join(out)


class Page(PageBase):
    title = tr("资金测算")
    watches = ("grant", "installment", "departure", "talent", "import", "budget")

    def __init__(self, env, parent=None):
        super().__init__(env, parent)
        self.forecast_result: budget.Forecast | None = None
        self.last_export = None
        self.outer.addWidget(hint(NOTE))

        bar = QHBoxLayout()
        bar.addWidget(QLabel(tr("起始年度(&Y)：")))
        self.first_year = QSpinBox(self)
        self.first_year.setRange(2000, 2100)
        self.first_year.setValue(dt.date.today().year)
        self.first_year.setSuffix(tr(" 年"))
        bar.itemAt(0).widget().setBuddy(self.first_year)
        bar.addWidget(self.first_year)
        self.estimate = QCheckBox(tr("测算应享未申报(&E)"), self)
        self.estimate.setChecked(True)
        self.estimate.setToolTip(tr("按规则引擎测算尚未申报的待遇（人才较多时需要几秒钟）"))
        bar.addWidget(self.estimate)
        self.run_btn = button(tr("测算(&R)"), self.compute, tip=tr("重新计算所选年度起四年的资金测算"))
        self.export_btn = button(tr("导出Excel(&X)…"), self.export, tip=tr("导出资金测算表（每年一张工作表）"))
        bar.addWidget(self.run_btn)
        bar.addWidget(self.export_btn)
        bar.addStretch(1)
        self.summary = QLabel(self)
        bar.addWidget(self.summary)
        self.outer.addLayout(bar)

        self.warning = QLabel(self)
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #c00000; font-weight: bold;")
        self.warning.hide()
        self.outer.addWidget(self.warning)

        split = QSplitter(Qt.Orientation.Vertical, self)
        top = QWidget(split)
        tl = QVBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        self.model = ForecastModel([
            Col(tr("年度"), lambda r: r[0], width=4),
            Col(tr("资金层级"), lambda r: r[1].level_label or tr("合计"), width=6),
            Col(tr("预算（元）"), lambda r: r[1].appropriation_fen, kind="money",
                display=lambda r: tr(budget.NO_BUDGET) if r[1].appropriation_fen is None else None),
            Col(tr("已发放（元）"), lambda r: r[1].paid_fen, kind="money"),
            Col(tr("已批准未发放（元）"), lambda r: r[1].approved_fen, kind="money"),
            Col(tr("已申报未批准（元）"), lambda r: r[1].proposed_fen, kind="money"),
            Col(tr("测算应享未申报（元）"), lambda r: r[1].likely_fen, kind="money"),
            Col(tr("结余（元）"), lambda r: r[1].balance_fen, kind="money",
                display=lambda r: "—" if r[1].balance_fen is None else None),
            Col(tr("说明"), lambda r: _cell_note(r[1]), width=14, stretch=True),
        ], self, tint=lambda r: OVER_TINT if r[1].over_committed else (TOTAL_TINT if not r[1].level else None))
        self.table = DataTable(self.model, top)
        self.table.setSortingEnabled(False)
        tl.addWidget(self.table, 1)
        self.pending = QLabel(top)
        self.pending.setWordWrap(True)
        self.pending.setStyleSheet("color: #8a5a00;")
        tl.addWidget(self.pending)

        bottom = QWidget(split)
        bl = QVBoxLayout(bottom)
        bl.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(widgets.bold(QLabel(tr("预算编制"))))
        self.all_years = QCheckBox(tr("显示全部年度"), bottom)
        self.all_years.toggled.connect(lambda *_: self.reload_lines())
        row.addWidget(self.all_years)
        row.addStretch(1)
        may = allowed(env, "budget.write")
        why = "" if may else tr("只有审核人或管理员可以编制或调整预算")
        self.add_btn = button(tr("新增预算(&N)…"), self.add_line, tip=why or tr("编制某年度某层级的预算"))
        self.amend_btn = button(tr("调整预算(&M)…"), self.amend_line, tip=why or tr("调整所选预算（保留调整记录）"))
        self.add_btn.setEnabled(may)
        self._may = may
        row.addWidget(self.add_btn)
        row.addWidget(self.amend_btn)
        bl.addLayout(row)
        lines = QSplitter(Qt.Orientation.Horizontal, bottom)
        self.lines_model = RowsModel([
            Col(tr("年度"), "year", kind="int", width=4),
            Col(tr("资金层级"), "level_label", width=6),
            Col(tr("资金来源"), "source", width=8),
            Col(tr("预算（元）"), "amount_fen", kind="money"),
            Col(tr("文号"), lambda v: v.doc_no or "", width=10),
            Col(tr("调整"), "amendments", kind="int", width=3),
            Col(tr("说明"), lambda v: v.note or "", width=10, stretch=True),
        ], self)
        self.lines = DataTable(self.lines_model, lines)
        self.lines.selection_changed.connect(self._line_selected)
        self.lines.activated_row.connect(lambda *_: self.amend_line())
        self.history = TextView(lines)
        self.history.setPlaceholderText(tr("选择一条预算查看调整记录"))
        lines.addWidget(self.lines)
        lines.addWidget(self.history)
        lines.setStretchFactor(0, 3)
        lines.setStretchFactor(1, 2)
        bl.addWidget(lines, 1)
        split.addWidget(top)
        split.addWidget(bottom)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        self.outer.addWidget(split, 1)
        self.first_year.valueChanged.connect(lambda *_: self.reload_lines())
        add_shortcut(self, "F5", self.compute)
        self._line_selected()

    # -------------------------------------------------------------- loading

    def reload(self) -> None:
        self.reload_lines()
        self.compute()

    def apply_filters(self, **filters) -> None:
        if filters.get("year"):
            self.first_year.setValue(int(filters["year"]))
        self.refresh()

    def span(self) -> list[int]:
        y = self.first_year.value()
        return list(range(y, y + YEARS))

    def reload_lines(self) -> None:
        years = None if self.all_years.isChecked() else self.span()
        ok, rows = call(self.env, budget.list_lines, self.env.ctx, years=years)
        self.lines_model.set_rows(rows if ok else [])
        self._line_selected()

    def _line_selected(self) -> None:
        v = self.lines.current_row()
        self.amend_btn.setEnabled(self._may and v is not None)
        if v is None:
            self.history.setPlainText("")
            return
        ok, rows = call(self.env, budget.line_history, self.env.ctx, v.id)
        self.history.setPlainText(_history_text(v, rows) if ok else "")

    def compute(self) -> None:
        ctx, first, estimate = self.env.ctx, self.first_year.value(), self.estimate.isChecked()

        def work(progress, cancelled):
            progress(0, 0, tr("正在测算……"))
            return budget.forecast(ctx, first, YEARS, estimate=estimate)

        self.summary.setText(tr("正在测算……"))
        self.run_btn.setEnabled(False)
        op = self.env.run_op(tr("资金测算"), work, self._shown)
        failed = getattr(op, "failed", None)
        if failed is not None:
            failed.connect(lambda *_: self.run_btn.setEnabled(True))

    def _shown(self, fc: budget.Forecast) -> None:
        self.forecast_result = fc
        self.run_btn.setEnabled(True)
        rows = []
        for y in fc.years:
            rows += [(y, fc.cell(y, lv)) for lv in fc.levels]
            rows.append((y, fc.total(y)))
        self.model.set_rows(rows)
        if fc.warnings:
            self.warning.setText(tr("超出预算（{b}）：").format(b=budget.BASIS) + "；".join(fc.warnings))
            self.warning.show()
        else:
            self.warning.hide()
        if fc.pending:
            shown = fc.pending[:3]
            more = len(fc.pending) - len(shown)
            self.pending.setText(tr("待定，未计入金额：") + "；".join(f"{p.benefit_name}{p.kind_label}{p.count}人"
                                                              for p in shown)
                                 + (tr(" 等{n}项（详见导出表“待定”工作表，或将鼠标停在此处）").format(n=len(fc.pending))
                                    if more else ""))
            self.pending.setToolTip("\n".join(p.text for p in fc.pending))
        else:
            self.pending.setText("")
            self.pending.setToolTip("")
        self.pending.setVisible(bool(fc.pending))
        extra = tr("，测算 {n} 名在岗人才").format(n=fc.talents_evaluated) if fc.estimated else tr("，未测算应享未申报")
        self.summary.setText(tr("{a}—{b}年，测算日期 {d}{e}").format(a=fc.years[0], b=fc.years[-1], d=fc.as_of, e=extra))
        self.export_btn.setEnabled(allowed(self.env, "export"))

    # -------------------------------------------------------------- actions

    def add_line(self) -> None:
        dlg = BudgetLineDialog(self.env, year=self.first_year.value(), parent=self)
        self._saved_line(dlg)

    def amend_line(self) -> None:
        v = self.lines.current_row()
        if v is None or not self._may:
            return
        self._saved_line(BudgetLineDialog(self.env, v, parent=self))

    def _saved_line(self, dlg: BudgetLineDialog) -> None:
        if widgets.exec_dialog(dlg) and dlg.saved is not None:
            v = dlg.saved
            self.env.notify(tr("已保存：{y}年{lv}预算 {a} 元").format(y=v.year, lv=v.level_label,
                                                                  a=money.yuan(v.amount_fen)))
            notify_changed(self.env, "budget")
            self.reload_lines()
            self.compute()

    def suggested_name(self) -> str:
        y = self.first_year.value()
        return f"{tr('资金测算表')}-{y}-{y + YEARS - 1}-{dt.date.today():%Y%m%d}.xlsx"

    def export(self) -> None:
        path = widgets.ask_save_file(self.env, self, tr("保存到"), self.suggested_name(), tr("Excel 工作簿 (*.xlsx)"))
        if not path:
            return
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        ctx, first = self.env.ctx, self.first_year.value()

        def work(progress, cancelled):
            progress(0, 0, tr("正在生成资金测算表……"))
            return budget.export_forecast(ctx, Path(path), first, YEARS)

        self.env.run_op(tr("正在生成资金测算表"), work, self._exported, write=True)

    def _exported(self, result) -> None:
        self.last_export = result
        self.summary.setText(tr("已保存 {p}").format(p=result.path))
        if self.env.confirm(tr("已保存到 {p}。现在打开吗？").format(p=result.path)):
            widgets.open_file(str(result.path))


__all__ = ["BudgetLineDialog", "Page"]
