"""Seed a database for the page tests through the services only (no SQL)."""

from __future__ import annotations

import datetime as dt

from talentdesk.services.benefits import grants
from talentdesk.services.register import talents
from tests.factories import talent_row


def talent(ctx, **overrides):
    return talents.add(ctx, talent_row(**overrides))


def approved_settlement(clerk, reviewer, *, approved_on: dt.date, facts: dict | None = None, **row):
    """A talent with an approved 安家补贴 (proposed by ``clerk``, approved by ``reviewer``)."""
    t = talent(clerk, **row)
    g = grants.propose(clerk, t.id_number, "settlement_allowance", approved_on=approved_on,
                       approval_doc_no="阿左人才字〔2025〕1号", facts=facts)
    g = grants.approve(reviewer, g.id)
    return t, g


def first_installment_paid(clerk, reviewer, *, approved_on: dt.date, service_agreement: bool = True,
                           facts: dict | None = None, **row):
    """``approved_settlement`` under a 5-year service agreement (unless ``service_agreement``
    is false), with its first installment proposed, approved and paid ten days after
    approval (voucher 记-001 for the first talent, 记-002 … for the next: a voucher pays one
    installment)."""
    from talentdesk.services.benefits import agreements, payments

    t, g = approved_settlement(clerk, reviewer, approved_on=approved_on, facts=facts, **row)
    if service_agreement:
        agreements.add(clerk, t.id_number, kind="服务期协议", start_date=approved_on, term_years=5,
                       required_service_years=5)
    first = payments.list_installments(clerk, grant_id=g.id)[0]
    payments.propose(clerk, [first.id])
    payments.approve(reviewer, [first.id])
    payments.record_paid(clerk, first.id, approved_on + dt.timedelta(days=10), f"记-{t.id:03d}")
    return t, g
