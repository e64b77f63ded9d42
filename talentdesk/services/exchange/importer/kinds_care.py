"""Import kinds for the office's other registers (issue 17): 人才认定 (recognitions), 服务事项
(service cases), 回访记录 (visits) and 人才公寓入住 (flats and their occupancies).

Same engine as the roster, reviews and payments (``kinds.py``): a kind lists its fields and
a row-level cross-check; the rows are handed to ``talentdesk.services.care.imports``, which
writes them through the owning services (their checks, permissions and audit) in one
transaction; refusals come back as cell errors and are painted into the error report.

``kinds.py`` registers these kinds in ``KINDS`` by calling ``build`` with its building
blocks (FieldSpec, ImportKind, row_by_row and the 身份证号/姓名 fields), so this module
imports nothing from it and there is no import cycle.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from talentdesk.domain import recognition as schemes
from talentdesk.domain import roster, values
from talentdesk.domain.errors import FieldError

_text = roster.BY_KEY["remarks"].parse


def _date(value: Any) -> Any:
    return values.parse_date(value)


def _choice(choices: tuple[str, ...], label: str, synonyms: dict[str, str] | None = None):
    def parse(value: Any) -> Any:
        return values.parse_choice(value, choices, synonyms, label=label)
    return parse


def _limit_days(value: Any) -> Any:
    """办理时限 in working days: 10, "10", "10个工作日"; blank = the kind's default."""
    if isinstance(value, str):
        value = values.fold_width(value).strip().removesuffix("个工作日").removesuffix("工作日").removesuffix("天")
    n = values.parse_int(value)
    if n is not None and not 1 <= n <= 365:
        raise ValueError(f"“{value}”应为1至365个工作日（不限时留空）")
    return n


def _area(value: Any) -> Any:
    if isinstance(value, str):
        value = values.fold_width(value).strip().removesuffix("平方米").removesuffix("㎡").removesuffix("m2")
    n = values.parse_int(value, unit="")
    if n is not None and not 1 <= n <= 10_000:
        raise ValueError(f"“{value}”应为1至10000的整数平方米")
    return n


def _not_future(key: str, label: str):
    def check(record: dict[str, Any], failed: set[str]) -> list[FieldError]:
        day = record.get(key)
        if day and day > dt.date.today():
            return [FieldError(key, label, day, f"{label}：{day:%Y-%m-%d}在今天之后，请核对")]
        return []
    return check


# -- 人才认定 ------------------------------------------------------------------------------

def _recognitions_check(record: dict[str, Any], failed: set[str]) -> list[FieldError]:
    errors = _not_future("recognised_on", "认定日期")(record, failed)
    scheme, tier = record.get("scheme"), record.get("tier")
    if scheme and tier and "tier" not in failed:
        problem = schemes.check_tier(scheme, tier)
        if problem:
            errors.append(FieldError("tier", "类别或层次", tier, f"类别或层次：{problem}"))
    start, end = record.get("recognised_on"), record.get("valid_until")
    if start and end and end < start:
        errors.append(FieldError("valid_until", "有效期至", end, f"有效期至：{end:%Y-%m-%d}早于认定日期{start:%Y-%m-%d}"))
    return errors


# -- 服务事项 ------------------------------------------------------------------------------

# the services' own lists (services.care.cases.KINDS / OUTCOMES, visits.FORMS; a test keeps them
# equal): not imported here, so opening the importer does not load the services and the engine
_CASE_KINDS = ("子女入学", "配偶安置", "落户", "体检", "就医", "疗养", "其他")
_CASE_KIND_SYNONYMS = {"配偶就业": "配偶安置", "配偶就业安置": "配偶安置", "配偶随调": "配偶安置", "户口迁移": "落户",
                       "健康体检": "体检", "就医绿色通道": "就医", "医疗": "就医", "学术休假疗养": "疗养", "子女就学": "子女入学"}
_OUTCOMES = ("办结", "未办结", "不予受理", "申请人撤回")


def _cases_check(record: dict[str, Any], failed: set[str]) -> list[FieldError]:
    errors = _not_future("requested_on", "申请日期")(record, failed)
    start, end = record.get("requested_on"), record.get("closed_on")
    if start and end and end < start:
        errors.append(FieldError("closed_on", "办结日期", end, f"办结日期：{end:%Y-%m-%d}早于申请日期{start:%Y-%m-%d}"))
    if not failed & {"outcome", "closed_on"}:
        if record.get("outcome") and not end:
            errors.append(FieldError("closed_on", "办结日期", None, "办结日期：填写了办理结果时必须填写"))
        elif end and not record.get("outcome"):
            errors.append(FieldError("outcome", "办理结果", None, "办理结果：填写了办结日期时必须填写"))
    return errors


# -- 回访记录 ------------------------------------------------------------------------------

_FORMS = ("走访", "电话", "座谈")


# -- 人才公寓入住 ----------------------------------------------------------------------------

def _housing_check(record: dict[str, Any], failed: set[str]) -> list[FieldError]:
    errors = _not_future("start_date", "入住日期")(record, failed)
    start, end = record.get("start_date"), record.get("end_date")
    if start and end and end < start:
        errors.append(FieldError("end_date", "退房日期", end, f"退房日期：{end:%Y-%m-%d}早于入住日期{start:%Y-%m-%d}"))
    if end and not record.get("ended_reason") and "ended_reason" not in failed:
        errors.append(FieldError("ended_reason", "退房原因", None, "退房原因：填写了退房日期时必须填写"))
    return errors


def _writer(name: str):
    """The service call writing a kind's rows (talentdesk.services.care.imports), imported
    when an import is committed."""
    def record_many(*args, **kwargs):
        from talentdesk.services.care import imports

        return getattr(imports, name)(*args, **kwargs)
    return record_many


def build(FieldSpec: Any, ImportKind: Any, row_by_row: Any, id_field: Any, name_field: Any) -> tuple:
    """The four kinds, made with ``kinds.py``'s building blocks (see the module docstring)."""
    RECOGNITIONS = ImportKind("recognitions", "人才认定", (
        id_field, name_field,
        FieldSpec("scheme", "认定类型", _choice(tuple(schemes.SCHEMES), "认定类型"), True, "choice",
                  tuple(schemes.SCHEMES), aliases=("认定类别", "认定项目", "人才分类认定"), width=20),
        FieldSpec("tier", "类别或层次", _text, True, "text", aliases=("人才类别", "类别", "层次", "认定层次", "认定等级"),
                  width=12),
        FieldSpec("body", "认定机构", _text, False, "text", aliases=("认定单位", "认定部门"), width=24),
        FieldSpec("doc_no", "认定文号", _text, True, "text", aliases=("文号", "认定文件文号", "发文文号"), cache=False,
                  width=22),
        FieldSpec("recognised_on", "认定日期", _date, True, "date", aliases=("认定时间", "发文日期"), width=12),
        FieldSpec("valid_until", "有效期至", _date, False, "date", aliases=("有效期截止", "有效期", "截止日期"), width=12),
    ), row_by_row(_recognitions_check), "recognition", ("id_number", "scheme", "doc_no"),
        record_many=_writer("record_recognitions"))

    CASES = ImportKind("cases", "人才服务事项", (
        id_field, name_field,
        FieldSpec("kind", "事项类别", _choice(_CASE_KINDS, "事项类别", _CASE_KIND_SYNONYMS), True, "choice", _CASE_KINDS,
                  aliases=("服务类别", "服务事项", "事项类型"), width=10),
        FieldSpec("requested_on", "申请日期", _date, True, "date", aliases=("受理日期", "申请时间", "受理时间"), width=12),
        FieldSpec("summary", "事项内容", _text, True, "text", aliases=("具体诉求", "诉求", "服务内容", "事项说明"),
                  cache=False, width=30),
        FieldSpec("department", "责任部门", _text, False, "text", aliases=("承办部门", "办理部门", "协办部门"), width=18),
        FieldSpec("limit_days", "办理时限（工作日）", _limit_days, False, "int",
                  aliases=("办理时限", "时限", "承诺时限", "时限（工作日）"), width=12),
        FieldSpec("handled_by", "经办人", _text, False, "text", aliases=("承办人", "办理人"), width=10),
        FieldSpec("article", "办理依据", _text, False, "text", aliases=("依据", "政策依据"), width=20),
        FieldSpec("outcome", "办理结果", _choice(_OUTCOMES, "办理结果", {"已办结": "办结", "撤回": "申请人撤回"}), False,
                  "choice", _OUTCOMES, aliases=("办结情况", "结果"), width=10),
        FieldSpec("closed_on", "办结日期", _date, False, "date", aliases=("办结时间", "完成日期"), width=12),
        FieldSpec("result", "结果说明", _text, False, "text", aliases=("办理情况", "办理结果说明"), cache=False, width=30),
    ), row_by_row(_cases_check), "case", (), record_many=_writer("record_cases"))

    VISITS = ImportKind("visits", "回访记录", (
        id_field, name_field,
        FieldSpec("visited_on", "走访日期", _date, True, "date", aliases=("回访日期", "走访时间", "回访时间", "日期"), width=12),
        FieldSpec("visitors", "走访人员", _text, True, "text", aliases=("回访人员", "走访人", "回访人"), width=16),
        FieldSpec("form", "走访形式", _choice(_FORMS, "走访形式", {"上门走访": "走访", "电话回访": "电话", "座谈会": "座谈",
                                                              "实地走访": "走访"}), True, "choice", _FORMS,
                  aliases=("回访形式", "方式", "回访方式"), width=10),
        FieldSpec("issues", "反映问题", _text, False, "text", aliases=("反映的问题", "问题和诉求", "诉求", "反映问题和诉求"),
                  cache=False, width=30),
        FieldSpec("follow_up", "跟进措施", _text, False, "text", aliases=("处理意见", "跟进情况"), cache=False, width=24),
        FieldSpec("case_kind", "新建事项类别", _choice(_CASE_KINDS, "新建事项类别", _CASE_KIND_SYNONYMS), False, "choice",
                  _CASE_KINDS, aliases=("转办事项类别", "需办理事项"), width=12),
    ), row_by_row(_not_future("visited_on", "走访日期")), "visit", (), record_many=_writer("record_visits"))

    HOUSING = ImportKind("housing", "人才公寓入住", (
        FieldSpec("unit", "房号", _text, True, "text", aliases=("房间号", "房源", "公寓房号", "地址", "房屋地址"), width=22),
        FieldSpec("area_m2", "面积（平方米）", _area, False, "int", aliases=("面积", "建筑面积", "面积㎡"), width=10),
        FieldSpec("programme", "产权单位", _text, False, "text", aliases=("项目", "公寓项目", "产权单位或项目"), width=20),
        id_field, name_field,
        FieldSpec("start_date", "入住日期", _date, True, "date", aliases=("入住时间", "起始日期"), width=12),
        FieldSpec("end_date", "退房日期", _date, False, "date", aliases=("腾退日期", "退房时间", "截止日期"), width=12),
        FieldSpec("ended_reason", "退房原因", _text, False, "text", aliases=("腾退原因",), width=20),
    ), row_by_row(_housing_check), "housing", (), record_many=_writer("record_occupancies"))
    return (RECOGNITIONS, CASES, VISITS, HOUSING)
