"""The full path: evaluate → propose → approve → pay → review 不合格 → departure."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from talentdesk.domain.errors import ConflictError, PermissionDenied, ValidationError
from talentdesk.models.entities import AuditEvent, Installment, InstallmentFunding
from talentdesk.services.benefits import agreements, departures, grants, payments, reviews
from talentdesk.services.office.audit import log as audit
from talentdesk.services.register import talents
from talentdesk.services.context import ServiceContext
from factories import talent_row

D = dt.date


def as_(ctx: ServiceContext, user: str, role: str | None) -> ServiceContext:
    return ServiceContext(ctx.db, user=user, role=role)


@pytest.fixture
def office(ctx):
    """Three users on one database, and a PhD introduced 2023-05-01 with a 5-year agreement."""
    clerk = as_(ctx, "王经办", "clerk")
    reviewer = as_(ctx, "李审核", "reviewer")
    reviewer2 = as_(ctx, "赵审核", "reviewer")
    row = talent_row()
    talents.add(clerk, row)
    agreements.add(clerk, row["身份证号"], kind="服务期协议", start_date=D(2023, 5, 1), term_years=5,
                   signed_date=D(2023, 5, 1), required_service_years=5)
    return {"clerk": clerk, "reviewer": reviewer, "reviewer2": reviewer2, "idn": row["身份证号"]}


def test_full_path(office):
    clerk, reviewer, reviewer2, idn = office["clerk"], office["reviewer"], office["reviewer2"], office["idn"]

    ev = grants.evaluate_talent(clerk, idn, approved_on=D(2023, 6, 1), as_of=D(2023, 6, 1))
    sa = ev.benefit("settlement_allowance")
    assert sa.status == "eligible" and sa.total_fen == 20_000_000
    assert ev.to_json()["benefits"][0]["code"] == "settlement_allowance"

    g = grants.propose(clerk, idn, "settlement_allowance", approved_on=D(2023, 6, 1),
                       approval_doc_no="阿左人才字〔2023〕5号")
    assert g.status == "proposed" and g.proposed_by == "王经办"
    assert [i.amount_fen for i in g.installments] == [8_000_000, 6_000_000, 6_000_000]
    assert sum(i.amount_fen for i in g.installments) == g.total_fen == 20_000_000
    for i in g.installments:
        assert sum(i.funding.values()) == i.amount_fen
    assert [i.due_date for i in g.installments] == [D(2023, 6, 1), D(2024, 6, 1), D(2025, 6, 1)]
    assert [i.review_year for i in g.installments] == [None, 2023, 2024]
    assert any("第四十条" in b for b in g.basis)

    # four-eyes: the proposer cannot approve, even as a reviewer
    with pytest.raises(PermissionDenied, match="双人复核"):
        grants.approve(as_(clerk, "王经办", "reviewer"), g.id)
    # a clerk cannot approve at all
    with pytest.raises(PermissionDenied, match="审核人"):
        grants.approve(as_(clerk, "孙经办", "clerk"), g.id)
    g = grants.approve(reviewer, g.id)
    assert g.status == "approved" and g.approved_by == "李审核" and g.approved_at is not None
    # 不重复享受
    with pytest.raises(ConflictError, match="不重复享受"):
        grants.propose(clerk, idn, "settlement_allowance", approved_on=D(2023, 7, 1), approval_doc_no="阿左人才字〔2023〕11号")

    first, second, third = (i.id for i in g.installments)
    # installment 2 needs the 2023 review: refused with a reason, installment 1 proposed
    res = payments.propose(clerk, [first, second], as_of=D(2024, 6, 10))
    assert res.done == [first]
    assert "2023年度考核" in res.refused[0].message
    with pytest.raises(PermissionDenied, match="双人复核"):
        payments.approve(as_(clerk, "王经办", "reviewer"), [first])
    assert payments.approve(reviewer, [first]).done == [first]
    row = payments.record_paid(clerk, first, D(2024, 6, 20), "记-2024-06-015")
    assert row.status == "paid" and row.voucher_no == "记-2024-06-015"

    # 2023 passed → installment 2 payable
    reviews.record(reviewer, idn, 2023, "合格", D(2024, 1, 15))
    assert payments.propose(clerk, [second], as_of=D(2024, 6, 10)).done == [second]
    payments.approve(reviewer2, [second])
    payments.record_paid(clerk, second, D(2024, 6, 25), "记-2024-06-030")

    # 2024 不合格: Alxa art. 36 cancels the rest; the GUI can ask first
    cons = reviews.consequences(reviewer, idn, 2024, "不合格")
    assert [(c.installment_id, c.action) for c in cons] == [(third, "cancel")]
    assert "第三十六条" in cons[0].reason
    out = reviews.record(reviewer, idn, 2024, "不合格", D(2025, 1, 10))
    assert [c.installment_id for c in out.applied] == [third]
    inst3 = payments.list_installments(clerk, grant_id=g.id)[2]
    assert inst3.status == "cancelled" and "第三十六条" in inst3.status_reason
    # correcting the result (appeal) restores it
    out = reviews.record(reviewer, idn, 2024, "合格")
    assert [(c.installment_id, c.action) for c in out.applied] == [(third, "restore")]
    assert payments.list_installments(clerk, grant_id=g.id)[2].status == "scheduled"
    reviews.record(reviewer, idn, 2024, "不合格")
    assert payments.list_installments(clerk, grant_id=g.id)[2].status == "cancelled"

    # departure before the 5-year service ends: pro-rata/all refund as the pack says
    p = departures.preview(clerk, idn, D(2025, 3, 1))
    assert p.received_fen == 14_000_000
    # Alxa art. 19: leaving before the agreed service ends refunds the subsidy received
    assert p.refund_due_fen == 14_000_000
    assert p.basis == ["阿党人才字〔2023〕2号 第十九条"]
    assert [c.installment_id for c in p.to_cancel] == []  # installment 3 already cancelled by the review
    dep = departures.record(clerk, idn, D(2025, 3, 1), "调离")
    assert dep.refund_due_fen == p.refund_due_fen and dep.outstanding_fen == p.refund_due_fen
    assert talents.get(clerk, idn).status == "departed"
    dep = departures.record_recovery(clerk, dep.id, 1_000_000, D(2025, 4, 1), "收-001")
    assert dep.recovered_fen == 1_000_000 and dep.outstanding_fen == p.refund_due_fen - 1_000_000
    listed = departures.list_departures(clerk, outstanding_only=True)
    assert [(d.id, d.recovered_fen) for d in listed] == [(dep.id, 1_000_000)]
    with pytest.raises(ValidationError, match="超过"):
        departures.record_recovery(clerk, dep.id, p.refund_due_fen, D(2025, 4, 2), "收-002")
    assert audit.verify(clerk).ok


def _first_installment_approved(office):
    """An approved settlement allowance (approved 2023-06-01); its first installment proposed
    and approved for payment. Returns the grant and that installment's id."""
    clerk, reviewer, idn = office["clerk"], office["reviewer"], office["idn"]
    g = grants.approve(reviewer, grants.propose(clerk, idn, "settlement_allowance", approved_on=D(2023, 6, 1),
                                                approval_doc_no="阿左人才字〔2023〕12号").id)
    first = g.installments[0].id
    payments.propose(clerk, [first], as_of=D(2023, 6, 2))
    payments.approve(reviewer, [first])
    return g, first


def test_departure_cancels_not_yet_due(office):
    clerk, idn = office["clerk"], office["idn"]
    g, first = _first_installment_approved(office)
    payments.record_paid(clerk, first, D(2023, 6, 5), "V1")
    p = departures.preview(clerk, idn, D(2024, 3, 1))
    assert sorted(c.installment_id for c in p.to_cancel) == [g.installments[1].id, g.installments[2].id]
    assert p.received_fen == 8_000_000
    b = p.benefits[0]
    assert b.received_fen == 8_000_000 and b.refund_fen == p.refund_due_fen
    # what the database says was paid drives the refund, not the schedule
    assert p.refund_due_fen == 8_000_000
    departures.record(clerk, idn, D(2024, 3, 1), "辞职")
    statuses = [i.status for i in payments.list_installments(clerk, grant_id=g.id)]
    assert statuses == ["paid", "cancelled", "cancelled"]
    with pytest.raises(ConflictError):
        departures.record(clerk, idn, D(2024, 3, 2), "again")


def test_reverse_paid_installment(office, db):
    clerk, reviewer = office["clerk"], office["reviewer"]
    g, first = _first_installment_approved(office)
    payments.record_paid(clerk, first, D(2023, 6, 5), "V1")
    with pytest.raises(PermissionDenied):
        payments.reverse(clerk, first, "错发")
    rev = payments.reverse(reviewer, first, "账号错误，资金退回", reversed_on=D(2023, 6, 8), voucher_no="V1-冲")
    assert rev.amount_fen == -8_000_000 and rev.reverses_id == first and rev.status == "reversed"
    assert sum(rev.funding.values()) == -8_000_000
    rows = payments.list_installments(clerk, grant_id=g.id)
    orig = next(r for r in rows if r.id == first)
    assert orig.status == "paid" and orig.amount_fen == 8_000_000  # never edited
    assert len(rows) == 4
    with pytest.raises(ConflictError, match="已冲销"):
        payments.reverse(reviewer, first, "again")
    with db.read() as s:
        net = s.execute(select(func.sum(Installment.amount_fen)).where(
            Installment.grant_id == g.id, Installment.status.in_(("paid", "reversed")))).scalar()
        assert net == 0
        fund = s.execute(select(func.sum(InstallmentFunding.amount_fen)).join(Installment).where(
            Installment.grant_id == g.id, Installment.status.in_(("paid", "reversed")))).scalar()
        assert fund == 0


def test_confirm_many_all_or_nothing(office):
    clerk, idn = office["clerk"], office["idn"]
    g, first = _first_installment_approved(office)
    good = {"身份证号": idn, "待遇项目": "安家补贴", "期次": 1, "金额": 8_000_000, "发放日期": "2023-06-05",
            "凭证号": "V9"}
    bad = {"身份证号": idn, "待遇项目": "安家补贴", "期次": 1, "金额": 123, "发放日期": "2023-06-05", "凭证号": "V10"}
    res = payments.confirm_many(clerk, [bad, good], row_numbers=[2, 3])
    assert not res.committed and res.confirmed == 0
    assert [r.ok for r in res.rows] == [False, True]
    assert res.rows[0].row == 2 and "金额" in res.rows[0].message and "80,000.00" in res.rows[0].message
    assert res.rows[0].errors[0]["column"] == "金额"
    assert payments.list_installments(clerk, grant_id=g.id)[0].status == "approved"
    # partial mode writes the good rows
    res = payments.confirm_many(clerk, [good, bad], all_or_nothing=False)
    assert res.committed and res.confirmed == 1
    assert "与第1行重复" in res.rows[1].message
    row = payments.list_installments(clerk, grant_id=g.id)[0]
    assert row.status == "paid" and row.voucher_no == "V9" and row.paid_date == D(2023, 6, 5)
    # importing the same file again changes nothing (issue 15): 已登记，未改动
    res = payments.confirm_many(clerk, [good | {"待遇项目": "settlement_allowance"}])
    assert res.committed and res.confirmed == 0 and res.unchanged == 1
    assert "已登记，未改动" in res.rows[0].message


def test_ineligible_refused_with_reasons(office):
    with pytest.raises(ValidationError, match="租房补贴"):
        grants.propose(office["clerk"], office["idn"], "rent_subsidy", approved_on=D(2023, 6, 1),
                       approval_doc_no="阿左人才字〔2023〕13号")
    with pytest.raises(ValidationError, match="不属于政策"):
        grants.propose(office["clerk"], office["idn"], "no_such", approved_on=D(2023, 6, 1), approval_doc_no="阿左人才字〔2023〕14号")


def test_reject_and_cancel(office):
    clerk, reviewer, idn = office["clerk"], office["reviewer"], office["idn"]
    g = grants.propose(clerk, idn, "settlement_allowance", approved_on=D(2023, 6, 1), approval_doc_no="阿左人才字〔2023〕15号")
    with pytest.raises(ValidationError):
        grants.reject(reviewer, g.id, " ")
    g = grants.reject(reviewer, g.id, "材料不全")
    assert g.status == "rejected" and g.reason == "材料不全"
    assert {i.status for i in g.installments} == {"cancelled"}
    # a rejected grant does not block a new proposal
    g2 = grants.propose(clerk, idn, "settlement_allowance", approved_on=D(2023, 6, 1), approval_doc_no="阿左人才字〔2023〕16号")
    g2 = grants.cancel(reviewer, grants.approve(reviewer, g2.id).id, "重复申报")
    assert g2.status == "cancelled"
    assert [v.id for v in grants.list_grants(clerk, idn)] == [g2.id, g.id]
    assert [v.id for v in grants.list_grants(clerk, status="rejected")] == [g.id]


def test_single_user_mode_allows_everything(ctx):
    solo = ServiceContext(ctx.db)  # no accounts: role None
    row = talent_row()
    talents.add(solo, row)
    g = grants.propose(solo, row["身份证号"], "settlement_allowance", approved_on=D(2023, 6, 1), approval_doc_no="阿左人才字〔2023〕17号")
    g = grants.approve(solo, g.id)  # same "user": four-eyes not applicable
    first = g.installments[0].id
    payments.propose(solo, [first], as_of=D(2023, 6, 1))
    assert payments.approve(solo, [first]).done == [first]
    with solo.read() as s:
        users = set(s.execute(select(AuditEvent.user)).scalars())
    assert users == {"单机用户"}


def test_departure_without_service_years_warns(ctx):
    # a PhD: Alxa art. 19 leaves the period to the agreement; none recorded → the contract
    # term (5 years) binds (issue 14: never a silent 0), and the clerk is told the source
    row = talent_row()
    talents.add(ctx, row)
    g = grants.approve(ctx, grants.propose(ctx, row["身份证号"], "settlement_allowance", approved_on=D(2023, 6, 1),
                                           approval_doc_no="阿左人才字〔2023〕18号").id)
    payments.propose(ctx, [g.installments[0].id], as_of=D(2023, 6, 1))
    payments.approve(ctx, [g.installments[0].id])
    payments.record_paid(ctx, g.installments[0].id, D(2023, 6, 2), "V")
    p = departures.preview(ctx, row["身份证号"], D(2024, 1, 1))
    assert p.refund_due_fen == 8_000_000
    assert any("服务期协议" in w for w in p.warnings)
    assert "按聘用合同期限" in p.basis_text


def test_roster_agreement_gives_service_years(ctx):
    row = talent_row(**{"协议签订日期": "2023-05-01"})  # 合同期限 5 years in the roster
    talents.add(ctx, row)
    g = grants.approve(ctx, grants.propose(ctx, row["身份证号"], "settlement_allowance", approved_on=D(2023, 6, 1),
                                           approval_doc_no="阿左人才字〔2023〕19号").id)
    payments.propose(ctx, [g.installments[0].id], as_of=D(2023, 6, 1))
    payments.approve(ctx, [g.installments[0].id])
    payments.record_paid(ctx, g.installments[0].id, D(2023, 6, 2), "V")
    p = departures.preview(ctx, row["身份证号"], D(2024, 1, 1))
    assert p.refund_due_fen == 8_000_000 and not p.warnings


def test_refusals_name_the_problem(office):
    clerk, reviewer, idn = office["clerk"], office["reviewer"], office["idn"]
    g = grants.propose(clerk, idn, "settlement_allowance", approved_on=D(2023, 6, 1), approval_doc_no="阿左人才字〔2023〕20号")
    first = g.installments[0].id
    res = payments.propose(clerk, [first, 999_999], as_of=D(2023, 6, 2))
    assert res.done == []
    assert "尚未批准" in res.refused[0].message and "找不到编号为999999的分期" in res.refused[1].message
    grants.approve(reviewer, g.id)
    assert "尚未到期" in payments.propose(clerk, [first], as_of=D(2023, 5, 31)).refused[0].message
    with pytest.raises(ConflictError, match="只能登记已审核待付"):
        payments.record_paid(clerk, first, D(2023, 6, 5), "V")
    with pytest.raises(ValidationError, match="发放日期"):
        payments.record_paid(clerk, first, "昨天", "V")
    res = payments.confirm_many(clerk, [{"身份证号": "110101199001011237", "待遇项目": "安家补贴", "期次": 1, "金额": "80000元",
                                         "发放日期": "2023-06-05", "凭证号": "V"}])
    assert "找不到身份证号" in res.rows[0].message
    with pytest.raises(ValidationError, match="早于"):
        departures.record(clerk, idn, D(2020, 1, 1), "x")
    # suspend / resume an open installment; paid ones cannot be suspended
    assert payments.suspend(reviewer, [first], "核查学历").done == [first]
    assert "暂停" in payments.list_installments(clerk, grant_id=g.id)[0].status_reason
    assert payments.propose(clerk, [first], as_of=D(2023, 6, 2)).done == []
    assert payments.resume(reviewer, [first]).done == [first]
    assert payments.propose(clerk, [first], as_of=D(2023, 6, 2)).done == [first]
    assert payments.reject(reviewer, [first], "金额有误").done == [first]
    assert payments.list_installments(clerk, grant_id=g.id)[0].status == "scheduled"


def test_policy_id_is_stored(ctx):
    row = talent_row()
    talents.add(ctx, row)
    assert talents.get(ctx, row["身份证号"]).policy_id is None
    assert grants.policy_of(ctx, row["身份证号"]) == "alxa-2023"
    assert grants.ensure_policy(ctx, row["身份证号"]) == "alxa-2023"
    assert talents.get(ctx, row["身份证号"]).policy_id == "alxa-2023"
    other = talent_row()
    talents.add(ctx, other)
    grants.propose(ctx, other["身份证号"], "settlement_allowance", approved_on=D(2023, 6, 1), approval_doc_no="阿左人才字〔2023〕21号")
    assert talents.get(ctx, other["身份证号"]).policy_id == "alxa-2023"
    assert audit.verify(ctx).ok


def test_two_clerks_proposing_at_once_get_one_grant(office):
    """不重复享受 holds under concurrency: the talent row is locked (PostgreSQL FOR UPDATE,
    SQLite BEGIN IMMEDIATE), so the second proposal sees the first."""
    import threading

    clerk2 = as_(office["clerk"], "孙经办", "clerk")
    results: list = []
    barrier = threading.Barrier(2)

    def go(c):
        barrier.wait()
        try:
            results.append(grants.propose(c, office["idn"], "settlement_allowance", approved_on=D(2023, 6, 1),
                                          approval_doc_no="阿左人才字〔2023〕22号").id)
        except ConflictError as exc:
            results.append(exc)

    threads = [threading.Thread(target=go, args=(c,)) for c in (office["clerk"], clerk2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(type(r).__name__ for r in results) == ["ConflictError", "int"]
    assert len(grants.list_grants(office["clerk"], office["idn"])) == 1


def test_evaluation_of_a_departed_talent_uses_the_record(office):
    clerk, reviewer, idn = office["clerk"], office["reviewer"], office["idn"]
    g = grants.approve(reviewer, grants.propose(clerk, idn, "settlement_allowance", approved_on=D(2023, 6, 1),
                                                approval_doc_no="阿左人才字〔2023〕23号").id)
    payments.propose(clerk, [g.installments[0].id], as_of=D(2023, 6, 1))
    payments.approve(reviewer, [g.installments[0].id])
    payments.record_paid(clerk, g.installments[0].id, D(2023, 6, 2), "V")
    departures.record(clerk, idn, D(2024, 3, 1), "调离")
    ev = grants.evaluate_talent(clerk, idn, approved_on=D(2023, 6, 1))
    sa = ev.benefit("settlement_allowance")
    assert ev.departed_on == D(2024, 3, 1) and sa.refund_fen == 8_000_000
    assert [i.status for i in sa.installments][1:] == ["cancelled", "cancelled"]


def test_departed_without_grants_owes_nothing(ctx):
    row = talent_row(**{"协议签订日期": "2023-05-01"})
    talents.add(ctx, row)
    departures.record(ctx, row["身份证号"], D(2024, 3, 1), "调离")
    ev = grants.evaluate_talent(ctx, row["身份证号"], approved_on=D(2023, 6, 1))
    assert ev.departed_on == D(2024, 3, 1) and ev.refund_fen == 0


def test_approval_refused_when_the_talent_changed(office):
    clerk, reviewer, idn = office["clerk"], office["reviewer"], office["idn"]
    g = grants.propose(clerk, idn, "settlement_allowance", approved_on=D(2023, 6, 1), approval_doc_no="阿左人才字〔2023〕24号")
    talents.update(clerk, idn, {"急需紧缺": "否"})  # no longer an urgently needed PhD (art. 40)
    with pytest.raises(ConflictError, match="人才信息有变化"):
        grants.approve(reviewer, g.id)
    talents.update(clerk, idn, {"急需紧缺": "是"})
    assert grants.approve(reviewer, g.id).status == "approved"


def test_facts_given_at_proposal_are_kept(office):
    """Alxa art. 32 tuition subsidy depends on facts outside the roster; they are stored with
    the grant so approval, reviews and departures evaluate the same case."""
    clerk, reviewer, idn = office["clerk"], office["reviewer"], office["idn"]
    facts = {"on_establishment": True, "study_leave": True, "study_programme": "博士", "degree_in_term": True,
             "returned_to_post_date": D(2022, 7, 1), "study_urgent_major": True, "study_domestic": True}
    from talentdesk.services.benefits import decisions

    # art. 32 pays “分期”: the decision fixes the parts (issue 14)
    decisions.record(clerk, idn, number="阿左人才议〔2023〕9号", decided_on=D(2025, 7, 20), override="amount",
                     benefit_code="tuition_subsidy", amount_fen=3_000_000, description="分3期发放")
    ev = grants.evaluate_talent(clerk, idn, approved_on=D(2025, 8, 1), facts=facts)
    tb = ev.benefit("tuition_subsidy")
    assert tb.status == "eligible" and tb.total_fen == 3_000_000 and tb.installments
    with pytest.raises(ValidationError):  # without the facts: undetermined
        grants.propose(clerk, idn, "tuition_subsidy", approved_on=D(2025, 8, 1), approval_doc_no="阿左人才字〔2023〕25号")
    g = grants.propose(clerk, idn, "tuition_subsidy", approved_on=D(2025, 8, 1), approval_doc_no="阿左人才字〔2023〕26号", facts=facts,
                       decision_number="阿左人才议〔2023〕9号")
    assert _stored_facts(clerk, g.id) == facts
    g = grants.approve(reviewer, g.id)
    assert g.status == "approved" and g.total_fen == tb.total_fen
    p = departures.preview(clerk, idn, D(2025, 9, 1))
    assert any(b.grant_id == g.id for b in p.benefits)


def _stored_facts(ctx, grant_id):
    from talentdesk.models.entities import BenefitGrant

    with ctx.read() as s:
        return grants.grant_facts(s.get(BenefitGrant, grant_id))
