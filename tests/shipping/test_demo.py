"""``talentdesk demo``: a small sample database that exercises every workflow."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from talentdesk.cli import main
from talentdesk.domain import idcard, uscc
from talentdesk.domain.errors import TalentDeskError
from talentdesk.models.db import open_database
from talentdesk.models.entities import (AnnualReview, BenefitGrant, Departure, Employer, Installment,
                                        InstallmentFunding, Recovery, ServiceAgreement, Talent)
from talentdesk.services.office.audit import log as audit
from talentdesk.services.exchange import demo
from talentdesk.services.context import ServiceContext

SIZE = 120


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    db = open_database(path)
    summary = demo.generate(ServiceContext(db), size=SIZE, seed=7)
    yield db, summary, path
    db.dispose()


def test_talents_and_employers_are_valid(demo_db):
    db, summary, _ = demo_db
    assert summary.talents == SIZE and summary.employers == len(demo.EMPLOYERS)
    with db.read() as s:
        talents = [(t.id_number, t.birth_date, t.sex, t.policy_id, t.name_initials, t.employer_id,
                    t.introduction_date) for t in s.execute(select(Talent)).scalars()]
        employers = [(e.uscc, e.district) for e in s.execute(select(Employer)).scalars()]
    assert len(talents) == SIZE
    assert len({t[0] for t in talents}) == SIZE
    for number, birth, sex, policy, initials, employer, intro in talents:
        info = idcard.parse(number)  # raises on a bad checksum or a division not in use at birth
        assert idcard.region_warning(number) is None  # no division since abolished
        assert info.birth_date == birth and info.sex == sex
        assert policy in {"alxa-2023", "alashankou-2014", "baotou-2022"}
        assert initials and employer
        assert 2019 <= intro.year <= 2025
    assert {t[3] for t in talents} == {"alxa-2023", "alashankou-2014", "baotou-2022"}
    for code, _ in employers:
        assert uscc.validate(code) == code
    assert len({d for _, d in employers}) >= 8


def test_grants_installments_sum_to_totals(demo_db):
    db, summary, _ = demo_db
    with db.read() as s:
        grants = s.execute(select(BenefitGrant)).scalars().all()
        assert grants and summary.grants == len(grants)
        # approved history, and the latest proposals still waiting for the reviewer
        assert {g.status for g in grants} >= {"approved", "proposed"}
        for g in grants:
            insts = s.execute(select(Installment).where(Installment.grant_id == g.id,
                                                        Installment.reverses_id.is_(None))).scalars().all()
            assert insts, g.id
            assert sum(i.amount_fen for i in insts) == g.total_fen
            for i in insts:
                shares = s.execute(select(func.sum(InstallmentFunding.amount_fen))
                                   .where(InstallmentFunding.installment_id == i.id)).scalar_one()
                assert shares == i.amount_fen
            if g.status == "approved":
                assert g.proposed_by and g.approved_by and g.proposed_by != g.approved_by
        statuses = dict(s.execute(select(Installment.status, func.count()).group_by(Installment.status)).all())
    # paid history, money still due, and some waiting in the approval chain
    assert statuses.get("paid", 0) > 0 and statuses.get("scheduled", 0) > 0
    assert statuses.get("proposed", 0) + statuses.get("approved", 0) > 0
    assert statuses.get("cancelled", 0) > 0
    assert summary.installments_paid == statuses["paid"]


def test_reviews_include_a_failure_that_cancels(demo_db):
    db, summary, _ = demo_db
    with db.read() as s:
        results = dict(s.execute(select(AnnualReview.result, func.count()).group_by(AnnualReview.result)).all())
        agreements = s.execute(select(func.count(ServiceAgreement.id))).scalar_one()
    assert results.get("不合格", 0) >= 1 and results.get("合格", 0) > results["不合格"]
    assert summary.reviews_failed == results["不合格"]
    assert agreements == SIZE


def test_departure_with_recovery(demo_db):
    db, summary, _ = demo_db
    with db.read() as s:
        deps = s.execute(select(Departure)).scalars().all()
        recs = s.execute(select(Recovery)).scalars().all()
        assert deps and recs
        for r in recs:
            dep = s.get(Departure, r.departure_id)
            assert 0 < r.amount_fen <= dep.refund_due_fen
            assert s.get(Talent, dep.talent_id).status == "departed"


def test_audit_chain_verifies(demo_db):
    db, *_ = demo_db
    result = audit.verify(ServiceContext(db))
    assert result.ok, result.message
    assert result.checked > SIZE


def test_same_seed_same_data(tmp_path):
    q = select(Talent.name, Talent.id_number, Talent.introduction_date, Talent.education).order_by(Talent.id_number)

    def rows(name, seed):
        db = open_database(tmp_path / name)
        try:
            demo.generate(ServiceContext(db), size=30, seed=seed, workflow=False)
            with db.read() as s:
                return s.execute(q).all()
        finally:
            db.dispose()

    first = rows("a.sqlite3", 11)
    assert rows("b.sqlite3", 11) == first
    assert rows("c.sqlite3", 12) != first


def test_refuses_a_database_with_data_unless_if_empty(demo_db):
    db, *_ = demo_db
    with pytest.raises(TalentDeskError):
        demo.generate(ServiceContext(db), size=5)
    assert demo.generate(ServiceContext(db), size=5, if_empty=True).existing


def test_cli_demo(tmp_path, capsys):
    path = str(tmp_path / "cli.sqlite3")
    assert main(["--db", path, "demo", "--size", "15", "--no-workflow", "--seed", "3", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["talents"] == 15 and out["employers"] == len(demo.EMPLOYERS)
    assert main(["--db", path, "demo", "--if-empty"]) == 0
    assert "已有数据" in capsys.readouterr().out
    assert main(["--db", path, "demo"]) == 1


def test_demo_on_each_backend(db):
    """The same generator on SQLite and PostgreSQL (CI runs both)."""
    ctx = ServiceContext(db)
    summary = demo.generate(ctx, size=20, seed=5)
    assert summary.talents == 20 and summary.grants > 0 and summary.installments_paid > 0
    assert summary.reviews > 0
    assert audit.verify(ctx).ok


def test_high_level_talents_rest_on_a_case_decision(demo_db):
    from talentdesk.models.entities import CaseDecision

    db, *_ = demo_db
    with db.read() as s:
        high = s.execute(select(Talent.id).where(Talent.talent_class == "D")).scalars().all()
        for tid in high:
            g = s.execute(select(BenefitGrant).where(BenefitGrant.talent_id == tid,
                                                     BenefitGrant.benefit_code == "settlement_allowance")
                          ).scalars().first()
            if g is None:  # e.g. departed before the grant
                continue
            d = s.get(CaseDecision, g.decision_id)
            assert d is not None and d.override == "amount" and g.total_fen == d.amount_fen


def test_a_credit_entry_blocks_a_proposal(demo_db):
    """Issue 18: the demo shows a 失信 talent whose benefit, payable to the engine before the
    entry, is refused; the lifted earlier entry stays in the history."""
    import datetime as dt

    from talentdesk.models.entities import CreditEntry
    from talentdesk.services.benefits import grants
    from talentdesk.services.register import credit

    db, summary, _ = demo_db
    entries = credit.list_entries(ServiceContext(db), history=True)
    assert {e.state for e in entries} >= {"in_force", "lifted"}, [e.state for e in entries]
    with db.read() as s:
        live = s.execute(select(CreditEntry).where(CreditEntry.lifted_on.is_(None))).scalars().one()
        number, doc_no = s.get(Talent, live.talent_id).id_number, live.doc_no
        assert s.execute(select(func.count(BenefitGrant.id)).where(BenefitGrant.talent_id == live.talent_id)).scalar() == 0
    ev = grants.evaluate_talent(ServiceContext(db, user="demo-clerk"), number, approved_on=dt.date.today())
    barred = [b for b in ev.benefits if any("失信名单" in r for r in b.reasons)]
    assert barred and all(b.status == "ineligible" for b in barred)
    assert any("失信名单拒绝了一项待遇申请" in n and doc_no in n for n in summary.notes), summary.notes
def test_recognitions_mostly_confirmed_some_pending_one_expired_one_revoked(demo_db):
    from collections import Counter

    from talentdesk.services.register import recognitions

    db, *_ = demo_db
    rows = recognitions.list_recognitions(ServiceContext(db))
    by = Counter(v.status for v in rows)
    assert by["valid"] > by["pending"] >= 1 and by["expired"] >= 1 and by["revoked"] >= 1
    with db.read() as s:  # every roster class rests on a confirmed recognition (第二十条)
        classed = set(s.execute(select(Talent.id).where(Talent.talent_class == "D")).scalars())
    assert classed and classed <= {v.talent_id for v in rows if v.scheme == "阿拉善盟人才分类" and v.status == "valid"}


def test_organisations_grants_paid_and_split_by_level(demo_db):
    """单位/平台奖补 (issue 18): enterprises' 引才奖补 (第十八条) approved and paid 50%:50% by the
    league and the banner, a platform's grant (第二十四条) paid by the league; the ledger shows them."""
    from talentdesk.services.exchange import reports

    db, summary, _ = demo_db
    with db.read() as s:
        rows = s.execute(select(BenefitGrant.benefit_code, BenefitGrant.status, BenefitGrant.employer_id,
                                BenefitGrant.platform_id, BenefitGrant.proposed_by, BenefitGrant.approved_by,
                                BenefitGrant.id)
                         .where(BenefitGrant.talent_id.is_(None))).all()
        award = [r for r in rows if r.benefit_code == "enterprise_introduction_award" and r.status == "approved"]
        assert len(award) >= 1 and all(r.employer_id and r.proposed_by != r.approved_by for r in award)
        for r in award:
            split = dict(s.execute(select(InstallmentFunding.level, func.sum(InstallmentFunding.amount_fen))
                                   .join(Installment, InstallmentFunding.installment_id == Installment.id)
                                   .where(Installment.grant_id == r.id, Installment.status == "paid")
                                   .group_by(InstallmentFunding.level)).all())
            assert split["league"] == split["banner"] > 0
        assert any(r.platform_id and r.status == "approved" for r in rows)
        assert any(r.platform_id and r.status == "proposed" for r in rows)
        names = {n for (n,) in s.execute(select(Employer.name).where(Employer.id.in_([r.employer_id for r in award])))}
    ledger_rows = []
    with db.read() as s:
        years = {d.year for (d,) in s.execute(select(Installment.paid_date).join(BenefitGrant)
                                              .where(BenefitGrant.talent_id.is_(None), Installment.paid_date.is_not(None)))}
    for y in years:
        ledger_rows += [r for r in reports.disbursement_ledger(ServiceContext(db), y).rows
                        if isinstance(r[0], int) and r[-1] == "用人单位"]
    assert names <= {r[1] for r in ledger_rows}
