"""首页: what needs attention today (each a click away from the list behind it), the
money this year and next by benefit and funding level (the 人才开发资金 budget), and
charts: payments by month, talents by education, by field (专业) and by employer."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QEvent, QMargins, QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import (QFrame, QGridLayout, QHBoxLayout, QLabel, QScrollArea, QSizePolicy, QToolTip,
                               QVBoxLayout, QWidget)

from talentdesk.domain import money, values
from talentdesk.domain.status import FUNDING_LEVELS
from talentdesk.services.overview import dashboard
from talentdesk.ui.i18n import tr
from talentdesk.ui.common.widgets import Col, DataTable, PageBase, RowsModel, StatCard, heading, hint
from talentdesk.ui.talents.detail import GRANT_BUTTON

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
    # bare month numbers: "12月" twelve times does not fit a half-width chart (QtCharts shows "…")
    axis_x.append([str(r.month) for r in rows])
    axis_x.setTitleText(tr("月份"))
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
    shown = pairs[:6]
    rest = sum(n for _, n in pairs[6:])
    if rest:
        shown = list(shown) + [(tr("其他"), rest)]
    for i, (label, n) in enumerate(shown):
        s = series.append(f"{label} {n}人", n)
        s.setColor(QColor(PALETTE[i % len(PALETTE)]))
        s.setLabelVisible(False)  # the legend names every slice in full; a slice label is elided
        if on_click is not None and i < 6 and label != "未填写":
            s.clicked.connect(lambda label=label: on_click(label))
    series.setPieSize(0.62)
    chart.addSeries(series)
    chart.legend().setVisible(True)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)


class BarList(QWidget):
    """A horizontal bar chart drawn row by row: the name on the left (shortened in the
    middle only when the chart is narrow; the full name in the tooltip), the bar, the count.
    QtCharts' category axis turns every label into "…" at a 1024-wide window.

    ``set_data(pairs, title, color, on_click)``; a click on a row calls ``on_click(name)``."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.pairs: list[tuple[str, int]] = []
        self.title = ""
        self.color = QColor(PALETTE[0])
        self.on_click = None
        self.setMouseTracking(True)
        self.setMinimumHeight(260)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_data(self, pairs, title: str, color: str, on_click=None) -> None:
        self.pairs = [(str(label), int(n)) for label, n in pairs[:8]]
        self.title = title
        self.color = QColor(color)
        self.on_click = on_click
        self.setAccessibleName(title)
        self.update()

    # -- geometry -----------------------------------------------------------------------
    def _title_font(self) -> QFont:
        f = QFont(self.font())
        f.setPointSize(11)
        f.setBold(True)
        return f

    INSET = 9  # the white card inside the cell, as a QChartView draws its chart

    def _card(self) -> QRect:
        return self.rect().adjusted(self.INSET, self.INSET, -self.INSET, -self.INSET)

    def _rows_top(self) -> int:
        return self._card().y() + 8 + QFontMetrics(self._title_font()).height() + 10

    def _label_width(self) -> int:
        """The name column: as wide as the longest name, at most 45% of the chart."""
        fm = self.fontMetrics()
        widest = max([fm.horizontalAdvance(label) for label, _ in self.pairs] + [0])
        return min(widest, int((self._card().width() - 24) * 0.45))

    def row_rects(self) -> list[QRect]:
        top = self._rows_top()
        n = max(1, len(self.pairs))
        card = self._card()
        step = max(self.fontMetrics().height() + 6, min(32, (card.bottom() - top - 10) // n))
        return [QRect(card.x() + 12, top + i * step, card.width() - 24, step) for i in range(len(self.pairs))]

    def shown_labels(self) -> list[str]:
        """The names as drawn (elided in the middle to fit the name column)."""
        fm, width = self.fontMetrics(), self._label_width()
        return [fm.elidedText(label, Qt.TextElideMode.ElideMiddle, width) for label, _ in self.pairs]

    def row_at(self, pos) -> int:
        for i, rect in enumerate(self.row_rects()):
            if rect.contains(pos):
                return i
        return -1

    # -- events -------------------------------------------------------------------------
    def paintEvent(self, event) -> None:  # noqa: N802 - Qt API
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        card = self._card()
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#ffffff"))
        p.drawRoundedRect(card, 5, 5)
        p.setFont(self._title_font())
        p.setPen(QColor("#222"))
        p.drawText(QRect(card.x(), card.y() + 4, card.width(), QFontMetrics(self._title_font()).height() + 4),
                   Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter, self.title)
        p.setFont(self.font())
        fm = self.fontMetrics()
        if not self.pairs:
            p.setPen(QColor("#888"))
            p.drawText(card, Qt.AlignmentFlag.AlignCenter, tr("暂无数据"))
            return
        label_w = self._label_width()
        count_w = fm.horizontalAdvance(str(max(n for _, n in self.pairs))) + 8
        top = max(n for _, n in self.pairs) or 1
        for rect, text, (_, n) in zip(self.row_rects(), self.shown_labels(), self.pairs):
            p.setPen(QColor("#333"))
            p.drawText(QRect(rect.x(), rect.y(), label_w, rect.height()),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text)
            bar_x = rect.x() + label_w + 8
            room = max(0, rect.right() - bar_x - count_w)
            bar_h = max(6, rect.height() - 8)
            p.fillRect(QRect(bar_x, rect.y() + (rect.height() - bar_h) // 2, int(room * n / top), bar_h), self.color)
            p.drawText(QRect(bar_x + int(room * n / top) + 4, rect.y(), count_w, rect.height()),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, str(n))

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            i = self.row_at(event.pos())
            if i >= 0:
                QToolTip.showText(event.globalPos(), self.tooltip_at(i), self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def tooltip_at(self, row: int) -> str:
        label, n = self.pairs[row]
        return tr("{name}：{n} 人").format(name=label, n=n)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt API
        i = self.row_at(event.position().toPoint())
        clickable = self.on_click is not None and i >= 0 and self.pairs[i][0] != "未填写"
        self.setCursor(Qt.CursorShape.PointingHandCursor if clickable else Qt.CursorShape.ArrowCursor)
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt API
        i = self.row_at(event.position().toPoint())
        if event.button() == Qt.MouseButton.LeftButton and self.on_click is not None and i >= 0 \
                and self.pairs[i][0] != "未填写":
            self.on_click(self.pairs[i][0])
        super().mouseReleaseEvent(event)


def count_axis(top: int) -> tuple[int, int]:
    """(upper bound, tick count) so that every tick of a count axis is a whole number."""
    top = max(1, int(top))
    if top < 10:
        return top + 1, top + 2
    step = next(m * 10 ** e for e in range(0, 9) for m in (1, 2, 5) if top / (m * 10 ** e) <= 8)
    upper = (top // step + 1) * step
    return upper, upper // step + 1


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
            ("care_overdue", tr("超期未办结的服务事项"), "#c94a4a"),
            ("not_visited", tr("本年度未走访"), "#1f6fb2"),
            ("housing", tr("人才公寓期限与赠予"), "#2e8b8b"),
            ("recognitions", tr("待确认的人才认定"), "#2f7f8a"),
        )
        for i, (key, caption, accent) in enumerate(specs):
            card = StatCard(caption, accent=accent)
            card.setObjectName("StatCard")
            card.detail_label.setWordWrap(True)  # four cards a row still fit a 1024-wide screen
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
        self.major_chart = BarList()
        self.major_chart.setObjectName("major_chart")
        self.employer_chart = BarList()
        self.employer_chart.setObjectName("employer_chart")
        charts.addWidget(self.month_chart, 0, 0)
        charts.addWidget(self.education_chart, 0, 1)
        charts.addWidget(self.major_chart, 1, 0)
        charts.addWidget(self.employer_chart, 1, 1)
        lay.addLayout(charts)
        self.attention_data = None

    # -------------------------------------------------------------- data

    def reload(self) -> None:
        """Gather every figure off the GUI thread (a league database takes seconds; the service
        keeps the result until a write, so a visit with nothing written since is quick). At
        once: the figures last computed (if any) or “正在统计……” on every card; then the new
        ones. A reload asked for while one runs supersedes it (only the newest is shown)."""
        self._generation += 1
        generation = self._generation
        ctx = self.env.ctx
        today = dt.date.today()
        if self.attention_data is None:
            cached = dashboard.last_overview(ctx)
            if cached is not None:
                self.show_data(cached)
            else:
                for card in self.cards.values():
                    card.set_value("…", tr("正在统计……"))
        self.subtitle.setText(tr("正在统计……"))

        def work(progress, cancelled):
            return dashboard.overview(ctx, today)

        def done(data):
            if generation == self._generation:
                self.show_data(data)

        self.env.run_op(tr("首页统计"), work, done, write=False, cancellable=False, dialog=False)

    def show_data(self, data: dashboard.Overview) -> None:
        today, office, a, pending, rows = data.today, data.office, data.attention, data.pending, data.budget
        self.subtitle.setText(f"{office.office_name}　{values.cn_date(today)}")
        self.attention_data = a
        self.cards["due"].set_value(a.due_this_month.count, tr("合计 {a} 元").format(a=money.yuan(a.due_this_month.amount_fen)))
        self.cards["overdue"].set_value(a.overdue.count, tr("合计 {a} 元").format(a=money.yuan(a.overdue.amount_fen)))
        self.cards["agreements"].set_value(a.agreements_ending.count, tr("服务期满前请提醒续签或考核"))
        self.cards["expired"].set_value(a.agreements_expired.count, tr("已过到期日仍在履行：期满考核、续签或解除"))
        h = a.housing_due.rows
        self.cards["housing"].set_value(a.housing_due.count, tr("超期或90天内到期 {l} 项，住房可赠予 {g} 项").format(
            l=sum(1 for d in h if d.kind == "limit"), g=sum(1 for d in h if d.kind == "gift")))
        self.cards["reviews"].caption_label.setText(tr("{y}年度考核未录入").format(y=a.review_year))
        self.cards["reviews"].set_value(a.reviews_missing.count, tr("负有服务义务的人才"))
        self.cards["recoveries"].set_value(a.outstanding_recoveries.count,
                                           tr("尚欠 {a} 元").format(a=money.yuan(a.outstanding_recoveries.amount_fen)))
        self.cards["grants"].set_value(pending.count, tr("合计 {a} 元").format(a=money.yuan(pending.amount_fen)))
        self.cards["care_overdue"].set_value(a.care_overdue.count, tr("已过办结期限的人才服务事项"))
        self.cards["not_visited"].set_value(a.not_visited.count, tr("应定期回访的高层次人才"))
        expiring = a.recognitions_expiring.count
        self.cards["recognitions"].set_value(a.recognitions_pending.count, (
            tr("另有 {n} 条90天内到期（第二十条）").format(n=expiring) if expiring
            else tr("确认后生效（第二十条）；90天内无到期")))

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
            self.budget_note.setText(tr("尚无已批准的待遇。在人才库中选择人才，点“{b}”计算并提交审批。").format(
                b=GRANT_BUTTON))

        fill_month_chart(self.month_chart, data.by_month, year)
        fill_pie(self.education_chart, data.by_education, tr("在岗人才学历结构"),
                 lambda v: self.env.navigate("talents", education=v, status="active"))
        self.major_chart.set_data(data.by_major, tr("在岗人才专业领域（前8）"), PALETTE[3])
        self.employer_chart.set_data(data.by_employer, tr("各用人单位在岗人才（前8）"), PALETTE[1],
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
            "care_overdue": ("care", {"tab": "cases", "status": "overdue"}),
            "not_visited": ("care", {"tab": "visits", "due": True}),
            "housing": ("housing", {"tab": "due"}),
            "recognitions": ("recognitions", {"status": "pending"}),
        }
        page, filters = targets[key]
        self.env.navigate(page, **filters)
