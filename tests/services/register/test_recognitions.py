"""人才分类认定: the register (four-eyes, revoke, expiry) and what the engine reads from it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from factories import talent_row
from talentdesk.domain.errors import ConflictError, PermissionDenied, ValidationError
from talentdesk.models import AuditEvent
from talentdesk.services.benefits import grants
from talentdesk.services.context import ServiceContext
from talentdesk.services.register import recognitions, talents

D = dt.date
ALXA = "阿拉善盟人才分类"


def _talent(ctx, **kw):
    row = talent_row(**kw)
    talents.add(ctx, row)
    return row["身份证号"]


def _as(ctx, user, role):
    return ServiceContext(db=ctx.db, user=user, role=role)


def _propose(ctx, idn, **kw):
    args = dict(talent=idn, scheme=ALXA, tier="C", doc_no="阿人才办字〔2023〕5号", recognised_on=D(2023, 5, 1))
    return recognitions.propose(ctx, **(args | kw))


def test_four_eyes_and_permissions(ctx):
    idn = _talent(ctx)
    clerk, rev1, rev2 = _as(ctx, "王经办", "clerk"), _as(ctx, "李审核", "reviewer"), _as(ctx, "赵审核", "reviewer")
    r = _propose(rev1, idn)
    assert r.status == "pending" and r.proposed_by == "李审核" and r.body.startswith("阿拉善盟委")
    with pytest.raises(PermissionDenied, match="确认人才分类认定"):
        recognitions.confirm(clerk, r.id)
    with pytest.raises(PermissionDenied, match="双人复核"):
        recognitions.confirm(rev1, r.id)
    c = recognitions.confirm(rev2, r.id, confirmed_on=D(2023, 5, 10))
    assert c.status == "valid" and c.confirmed_by == "赵审核" and c.confirmed_on == D(2023, 5, 10)
    with pytest.raises(ConflictError, match="已于2023-05-10"):
        recognitions.confirm(rev2, r.id)
    with pytest.raises(ConflictError, match="不能重复登记"):
        _propose(clerk, idn)
    with ctx.read() as s:
        actions = [a for (a,) in s.execute(select(AuditEvent.action).where(
            AuditEvent.entity == "recognition", AuditEvent.entity_id == str(r.id)).order_by(AuditEvent.id))]
    assert actions == ["create", "confirm"]


def test_validation(ctx):
    idn = _talent(ctx)
    with pytest.raises(ValidationError) as exc:
        recognitions.propose(ctx, talent=idn, scheme=ALXA, tier="F", doc_no="阿人才办字〔2023〕号",
                             recognised_on=D(2023, 5, 1), valid_until=D(2023, 4, 1))
    text = str(exc.value)
    assert "A、B、C、D、E" in text and "序号" in text and "早于认定日期" in text
    b = recognitions.propose(ctx, talent=idn, scheme="包头市高层次人才认定", tier="6", doc_no="包人才办字〔2022〕8号",
                             recognised_on=D(2022, 5, 1))
    assert b.tier == "六类"


def test_revoke_and_expiry_and_lists(ctx):
    idn = _talent(ctx)
    r = recognitions.confirm(ctx, _propose(ctx, idn, valid_until=D(2026, 2, 1)).id, confirmed_on=D(2023, 5, 2))
    with ctx.read() as s:
        assert recognitions.current(s, [r.talent_id], on=D(2026, 2, 1))[r.talent_id][ALXA].id == r.id
        assert recognitions.current(s, [r.talent_id], on=D(2026, 2, 2)) == {}  # expired the day after
        assert recognitions.standing(s, [r.talent_id], on=D(2026, 2, 2))[r.talent_id][ALXA].status == "expired"
        assert recognitions.attention(s, on=D(2025, 11, 3), days=90) == (0, 1)
        assert recognitions.attention(s, on=D(2025, 11, 2), days=90) == (0, 0)
    assert [v.id for v in recognitions.list_recognitions(ctx, status="已过期", on=D(2026, 3, 1))] == [r.id]
    assert recognitions.list_recognitions(ctx, status="有效", on=D(2026, 3, 1)) == []
    with pytest.raises(ValidationError, match="撤销原因"):
        recognitions.revoke(ctx, r.id, " ")
    v = recognitions.revoke(ctx, r.id, "年度考核不合格（第三十六条）", revoked_on=D(2024, 3, 1))
    assert v.status == "revoked" and v.revoke_reason.startswith("年度考核不合格")
    with pytest.raises(ConflictError, match="已于2024-03-01"):
        recognitions.revoke(ctx, r.id, "again")
    _propose(ctx, idn, doc_no="阿人才办字〔2024〕1号")  # a new one, pending
    with pytest.raises(ConflictError, match="撤销，不能确认"):
        recognitions.confirm(ctx, r.id)
    assert {x.status for x in recognitions.list_recognitions(ctx, talent=idn)} == {"revoked", "pending"}
    assert [x.id for x in recognitions.list_recognitions(ctx, scheme="阿拉善英才")] == []


def _allowance(ctx, idn):
    return grants.evaluate_talent(ctx, idn, approved_on=D(2023, 6, 1)).benefit("settlement_allowance")


def test_engine_reads_the_confirmed_recognition(ctx):
    idn = _talent(ctx, **{"人才类别": "C"})
    b = _allowance(ctx, idn)  # the free 人才类别 is not a recognition
    assert b.eligible is None and any("人才类别未经认定确认（第二十条）" in x for x in b.reasons)
    r = _propose(ctx, idn, valid_until=D(2099, 12, 31))
    b = _allowance(ctx, idn)
    assert b.eligible is None and any("尚未经审核确认" in x and "第二十条" in x for x in b.reasons)
    recognitions.confirm(ctx, r.id)
    b = _allowance(ctx, idn)  # C类 confirmed: the high-level tier, amount 一事一议
    assert b.eligible is True and b.tier == "经评价认定的高层次人才" and b.total_fen is None
    recognitions.revoke(ctx, r.id, "年度考核不合格")
    b = _allowance(ctx, idn)
    assert b.eligible is None and any("撤销" in x and "第三十六条" in x for x in b.reasons)


def test_engine_expired_recognition_is_pending_and_plain_talent_unaffected(ctx):
    idn = _talent(ctx, **{"人才类别": "C"})
    r = _propose(ctx, idn, valid_until=D(2024, 1, 31))
    recognitions.confirm(ctx, r.id, confirmed_on=D(2023, 5, 2))
    b = _allowance(ctx, idn)
    assert b.eligible is None and any("已于2024-01-31到期" in x for x in b.reasons)
    plain = _talent(ctx)  # no class claimed, no recognition: the PhD standard (第四十条)
    assert _allowance(ctx, plain).total_fen == 20_000_000


def test_baotou_level_from_the_recognition(ctx):
    idn = _talent(ctx)
    t = recognitions.propose(ctx, talent=idn, scheme="包头市高层次人才认定", tier="七类", doc_no="包人才办字〔2022〕8号",
                             recognised_on=D(2022, 5, 1))
    with ctx.read() as s:
        facts = grants.engine_inputs(s, talents.load(s, idn)).facts
    assert facts["baotou_talent_level_recognition"]["status"] == "pending" and "baotou_talent_level" not in facts
    recognitions.confirm(ctx, t.id)
    with ctx.read() as s:
        facts = grants.engine_inputs(s, talents.load(s, idn)).facts
    assert facts["baotou_talent_level"] == 7 and facts["baotou_talent_level_recognition"]["status"] == "valid"


def test_dashboard_counts_pending_and_expiring(ctx):
    from talentdesk.services.overview import dashboard

    idn = _talent(ctx)
    today = D(2026, 6, 1)
    _propose(ctx, idn)  # pending
    soon = _propose(ctx, idn, doc_no="阿人才办字〔2023〕6号", valid_until=today + dt.timedelta(days=90))
    later = _propose(ctx, idn, doc_no="阿人才办字〔2023〕7号", valid_until=today + dt.timedelta(days=91))
    for r in (soon, later):
        recognitions.confirm(ctx, r.id, confirmed_on=D(2023, 5, 2))
    att = dashboard.attention(ctx, today)
    assert (att.recognitions_pending.count, att.recognitions_expiring.count) == (1, 1)
    assert att.as_dict()["recognitions_pending"]["count"] == 1
