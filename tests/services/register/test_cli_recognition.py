"""``talentdesk recognition propose|confirm|revoke|list`` end to end, in process,
single-user mode; ``grant evaluate`` sees the class only once confirmed."""

from __future__ import annotations

import json

from factories import talent_row
from talentdesk.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_recognition(tmp_path, capsys):
    db = ["--db", str(tmp_path / "cli.sqlite3")]
    row = talent_row(**{"人才类别": "C"})
    idn = row["身份证号"]
    code, _, err = run(capsys, *db, "talent", "add", *[f"{k}={v}" for k, v in row.items()])
    assert code == 0, err

    code, out, err = run(capsys, *db, "recognition", "propose", idn, "--scheme", "阿拉善盟人才分类", "--tier", "C",
                         "--doc-no", "阿人才办字〔2023〕5号", "--on", "2023-05-01", "--json")
    assert code == 0, err
    rec = json.loads(out)
    assert rec["status"] == "pending" and rec["tier_label"] == "C类（精英人才）"
    code, _, err = run(capsys, *db, "recognition", "propose", idn, "--scheme", "阿拉善盟人才分类", "--tier", "Z",
                       "--doc-no", "阿人才办字〔2023〕6号", "--on", "2023-05-01")
    assert code != 0 and "A、B、C、D、E" in err

    evaluate = ("grant", "evaluate", idn, "--approved-on", "2023-06-01", "--json")
    code, out, _ = run(capsys, *db, *evaluate)
    allowance = next(b for b in json.loads(out)["benefits"] if b["code"] == "settlement_allowance")
    assert allowance["status"] == "undetermined" and "尚未经审核确认" in json.dumps(allowance, ensure_ascii=False)
    code, out, _ = run(capsys, *db, "recognition", "list", "--status", "待确认")
    assert code == 0 and "共 1 条" in out and "阿人才办字〔2023〕5号" in out
    code, out, err = run(capsys, *db, "recognition", "confirm", str(rec["id"]), "--on", "2023-05-10")
    assert code == 0, err
    assert "已确认" in out and "2023-05-10由" in out
    code, out, _ = run(capsys, *db, *evaluate)
    allowance = next(b for b in json.loads(out)["benefits"] if b["code"] == "settlement_allowance")
    assert allowance["status"] == "eligible" and allowance["tier"] == "经评价认定的高层次人才"
    code, out, _ = run(capsys, *db, "recognition", "list", "--status", "有效", "--json")
    assert [r["id"] for r in json.loads(out)["recognitions"]] == [rec["id"]]

    code, out, err = run(capsys, *db, "recognition", "revoke", str(rec["id"]), "--reason", "年度考核不合格",
                         "--on", "2024-03-01")
    assert code == 0 and "已撤销" in out and "年度考核不合格" in out, err
    code, out, _ = run(capsys, *db, "recognition", "list", "--talent", idn, "--json")
    assert json.loads(out)["recognitions"][0]["status"] == "revoked"
