"""Seed a database for the page tests through the services only (no SQL)."""

from __future__ import annotations

import datetime as dt

from talentdesk.services import grants, talents
from tests.factories import talent_row


def talent(ctx, **overrides):
    return talents.add(ctx, talent_row(**overrides))


def approved_settlement(clerk, reviewer, *, approved_on: dt.date, **row):
    """A talent with an approved 安家补贴 (proposed by ``clerk``, approved by ``reviewer``)."""
    t = talent(clerk, **row)
    g = grants.propose(clerk, t.id_number, "settlement_allowance", approved_on=approved_on,
                       approval_doc_no="阿左人才字〔2025〕1号")
    g = grants.approve(reviewer, g.id)
    return t, g
