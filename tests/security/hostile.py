"""Hostile and broken spreadsheet files, made small on disk (sparse files, streamed zips)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Default Extension="png" ContentType="image/png"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
</Types>"""
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="花名册" sheetId="1" r:id="rId1"/></sheets></workbook>"""
WB_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
</Relationships>"""
SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{doctype}\n'
              '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              '<dimension ref="{dim}"/><sheetData>')
SHEET_TAIL = "</sheetData></worksheet>"
HEADERS = ["姓名", "身份证号", "学历", "引进方式", "用人单位", "引进日期"]
COLS = "ABCDEFGHIJ"


def _cell(ref: str, value) -> str:
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value}</v></c>'
    text = str(value).replace("&", "&amp;").replace("<", "&lt;")
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def row_xml(r: int, values) -> str:
    return f'<row r="{r}">' + "".join(_cell(f"{COLS[i]}{r}", v) for i, v in enumerate(values)) + "</row>"


def write_xlsx(path: Path, rows_xml, *, dim: str = "A1:F2", doctype: str = "", extra: dict | None = None,
               sheet_chunks=None) -> Path:
    """A minimal .xlsx; ``rows_xml`` is an iterable of <row> strings (streamed)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WB_RELS)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(SHEET_HEAD.format(doctype=doctype, dim=dim).encode())
            for chunk in rows_xml:
                f.write(chunk.encode() if isinstance(chunk, str) else chunk)
            f.write(SHEET_TAIL.encode())
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return path


def valid_roster(path: Path, rows: list[list] | None = None) -> Path:
    rows = rows or [["张伟", "152921199005010010", "博士研究生", "招聘", "某单位", "2023-05-01"]]
    return write_xlsx(path, [row_xml(1, HEADERS)] + [row_xml(i + 2, r) for i, r in enumerate(rows)],
                      dim=f"A1:F{len(rows) + 1}")


def truncated(src: Path, path: Path, fraction: float = 0.5) -> Path:
    data = src.read_bytes()
    path.write_bytes(data[: int(len(data) * fraction)])
    return path


def corrupt(src: Path, path: Path) -> Path:
    data = bytearray(src.read_bytes())
    for i in range(200, len(data), 97):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))
    return path


def zip_bomb(path: Path, megabytes: int = 400) -> Path:
    """One cell holding ``megabytes`` MB of text: tiny on disk, huge when inflated."""
    block = b"A" * (1 << 20)

    def chunks():
        yield row_xml(1, HEADERS)
        yield '<row r="2"><c r="A2" t="inlineStr"><is><t>'
        for _ in range(megabytes):
            yield block
        yield "</t></is></c></row>"
    return write_xlsx(path, chunks(), dim="A1:F2")


def sparse_file(path: Path, size: int = 1 << 30, head: bytes = b"") -> Path:
    """A 1 GB file that takes no disk space (sparse)."""
    with open(path, "wb") as f:
        f.write(head)
        f.truncate(size)
    return path


BILLION_LAUGHS = """<!DOCTYPE lolz [
<!ENTITY lol "lol">
<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>"""
EXTERNAL_ENTITY = '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def entity_bomb(path: Path, doctype: str = BILLION_LAUGHS, entity: str = "&lol9;") -> Path:
    rows = [row_xml(1, HEADERS),
            f'<row r="2"><c r="A2" t="inlineStr"><is><t>{entity}</t></is></c></row>']
    return write_xlsx(path, rows, doctype=doctype)


def max_rows(path: Path) -> Path:
    """A header and a value in the very last row Excel has (1,048,576)."""
    return write_xlsx(path, [row_xml(1, HEADERS), row_xml(1048576, ["最后一行"])], dim="A1:F1048576")


def formulas(path: Path) -> Path:
    rows = [row_xml(1, HEADERS),
            '<row r="2"><c r="A2"><f>HYPERLINK("http://evil.example","点我")</f><v>0</v></c>'
            '<c r="B2"><f>1+1</f><v>2</v></c><c r="C2" t="inlineStr"><is><t>=cmd|\' /C calc\'!A0</t></is></c></row>']
    return write_xlsx(path, rows)


PNG_1PX = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                        "1f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d69a0000000049454e44ae426082")


def with_image(path: Path) -> Path:
    rows = [row_xml(1, HEADERS), row_xml(2, ["张伟", "152921199005010010", "博士研究生", "招聘", "某单位",
                                             "2023-05-01"])]
    return write_xlsx(path, rows, extra={"xl/media/image1.png": PNG_1PX * 1000})


def password_protected(path: Path) -> Path:
    """What Excel writes for a password-protected .xlsx: an OLE compound file
    (EncryptedPackage + EncryptionInfo streams) instead of a zip."""
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    header[24:26] = (0x3E).to_bytes(2, "little")
    header[26:28] = (3).to_bytes(2, "little")
    header[28:30] = b"\xfe\xff"
    header[30:32] = (9).to_bytes(2, "little")
    header[32:34] = (6).to_bytes(2, "little")
    name = "EncryptedPackage".encode("utf-16-le")
    body = bytearray(4096)
    body[0:len(name)] = name
    path.write_bytes(bytes(header) + bytes(body) + io.BytesIO(b"\x00" * 4096).getvalue())
    return path
