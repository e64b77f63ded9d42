"""人才统计: the 人才统计表 cross-tab (条例 第六条: 分行政区域和行业领域) — row, column,
measure and period pickers, the table with its totals, a bar chart of the row totals,
and 导出Excel…. Computations and the export run through env.run_op (progress, cancel).

Filters from ``env.navigate("statistics", ...)``: ``rows``, ``cols`` (dimension keys or
names), ``measure`` (count / paid), ``year``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QSpinBox, QSplitter, QWidget

from talentdesk.domain import money
from talentdesk.domain.errors import TalentDeskError
from talentdesk.services.overview import statistics
from talentdesk.ui.common import widgets
from talentdesk.ui.common.widgets import Col, DataTable, PageBase, RowsModel, allowed, button, hint
from talentdesk.ui.i18n import tr

NO_YEAR = 1999  # the spin boxes' “不限”
CHART_ROWS = 12


class StatBars(QWidget):
    """Horizontal bars of the row totals, drawn with QPainter (label, bar, value)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.pairs: list[tuple[str, int]] = []
        self.money = False
        self.title = ""
        self.empty_text = tr("选好行、列和指标后点“统计”，这里按行显示合计的条形图")
        self.setMinimumWidth(260)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_data(self, pairs: list[tuple[str, int]], title: str, money_values: bool) -> None:
        self.pairs = pairs[:CHART_ROWS]
        self.title = title
        self.money = money_values
        self.setAccessibleName(title)
        self.setToolTip("\n".join(f"{k}：{self.text(v)}" for k, v in pairs))
        self.update()

    def text(self, v: int) -> str:
        return money.yuan(v) if self.money else str(v)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(360, 300)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt API
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("white"))
        fm = QFontMetrics(self.font())
        p.setPen(QColor("#333333"))
        p.drawText(QRect(8, 4, self.width() - 16, fm.height() + 4), Qt.AlignmentFlag.AlignLeft, self.title)
        if not self.pairs:  # nothing counted yet, or nothing to count: say what to do
            p.setPen(QColor("#888888"))
            p.drawText(self.rect().adjusted(16, 0, -16, 0), int(Qt.AlignmentFlag.AlignCenter) | int(Qt.TextFlag.TextWordWrap),
                       self.empty_text)
            p.end()
            return
        top = fm.height() + 14
        step = max(fm.height() + 4, min(30, (self.height() - top - 8) // len(self.pairs)))
        label_w = min(max(fm.horizontalAdvance(k) for k, _ in self.pairs), int(self.width() * 0.4))
        value_w = max(fm.horizontalAdvance(self.text(v)) for _, v in self.pairs)
        left = 8 + label_w + 8
        span = max(10, self.width() - left - value_w - 16)
        biggest = max([v for _, v in self.pairs if v > 0] + [1])
        for i, (label, v) in enumerate(self.pairs):
            y = top + i * step
            p.setPen(QColor("#333333"))
            p.drawText(QRect(8, y, label_w, step), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                       fm.elidedText(label, Qt.TextElideMode.ElideMiddle, label_w))
            w = int(span * max(v, 0) / biggest)
            p.fillRect(QRect(left, y + 3, w, step - 6), QColor("#1f6fb2"))
            p.drawText(QRect(left + w + 4, y, value_w + 8, step), Qt.AlignmentFlag.AlignVCenter, self.text(v))
        p.end()


class Page(PageBase):
    title = tr("人才统计")
    watches = ("talent", "employer", "installment", "grant", "departure", "settings")

    def __init__(self, env, parent=None):
        super().__init__(env, parent)
        self.table_result: statistics.StatTable | None = None
        self.last_export = None
        bar = QHBoxLayout()
        self.rows_box = widgets.combo([])
        self.cols_box = widgets.combo([])
        self.measure_box = widgets.combo([(tr(v), k) for k, v in statistics.MEASURES.items()])
        self.year_from = self._year()
        self.year_to = self._year()
        for label, w in ((tr("行(&R)："), self.rows_box), (tr("列(&C)："), self.cols_box),
                         (tr("指标(&M)："), self.measure_box), (tr("年度从(&Y)"), self.year_from), (tr("至"), self.year_to)):
            lab = QLabel(label)
            lab.setBuddy(w)
            bar.addWidget(lab)
            bar.addWidget(w)
        bar.addStretch(1)
        self.run_btn = button(tr("统计(&T)"), self.compute, default=True)
        self.export_btn = button(tr("导出Excel(&E)…"), self.export)
        bar.addWidget(self.run_btn)
        bar.addWidget(self.export_btn)
        self.outer.addLayout(bar)
        self.summary = hint(tr("选好行（如地区）、列（如学历）和指标（人数或金额），点“统计”（Alt+T）生成统计表和条形图；"
                               "年度留“不限”统计全部年度。"))
        self.outer.addWidget(self.summary)
        split = QSplitter(Qt.Orientation.Horizontal)
        self.model = RowsModel([], self)
        self.table = DataTable(self.model, self)
        self.table.setSortingEnabled(False)
        self.chart = StatBars(self)
        split.addWidget(self.table)
        split.addWidget(self.chart)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        self.split = split
        self.outer.addWidget(split, 1)
        self.notes = hint(tr("依据：{b}（人才统计分行政区域和行业领域）。").format(b=statistics.BASIS))
        self.notes.setWordWrap(True)
        self.outer.addWidget(self.notes)
        self.measure_box.currentIndexChanged.connect(lambda *_: self._fill_dimensions())
        self._fill_dimensions()
        self.rows_box.setCurrentIndex(max(0, self.rows_box.findData("district")))
        self.cols_box.setCurrentIndex(max(0, self.cols_box.findData("education")))
        self.export_btn.setEnabled(False)

    def _year(self) -> QSpinBox:
        w = QSpinBox()
        w.setRange(NO_YEAR, 2100)
        w.setSpecialValueText(tr("不限"))
        w.setValue(NO_YEAR)
        return w

    def _fill_dimensions(self) -> None:
        choices = statistics.dimension_choices(self.measure_box.currentData() or "count")
        for box in (self.rows_box, self.cols_box):
            current = box.currentData()
            box.blockSignals(True)
            box.clear()
            for key, name in choices:
                box.addItem(tr(name), key)
            box.setCurrentIndex(max(0, box.findData(current)))
            box.blockSignals(False)

    def params(self) -> dict:
        y0, y1 = self.year_from.value(), self.year_to.value()
        return {"rows": self.rows_box.currentData(), "cols": self.cols_box.currentData(),
                "measure": self.measure_box.currentData(),
                "year_from": None if y0 == NO_YEAR else y0, "year_to": None if y1 == NO_YEAR else y1}

    def reload(self) -> None:
        if self.table_result is not None:
            self.compute()

    def apply_filters(self, **filters) -> None:
        if filters.get("measure"):
            self.measure_box.setCurrentIndex(max(0, self.measure_box.findData(filters["measure"])))
        for name, box in (("rows", self.rows_box), ("cols", self.cols_box)):
            if filters.get(name):
                ok, key = widgets.call(self.env, statistics.dimension_key, filters[name])
                if ok:
                    box.setCurrentIndex(max(0, box.findData(key)))
        if filters.get("year"):
            self.year_from.setValue(int(filters["year"]))
            self.year_to.setValue(int(filters["year"]))
        self.compute()

    # -------------------------------------------------------------- running

    def compute(self) -> None:
        p = self.params()
        ctx = self.env.ctx

        def work(progress, cancelled):
            progress(0, 0, tr("正在统计……"))
            return statistics.compute(ctx, p["rows"], p["cols"], measure=p["measure"], year_from=p["year_from"],
                                      year_to=p["year_to"])

        self.summary.setText(tr("正在统计……"))
        self.env.run_op(tr("人才统计"), work, self._shown)

    def _shown(self, t: statistics.StatTable) -> None:
        self.table_result = t
        kind = "money" if t.money else "int"
        # columns as wide as their heading or figures need (合计 must stay on screen at 1366×768)
        widest = max([len(r) for r in t.row_labels] + [4])
        cols = [Col(tr(statistics.DIMENSIONS[t.rows_dim]), lambda r: r[0], width=min(widest + 1, 14),
                    tip=lambda r: r[0])]
        for i, lab in enumerate(t.col_labels):
            cols.append(Col(lab, lambda r, i=i: r[1 + i], kind=kind, width=min(len(lab), 10), tip=lambda r, lab=lab: lab))
        cols.append(Col(tr("合计"), lambda r: r[-1], kind=kind, width=4))
        rows = [(r, *[t.value(r, c) for c in t.col_labels], t.row_total(r)) for r in t.row_labels]
        rows.append((tr("合计"), *[t.col_total(c) for c in t.col_labels], t.total))
        self.model = RowsModel(cols, self, tint=lambda r: QColor("#eef3f8") if r[0] == tr("合计") else None)
        old = self.table
        self.table = DataTable(self.model, self)
        self.table.setSortingEnabled(False)
        self.model.set_rows(rows)  # after the view's own initial sort: the table keeps the domain's order
        self.split.replaceWidget(0, self.table)
        old.deleteLater()
        self.chart.set_data([(r, t.row_total(r)) for r in t.row_labels],
                            tr("按{d}合计（{u}）").format(d=statistics.DIMENSIONS[t.rows_dim], u=t.unit), t.money)
        total = money.yuan(t.total) + tr(" 元") if t.money else tr("{n} 人").format(n=t.total)
        self.summary.setText(tr("人才统计表（{h}）　统计期间：{p}　合计：{t}").format(h=t.heading, p=t.period, t=total))
        self.notes.setText("\n".join(t.notes))
        self.export_btn.setEnabled(allowed(self.env, "export"))

    def suggested_name(self) -> str:
        t = self.table_result
        bits = [tr("人才统计表"), statistics.DIMENSIONS[t.rows_dim], statistics.DIMENSIONS[t.cols_dim],
                t.period, dt.date.today().strftime("%Y%m%d")]
        return "-".join(bits) + ".xlsx"

    def export(self) -> None:
        t = self.table_result
        if t is None:
            self.env.show_error(TalentDeskError(tr("请先点“统计”生成统计表")))
            return
        path = widgets.ask_save_file(self.env, self, tr("保存到"), self.suggested_name(), tr("Excel 工作簿 (*.xlsx)"))
        if not path:
            return
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        ctx = self.env.ctx

        def work(progress, cancelled):
            progress(0, 0, tr("正在生成人才统计表……"))
            return statistics.export_table(ctx, t, Path(path))

        self.env.run_op(tr("正在生成人才统计表"), work, self._saved, write=True)

    def _saved(self, result) -> None:
        self.last_export = result
        self.summary.setText(tr("已保存 {p}").format(p=result.path))
        if self.env.confirm(tr("已保存到 {p}。现在打开吗？").format(p=result.path)):
            widgets.open_file(str(result.path))


__all__ = ["Page"]
