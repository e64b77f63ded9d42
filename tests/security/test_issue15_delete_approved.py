"""Issue 15: a clerk alone cannot delete a talent whose grant a reviewer approved (the
reviewer cancels it first, with a reason); whatever a deletion removes is audited row by
row. SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from factories import talent_row
from talentdesk.domain.errors import ConflictError
from talentdesk.models.entities import AuditEvent, BenefitGrant, Installment
from talentdesk.services.benefits import agreements, grants, payments, reviews
from talentdesk.services.office.audit import log as audit
from talentdesk.services.register import talents
from talentdesk.services.context import ServiceContext

D = dt.date


@pytest.fixture
def people(db):
    return ServiceContext(db, user="王经办", role="clerk"), ServiceContext(db, user="李审核", role="reviewer")


def _talent_with_grant(people, approve: bool):
    clerk, reviewer = people
    row = talent_row(姓名="周敏")
    talents.add(clerk, row)
    idn = row["身份证号"]
    agreements.add(clerk, idn, kind="服务期协议", start_date=D(2023, 5, 1), term_years=5, signed_date=D(2023, 5, 1),
                   required_service_years=5)
    g = grants.propose(clerk, idn, "settlement_allowance", approved_on=D(2023, 6, 1), approval_doc_no="阿左人才字〔2023〕5号")
    if approve:
        g = grants.approve(reviewer, g.id)
        payments.propose(clerk, [g.installments[0].id], as_of=D(2023, 6, 2))
        payments.approve(reviewer, [g.installments[0].id])
    reviews.record(reviewer, idn, 2023, "合格", D(2024, 1, 15))
    return idn, g


def test_a_clerk_cannot_delete_what_a_reviewer_approved(people, db):
    clerk, reviewer = people
    idn, g = _talent_with_grant(people, approve=True)
    for who in (clerk, reviewer):
        with pytest.raises(ConflictError, match="安家补贴已由李审核批准") as exc:
            talents.delete(who, idn)
        assert "先由审核人取消" in exc.value.message
    assert talents.get(clerk, idn).name == "周敏"
    with db.read() as s:
        assert s.execute(select(func.count()).select_from(Installment)).scalar() == 3
    # the four-eyes path: the reviewer cancels the grant (reason recorded), then it may go
    grants.cancel(reviewer, g.id, "重复登记")
    talents.delete(clerk, idn)
    with db.read() as s:
        assert s.execute(select(func.count()).select_from(BenefitGrant)).scalar() == 0


def test_every_row_removed_with_a_talent_is_audited(people, db):
    clerk, _ = people
    idn, g = _talent_with_grant(people, approve=False)
    tid = talents.get(clerk, idn).id
    with db.read() as s:  # (the clerk's agreement replaced, and deleted, the one the roster record made)
        start = s.execute(select(func.max(AuditEvent.id))).scalar()
    talents.delete(clerk, idn)
    with db.read() as s:
        events = s.execute(select(AuditEvent.entity, AuditEvent.entity_id)
                           .where(AuditEvent.action == "delete", AuditEvent.id > start)).all()
    kinds = sorted(e for e, _ in events)
    assert kinds == sorted(["talent", "benefit_grant", "installment", "installment", "installment", "agreement",
                            "annual_review"])
    assert ("benefit_grant", str(g.id)) in {(e, str(i)) for e, i in events}
    assert {str(i.id) for i in g.installments} <= {str(i) for e, i in events if e == "installment"}
    grant_event = next(e for e in audit.list_events(clerk, limit=1000) if e.entity == "benefit_grant"
                       and e.action == "delete")
    assert "阿左人才字〔2023〕5号" in str(grant_event.before)
    assert audit.verify(clerk).ok
    assert tid
