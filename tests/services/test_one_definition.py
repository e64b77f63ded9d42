"""One definition per question: who must be reviewed in a year (page, dashboard, printed
report), when an agreement is past its end (期满待处理), and the refund basis of a
departure following the payments recorded after it."""

from __future__ import annotations

import datetime as dt

from factories import talent_row
from talentdesk.services import dashboard, departures, reports, reviews, talents

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
