"""Fixture files built by code: messy rosters as employers really send them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from factories import credit_code
from talentdesk.domain import idcard

EMPLOYER = "阿拉善盟农牧科学研究所"


def ids(n: int, start: int = 0, birth: dt.date = dt.date(1990, 5, 1)) -> list[str]:
    return [idcard.make("152921", birth + dt.timedelta(days=i), (start + i) % 1000) for i in range(n)]


def good_rows(n: int = 5) -> list[dict]:
    """Valid rows keyed by the file's own (non-standard) headers."""
    out = []
    for i, number in enumerate(ids(n)):
        out.append({
            "姓名": ["张伟", "李娜", "王芳", "刘洋", "陈静", "杨帆", "赵磊", "黄敏"][i % 8] + ("" if i < 8 else str(i)),
            "身份证号码": number,
            "学历": ["博士", "硕士研究生", "本科", "研究生", "大学本科"][i % 5],
            "学位": ["博士", "硕士", "学士", "硕士", "学士"][i % 5],
            "学习形式": "全日制",
            "毕业院校": "内蒙古大学",
            "引进方式": "招聘",
            "工作单位": EMPLOYER,
            "统一社会信用代码": credit_code(1),
            "引进时间": dt.date(2023, 5, 1),
            "合同期限（年）": "5年",
            "是否急需紧缺": ["是", "否", "√", "×", "Y"][i % 5],
            "联系电话": f"1380013{8000 + i:04d}",
        })
    return out


MESSY_HEADERS = ["序号", "姓名", "身份证号码", "学历", "学位", "学习形式", "毕业院校", "引进方式", "工作单位",
                 "统一社会信用代码", "引进\n时间", "合同期限\n（年）", "是否急需紧缺", "联系电话", "爱好"]


def write_messy_xlsx(path: Path, rows: list[dict] | None = None, *, extra: list[list] | None = None) -> dict:
    """Title rows, a 填报单位 line, merged title, header with line breaks, a row of column
    numbers, blank and 合计 rows, a 填表说明 line, a second sheet. Returns {label: excel row} info."""
    import openpyxl

    rows = rows if rows is not None else good_rows()
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "填表说明"
    notes["A1"] = "请按要求填写"
    ws = wb.create_sheet("人才花名册")
    n = len(MESSY_HEADERS)
    ws.cell(row=1, column=1, value="2023年度引进人才花名册")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=n)
    ws.cell(row=2, column=1, value=f"填报单位（盖章）：{EMPLOYER}")
    ws.cell(row=2, column=10, value="填报日期：2024年1月5日")
    for c, h in enumerate(MESSY_HEADERS, start=1):
        ws.cell(row=4, column=c, value=h)
    for c in range(1, n + 1):
        ws.cell(row=5, column=c, value=c)
    r = 6
    where = {}
    for i, row in enumerate(rows):
        ws.cell(row=r, column=1, value=i + 1)
        for c, h in enumerate(MESSY_HEADERS[1:], start=2):
            key = h.replace("\n", "")
            if key in row:
                ws.cell(row=r, column=c, value=row[key])
        where[i] = r
        r += 1
        if i == 1:
            r += 1  # a blank row in the middle
    for extra_row in extra or []:
        for c, value in enumerate(extra_row, start=1):
            ws.cell(row=r, column=c, value=value)
        r += 1
    ws.cell(row=r, column=1, value="合计")
    ws.cell(row=r, column=3, value=f"{len(rows)}人")
    ws.cell(row=r + 2, column=1, value="填表说明：1.身份证号请设为文本格式；2.日期写成2023-05-01。")
    ws.cell(row=r + 3, column=1, value="填表人：王五")
    ws.cell(row=r + 3, column=8, value="联系电话：0483-8221234")
    wb.save(path)
    return where
