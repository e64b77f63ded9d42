"""One definition per question: who must be reviewed in a year (page, dashboard, printed
report), when an agreement is past its end (期满待处理), and the refund basis of a
departure following the payments recorded after it."""

from __future__ import annotations

import datetime as dt

from factories import talent_row
from talentdesk.services.overview import dashboard
from talentdesk.services.benefits import departures, reviews
from talentdesk.services.exchange import reports
from talentdesk.services.register import talents

D = dt.date


def _talent(ctx, **kw):
    row = talent_row(**kw)
    talents.add(ctx, row)
    return row["身份证号"]


def test_page_dashboard_and_report_count_the_same_people(ctx):
    _talent(ctx, 姓名="早年", **{"引进日期": "2015-03-01", "合同起始日期": "2015-03-01", "合同期限（年）": "3"})
    _talent(ctx, 姓名="在期", **{"引进日期": "2022-03-01", "合同起始日期": "2022-03-01"})
    _talent(ctx, 姓名="新来", **{"引进日期": "2025-03-01", "合同起始日期": "2025-03-01"})
    later = _talent(ctx, 姓名="次年离开", **{"引进日期": "2022-03-01", "合同起始日期": "2022-03-01"})
    departures.record(ctx, later, D(2024, 2, 1), "调离")
    early = _talent(ctx, 姓名="当年离开", **{"引进日期": "2022-03-01", "合同起始日期": "2022-03-01"})
    departures.record(ctx, early, D(2023, 6, 1), "调离")
    reviewed = _talent(ctx, 姓名="已考核", **{"引进日期": "2022-03-01", "合同起始日期": "2022-03-01"})
    reviews.record(ctx, reviewed, 2023, "合格")

    page = reviews.list_for_year(ctx, 2023)
    names = sorted(r.name for r in page.rows)
    assert names == sorted(["已考核", "在期", "次年离开"])
    assert page.counts["未登记"] == 2
    n, _ = reviews.missing_for_year(ctx, 2023)
    assert n == 2
    assert dashboard.attention(ctx, D(2024, 3, 1)).reviews_missing.count == 2
    forms = reports.review_forms(ctx, 2023)
    summary, persons = forms[0], forms[1:]
    assert sorted(f.talent_id for f in persons) == sorted(r.talent_id for r in page.rows)
    assert summary.unreviewed == 2 and sum(summary.counts.values()) == 1


def test_agreements_past_their_end_are_expired_pending_until_the_office_acts(ctx):
    import pytest

    from talentdesk.domain.errors import ConflictError
    from talentdesk.services.benefits import agreements

    a = _talent(ctx, 姓名="期满甲")
    b = _talent(ctx, 姓名="期满乙")
    c = _talent(ctx, 姓名="期满丙")
    d = _talent(ctx, 姓名="在期丁")
    old = {idn: agreements.add(ctx, idn, kind="服务期协议", start_date=D(2019, 5, 1), term_years=3)
           for idn in (a, b, c)}
    current = agreements.add(ctx, d, kind="服务期协议", start_date=D(2023, 5, 1), term_years=5)
    today = D(2026, 12, 3)
    gone = agreements.expired(ctx, today=today)
    assert [v.id_number for v in gone] and {v.id_number for v in gone} == {a, b, c}
    assert all(v.state == agreements.EXPIRED_PENDING and v.state_label == "期满待处理" for v in gone)
    assert gone[0].as_dict()["state_label"] == "期满待处理" and gone[0].days_past_end > 1000
    assert current.state == "active"
    assert {v.id for v in agreements.list_agreements(ctx, status=agreements.EXPIRED_PENDING)} == {
        v.id for v in old.values()}
    att = dashboard.attention(ctx, today)
    assert att.agreements_expired.count == 3

    # the three ways out
    done = agreements.conclude(ctx, old[a].id, note="期满考核合格")
    assert done.status == "ended" and done.state == "ended"
    new = agreements.renew(ctx, old[b].id, term_years=3)
    assert new.start_date == D(2022, 5, 1) and new.status == "active" and new.required_service_years == 3
    assert agreements.get_agreement(ctx, old[b].id).status == "ended"
    gone_c = agreements.terminate(ctx, old[c].id, "单位撤销")
    assert gone_c.status == "terminated"
    # the renewal of b ended 2025-05-01: itself expired pending now
    assert [v.id for v in agreements.expired(ctx, today=today)] == [new.id]
    with pytest.raises(ConflictError, match="尚未期满"):
        agreements.conclude(ctx, current.id)
    with pytest.raises(ConflictError, match="履行中"):
        agreements.terminate(ctx, old[c].id, "再次")
    with ctx.read() as session:
        from sqlalchemy import select

        from talentdesk.models.entities import AuditEvent
        acts = [x for (x,) in session.execute(select(AuditEvent.action).where(
            AuditEvent.entity == "service_agreement").order_by(AuditEvent.id))]
    assert acts[-4:] == ["conclude", "renew", "create", "terminate"]
