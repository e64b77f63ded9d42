"""Facts per service year recorded after approval (阿拉山口 第十四条第一款: 特聘 10万 a year
for a year with 6 months served or more): audited, re-evaluated at once, visible as 待补充."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from talentdesk.domain.errors import NotFoundError, PermissionDenied, ValidationError
from talentdesk.models.entities import AuditEvent
from talentdesk.services.benefits import grant_facts, grants, payments
from talentdesk.services.register import talents
from talentdesk.services.context import ServiceContext
from factories import talent_row

D = dt.date
CODE = "special_hire_subsidy"


@pytest.fixture
def expert(ctx):
    """A 特聘 expert under Alashankou 2014 with the yearly 特聘 subsidy approved on 2020-01-10."""
    row = talent_row(**{"引进方式": "特聘", "用人单位": "阿拉山口市某局", "引进日期": "2020-01-10",
                        "合同起始日期": "2020-01-10", "协议签订日期": "2020-01-10"})
    talents.add(ctx, row)
    idn = row["身份证号"]
    talents.update(ctx, idn, {}, policy_id="alashankou-2014")
    g = grants.propose(ctx, idn, CODE, approved_on=D(2020, 1, 10), approval_doc_no="阿市人才〔2020〕1号",
                       facts={"alashankou_expert": True})
    g = grants.approve(ServiceContext(ctx.db, user="李审核", role="reviewer"), g.id)
    return idn, g


def test_missing_months_are_pending_with_the_article(ctx, expert):
    idn, g = expert
    pend = grant_facts.pending(ctx, idn)
    assert pend, "the yearly installments due so far wait for months_served"
    first = pend[0]
    assert first.grant_id == g.id and first.year == 1
    assert first.text.startswith("待补充：") and "第十四条" in first.text
    ids = [i.id for i in g.installments]
    waiting = grant_facts.pending_for_installments(ctx, ids)
    assert waiting and all(v.startswith("待补充：") for v in waiting.values())


def test_recording_a_short_year_cancels_its_installment_and_is_audited(ctx, expert):
    idn, g = expert
    by_year = {i + 1: inst for i, inst in enumerate(g.installments)}
    out = grant_facts.record_for(ctx, idn, CODE, 2, {"服务月数": "5"})
    assert out.facts.values == {"months_served": 5}
    assert [e.action for e in out.effects] == ["cancel"]
    assert out.effects[0].installment_id == by_year[2].id
    rows = {r.id: r for r in payments.list_installments(ctx, grant_id=g.id)}
    assert rows[by_year[2].id].status == "cancelled"
    assert rows[by_year[2].id].status_reason.startswith(grant_facts.SERVICE_MARK)
    assert "6个月" in rows[by_year[2].id].status_reason
    # the year no longer waits; the others still do
    assert 2 not in {p.year for p in out.pending}
    # the engine receives it as facts["per_year"]
    with ctx.read() as session:
        from talentdesk.models.entities import BenefitGrant

        facts = grants.grant_facts(session.get(BenefitGrant, g.id))
        assert facts["per_year"] == {2: {"months_served": 5}}
        ev = session.execute(select(AuditEvent.user, AuditEvent.after)
                             .where(AuditEvent.entity == "grant_year_fact")).all()
    assert len(ev) == 1 and json.loads(ev[0][1])["months_served"] == 5 and ev[0][0] == ctx.actor
    # correcting to 7 months restores the installment (audited before/after)
    out = grant_facts.record(ctx, g.id, 2, {"months_served": 7})
    assert [e.action for e in out.effects] == ["restore"]
    assert {r.id: r for r in payments.list_installments(ctx, grant_id=g.id)}[by_year[2].id].status == "scheduled"
    with ctx.read() as session:
        ev = session.execute(select(AuditEvent.before, AuditEvent.after).where(AuditEvent.entity == "grant_year_fact")
                             .order_by(AuditEvent.id)).all()
    assert json.loads(ev[-1][0])["months_served"] == 5 and json.loads(ev[-1][1])["months_served"] == 7
    # a full year, then deleting it: waiting again
    out = grant_facts.delete(ctx, g.id, 2)
    assert out.facts.values == {}
    assert 2 in {p.year for p in grant_facts.pending(ctx, idn)}
    assert grant_facts.list_facts(ctx, g.id) == []


def test_values_are_checked(ctx, expert):
    idn, g = expert
    with pytest.raises(ValidationError, match="服务月数"):
        grant_facts.record(ctx, g.id, 1, {"months_served": "13"})
    with pytest.raises(ValidationError, match="是否返岗"):
        grant_facts.record(ctx, g.id, 1, {"returned_to_post": "也许"})
    with pytest.raises(ValidationError, match="无法识别"):
        grant_facts.record(ctx, g.id, 1, {"colour": "1"})
    with pytest.raises(ValidationError, match="服务年度"):
        grant_facts.record(ctx, g.id, 0, {"months_served": 6})
    with pytest.raises(NotFoundError, match="没有"):
        grant_facts.record_for(ctx, idn, "no_such_benefit", 1, {"months_served": 6})
    out = grant_facts.record(ctx, g.id, 1, {"onsite_days": "200", "returned_to_post": "是", "months_served": 8})
    assert out.facts.values == {"months_served": 8, "onsite_days": 200, "returned_to_post": True}
    assert [f.year for f in grant_facts.list_for_talent(ctx, idn)] == [1]


def test_permission(ctx, expert):
    _, g = expert
    nobody = ServiceContext(ctx.db, user="访客", role="guest")
    with pytest.raises((PermissionDenied, KeyError)):
        grant_facts.record(nobody, g.id, 1, {"months_served": 6})


def test_import_rows_dry_run_and_errors(ctx, expert):
    idn, g = expert
    rows = [{"身份证号": idn, "待遇项目": CODE, "服务年度": "1", "服务月数": "9"},
            {"身份证号": idn, "待遇项目": CODE, "服务年度": "2", "服务月数": "x"}]
    dry = grant_facts.record_many(ctx, rows, dry_run=True)
    assert not dry.committed and [r.ok for r in dry.results] == [True, False]
    assert "服务月数" in dry.results[1].message
    assert grant_facts.list_facts(ctx, g.id) == []
    batch = grant_facts.record_many(ctx, rows)
    assert batch.recorded == 1 and batch.errors == 1
    assert [f.values for f in grant_facts.list_facts(ctx, g.id)] == [{"months_served": 9}]


def test_engine_inputs_carry_per_year_and_one_grant_sees_only_its_own(ctx, expert):
    idn, g = expert
    grant_facts.record(ctx, g.id, 1, {"months_served": 7, "returned_to_post": True})
    # Alashankou 第十九条: a 特聘 year is paid 在考核合格的前提下 — the year's review passed
    from talentdesk.services.benefits import reviews

    reviews.record(ctx, idn, 2020, "合格")
    with ctx.read() as session:
        from talentdesk.models.entities import BenefitGrant

        t = grants.load_talent(session, idn)
        inputs = grants.engine_inputs(session, t)
        assert inputs.facts["per_year"] == {1: {"months_served": 7, "returned_to_post": True}}
        assert inputs.facts["months_served"] == {1: 7}
        own = grants.grant_facts(session.get(BenefitGrant, g.id))
        assert own["per_year"] == {1: {"months_served": 7, "returned_to_post": True}}
    # evaluated with its own facts the grant sees its years; with facts that are not its own, none
    ev = grants.run_engine(inputs, approved_on=D(2020, 1, 10), as_of=D(2021, 6, 1), facts=own)
    assert ev.benefit(CODE).installments[0].status == "due"
    other = grants.run_engine(inputs, approved_on=D(2020, 1, 10), as_of=D(2021, 6, 1),
                              facts={"alashankou_expert": True})
    assert other.benefit(CODE).installments[0].status == "awaiting_fact"
