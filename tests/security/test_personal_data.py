"""Personal data (个人信息保护法): lists mask ID and phone numbers, exports offer masking,
hostile cell text never becomes a formula in a ledger, every export is audited, and the
database lives in the user's own profile unless configured."""

from __future__ import annotations

import zipfile

import pytest

from factories import talent_row
from talentdesk.services.office.audit import log as audit
from talentdesk.services.register import talents
from talentdesk.services.context import ServiceContext

HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"点我\")", "+1+1", "-2+3", "@SUM(A1:A9)",
           "=cmd|' /C calc'!A0"]


def test_cli_list_masks_id_and_phone(tmp_path, capsys):
    import json

    from talentdesk.cli import main

    dbfile = str(tmp_path / "cli.sqlite3")
    row = talent_row(姓名="遮盖", 手机号码="13912345678")
    assert main(["--db", dbfile, "talent", "add", *[f"{k}={v}" for k, v in row.items() if v]]) == 0
    capsys.readouterr()
    main(["--db", dbfile, "talent", "list", "--json"])
    listed = capsys.readouterr().out
    assert row["身份证号"] not in listed and "13912345678" not in listed
    assert row["身份证号"][:6] + "********" in json.loads(listed)["talents"][0]["身份证号"]


def test_list_rows_offer_masked_values(ctx):
    from talentdesk.services.register import talent_query

    row = talent_row(姓名="列表", 手机号码="13912345678")
    talents.add(ctx, row)
    ids = talent_query.ordered_ids(ctx)
    line = talent_query.rows_by_id(ctx, ids)[ids[0]]
    assert line.id_masked == row["身份证号"][:6] + "********" + row["身份证号"][-4:]
    assert line.phone_masked == "139****5678"


@pytest.fixture
def hostile_office(ctx):
    for i, text in enumerate(HOSTILE):
        talents.add(ctx, talent_row(姓名=f"恶意{i}", 备注=text, 用人单位=text if i == 0 else "某单位"))
    return ctx


@pytest.mark.parametrize("mask", [False, True])
def test_ledger_export_never_writes_formulas_masks_and_is_audited(hostile_office, tmp_path, mask):
    from openpyxl import load_workbook

    from talentdesk.services.exchange import reports

    out = tmp_path / f"台账-{mask}.xlsx"
    result = reports.export_ledger(hostile_office, "talents", str(out), mask=mask)
    assert result.rows == len(HOSTILE)
    with zipfile.ZipFile(out) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets and not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in sheets)
    wb = load_workbook(out)
    cells = [c for ws in wb.worksheets for r in ws.iter_rows() for c in r]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    values = {str(c.value) for c in cells}
    assert all(text in values for text in HOSTILE[1:])  # kept as typed, as text
    text = " ".join(values)
    assert ("13800138000" not in text) == mask  # the factories' phone number
    assert ("138****8000" in text) == mask
    last = audit.list_events(hostile_office, limit=1)[0]
    assert last.action == "export" and last.after.get("masked", last.after.get("mask")) == mask


def test_database_lives_in_the_users_profile(monkeypatch, tmp_path):
    from talentdesk import paths

    monkeypatch.delenv("TALENTDESK_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home" / ".local" / "share"))
    path = paths.default_db_path()
    assert str(path).startswith(str(tmp_path / "home"))  # under the user's own profile
    assert path.name == "talentdesk.sqlite3"


def test_printing_a_form_is_audited(ctx, tmp_path):
    import datetime as dt

    from talentdesk.services.benefits import agreements, grants
    from talentdesk.services.exchange import reports

    D = dt.date
    clerk = ServiceContext(ctx.db, user="王经办", role="clerk")
    reviewer = ServiceContext(ctx.db, user="李审核", role="reviewer")
    row = talent_row(姓名="打印")
    t = talents.add(clerk, row)
    agreements.add(clerk, row["身份证号"], kind="服务期协议", start_date=D(2023, 5, 1), term_years=5,
                   signed_date=D(2023, 5, 1), required_service_years=5)
    g = grants.propose(clerk, row["身份证号"], "settlement_allowance", approved_on=D(2023, 6, 1),
                       approval_doc_no="阿左人才字〔2023〕5号")
    grants.approve(reviewer, g.id)
    out = tmp_path / "审批表.pdf"
    reports.print_forms(clerk, "approval", str(out), talent=row["身份证号"], benefit="settlement_allowance",
                        mask=True)
    last = audit.list_events(clerk, limit=1)[0]
    assert last.action == "print" and last.user == "王经办" and last.talent_id == t.id
    assert out.exists()
