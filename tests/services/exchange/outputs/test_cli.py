"""``talentdesk export ledger`` and ``talentdesk print …`` in-process."""

from __future__ import annotations

import json

import openpyxl
from pypdf import PdfReader

from talentdesk.cli import main
from talentdesk.models.db import open_database
from talentdesk.models.entities import Talent
from talentdesk.services.context import ServiceContext

from .seed import scenario


def _seeded(tmp_path):
    path = tmp_path / "cli.sqlite3"
    db = open_database(path)
    ctx = ServiceContext(db, user="tester")
    ids = scenario(ctx)
    with ctx.read() as s:
        numbers = {k: s.get(Talent, v).id_number for k, v in ids.items() if k in ("zhang", "li", "wang", "evil")}
    db.dispose()
    return str(path), numbers


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_export_ledgers(tmp_path, capsys):
    db, ids = _seeded(tmp_path)
    for kind, extra in (("talents", []), ("disbursement", ["--year", "2024"]), ("recovery", []),
                        ("review", ["--year", "2024"])):
        out = tmp_path / f"{kind}.xlsx"
        code, stdout, err = run(capsys, "--db", db, "export", "ledger", "--kind", kind, *extra, str(out), "--json")
        assert code == 0, err
        data = json.loads(stdout)
        assert data["path"] == str(out) and data["rows"] >= 1 and data["masked"] is True
        assert openpyxl.load_workbook(out).active["A3"].value == "序号"
    out = tmp_path / "masked.xlsx"
    code, stdout, _ = run(capsys, "--db", db, "export", "ledger", "--kind", "talents", "--mask", str(out))
    assert code == 0 and "已导出人才信息台账" in stdout and "脱敏" in stdout
    cells = [c.value for row in openpyxl.load_workbook(out).active.iter_rows() for c in row]
    assert ids["zhang"] not in cells
    code, _, err = run(capsys, "--db", db, "export", "ledger", "--kind", "disbursement", str(out), "--force")
    assert code == 1 and "年度" in err


def test_print_forms(tmp_path, capsys):
    db, ids = _seeded(tmp_path)
    cases = [
        ("approval", ["--talent", ids["zhang"], "--benefit", "settlement_allowance"], "贰拾万元整"),
        ("batch", ["--month", "2024-06"], "柒万捌仟元零壹分"),
        ("review", ["--year", "2024"], "考核情况汇总报告"),
        ("review", ["--year", "2024", "--talent", ids["li"]], "李娜"),
        ("recovery", ["--talent", ids["zhang"]], "追回人才补贴通知书"),
    ]
    for i, (kind, extra, needle) in enumerate(cases):
        out = tmp_path / f"{i}.pdf"
        code, stdout, err = run(capsys, "--db", db, "print", kind, *extra, str(out))
        assert code == 0, err
        assert "已生成" in stdout
        text = "".join(p.extract_text() for p in PdfReader(str(out)).pages).replace(" ", "").replace("\n", "")
        assert needle in text, kind
    code, _, err = run(capsys, "--db", db, "print", "recovery", "--talent", ids["li"], str(tmp_path / "x.pdf"))
    assert code == 1 and "没有离职记录" in err
    code, stdout, _ = run(capsys, "--db", db, "print", "batch", "--month", "2024-06", "--mask", "--json",
                          str(tmp_path / "m.pdf"))
    assert code == 0 and json.loads(stdout)["masked"] is True and json.loads(stdout)["pages"] == 1


def test_print_review_summary_only(tmp_path, capsys):
    db, ids = _seeded(tmp_path)
    out = tmp_path / "summary.pdf"
    code, stdout, err = run(capsys, "--db", db, "print", "review", "--year", "2024", "--summary-only", str(out), "--json")
    assert code == 0, err
    data = json.loads(stdout)
    reader = PdfReader(str(out))
    assert data["rows"] == 1 and data["pages"] == len(reader.pages) == 1
    text = reader.pages[0].extract_text().replace(" ", "").replace("\n", "")
    assert "考核情况汇总报告" in text and "已考核4人" in text and "考核登记表" not in text
    code, _, err = run(capsys, "--db", db, "print", "review", "--year", "2024", "--summary-only", "--talent", ids["li"],
                       str(tmp_path / "x.pdf"))
    assert code == 1 and "汇总报告" in err
