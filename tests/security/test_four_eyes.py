"""Roles and the four-eyes rule, proved through the services with real accounts (log-in
via ``users.authenticate``), on SQLite and PostgreSQL: nobody approves what they proposed,
a clerk approves nothing, a paid installment is never edited (only reversed by a new
entry with a reason), and a talent with payments cannot be deleted."""

import datetime as dt

import pytest

from factories import talent_row
from talentdesk.domain.errors import ConflictError, PermissionDenied, ValidationError
from talentdesk.services.benefits import agreements, grants, payments
from talentdesk.services.office import users
from talentdesk.services.office.audit import log as audit
from talentdesk.services.register import talents

D = dt.date
PW = {"admin": "Admin-pass-1", "wang": "Clerk-pass-1", "li": "Review-pass-1", "zhao": "Review-pass-2"}


@pytest.fixture
def office(db):
    users.create_first_admin(db, "admin", PW["admin"])
    admin = users.authenticate(db, "admin", PW["admin"])
    users.add_user(admin, "wang", PW["wang"], "clerk")
    users.add_user(admin, "li", PW["li"], "reviewer")
    users.add_user(admin, "zhao", PW["zhao"], "reviewer")
    o = {name: users.authenticate(db, name, pw) for name, pw in PW.items()}
    row = talent_row()
    talents.add(o["wang"], row)
    agreements.add(o["wang"], row["身份证号"], kind="服务期协议", start_date=D(2023, 5, 1), term_years=5,
                   signed_date=D(2023, 5, 1), required_service_years=5)
    o["idn"] = row["身份证号"]
    return o


def _grant(o, proposer="wang"):
    return grants.propose(o[proposer], o["idn"], "settlement_allowance", approved_on=D(2023, 6, 1),
                          approval_doc_no="阿左人才字〔2023〕5号")


def test_roles_come_from_the_account_not_the_caller(office):
    assert office["wang"].role == "clerk" and office["li"].role == "reviewer" and office["admin"].role == "admin"


def test_clerk_cannot_approve_or_reject_grants(office):
    g = _grant(office)
    with pytest.raises(PermissionDenied, match="审核人"):
        grants.approve(office["wang"], g.id)
    with pytest.raises(PermissionDenied):
        grants.reject(office["wang"], g.id, "不符合")
    assert grants.get_grant(office["li"], g.id).status == "proposed"


@pytest.mark.parametrize("proposer", ["li", "admin"])
def test_nobody_approves_their_own_grant(office, proposer):
    g = _grant(office, proposer)
    with pytest.raises(PermissionDenied, match="双人复核"):
        grants.approve(office[proposer], g.id)
    assert grants.get_grant(office["zhao"], g.id).status == "proposed"
    other = "zhao" if proposer == "li" else "li"
    assert grants.approve(office[other], g.id).approved_by == other


def test_payment_four_eyes_and_paid_is_final(office):
    g = grants.approve(office["li"], _grant(office).id)
    first = g.installments[0].id
    assert payments.propose(office["wang"], [first], as_of=D(2023, 6, 10)).done == [first]
    with pytest.raises(PermissionDenied):
        payments.approve(office["wang"], [first])  # clerk: no right to approve
    assert payments.approve(office["li"], [first]).done == [first]
    payments.record_paid(office["wang"], first, D(2023, 6, 20), "记-2023-06-001")

    # Paid is final: no second payment record, no suspension, no approval again.
    with pytest.raises(ConflictError):
        payments.record_paid(office["wang"], first, D(2023, 6, 21), "记-2023-06-002")
    assert payments.suspend(office["li"], [first], "核查").done == []
    assert payments.approve(office["zhao"], [first]).done == []
    # Cancelling the grant leaves the paid installment paid.
    grants.cancel(office["li"], g.id, "政策调整")
    after = {i.id: i for i in grants.get_grant(office["li"], g.id).installments}
    assert after[first].status == "paid"
    # Only a reversal, with a reason, by a reviewer.
    with pytest.raises(PermissionDenied):
        payments.reverse(office["wang"], first, "录错")
    with pytest.raises(ValidationError):
        payments.reverse(office["li"], first, "  ")
    rev = payments.reverse(office["li"], first, "凭证号录错，重新登记")
    assert rev.amount_fen == -after[first].amount_fen and rev.id != first
    with pytest.raises(ConflictError):
        payments.reverse(office["li"], first, "再冲一次")


def test_self_proposed_payment_cannot_be_approved_by_proposer(office):
    g = grants.approve(office["li"], _grant(office).id)
    first = g.installments[0].id
    payments.propose(office["zhao"], [first], as_of=D(2023, 6, 10))  # a reviewer proposes
    with pytest.raises(PermissionDenied, match="双人复核"):
        payments.approve(office["zhao"], [first])
    assert payments.approve(office["li"], [first]).done == [first]


def test_talent_with_payments_cannot_be_deleted(office):
    g = grants.approve(office["li"], _grant(office).id)
    first = g.installments[0].id
    payments.propose(office["wang"], [first], as_of=D(2023, 6, 10))
    payments.approve(office["li"], [first])
    payments.record_paid(office["wang"], first, D(2023, 6, 20), "记-1")
    for who in ("wang", "admin"):
        with pytest.raises(ConflictError, match="离职"):
            talents.delete(office[who], office["idn"])
    assert talents.get(office["wang"], office["idn"]).name


def test_the_trail_names_who_proposed_and_who_approved(office):
    g = grants.approve(office["li"], _grant(office).id)
    events = audit.list_events(office["admin"], talent_id=g.talent_id)
    grant_events = [(e.user, e.action) for e in events if e.entity == "benefit_grant"]
    assert grant_events[-1][0] == "wang" and grant_events[0][0] == "li"  # newest first
    assert audit.verify(office["admin"]).ok
