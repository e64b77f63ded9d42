"""失信名单 service (条例 第六十六条): add, lift, list — audited, kept as history — and the
grants service refusing proposal and approval of a barred benefit with the entry named."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from talentdesk.domain.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from talentdesk.models.entities import AuditEvent, CreditEntry
from talentdesk.services.benefits import agreements, grants
from talentdesk.services.context import ServiceContext
from talentdesk.services.register import credit, talents
from factories import talent_row

D = dt.date
EMPLOYER = "阿拉善盟农牧科学研究所"


def as_(ctx: ServiceContext, user: str, role: str | None) -> ServiceContext:
    return ServiceContext(ctx.db, user=user, role=role)


@pytest.fixture
def office(ctx):
    clerk = as_(ctx, "王经办", "clerk")
    reviewer = as_(ctx, "李审核", "reviewer")
    reviewer2 = as_(ctx, "赵审核", "reviewer")
    row = talent_row()
    talents.add(clerk, row)
    agreements.add(clerk, row["身份证号"], kind="服务期协议", start_date=D(2023, 5, 1), term_years=5,
                   signed_date=D(2023, 5, 1), required_service_years=5)
    return {"clerk": clerk, "reviewer": reviewer, "reviewer2": reviewer2, "idn": row["身份证号"]}


def _events(ctx, entry_id):
    with ctx.read() as s:
        return s.execute(select(AuditEvent.action, AuditEvent.user, AuditEvent.after, AuditEvent.talent_id)
                         .where(AuditEvent.entity == "credit_entry", AuditEvent.entity_id == str(entry_id))
                         .order_by(AuditEvent.id)).all()


def test_add_lift_list_audited_and_kept(office):
    reviewer, idn = office["reviewer"], office["idn"]
    e = credit.add(reviewer, talent=idn, start=D(2023, 6, 1), end=D(2024, 5, 31), basis="提供虚假学历材料",
                   doc_no="阿信用字〔2023〕7号")
    assert (e.kind, e.name, e.id_number, e.recorded_by) == ("talent", "张伟", idn, "李审核")
    assert e.state in ("ended", "in_force", "future") and e.recorded_at is not None
    emp = credit.add(reviewer, employer=EMPLOYER, start=D(2020, 1, 1), basis="拖欠人才工资", doc_no="阿信用字〔2020〕1号")
    assert emp.kind == "employer" and emp.name == EMPLOYER and emp.end_date is None and emp.state == "in_force"
    # current list: the open-ended employer entry; the talent's (ended 2024) only with history
    assert [v.id for v in credit.list_entries(reviewer)] == [emp.id]
    assert [v.id for v in credit.list_entries(reviewer, on=D(2023, 7, 1))] == [e.id, emp.id]
    lifted = credit.lift(reviewer, emp.id, "已整改并补发工资", lifted_on=D(2025, 1, 2))
    assert (lifted.state, lifted.lifted_on, lifted.lifted_by, lifted.lift_reason) == (
        "lifted", D(2025, 1, 2), "李审核", "已整改并补发工资")
    assert credit.list_entries(reviewer) == []
    history = credit.list_entries(reviewer, history=True)
    assert {v.id for v in history} == {e.id, emp.id} and all(not v.current for v in history)
    with reviewer.read() as s:  # kept, never deleted
        assert s.execute(select(CreditEntry).where(CreditEntry.id == emp.id)).scalar_one().lifted_on == D(2025, 1, 2)
    ev = _events(reviewer, emp.id)
    assert [x.action for x in ev] == ["create", "lift"]
    assert "拖欠人才工资" in ev[0].after and "已整改并补发工资" in ev[1].after and ev[1].user == "李审核"
    assert _events(reviewer, e.id)[0].talent_id == e.talent_id
    with pytest.raises(ConflictError, match="已于2025-01-02由李审核解除"):
        credit.lift(reviewer, emp.id, "再次解除")


def test_refusals(office):
    clerk, reviewer, idn = office["clerk"], office["reviewer"], office["idn"]
    with pytest.raises(PermissionDenied, match="登记或解除失信名单"):
        credit.add(clerk, talent=idn, start=D(2023, 6, 1), basis="x", doc_no="y")
    with pytest.raises(ValidationError, match="只能选其一"):
        credit.add(reviewer, talent=idn, employer=EMPLOYER, start=D(2023, 6, 1), basis="x", doc_no="y")
    with pytest.raises(ValidationError, match="只能选其一"):
        credit.add(reviewer, start=D(2023, 6, 1), basis="x", doc_no="y")
    with pytest.raises(ValidationError) as err:
        credit.add(reviewer, talent=idn, start=D(2023, 6, 1), end=D(2023, 5, 1), basis=" ", doc_no="")
    assert {f.field for f in err.value.errors} == {"end_date", "basis", "doc_no"}
    with pytest.raises(NotFoundError, match="找不到名称为“无此单位”的用人单位"):
        credit.add(reviewer, employer="无此单位", start=D(2023, 6, 1), basis="x", doc_no="阿信用字〔2023〕1号")
    with pytest.raises(ValidationError, match="文号“阿信用字〔2023〕号”缺少序号"):
        credit.add(reviewer, talent=idn, start=D(2023, 6, 1), basis="x", doc_no="阿信用字〔2023〕号")
    e = credit.add(reviewer, talent=idn, start=D(2023, 6, 1), basis="x", doc_no="阿信用字〔2023〕7号")
    with pytest.raises(ConflictError, match="不能重复登记"):
        credit.add(reviewer, talent=idn, start=D(2023, 7, 1), basis="x", doc_no="阿信用字〔2023〕7号")
    with pytest.raises(ValidationError, match="解除原因"):
        credit.lift(reviewer, e.id, "  ")
    with pytest.raises(PermissionDenied):
        credit.lift(clerk, e.id, "原因")
    with pytest.raises(NotFoundError):
        credit.lift(reviewer, 9999, "原因")
    # the talent cannot be deleted with its entry
    with pytest.raises(ConflictError, match="失信名单记录"):
        talents.delete(clerk, idn)


def test_proposal_refused_naming_the_entry_then_allowed_after_lift(office):
    clerk, reviewer, idn = office["clerk"], office["reviewer"], office["idn"]
    e = credit.add(reviewer, talent=idn, start=D(2023, 5, 15), end=D(2023, 12, 31), basis="提供虚假学历材料",
                   doc_no="阿信用字〔2023〕7号")
    ev = grants.evaluate_talent(clerk, idn, approved_on=D(2023, 6, 1), as_of=D(2023, 6, 1))
    assert ev.benefit("settlement_allowance").status == "ineligible"
    with pytest.raises(ValidationError) as err:
        grants.propose(clerk, idn, "settlement_allowance", approved_on=D(2023, 6, 1), approval_doc_no="阿左人才字〔2023〕5号")
    msg = err.value.message
    assert "列入失信名单（文号阿信用字〔2023〕7号，自2023-05-15至2023-12-31，事由：提供虚假学历材料）" in msg
    assert "第六十六条" in msg
    # a decision date after the period is not barred
    assert grants.evaluate_talent(clerk, idn, approved_on=D(2024, 1, 1)).benefit("settlement_allowance").status \
        == "eligible"
    credit.lift(reviewer, e.id, "撤销认定")
    g = grants.propose(clerk, idn, "settlement_allowance", approved_on=D(2023, 6, 1), approval_doc_no="阿左人才字〔2025〕21号")
    assert g.status == "proposed"


def test_approval_refused_when_the_employer_is_listed_after_proposal(office):
    clerk, reviewer, reviewer2, idn = office["clerk"], office["reviewer"], office["reviewer2"], office["idn"]
    g = grants.propose(clerk, idn, "settlement_allowance", approved_on=D(2023, 6, 1), approval_doc_no="阿左人才字〔2025〕21号")
    credit.add(reviewer2, employer=EMPLOYER, start=D(2023, 1, 1), basis="骗取人才补贴", doc_no="阿信用字〔2023〕2号")
    with pytest.raises(ConflictError) as err:
        grants.approve(reviewer, g.id)
    assert "用人单位阿拉善盟农牧科学研究所列入失信名单（文号阿信用字〔2023〕2号，自2023-01-01至今" in err.value.message
    assert grants.get_grant(reviewer, g.id).status == "proposed"


def test_grant_approved_before_the_entry_keeps_paying(office):
    """New support only: the installments of a grant approved before the entry's start
    stay payable while the entry applies."""
    from talentdesk.services.benefits import payments

    clerk, reviewer, reviewer2, idn = office["clerk"], office["reviewer"], office["reviewer2"], office["idn"]
    g = grants.approve(reviewer, grants.propose(clerk, idn, "settlement_allowance", approved_on=D(2023, 6, 1),
                                                approval_doc_no="阿左人才字〔2025〕21号").id)
    credit.add(reviewer2, talent=idn, start=D(2023, 6, 2), basis="违约", doc_no="阿信用字〔2023〕9号")
    first = g.installments[0].id
    assert payments.propose(clerk, [first], as_of=D(2023, 6, 10)).done == [first]
    # a new benefit decided now is barred
    with pytest.raises(ValidationError, match="阿信用字〔2023〕9号"):
        grants.propose(clerk, idn, "rent_subsidy", approved_on=D(2023, 6, 10), approval_doc_no="阿左人才字〔2023〕6号")


def test_the_database_keeps_exactly_one_subject(office):
    from sqlalchemy.exc import IntegrityError

    from talentdesk.models.entities import Employer, Talent

    reviewer = office["reviewer"]
    with reviewer.read() as s:
        emp_id = s.execute(select(Employer.id)).scalars().first()
        talent_id = s.execute(select(Talent.id)).scalars().first()
    for talent_id, employer_id in ((None, None), (talent_id, emp_id)):
        with pytest.raises(IntegrityError):
            with reviewer.db.write() as s:
                s.add(CreditEntry(talent_id=talent_id, employer_id=employer_id, start_date=D(2023, 1, 1),
                                  basis="x", doc_no="y"))
                s.flush()


def test_approval_refused_while_an_entry_is_in_force_on_the_day_of_approval(office):
    """The 批准日期 (2023-06-01) lies before the entry, but the entry is in force on the day
    the reviewer approves: no new support is given."""
    clerk, reviewer, reviewer2, idn = office["clerk"], office["reviewer"], office["reviewer2"], office["idn"]
    g = grants.propose(clerk, idn, "settlement_allowance", approved_on=D(2023, 6, 1), approval_doc_no="阿左人才字〔2025〕21号")
    credit.add(reviewer2, talent=idn, start=dt.date.today(), basis="违约", doc_no="阿信用字〔2026〕4号")
    with pytest.raises(ConflictError, match="阿信用字〔2026〕4号"):
        grants.approve(reviewer, g.id)
    with pytest.raises(ValidationError, match="阿信用字〔2026〕4号"):
        grants.propose(clerk, idn, "rent_subsidy", approved_on=D(2023, 6, 1), approval_doc_no="阿左人才字〔2023〕8号")
