"""首页: what needs attention today (each a click away from the list behind it), the
money this year and next by benefit and funding level (the 人才开发资金 budget), and
charts: payments by month, talents by education, by field (专业) and by employer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import (QFrame, QGridLayout, QHBoxLayout, QLabel, QScrollArea, QSizePolicy, QVBoxLayout,
                               QWidget)

from talentdesk.domain import money, values
from talentdesk.domain.status import FUNDING_LEVELS
from talentdesk.services.overview import dashboard
from talentdesk.services.benefits import grants
from talentdesk.services.office import settings
from talentdesk.ui.i18n import tr
from talentdesk.ui.pages.widgets import Col, DataTable, PageBase, RowsModel, StatCard, heading, hint

PALETTE = ("#1f6fb2", "#e07b39", "#3a9d5d", "#8e5cb5", "#c94a4a", "#5aa6b8", "#b8a136", "#7a7a7a")


def wan(fen: int) -> float:
    """Fen → 万元 (ten thousand yuan) for chart axes only."""
    return fen / 1_000_000


class _BudgetLine:
    __slots__ = ("benefit", "level", "this_paid", "this_planned", "next_planned", "bold")

    def __init__(self, benefit, level, this_paid=0, this_planned=0, next_planned=0, bold=False):
        self.benefit, self.level = benefit, level
        self.this_paid, self.this_planned, self.next_planned, self.bold = this_paid, this_planned, next_planned, bold

    @property
    def this_total(self) -> int:
        return self.this_paid + self.this_planned


def budget_lines(rows, year: int) -> list[_BudgetLine]:
    """BudgetRows → one line per benefit × level, then a subtotal per funding level
    (what each budget must provide: 人才开发资金) and the grand total."""
    lines: dict[tuple[str, str], _BudgetLine] = {}
    for r in rows:
        key = (r.benefit_name or r.benefit_code, r.level)
        line = lines.setdefault(key, _BudgetLine(key[0], r.level_label))
        if r.year == year:
            line.this_paid += r.paid_fen
            line.this_planned += r.planned_fen
        elif r.year == year + 1:
            line.next_planned += r.total_fen
    out = sorted(lines.values(), key=lambda x: (x.benefit, list(FUNDING_LEVELS.values()).index(x.level)
                                                if x.level in FUNDING_LEVELS.values() else 99))
    by_level: dict[str, _BudgetLine] = {}
    for line in out:
        s = by_level.setdefault(line.level, _BudgetLine(tr("人才开发资金小计"), line.level, bold=True))
        s.this_paid += line.this_paid
        s.this_planned += line.this_planned
        s.next_planned += line.next_planned
    total = _BudgetLine(tr("合计"), "", bold=True)
    for s in by_level.values():
        total.this_paid += s.this_paid
        total.this_planned += s.this_planned
        total.next_planned += s.next_planned
    levels = sorted(by_level.values(), key=lambda x: list(FUNDING_LEVELS.values()).index(x.level)
                    if x.level in FUNDING_LEVELS.values() else 99)
    return out + levels + ([total] if out else [])


def _chart_view(title: str):
    from PySide6.QtCharts import QChart, QChartView

    chart = QChart()
    chart.setTitle(title)
    f = QFont(chart.titleFont())
    f.setPointSize(11)
    f.setBold(True)
    chart.setTitleFont(f)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(260)
    view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
    return view


def _reset(view):
    chart = view.chart()
    chart.removeAllSeries()
    for axis in list(chart.axes()):
        chart.removeAxis(axis)
    return chart


def fill_month_chart(view, rows, year: int) -> None:
    from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QValueAxis

    chart = _reset(view)
    due = QBarSet(tr("应发"))
    paid = QBarSet(tr("已发"))
    due.setColor(QColor(PALETTE[0]))
    paid.setColor(QColor(PALETTE[2]))
    top = 0.0
    for r in rows:
        due.append(wan(r.due_fen))
        paid.append(wan(r.paid_fen))
        top = max(top, wan(r.due_fen), wan(r.paid_fen))
    series = QBarSeries()
    series.append(due)
    series.append(paid)
    chart.addSeries(series)
    axis_x = QBarCategoryAxis()
    axis_x.append([tr("{m}月").format(m=r.month) for r in rows])
    axis_y = QValueAxis()
    axis_y.setRange(0, _nice(top))
    axis_y.setTickCount(6)
    axis_y.setLabelFormat("%g")
    axis_y.setTitleText(tr("万元"))
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_x)
    series.attachAxis(axis_y)
    chart.setTitle(tr("{y}年各月待遇发放（万元）").format(y=year))


def _nice(top: float) -> float:
    if top <= 0:
        return 1.0
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000):
        if top <= step:
            return float(step)
    return top * 1.1


def fill_pie(view, pairs, title: str, on_click=None) -> None:
    from PySide6.QtCharts import QPieSeries

    chart = _reset(view)
    chart.setTitle(title)
    series = QPieSeries()
    total = sum(n for _, n in pairs) or 1
    shown = pairs[:6]
    rest = sum(n for _, n in pairs[6:])
    if rest:
        shown = list(shown) + [(tr("其他"), rest)]
    for i, (label, n) in enumerate(shown):
        s = series.append(f"{label} {n}人", n)
        s.setColor(QColor(PALETTE[i % len(PALETTE)]))
        s.setLabelVisible(n / total >= 0.06)
        if on_click is not None and i < 6 and label != "未填写":
            s.clicked.connect(lambda label=label: on_click(label))
    series.setPieSize(0.62)
    chart.addSeries(series)
    chart.legend().setVisible(True)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)


def fill_hbar(view, pairs, title: str, color: str, on_click=None) -> None:
    from PySide6.QtCharts import QBarCategoryAxis, QBarSet, QHorizontalBarSeries, QValueAxis

    chart = _reset(view)
    chart.setTitle(title)
    pairs = list(reversed(pairs[:8]))
    bar = QBarSet(tr("人数"))
    bar.setColor(QColor(color))
    for _, n in pairs:
        bar.append(n)
    series = QHorizontalBarSeries()
    series.append(bar)
    series.setLabelsVisible(True)
    if on_click is not None:
        labels = [label for label, _ in pairs]
        series.clicked.connect(lambda index, _set: 0 <= index < len(labels) and labels[index] != "未填写"
                               and on_click(labels[index]))
    chart.addSeries(series)
    axis_y = QBarCategoryAxis()
    axis_y.append([_short(label) for label, _ in pairs] or [""])
    axis_x = QValueAxis()
    upper, ticks = count_axis(max([n for _, n in pairs] + [1]))
    axis_x.setRange(0, upper)
    axis_x.setTickCount(ticks)
    axis_x.setLabelFormat("%d")
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(axis_y)
    series.attachAxis(axis_x)
    chart.legend().setVisible(False)


def count_axis(top: int) -> tuple[int, int]:
    """(upper bound, tick count) so that every tick of a count axis is a whole number."""
    top = max(1, int(top))
    if top < 10:
        return top + 1, top + 2
    step = next(m * 10 ** e for e in range(0, 9) for m in (1, 2, 5) if top / (m * 10 ** e) <= 8)
    upper = (top // step + 1) * step
    return upper, upper // step + 1


def _short(text: str, n: int = 12) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


@dataclass
class DashboardData:
    """Everything the 首页 shows, gathered in one background job."""
    today: dt.date
    office: Any
    attention: Any
    pending: list
    budget: list
    by_month: list
    by_education: list
    by_major: list
    by_employer: list


def gather(ctx, today: dt.date) -> DashboardData:
    """The 首页's figures from the services (runs off the GUI thread)."""
    year = today.year
    return DashboardData(
        today, settings.get_settings(ctx), dashboard.attention(ctx, today),
        grants.list_grants(ctx, status="proposed"), dashboard.budget(ctx, [year, year + 1]),
        dashboard.payments_by_month(ctx, year), dashboard.talents_by(ctx, "education", status="active"),
        dashboard.talents_by(ctx, "major", status="active", limit=8),
        dashboard.talents_by(ctx, "employer", status="active", limit=8))


class Page(PageBase):
    title = tr("首页")

    def __init__(self, env, parent=None):
        super().__init__(env, parent)
        self._generation = 0
        self.subtitle = QLabel("")
        self.subtitle.setStyleSheet("color: #555;")
        self.title_row.addWidget(self.subtitle)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        scroll.setWidget(body)
        self.outer.addWidget(scroll, 1)
        lay = QVBoxLayout(body)
        lay.setContentsMargins(0, 0, 8, 0)
        lay.setSpacing(10)

        lay.addWidget(heading(tr("今日待办"), size=12))
        cards = QGridLayout()
        cards.setSpacing(10)
        self.cards: dict[str, StatCard] = {}
        specs = (
            ("due", tr("本月应发分期"), "#1f6fb2"),
            ("overdue", tr("往月逾期未发"), "#c94a4a"),
            ("agreements", tr("90天内到期的协议"), "#e07b39"),
            ("expired", tr("期满待处理的协议"), "#a33b3b"),
            ("reviews", tr("上年度考核未录入"), "#8e5cb5"),
            ("recoveries", tr("离职待追回"), "#b8560c"),
            ("grants", tr("待审批的待遇申请"), "#3a9d5d"),
        )
        for i, (key, caption, accent) in enumerate(specs):
            card = StatCard(caption, accent=accent)
            card.setObjectName("StatCard")
            card.clicked.connect(lambda key=key: self.open_list(key))
            self.cards[key] = card
            cards.addWidget(card, i // 4, i % 4)
        lay.addLayout(cards)

        budget_head = QHBoxLayout()
        self.budget_title = heading(tr("待遇资金"), size=12)
        budget_head.addWidget(self.budget_title)
        budget_head.addStretch(1)
        lay.addLayout(budget_head)
        self.budget_model = RowsModel([
            Col(tr("待遇项目"), "benefit", width=10, stretch=True),
            Col(tr("资金来源"), "level", width=6),
            Col(tr("本年已发（元）"), "this_paid", kind="money", width=9),
            Col(tr("本年待发（元）"), "this_planned", kind="money", width=9),
            Col(tr("本年合计（元）"), "this_total", kind="money", width=9),
            Col(tr("下年计划（元）"), "next_planned", kind="money", width=9),
        ], self, tint=lambda r: QColor("#eef3f8") if r.bold else None)
        self.budget = DataTable(self.budget_model, self)
        self.budget.setSortingEnabled(False)
        self.budget.setMinimumHeight(180)
        lay.addWidget(self.budget)
        self.budget_note = hint("")
        lay.addWidget(self.budget_note)

        lay.addWidget(heading(tr("统计图表"), size=12))
        charts = QGridLayout()
        charts.setSpacing(10)
        self.month_chart = _chart_view(tr("各月待遇发放"))
        self.education_chart = _chart_view(tr("人才学历结构"))
        self.major_chart = _chart_view(tr("人才专业领域"))
        self.employer_chart = _chart_view(tr("各用人单位人才数"))
        charts.addWidget(self.month_chart, 0, 0)
        charts.addWidget(self.education_chart, 0, 1)
        charts.addWidget(self.major_chart, 1, 0)
        charts.addWidget(self.employer_chart, 1, 1)
        lay.addLayout(charts)
        self.attention_data = None

    # -------------------------------------------------------------- data

    def reload(self) -> None:
        """Gather every figure off the GUI thread (a league database takes seconds), then show
        them; a reload asked for while one runs supersedes it (only the newest is shown)."""
        self._generation += 1
        generation = self._generation
        ctx = self.env.ctx
        today = dt.date.today()
        self.subtitle.setText(tr("正在统计……"))

        def work(progress, cancelled):
            return gather(ctx, today)

        def done(data):
            if generation == self._generation:
                self.show_data(data)

        self.env.run_op(tr("首页统计"), work, done, write=False, cancellable=False, dialog=False)

    def show_data(self, data: "DashboardData") -> None:
        today, office, a, pending, rows = data.today, data.office, data.attention, data.pending, data.budget
        self.subtitle.setText(f"{office.office_name}　{values.cn_date(today)}")
        self.attention_data = a
        self.cards["due"].set_value(a.due_this_month.count, tr("合计 {a} 元").format(a=money.yuan(a.due_this_month.amount_fen)))
        self.cards["overdue"].set_value(a.overdue.count, tr("合计 {a} 元").format(a=money.yuan(a.overdue.amount_fen)))
        self.cards["agreements"].set_value(a.agreements_ending.count, tr("服务期满前请提醒续签或考核"))
        self.cards["expired"].set_value(a.agreements_expired.count, tr("已过到期日仍在履行：期满考核、续签或解除"))
        self.cards["reviews"].caption_label.setText(tr("{y}年度考核未录入").format(y=a.review_year))
        self.cards["reviews"].set_value(a.reviews_missing.count, tr("负有服务义务的人才"))
        self.cards["recoveries"].set_value(a.outstanding_recoveries.count,
                                           tr("尚欠 {a} 元").format(a=money.yuan(a.outstanding_recoveries.amount_fen)))
        self.cards["grants"].set_value(len(pending), tr("合计 {a} 元").format(
            a=money.yuan(sum(g.total_fen or 0 for g in pending))))

        year = today.year
        lines = budget_lines(rows, year)
        self.budget_model.columns[2].title = tr("{y}年已发（元）").format(y=year)
        self.budget_model.columns[3].title = tr("{y}年待发（元）").format(y=year)
        self.budget_model.columns[4].title = tr("{y}年合计（元）").format(y=year)
        self.budget_model.columns[5].title = tr("{y}年计划（元）").format(y=year + 1)
        self.budget_model.set_rows(lines)
        self.budget_title.setText(tr("待遇资金（{a}—{b}年，人才开发资金）").format(a=year, b=year + 1))
        rows_h = self.budget.verticalHeader().defaultSectionSize()
        self.budget.setFixedHeight(min(12, max(3, len(lines))) * rows_h + self.budget.horizontalHeader().height() + 6)
        if lines:
            total = lines[-1]
            self.budget_note.setText(tr("{y}年共需 {a} 元（{c}），其中已发 {p} 元；{n}年计划 {m} 元。按批准的待遇分期计算。").format(
                y=year, a=money.yuan(total.this_total), c=money.capitals(total.this_total),
                p=money.yuan(total.this_paid), n=year + 1, m=money.yuan(total.next_planned)))
        else:
            self.budget_note.setText(tr("尚无已批准的待遇。在人才库中选择人才，点“待遇审批”计算并提交。"))

        fill_month_chart(self.month_chart, data.by_month, year)
        fill_pie(self.education_chart, data.by_education, tr("在岗人才学历结构"),
                 lambda v: self.env.navigate("talents", education=v, status="active"))
        fill_hbar(self.major_chart, data.by_major, tr("在岗人才专业领域（前8）"), PALETTE[3])
        fill_hbar(self.employer_chart, data.by_employer,
                  tr("各用人单位在岗人才（前8）"), PALETTE[1],
                  lambda v: self.env.navigate("talents", employer=v, status="active"))


    # -------------------------------------------------------------- navigation

    def open_list(self, key: str) -> None:
        today = dt.date.today()
        first = today.replace(day=1)
        year = self.attention_data.review_year if self.attention_data else today.year - 1
        targets = {
            "due": ("payments", {"month": first.isoformat()[:7], "status": ["scheduled", "proposed", "approved"]}),
            "overdue": ("payments", {"overdue": True}),
            "agreements": ("agreements", {"ending_within": 90}),
            "expired": ("agreements", {"expired": True}),
            "reviews": ("reviews", {"year": year, "missing": True}),
            "recoveries": ("departures", {"outstanding": True}),
            "grants": ("payments", {"tab": "grants", "status": "proposed"}),
        }
        page, filters = targets[key]
        self.env.navigate(page, **filters)
