"""The blank templates employers fill in: 花名册, 年度考核结果, 待遇发放确认, 服务年度情况.

Header in row 1 (frozen, required columns marked and coloured), ID, phone and credit
code columns formatted as text (so Excel cannot turn an ID into 1.52921E+17), a
drop-down list for every value set, date columns formatted yyyy-mm-dd with a date
validation, and a 填表说明 sheet describing every column.
"""

from __future__ import annotations

import os
from pathlib import Path

from talentdesk.domain.roster import YES_NO
from talentdesk.fileio import atomic_path
from talentdesk.services.exchange.importer.kinds import ImportKind, get_kind
from talentdesk.services.exchange.importer.mapping import column_letter

ROWS = 2000  # rows prepared with formats and validations
_TEXT_KINDS = {"idcard", "phone", "uscc", "month_or_date"}  # month_or_date: so 2020.10 stays 2020.10
_HINTS = {
    "idcard": "18位居民身份证号，末位X大小写均可；本列已设为文本格式，请勿改为数字",
    "phone": "11位手机号或带区号的固定电话",
    "uscc": "18位统一社会信用代码",
    "date": "日期，如 2023-05-01（也可写 2023/5/1、2023年5月1日）",
    "month_or_date": "年月或日期，如 2020.07、2020年7月 或 2020-07-15（只写年月时按年月保存）",
    "bool": "填“是”或“否”",
    "decimal": "数字，如 5（可带“年”字）",
    "int": "年份，如 2023",
    "money": "金额（元），如 40000.00",
    "text": "文字",
}


def write_template(kind: str | ImportKind, out: str | os.PathLike) -> Path:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.worksheet.datavalidation import DataValidation

    k = get_kind(kind) if isinstance(kind, str) else kind
    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        out = out.with_suffix(".xlsx")
    wb = Workbook()
    ws = wb.active
    ws.title = k.title
    thin = Side(style="thin", color="FF999999")
    head_fill = PatternFill("solid", fgColor="FFDDEBF7")
    req_fill = PatternFill("solid", fgColor="FFFCE4D6")
    for i, f in enumerate(k.fields, start=1):
        letter = column_letter(i - 1)
        cell = ws.cell(row=1, column=i, value=f.label)
        cell.font = Font(bold=True, color="FFC00000" if f.required else "FF000000")
        cell.fill = req_fill if f.required else head_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        hint = _hint(f, k.name)
        cell.comment = Comment(("必填。" if f.required else "") + hint, "人才服务台账")
        ws.column_dimensions[letter].width = max(f.width, len(f.label) * 2 + 2)
        rng = f"{letter}2:{letter}{ROWS + 1}"
        fmt = None
        if f.kind in _TEXT_KINDS:
            fmt = "@"
        elif f.kind == "date":
            fmt = "yyyy-mm-dd"
            dv = DataValidation(type="date", operator="between", formula1="DATE(1900,1,1)",
                                formula2="DATE(2100,12,31)", allow_blank=True, showErrorMessage=True,
                                errorTitle="日期格式不对", error="请填写日期，如 2023-05-01")
            ws.add_data_validation(dv)
            dv.add(rng)
        elif f.kind == "money":
            fmt = "#,##0.00"
        choices = f.choices or (YES_NO if f.kind == "bool" else ())
        if choices:
            dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True,
                                showErrorMessage=True, errorTitle="请从下拉列表中选择",
                                error=f"{f.label}应为：{'、'.join(choices)}")
            ws.add_data_validation(dv)
            dv.add(rng)
        if fmt:
            ws.column_dimensions[letter].number_format = fmt
            for r in range(2, ROWS + 2):
                ws.cell(row=r, column=i).number_format = fmt
    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = 32
    _instructions(wb, k)
    with atomic_path(out) as tmp:
        wb.save(tmp)
    return out


# Column hints that say more than the value kind: the payments template's installment columns,
# and columns whose kind alone says the wrong thing (labels are unique per template).
_FIELD_HINTS = {
    ("payments", "seq"): "本行发放的是第几期，与台账“期次”一致，如 1 或 第2期；期次和应发日期至少填一项",
    ("payments", "due_date"): "该期的应发日期（台账“应发日期”），如 2024-06-01；期次和应发日期至少填一项",
    ("payments", "voucher_no"): "会计凭证号；一个凭证号只对应一期发放，同一文件中不能重复。"
                                "已按同一凭证号登记过的行再次导入时显示“已登记，未改动”",
}
_LABEL_HINTS = {
    "服务年度": "第几个服务年度，填 1、2、3 …（1 为待遇起算后的第一年），不是公历年份",
    "服务月数": "该服务年度内累计服务的月数，0到12的整数",
    "在岗天数": "该服务年度内在岗（驻地）的天数，0到366的整数",
    "待遇项目": "待遇名称或代码，如 特聘专家补贴 或 special_hire_subsidy",
    # 人才认定, 服务事项, 回访记录, 人才公寓入住 (kinds_care.py)
    "类别或层次": "阿拉善盟人才分类填 A—E；包头市高层次人才认定填 一类—七类；阿拉善英才等项目填项目名称或批次",
    "认定文号": "认定文件的文号，如 阿人才办字〔2025〕5号；导入后为“待确认”，由另一名审核人员确认后生效（第二十条）",
    "认定机构": "不填时按认定类型取默认机构（如 阿拉善盟委人才工作领导小组办公室）",
    "办理时限（工作日）": "工作日数，如 10；不填按该类事项的默认时限（落户、子女入学、就医10个工作日，其他不限）",
    "办理依据": "文件和条款；不填按人才所适用政策的条款（政策未写明该类服务时必须填写）",
    "办理结果": "已办结的事项填写（办结、未办结、不予受理、申请人撤回），同时填写办结日期；办理中的事项不填",
    "新建事项类别": "回访中提出需办理的事项时填写，将按走访日期新建一件服务事项；不需要时不填",
    "面积（平方米）": "整数平方米，如 90；房号已登记时不填",
    "房号": "公寓房号或地址；尚未登记的房号将先登记为房源",
    "退房日期": "已退房的填写（同时填写退房原因）；仍在住的不填",
}


def _hint(f, kind: str = "") -> str:
    if (kind, f.key) in _FIELD_HINTS:
        return _FIELD_HINTS[(kind, f.key)]
    if f.label in _LABEL_HINTS:
        return _LABEL_HINTS[f.label]
    if f.choices:
        return "从下拉列表选择：" + "、".join(f.choices)
    if f.kind == "bool":
        return _HINTS["bool"]
    return _HINTS.get(f.kind, _HINTS["text"])


def _instructions(wb, k: ImportKind) -> None:
    from openpyxl.styles import Alignment, Font

    ws = wb.create_sheet("填表说明")
    ws.append([f"{k.title}填表说明"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([])
    general = [
        f"1. 请在“{k.title}”工作表中从第2行起逐行填写，每人一行；不要修改第1行的列名，不要插入合并单元格。",
        "2. 红色列名为必填项。身份证号、手机号码、统一社会信用代码列已设为文本格式，请直接输入或“选择性粘贴—数值”，"
        "不要改成数字格式，否则 Excel 会把身份证号变成 1.52921E+17 并丢失末几位。",
        "3. 日期请填写为 2023-05-01 的形式（也可以是 2023/5/1、2023.5.1、2023年5月1日、20230501）。",
        "4. 带下拉箭头的列请从下拉列表中选择；“是/否”列填“是”或“否”。",
        "5. 不要在表格末尾添加“合计”行；如需说明请写在本工作表中。",
    ]
    if k.name == "payments":
        general.append("6. 每行写明发放的是哪一期（期次或应发日期，与发放台账一致），不会按“下一期”自动匹配；"
                       "一个凭证号只对应一期发放。同一文件再次导入不会重复发放：已登记的行显示“已登记，未改动”。")
    for line in general:
        ws.append([line])
    ws.append([])
    ws.append(["列名", "是否必填", "填写要求"])
    for c in ws[ws.max_row]:
        c.font = Font(bold=True)
    for f in k.fields:
        ws.append([f.label, "必填" if f.required else "", _hint(f, k.name)])
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 10
    ws.column_dimensions["C"].width = 80
    for row in ws.iter_rows(min_row=3, max_row=3 + len(general)):
        row[0].alignment = Alignment(wrap_text=False)
