"""Annual reviews: batch entry, the year's grid, consequences per pack."""

from __future__ import annotations

import datetime as dt

import pytest

from factories import talent_row
from talentdesk.domain.errors import PermissionDenied, ValidationError
from talentdesk.services.benefits import departures, grants, payments, reviews
from talentdesk.services.register import talents
from talentdesk.services.context import ServiceContext

D = dt.date


def _talent(ctx, **kw):
    row = talent_row(**kw)
    talents.add(ctx, row)
    return row["身份证号"]


def test_record_many_reports_each_row(ctx):
    a = _talent(ctx)
    b = _talent(ctx, 姓名="李娜")
    rows = [
        {"身份证号": a, "年度": "2023", "考核结果": "优秀", "考核日期": "2024-01-10"},
        {"身份证号": b, "年度": 2023, "考核结果": "良好"},
        {"身份证号": "110101199001011234", "年度": 2023, "考核结果": "合格"},
        {"身份证号": a, "年度": 2023, "考核结果": "合格"},
        {"身份证号": b, "年度": 2099, "考核结果": "合格"},
    ]
    res = reviews.record_many(ctx, rows, row_numbers=[2, 3, 4, 5, 6])
    assert res.committed and res.recorded == 1 and res.errors == 4
    assert [r.ok for r in res.rows] == [True, False, False, False, False]
    assert "考核结果：“良好”无法识别" in res.rows[1].message and res.rows[1].errors[0]["column"] == "考核结果"
    assert "找不到身份证号" in res.rows[2].message
    assert "与第2行重复" in res.rows[3].message
    assert "考核年度" in res.rows[4].message
    # all-or-nothing leaves the database as it was
    res = reviews.record_many(ctx, [{"身份证号": b, "年度": 2023, "考核结果": "合格"}, rows[1]],
                              all_or_nothing=True)
    assert not res.committed and res.recorded == 0
    grid = reviews.list_for_year(ctx, 2023)
    assert {r.name: r.result for r in grid.rows} == {"张伟": "优秀", "李娜": None}
    assert grid.counts["优秀"] == 1 and grid.counts["未登记"] == 1
    # a correction updates the same row
    out = reviews.record(ctx, a, 2023, "合格", remarks="复核更正")
    assert not out.created and out.review.result == "合格" and out.review.remarks == "复核更正"
    assert [v.result for v in reviews.list_for_talent(ctx, a)] == ["合格"]


def test_who_is_under_obligation(ctx):
    _talent(ctx, 姓名="早年", **{"引进日期": "2015-03-01", "合同起始日期": "2015-03-01", "合同期限（年）": "3"})
    _talent(ctx, 姓名="在期", **{"引进日期": "2022-03-01", "合同起始日期": "2022-03-01"})
    _talent(ctx, 姓名="新来", **{"引进日期": "2025-03-01", "合同起始日期": "2025-03-01"})
    gone = _talent(ctx, 姓名="离开")
    departures.record(ctx, gone, D(2024, 2, 1), "调离")
    names = [r.name for r in reviews.list_for_year(ctx, 2024).rows]
    assert sorted(names) == ["在期"]
    assert sorted(r.name for r in reviews.list_for_year(ctx, 2023).rows) == ["在期", "离开"]


def test_roles_for_reviews(ctx):
    idn = _talent(ctx)
    with pytest.raises(PermissionDenied):
        reviews.record(ServiceContext(ctx.db, user="王", role="clerk"), idn, 2023, "合格")
    reviews.record(ServiceContext(ctx.db, user="李", role="reviewer"), idn, 2023, "合格")
    with pytest.raises(ValidationError, match="考核结果"):
        reviews.record(ctx, idn, 2023, "好")


def test_failed_review_on_a_pack_without_cancel_rest(ctx):
    """Alashankou 2014 art. 14: the settlement fee needs the first year's review; a failed
    review only affects the installment that needed it (the engine decides)."""
    idn = _talent(ctx, **{"学历": "硕士研究生", "学位": "硕士", "引进方式": "招聘"})
    talents.update(ctx, idn, {}, policy_id="alashankou-2014")
    ev = grants.evaluate_talent(ctx, idn, approved_on=D(2023, 6, 1))
    payable = [b for b in ev.benefits if b.status == "eligible" and b.installments]
    assert payable, ev.summary_text()
    code = next(b.code for b in payable if any(i.condition for i in b.installments))
    g = grants.approve(ctx, grants.propose(ctx, idn, code, approved_on=D(2023, 6, 1), approval_doc_no="阿左人才字〔2023〕11号").id)
    needing = [i for i in g.installments if i.review_year == 2023]
    cons = reviews.consequences(ctx, idn, 2023, "不合格")
    assert {c.installment_id for c in cons} >= {i.id for i in needing}
    reviews.record(ctx, idn, 2023, "不合格")
    after = {r.id: r for r in payments.list_installments(ctx, grant_id=g.id)}
    for i in needing:
        assert after[i.id].status == "cancelled" and after[i.id].status_reason.startswith(reviews.REVIEW_MARK)
    # deleting the mistaken review restores them
    rid = reviews.list_for_talent(ctx, idn)[0].id
    reviews.delete(ctx, rid)
    after = {r.id: r for r in payments.list_installments(ctx, grant_id=g.id)}
    assert all(after[i.id].status == "scheduled" for i in needing)


def test_a_batch_stores_what_the_rows_recorded_one_by_one_store(ctx):
    """record_many(rows) leaves the same reviews, installment statuses, consequences and
    audit events as record() called for each row in order — two rows of one talent, a
    corrected result that restores, an unchanged result re-entered by another user, a pack
    that cancels only the installment needing the review, a talent without grants."""
    from sqlalchemy import select

    from factories import id_number
    from talentdesk.models.entities import BenefitGrant, Installment
    from talentdesk.services.office.audit import log as audit

    other = ServiceContext(ctx.db, user="李审核", role="reviewer")

    def people(group: str) -> dict[str, str]:
        out = {}
        for key, overrides in (("two_years", {}), ("appeal", {}), ("no_grant", {}), ("same", {}),
                               ("reversed", {}),
                               ("alashankou", {"学历": "硕士研究生", "学位": "硕士", "引进方式": "招聘"})):
            idn = _talent(ctx, 姓名=f"{key}{group}", 身份证号=id_number(D(1990, 5, 1)), **overrides)
            out[key] = idn
        talents.update(ctx, out["alashankou"], {}, policy_id="alashankou-2014")
        for n, key in enumerate(("two_years", "appeal", "same", "reversed"), 1):
            grants.approve(other, grants.propose(ctx, out[key], "settlement_allowance", approved_on=D(2023, 6, 1),
                                                 approval_doc_no=f"阿左人才字〔2023〕{n}号").id)
        ev = grants.evaluate_talent(ctx, out["alashankou"], approved_on=D(2023, 6, 1))
        code = next(b.code for b in ev.benefits if b.status == "eligible" and any(i.condition for i in b.installments))
        grants.approve(other, grants.propose(ctx, out["alashankou"], code, approved_on=D(2023, 6, 1),
                                             approval_doc_no="阿山人才字〔2023〕9号").id)
        reviews.record(other, out["appeal"], 2024, "不合格")  # cancels the third installment
        reviews.record(other, out["same"], 2023, "合格", D(2024, 1, 5))
        return out

    def rows(p: dict[str, str]) -> list[dict]:
        return [
            {"身份证号": p["two_years"], "年度": 2023, "考核结果": "合格", "考核日期": "2024-01-10"},
            {"身份证号": p["appeal"], "年度": 2024, "考核结果": "合格", "备注": "复核更正"},
            {"身份证号": p["two_years"], "年度": 2024, "考核结果": "不合格"},
            {"身份证号": p["no_grant"], "年度": 2024, "考核结果": "优秀"},
            {"身份证号": p["same"], "年度": 2023, "考核结果": "合格"},
            {"身份证号": p["same"], "年度": 2024, "考核结果": "基本合格"},
            {"身份证号": p["reversed"], "年度": 2024, "考核结果": "不合格"},
            {"身份证号": p["reversed"], "年度": 2023, "考核结果": "不合格", "备注": "补录"},
            {"身份证号": p["alashankou"], "年度": 2023, "考核结果": "不合格"},
            {"身份证号": p["alashankou"], "年度": 2024, "考核结果": "合格"},  # 2023 stays 不合格: nothing restored
        ]

    one, many = people("甲"), people("乙")
    singles = [reviews.record(ctx, r["身份证号"], r["年度"], r["考核结果"], D.fromisoformat(r["考核日期"])
                              if "考核日期" in r else None, r.get("备注")) for r in rows(one)]
    preview = reviews.consequences_many(ctx, rows(many) + [{"身份证号": many["appeal"], "年度": 2024, "考核结果": "好"}])
    batch = reviews.record_many(ctx, rows(many))
    assert batch.committed and batch.recorded == len(singles) and batch.errors == 0

    def effect(cons):
        return [(c.action, c.benefit_code, c.seq, c.due_date, c.amount_fen, c.current_status, c.reason) for c in cons]

    assert [effect(r.applied) for r in batch.rows] == [effect(s.applied) for s in singles]
    # the grid's question before saving: exactly what the batch then did (a bad row: nothing)
    assert [effect(c) for c in preview] == [effect(r.applied) for r in batch.rows] + [[]]
    assert [[c.installment_id for c in cs] for cs in preview[:-1]] == [[c.installment_id for c in r.applied]
                                                                       for r in batch.rows]
    assert sum(len(s.applied) for s in singles) >= 4  # the scenario does cancel and restore
    assert ["已登记" in r.message for r in batch.rows] == [s.created for s in singles]

    def state(p: dict[str, str]):
        out = {}
        for key, idn in p.items():
            t = talents.get(ctx, idn)
            with ctx.read() as session:
                insts = session.execute(
                    select(BenefitGrant.benefit_code, Installment.seq, Installment.status, Installment.status_reason,
                           Installment.proposed_by, Installment.approved_by, Installment.version)
                    .join(BenefitGrant, Installment.grant_id == BenefitGrant.id)
                    .where(BenefitGrant.talent_id == t.id).order_by(Installment.grant_id, Installment.seq)).all()
            revs = [(v.year, v.result, v.review_date, v.remarks, v.recorded_by, v.version)
                    for v in reviews.list_for_talent(ctx, idn)]
            events = [(e.action, e.entity, e.before, e.after) for e in reversed(audit.list_events(ctx, talent_id=t.id))
                      if e.entity in ("annual_review", "installment")]
            out[key] = (revs, [tuple(i) for i in insts], events)
        return out

    assert state(many) == state(one)
    assert audit.verify(ctx).ok
