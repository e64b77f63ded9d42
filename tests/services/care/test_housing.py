"""人才公寓 register: flats, allocate / vacate with clear refusals, the pack's limits
(阿拉善 第四十一条 three years, 阿拉山口 第十四条 gift after 5 years), the due list, and
the engine reading the register: the rent subsidy's answer changes when a flat is taken or
left; a roster 是 without a record is 待定 until the clerk confirms."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from talentdesk.domain.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from talentdesk.models.entities import AuditEvent
from talentdesk.services.care import housing
from talentdesk.services.context import ServiceContext
from talentdesk.services.benefits import grants
from talentdesk.services.register import talents
from factories import talent_row

D = dt.date


@pytest.fixture
def clerk(ctx):
    return ServiceContext(ctx.db, user="王经办", role="clerk")


def _add(ctx, policy_id=None, **over):
    row = talent_row(**over)
    talents.add(ctx, row, policy_id=policy_id)
    return row["身份证号"]


def test_allocate_refusals_vacate_and_audit(clerk):
    a = _add(clerk)
    b = _add(clerk, 姓名="李娜")
    f = housing.add_flat(clerk, unit="人才公寓1号楼101", area_m2="90", programme="阿左旗人才公寓")
    assert (f.unit, f.area_m2, f.status_label) == ("人才公寓1号楼101", 90, "可分配")
    with pytest.raises(ConflictError, match="已登记"):
        housing.add_flat(clerk, unit="人才公寓1号楼101")
    with pytest.raises(ValidationError, match="面积"):
        housing.add_flat(clerk, unit="X", area_m2="九十")
    housing.add_flat(clerk, unit="人才公寓1号楼102", area_m2=90)

    o = housing.allocate(clerk, "人才公寓1号楼101", a, start=D(2023, 5, 10))
    # alxa-2023 (the office default): free for three years from moving in (第四十一条)
    assert (o.limit_years, o.limit_until, o.gift_on) == (3, D(2026, 5, 9), None)
    assert "第四十一条" in o.basis
    with pytest.raises(ConflictError, match="已由张伟自2023-05-10起入住"):
        housing.allocate(clerk, "人才公寓1号楼101", b, start=D(2024, 1, 1))
    with pytest.raises(ConflictError, match="同一人不能同时入住两套"):
        housing.allocate(clerk, "人才公寓1号楼102", a, start=D(2024, 1, 1))
    with pytest.raises(NotFoundError, match="找不到房源"):
        housing.allocate(clerk, "不存在", b, start=D(2024, 1, 1))
    with pytest.raises(ConflictError, match="有人居住，不能停用"):
        housing.update_flat(clerk, f.id, status="withdrawn")
    flats = {v.unit: v for v in housing.list_flats(clerk, on=D(2024, 1, 1))}
    assert flats["人才公寓1号楼101"].occupancy.name == "张伟" and flats["人才公寓1号楼101"].status_label == "已入住"
    assert flats["人才公寓1号楼102"].occupancy is None

    with pytest.raises(ValidationError, match="早于入住日期"):
        housing.vacate(clerk, o.id, on=D(2023, 5, 1), reason="调离")
    with pytest.raises(ValidationError, match="退房原因"):
        housing.vacate(clerk, o.id, on=D(2024, 6, 30), reason="")
    v = housing.vacate(clerk, o.id, on=D(2024, 6, 30), reason="购买自有住房")
    assert v.end_date == D(2024, 6, 30) and v.ended_reason == "购买自有住房"
    with pytest.raises(ConflictError, match="已于2024-06-30退出"):
        housing.vacate(clerk, o.id, on=D(2024, 7, 1), reason="x")
    # the flat is free again from the day after
    o2 = housing.allocate(clerk, f.id, b, start=D(2024, 7, 1))
    assert o2.name == "李娜"
    with ctx_read(clerk) as s:
        actions = [r[0] for r in s.execute(select(AuditEvent.action).where(AuditEvent.entity == "occupancy")
                                           .order_by(AuditEvent.id))]
    assert actions == ["allocate", "vacate", "allocate"]
    reader = ServiceContext(clerk.db, user="只读", role="reviewer")
    assert housing.list_occupancies(reader, current=True, on=D(2024, 8, 1))[0].name == "李娜"


def ctx_read(ctx):
    return ctx.read()


def test_permission_required(ctx):
    nobody = ServiceContext(ctx.db, user="某人", role="guest")
    with pytest.raises((PermissionDenied, KeyError)):
        housing.add_flat(nobody, unit="A")


def test_due_limits_and_alashankou_gift(clerk):
    a = _add(clerk)
    g = _add(clerk, "alashankou-2014", 姓名="赵敏", 引进日期="2015-03-01", 合同起始日期="2015-03-01")
    housing.add_flat(clerk, unit="A-1")
    housing.add_flat(clerk, unit="B-1", area_m2=120)
    housing.allocate(clerk, "A-1", a, start=D(2023, 5, 10))
    og = housing.allocate(clerk, "B-1", g, start=D(2015, 3, 10))
    # 阿拉山口 第十四条（三）: a PhD's flat may be given after 5 years' continuous work from 引进日期
    assert (og.policy_id, og.gift_years, og.gift_on, og.limit_until) == ("alashankou-2014", 5, D(2020, 3, 1), None)
    gifts = [d for d in housing.due(clerk, on=D(2020, 3, 1)) if d.kind == "gift"]
    assert [d.occupancy.name for d in gifts] == ["赵敏"] and gifts[0].days == 0
    assert [d for d in housing.due(clerk, on=D(2019, 12, 1)) if d.kind == "gift"] == []  # 91 days before
    with pytest.raises(ConflictError, match="2020-03-01起住房方可直接赠予"):
        housing.vacate(clerk, og.id, on=D(2020, 2, 29), reason="", gifted=True)
    given = housing.vacate(clerk, og.id, on=D(2020, 3, 1), reason="", gifted=True)
    assert given.state_label == "已赠予"
    assert {f.unit: f.status_label for f in housing.list_flats(clerk, on=D(2020, 4, 1))}["B-1"] == "已赠予"
    with pytest.raises(ConflictError, match="已赠予，不能分配"):
        housing.allocate(clerk, "B-1", a, start=D(2030, 1, 1))
    # 91 days before the limit: nothing yet; 90 days before: listed; past: over the limit
    limit = D(2026, 5, 9)
    near = [d for d in housing.due(clerk, on=limit - dt.timedelta(days=91)) if d.kind == "limit"]
    assert near == []
    items = [d for d in housing.due(clerk, on=limit - dt.timedelta(days=90)) if d.kind == "limit"]
    assert len(items) == 1 and items[0].days == 90 and "第四十一条" in items[0].text
    past = [d for d in housing.due(clerk, on=limit + dt.timedelta(days=1)) if d.kind == "limit"]
    assert past[0].days == -1 and past[0].occupancy.over_limit and past[0].occupancy.state_label == "超过免费期限"
    inside = housing.list_occupancies(clerk, id_number=a, on=limit)[0]
    assert not inside.over_limit


def test_engine_answer_follows_the_register(clerk):
    # not urgently needed: no settlement allowance, so the rent subsidy turns on housing only
    idn = _add(clerk, 急需紧缺="否")

    def rent(**kw):
        ev = grants.evaluate_talent(clerk, idn, approved_on=D(2023, 6, 1), as_of=D(2024, 7, 1), **kw)
        return ev.benefit("rent_subsidy"), ev.benefit("talent_apartment")

    r, apt = rent()
    assert r.status == "eligible" and r.total_fen == 4500000
    housing.add_flat(clerk, unit="C-1")
    o = housing.allocate(clerk, "C-1", idn, start=D(2023, 6, 10))
    r, apt = rent()
    assert r.status == "ineligible" and any("已入住人才公寓" in x for x in r.reasons)
    assert apt.in_kind["occupancy"]["from"] == "2023-06-10"
    # moved out before... the period starts on approval: an occupancy ending 2023-06-10 still overlaps
    housing.vacate(clerk, o.id, on=D(2023, 6, 10), reason="调离")
    assert rent()[0].status == "ineligible"


def test_occupancy_ended_before_the_period(clerk):
    idn = _add(clerk, 急需紧缺="否")
    housing.add_flat(clerk, unit="D-1")
    o = housing.allocate(clerk, "D-1", idn, start=D(2021, 1, 1))
    housing.vacate(clerk, o.id, on=D(2023, 5, 31), reason="购房")
    ev = grants.evaluate_talent(clerk, idn, approved_on=D(2023, 6, 1), as_of=D(2024, 7, 1))
    assert ev.benefit("rent_subsidy").status == "eligible"


def test_roster_hint_is_pending_until_confirmed(clerk):
    idn = _add(clerk, 急需紧缺="否", 入住人才公寓="是")
    assert [h.id_number for h in housing.unconfirmed_hints(clerk)] == [idn]
    ev = grants.evaluate_talent(clerk, idn, approved_on=D(2023, 6, 1), as_of=D(2024, 7, 1))
    r = ev.benefit("rent_subsidy")
    assert r.status == "undetermined"
    assert any("花名册填报入住人才公寓，住房登记中无记录，请核实（第四十一条）" in p for p in r.pending)
    housing.confirm_not_housed(clerk, idn, note="经电话核实，租住社会房屋")
    assert housing.unconfirmed_hints(clerk) == []
    ev = grants.evaluate_talent(clerk, idn, approved_on=D(2023, 6, 1), as_of=D(2024, 7, 1))
    assert ev.benefit("rent_subsidy").status == "eligible"
    # allocating later replaces the confirmation: the register now says housed
    housing.add_flat(clerk, unit="E-1")
    housing.allocate(clerk, "E-1", idn, start=D(2024, 1, 1))
    ev = grants.evaluate_talent(clerk, idn, approved_on=D(2023, 6, 1), as_of=D(2024, 7, 1))
    assert ev.benefit("rent_subsidy").status == "ineligible"
    with pytest.raises(ConflictError, match="不能确认为未入住"):
        housing.confirm_not_housed(clerk, idn)


def test_dashboard_counts_the_due_list(clerk):
    from talentdesk.services.overview import dashboard

    a = _add(clerk)
    housing.add_flat(clerk, unit="F-1")
    housing.allocate(clerk, "F-1", a, start=D(2023, 5, 10))  # free until 2026-05-09
    assert dashboard.attention(clerk, D(2026, 2, 7)).housing_due.count == 0  # 91 days before
    att = dashboard.attention(clerk, D(2026, 2, 8))
    assert att.housing_due.count == 1 and att.housing_due.rows[0].kind == "limit"
    assert att.as_dict()["housing_due"]["rows"][0]["occupancy"]["name"] == "张伟"
