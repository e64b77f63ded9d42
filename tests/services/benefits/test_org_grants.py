"""Grants to organisations (issue 18 item 1): an enterprise's 引才奖补 (阿党人才字〔2023〕2号
第十八条: 一事一议, 每年最高30万元, 旗（区）企业 盟、旗两级各50%) and a platform's 配套资金
(第二十四条), proposed, approved four-eyes, paid, in the ledger and the approval form."""

from __future__ import annotations

import datetime as dt

import pytest

from factories import credit_code, talent_row
from talentdesk.domain.errors import ConflictError, PermissionDenied, ValidationError
from talentdesk.services.benefits import grants, org_grants, payments
from talentdesk.services.context import ServiceContext
from talentdesk.services.exchange import reports
from talentdesk.services.finance import budget
from talentdesk.services.office.audit import log as audit
from talentdesk.services.register import credit, employers, platforms, recognitions, talents

D = dt.date
FIRM = "阿拉善高新区绿源化工有限公司"
FACTS = {"introduced_pension_3y": True, "introduced_outstanding": True}


def as_(ctx, user, role):
    return ServiceContext(ctx.db, user=user, role=role)


@pytest.fixture
def office(ctx):
    clerk, reviewer = as_(ctx, "王经办", "clerk"), as_(ctx, "李审核", "reviewer")
    employers.add(clerk, FIRM, credit_code(7), "民营企业", "阿拉善高新区", industry="C")
    row = talent_row(用人单位=FIRM, 统一社会信用代码=credit_code(7), 单位性质="民营企业", 所属地区="阿拉善高新区",
                     引进日期="2021-03-01", 合同起始日期="2021-03-01")
    talents.add(clerk, row)
    r = recognitions.propose(clerk, talent=row["身份证号"], scheme="阿拉善盟人才分类", tier="C",
                             doc_no="阿人才认字〔2023〕5号", recognised_on=D(2023, 6, 1))
    recognitions.confirm(reviewer, r.id)
    return {"clerk": clerk, "reviewer": reviewer, "idn": row["身份证号"]}


def _decide(clerk, amount_yuan=250_000, number="阿人才领字〔2024〕3号"):
    return org_grants.record_decision(clerk, employer=FIRM, number=number, decided_on=D(2024, 3, 1),
                                      benefit_code="enterprise_introduction_award", amount_fen=amount_yuan * 100)


def test_enterprise_award_needs_a_decision_then_splits_league_and_banner(office, tmp_path):
    clerk, reviewer = office["clerk"], office["reviewer"]
    ev = org_grants.evaluate(clerk, employer=FIRM, approved_on=D(2024, 3, 1), facts=FACTS)
    res = ev.benefit("enterprise_introduction_award")
    assert res.status == "eligible" and res.total_fen is None and res.max_fen == 30_000_000
    assert ev.benefit("league_enterprise_introduction_award").status == "ineligible"
    with pytest.raises(ValidationError, match="请先登记一事一议决定"):  # 最高30万: never a silent maximum
        org_grants.propose(clerk, employer=FIRM, benefit_code="enterprise_introduction_award",
                           approved_on=D(2024, 3, 1), approval_doc_no="阿人才字〔2024〕9号", facts=FACTS)
    _decide(clerk)
    g = org_grants.propose(clerk, employer=FIRM, benefit_code="enterprise_introduction_award",
                           approved_on=D(2024, 3, 1), approval_doc_no="阿人才字〔2024〕9号",
                           decision_number="阿人才领字〔2024〕3号", facts=FACTS)
    assert g.beneficiary == "employer" and g.talent_id is None and g.talent_name == FIRM
    assert g.total_fen == 25_000_000 and [i.funding for i in g.installments] == [
        {"league": 12_500_000, "banner": 12_500_000}]
    assert any("第十八条" in b for b in g.basis)
    with pytest.raises(PermissionDenied, match="无权批准"):
        grants.approve(clerk, g.id)
    ok = grants.approve(reviewer, g.id)
    assert ok.status == "approved" and ok.beneficiary == "employer"
    inst = ok.installments[0].id
    assert payments.propose(clerk, [inst], as_of=D(2024, 3, 20)).done
    assert payments.approve(reviewer, [inst], as_of=D(2024, 3, 20)).done
    row = payments.record_paid(clerk, inst, D(2024, 3, 25), "记-2024-031")
    assert row.status == "paid" and row.talent_name == FIRM and row.employer == FIRM and row.talent_id is None
    listed = payments.list_installments(clerk, date_from=D(2024, 1, 1), date_to=D(2024, 12, 31))
    assert [(r.talent_name, r.amount_fen) for r in listed if r.grant_id == g.id] == [(FIRM, 25_000_000)]
    # a second award in the same year is refused (每年 …不超过30万元); other listings
    with pytest.raises(ConflictError, match="2024年已有"):
        org_grants.propose(clerk, employer=FIRM, benefit_code="enterprise_introduction_award",
                           approved_on=D(2024, 9, 1), approval_doc_no="阿人才字〔2024〕19号",
                           decision_number="阿人才领字〔2024〕3号", facts=FACTS)
    assert [x.id for x in grants.list_grants(clerk, employer=FIRM)] == [g.id]
    assert g.id not in [x.id for x in grants.list_grants(clerk)]  # the talents' grants, by default
    assert [x.id for x in grants.list_grants(clerk, beneficiary="organisation")] == [g.id]
    events = [e for e in audit.list_events(clerk) if e.entity == "benefit_grant" and e.entity_id == str(g.id)]
    assert {e.action for e in events} == {"propose", "approve"}
    # the ledger shows the enterprise; its levels reconcile with the budget forecast
    ledger = reports.disbursement_ledger(clerk, 2024)
    rows = list(ledger.rows)
    mine = [r for r in rows if r[1] == FIRM]
    assert len(mine) == 1 and mine[0][7] == 25_000_000 and mine[0][-1] == "用人单位"
    fc = budget.forecast(clerk, 2024, 1, estimate=False)
    assert fc.cell(2024, "league").paid_fen == 12_500_000 and fc.cell(2024, "banner").paid_fen == 12_500_000
    # 人才统计 (paid by district × level) counts the enterprise's money under its district, as the ledger
    from talentdesk.services.overview import statistics

    st = statistics.compute(clerk, "district", "level", measure="paid", year=2024)
    assert st.value("阿拉善高新区", "盟级") == 12_500_000 and sum(st.cells.values()) == 25_000_000
    # the 审批表 prints for the organisation
    forms = reports.approval_forms(clerk, employer=FIRM)
    assert len(forms) == 1 and forms[0].talent["受益对象"] == FIRM and forms[0].amount_fen == 25_000_000
    assert forms[0].beneficiary == "employer" and forms[0].talent["所属地区"] == "阿拉善高新区"
    assert "所引进人才连续三年在我盟缴纳养老保险：是" in forms[0].agreement
    out = reports.print_forms(clerk, "approval", tmp_path / "审批表.pdf", employer=FIRM)
    assert out.rows == 1 and out.pages == 1 and (tmp_path / "审批表.pdf").read_bytes()[:4] == b"%PDF"


def test_enterprise_without_recognised_rigid_talents_is_refused(office):
    clerk = office["clerk"]
    employers.add(clerk, "额济纳旗某贸易有限公司", credit_code(8), "民营企业", "额济纳旗")
    org_grants.record_decision(clerk, employer="额济纳旗某贸易有限公司", number="阿人才领字〔2024〕4号",
                               decided_on=D(2024, 3, 1), benefit_code="enterprise_introduction_award", amount_fen=100)
    with pytest.raises(ValidationError, match="人才数（人才库）：0"):
        org_grants.propose(clerk, employer="额济纳旗某贸易有限公司", benefit_code="enterprise_introduction_award",
                           approved_on=D(2024, 3, 1), approval_doc_no="阿人才字〔2024〕9号",
                           decision_number="阿人才领字〔2024〕4号", facts=FACTS)


def test_credit_list_entry_of_the_employer_bars_the_proposal(office):
    clerk, reviewer = office["clerk"], office["reviewer"]
    _decide(clerk)
    credit.add(reviewer, employer=FIRM, start=D(2024, 1, 1), basis="骗取补贴", doc_no="阿信用字〔2024〕2号")
    with pytest.raises(ValidationError, match="阿信用字〔2024〕2号"):
        org_grants.propose(clerk, employer=FIRM, benefit_code="enterprise_introduction_award",
                           approved_on=D(2024, 3, 1), approval_doc_no="阿人才字〔2024〕9号",
                           decision_number="阿人才领字〔2024〕3号", facts=FACTS)


def test_platform_grant_and_reject(office):
    clerk, reviewer = office["clerk"], office["reviewer"]
    p = platforms.add(clerk, "绿源化工院士专家工作站", kind="工作站", category="院士专家工作站", employer=FIRM,
                      level="自治区级", body="自治区科协", doc_no="内科协字〔2023〕8号", recognised_on=D(2023, 8, 1))
    ev = org_grants.evaluate(clerk, platform=p.id, approved_on=D(2024, 5, 6))
    assert ev.benefit("workstation_support").status == "undetermined"  # 考核评估结果 not yet known
    org_grants.record_decision(clerk, platform=p.id, number="阿人才领字〔2024〕8号", decided_on=D(2024, 5, 6),
                               benefit_code="workstation_support", amount_fen=40_000_000)
    g = org_grants.propose(reviewer, platform=str(p.id), benefit_code="workstation_support", approved_on=D(2024, 5, 6),
                           approval_doc_no="阿人才字〔2024〕21号", decision_number="阿人才领字〔2024〕8号",
                           facts={"platform_assessment": "优秀"})
    assert g.beneficiary == "platform" and g.total_fen == 40_000_000
    assert g.installments[0].funding == {"league": 40_000_000}
    with pytest.raises(ConflictError, match="不重复享受"):
        org_grants.propose(clerk, platform=p.id, benefit_code="workstation_support", approved_on=D(2024, 6, 6),
                           approval_doc_no="阿人才字〔2024〕22号", decision_number="阿人才领字〔2024〕8号",
                           facts={"platform_assessment": "优秀"})
    with pytest.raises(PermissionDenied, match="双人复核"):  # the proposer never approves
        grants.approve(reviewer, g.id)
    back = grants.reject(reviewer, g.id, "材料不全")
    assert back.status == "rejected" and back.installments[0].status == "cancelled"
    assert [x.name for x in platforms.list_all(clerk, employer=FIRM)] == ["绿源化工院士专家工作站"]
    platforms.revoke(clerk, p.id, "撤销认定")
    with pytest.raises(ConflictError, match="已撤销"):
        org_grants.propose(clerk, platform=p.id, benefit_code="workstation_support", approved_on=D(2024, 6, 6),
                           approval_doc_no="阿人才字〔2024〕22号", facts={"platform_assessment": "优秀"})


def test_talent_benefit_code_is_not_an_organisation_one(office):
    with pytest.raises(ValidationError, match="不是政策alxa-2023给用人单位的支持"):
        org_grants.propose(office["clerk"], employer=FIRM, benefit_code="settlement_allowance",
                           approved_on=D(2024, 3, 1), approval_doc_no="阿人才字〔2024〕9号")
    with pytest.raises(ValidationError, match="只能选其一"):
        org_grants.evaluate(office["clerk"], approved_on=D(2024, 3, 1))


def test_a_direct_change_of_an_organisation_grants_beneficiary_is_named(office):
    """The beneficiary of an organisation's grant is sealed (audit_seal.OPTIONAL): moving the
    award to another employer with SQL is named by ``audit verify``; a talent's grant keeps the
    digest it had before the column existed."""
    from sqlalchemy import select, text

    from talentdesk.services.office.audit import seal as audit_seal

    clerk, reviewer = office["clerk"], office["reviewer"]
    _decide(clerk)
    g = org_grants.propose(clerk, employer=FIRM, benefit_code="enterprise_introduction_award",
                           approved_on=D(2024, 3, 1), approval_doc_no="阿人才字〔2024〕9号",
                           decision_number="阿人才领字〔2024〕3号", facts=FACTS)
    grants.approve(reviewer, g.id)
    employers.add(clerk, "另一家公司", credit_code(8), "民营企业", "阿拉善左旗")
    admin = ServiceContext(clerk.db)
    assert audit.verify(admin).ok
    with clerk.db.write_engine.begin() as conn:
        other = conn.execute(text("SELECT id FROM employer WHERE name = '另一家公司'")).scalar()
        conn.execute(text("UPDATE benefit_grant SET employer_id = :e WHERE id = :g"), {"e": other, "g": g.id})
    result = audit.verify(admin)
    assert not result.ok and [(r.table, r.row_id, r.kind) for r in result.rows] == [("benefit_grant", g.id, "changed")]
    # the named beneficiary is what the digest adds to the columns a talent's grant is sealed by
    cols = audit_seal.SEALED[audit_seal.BenefitGrant]
    with clerk.db.read() as session:
        (_, sealed), = audit_seal.row_digests(session, "benefit_grant", [g.id])
        model = audit_seal.BenefitGrant
        plain = session.execute(select(*(getattr(model, c) for c in cols)).where(model.id == g.id)).one()
    assert sealed != audit_seal.digest(plain)
    assert sealed == audit_seal.digest(tuple(plain) + (f"employer_id={other}",))
