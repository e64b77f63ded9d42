"""The 人才库 detail pane's 认定与服务 tab (qtbot, real widgets): the current recognition
(待确认 → 有效 with its confirmation and end → 已撤销), the talent apartment, the service
cases and visits, all read through services.care.talent_duties."""

from __future__ import annotations

import datetime as dt

import pytest

from talentdesk.services.care import cases, housing, visits
from talentdesk.services.context import ServiceContext
from talentdesk.services.register import recognitions, talents
from tests.factories import talent_row

pytestmark = pytest.mark.gui
TODAY = dt.date.today()


def test_duties_tab_follows_the_registers(qtbot, main_window, ctx):
    clerk = ServiceContext(ctx.db, user="王经办", role="clerk")
    reviewer = ServiceContext(ctx.db, user="李审核", role="reviewer")
    row = talent_row(姓名="孙博士", 人才类别="C")
    t = talents.add(clerk, row)
    idn = row["身份证号"]
    main_window.show_page("talents")
    page = main_window.pages["talents"]
    assert page.select_id(t.id)
    detail = page.detail
    detail.load(t.id)
    tab = next(i for i in range(detail.tabs.count()) if detail.tabs.tabText(i) == "认定与服务")
    detail.tabs.setCurrentIndex(tab)
    text = detail.recognition_label.text()
    assert "无认定记录" in text and "人才类别“C”未经审核确认" in text and "第二十条" in text
    assert "未入住" in detail.housing_label.text() and "从未走访" in detail.service_label.text()

    r = recognitions.propose(clerk, talent=idn, scheme="阿拉善盟人才分类", tier="C", doc_no="阿人才办字〔2026〕5号",
                             recognised_on=TODAY - dt.timedelta(days=20),
                             valid_until=TODAY + dt.timedelta(days=700))
    detail.reload()
    assert "C类（精英人才），待确认" in detail.recognition_label.text()
    assert "确认前不作为享受待遇的依据" in detail.recognition_label.text()
    recognitions.confirm(reviewer, r.id, confirmed_on=TODAY - dt.timedelta(days=10))
    c = cases.open_case(clerk, idn, "子女入学", TODAY, "子女就读公立小学")
    visits.record(clerk, idn, TODAY, "人才办 刘科长", "走访", issues="实验室设备老化")
    f = housing.add_flat(clerk, unit="人才公寓3号楼201", area_m2=80)
    housing.allocate(clerk, f.id, idn, start=TODAY - dt.timedelta(days=5))
    detail.reload()
    text = detail.recognition_label.text()
    assert "C类（精英人才），有效" in text and "李审核确认" in text
    assert f"有效期至{TODAY + dt.timedelta(days=700)}" in text
    assert "人才公寓3号楼201" in detail.housing_label.text() and "免费入住至" in detail.housing_label.text()
    assert "服务事项 1 件（办理中 1 件" in detail.service_label.text()
    assert f"最近一次 {TODAY}" in detail.service_label.text()
    assert [x.id for x in detail.cases_model.rows] == [c.id]
    assert [x.issues for x in detail.visits_model.rows] == ["实验室设备老化"]
    assert detail.recognitions_model.rowCount() == 1

    recognitions.revoke(reviewer, r.id, "年度考核不合格（第三十六条）")
    detail.reload()
    assert "已撤销" in detail.recognition_label.text() and "年度考核不合格" in detail.recognition_label.text()


def test_duties_tab_is_read_when_shown(qtbot, main_window, ctx):
    a = talents.add(ctx, talent_row(姓名="甲", 人才类别="B"))
    b = talents.add(ctx, talent_row(姓名="乙"))
    main_window.show_page("talents")
    detail = main_window.pages["talents"].detail
    detail.load(a.id)
    tab = next(i for i in range(detail.tabs.count()) if detail.tabs.tabText(i) == "认定与服务")
    detail.tabs.setCurrentIndex(tab)
    assert "人才类别“B”" in detail.recognition_label.text()
    detail.tabs.setCurrentIndex(0)
    detail.load(b.id)  # another talent while 基本信息 is shown: not read yet
    assert "人才类别“B”" in detail.recognition_label.text()
    detail.tabs.setCurrentIndex(tab)  # shown: read now
    assert detail.recognition_label.text() == "人才认定：无认定记录"
