"""``talentdesk budget set|list|forecast|export`` end to end, in process, single-user mode."""

from __future__ import annotations

import json

import openpyxl

from factories import talent_row
from talentdesk.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_budget(tmp_path, capsys):
    db = ["--db", str(tmp_path / "cli.sqlite3")]
    row = talent_row()
    assert run(capsys, *db, "talent", "add", *[f"{k}={v}" for k, v in row.items()])[0] == 0
    code, out, err = run(capsys, *db, "budget", "set", "2024", "league", "50,000", "--doc-no", "阿财预〔2024〕3号",
                         "--json")
    assert code == 0, err
    line = json.loads(out)
    assert line["amount_fen"] == 5_000_000 and line["level_label"] == "盟级" and line["source"] == "人才开发资金"
    code, out, err = run(capsys, *db, "budget", "set", "2024", "league", "60000")
    assert code == 0 and "调整1次" in out and "60,000.00元" in out
    code, _, err = run(capsys, *db, "budget", "set", "2024", "league", "abc")
    assert code != 0 and "预算金额" in err
    code, out, err = run(capsys, *db, "grant", "propose", row["身份证号"], "settlement_allowance",
                         "--approved-on", "2024-03-01", "--doc-no", "阿左人才字〔2024〕5号", "--json")
    assert code == 0, err
    gid = json.loads(out)["id"]
    code, out, err = run(capsys, *db, "grant", "approve", str(gid))
    assert code == 0, err
    assert "注意：超出2024年盟级预算20,000.00元" in out
    code, out, err = run(capsys, *db, "budget", "forecast", "--year", "2024", "--years", "2", "--no-estimate", "--json")
    assert code == 0, err
    fc = json.loads(out)
    cell = next(c for c in fc["cells"] if c["year"] == 2024 and c["level"] == "league")
    assert cell["approved_fen"] == 8_000_000 and cell["appropriation_fen"] == 6_000_000 and cell["over_committed"]
    cell25 = next(c for c in fc["cells"] if c["year"] == 2025 and c["level"] == "league")
    assert cell25["budgeted"] is False and cell25["approved_fen"] == 6_000_000
    code, out, _ = run(capsys, *db, "budget", "forecast", "--year", "2024", "--years", "2", "--no-estimate")
    assert code == 0 and "未编制预算" in out and "超支" in out
    code, out, _ = run(capsys, *db, "budget", "list")
    assert code == 0 and "共 1 条预算" in out
    xlsx = tmp_path / "测算.xlsx"
    code, out, err = run(capsys, *db, "budget", "export", str(xlsx), "--year", "2024", "--years", "2")
    assert code == 0, err
    assert "已导出资金测算表" in out
    assert openpyxl.load_workbook(xlsx).sheetnames[:2] == ["2024年", "2025年"]
