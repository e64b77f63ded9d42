"""Reading spreadsheets into grids of raw cell values.

One reader for every format a clerk receives: .xlsx/.xlsm/.xls/.ods through
python-calamine (measured ~10x faster than openpyxl, see ``bench/bench_import.py``) and
.csv in UTF-8 (with or without BOM) or GBK/GB18030. A grid is a list of rows, each a list
of raw values (``str``, ``int``, ``float``, ``bool``, ``date``, ``datetime``, or ``None``
for a blank cell); ``grid[r][c]`` is the cell Excel shows at row ``r + 1``, column
``c + 1``. Cells inside a merged range carry the value of the range's top-left cell.

Anything that cannot be read (password-protected, corrupt, truncated, empty, not a
spreadsheet) raises ``ImportFileError`` with one plain Chinese message.

Limits (``ImportLimitError``, also exit status 2 in the CLI): a sheet may reach row
``MAX_ROWS`` and column ``MAX_COLS``, and its used range (rows x columns, the area a
reader allocates) at most ``MAX_CELLS`` cells. A workbook's sheets are checked before any
reader inflates them: the cell references of an .xlsx sheet and the repeat counts of an
.ods table are scanned from the zip member in chunks (``check_xlsx_cells`` /
``check_ods_cells``); an .xls sheet's range is checked before its cells become Python
objects; a CSV is refused as it streams past the limits. One cell at XFD1048576 in a
1.6 KB file would otherwise make calamine allocate 512 GiB and abort the process.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from talentdesk.domain.errors import TalentDeskError

SPREADSHEET_EXT = {".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"


class ImportFileError(TalentDeskError):
    """The file cannot be read at all (exit status 2 in the CLI)."""


class ImportLimitError(ImportFileError):
    """The file is larger than an import accepts (rows, columns, cells; exit status 2)."""


# A county roster has hundreds to thousands of rows and about 30 columns; the benchmark's
# 100,000 x 30 file is 3,000,000 cells. Memory of a read is about 40 bytes per cell of the
# used range plus the values; see docs/import.md "Limits" for the measured figures.
MAX_ROWS = 200_000  # last row number a sheet may use (Excel's own limit: 1,048,576)
MAX_COLS = 256  # last column (IV, Excel 2003's limit; Excel's own: 16,384 = XFD)
MAX_CELLS = 6_000_000  # rows x columns of the used range
MAX_ERRORS_KEPT = 10_000  # cell errors listed (preview, JSON, report); the rest are counted


def _letters(col: int) -> str:
    out = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def _limit_error(name: str, sheet: str | None, rows: int, cols: int, where: str = "") -> ImportLimitError:
    """``sheet`` None: a CSV file (no sheets)."""
    at = f"（最远的单元格在{where}）" if where else ""
    of = f"的工作表“{sheet}”" if sheet is not None else ""
    if rows > MAX_ROWS:
        what = f"用到了第{rows:,}行，超过了导入上限{MAX_ROWS:,}行"
    elif cols > MAX_COLS:
        what = f"用到了第{cols:,}列（{_letters(cols)}列），超过了导入上限{MAX_COLS}列（{_letters(MAX_COLS)}列）"
    else:
        what = (f"的使用范围为{rows:,}行×{cols:,}列（{rows * cols:,}个单元格），"
                f"超过了导入上限{MAX_CELLS:,}个单元格")
    return ImportLimitError(f"文件 {name} {of}{what}{at}。花名册通常只有几千行、几十列："
                            f"请删除表格下方和右侧多余的行列（或只把数据复制到新工作表）后另存，"
                            f"数据确实更多时请分成几个文件导入")


def _check_extent(name: str, sheet: str, rows: int, cols: int, where: str = "") -> None:
    if rows > MAX_ROWS or cols > MAX_COLS or rows * cols > MAX_CELLS:
        raise _limit_error(name, sheet, rows, cols, where)


@dataclass
class RawSheet:
    name: str
    grid: list[list[Any]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1 (0-based, inclusive)

    @property
    def height(self) -> int:
        return len(self.grid)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.grid[:200]), default=0)


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def file_format(path: Path) -> str:
    """'xlsx', 'xls', 'ods' or 'csv' from the extension, checked against the content."""
    ext = path.suffix.lower()
    try:
        with open(path, "rb") as f:
            head = f.read(8)
    except FileNotFoundError:
        raise ImportFileError(f"找不到文件：{path}") from None
    except OSError as exc:
        raise ImportFileError(f"无法打开文件 {path.name}：{exc.strerror or exc}") from None
    if not head:
        raise ImportFileError(f"文件 {path.name} 是空文件（0 字节），没有可导入的内容")
    if head.startswith(_OLE_MAGIC) and _is_encrypted_ooxml(path):
        raise ImportFileError(f"文件 {path.name} 设置了打开密码，请在 Excel/WPS 中取消密码后另存，再导入")
    if ext in (".xlsx", ".xlsm"):
        if head.startswith(_OLE_MAGIC):
            # an encrypted OOXML package is an OLE container; so is an .xls renamed to .xlsx
            return "ole-xlsx"
        if not head.startswith(_ZIP_MAGIC):
            raise ImportFileError(f"文件 {path.name} 不是有效的 Excel 文件（内容损坏或并非表格文件）")
        return "xlsx"
    if ext == ".xls":
        if head.startswith(_ZIP_MAGIC):
            return "xlsx"  # an .xlsx renamed to .xls
        if not head.startswith(_OLE_MAGIC):
            # WPS and some systems save HTML or text tables as .xls
            return "csv" if _looks_like_text(path) else _bad(path)
        return "xls"
    if ext == ".ods":
        if not head.startswith(_ZIP_MAGIC):
            _bad(path)
        return "ods"
    if ext in (".csv", ".txt"):
        return "csv"
    if head.startswith(_ZIP_MAGIC):
        return "xlsx"
    if head.startswith(_OLE_MAGIC):
        return "xls"
    raise ImportFileError(f"不支持的文件类型“{ext or '无扩展名'}”，请提供 Excel（.xlsx/.xls）、WPS/ODS（.ods）或 CSV 文件")


def _bad(path: Path):
    raise ImportFileError(f"文件 {path.name} 不是有效的表格文件（内容损坏或格式不符）")


def _looks_like_text(path: Path) -> bool:
    with open(path, "rb") as f:
        head = f.read(4096)
    if b"\x00" in head or head.lstrip().lower().startswith((b"<html", b"<!doctype", b"<?xml")):
        return False
    return True


# -- spreadsheets (calamine) ---------------------------------------------------

def _calamine_error(path: Path, exc: Exception) -> ImportFileError:
    import python_calamine as pc

    name = path.name
    text = str(exc).lower()
    if isinstance(exc, pc.PasswordError) or "password" in text or "encrypt" in text:
        return ImportFileError(f"文件 {name} 设置了打开密码，请在 Excel/WPS 中取消密码后另存，再导入")
    if isinstance(exc, pc.ZipError) or "zip" in text or "eof" in text or "truncat" in text:
        return ImportFileError(f"文件 {name} 已损坏或不完整（可能未下载/复制完整），请让报送单位重新发送")
    return ImportFileError(f"无法读取文件 {name}：文件已损坏、设置了密码或不是有效的表格文件，"
                           f"请在 Excel/WPS 中打开后另存为 .xlsx 再导入")


class SpreadsheetSource:
    """An opened workbook: sheet names now, a sheet's grid on demand (cached)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.format = file_format(self.path)
        self._sheets: dict[str, RawSheet] = {}
        self._csv: RawSheet | None = None
        self._wb = None
        if self.format == "csv":
            self._csv = read_csv(self.path)
            self.sheet_names = [self._csv.name]
            return
        if self.format == "ole-xlsx":
            self.format = "xls"  # an old .xls saved under an .xlsx name
        if self.format in ("xlsx", "ods"):
            check_zip(self.path)
            (check_xlsx_cells if self.format == "xlsx" else check_ods_cells)(self.path)
        import python_calamine as pc

        try:
            self._wb = pc.CalamineWorkbook.from_path(str(self.path))
            meta = self._wb.sheets_metadata
        except Exception as exc:  # calamine raises several types; all mean "unreadable"
            raise _calamine_error(self.path, exc) from None
        self.sheet_names = [m.name for m in meta if str(m.typ).endswith("WorkSheet")] or list(self._wb.sheet_names)
        if not self.sheet_names:
            raise ImportFileError(f"文件 {self.path.name} 中没有工作表")

    def sheet(self, name: str) -> RawSheet:
        if self._csv is not None:
            return self._csv
        if name not in self._sheets:
            if name not in self.sheet_names:
                raise ImportFileError(f"文件中没有名为“{name}”的工作表，现有：{'、'.join(self.sheet_names)}")
            try:
                sh = self._wb.get_sheet_by_name(name)
                # the range is in Rust memory now (an .xls is at most 65,536 x 256): check it
                # before it becomes Python objects, many times larger
                _check_extent(self.path.name, name, sh.height, sh.width)
                grid = sh.to_python(skip_empty_area=False)
                merged = list(_merged_ranges(sh))
            except ImportFileError:
                raise
            except Exception as exc:
                raise _calamine_error(self.path, exc) from None
            except BaseException as exc:
                # calamine panics (a Rust PanicException, not an Exception) on some cells,
                # e.g. a date-formatted number far out of range: read that sheet with openpyxl
                if type(exc).__name__ != "PanicException":
                    raise
                grid, merged = self._slow_sheet(name)
            _normalise_grid(grid)
            _fill_merged(grid, merged)
            self._sheets[name] = RawSheet(name, grid, merged)
        return self._sheets[name]

    def _slow_sheet(self, name: str) -> tuple[list[list[Any]], list[tuple[int, int, int, int]]]:
        if self.format != "xlsx":
            raise ImportFileError(f"文件 {self.path.name} 的工作表“{name}”中有无法识别的单元格（如超出范围的日期），"
                                  f"请在 Excel/WPS 中检查日期列后另存为 .xlsx 再导入")
        import warnings

        import openpyxl

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                wb = openpyxl.load_workbook(self.path, data_only=True)
                ws = wb[name]
                grid = [list(r) for r in ws.iter_rows(values_only=True)]
                merged = [(r.min_row - 1, r.min_col - 1, r.max_row - 1, r.max_col - 1) for r in ws.merged_cells.ranges]
        except Exception:
            raise ImportFileError(f"无法读取文件 {self.path.name}：文件已损坏或不是有效的表格文件") from None
        for row in grid:
            for i, v in enumerate(row):
                if isinstance(v, dt.time) or isinstance(v, dt.timedelta):
                    row[i] = str(v)
        return grid, merged

    def drop(self, name: str) -> None:
        """Forget a cached grid (memory)."""
        self._sheets.pop(name, None)

    def close(self) -> None:
        self._sheets.clear()
        if self._wb is not None:
            try:
                self._wb.close()
            except Exception:  # pragma: no cover - already closed
                pass
            self._wb = None


_ENCRYPTED_MARKS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))


MAX_MEMBER_BYTES = 1 << 30  # no roster sheet is 1 GB of XML (100k rows x 30 columns: ~160 MB)
MAX_RATIO = 100  # rosters compress about 10:1; a zip bomb compresses 1000:1
RATIO_FROM_BYTES = 64 << 20


def check_zip(path: Path) -> None:
    """Refuse a workbook whose parts would inflate to absurd sizes (a zip bomb) before a
    reader tries to inflate them: an allocation failure there aborts the process."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
        # NotImplementedError: a corrupt directory entry claims a zip version from the future
        raise ImportFileError(f"文件 {path.name} 已损坏或不完整（可能未下载/复制完整），请让报送单位重新发送") from None
    total = 0
    for info in infos:
        size = info.file_size
        total += size
        ratio = size / max(info.compress_size, 1)
        if size > MAX_MEMBER_BYTES or total > 2 * MAX_MEMBER_BYTES or (size > RATIO_FROM_BYTES and ratio > MAX_RATIO):
            raise ImportFileError(f"文件 {path.name} 解压后异常巨大（{info.filename} 约{size >> 20} MB，"
                                  f"压缩比{ratio:.0f}:1），可能已损坏或是恶意构造的文件，已拒绝导入")


# -- the cell extent of a workbook, before a reader allocates it -----------------------

_CHUNK = 1 << 22
PRECISE_SCAN_BYTES = 1 << 20  # sheet XML up to this size is scanned tag by tag (~0.1 s per MB)
_ATTR_R = re.compile(rb"""(?:^|\s)r\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_XLSX_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*?)(/?)>")
_REF = re.compile(rb"\s*([A-Za-z]{0,4})\s*(\d{0,9})\s*$")
_FAST_LETTERS = re.compile(rb' r="([A-Z]+)')
_FAST_ROW = re.compile(rb'<row r="(\d+)"')
_ODD_XLSX = re.compile(rb'<c(?! r="|o|f|u)')
_ODD_ROW = re.compile(rb'<row(?! r=")')
_PREFIXED = re.compile(rb":(?:c|row)[\s/>]")


def _corrupt_zip_errors() -> tuple:
    import zipfile
    import zlib

    # RuntimeError: an encrypted member; zlib.error: a damaged deflate stream
    return (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError, KeyError, RuntimeError,
            zlib.error)


_CORRUPT_ZIP = _corrupt_zip_errors()


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


_MAX_TAG = 16 << 20  # no tag of a sheet is 16 MB long


def _chunks(f):
    """The member's bytes in pieces cut before the last '<', so that no tag spans two
    pieces (a piece without '<' is text and is passed on whole)."""
    carry = b""
    while True:
        data = f.read(_CHUNK)
        if not data:
            if carry:
                yield carry
            return
        data = carry + data
        cut = data.rfind(b"<")
        if cut < 0:
            carry = b""
        elif cut == 0:
            if len(data) > _MAX_TAG:
                raise ImportFileError("工作表中有异常巨大的标记（超过 16 MB），文件可能已损坏或是恶意构造的，已拒绝导入")
            carry = data
            continue
        else:
            carry, data = data[cut:], data[:cut]
        yield data


def _xlsx_sheets(z) -> list[tuple[str, str]]:
    """(sheet name, zip member) of every worksheet: from workbook.xml and its rels, plus any
    member under a worksheets/ folder (a reader may find a sheet there)."""
    names = set(z.namelist())
    out: list[tuple[str, str]] = []

    def small(member: str) -> bytes:
        if member not in names or z.getinfo(member).file_size > 8 << 20:
            return b""
        return z.read(member)

    targets = {}
    for m in re.finditer(rb"<Relationship\b[^>]*>", small("xl/_rels/workbook.xml.rels")):
        tag = m.group(0)
        rid = re.search(rb'\bId\s*=\s*["\']([^"\']*)', tag)
        target = re.search(rb'\bTarget\s*=\s*["\']([^"\']*)', tag)
        if rid and target:
            t = target.group(1).decode("utf-8", "replace").lstrip("/")
            targets[rid.group(1)] = t if t.startswith("xl/") else "xl/" + t
    for m in re.finditer(rb"<(?:[\w.-]+:)?sheet\b[^>]*>", small("xl/workbook.xml")):
        tag = m.group(0)
        name = re.search(rb'\bname\s*=\s*["\']([^"\']*)', tag)
        rid = re.search(rb':id\s*=\s*["\']([^"\']*)', tag)
        member = targets.get(rid.group(1)) if rid else None
        if member in names:
            out.append(((name.group(1) if name else b"").decode("utf-8", "replace"), member))
    seen = {m for _, m in out}
    for member in sorted(names):
        if "worksheets/" in member and member.endswith(".xml") and member not in seen:
            out.append((member.rsplit("/", 1)[-1][:-4], member))
    return out


def check_xlsx_cells(path: Path) -> None:
    """Refuse an .xlsx whose sheets use rows, columns or a range beyond the limits, from
    the cell references in the sheet XML (streamed; nothing is kept). calamine would
    allocate the whole used range at once: one cell at XFD1048576 is 512 GiB."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            for sheet, member in _xlsx_sheets(z):
                info = z.getinfo(member)
                with z.open(info) as f:
                    if info.file_size <= PRECISE_SCAN_BYTES or not _fast_xlsx_scan(path, sheet, f):
                        with z.open(info) as again:
                            _precise_xlsx_scan(path, sheet, again)
    except ImportFileError:
        raise
    except _CORRUPT_ZIP:
        raise ImportFileError(f"文件 {path.name} 已损坏或不完整（可能未下载/复制完整），请让报送单位重新发送") from None


def _precise_xlsx_scan(path: Path, sheet: str, f) -> None:
    """Tag by tag: a cell's position is its r attribute, else the one after the previous
    cell of its row (rows alike); a self-closing cell has no value and costs nothing."""
    max_row = max_col = 0
    row = 0
    col = 0
    for data in _chunks(f):
        for m in _XLSX_TAG.finditer(data):
            what, attrs, empty = m.groups()
            r = _ATTR_R.search(attrs)
            ref = (r.group(1) if r.group(1) is not None else r.group(2)) if r else None
            if what == b"row":
                row = int(ref) if ref and ref.strip().isdigit() else row + 1
                col = 0
                continue
            if ref is not None:
                parts = _REF.match(ref)
                if parts is None:
                    continue  # calamine refuses such a reference itself
                letters, digits = parts.groups()
                col = _col_number(letters) if letters else col + 1
                if digits:
                    row = int(digits)
            else:
                col += 1
            if empty:
                continue
            if row > max_row:
                max_row = row
            if col > max_col:
                max_col = col
            if max_row > MAX_ROWS or max_col > MAX_COLS or max_row * max_col > MAX_CELLS:
                raise _limit_error(path.name, sheet, max_row, max_col, f"{_letters(col)}{row}")


def _fast_xlsx_scan(path: Path, sheet: str, f) -> bool:
    """A large sheet as Excel, WPS and openpyxl write it (``<row r="N">``, ``<c r="A1">``):
    the column letters and row numbers by a few C-speed searches per chunk (about 0.8 s for
    100,000 x 30 cells). True: within the limits. False: written any other way, or beyond
    a limit by this estimate (a row element may be empty): the precise scan decides."""
    letters: set[bytes] = set()
    max_row = 0
    for data in _chunks(f):
        if _ODD_XLSX.search(data) or _ODD_ROW.search(data) or _PREFIXED.search(data):
            return False  # a cell or row without the usual r="…", or a prefixed element
        rows = _FAST_ROW.findall(data)
        if rows:
            max_row = max(max_row, max(map(int, rows)))
        # cells claiming a row with more digits than any row element so far
        deeper = re.findall(rb'<c r="[A-Z]+(\d{%d,})"' % (len(str(max_row)) + 1), data)
        if deeper:
            max_row = max(max_row, max(map(int, deeper)))
        letters.update(_FAST_LETTERS.findall(data))
        max_col = max(map(_col_number, letters), default=0)
        if max_row > MAX_ROWS or max_col > MAX_COLS or max_row * max_col > MAX_CELLS:
            return False
    return True


_ODS_TAG = re.compile(rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*?)(/?)>")
_ODS_REPEAT = re.compile(rb'table:number-(rows|columns)-repeated\s*=\s*["\'](\d+)')
_ODS_NAME = re.compile(rb'table:name\s*=\s*["\']([^"\']*)')


def check_ods_cells(path: Path) -> None:
    """The same limits for an .ods: rows and cells repeat (number-rows-repeated,
    number-columns-repeated); a repeated cell with a value is expanded by the reader,
    LibreOffice's trailing repeated blank rows and cells cost nothing."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            if "content.xml" not in z.namelist():
                return
            with z.open("content.xml") as f:
                _ods_scan(path, f)
    except ImportFileError:
        raise
    except _CORRUPT_ZIP:
        raise ImportFileError(f"文件 {path.name} 已损坏或不完整（可能未下载/复制完整），请让报送单位重新发送") from None


def _ods_scan(path: Path, f) -> None:
    sheet = ""
    row = rows_rep = col = max_row = max_col = 0
    open_cell: tuple[int, int] | None = None  # (first column, repeat) of a cell whose value is not seen yet

    def value(first: int, n: int) -> None:
        nonlocal max_row, max_col
        max_row = max(max_row, row + rows_rep)
        max_col = max(max_col, first + n)
        if max_row > MAX_ROWS or max_col > MAX_COLS or max_row * max_col > MAX_CELLS:
            raise _limit_error(path.name, sheet, max_row, max_col)

    for data in _chunks(f):
        pos = 0
        for m in _ODS_TAG.finditer(data):
            closing, what, attrs, empty = m.groups()
            if open_cell is not None:  # the text between a cell's tags: any text is a value
                between = data[pos:m.start()].strip()
                if between and between != b"<text:p/>":
                    value(*open_cell)
                open_cell = None
            pos = m.end()
            if what == b"table":
                if not closing:
                    name = _ODS_NAME.search(attrs)
                    sheet = name.group(1).decode("utf-8", "replace") if name else ""
                    row = rows_rep = col = max_row = max_col = 0
                continue
            if what == b"table-row":
                if closing:
                    row += rows_rep
                    rows_rep = 0
                    continue
                rep = _ODS_REPEAT.search(attrs)
                rows_rep = int(rep.group(2)) if rep and rep.group(1) == b"rows" else 1
                col = 0
                if empty:
                    row += rows_rep
                    rows_rep = 0
                continue
            if closing:
                continue
            rep = _ODS_REPEAT.search(attrs)
            n = int(rep.group(2)) if rep and rep.group(1) == b"columns" else 1
            if b"value-type" in attrs or b"formula" in attrs:
                value(col, n)
            elif not empty:
                open_cell = (col, n)
            col += n

def _is_encrypted_ooxml(path: Path) -> bool:
    """An encrypted .xlsx is an OLE2 container with EncryptionInfo/EncryptedPackage
    streams; their names sit in the container's directory, wherever that is."""
    tail = b""
    with open(path, "rb") as f:
        for _ in range(64):  # the first 64 MB are plenty for a roster
            chunk = f.read(1 << 20)
            if not chunk:
                break
            data = tail + chunk
            if any(m in data for m in _ENCRYPTED_MARKS):
                return True
            tail = data[-40:]
    return False


def _merged_ranges(sheet):
    try:
        ranges = sheet.merged_cell_ranges
    except Exception:  # pragma: no cover - format without merge info
        return
    for (r0, c0), (r1, c1) in ranges or ():
        yield (r0, c0, r1, c1)


def _normalise_grid(grid: list[list[Any]]) -> None:
    """calamine gives '' for blank cells: make them None; drop trailing blank rows."""
    for r, row in enumerate(grid):
        if "" in row:
            grid[r] = [None if v == "" and v.__class__ is str else v for v in row]
    while grid and all(v is None for v in grid[-1]):
        grid.pop()


def _fill_merged(grid: list[list[Any]], merged: list[tuple[int, int, int, int]]) -> None:
    for r0, c0, r1, c1 in merged:
        if r0 >= len(grid):
            continue
        top = grid[r0]
        value = top[c0] if c0 < len(top) else None
        if value is None:
            continue
        for r in range(r0, min(r1, len(grid) - 1) + 1):
            row = grid[r]
            if len(row) <= c1:
                row.extend([None] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                if row[c] is None:
                    row[c] = value


# -- CSV -------------------------------------------------------------------------

def decode_text(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a superset of GBK)."""
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ImportFileError(f"文件 {name} 的文字编码无法识别（应为 UTF-8 或 GBK），请在 Excel 中另存为“CSV UTF-8”或 .xlsx") from None


MAX_CSV_BYTES = 256 << 20  # 100k rows x 30 columns of CSV is about 30 MB


def read_csv(path: Path) -> RawSheet:
    """Stream the file through the csv module, refusing it as soon as it passes the row,
    column or cell limits; the text is decoded as it is read (UTF-16 with BOM, else UTF-8,
    else GB18030: a file that is not UTF-8 after all is read again as GB18030)."""
    size = path.stat().st_size
    with open(path, "rb") as f:
        head = f.read(1 << 16)
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    if b"\x00" in head and not utf16:
        raise ImportFileError(f"文件 {path.name} 不是文本表格（CSV），请提供 Excel 或 CSV 文件")
    if size > MAX_CSV_BYTES * (2 if utf16 else 1):
        raise ImportFileError(f"文件 {path.name} 过大（{size >> 20} MB），不像是一份花名册；"
                              f"请检查文件，或分成几个文件后再导入")
    name = os.path.splitext(path.name)[0] or "CSV"
    if utf16:
        return _read_csv_as(path, name, "utf-16", head)
    try:
        return _read_csv_as(path, name, "utf-8-sig", head)
    except UnicodeDecodeError:
        pass
    try:
        return _read_csv_as(path, name, "gb18030", head)
    except UnicodeDecodeError:
        raise ImportFileError(f"文件 {path.name} 的文字编码无法识别（应为 UTF-8 或 GBK），"
                              f"请在 Excel 中另存为“CSV UTF-8”或 .xlsx") from None


def _read_csv_as(path: Path, name: str, encoding: str, head: bytes) -> RawSheet:
    sample = codecs.getincrementaldecoder(encoding)("ignore").decode(head[:32768])
    if encoding != "utf-16" and "\x00" in sample:
        raise ImportFileError(f"文件 {path.name} 不是文本表格（CSV），请提供 Excel 或 CSV 文件")
    delimiter = ","
    counts = {d: sample[:8192].count(d) for d in (",", "\t", ";", "，")}
    best = max(counts, key=counts.get)
    if counts[best] > counts[","]:
        delimiter = best
    grid: list[list[Any]] = []
    append = grid.append
    cells = width = 0
    with open(path, encoding=encoding, newline="") as text:
        lines = text if encoding == "utf-16" else _no_nul(text, path)
        reader = csv.reader(lines, delimiter=delimiter)
        try:
            for row in reader:
                n = len(row)
                if n > width:
                    width = n
                cells += n
                if len(grid) >= MAX_ROWS or width > MAX_COLS or cells > MAX_CELLS:
                    raise _limit_error(path.name, None, len(grid) + 1, width)
                append([v if v.strip() else None for v in row])
        except csv.Error as exc:
            raise ImportFileError(f"CSV 文件 {path.name} 格式有误：{exc}") from None
    if not any(any(v is not None for v in row) for row in grid):
        raise ImportFileError(f"文件 {path.name} 中没有任何内容")
    while grid and all(v is None for v in grid[-1]):
        grid.pop()
    return RawSheet(name, grid)


def _no_nul(lines, path: Path):
    for line in lines:
        if "\x00" in line:
            raise ImportFileError(f"文件 {path.name} 不是文本表格（CSV），请提供 Excel 或 CSV 文件")
        yield line


def open_source(path: str | os.PathLike) -> SpreadsheetSource:
    path = Path(path)
    if path.is_dir():
        raise ImportFileError(f"{path} 是文件夹，请选择一个表格文件")
    return SpreadsheetSource(path)


def is_date(value: Any) -> bool:
    return isinstance(value, (dt.date, dt.datetime))
