from __future__ import annotations

import datetime as dt

import pytest

from talentdesk.services.benefits import agreements, grants
from talentdesk.ui.overview import dashboard as page_mod
from tests.ui.pages.conftest import wait_for_ops
from tests.ui.pages.seeding import approved_settlement, talent

pytestmark = pytest.mark.gui
TODAY = dt.date.today()


@pytest.fixture
def seeded(clerk_ctx, reviewer_ctx):
    # approved a year and a bit ago: 1st installment overdue; another due this month
    approved_settlement(clerk_ctx, reviewer_ctx, approved_on=(TODAY - dt.timedelta(days=400)).replace(day=1),
                        姓名="张伟")
    approved_settlement(clerk_ctx, reviewer_ctx, approved_on=TODAY.replace(day=1), 姓名="李娜",
                        学历="硕士研究生", 学位="硕士", 专业="作物学")
    t = talent(clerk_ctx, 姓名="王芳")
    grants.propose(clerk_ctx, t.id_number, "settlement_allowance", approved_on=TODAY, approval_doc_no="阿左人才字〔2023〕11号")
    agreements.add(clerk_ctx, t.id_number, kind="服务期协议", start_date=TODAY.replace(year=TODAY.year - 5)
                   + dt.timedelta(days=30), term_years=5)


def test_counts_and_navigation(qtbot, env, seeded, clerk_ctx):
    env.ctx = clerk_ctx
    page = page_mod.Page(env)
    qtbot.addWidget(page)
    page.resize(1200, 900)
    page.refresh()
    wait_for_ops(qtbot, env)  # the figures are gathered off the GUI thread
    # 李娜 approved this month, and 王芳's proposed grant (the service counts it too)
    assert page.cards["due"].value_label.text() == "2"
    assert page.cards["due"].detail_label.text() == "合计 120,000.00 元"  # 40% of 100,000 + 40% of 200,000
    assert page.cards["overdue"].value_label.text() == "2"  # 张伟: 1st and 2nd installments
    assert page.cards["grants"].value_label.text() == "1"
    assert page.cards["agreements"].value_label.text() == "1"
    assert int(page.cards["reviews"].value_label.text()) >= 1
    # budget: totals line present, integer fen formatted
    assert page.budget_model.rows[-1].benefit == "合计"
    assert page.budget_model.rows[-1].this_total > 0
    # charts got their series
    assert page.month_chart.chart().series() and page.education_chart.chart().series()
    # clicking a card navigates with the filter
    qtbot.mouseClick(page.cards["overdue"], page_mod.Qt.MouseButton.LeftButton)
    assert env.navigations[-1] == ("payments", {"overdue": True})
    page.cards["agreements"].setFocus()
    qtbot.keyClick(page.cards["agreements"], page_mod.Qt.Key.Key_Return)
    assert env.navigations[-1] == ("agreements", {"ending_within": 90})
    qtbot.mouseClick(page.cards["due"], page_mod.Qt.MouseButton.LeftButton)
    key, filters = env.navigations[-1]
    assert key == "payments" and filters["month"] == TODAY.isoformat()[:7]


def test_due_card_matches_payments_page(qtbot, env, seeded, clerk_ctx):
    """What the card counts is what the list behind it shows."""
    from talentdesk.ui.benefits import payments as payments_page

    env.ctx = clerk_ctx
    dash = page_mod.Page(env)
    qtbot.addWidget(dash)
    dash.refresh()
    wait_for_ops(qtbot, env)
    pay = payments_page.Page(env)
    qtbot.addWidget(pay)
    for key in ("due", "overdue"):
        qtbot.mouseClick(dash.cards[key], page_mod.Qt.MouseButton.LeftButton)
        _, filters = env.navigations[-1]
        pay.apply_filters(**filters)
        assert len(pay.installments.model.rows) == int(dash.cards[key].value_label.text()), key


def test_chart_slices_open_the_talents_behind_them(qtbot, env, seeded, clerk_ctx):
    env.ctx = clerk_ctx
    page = page_mod.Page(env)
    qtbot.addWidget(page)
    page.refresh()
    wait_for_ops(qtbot, env)  # the figures are gathered off the GUI thread
    [pie] = page.education_chart.chart().series()
    doctor = next(s for s in pie.slices() if s.label().startswith("博士研究生"))
    doctor.clicked.emit()
    assert env.navigations[-1] == ("talents", {"education": "博士研究生", "status": "active"})
    bars = page.employer_chart
    bars.resize(500, 300)
    row = [label for label, _ in bars.pairs].index("阿拉善盟农牧科学研究所")
    qtbot.mouseClick(bars, page_mod.Qt.MouseButton.LeftButton, pos=bars.row_rects()[row].center())
    key, filters = env.navigations[-1]
    assert key == "talents" and filters["employer"] == "阿拉善盟农牧科学研究所"


EMPLOYERS = ["阿拉善盟农牧业科学研究所", "阿拉善高新技术产业开发区绿源化工有限责任公司", "阿拉善左旗第一中学",
             "额济纳旗人民医院"]


@pytest.mark.parametrize("width", [300, 420, 900])
def test_bar_chart_names_stay_readable_when_narrow(qtbot, width):
    bars = page_mod.BarList()
    qtbot.addWidget(bars)
    bars.set_data([(name, 10 - i) for i, name in enumerate(EMPLOYERS)], "各用人单位在岗人才（前8）", "#e07b39")
    bars.resize(width, 300)
    shown = bars.shown_labels()
    fm = bars.fontMetrics()
    for name, text in zip(EMPLOYERS, shown):
        assert text == name or ("…" in text and len(text) >= 6), (width, text)
        assert text.replace("…", "")[:2] == name[:2] and text[-1] == name[-1]  # its start and its end
        row_room = bars.row_rects()[0].width() * 0.45 + 12
        assert fm.horizontalAdvance(text) <= row_room + 1
    assert len(set(shown)) == len(EMPLOYERS)  # still tells the employers apart
    if width >= 900:
        assert shown == EMPLOYERS
    for row, name in enumerate(EMPLOYERS):  # the full name is one hover away
        assert bars.row_at(bars.row_rects()[row].center()) == row
        assert name in bars.tooltip_at(row)


def test_month_labels_fit_a_half_width_chart(qtbot, env, seeded, clerk_ctx):
    env.ctx = clerk_ctx
    page = page_mod.Page(env)
    qtbot.addWidget(page)
    page.resize(860, 700)  # the page at a 1024-wide window
    page.show()
    page.refresh()
    wait_for_ops(qtbot, env)
    chart = page.month_chart.chart()
    [axis] = [a for a in chart.axes() if a.orientation() == page_mod.Qt.Orientation.Horizontal]
    qtbot.waitUntil(lambda: chart.plotArea().width() > 0)
    slot = chart.plotArea().width() / len(axis.categories())
    from PySide6.QtGui import QFontMetricsF

    fm = QFontMetricsF(axis.labelsFont())
    assert all(fm.horizontalAdvance(c) + 4 < slot for c in axis.categories()), (slot, axis.categories())


def test_empty_budget_hint_names_the_real_button(qtbot, env):
    import re

    from PySide6.QtWidgets import QPushButton

    from talentdesk.ui.talents.detail import TalentDetail

    page = page_mod.Page(env)
    qtbot.addWidget(page)
    page.refresh()
    wait_for_ops(qtbot, env)
    [name] = re.findall(r"点“([^”]+)”", page.budget_note.text())
    detail = TalentDetail(env)
    qtbot.addWidget(detail)
    buttons = [b.text().replace("&", "") for b in detail.findChildren(QPushButton)]
    assert name in buttons, (name, buttons)


def test_figures_are_gathered_off_the_gui_thread(qtbot, env, seeded, clerk_ctx, monkeypatch):
    import threading

    threads = []
    real = page_mod.dashboard.attention

    def attention(*args, **kwargs):
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(page_mod.dashboard, "attention", attention)
    env.ctx = clerk_ctx
    page = page_mod.Page(env)
    qtbot.addWidget(page)
    page.refresh()
    assert page.subtitle.text() == "正在统计……"  # the window is not blocked meanwhile
    wait_for_ops(qtbot, env)
    assert threads and threads[0] is not threading.main_thread()
    assert page.cards["grants"].value_label.text() == "1"
    today = dt.date.today()
    assert page.subtitle.text().endswith(f"{today.year}年{today.month}月{today.day}日")  # no leading zeros


def test_placeholder_then_figures_and_the_last_figures_at_once(qtbot, env, seeded, clerk_ctx):
    """Issue 20: the page never waits for the figures: “正在统计……” on every card at once,
    the figures when the worker is done; a later visit shows the last figures at once and
    replaces them when a write changed them."""
    env.ctx = clerk_ctx
    page = page_mod.Page(env)
    qtbot.addWidget(page)
    page.refresh()
    assert page.cards["due"].value_label.text() == "…"
    assert {c.detail_label.text() for c in page.cards.values()} == {"正在统计……"}
    qtbot.waitUntil(lambda: page.cards["due"].value_label.text() == "2", timeout=60000)
    assert page.cards["grants"].value_label.text() == "1"
    assert page.subtitle.text() != "正在统计……"
    wait_for_ops(qtbot, env)

    t = talent(clerk_ctx, 姓名="赵敏")
    grants.propose(clerk_ctx, t.id_number, "settlement_allowance", approved_on=TODAY,
                   approval_doc_no="阿左人才字〔2023〕12号")
    again = page_mod.Page(env)  # e.g. the pages built again after 切换用户
    qtbot.addWidget(again)
    again.refresh()
    # before the worker ran: the figures last computed (one grant pending then), not a blank page
    assert again.cards["grants"].value_label.text() == "1"
    assert again.subtitle.text() == "正在统计……"
    qtbot.waitUntil(lambda: again.cards["grants"].value_label.text() == "2", timeout=60000)
    assert again.subtitle.text() != "正在统计……"
