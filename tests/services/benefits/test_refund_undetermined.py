"""A departure whose refund the engine cannot fix (阿拉善 第十九条: no statutory period, no
agreement, no contract term) is 待定 everywhere a clerk reads it, never a silent 0: the
preview, the stored departure and its list, the 追回台账, the CLI; no 追回通知书 and no
recovery until the facts arrive; once they do, the recomputed refund is firm."""

from __future__ import annotations

import datetime as dt

import pytest

from factories import talent_row
from talentdesk.domain.errors import ValidationError
from talentdesk.outputs.model import Total
from talentdesk.services.benefits import agreements, departures, grants, payments
from talentdesk.services.context import ServiceContext
from talentdesk.services.exchange import reports
from talentdesk.services.register import talents

D = dt.date


def _paid_talent(ctx):
    clerk = ServiceContext(ctx.db, user="王经办", role="clerk")
    reviewer = ServiceContext(ctx.db, user="李审核", role="reviewer")
    row = talent_row(**{"合同期限（年）": ""})
    talents.add(clerk, row)
    idn = row["身份证号"]
    g = grants.approve(reviewer, grants.propose(clerk, idn, "settlement_allowance", approved_on=D(2023, 6, 1),
                                                approval_doc_no="阿人才〔2023〕1号",
                                                facts={"contract_end_date": D(2028, 4, 30)}).id)
    first = g.installments[0]
    payments.propose(clerk, [first.id], as_of=D(2023, 6, 2))
    payments.approve(reviewer, [first.id])
    payments.record_paid(clerk, first.id, D(2023, 6, 10), "V1")
    return clerk, idn, first.amount_fen


def test_undetermined_refund_is_daiding_in_preview_record_list_and_ledger(ctx):
    clerk, idn, paid = _paid_talent(ctx)
    p = departures.preview(clerk, idn, D(2024, 3, 1))
    assert p.undetermined and p.refund_due_fen == 0
    assert p.refund_text.startswith("待定")
    assert p.as_dict()["refund_undetermined"] is True
    sa = next(b for b in p.benefits if b.benefit_code == "settlement_allowance")
    assert sa.undetermined and sa.received_fen == paid and "待定" in sa.refund_text
    assert p.basis_text.startswith(departures.UNDETERMINED_MARK)

    dep = departures.record(clerk, idn, D(2024, 3, 1), "调离")
    assert dep.undetermined and dep.refund_text.startswith("待定")
    # it stays on the outstanding list: nothing was recovered of an amount still to be fixed
    assert [d.id for d in departures.list_departures(clerk, outstanding_only=True)] == [dep.id]
    led = reports.recovery_ledger(clerk)
    row = next(r for r in led.rows if isinstance(r, tuple) and r[1] == "张伟")
    assert row[6] == paid and row[7] is None and row[9] is None
    assert row[12].startswith(departures.UNDETERMINED_MARK)
    total = next(r for r in led.rows if isinstance(r, Total))
    assert total[1] == "1人（1人待定，未计入）" and total[7] == 0
    with pytest.raises(ValidationError, match="待定"):
        reports.recovery_notice(clerk, idn)
    with pytest.raises(ValidationError, match="待定"):
        departures.record_recovery(clerk, dep.id, 100, D(2024, 4, 1), "R1")


def test_the_refund_becomes_firm_when_the_agreement_is_recorded(ctx):
    clerk, idn, paid = _paid_talent(ctx)
    dep = departures.record(clerk, idn, D(2024, 3, 1), "调离")
    assert dep.undetermined
    agreements.add(clerk, idn, kind="服务期协议", start_date=D(2023, 5, 1), term_years=5, signed_date=D(2023, 5, 1),
                   required_service_years=5)
    departures.recompute(clerk, dep.id)
    dep = departures.get_departure(clerk, dep.id)
    assert not dep.undetermined and 0 < dep.refund_due_fen <= paid
    assert not dep.refund_text.startswith("待定")
    row = next(r for r in reports.recovery_ledger(clerk).rows if isinstance(r, tuple) and r[1] == "张伟")
    assert row[7] == dep.refund_due_fen
    assert reports.recovery_notice(clerk, idn).refund_due_fen == dep.refund_due_fen


def test_cli_preview_says_daiding(ctx, capsys):
    from talentdesk.cli import main

    clerk, idn, _ = _paid_talent(ctx)
    url = str(ctx.db.engine.url.render_as_string(hide_password=False))
    assert main(["--db", url, "depart", "preview", idn, "2024-03-01"]) == 0
    out = capsys.readouterr().out
    assert "应退回：待定" in out and "应退回0.00元" not in out


def test_office_decides_the_refund_the_text_leaves_to_it(ctx):
    """包头 六（三）“根据具体情况”: the refund is 待定 with the engine's suggestion until the
    office records its decision (一事一议, 核定退回金额); then it is the decided amount."""
    from factories import credit_code
    from talentdesk.services.benefits import decisions
    from talentdesk.services.register import employers

    clerk = ServiceContext(ctx.db, user="王经办", role="clerk")
    reviewer = ServiceContext(ctx.db, user="李审核", role="reviewer")
    employers.add(clerk, "包头某新材料有限公司", credit_code(41), "民营企业", "稀土高新区", industry="C",
                  key_industry=True, above_scale=True, rare_earth=False)
    row = talent_row(用人单位="包头某新材料有限公司", 统一社会信用代码=credit_code(41), 单位性质="民营企业",
                     单位所属行业="制造业", 引进日期="2022-06-01", 合同起始日期="2022-06-01", 协议签订日期="2022-09-28")
    talents.add(clerk, row)
    idn = row["身份证号"]
    grants.ensure_policy(clerk, idn, "baotou-2022")
    g = grants.approve(reviewer, grants.propose(clerk, idn, "introduction_subsidy", approved_on=D(2022, 9, 28),
                                                approval_doc_no="包人才〔2022〕5号",
                                                facts={"recruited_from_outside_city": True}).id)
    [only] = g.installments
    payments.propose(clerk, [only.id], as_of=D(2022, 10, 17))
    payments.approve(reviewer, [only.id])
    payments.record_paid(clerk, only.id, D(2022, 10, 17), "包V1")
    p = departures.preview(clerk, idn, D(2023, 5, 1))
    assert p.undetermined and p.suggested_fen and 0 < p.suggested_fen <= only.amount_fen
    assert "参考" in p.refund_text
    dep = departures.record(clerk, idn, D(2023, 5, 1), "调离")
    assert dep.undetermined
    decisions.record(clerk, idn, number="包人才办〔2023〕9号", decided_on=D(2023, 5, 20), override="refund",
                     benefit_code="introduction_subsidy", amount_fen=15_000_000, description="根据具体情况，追回15万元")
    departures.recompute(clerk, dep.id)
    dep = departures.get_departure(clerk, dep.id)
    assert not dep.undetermined and dep.refund_due_fen == 15_000_000
