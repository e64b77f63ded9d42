"""The 首页's figures are kept by the service until a write (issue 20)."""

from __future__ import annotations

import datetime as dt

import pytest

from factories import talent_row
from talentdesk.domain.errors import TalentDeskError
from talentdesk.models.db import open_database
from talentdesk.services.benefits import grants, payments
from talentdesk.services.context import ServiceContext
from talentdesk.services.overview import dashboard
from talentdesk.services.register import talents

D = dt.date(2025, 3, 15)


def test_cached_until_a_write(ctx):
    talents.add(ctx, talent_row())
    assert dashboard.last_overview(ctx) is None
    first = dashboard.overview(ctx, D)
    assert dict(first.by_education) == {"博士研究生": 1}
    assert dashboard.overview(ctx, D) is first  # nothing written: not counted again
    assert dashboard.last_overview(ctx) is first
    talents.add(ctx, talent_row(姓名="李娜", 学历="硕士研究生", 学位="硕士"))
    assert dashboard.last_overview(ctx) is first  # the stale one, to show while counting
    second = dashboard.overview(ctx, D)
    assert second is not first
    assert dict(second.by_education) == {"博士研究生": 1, "硕士研究生": 1}
    assert dashboard.overview(ctx, D + dt.timedelta(days=1)) is not second  # another day: counted again


def test_a_write_by_another_process_invalidates(ctx):
    """Another clerk's program on the same database: this process's write count does not
    move, the audit chain's head does."""
    talents.add(ctx, talent_row())
    first = dashboard.overview(ctx, D)
    other_db = open_database(ctx.db.url)
    try:
        talents.add(ServiceContext(other_db, user="另一位"), talent_row(姓名="李娜", 学历="硕士研究生", 学位="硕士"))
    finally:
        other_db.dispose()
    writes = ctx.db.writes
    again = dashboard.overview(ctx, D)
    assert ctx.db.writes == writes and again is not first
    assert dict(again.by_education) == {"博士研究生": 1, "硕士研究生": 1}


def test_a_failed_write_keeps_the_figures(ctx):
    row = talent_row()
    talents.add(ctx, row)
    first = dashboard.overview(ctx, D)
    with pytest.raises(TalentDeskError):
        talents.add(ctx, row)  # the same ID number again: refused, rolled back
    assert dashboard.overview(ctx, D) is first


def test_pending_grants_counted_as_the_list_shows_them(ctx):
    a, b = talent_row(), talent_row(姓名="李娜", 学历="硕士研究生", 学位="硕士")
    talents.add(ctx, a)
    talents.add(ctx, b)
    grants.propose(ctx, a["身份证号"], "settlement_allowance", approved_on=D, approval_doc_no="阿左人才字〔2023〕11号")
    g = grants.propose(ctx, b["身份证号"], "settlement_allowance", approved_on=D,
                       approval_doc_no="阿左人才字〔2023〕12号")
    grants.approve(ctx, g.id)
    shown = grants.list_grants(ctx, status="proposed")
    pending = dashboard.overview(ctx, D).pending
    assert (pending.count, pending.amount_fen) == (1, sum(x.total_fen for x in shown)) and pending.amount_fen > 0


def test_open_installments_listed_as_without_the_index_path(ctx):
    """list_installments picks open installments by the status/due-date index first: the
    same rows, in the same order, as filtering the full list."""
    a = talent_row()
    talents.add(ctx, a)
    g = grants.approve(ctx, grants.propose(ctx, a["身份证号"], "settlement_allowance", approved_on=dt.date(2023, 3, 1),
                                           approval_doc_no="阿左人才字〔2023〕11号").id)
    first = g.installments[0].id
    payments.propose(ctx, [first], as_of=dt.date(2023, 3, 1))
    payments.approve(ctx, [first])
    payments.record_paid(ctx, first, dt.date(2023, 3, 11), "V")
    live = ("scheduled", "proposed", "approved")
    everything = payments.list_installments(ctx)
    for kw in ({}, {"date_to": dt.date(2024, 12, 31)}, {"date_from": dt.date(2024, 1, 1)}, {"month": "2024-03"}):
        got = payments.list_installments(ctx, status=live, **kw)
        want = [r for r in payments.list_installments(ctx, **kw) if r.status in live]
        assert [r.id for r in got] == [r.id for r in want], kw
        assert got  # something to compare
        assert payments.count_installments(ctx, status=live, **kw)[0] == len(got)
    assert len(everything) > len(payments.list_installments(ctx, status=live))
    assert [r.id for r in payments.list_installments(ctx, status=live, limit=1)] == \
        [r.id for r in everything if r.status in live][:1]
