"""``talentdesk grant|pay|review|depart|settings`` end to end, in process, single-user mode."""

from __future__ import annotations

import json

from factories import talent_row
from talentdesk.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_path(tmp_path, capsys):
    db = ["--db", str(tmp_path / "cli.sqlite3")]
    row = talent_row(**{"协议签订日期": "2023-05-01"})
    idn = row["身份证号"]
    code, _, err = run(capsys, *db, "talent", "add", *[f"{k}={v}" for k, v in row.items()])
    assert code == 0, err

    code, out, _ = run(capsys, *db, "settings", "set", "单位名称=阿拉善左旗人才工作领导小组办公室",
                       "extra_holidays=2026-01-01,2026-01-02", "--json")
    assert code == 0 and json.loads(out)["office_name"] == "阿拉善左旗人才工作领导小组办公室"
    code, out, _ = run(capsys, *db, "settings", "show")
    assert "补充节假日（extra_holidays）：2026-01-01、2026-01-02" in out
    code, _, err = run(capsys, *db, "settings", "set", "颜色=红")
    assert code == 1 and "没有名为“颜色”的设置项" in err

    code, out, _ = run(capsys, *db, "grant", "evaluate", idn, "--approved-on", "2023-06-01", "--json")
    ev = json.loads(out)
    assert code == 0 and ev["benefits"][0]["total_fen"] == 20_000_000
    code, out, _ = run(capsys, *db, "grant", "evaluate", idn, "--approved-on", "2023-06-01")
    assert "【安家补贴】符合" in out
    code, out, _ = run(capsys, *db, "grant", "propose", idn, "settlement_allowance", "--approved-on", "2023-06-01",
                       "--doc-no", "阿左人才字〔2023〕5号", "--json")
    g = json.loads(out)
    assert code == 0 and g["status"] == "proposed" and len(g["installments"]) == 3
    code, out, _ = run(capsys, *db, "grant", "approve", str(g["id"]), "--json")
    assert code == 0 and json.loads(out)["status"] == "approved"
    ids = [str(i["id"]) for i in g["installments"]]

    code, out, _ = run(capsys, *db, "pay", "list", "--month", "2023-06", "--json")
    listed = json.loads(out)
    assert listed["total"] == 1 and listed["amount_fen"] == 8_000_000
    assert listed["installments"][0]["身份证号"].count("*") == 8
    code, out, _ = run(capsys, *db, "pay", "propose", ids[0], ids[1], "--as-of", "2024-07-01", "--json")
    res = json.loads(out)
    assert code == 3 and res["done"] == [int(ids[0])] and "2023年度考核" in res["refused"][0]["message"]
    code, out, _ = run(capsys, *db, "pay", "approve", ids[0])
    assert code == 0 and "已审核" in out
    code, out, _ = run(capsys, *db, "pay", "paid", ids[0], "--date", "2023-06-05", "--voucher", "V1", "--json")
    assert code == 0 and json.loads(out)["status"] == "paid"

    code, out, _ = run(capsys, *db, "review", "record", idn, "2023", "不合格")
    assert code == 1 and "--yes" in out and "第三十六条" in out
    code, out, _ = run(capsys, *db, "review", "record", idn, "2023", "不合格", "--yes", "--json")
    assert code == 0 and len(json.loads(out)["applied"]) == 2
    code, out, _ = run(capsys, *db, "review", "list", "2023", "--json")
    assert json.loads(out)["counts"]["不合格"] == 1

    code, out, _ = run(capsys, *db, "depart", "preview", idn, "2024-03-01", "--json")
    p = json.loads(out)
    assert p["received_fen"] == 8_000_000 and p["refund_due_fen"] == 8_000_000
    code, out, _ = run(capsys, *db, "depart", "record", idn, "2024-03-01", "--reason", "调离")
    assert code == 1 and "--yes" in out
    code, out, _ = run(capsys, *db, "depart", "record", idn, "2024-03-01", "--reason", "调离", "--yes", "--json")
    dep = json.loads(out)
    assert code == 0 and dep["outstanding_fen"] == 8_000_000
    code, out, _ = run(capsys, *db, "depart", "recover", str(dep["id"]), "30000", "--date", "2024-04-01",
                       "--voucher", "R1", "--json")
    assert code == 0 and json.loads(out)["outstanding_fen"] == 5_000_000
    code, out, _ = run(capsys, *db, "depart", "list", "--outstanding", "--json")
    assert json.loads(out)["outstanding_fen"] == 5_000_000

    code, out, _ = run(capsys, *db, "pay", "reverse", ids[0], "--reason", "账号错误", "--json")
    rev = json.loads(out)
    assert code == 0 and rev["amount_fen"] == -8_000_000 and rev["reverses_id"] == int(ids[0])
    code, out, _ = run(capsys, *db, "grant", "list", idn, "--json")
    assert json.loads(out)["grants"][0]["paid_fen"] == 0
    code, out, _ = run(capsys, *db, "audit", "verify", "--json")
    assert json.loads(out)["ok"] is True


def test_cli_errors_are_chinese(tmp_path, capsys):
    db = ["--db", str(tmp_path / "cli.sqlite3")]
    code, out, err = run(capsys, *db, "grant", "approve", "99", "--json")
    assert code == 1 and "找不到编号为99的待遇申请" in err and json.loads(out)["error"]
    code, _, err = run(capsys, *db, "grant", "evaluate", "110101199001011234", "--approved-on", "2023-13-01")
    assert code == 1 and "批准日期" in err


def test_cli_rows_from_json(tmp_path, capsys):
    """``review record --from-json`` and ``pay confirm --from-json``: each row's outcome, the
    count, exit 3 when a row failed; a file that is not an array of objects is refused."""
    db = ["--db", str(tmp_path / "cli.sqlite3")]
    row = talent_row()
    idn = row["身份证号"]
    assert run(capsys, *db, "talent", "add", *[f"{k}={v}" for k, v in row.items()])[0] == 0
    (tmp_path / "r.json").write_text(json.dumps([
        {"身份证号": idn, "年度": 2023, "考核结果": "合格"},
        {"身份证号": "110105194912310021", "年度": 2023, "考核结果": "合格"}], ensure_ascii=False), encoding="utf-8")
    code, out, _ = run(capsys, *db, "review", "record", "--from-json", str(tmp_path / "r.json"), "--partial")
    assert code == 3
    assert out.splitlines() == [f"第1行：✓ {row['姓名']}2023年度考核“合格”已登记",
                                "第2行：✗ 身份证号：找不到身份证号为110105194912310021的人才", "已登记 1 行，错误 1 行"]
    (tmp_path / "p.json").write_text(json.dumps([{"身份证号": idn, "待遇项目": "安家费", "金额": 100,
                                                  "发放日期": "2023-06-05", "凭证号": "V1"}], ensure_ascii=False),
                                     encoding="utf-8")
    code, out, _ = run(capsys, *db, "pay", "confirm", "--from-json", str(tmp_path / "p.json"), "--json")
    res = json.loads(out)
    assert code == 3 and res["committed"] is False and res["confirmed"] == 0 and not res["rows"][0]["ok"]
    (tmp_path / "bad.json").write_text('{"身份证号": "1"}', encoding="utf-8")
    code, _, err = run(capsys, *db, "pay", "confirm", "--from-json", str(tmp_path / "bad.json"))
    assert code == 1 and "JSON 文件应为对象数组，每个对象含 身份证号、待遇项目、期次或应发日期、金额（分）、发放日期、凭证号" in err
