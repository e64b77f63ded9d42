"""An 审批文号 / 一事一议 决定文号 must carry its sequence number (…〔2025〕12号): the
pre-filled "阿左人才字〔2025〕号" or "x" names no document. Blank stays allowed for the
审批文号."""

from __future__ import annotations

import datetime as dt

import pytest

from factories import talent_row
from talentdesk.domain import docno
from talentdesk.domain.errors import ValidationError
from talentdesk.services.benefits import agreements, decisions, grants
from talentdesk.services.register import talents

D = dt.date


def _phd(ctx):
    row = talent_row()
    talents.add(ctx, row)
    agreements.add(ctx, row["身份证号"], kind="服务期协议", start_date=D(2023, 5, 1), term_years=5,
                   signed_date=D(2023, 5, 1), required_service_years=5)
    return row["身份证号"]


@pytest.mark.parametrize("text", ["阿左人才字〔2025〕12号", "阿左人才字[2025]12号", "阿左人才字（2025）第3号",
                                  "阿左人才字〔2025〕１２号", "阿左人才字〔2025〕120-1号"])
def test_numbers_with_a_sequence_pass(text):
    assert docno.check(f" {text} ", field="f", label="审批文号", example="e") == text.replace("１２", "12")


@pytest.mark.parametrize("text", ["阿左人才字〔2025〕号", "x", "文1", "阿左人才字〔2025〕0号", "〔2025〕"])
def test_numbers_without_a_sequence_are_refused(text):
    with pytest.raises(ValidationError) as exc:
        docno.check(text, field="f", label="审批文号", example="阿左人才字〔2025〕12号")
    assert f"审批文号“{text}”缺少序号，应如 " in exc.value.message


def test_the_example_keeps_the_clerks_own_code_and_year():
    with pytest.raises(ValidationError) as exc:
        docno.check("阿右人才字〔2024〕号", field="f", label="审批文号", example="阿左人才字〔2025〕12号")
    assert exc.value.message == "审批文号“阿右人才字〔2024〕号”缺少序号，应如 阿右人才字〔2024〕12号"
    assert exc.value.errors[0].field == "f"


def test_propose_refuses_a_doc_no_without_its_number(ctx):
    idn = _phd(ctx)
    for bad in ("阿左人才字〔2025〕号", "x"):
        with pytest.raises(ValidationError) as exc:
            grants.propose(ctx, idn, "settlement_allowance", approved_on=D(2023, 6, 1), approval_doc_no=bad)
        assert f"审批文号“{bad}”缺少序号，应如 " in exc.value.message
        assert exc.value.errors[0].field == "approval_doc_no"
    assert grants.list_grants(ctx, idn) == []
    # blank stays allowed; a real number is stored cleaned
    g = grants.propose(ctx, idn, "settlement_allowance", approved_on=D(2023, 6, 1), approval_doc_no="  ")
    assert g.approval_doc_no is None
    grants.cancel(ctx, grants.approve(ctx, g.id).id, "重新申请")
    g = grants.propose(ctx, idn, "settlement_allowance", approved_on=D(2023, 6, 1),
                       approval_doc_no=" 阿左人才字〔2023〕5号 ")
    assert g.approval_doc_no == "阿左人才字〔2023〕5号"


def test_decision_number_needs_its_sequence_number(ctx):
    idn = _phd(ctx)
    with pytest.raises(ValidationError) as exc:
        decisions.record(ctx, idn, number="阿左人才议〔2023〕号", decided_on=D(2023, 5, 20), override="age_limit")
    assert "决定文号“阿左人才议〔2023〕号”缺少序号，应如 阿左人才议〔2023〕12号" in exc.value.message
    with pytest.raises(ValidationError, match="决定文号“会议研究”缺少序号，应如 阿左人才领字〔2025〕3号"):
        decisions.record(ctx, idn, number="会议研究", decided_on=D(2023, 5, 20), override="age_limit")
    assert decisions.list_decisions(ctx, idn) == []
    d = decisions.record(ctx, idn, number="阿左人才议〔2023〕2号", decided_on=D(2023, 5, 20), override="age_limit")
    assert d.number == "阿左人才议〔2023〕2号"


def test_cli_refuses_a_doc_no_without_its_number(tmp_path, capsys):
    from talentdesk.cli import main

    db = ["--db", str(tmp_path / "cli.sqlite3")]
    row = talent_row(**{"协议签订日期": "2023-05-01"})
    assert main([*db, "talent", "add", *[f"{k}={v}" for k, v in row.items()]]) == 0
    capsys.readouterr()
    code = main([*db, "grant", "propose", row["身份证号"], "settlement_allowance", "--approved-on", "2023-06-01",
                 "--doc-no", "阿左人才字〔2023〕号"])
    err = capsys.readouterr().err
    assert code == 1 and "审批文号“阿左人才字〔2023〕号”缺少序号，应如 阿左人才字〔2023〕12号" in err
    code = main([*db, "grant", "propose", row["身份证号"], "settlement_allowance", "--approved-on", "2023-06-01",
                 "--doc-no", "阿左人才字〔2023〕5号"])
    assert code == 0
