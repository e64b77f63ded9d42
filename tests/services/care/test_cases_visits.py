"""人才服务: service cases (working-day due dates across 国庆, overdue, close, yearly
statistics) and return visits (who must be visited and has not been, a case opened
from a visit), audited, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from factories import talent_row
from talentdesk.domain.errors import ConflictError, PermissionDenied, ValidationError
from talentdesk.models.entities import AuditEvent
from talentdesk.services.care import cases, visits
from talentdesk.services.context import ServiceContext
from talentdesk.services.office import settings
from talentdesk.services.register import talents

D = dt.date


@pytest.fixture
def office(ctx):
    clerk = ServiceContext(ctx.db, user="王经办", role="clerk")
    phd = talent_row()  # 博士研究生: must be visited
    master = talent_row(姓名="李娜", 学历="硕士研究生", 学位="硕士")  # no class, no senior title: not on the list
    senior = talent_row(姓名="赵强", 学历="大学本科", 学位="学士", 职称="正高级")
    for row in (phd, master, senior):
        talents.add(clerk, row)
    return {"clerk": clerk, "phd": phd["身份证号"], "master": master["身份证号"], "senior": senior["身份证号"]}


def test_due_date_counts_working_days_across_national_day(office):
    clerk, idn = office["clerk"], office["phd"]
    # Fri 26 Sep 2025 + 10 working days: 28 Sep (Sunday, 调休上班) counts, 1-8 Oct do not,
    # 11 Oct (Saturday, 调休上班) counts → Thu 16 Oct
    c = cases.open_case(clerk, idn, "落户", D(2025, 9, 26), "本人及子女随迁落户")
    assert (c.limit_days, c.due_date) == (10, D(2025, 10, 16))
    assert c.department == "公安户政部门" and c.article == "阿拉善盟办法第四十二条"
    # a plain week: Mon 3 Nov + 10 → Mon 17 Nov
    assert cases.open_case(clerk, idn, "就医", D(2025, 11, 3), "专家门诊预约").due_date == D(2025, 11, 17)
    # no limit for the kind (配偶安置): no due date, never overdue
    spouse = cases.open_case(clerk, idn, "配偶安置", D(2025, 1, 6), "配偶为企业职工，求职推荐")
    assert spouse.limit_days is None and spouse.due_date is None
    assert spouse.article == "阿拉善盟办法第四十三条"
    # the office's own extra holiday moves the date
    settings.save_settings(ServiceContext(clerk.db), extra_holidays=[D(2025, 11, 17)])
    assert cases.open_case(clerk, idn, "就医", D(2025, 11, 3), "复诊").due_date == D(2025, 11, 18)
    # the limit changed afterwards: the due date follows
    changed = cases.update(clerk, c.id, limit_days=3)
    assert changed.due_date == D(2025, 9, 30)


def test_overdue_close_and_refusals(office):
    clerk, idn = office["clerk"], office["phd"]
    c = cases.open_case(clerk, idn, "子女入学", D(2025, 9, 1), "子女就读驻地公立小学")
    assert c.due_date == D(2025, 9, 15)
    assert cases.list_cases(clerk, status="overdue", on=D(2025, 9, 15)) == []
    assert [v.id for v in cases.overdue(clerk, D(2025, 9, 16))] == [c.id]
    assert [v.id for v in cases.list_cases(clerk, status="办理中", on=D(2025, 9, 15))] == [c.id]
    with pytest.raises(ValidationError, match="早于申请日期"):
        cases.close(clerk, c.id, "办结", D(2025, 8, 31))
    with pytest.raises(ValidationError, match="办理结果"):
        cases.close(clerk, c.id, "好了", D(2025, 9, 10))
    done = cases.close(clerk, c.id, "办结", D(2025, 9, 18), result="已入学阿左旗第三小学")
    assert done.status == "closed" and done.late and done.days_taken == 13 and done.status_text == "办结（超期）"
    assert cases.overdue(clerk, D(2025, 9, 20)) == []
    with pytest.raises(ConflictError, match="已于2025-09-18办结"):
        cases.close(clerk, c.id, "办结", D(2025, 9, 19))
    again = cases.reopen(clerk, c.id, "学校调整，需重新协调")
    assert again.status == "overdue" and again.outcome is None
    with pytest.raises(ValidationError, match="事项类别"):
        cases.open_case(clerk, idn, "买房", D(2025, 9, 1), "x")
    with pytest.raises(ValidationError, match="办理时限"):
        cases.open_case(clerk, idn, "落户", D(2025, 9, 1), "x", limit_days=0)
    # baotou's plan names no 疗养: the clerk must give the article
    from factories import credit_code
    bt = talent_row(姓名="孙丽", 用人单位="包头稀土研究院", 统一社会信用代码=credit_code(7), 所属地区="稀土高新区")
    talents.add(clerk, bt, policy_id="baotou-2022")
    with pytest.raises(ValidationError, match="请填写办理依据"):
        cases.open_case(clerk, bt["身份证号"], "疗养", D(2025, 9, 1), "疗养")
    assert cases.open_case(clerk, bt["身份证号"], "疗养", D(2025, 9, 1), "疗养", article="市委人才办一事一议").article \
        == "市委人才办一事一议"
    assert cases.open_case(clerk, bt["身份证号"], "子女入学", D(2025, 9, 1), "入学").article == "包头市行动计划三（二）3"
    with ctx_db(clerk) as s:
        events = s.execute(select(AuditEvent.action).where(AuditEvent.entity == "service_case",
                                                           AuditEvent.entity_id == str(c.id))
                           .order_by(AuditEvent.id)).scalars().all()
    assert events == ["create", "close", "reopen"]


def ctx_db(ctx):
    return ctx.read()


def test_yearly_stats_by_kind(office):
    clerk, idn, other = office["clerk"], office["phd"], office["senior"]
    a = cases.open_case(clerk, idn, "落户", D(2025, 3, 3), "落户")  # due 17 Mar
    b = cases.open_case(clerk, other, "落户", D(2025, 3, 3), "落户")
    cases.open_case(clerk, other, "落户", D(2025, 12, 1), "落户")  # due 15 Dec, still open on 31 Dec
    cases.open_case(clerk, idn, "就医", D(2025, 6, 2), "就医")
    cases.open_case(clerk, idn, "落户", D(2024, 3, 4), "去年的")
    cases.close(clerk, a.id, "办结", D(2025, 3, 7))  # 4 working days
    cases.close(clerk, b.id, "办结", D(2025, 3, 19))  # 12 working days, late
    s = cases.yearly_stats(clerk, 2025, on=D(2025, 12, 31))
    row = {r.kind: r for r in s.rows}
    assert (row["落户"].count, row["落户"].closed, row["落户"].open, row["落户"].overdue) == (3, 2, 1, 2)
    assert row["落户"].avg_days == 8.0
    assert (row["就医"].count, row["就医"].closed, row["就医"].overdue, row["就医"].avg_days) == (1, 0, 1, None)
    assert row["疗养"].count == 0 and [r.kind for r in s.rows] == list(cases.KINDS)
    assert (s.total.count, s.total.closed, s.total.overdue, s.total.avg_days) == (4, 2, 3, 8.0)
    # seen from 10 Dec the December case is not yet overdue
    assert cases.yearly_stats(clerk, 2025, on=D(2025, 12, 10)).total.overdue == 2


def test_visits_not_visited_and_case_from_visit(office):
    clerk = office["clerk"]
    n, rows = visits.not_visited(clerk, 2025)
    assert n == 2 and {r.id_number for r in rows} == {office["phd"], office["senior"]}
    assert {r.reason for r in rows} == {"博士研究生", "正高级职称"}
    v = visits.record(clerk, office["phd"], D(2025, 4, 8), "旗委组织部 王部长、人才办 刘科长", "走访",
                      issues="配偶尚未就业", follow_up="人社部门推荐岗位", case_kind="配偶安置")
    assert v.case_id is not None and v.case_kind == "配偶安置"
    case = cases.get(clerk, v.case_id)
    assert case.requested_on == D(2025, 4, 8) and case.summary == "配偶尚未就业" and case.visit_id == v.id
    visits.record(clerk, office["master"], D(2025, 5, 8), "人才办 刘科长", "电话")
    n, rows = visits.not_visited(clerk, 2025)
    assert n == 1 and rows[0].id_number == office["senior"] and rows[0].last_visit is None
    # a visit in 2025 does not count for 2026: the PhD is due again, last visited 2025-04-08
    n, rows = visits.not_visited(clerk, 2026)
    assert n == 2 and rows[1].last_visit == D(2025, 4, 8)
    call = visits.record(clerk, office["senior"], D(2025, 6, 1), "人才办", "座谈", issues="需要年度体检")
    made = visits.open_case_from_visit(clerk, call.id, "体检")
    assert made.kind == "体检" and made.visit_id == call.id and made.summary == "需要年度体检"
    with pytest.raises(ConflictError, match="已新建服务事项"):
        visits.open_case_from_visit(clerk, call.id, "体检")
    assert visits.not_visited(clerk, 2025)[0] == 0
    assert [x.form for x in visits.list_visits(clerk, year=2025)] == ["座谈", "电话", "走访"]
    assert [x.id for x in visits.list_visits(clerk, talent=office["phd"])] == [v.id]
    with pytest.raises(ValidationError, match="走访形式"):
        visits.record(clerk, office["phd"], D(2025, 4, 8), "人才办", "上门")
    with pytest.raises(ValidationError, match="走访人员"):
        visits.record(clerk, office["phd"], D(2025, 4, 8), " ", "走访")
    # records are kept: the talent cannot be deleted
    with pytest.raises(ConflictError, match="服务事项或走访记录"):
        talents.delete(clerk, office["phd"])


def test_departed_and_class_rule(office):
    clerk = office["clerk"]
    d = talent_row(姓名="钱多", 学历="大学本科", 学位="学士", 人才类别="C")
    talents.add(clerk, d)
    n, rows = visits.not_visited(clerk, 2025)
    assert n == 3 and "C类人才" in {r.reason for r in rows}
    # introduced after the year: not due that year
    late = talent_row(姓名="周新", 引进日期="2026-02-01", 合同起始日期="2026-02-01")
    talents.add(clerk, late)
    assert visits.not_visited(clerk, 2025)[0] == 3 and visits.not_visited(clerk, 2026)[0] == 4


def test_permissions(office):
    from talentdesk.services.office import permissions

    assert permissions.allowed(office["clerk"], "case.write") and permissions.allowed(office["clerk"], "visit.write")
    with pytest.raises(PermissionDenied):
        permissions.require(ServiceContext(office["clerk"].db, user="x", role="nobody"), "case.write")


def test_dashboard_attention_counts_overdue_cases_and_unvisited(office):
    from talentdesk.services.overview import dashboard

    clerk, today = office["clerk"], dt.date.today()
    a = dashboard.attention(clerk, today)
    assert a.care_overdue.count == 0 and a.not_visited.count == 2
    late = cases.open_case(clerk, office["phd"], "落户", today - dt.timedelta(days=40), "落户")
    cases.open_case(clerk, office["phd"], "就医", today, "就医")  # due in 10 working days: not overdue
    visits.record(clerk, office["senior"], today, "人才办", "走访")
    a = dashboard.attention(clerk, today)
    assert a.care_overdue.count == 1 and a.care_overdue.rows[0].id == late.id
    assert a.not_visited.count == 1 and a.not_visited.rows[0].id_number == office["phd"]
    assert a.as_dict()["not_visited"]["count"] == 1
