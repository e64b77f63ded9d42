"""``talentdesk flat add|list|allocate|vacate|due|confirm|hints`` end to end, in process."""

from __future__ import annotations

import json

from factories import talent_row
from talentdesk.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_flat(tmp_path, capsys):
    db = ["--db", str(tmp_path / "cli.sqlite3")]
    row = talent_row()
    idn = row["身份证号"]
    other = talent_row(姓名="李娜", 入住人才公寓="是")
    for r in (row, other):
        code, _, err = run(capsys, *db, "talent", "add", *[f"{k}={v}" for k, v in r.items()])
        assert code == 0, err
    code, out, err = run(capsys, *db, "flat", "add", "1号楼101", "--area", "90", "--programme", "阿左旗人才公寓", "--json")
    assert code == 0, err
    assert json.loads(out)["area_m2"] == 90
    code, out, err = run(capsys, *db, "flat", "allocate", "1号楼101", idn, "--from", "2023-05-10", "--json")
    assert code == 0, err
    occ = json.loads(out)
    assert occ["limit_until"] == "2026-05-09" and occ["limit_years"] == 3 and "第四十一条" in occ["basis"]
    code, _, err = run(capsys, *db, "flat", "allocate", "1号楼101", other["身份证号"], "--from", "2024-01-01")
    assert code == 1 and "已由张伟自2023-05-10起入住" in err
    code, out, _ = run(capsys, *db, "flat", "list")
    assert code == 0 and "已入住 1 套" in out and "免费至2026-05-09" in out
    code, out, _ = run(capsys, *db, "flat", "due", "--on", "2026-02-08", "--json")
    assert [d["kind"] for d in json.loads(out)["due"]] == ["limit"]
    code, out, _ = run(capsys, *db, "flat", "due", "--on", "2026-02-07")
    assert "共 0 项" in out
    code, out, _ = run(capsys, *db, "flat", "hints", "--json")
    assert [h["name"] for h in json.loads(out)["hints"]] == ["李娜"]
    code, out, err = run(capsys, *db, "flat", "confirm", other["身份证号"], "--note", "已核实")
    assert code == 0, err
    code, out, _ = run(capsys, *db, "flat", "hints")
    assert "共 0 人" in out
    code, out, err = run(capsys, *db, "flat", "vacate", str(occ["id"]), "--on", "2024-06-30", "--reason", "购房")
    assert code == 0 and "已退房" in out and "购房" in out, err
    code, out, _ = run(capsys, *db, "flat", "list", "--occupancies", "--all", "--json")
    assert json.loads(out)["occupancies"][0]["end_date"] == "2024-06-30"
    code, _, err = run(capsys, *db, "flat", "vacate", str(occ["id"]), "--on", "2024-07-01", "--reason", "x")
    assert code == 1 and "已于2024-06-30退出" in err
