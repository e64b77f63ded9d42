"""Every format a clerk receives, and every file that cannot be read, in one message."""

from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl
import pytest
from sqlalchemy import func, select

from builders import EMPLOYER, ids
from talentdesk.models.entities import AuditEvent, Talent
from talentdesk.services.exchange import importer
from talentdesk.services.register import talents

HEAD = ["序号", "姓名", "身份证号码", "学历", "引进方式", "用人单位", "引进时间", "是否急需紧缺"]


def _rows(n=3, start=100):
    return [[i + 1, f"王{i}", number, "本科", "招聘", EMPLOYER, "2023/5/1", "是"]
            for i, number in enumerate(ids(n, start=start))]


def _count(ctx) -> int:
    with ctx.read() as s:
        return s.execute(select(func.count(Talent.id))).scalar_one()


def _check_imported(ctx, s, rows):
    assert s.errors == [], [e.as_dict() for e in s.errors]
    assert s.inserted == len(rows)
    got = talents.get(ctx, rows[0][2]).record
    assert got["education"] == "大学本科" and got["introduction_date"] == dt.date(2023, 5, 1)


@pytest.mark.parametrize("encoding,bom", [("utf-8", False), ("utf-8", True), ("gbk", False), ("gb18030", False)])
def test_csv_encodings(ctx, tmp_path, encoding, bom):
    rows = _rows()
    text = "人才花名册\n" + ",".join(HEAD) + "\n" + "\n".join(",".join(str(v) for v in r) for r in rows) + "\n"
    data = text.encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    (tmp_path / "r.csv").write_bytes(data)
    s = importer.run_import(ctx, tmp_path / "r.csv")
    _check_imported(ctx, s, rows)


def test_xls_written_by_xlwt(ctx, tmp_path):
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("花名册")
    ws.write_merge(0, 0, 0, len(HEAD) - 1, "2023年引进人才花名册")
    for c, h in enumerate(HEAD):
        ws.write(2, c, h)
    rows = _rows(start=110)
    datefmt = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for r, row in enumerate(rows, start=3):
        for c, v in enumerate(row):
            if c == 6:
                ws.write(r, c, dt.datetime(2023, 5, 1), datefmt)
            else:
                ws.write(r, c, v)
    wb.save(str(tmp_path / "old.xls"))
    s = importer.run_import(ctx, tmp_path / "old.xls", report=tmp_path / "rep.xls")
    _check_imported(ctx, s, rows)
    assert s.report_path.suffix == ".xlsx"  # the report of an .xls is an .xlsx
    assert openpyxl.load_workbook(s.report_path).sheetnames[0] == "错误清单"


def test_ods_written_by_odfpy(ctx, tmp_path):
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="花名册")
    rows = _rows(start=120)
    for values in [["人才花名册"], HEAD] + rows:
        tr = TableRow()
        for v in values:
            if isinstance(v, int):
                cell = TableCell(valuetype="float", value=v)
            else:
                cell = TableCell(valuetype="string")
            cell.addElement(P(text=str(v)))
            tr.addElement(cell)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    doc.save(str(tmp_path / "wps.ods"))
    s = importer.run_import(ctx, tmp_path / "wps.ods")
    _check_imported(ctx, s, rows)


def test_xlsm_and_sheet_choice(ctx, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "汇总"
    wb.active.append(["单位", "人数"])
    a = wb.create_sheet("一月")
    b = wb.create_sheet("二月")
    r1, r2 = _rows(2, start=130), _rows(2, start=140)
    for ws, rows in ((a, r1), (b, r2)):
        ws.append(HEAD)
        for r in rows:
            ws.append(r)
    wb.save(tmp_path / "book.xlsm")
    with importer.open_file(tmp_path / "book.xlsm") as f:
        assert [s.score > 0 for s in f.sheets] == [False, True, True]
        assert f.best_sheet == "一月"
    s = importer.run_import(ctx, tmp_path / "book.xlsm", sheet="二月")
    _check_imported(ctx, s, r2)
    s = importer.run_import(ctx, tmp_path / "book.xlsm", dry_run=True)
    assert any("二月" in w.message and "本次只导入“一月”" in w.message for w in s.warnings)
    with pytest.raises(importer.ImportFileError, match="没有名为“三月”的工作表"):
        importer.run_import(ctx, tmp_path / "book.xlsm", sheet="三月")


def _bad_files(tmp_path):
    good = tmp_path / "good.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(HEAD)
    for r in _rows(50, start=150):
        wb.active.append(r)
    wb.save(good)
    data = good.read_bytes()
    out = {}
    out["empty.xlsx"] = b""
    out["truncated.xlsx"] = data[: len(data) // 2]
    out["corrupt.xlsx"] = data[:30] + b"\x00garbage" * 200 + data[-200:]
    out["notes.xlsx"] = "这不是表格，是一段文字".encode("utf-8")
    out["scan.pdf"] = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"
    # an encrypted OOXML package is an OLE2 compound file holding EncryptionInfo/EncryptedPackage streams
    ole = bytearray(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    ole += "EncryptionInfo".encode("utf-16-le") + b"\x00" * 100 + "EncryptedPackage".encode("utf-16-le")
    out["password.xlsx"] = bytes(ole)
    out["garbage.xls"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x01" * 3000
    out["binary.csv"] = b"\x00\x01\x02\x03" * 100
    blank = tmp_path / "blank.xlsx"
    openpyxl.Workbook().save(blank)
    out["blank.xlsx"] = blank.read_bytes()
    z = tmp_path / "z.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("readme.txt", "hello")
    out["zip.xlsx"] = z.read_bytes()
    # a damaged central directory that claims a zip version from the future (zipfile raises
    # NotImplementedError, not BadZipFile)
    future = bytearray(data)
    at = future.find(b"PK\x01\x02")
    future[at + 6] = 78
    out["future-zip.xlsx"] = bytes(future)
    return out


def test_unreadable_files_give_one_message_and_write_nothing(ctx, tmp_path):
    for name, data in _bad_files(tmp_path).items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(importer.ImportFileError) as err:
            importer.run_import(ctx, path)
        msg = err.value.message
        assert "\n" not in msg and "Traceback" not in msg and msg, name
        assert any("\u4e00" <= ch <= "\u9fff" for ch in msg), (name, msg)
        if name == "password.xlsx":
            assert "密码" in msg
        if name in ("empty.xlsx", "blank.xlsx"):
            assert "空" in msg or "没有" in msg
    assert _count(ctx) == 0
    with ctx.read() as s:
        assert s.execute(select(func.count(AuditEvent.id))).scalar_one() == 0


def test_missing_file(ctx, tmp_path):
    with pytest.raises(importer.ImportFileError, match="找不到文件"):
        importer.run_import(ctx, tmp_path / "nope.xlsx")


def test_real_password_protected_workbook(ctx, tmp_path):
    msoffcrypto = pytest.importorskip("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile

    wb = openpyxl.Workbook()
    wb.active.append(HEAD)
    wb.active.append(_rows(1, start=170)[0])
    wb.save(tmp_path / "plain.xlsx")
    for name in ("locked.xlsx", "locked.xls"):
        with open(tmp_path / "plain.xlsx", "rb") as f, open(tmp_path / name, "wb") as out:
            OOXMLFile(f).encrypt("secret", out)
        with pytest.raises(importer.ImportFileError, match="密码"):
            importer.run_import(ctx, tmp_path / name)
    assert msoffcrypto and _count(ctx) == 0


def test_out_of_range_date_cell_is_a_cell_error_not_a_crash(ctx, tmp_path):
    """python-calamine panics on a date-formatted number far out of range; the sheet is then
    read with openpyxl and the cell is reported like any other bad value."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEAD)
    rows = _rows(2, start=180)
    for r in rows:
        ws.append(r)
    ws.cell(row=3, column=7, value=-4.673035291376365e16).number_format = "yyyy-mm-dd"
    wb.save(tmp_path / "weird.xlsx")
    s = importer.run_import(ctx, tmp_path / "weird.xlsx")
    assert s.inserted == 1 and [(e.row, e.column) for e in s.errors] == [(3, "引进时间")]


def test_non_finite_numbers_are_cell_errors(ctx, tmp_path):
    from talentdesk.domain import values

    for bad in (float("inf"), float("-inf"), float("nan"), "inf", "NaN"):
        with pytest.raises(ValueError):
            values.parse_decimal(bad)
    for bad in (float("inf"), float("nan")):
        with pytest.raises(ValueError, match="不是有效日期"):
            values.parse_date(bad)
    text = "\n".join([",".join(HEAD + ["合同期限（年）"])] + [",".join(str(v) for v in r) + ",inf"
                                                          for r in _rows(1, start=190)])
    (tmp_path / "inf.csv").write_text(text, encoding="utf-8")
    s = importer.run_import(ctx, tmp_path / "inf.csv")
    assert [(e.column, e.value) for e in s.errors] == [("合同期限（年）", "inf")]


@pytest.mark.parametrize("raw,fen", [("80,000.00", 8_000_000), ("１２.５元", 1250), (40000, 4_000_000),
                                     ("inf", None), (float("nan"), None), ("1e400", None), ("-5", None),
                                     (1e20, None)])
def test_payment_amounts(raw, fen):
    parse = importer.get_kind("payments").by_key["amount_fen"].parse
    if fen is None:
        with pytest.raises(ValueError):
            parse(raw)
    else:
        assert parse(raw) == fen
