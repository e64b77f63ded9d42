"""Issue 15: ledgers and prints mask ID numbers and phones unless the full numbers are
asked for (``mask=False`` / ``--full``), or, for the approval forms, the office requires
them (setting ``print_full_id``); full numbers are recorded in the audit event."""

from __future__ import annotations

import json
import re

import openpyxl
import pytest
from pypdf import PdfReader

from talentdesk.cli import main
from talentdesk.domain import idcard
from talentdesk.domain.errors import ValidationError
from talentdesk.models.db import open_database
from talentdesk.models.entities import Talent
from talentdesk.services.office import settings
from talentdesk.services.office.audit import log as audit
from talentdesk.services.exchange import reports
from talentdesk.services.context import ServiceContext

from .seed import scenario


def _pdf(path) -> str:
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(str(path)).pages))


def _xlsx(path) -> str:
    ws = openpyxl.load_workbook(path, read_only=True).active
    return " ".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None)


def _number(ctx, talent_id) -> str:
    with ctx.read() as s:
        return s.get(Talent, talent_id).id_number


def _last(ctx, action):
    return json.loads(audit.dumps(next(e for e in audit.list_events(ctx) if e.action == action).after))


def test_ledgers_are_masked_unless_full_numbers_are_asked_for(ctx, tmp_path):
    ids = scenario(ctx)
    number = _number(ctx, ids["zhang"])
    out = tmp_path / "人才台账.xlsx"
    res = reports.export_ledger(ctx, "talents", out)
    text = _xlsx(out)
    assert res.masked and number not in text and idcard.mask(number) in text
    assert _last(ctx, "export")["full_numbers"] is False
    res = reports.export_ledger(ctx, "talents", out, mask=False)
    assert not res.masked and number in _xlsx(out)
    assert _last(ctx, "export")["full_numbers"] is True  # audited


def test_forms_are_masked_and_the_office_may_require_full_numbers_on_approval_forms(ctx, tmp_path):
    ids = scenario(ctx)
    number = _number(ctx, ids["zhang"])
    out = tmp_path / "审批表.pdf"
    assert settings.get_settings(ctx).print_full_id is False  # default off
    reports.print_forms(ctx, "approval", out, talent=number, benefit="settlement_allowance")
    assert number not in _pdf(out) and idcard.mask(number) in _pdf(out)
    reports.print_forms(ctx, "recovery", out, talent=number)
    assert number not in _pdf(out)

    settings.save_settings(ctx, 审批表打印完整身份证号="是")
    assert settings.get_settings(ctx).print_full_id is True
    reports.print_forms(ctx, "approval", out, talent=number, benefit="settlement_allowance")
    assert number in _pdf(out)
    assert _last(ctx, "print")["full_numbers"] is True
    reports.print_forms(ctx, "approval", out, talent=number, benefit="settlement_allowance", mask=True)
    assert number not in _pdf(out)  # a copy that leaves the office
    reports.print_forms(ctx, "recovery", out, talent=number)  # not an approval form: still masked
    assert number not in _pdf(out)

    with pytest.raises(ValidationError, match="是”或“否"):
        settings.save_settings(ctx, print_full_id="也许")


def test_cli_export_and_print_mask_by_default_and_full_on_request(tmp_path, capsys):
    path = tmp_path / "cli.sqlite3"
    db = open_database(path)
    ctx = ServiceContext(db)
    ids = scenario(ctx)
    number = _number(ctx, ids["zhang"])
    db.dispose()
    out = tmp_path / "t.xlsx"
    assert main(["--db", str(path), "export", "ledger", "--kind", "talents", str(out)]) == 0
    assert "已脱敏" in capsys.readouterr().out and number not in _xlsx(out)
    assert main(["--db", str(path), "export", "ledger", "--kind", "talents", "--full", "--force", str(out)]) == 0
    assert "记入审计" in capsys.readouterr().out and number in _xlsx(out)
    pdf = tmp_path / "a.pdf"
    base = ["--db", str(path), "print", "approval", "--talent", number, "--benefit", "settlement_allowance"]
    assert main(base + [str(pdf)]) == 0
    assert number not in _pdf(pdf)
    assert main(base + ["--full", "--force", str(pdf)]) == 0
    assert number in _pdf(pdf)
    assert main(base + ["--full", "--mask", "--force", str(pdf)]) == 1
    capsys.readouterr()


def test_cli_lists_with_full_numbers_are_audited(tmp_path, capsys):
    path = tmp_path / "cli.sqlite3"
    db = open_database(path)
    ctx = ServiceContext(db)
    ids = scenario(ctx)
    number = _number(ctx, ids["zhang"])
    db.dispose()
    assert main(["--db", str(path), "talent", "list"]) == 0
    assert number not in capsys.readouterr().out
    assert main(["--db", str(path), "talent", "list", "--full"]) == 0
    assert number in capsys.readouterr().out
    db = open_database(path)
    try:
        views = [e for e in audit.list_events(ServiceContext(db)) if e.action == "view"]
    finally:
        db.dispose()
    assert len(views) == 1 and views[0].entity == "personal_data" and views[0].entity_id == "talent list"
