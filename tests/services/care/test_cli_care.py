"""``talentdesk case …`` and ``talentdesk visit …`` end to end, in process, single-user mode."""

from __future__ import annotations

import json

from factories import talent_row
from talentdesk.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_case_and_visit(tmp_path, capsys):
    db = ["--db", str(tmp_path / "cli.sqlite3")]
    row = talent_row()
    idn = row["身份证号"]
    code, _, err = run(capsys, *db, "talent", "add", *[f"{k}={v}" for k, v in row.items()])
    assert code == 0, err

    code, out, err = run(capsys, *db, "case", "open", idn, "落户", "本人落户", "--on", "2025-09-26", "--json")
    assert code == 0, err
    case = json.loads(out)
    assert case["due_date"] == "2025-10-16" and case["article"] == "阿拉善盟办法第四十二条"
    code, out, err = run(capsys, *db, "case", "open", idn, "配偶安置", "配偶求职", "--on", "2025-10-09", "--no-limit")
    assert code == 0 and "不限时" in out, err
    code, _, err = run(capsys, *db, "case", "close", str(case["id"]), "--outcome", "办结", "--on", "2025-09-25")
    assert code == 1 and "早于申请日期" in err
    code, out, err = run(capsys, *db, "case", "close", str(case["id"]), "--outcome", "办结", "--on", "2025-10-10",
                         "--result", "已落户")
    assert code == 0 and "用时5个工作日" in out, err
    code, out, _ = run(capsys, *db, "case", "list", "--status", "已办结", "--json")
    assert [c["id"] for c in json.loads(out)["cases"]] == [case["id"]]
    code, out, _ = run(capsys, *db, "case", "stats", "--year", "2025", "--json")
    stats = json.loads(out)
    assert stats["total"]["count"] == 2 and stats["total"]["closed"] == 1 and stats["total"]["avg_days"] == 5.0
    code, out, _ = run(capsys, *db, "case", "stats", "--year", "2025")
    assert code == 0 and "落户\t1\t1\t0\t0\t5.0" in out

    code, out, _ = run(capsys, *db, "visit", "due", "--year", "2025", "--json")
    due = json.loads(out)
    assert due["count"] == 1 and due["talents"][0]["id_number"] == idn and "第三十七条" in due["article"]
    code, out, err = run(capsys, *db, "visit", "add", idn, "--visitors", "人才办 刘科长", "--on", "2025-11-03",
                         "--form", "座谈", "--issues", "子女入学", "--case", "子女入学")
    assert code == 0 and "服务事项#" in out and "（子女入学）" in out, err
    code, out, _ = run(capsys, *db, "visit", "due", "--year", "2025")
    assert "未走访的高层次人才：0 名" in out
    code, out, _ = run(capsys, *db, "visit", "list", "--json")
    assert [v["form"] for v in json.loads(out)["visits"]] == ["座谈"]
    code, _, err = run(capsys, *db, "visit", "add", idn, "--visitors", " ", "--on", "2025-11-03")
    assert code == 1 and "走访人员" in err


def test_yearly_statistics_workbook(tmp_path, ctx):
    import datetime as dt

    import openpyxl

    from talentdesk.services.care import care_report, cases
    from talentdesk.services.register import talents

    row = talent_row()
    talents.add(ctx, row)
    c = cases.open_case(ctx, row["身份证号"], "落户", dt.date(2025, 3, 3), "落户")
    cases.close(ctx, c.id, "办结", dt.date(2025, 3, 7))
    cases.open_case(ctx, row["身份证号"], "就医", dt.date(2025, 6, 2), "就医")
    path = tmp_path / "统计.xlsx"
    assert care_report.write_year(ctx, 2025, path) == len(cases.KINDS)  # data rows; the 合计 row besides
    ws = openpyxl.load_workbook(path).active
    cells = [[c.value for c in r] for r in ws.iter_rows()]
    flat = [v for r in cells for v in r if v is not None]
    assert any("人才服务事项统计表" in str(v) for v in flat)
    land = next(r for r in cells if r and r[0] == "落户")
    assert land[1:6] == [1, 1, 0, 0, "4.0"] and "阿拉善盟办法第四十二条" in land[6]
    total = next(r for r in cells if r and r[0] == "合计")
    assert total[1:5] == [2, 1, 1, 1]
