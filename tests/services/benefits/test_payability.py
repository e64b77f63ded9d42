"""One decision for "may this installment be proposed / approved / paid": the payments
service asks the rules engine (talentdesk.rules.payability) and holds no rule of its own."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from factories import talent_row
from talentdesk.domain.errors import ConflictError, ValidationError
from talentdesk.models.entities import Installment
from talentdesk.rules import payability
from talentdesk.services.benefits import departures, grants, payments, reviews
from talentdesk.services.office import settings
from talentdesk.services.register import talents
from talentdesk.services.context import ServiceContext

D = dt.date


def _users(ctx):
    return ServiceContext(ctx.db, user="王经办", role="clerk"), ServiceContext(ctx.db, user="李审核", role="reviewer")


def _set_status(ctx, installment_id: int, status: str) -> None:
    """What an installment approved under the old rules looks like (the state the decision must still refuse)."""
    with ctx.write() as session:
        session.get(Installment, installment_id).status = status


def _alashankou_master(clerk, intro="2023-05-01"):
    row = talent_row(**{"学历": "硕士研究生", "学位": "硕士", "引进方式": "招聘", "引进日期": intro,
                        "合同起始日期": intro})
    talents.add(clerk, row)
    talents.update(clerk, row["身份证号"], {}, policy_id="alashankou-2014")
    return row["身份证号"]


def test_basic_pass_does_not_pay_alashankou_settlement(ctx):
    """Alashankou 第十四条: 安家费 after one year "考核合格"; the pack passes only 优秀/合格,
    so after a 基本合格 the installment is cancelled and never answers 可以提交发放."""
    clerk, reviewer = _users(ctx)
    idn = _alashankou_master(clerk)
    g = grants.approve(reviewer, grants.propose(clerk, idn, "settlement_allowance", approved_on=D(2023, 6, 1),
                                                approval_doc_no="阿市人才〔2023〕1号").id)
    (inst,) = g.installments
    assert inst.due_date == D(2024, 5, 1) and inst.review_year == 2023
    out = reviews.record(reviewer, idn, 2023, "基本合格", D(2024, 3, 1))
    assert [c.installment_id for c in out.applied] == [inst.id]
    row = payments.list_installments(clerk, grant_id=g.id)[0]
    assert row.status == "cancelled" and row.status_reason.startswith(reviews.REVIEW_MARK)
    assert "基本合格" in row.status_reason
    (answer,) = payments.check(clerk, [inst.id], as_of=D(2024, 5, 10))
    assert not answer.ok and "可以提交发放" not in answer.message
    # even an installment left open (e.g. reopened by hand) is refused by the engine
    _set_status(ctx, inst.id, "scheduled")
    (answer,) = payments.check(clerk, [inst.id], as_of=D(2024, 5, 10))
    assert not answer.ok and answer.verdict == payability.NO and "基本合格" in answer.message
    assert payments.propose(clerk, [inst.id], as_of=D(2024, 5, 10)).done == []
    # 合格 (after an appeal) restores it and makes it payable
    reviews.record(reviewer, idn, 2023, "合格")
    (answer,) = payments.check(clerk, [inst.id], as_of=D(2024, 5, 10))
    assert answer.ok, answer.message


def _alxa_grant(clerk, reviewer, approved_on: dt.date):
    row = talent_row(**{"引进日期": (approved_on - dt.timedelta(days=40)).isoformat(),
                        "合同起始日期": (approved_on - dt.timedelta(days=40)).isoformat()})
    talents.add(clerk, row)
    g = grants.approve(reviewer, grants.propose(clerk, row["身份证号"], "settlement_allowance", approved_on=approved_on,
                                                approval_doc_no="阿左人才字〔2023〕5号").id)
    return row["身份证号"], g


def test_future_as_of_never_leads_to_an_early_payment(ctx):
    """`pay propose --as-of <future>` pushed an installment due next year through approval and
    payment. The month of proposal cannot lie ahead, and paying needs the due date."""
    clerk, reviewer = _users(ctx)
    today = dt.date.today()
    idn, g = _alxa_grant(clerk, reviewer, today - dt.timedelta(days=10))
    second = g.installments[1]
    assert second.due_date > today and second.review_year == second.due_date.year - 1
    reviews.record(reviewer, idn, second.review_year, "合格")
    with pytest.raises(ValidationError, match="晚于本月"):
        payments.propose(clerk, [second.id], as_of=second.due_date + dt.timedelta(days=19))
    res = payments.propose(clerk, [second.id])
    assert res.done == [] and "尚未到期" in res.refused[0].message
    # approved under the old rule: still never recorded paid before the engine says payable
    _set_status(ctx, second.id, "approved")
    with pytest.raises(ConflictError, match="尚未到期"):
        payments.record_paid(clerk, second.id, today, "记-001")
    confirm = payments.confirm_many(clerk, [{"身份证号": idn, "待遇项目": "settlement_allowance", "期次": second.seq,
                                             "金额": second.amount_fen, "发放日期": today, "凭证号": "记-002"}])
    assert not confirm.committed and "尚未到期" in confirm.rows[0].message
    assert payments.list_installments(clerk, grant_id=g.id)[1].status == "approved"


def test_monthly_batch_and_paying_on_the_due_date(ctx):
    """Offices propose and approve by month (补贴发放审批表); payment on or after the due
    date, or as many days earlier as the office's setting allows."""
    clerk, reviewer = _users(ctx)
    idn, g = _alxa_grant(clerk, reviewer, D(2023, 6, 15))
    second = g.installments[1]
    assert second.due_date == D(2024, 6, 15)
    # before the review the engine waits for: 待定, naming the year
    (answer,) = payments.check(clerk, [second.id], as_of=D(2024, 6, 3))
    assert answer.verdict == payability.PENDING and "2023年度考核" in answer.message and "待定" in answer.message
    reviews.record(reviewer, idn, 2023, "合格")
    assert payments.propose(clerk, [second.id], as_of=D(2024, 5, 31)).done == []  # May: not June's batch
    assert payments.propose(clerk, [second.id], as_of=D(2024, 6, 3)).done == [second.id]
    assert payments.approve(reviewer, [second.id], as_of=D(2024, 6, 3)).done == [second.id]
    with pytest.raises(ConflictError, match="尚未到期"):
        payments.record_paid(clerk, second.id, D(2024, 6, 10), "记-1")
    settings.save_settings(ctx, pay_before_due_days=5)
    assert settings.get_settings(ctx).pay_before_due_days == 5
    with pytest.raises(ConflictError, match="尚未到期"):
        payments.record_paid(clerk, second.id, D(2024, 6, 9), "记-1")
    assert payments.record_paid(clerk, second.id, D(2024, 6, 10), "记-1").status == "paid"


def test_pay_before_due_days_setting_is_checked(ctx):
    assert settings.get_settings(ctx).pay_before_due_days == 0
    assert settings.parse_value("提前登记发放天数", "3") == ("pay_before_due_days", 3)
    with pytest.raises(ValidationError, match="提前登记发放天数"):
        settings.save_settings(ctx, pay_before_due_days="-1")


def test_months_served_the_engine_waits_for(ctx):
    """Alashankou 第十四条（一）: 特聘 10万 a year for a service year of at least 6 months. Payment
    waits for the months served (待定), and a short year is not paid."""
    clerk, reviewer = _users(ctx)
    row = talent_row(**{"引进方式": "特聘", "协议签订日期": "2023-01-10", "引进日期": "2023-01-10",
                        "合同起始日期": "2023-01-10"})
    talents.add(clerk, row)
    idn = row["身份证号"]
    talents.update(clerk, idn, {}, policy_id="alashankou-2014")
    g = grants.approve(reviewer, grants.propose(clerk, idn, "special_hire_subsidy", approved_on=D(2023, 2, 1),
                                                approval_doc_no="阿左人才字〔2023〕11号", facts={"alashankou_expert": True,
                                                                            "months_served": {1: 5}}).id)
    assert [i.due_date for i in g.installments][:2] == [D(2025, 1, 10), D(2026, 1, 10)]
    # service year 1 (5 months, due 2024-01-10) was cancelled at proposal: stored from year 2 on
    first = g.installments[0]
    (a1,) = payments.check(clerk, [first.id], as_of=D(2025, 1, 20))
    assert a1.verdict == payability.PENDING and "待补充" in a1.message and "6个月" in a1.message


def test_departure_cancellations_come_from_the_engine(ctx):
    clerk, reviewer = _users(ctx)
    idn, g = _alxa_grant(clerk, reviewer, D(2023, 6, 15))
    first = g.installments[0]
    payments.propose(clerk, [first.id], as_of=D(2023, 6, 20))
    payments.approve(reviewer, [first.id], as_of=D(2023, 6, 20))
    payments.record_paid(clerk, first.id, D(2023, 6, 25), "V1")
    p = departures.preview(clerk, idn, D(2024, 3, 1))
    assert sorted(c.installment_id for c in p.to_cancel) == [i.id for i in g.installments[1:]]
    assert all("离开" in c.reason for c in p.to_cancel)
    with ctx.read() as session:
        ids = [r.id for r in session.execute(select(Installment).where(Installment.grant_id == g.id)).scalars()]
    assert len(ids) == 3


def test_cli_future_as_of_is_refused(tmp_path, capsys):
    """`pay propose --as-of <a future date>` (issue: one due 2027-11-11 was recorded paid on
    2026-11-30): refused in Chinese; `pay paid` before the due date too."""
    from talentdesk.cli import main

    db = ["--db", str(tmp_path / "cli.sqlite3")]
    today = dt.date.today()
    approved = today - dt.timedelta(days=10)
    row = talent_row(**{"引进日期": (approved - dt.timedelta(days=40)).isoformat(),
                        "合同起始日期": (approved - dt.timedelta(days=40)).isoformat()})
    assert main([*db, "talent", "add", *[f"{k}={v}" for k, v in row.items()]]) == 0
    capsys.readouterr()
    assert main([*db, "grant", "propose", row["身份证号"], "settlement_allowance", "--approved-on",
                 approved.isoformat(), "--doc-no", "阿左人才字〔2023〕12号", "--json"]) == 0
    import json

    g = json.loads(capsys.readouterr().out)
    assert main([*db, "grant", "approve", str(g["id"])]) == 0
    second = g["installments"][1]
    capsys.readouterr()
    future = dt.date.fromisoformat(second["due_date"]) + dt.timedelta(days=19)
    assert main([*db, "pay", "propose", str(second["id"]), "--as-of", future.isoformat()]) == 1
    assert "晚于本月" in capsys.readouterr().err
    assert main([*db, "pay", "propose", str(second["id"])]) == 3
    assert "尚未到期" in capsys.readouterr().out
