"""柔性引进 talents in the demo: the 柔性引进人才备案表 (阿党人才字〔2023〕2号 第十四条) has rows
on a demo database, each with its agreement."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select

from talentdesk.domain.roster import FLEXIBLE_MODES
from talentdesk.models.db import open_database
from talentdesk.models.entities import ServiceAgreement, Talent
from talentdesk.services.context import ServiceContext
from talentdesk.services.exchange import demo, filings
from talentdesk.services.exchange.demodata import flexible as demo_flexible


def test_mark_picks_experienced_hires_each_year_and_only_them():
    recs = demo._talent_records(random.Random(3), 400, {e.name: i for i, e in enumerate(demo.EMPLOYERS, 1)})
    before = [dict(r) for r in recs]
    n = demo_flexible.mark(recs, 3)
    flexible = [r for r in recs if r["introduction_mode"] in FLEXIBLE_MODES]
    assert n == len(flexible) > 0
    assert all(demo_flexible._eligible(r) for r in flexible)
    years = {r["introduction_date"].year for r in recs if demo_flexible._eligible(r)}
    assert {r["introduction_date"].year for r in flexible} == years  # every year of eligible hires has some
    assert all(a == b for a, b in zip(before, recs) if b["introduction_mode"] not in FLEXIBLE_MODES)
    again = [dict(r) for r in before]
    demo_flexible.mark(again, 3)
    assert again == recs  # the same seed, the same choice


def test_demo_has_flexible_talents_with_agreements_in_the_filing(tmp_path):
    db = open_database(tmp_path / "demo.sqlite3")
    ctx = ServiceContext(db)
    try:
        demo.generate(ctx, size=150, seed=7)
        with db.read() as s:
            rows = s.execute(select(Talent.id, Talent.introduction_date, ServiceAgreement.kind)
                             .join(ServiceAgreement, ServiceAgreement.talent_id == Talent.id)
                             .where(Talent.introduction_mode.in_(FLEXIBLE_MODES))).all()
        assert rows and {kind for _i, _d, kind in rows} == {"聘用合同"}
        year = max(d.year for _i, d, _k in rows)
        form = filings.filing(ctx, "flexible", dt.date(year, 1, 1), dt.date(year, 12, 31))
        assert form.rows and all(r[11] in FLEXIBLE_MODES for r in form.rows)
        assert all(r[-1].startswith("聘用合同") for r in form.rows)
        hires = filings.filing(ctx, "hires", dt.date(year, 1, 1), dt.date(year, 12, 31))
        assert not {r[3] for r in hires.rows} & {r[3] for r in form.rows}
    finally:
        db.dispose()
