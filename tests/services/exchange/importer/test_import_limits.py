"""Hostile input against the importer (issue 15): sheets whose used range would make a
reader allocate without bound, imports with millions of errors, and formula text in the
error report.

The crafted workbooks are written here with zipfile (a few hundred bytes each); the ones
that abort the process on an unprotected reader run in a child process with a memory cap
(RLIMIT_AS), as on a clerk's PC.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from talentdesk.cli import main
from talentdesk.services.exchange import importer
from talentdesk.services.exchange.importer import readers

HEADERS = ["姓名", "身份证号码", "学历", "学位", "学习形式", "毕业院校", "引进方式", "工作单位",
           "统一社会信用代码", "引进时间", "合同期限", "是否急需紧缺", "联系电话"]
REPO = Path(__file__).resolve().parents[2]
# (getattr: so that on a tree without the limits each test fails on its behaviour)
LimitError = getattr(readers, "ImportLimitError", importer.ImportFileError)
KEPT = getattr(readers, "MAX_ERRORS_KEPT", 10_000)
MAX_ROWS = getattr(readers, "MAX_ROWS", 200_000)

_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
          'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
          'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
          'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
          '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
          'officedocument.spreadsheetml.worksheet+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
         '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
         'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
             'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
             '<sheets><sheet name="花名册" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WB_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')


def _cells(r: int, values) -> str:
    out = "".join(f'<c r="{chr(65 + i)}{r}" t="inlineStr"><is><t>{v}</t></is></c>' for i, v in enumerate(values))
    return f'<row r="{r}">{out}</row>'


def crafted_xlsx(path: Path, extra_rows: str, *, dim: str = "A1:M2") -> Path:
    """A roster header in row 1, one data row, and ``extra_rows`` (raw sheet XML)."""
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             f'spreadsheetml/2006/main"><dimension ref="{dim}"/><sheetData>'
             + _cells(1, HEADERS) + _cells(2, ["张伟", "152921199005010010"]) + extra_rows
             + "</sheetData></worksheet>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def crafted_ods(path: Path, body: str) -> Path:
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               '<office:body><office:spreadsheet><table:table table:name="花名册"><table:table-row>'
               + "".join(f'<table:table-cell office:value-type="string"><text:p>{h}</text:p></table:table-cell>'
                         for h in HEADERS)
               + "</table:table-row>" + body + "</table:table></office:spreadsheet></office:body>"
               "</office:document-content>")
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:'
                   'names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" '
                   'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
                   'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


# -- 1. the used range is checked before a reader allocates it ------------------------------

CAPPED_CLI = """
import resource, sys
with open("/proc/self/status") as fh:
    vm = next(int(l.split()[1]) for l in fh if l.startswith("VmSize")) * 1024
resource.setrlimit(resource.RLIMIT_AS, (vm + int(sys.argv[1]) * 1024 * 1024, resource.RLIM_INFINITY))
from talentdesk.cli import main
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the memory cap uses RLIMIT_AS and /proc")
@pytest.mark.parametrize("cell", ["XFD1048576", "XFD5000"])
def test_one_far_cell_is_refused_with_a_message_not_a_crash(tmp_path, cell):
    """1.6 KB with one cell at XFD1048576: 512 GiB for calamine (the process aborted,
    rc 134, no message); XFD5000: 3.3 GB. Now: exit 2 and a Chinese limit message."""
    row = int(cell[3:])
    path = crafted_xlsx(tmp_path / "far.xlsx", f'<row r="{row}"><c r="{cell}"><v>1</v></c></row>')
    assert path.stat().st_size < 2000
    script = tmp_path / "capped.py"
    script.write_text(CAPPED_CLI, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    subprocess.run([sys.executable, "-m", "talentdesk", "--db", str(tmp_path / "t.sqlite3"), "init"],
                   check=True, capture_output=True, env=env, cwd=tmp_path, timeout=120)  # a dry run makes none
    proc = subprocess.run([sys.executable, str(script), "1500", "--db", str(tmp_path / "t.sqlite3"),
                           "import", "roster", str(path), "--dry-run"],
                          capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path)
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-1500:])
    assert "上限" in proc.stderr and "Traceback" not in proc.stderr
    assert ("1,048,576行" if row > 5000 else "XFD") in proc.stderr


def test_limit_errors_name_the_limit_and_are_import_file_errors(tmp_path):
    path = crafted_xlsx(tmp_path / "wide.xlsx", '<row r="3"><c r="IW3"><v>1</v></c></row>')
    with pytest.raises(LimitError) as info:
        importer.open_file(path, "roster")
    assert isinstance(info.value, importer.ImportFileError)
    assert "第257列（IW列）" in info.value.message and "256列" in info.value.message
    assert "花名册" in info.value.message  # the sheet


def test_the_used_range_is_capped_not_only_rows_and_columns(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "MAX_CELLS", 100_000, raising=False)
    path = crafted_xlsx(tmp_path / "area.xlsx", '<row r="1000"><c r="IV1000"><v>1</v></c></row>')
    with pytest.raises(LimitError, match=r"1,000行×256列（256,000个单元格）"):
        importer.open_file(path, "roster")


def test_cells_without_references_are_placed_as_a_reader_places_them(tmp_path):
    """No r attributes: a reader counts cells along the row (and rows down the sheet)."""
    cells = "<c><v>1</v></c>" * 300
    path = crafted_xlsx(tmp_path / "noref.xlsx", f'<row r="5">{cells}</row>')
    with pytest.raises(LimitError, match="第257列（IW列）"):
        importer.open_file(path, "roster")
    rows = "<row><c><v>1</v></c></row>" * 10
    path = crafted_xlsx(tmp_path / "norows.xlsx", f'<row r="{MAX_ROWS - 5}"/>{rows}')
    with pytest.raises(LimitError, match=f"第{MAX_ROWS + 1:,}行"):
        importer.open_file(path, "roster")


def test_a_declared_dimension_or_formatted_blank_cells_far_away_are_no_reason_to_refuse(tmp_path):
    """A bogus <dimension> costs a reader nothing, and neither does a cell with a style and no
    value (Excel writes both): only cells with values count."""
    path = crafted_xlsx(tmp_path / "ok.xlsx", '<row r="1048576"><c r="XFD1048576" s="1"/></row>',
                        dim="A1:XFD1048576")
    with importer.open_file(path, "roster") as f:
        assert f.grid(f.best_sheet)[0][:2] == ["姓名", "身份证号码"]


@pytest.mark.parametrize("scan", ["precise", "fast"])
def test_both_scans_agree(tmp_path, monkeypatch, scan):
    """Large sheets get the fast scan (C-speed searches); it hands anything unusual (a
    single-quoted reference, a cell row beyond every row element) to the precise one."""
    if scan == "fast":
        monkeypatch.setattr(readers, "PRECISE_SCAN_BYTES", 0)
    ok = crafted_xlsx(tmp_path / "ok.xlsx", _cells(3, ["李娜"] * 13))
    readers.check_xlsx_cells(ok)
    for name, xml, what in [("far.xlsx", '<row r="3"><c r="XFD3"><v>1</v></c></row>', "XFD"),
                            ("quoted.xlsx", "<row r='3'><c r='XFD3'><v>1</v></c></row>", "XFD"),
                            ("deep.xlsx", '<row r="3"><c r="A900000"><v>1</v></c></row>', "900,000行")]:
        with pytest.raises(LimitError, match=what):
            readers.check_xlsx_cells(crafted_xlsx(tmp_path / name, xml))


def test_ods_repeated_cells_are_counted_before_reading(tmp_path):
    """One repeated cell with a value at 5,000 rows x 2,000 columns: 1.26 GB for calamine
    (10 M cells) from a 1 KB file; LibreOffice's trailing repeated blank rows are free."""
    bad = crafted_ods(tmp_path / "bad.ods", '<table:table-row table:number-rows-repeated="5000"><table:table-cell '
                      'table:number-columns-repeated="2000" office:value-type="string"><text:p>x</text:p>'
                      '</table:table-cell></table:table-row>')
    with pytest.raises(LimitError, match="第2,000列"):
        importer.open_file(bad, "roster")
    ok = crafted_ods(tmp_path / "ok.ods", '<table:table-row><table:table-cell office:value-type="string">'
                     '<text:p>张伟</text:p></table:table-cell></table:table-row>'
                     '<table:table-row table:number-rows-repeated="1048574"><table:table-cell '
                     'table:number-columns-repeated="1024"/></table:table-row>')
    with importer.open_file(ok, "roster") as f:
        assert f.grid(f.best_sheet)[1][0] == "张伟"


def test_csv_is_refused_as_it_streams_past_the_row_and_column_limits(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(readers, "MAX_ROWS", 1000, raising=False)
    path = tmp_path / "long.csv"
    path.write_text(",".join(HEADERS) + "\n" + "x,1\n" * 1000, encoding="utf-8")
    code, out, err = run(capsys, "--db", tmp_path / "t.sqlite3", "--json", "import", "roster", path)
    assert code == 2
    assert "第1,001行" in json.loads(out)["error"] and "上限1,000行" in err
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(HEADERS + ["x"] * 300) + "\n", encoding="utf-8")
    with pytest.raises(LimitError, match="第313列"):
        importer.open_file(wide, "roster")


def test_csv_still_reads_gbk_and_utf16_and_refuses_binary(tmp_path):
    text = ",".join(HEADERS) + "\n张伟,152921199005010010\n"
    for enc in ("gb18030", "utf-8-sig", "utf-16"):
        p = tmp_path / f"{enc}.csv"
        p.write_bytes(text.encode(enc))
        with importer.open_file(p, "roster") as f:
            assert f.grid(f.best_sheet)[1][:2] == ["张伟", "152921199005010010"], enc
    late = tmp_path / "late.csv"  # not UTF-8 only far down the file: read again as GB18030
    late.write_bytes((",".join(HEADERS) + "\n" + "a,b\n" * 20000 + "王芳,1\n").encode("gb18030"))
    with importer.open_file(late, "roster") as f:
        assert f.grid(f.best_sheet)[-1][0] == "王芳"
    nul = tmp_path / "nul.csv"
    nul.write_bytes((",".join(HEADERS) + "\n").encode() + b"a,b\n" * 30000 + b"\x00\x01")
    with pytest.raises(importer.ImportFileError, match="不是文本表格"):
        importer.open_file(nul, "roster")


# -- 2. errors: the first ones listed, all counted, memory bounded ---------------------------

def _junk_csv(path: Path, rows: int) -> Path:
    path.write_text(",".join(HEADERS) + "\n" + "x,1\n" * rows, encoding="utf-8")
    return path


def test_errors_beyond_the_cap_are_counted_not_kept(ctx, tmp_path):
    """2,000 junk rows have 10,000 errors: the first MAX_ERRORS_KEPT in sheet order are
    listed, the rest counted and said so (they used to be kept, all 20 M of 2 M rows)."""
    s = importer.run_import(ctx, _junk_csv(tmp_path / "junk.csv", 2_500), "roster", dry_run=True)
    per_row = s.error_count // 2_500
    assert per_row >= 4 and s.error_count == per_row * 2_500
    assert len(s.errors) == KEPT < s.error_count
    assert s.errors_omitted == s.error_count - KEPT
    assert [e.row for e in s.errors] == sorted(e.row for e in s.errors) and s.errors[0].row == 2
    note = [w.message for w in s.warnings if w.message.startswith("另有")]
    assert note == [f"另有{s.errors_omitted:,}处错误未列出（共{s.error_count:,}处错误，涉及2,500行；"
                    f"只列出前{KEPT:,}处），请先改正已列出的错误后重新检查"]
    data = s.as_json()
    assert (len(data["errors"]), data["error_count"], data["errors_not_listed"]) == \
        (KEPT, s.error_count, s.errors_omitted)
    assert s.exit_code == 3 and s.valid == 0


def test_cli_says_how_many_errors_there_are(tmp_path, capsys):
    path = _junk_csv(tmp_path / "junk.csv", 2_500)
    assert run(capsys, "--db", tmp_path / "t.sqlite3", "init")[0] == 0  # a dry run creates no database
    code, out, _ = run(capsys, "--db", tmp_path / "t.sqlite3", "import", "roster", path, "--dry-run")
    assert code == 3
    assert "提示：另有" in out and "处错误未列出" in out
    assert f"前{KEPT}处见错误报告" in out


CAPPED_IMPORT = """
import json, resource, sys
from talentdesk.models.db import open_database
from talentdesk.services.exchange import importer
from talentdesk.services.context import ServiceContext
import python_calamine, openpyxl  # noqa: F401
db = open_database(sys.argv[2])
with open("/proc/self/status") as fh:
    vm = next(int(l.split()[1]) for l in fh if l.startswith("VmSize")) * 1024
resource.setrlimit(resource.RLIMIT_AS, (vm + int(sys.argv[1]) * 1024 * 1024, resource.RLIM_INFINITY))
try:
    s = importer.run_import(ServiceContext(db, user="t"), sys.argv[3], "roster")
    print("RESULT", json.dumps({"rows": s.rows, "errors": getattr(s, "error_count", len(s.errors)), "listed": len(s.errors)}))
except MemoryError:
    print("RESULT", json.dumps({"memory": True}))
"""


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the memory cap uses RLIMIT_AS and /proc")
def test_an_import_full_of_errors_stays_within_the_memory_bound(sqlite_db, tmp_path):
    """150,000 junk rows (750,000 errors) within 600 MB over the interpreter, 10,000 listed
    (before: all 750,000 kept, a MemoryError under 450 MB; 2 M rows took 8.8 GB)."""
    path = _junk_csv(tmp_path / "junk.csv", 150_000)
    script = tmp_path / "capped.py"
    script.write_text(CAPPED_IMPORT, encoding="utf-8")
    proc = subprocess.run([sys.executable, str(script), "600", sqlite_db.url, str(path)],
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    assert lines, proc.stderr[-2000:]
    result = json.loads(lines[-1][7:])
    assert result.get("rows") == 150_000, result
    assert result["listed"] == KEPT < result["errors"]


# -- 3. the error report never writes a live formula ------------------------------------------

FORMULAS = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://evil.example/x","点这里")', "+1+1", "@SUM(A1)"]


@pytest.mark.parametrize("big", [False, True], ids=["openpyxl", "xlsxwriter"])
def test_error_report_writes_formula_text_as_quoted_text(ctx, tmp_path, monkeypatch, big):
    from talentdesk.services.exchange.importer import report

    if big:
        monkeypatch.setattr(report, "BIG_ROWS", 0)  # the constant-memory writer of large files
    lines = [",".join(HEADERS)] + [f"{f.replace(',', '，')},{f.replace(',', '，')}" for f in FORMULAS]
    path = tmp_path / "formulas.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with importer.open_file(path, "roster", ctx=ctx) as f:
        v = importer.validate(ctx, f, importer.detect_layout(f))
        out = importer.write_report(v, tmp_path / "report.xlsx")
    wb = openpyxl.load_workbook(out)
    seen = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "@")):
                    assert cell.data_type == "s", (ws.title, cell.coordinate, cell.value)
                    assert cell.quotePrefix, (ws.title, cell.coordinate)
                    seen += 1
    assert seen >= 2 * len(FORMULAS) + 1  # the roster sheet's cells and the 错误清单's 填写内容
    with zipfile.ZipFile(out) as z:
        assert not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in z.namelist() if "worksheets" in n)


def test_a_far_cell_split_across_read_pieces_is_still_seen(tmp_path, monkeypatch):
    """The sheet is read in pieces cut before a '<': a padded tag over a piece boundary is
    read whole, in both scans."""
    monkeypatch.setattr(readers, "_CHUNK", 64, raising=False)
    padded = '<row r="3"><c r="XFD3"' + " " * 500 + "><v>1</v></c></row>"
    for fast in (False, True):
        if fast:
            monkeypatch.setattr(readers, "PRECISE_SCAN_BYTES", 0, raising=False)
        with pytest.raises(LimitError, match="XFD"):
            readers.check_xlsx_cells(crafted_xlsx(tmp_path / f"split{fast}.xlsx", padded))
