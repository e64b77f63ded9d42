"""Synthetic but valid test data (names, ID numbers, credit codes)."""

from __future__ import annotations

import datetime as dt
import itertools

from talentdesk.domain import idcard, uscc

_seq = itertools.count(1)


def id_number(birth: dt.date = dt.date(1990, 5, 1), *, male: bool = True, area: str = "152921") -> str:
    n = next(_seq) % 500
    return idcard.make(area, birth, n * 2 + (1 if male else 0))


def credit_code(n: int = 1) -> str:
    return uscc.make(f"12152900{n:09d}")


def talent_row(**overrides) -> dict:
    """A label-keyed roster row for a PhD recruited in 2023."""
    row = {
        "姓名": "张伟",
        "身份证号": id_number(),
        "学历": "博士研究生",
        "学位": "博士",
        "学习形式": "全日制",
        "院校类别": "双一流",
        "引进方式": "招聘",
        "用人单位": "阿拉善盟农牧科学研究所",
        "统一社会信用代码": credit_code(1),
        "单位性质": "事业单位",
        "单位所属行业": "科学研究和技术服务业",
        "单位参公管理": "否",
        "所属地区": "阿拉善左旗",
        "引进日期": "2023-05-01",
        "合同起始日期": "2023-05-01",
        "合同期限（年）": "5",
        "急需紧缺": "是",
        "本地自有住房": "否",
        "入住人才公寓": "否",
        "手机号码": "13800138000",
    }
    row.update(overrides)
    return row
