"""``talentdesk import …`` and ``talentdesk template …``; reviews and payments through the same engine."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl

from builders import good_rows, ids, write_messy_xlsx
from factories import talent_row
from talentdesk.cli import main
from talentdesk.models.db import open_database
from talentdesk.services.benefits import agreements, grants, payments
from talentdesk.services.exchange import importer
from talentdesk.services.register import talents
from talentdesk.services.context import ServiceContext

D = dt.date


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_roster_json_exit_codes_and_report(tmp_path, capsys):
    db = tmp_path / "cli.sqlite3"
    rows = good_rows(4)
    rows[2]["学历"] = "小学"
    where = write_messy_xlsx(tmp_path / "r.xlsx", rows)
    # a dry run never creates the database file (issue 15)
    code, out, err = run(capsys, "--db", db, "import", "roster", tmp_path / "r.xlsx", "--dry-run", "--json")
    assert code == 1 and "不会新建数据库" in err and not db.exists()
    assert run(capsys, "--db", db, "init")[0] == 0
    code, out, err = run(capsys, "--db", db, "import", "roster", tmp_path / "r.xlsx", "--dry-run", "--json")
    assert code == 3, err
    data = json.loads(out)
    assert (data["rows"], data["valid"], data["inserted"], data["updated"]) == (4, 3, 3, 0)
    assert data["dry_run"] is True and data["committed"] is False
    assert data["errors"] == [{"row": where[2], "column": "学历", "value": "小学",
                               "message": data["errors"][0]["message"]}]
    assert "学历" in data["errors"][0]["message"]
    assert {"row", "column", "message"} <= set(data["warnings"][0])
    code, out, _ = run(capsys, "--db", db, "import", "roster", tmp_path / "r.xlsx", "--all-or-nothing", "--json")
    assert code == 3 and json.loads(out)["inserted"] == 0
    code, out, _ = run(capsys, "--db", db, "import", "roster", tmp_path / "r.xlsx", "--report",
                       tmp_path / "rep.xlsx", "--json")
    data = json.loads(out)
    assert code == 3 and data["inserted"] == 3 and data["skipped"] == 1
    wb = openpyxl.load_workbook(tmp_path / "rep.xlsx")
    assert wb["人才花名册"].cell(row=where[2], column=4).comment is not None
    # every row valid: exit 0, text output
    code, out, _ = run(capsys, "--db", db, "import", "roster", tmp_path / "r.xlsx", "--map", "学历=忽略",
                       "--map", "工作单位=用人单位")
    assert code == 3  # 学历 ignored: it is required
    assert "学历" in out
    fixed = good_rows(4)
    write_messy_xlsx(tmp_path / "ok.xlsx", fixed)
    code, out, _ = run(capsys, "--db", db, "import", "roster", tmp_path / "ok.xlsx")
    assert code == 0 and "更新" in out


def test_cli_unreadable_file_is_exit_2(tmp_path, capsys):
    (tmp_path / "bad.xlsx").write_bytes(b"not a workbook at all")
    code, out, err = run(capsys, "--db", tmp_path / "c.sqlite3", "import", "roster", tmp_path / "bad.xlsx", "--json")
    assert code == 2 and json.loads(out)["error"] and "错误" in err
    code, _, err = run(capsys, "--db", tmp_path / "c.sqlite3", "import", "roster", tmp_path / "none.xlsx")
    assert code == 2 and "找不到文件" in err
    code, _, err = run(capsys, "--db", tmp_path / "c.sqlite3", "import", "roster", tmp_path / "bad.xlsx",
                       "--map", "x=不存在的列")
    assert code == 2


def test_cli_templates(tmp_path, capsys):
    for kind, first in (("roster", "姓名"), ("reviews", "身份证号"), ("payments", "身份证号")):
        code, out, _ = run(capsys, "template", kind, tmp_path / f"{kind}.xlsx", "--json")
        assert code == 0
        wb = openpyxl.load_workbook(json.loads(out)["path"])
        assert wb.worksheets[0]["A1"].value == first and "填表说明" in wb.sheetnames


def _office(db_path):
    db = open_database(db_path)
    ctx = ServiceContext(db, user="王经办")
    row = talent_row(姓名="周敏")
    talents.add(ctx, row)
    agreements.add(ctx, row["身份证号"], kind="服务期协议", start_date=D(2023, 5, 1), term_years=5,
                   signed_date=D(2023, 5, 1), required_service_years=5)
    return db, ctx, row["身份证号"]


def test_reviews_import_through_the_engine(tmp_path, capsys):
    db, ctx, idn = _office(tmp_path / "r.sqlite3")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2023年度人才考核结果汇总表"])
    ws.append(["序号", "姓名", "身份证号码", "考核年度", "考核结果", "备注"])
    ws.append([1, "周敏", idn, "2023年度", "称职", None])
    ws.append([2, "无名", "152921199001011234", 2023, "优秀", None])  # bad checksum
    ws.append([3, "周敏", idn, 2024, "良", None])  # not a result
    unknown = ids(1, start=900)[0]
    ws.append([4, "钱七", unknown, 2023, "合格", None])  # not registered
    ws.append([5, "周 敏敏", idn, 2022, "优秀", None])  # another name than registered
    wb.save(tmp_path / "rev.xlsx")
    dry = importer.run_import(ctx, tmp_path / "rev.xlsx", "reviews", dry_run=True)
    assert dry.rows == 5 and dry.valid == 2
    assert {(e.row, e.column) for e in dry.errors} == {(4, "身份证号码"), (5, "考核结果"), (6, "身份证号码")}
    assert "找不到" in next(e.message for e in dry.errors if e.row == 6)
    assert any(w.row == 7 and "登记的姓名为“周敏”" in w.message for w in dry.warnings)
    db.dispose()
    code, out, _ = run(capsys, "--db", tmp_path / "r.sqlite3", "import", "reviews", tmp_path / "rev.xlsx", "--json")
    data = json.loads(out)
    assert code == 3 and data["inserted"] == 2 and data["committed"]
    db = open_database(tmp_path / "r.sqlite3")
    with db.read() as s:
        from sqlalchemy import select

        from talentdesk.models.entities import AnnualReview, ImportBatch
        assert sorted(s.execute(select(AnnualReview.year, AnnualReview.result)).all()) == [(2022, "优秀"),
                                                                                           (2023, "合格")]
        assert s.execute(select(ImportBatch.kind, ImportBatch.inserted)).all() == [("review", 2)]
    db.dispose()


def test_payments_import_through_the_engine(tmp_path):
    db, ctx, idn = _office(tmp_path / "p.sqlite3")
    reviewer = ServiceContext(db, user="李审核", role="reviewer")
    clerk = ServiceContext(db, user="王经办", role="clerk")
    g = grants.approve(reviewer, grants.propose(clerk, idn, "settlement_allowance", approved_on=D(2023, 6, 1),
                                                approval_doc_no="阿左人才字〔2023〕11号").id)
    first = g.installments[0].id
    payments.propose(clerk, [first], as_of=D(2023, 6, 2))
    payments.approve(reviewer, [first])
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["身份证号", "姓名", "补贴项目", "期次", "发放金额（元）", "发放日期", "记账凭证号"])
    ws.append([idn, "周敏", "安家补贴", "第1期", "80,000.00", "2023.6.5", "V9"])
    ws.append([idn, "周敏", "安家补贴", 2, "abc", "2023.6.5", "V10"])
    wb.save(tmp_path / "pay.xlsx")
    s = importer.run_import(clerk, tmp_path / "pay.xlsx", "payments", all_or_nothing=True)
    assert not s.committed and {(e.row, e.column) for e in s.errors} == {(3, "发放金额（元）")}
    assert payments.list_installments(clerk, grant_id=g.id)[0].status == "approved"
    s = importer.run_import(clerk, tmp_path / "pay.xlsx", "payments")
    assert s.committed and s.inserted == 1
    row = payments.list_installments(clerk, grant_id=g.id)[0]
    assert row.status == "paid" and row.voucher_no == "V9" and row.paid_date == D(2023, 6, 5)
    db.dispose()
