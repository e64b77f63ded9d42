"""``talentdesk recovery open|decide|repay|list|notice|ledger`` end to end, in process,
single-user mode (four-eyes applies only with accounts: see test_recoveries)."""

from __future__ import annotations

import json

from talentdesk.cli import main
from talentdesk.models.db import open_database
from talentdesk.services.context import ServiceContext

from services.benefits.test_recoveries import baotou_paid


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_recovery(tmp_path, capsys):
    path = tmp_path / "cli.sqlite3"
    database = open_database(path)
    idn, _ = baotou_paid(ServiceContext(database, user="setup"))
    database.dispose()
    db = ["--db", str(path)]
    code, out, err = run(capsys, *db, "recovery", "open", idn, "--basis", "fraud", "--facts", "伪造学位证书", "--json")
    assert code == 0, err
    case = json.loads(out)
    assert case["suggested_fen"] == 20_000_000 and case["state"] == "open"
    assert [lv["level"] for lv in case["levels"]] == ["city", "local"]
    code, _, err = run(capsys, *db, "recovery", "decide", str(case["id"]), "--amount", "150000.01",
                       "--doc-no", "包人才办〔2024〕号")
    assert code == 1 and "缺少序号" in err
    code, out, err = run(capsys, *db, "recovery", "decide", str(case["id"]), "--amount", "150000.01",
                         "--doc-no", "包人才办〔2024〕3号", "--on", "2024-03-01", "--installments", "3")
    assert code == 0, err
    assert "已核定" in out and "市级75,000.01" in out and "属地（旗县区）75,000.00" in out
    code, out, err = run(capsys, *db, "recovery", "repay", str(case["id"]), "--amount", "50000.01",
                         "--voucher", "R1", "--on", "2024-04-01", "--json")
    assert code == 0, err
    v = json.loads(out)
    assert v["outstanding_fen"] == 10_000_000 and sum(v["repayments"][0]["levels"].values()) == 5_000_001
    code, out, _ = run(capsys, *db, "recovery", "list", "--outstanding")
    assert code == 0 and "共 1 件" in out and "尚需100,000.00" in out
    code, out, err = run(capsys, *db, "recovery", "notice", str(case["id"]), str(tmp_path / "n.pdf"))
    assert code == 0, err
    assert (tmp_path / "n.pdf").read_bytes()[:4] == b"%PDF"
    code, out, err = run(capsys, *db, "recovery", "ledger", str(tmp_path / "l.xlsx"), "--json")
    assert code == 0, err
    assert json.loads(out)["rows"] == 1
    code, _, err = run(capsys, *db, "recovery", "open", idn, "--basis", "guess", "--facts", "x")
    assert code == 2
