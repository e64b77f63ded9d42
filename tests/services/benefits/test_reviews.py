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
