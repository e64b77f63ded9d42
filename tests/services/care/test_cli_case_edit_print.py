"""``talentdesk case edit|reopen`` and ``talentdesk print recognition|case|visit|housing``
end to end, in process; the printed forms read back with pdftotext."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from factories import talent_row
from talentdesk.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _text(pdf) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_cli_case_edit_and_reopen(tmp_path, capsys):
    db = ["--db", str(tmp_path / "cli.sqlite3")]
    row = talent_row()
    idn = row["身份证号"]
    assert run(capsys, *db, "talent", "add", *[f"{k}={v}" for k, v in row.items()])[0] == 0
    code, out, err = run(capsys, *db, "case", "open", idn, "落户", "本人落户", "--on", "2025-09-26", "--json")
    case = json.loads(out)
    code, out, err = run(capsys, *db, "case", "edit", str(case["id"]), "--limit", "3", "--handler", "刘警官",
                         "--json")
    assert code == 0, err
    edited = json.loads(out)
    assert (edited["limit_days"], edited["due_date"], edited["handled_by"]) == (3, "2025-09-30", "刘警官")
    code, _, err = run(capsys, *db, "case", "edit", str(case["id"]))
    assert code == 1 and "请指定要修改的内容" in err
    code, _, err = run(capsys, *db, "case", "edit", str(case["id"]), "--limit", "0")
    assert code == 1 and "办理时限" in err
    code, _, err = run(capsys, *db, "case", "reopen", str(case["id"]), "--reason", "再办")
    assert code == 1 and "尚未办结" in err
    assert run(capsys, *db, "case", "close", str(case["id"]), "--outcome", "办结", "--on", "2025-10-10")[0] == 0
    code, out, err = run(capsys, *db, "case", "reopen", str(case["id"]), "--reason", "子女户口未随迁", "--json")
    assert code == 0, err
    again = json.loads(out)
    assert again["closed_on"] is None and again["outcome"] is None and "子女户口未随迁" in again["result"]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_cli_prints_the_four_forms(tmp_path, capsys):
    db = ["--db", str(tmp_path / "cli.sqlite3")]
    row = talent_row()
    idn = row["身份证号"]
    assert run(capsys, *db, "talent", "add", *[f"{k}={v}" for k, v in row.items()])[0] == 0
    code, out, err = run(capsys, *db, "recognition", "propose", idn, "--scheme", "阿拉善盟人才分类", "--tier", "C",
                         "--doc-no", "阿人才办字〔2025〕5号", "--on", "2025-03-01", "--json")
    assert code == 0, err
    rid = json.loads(out)["id"]
    case = json.loads(run(capsys, *db, "case", "open", idn, "子女入学", "子女就读小学", "--on", "2025-09-01",
                          "--json")[1])
    code, out, err = run(capsys, *db, "visit", "add", idn, "--visitors", "王主任", "--on", "2025-06-03",
                         "--form", "走访", "--issues", "实验室设备老化", "--json")
    assert code == 0, err
    vid = json.loads(out)["id"]
    assert run(capsys, *db, "flat", "add", "人才公寓1号楼101", "--area", "90")[0] == 0
    code, out, err = run(capsys, *db, "flat", "allocate", "人才公寓1号楼101", idn, "--from", "2024-03-01", "--json")
    assert code == 0, err
    oid = json.loads(out)["id"]

    expect = {
        "recognition": (rid, ["人才认定备案表", "阿人才办字〔2025〕5号", "C类（精英人才）", "待确认", "第二十条",
                              "152921********"]),
        "case": (case["id"], ["人才服务事项办理单", "子女入学", "10个工作日", "2025年9月15日", "阿拉善盟办法第四十四条"]),
        "visit": (vid, ["回访记录表", "王主任", "实验室设备老化", "第三十七条"]),
        "housing": (oid, ["人才公寓入住/腾退确认单", "人才公寓1号楼101", "90平方米", "2027年2月28日", "第四十一条"]),
    }
    for kind, (record, words) in expect.items():
        out_pdf = tmp_path / f"{kind}.pdf"
        code, out, err = run(capsys, *db, "print", kind, "--id", str(record), str(out_pdf), "--json")
        assert code == 0, err
        assert json.loads(out)["pages"] == 1
        text = _text(out_pdf).replace(" ", "")
        for w in words:
            assert w.replace(" ", "") in text, (kind, w)
    code, _, err = run(capsys, *db, "print", "case", "--id", "999", str(tmp_path / "x.pdf"))
    assert code == 1 and "找不到编号为999的服务事项" in err


def test_cli_template_and_import_of_the_registers(tmp_path, capsys):
    import datetime as dt

    import openpyxl

    db = ["--db", str(tmp_path / "cli.sqlite3")]
    row = talent_row()
    idn = row["身份证号"]
    assert run(capsys, *db, "talent", "add", *[f"{k}={v}" for k, v in row.items()])[0] == 0
    code, out, err = run(capsys, *db, "template", "cases", str(tmp_path / "cases.xlsx"))
    assert code == 0 and "已生成模板" in out, err
    wb = openpyxl.load_workbook(tmp_path / "cases.xlsx")
    ws = wb["人才服务事项"]
    col = {c.value: i + 1 for i, c in enumerate(ws[1])}
    for r, (kind, day) in enumerate((("体检", dt.date(2025, 4, 1)), ("旅游", dt.date(2025, 4, 2))), start=2):
        for label, value in (("身份证号", idn), ("事项类别", kind), ("申请日期", day), ("事项内容", "年度健康体检")):
            ws.cell(row=r, column=col[label], value=value)
    wb.save(tmp_path / "filled.xlsx")
    code, out, err = run(capsys, *db, "import", "cases", str(tmp_path / "filled.xlsx"), "--dry-run")
    assert code != 0 and "将新增1条" in out and "第3行“事项类别”列" in out, (out, err)
    code, out, err = run(capsys, *db, "import", "cases", str(tmp_path / "filled.xlsx"), "--json")
    summary = json.loads(out)
    assert summary["inserted"] == 1 and summary["committed"]
    code, out, _ = run(capsys, *db, "case", "list", "--json")
    assert [c["kind"] for c in json.loads(out)["cases"]] == ["体检"]
