"""``talentdesk credit add|lift|list`` end to end, in process, single-user mode; the listed
talent's proposal is refused through ``grant propose`` naming the entry."""

from __future__ import annotations

import json

from factories import talent_row
from talentdesk.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_credit(tmp_path, capsys):
    db = ["--db", str(tmp_path / "cli.sqlite3")]
    row = talent_row()
    idn = row["身份证号"]
    code, _, err = run(capsys, *db, "talent", "add", *[f"{k}={v}" for k, v in row.items()])
    assert code == 0, err

    code, out, err = run(capsys, *db, "credit", "add", "--talent", idn, "--from", "2023-05-15", "--to", "2023-12-31",
                         "--basis", "提供虚假学历材料", "--doc-no", "阿信用字〔2023〕7号", "--json")
    assert code == 0, err
    entry = json.loads(out)
    assert entry["kind"] == "talent" and entry["end_date"] == "2023-12-31" and entry["doc_no"] == "阿信用字〔2023〕7号"
    code, out, err = run(capsys, *db, "credit", "add", "--employer", row["用人单位"], "--from", "2020-01-01",
                         "--basis", "拖欠工资", "--doc-no", "阿信用字〔2020〕1号")
    assert code == 0, err
    assert "已列入失信名单" in out and "用人单位阿拉善盟农牧科学研究所" in out and "2020-01-01至今" in out

    code, _, err = run(capsys, *db, "grant", "propose", idn, "settlement_allowance", "--approved-on", "2023-06-01",
                       "--doc-no", "阿左人才字〔2023〕5号")
    assert code == 1 and "列入失信名单（文号阿信用字〔2023〕7号" in err and "第六十六条" in err

    code, out, _ = run(capsys, *db, "credit", "list")
    assert code == 0 and "共 1 条（现行）" in out and "阿信用字〔2020〕1号" in out and "阿信用字〔2023〕7号" not in out
    code, out, _ = run(capsys, *db, "credit", "list", "--all", "--json")
    assert [e["doc_no"] for e in json.loads(out)["entries"]] == ["阿信用字〔2020〕1号", "阿信用字〔2023〕7号"]

    employer_entry = json.loads(out)["entries"][0]["id"]
    code, out, err = run(capsys, *db, "credit", "lift", str(employer_entry), "--reason", "已整改", "--on", "2024-01-02")
    assert code == 0, err
    assert "已解除" in out and "2024-01-02由" in out and "已整改" in out
    code, out, _ = run(capsys, *db, "credit", "list")
    assert "共 0 条" in out
    code, out, _ = run(capsys, *db, "credit", "list", "--all")
    assert "已解除" in out and "已期满" in out

    code, _, err = run(capsys, *db, "credit", "lift", str(employer_entry), "--reason", "再次")
    assert code == 1 and "已于2024-01-02" in err
    code, _, err = run(capsys, *db, "credit", "add", "--talent", idn, "--from", "2023-13-01", "--basis", "x",
                       "--doc-no", "y")
    assert code == 1 and "开始日期" in err
    code, _, err = run(capsys, *db, "credit", "add", "--from", "2023-01-01", "--basis", "x", "--doc-no", "y")
    assert code == 2  # argparse: --talent or --employer is required
