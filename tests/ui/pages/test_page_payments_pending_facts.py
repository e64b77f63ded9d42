"""待遇发放: an installment the engine holds for a missing service-year fact says so
(“待补充：…” with the article) beside the installment."""

from __future__ import annotations

import datetime as dt

import pytest

from talentdesk.services.benefits import grant_facts, grants
from talentdesk.services.register import talents
from talentdesk.ui.benefits import payments as page_mod
from tests.factories import talent_row

pytestmark = pytest.mark.gui
D = dt.date


def test_awaiting_fact_is_shown_on_the_payments_page(qtbot, env, clerk_ctx, reviewer_ctx):
    env.ctx = clerk_ctx
    row = talent_row(**{"姓名": "孙专家", "引进方式": "特聘", "用人单位": "阿拉山口市某局", "引进日期": "2020-01-10",
                        "合同起始日期": "2020-01-10", "协议签订日期": "2020-01-10"})
    talents.add(clerk_ctx, row)
    talents.update(clerk_ctx, row["身份证号"], {}, policy_id="alashankou-2014")
    g = grants.propose(clerk_ctx, row["身份证号"], "special_hire_subsidy", approved_on=D(2020, 1, 10),
                       approval_doc_no="阿左人才字〔2023〕11号", facts={"alashankou_expert": True})
    grants.approve(reviewer_ctx, g.id)
    page = page_mod.Page(env)
    qtbot.addWidget(page)
    tab = page.installments
    page.apply_filters(date_from=D(2021, 1, 1), date_to=D(2021, 1, 31), status="scheduled")
    rows = tab.model.rows
    assert [r.due_date for r in rows] == [D(2021, 1, 10)]
    text = tab._reason(rows[0])
    assert text.startswith("待补充：") and "第十四条" in text and "第1个服务年度" in text
    grant_facts.record(clerk_ctx, g.id, 1, {"months_served": 9})
    tab.reload()
    assert not tab._reason(tab.model.rows[0]).startswith("待补充")
