"""Reading spreadsheets into grids of raw cell values.

One reader for every format a clerk receives: .xlsx/.xlsm/.xls/.ods through
python-calamine (measured ~10x faster than openpyxl, see ``bench/bench_import.py``) and
.csv in UTF-8 (with or without BOM) or GBK/GB18030. A grid is a list of rows, each a list
of raw values (``str``, ``int``, ``float``, ``bool``, ``date``, ``datetime``, or ``None``
for a blank cell); ``grid[r][c]`` is the cell Excel shows at row ``r + 1``, column
``c + 1``. Cells inside a merged range carry the value of the range's top-left cell.

Anything that cannot be read (password-protected, corrupt, truncated, empty, not a
spreadsheet) raises ``ImportFileError`` with one plain Chinese message.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from talentdesk.domain.errors import TalentDeskError

SPREADSHEET_EXT = {".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"


class ImportFileError(TalentDeskError):
    """The file cannot be read at all (exit status 2 in the CLI)."""


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
                grid = sh.to_python(skip_empty_area=False)
                merged = list(_merged_ranges(sh))
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
    size = path.stat().st_size
    with open(path, "rb") as f:
        head = f.read(1 << 16)
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    if b"\x00" in head and not utf16:
        raise ImportFileError(f"文件 {path.name} 不是文本表格（CSV），请提供 Excel 或 CSV 文件")
    if size > MAX_CSV_BYTES * (2 if utf16 else 1):
        raise ImportFileError(f"文件 {path.name} 过大（{size >> 20} MB），不像是一份花名册；"
                              f"请检查文件，或分成几个文件后再导入")
    data = path.read_bytes()
    if b"\x00" in data and not utf16:
        raise ImportFileError(f"文件 {path.name} 不是文本表格（CSV），请提供 Excel 或 CSV 文件")
    text = decode_text(data, path.name)
    if not text.strip():
        raise ImportFileError(f"文件 {path.name} 中没有任何内容")
    sample = text[:8192]
    delimiter = ","
    counts = {d: sample.count(d) for d in (",", "\t", ";", "，")}
    best = max(counts, key=counts.get)
    if counts[best] > counts[","]:
        delimiter = best
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    grid: list[list[Any]] = []
    try:
        for row in reader:
            grid.append([v if v.strip() else None for v in row])
    except csv.Error as exc:
        raise ImportFileError(f"CSV 文件 {path.name} 格式有误：{exc}") from None
    while grid and all(v is None for v in grid[-1]):
        grid.pop()
    return RawSheet(os.path.splitext(path.name)[0] or "CSV", grid)


def open_source(path: str | os.PathLike) -> SpreadsheetSource:
    path = Path(path)
    if path.is_dir():
        raise ImportFileError(f"{path} 是文件夹，请选择一个表格文件")
    return SpreadsheetSource(path)


def is_date(value: Any) -> bool:
    return isinstance(value, (dt.date, dt.datetime))
