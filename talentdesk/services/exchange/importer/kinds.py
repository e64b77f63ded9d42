"""What can be imported: the roster, annual review results, payment confirmations, and the
facts per service year of grants (服务年度情况: months served, days on site, return to post).

An ``ImportKind`` lists its fields (key, Chinese label, parser, required, the other
header names seen in employers' files) and a row-level cross-check. The roster's fields
are the standard roster columns of ``talentdesk.domain.roster``; every value parser
lives in ``talentdesk.domain`` (``roster.Column.parse``, ``values``, ``money``).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Callable

from talentdesk.domain import idcard, money, roster, values
from talentdesk.domain.errors import FieldError
from talentdesk.domain.status import REVIEW_RESULTS


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label: str
    parse: Callable[[Any], Any]  # raw cell value → typed value; ValueError with a Chinese message
    required: bool = False
    kind: str = "text"  # text, choice, date, bool, decimal, idcard, uscc, phone, int, money
    choices: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()  # other header names for this column
    cache: bool = True  # memoise parsing of repeated text values (not for unique values like IDs)
    width: int = 12
    # Optional fast path: the normalised value when the row check validates it anyway
    # (the roster's cross-check parses the ID number), else None to use ``parse``.
    fast: Callable[[Any], Any] | None = None


@dataclass(frozen=True)
class ImportKind:
    name: str  # roster / reviews / payments
    title: str  # 花名册 …
    fields: tuple[FieldSpec, ...]
    # (columns {key: values}, rows, {row: failed field keys}) → {row: cross-field errors};
    # may fill derived fields in the columns
    check: Callable[[dict[str, list], int, dict[int, set[str]]], dict[int, list[FieldError]]]
    batch_kind: str  # ImportBatch.kind
    unique: tuple[str, ...] = ()  # fields that may appear once per file (duplicates are errors)
    # (ctx, rows, *, all_or_nothing, row_numbers, finish) → result with .rows/.committed/.recorded:
    # the service call that writes the rows (the kinds of kinds_care.py); None: the writer's own
    record_many: Callable[..., Any] | None = None

    @property
    def by_key(self) -> dict[str, FieldSpec]:
        return {f.key: f for f in self.fields}


def row_by_row(check: Callable[[dict[str, Any], set[str]], list[FieldError]]):
    """A cross-check written for one record (one that fills in nothing), applied to each row."""

    def columns_check(columns: dict[str, list], n: int, failed: dict[int, set[str]]) -> dict[int, list[FieldError]]:
        keys = list(columns)
        out = {}
        for i, values_ in enumerate(zip(*columns.values())):
            errors = check(dict(zip(keys, values_)), failed.get(i, set()))
            if errors:
                out[i] = errors
        return out

    return columns_check


# -- roster ------------------------------------------------------------------------

ROSTER_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("名字", "人才姓名", "职工姓名", "人员姓名"),
    "sex": ("性 别",),
    "id_number": ("身份证号码", "公民身份号码", "证件号码", "身份证", "居民身份证号", "居民身份证号码",
                  "身份证件号码", "公民身份证号码", "身份证号码18位"),
    "birth_date": ("出生年月日", "生日", "出生时间"),
    "political_status": ("政治面目",),
    "native_place": ("户籍地", "户籍所在地"),
    "education": ("最高学历", "文化程度", "学历层次"),
    "degree": ("最高学位",),
    "study_mode": ("教育形式", "学习方式", "教育类型"),
    "university": ("毕业学校", "毕业院校名称"),
    "university_tier": ("院校类型", "高校类别", "院校层次"),
    "major": ("所学专业", "毕业专业"),
    "graduation_date": ("毕业日期", "毕业年月"),
    "title": ("专业技术职称", "职称等级", "专业技术职务", "职称级别"),
    "talent_class": ("人才层次", "人才分类"),
    "employer_name": ("工作单位", "单位名称", "引进单位", "所在单位", "单位"),
    "employer_uscc": ("信用代码", "社会信用代码", "单位统一社会信用代码", "统一信用代码"),
    "employer_kind": ("单位类型",),
    "employer_industry": ("所属行业", "单位行业", "行业", "行业领域", "行业门类"),
    "employer_civil_service": ("参公管理", "是否参公", "是否参公管理", "参照公务员法管理"),
    "district": ("地区", "所在地区", "旗县区", "所属旗县区", "所属旗县"),
    "introduction_date": ("引进时间", "引进年月", "到岗时间", "到岗日期", "入职时间", "入职日期", "报到时间",
                          "报到日期"),
    "contract_start": ("合同开始日期", "合同起始时间", "合同开始时间", "聘用起始日期"),
    "contract_years": ("合同期限", "合同年限", "服务期限", "合同期", "合同期限年"),
    "agreement_signed_date": ("协议签订时间", "服务协议签订日期", "服务期协议签订日期"),
    "urgently_needed": ("是否急需紧缺", "急需紧缺人才", "是否急需紧缺人才"),
    "own_home": ("是否有本地自有住房", "自有住房", "本地住房", "是否本地自有住房"),
    "talent_apartment": ("是否入住人才公寓", "人才公寓"),
    "postdoc_entry_date": ("进站日期", "博士后进站时间"),
    "phone": ("联系电话", "手机", "电话", "联系方式", "手机号", "移动电话"),
    "remarks": ("备 注",),
}

# The service columns the 人才云平台 real-name export (talentdesk.services.exchange.platform) puts
# after the roster's own: a file in that layout imports as a roster, these columns left out.
PLATFORM_SERVICE_COLUMNS = ("人员状态", "引进类型", "适用政策", "服务协议", "已批准待遇", "核定待遇金额（元）",
                            "已发放金额（元）")
# Columns that are part of every hand-made roster but carry nothing to import.
IGNORED_HEADERS = ("序号", "编号", "年龄", "No", "NO", "no") + PLATFORM_SERVICE_COLUMNS

_NO_CACHE_KINDS = {"idcard", "phone"}


def _fast_id(value: Any) -> str | None:
    """An ASCII 18-character ID number, normalised as ``idcard.normalize`` would; its
    checksum and birth date are checked by ``roster.cross_check`` (one parse, not two)."""
    if value.__class__ is str and value.isascii():
        if idcard.is_canonical(value):
            return value
        text = value.strip().replace(" ", "").upper()
        if idcard.is_canonical(text):
            return text
    return None


def _roster_fields() -> tuple[FieldSpec, ...]:
    out = []
    for col in roster.COLUMNS:
        out.append(FieldSpec(col.key, col.label, col.parse, col.required, col.kind, col.choices,
                             ROSTER_ALIASES.get(col.key, ()), cache=col.kind not in _NO_CACHE_KINDS
                             and col.key not in ("name",), width=col.width,
                             fast=_fast_id if col.kind == "idcard" else None))
    return tuple(out)


def _roster_check(columns: dict[str, list], n: int, failed: dict[int, set[str]]) -> dict[int, list[FieldError]]:
    return roster.cross_check_columns(columns, n, failed=failed)


ROSTER = ImportKind("roster", "花名册", _roster_fields(), _roster_check, "roster", ("id_number",))


# -- annual review results ---------------------------------------------------------

def _id_field() -> FieldSpec:
    col = roster.BY_KEY["id_number"]
    return FieldSpec("id_number", "身份证号", col.parse, True, "idcard", aliases=ROSTER_ALIASES["id_number"],
                     cache=False, width=21)


def _name_field() -> FieldSpec:
    return FieldSpec("name", "姓名", roster.BY_KEY["name"].parse, False, "text",
                     aliases=ROSTER_ALIASES["name"], cache=False, width=10)


def _parse_result(value: Any) -> Any:
    return values.parse_choice(value, REVIEW_RESULTS, roster.SYNONYMS.get("review_result"), label="考核结果")


def _parse_year(value: Any) -> Any:
    return values.parse_year(value)


def _reviews_check(record: dict[str, Any], failed: set[str]) -> list[FieldError]:
    errors = []
    year, day = record.get("year"), record.get("review_date")
    if year and day and day.year < year:
        errors.append(FieldError("review_date", "考核日期", day, f"考核日期：{day:%Y-%m-%d}早于{year}年度结束，请核对"))
    if year and year > dt.date.today().year:
        errors.append(FieldError("year", "年度", year, f"年度：{year}年度尚未开始，不能录入考核结果"))
    return errors


REVIEWS = ImportKind("reviews", "年度考核结果", (
    _id_field(),
    _name_field(),
    FieldSpec("year", "年度", _parse_year, True, "int", aliases=("考核年度", "年份", "考核年份"), width=8),
    FieldSpec("result", "考核结果", _parse_result, True, "choice", REVIEW_RESULTS,
              aliases=("考核等次", "考核结论", "结果", "等次"), width=10),
    FieldSpec("review_date", "考核日期", lambda v: values.parse_date(v), False, "date",
              aliases=("考核时间",), width=12),
    FieldSpec("remarks", "备注", roster.BY_KEY["remarks"].parse, False, "text", width=20),
), row_by_row(_reviews_check), "review", ("id_number", "year"))


# -- payment confirmations -----------------------------------------------------------

def _parse_amount(value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"“{value}”不是有效金额")
    try:
        fen = money.parse_yuan(values.fold_width(value) if isinstance(value, str) else value)
    except ArithmeticError:  # decimal.InvalidOperation for "inf", "1e400" …
        raise ValueError(f"“{value}”不是有效金额") from None
    if fen > 10**13:
        raise ValueError(f"“{value}”金额过大，请核对（单位为元）")
    if fen <= 0:
        raise ValueError(f"“{value}”应为大于0的金额（元）")
    return fen


def _payments_check(record: dict[str, Any], failed: set[str]) -> list[FieldError]:
    errors = []
    day = record.get("paid_date")
    if day and day > dt.date.today():
        errors.append(FieldError("paid_date", "发放日期", day, f"发放日期：{day:%Y-%m-%d}在今天之后，请核对"))
    return errors


def _parse_seq(value: Any) -> Any:
    """The installment number as the ledger shows it: 2, "2", "第2期"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(f"“{value}”应写成 1、2 或 第2期")
    if isinstance(value, (int, float)) and float(value).is_integer() and value > 0:
        return int(value)
    text = values.fold_width(str(value)).strip()
    digits = text.removeprefix("第").removesuffix("期").strip()
    if digits.isdigit() and 0 < int(digits) < 1000:
        return int(digits)
    raise ValueError(f"“{value}”应写成 1、2 或 第2期")


def _payments_row_check(record: dict[str, Any], failed: set[str]) -> list[FieldError]:
    errors = _payments_check(record, failed)
    if record.get("seq") is None and record.get("due_date") is None and not failed & {"seq", "due_date"}:
        errors.append(FieldError("seq", "期次", None, "期次：请写明本行发放的是第几期（或填写应发日期），"
                                                     "不能按“下一期”自动匹配"))
    return errors


PAYMENTS = ImportKind("payments", "待遇发放确认", (
    _id_field(),
    _name_field(),
    FieldSpec("benefit", "待遇项目", roster.BY_KEY["remarks"].parse, True, "text",
              aliases=("待遇名称", "补贴项目", "补贴名称", "项目", "待遇类别", "补贴类别"), width=14),
    # which installment the row pays: its number in the ledger and/or its due date (never "the next one")
    FieldSpec("seq", "期次", _parse_seq, False, "int", aliases=("第几期", "分期", "发放期次", "期数"), width=8),
    FieldSpec("due_date", "应发日期", lambda v: values.parse_date(v), False, "date",
              aliases=("应发时间", "计划发放日期", "应发放日期"), width=12),
    FieldSpec("amount_fen", "金额", _parse_amount, True, "money",
              aliases=("发放金额", "金额元", "补贴金额", "实发金额", "金额(元)"), width=12),
    FieldSpec("paid_date", "发放日期", lambda v: values.parse_date(v), True, "date",
              aliases=("发放时间", "支付日期", "付款日期"), width=12),
    # one voucher pays exactly one installment: required, and unique within the file
    FieldSpec("voucher_no", "凭证号", roster.BY_KEY["remarks"].parse, True, "text",
              aliases=("凭证编号", "记账凭证号", "付款凭证号", "凭证号码", "会计凭证号"), cache=False, width=14),
    FieldSpec("remarks", "备注", roster.BY_KEY["remarks"].parse, False, "text", width=20),
), row_by_row(_payments_row_check), "payment", ("voucher_no",))


# -- facts per service year of a grant (grant_facts) -----------------------------------

def _bounded_int(low: int, high: int, unit: str) -> Callable[[Any], Any]:
    def parse(value: Any) -> Any:
        text = values.fold_width(value) if isinstance(value, str) else value
        n = values.parse_int(text, unit=unit)
        if n is not None and not low <= n <= high:
            raise ValueError(f"“{value}”应在{low}到{high}{unit}之间")
        return n
    return parse


def _parse_service_year(value: Any) -> Any:
    text = values.fold_width(value) if isinstance(value, str) else value
    if isinstance(text, str):
        text = text.strip().removeprefix("第").removesuffix("年度").removesuffix("年").removesuffix("个服务")
    n = values.parse_int(text)
    if n is not None and not 1 <= n <= 50:
        raise ValueError(f"“{value}”应为第几个服务年度（1到50），不是公历年份")
    return n


FACT_VALUE_KEYS = ("months_served", "onsite_days", "returned_to_post")


def _facts_check(record: dict[str, Any], failed: set[str]) -> list[FieldError]:
    if failed & set(FACT_VALUE_KEYS):
        return []
    if all(record.get(k) is None for k in FACT_VALUE_KEYS):
        return [FieldError("months_served", "服务月数", None,
                           "服务月数：服务月数、在岗天数、是否返岗至少填写一项")]
    return []


FACTS = ImportKind("facts", "服务年度情况", (
    _id_field(),
    _name_field(),
    FieldSpec("benefit", "待遇项目", roster.BY_KEY["remarks"].parse, True, "text",
              aliases=("待遇名称", "补贴项目", "补贴名称", "项目"), width=14),
    FieldSpec("year", "服务年度", _parse_service_year, True, "int",
              aliases=("第几年", "服务年份", "年度序号"), width=10),
    FieldSpec("months_served", "服务月数", _bounded_int(0, 12, "个月"), False, "int",
              aliases=("累计服务月数", "服务时间（月）", "服务月份数"), width=10),
    FieldSpec("onsite_days", "在岗天数", _bounded_int(0, 366, "天"), False, "int",
              aliases=("驻地天数", "在岗（驻地）天数", "在岗时间（天）"), width=10),
    FieldSpec("returned_to_post", "是否返岗", values.parse_bool, False, "bool",
              aliases=("返岗", "已返岗"), width=10),
    FieldSpec("remarks", "备注", roster.BY_KEY["remarks"].parse, False, "text", width=20),
), row_by_row(_facts_check), "facts", ("id_number", "benefit", "year"))


# 人才认定, 服务事项, 回访记录, 人才公寓入住 (issue 17): defined in kinds_care.py
from talentdesk.services.exchange.importer import kinds_care  # noqa: E402

CARE_KINDS = kinds_care.build(FieldSpec, ImportKind, row_by_row, _id_field(), _name_field())

KINDS: dict[str, ImportKind] = {k.name: k for k in (ROSTER, REVIEWS, PAYMENTS, FACTS, *CARE_KINDS)}


def get_kind(name: str) -> ImportKind:
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"unknown import kind {name!r}") from None
