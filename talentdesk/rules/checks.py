"""Named checks: one small function per kind of legal clause.

A check reads the talent's profile (standard roster fields), optional facts and the
case-by-case decisions, and answers ``True`` (met), ``False`` (not met) or ``None``
(undetermined: a needed value is missing). Each check returns what it read so the
explanation can show it. The pack gives each use of a check its parameters and the
clause it comes from; the engine attaches the citation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable

from talentdesk.domain import roster
from talentdesk.rules import dates

LABEL = {c.key: c.label for c in roster.COLUMNS}


@dataclass
class Outcome:
    passed: bool | None
    value: str
    message: str
    missing: str | None = None  # which field or fact is missing when undetermined
    decision: str | None = None  # a decision number that overrode the check


def _show(value: Any) -> str:
    if value is None:
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    return str(value)


def _missing(key: str) -> Outcome:
    label = LABEL.get(key, key)
    return Outcome(None, "（空）", f"缺少“{label}”，无法判断", missing=label)


def _in_list(key: str, noun: str) -> Callable:
    def check(ctx, p: dict) -> Outcome:
        value = ctx.get(key)
        allowed = list(p["in"])
        if value is None:
            return _missing(key)
        ok = value in allowed
        return Outcome(ok, _show(value), f"{noun}为“{value}”，" + ("符合" if ok else "不符合") +
                       f"（要求：{_show(allowed)}）")
    return check


def _flag(key: str, noun: str) -> Callable:
    def check(ctx, p: dict) -> Outcome:
        value = ctx.get(key)
        want = bool(p.get("value", True))
        if value is None:
            return _missing(key)
        ok = bool(value) == want
        return Outcome(ok, _show(value), f"{noun}：{_show(value)}，" + ("符合" if ok else "不符合") +
                       f"（要求：{_show(want)}）")
    return check


def _introduction_mode(ctx, modes: tuple[str, ...], kind: str, other: str) -> Outcome:
    mode = ctx.get("introduction_mode")
    if mode is None:
        return _missing("introduction_mode")
    ok = mode in modes
    return Outcome(ok, mode, f"引进方式“{mode}”属于" + (kind if ok else f"{other}，不是{kind}"))


def check_rigid(ctx, p: dict) -> Outcome:
    return _introduction_mode(ctx, roster.RIGID_MODES, "刚性引进", "柔性引进")


def check_flexible(ctx, p: dict) -> Outcome:
    return _introduction_mode(ctx, roster.FLEXIBLE_MODES, "柔性引进", "刚性引进")


def check_contract_years(ctx, p: dict) -> Outcome:
    """Contract of at least ``min`` years (以上 includes the number). A contract end date
    in facts (``contract_end_date``) is measured exactly from 合同起始日期: the contract
    covers N years when it runs to at least start + N years - 1 day."""
    need = int(p["min"])
    end = ctx.fact("contract_end_date")
    start = ctx.get("contract_start") or ctx.get("introduction_date")
    if end is not None and start is not None:
        last_needed = dates.add_years(start, need) - dt.timedelta(days=1)
        ok = end >= last_needed
        return Outcome(ok, f"{start.isoformat()}至{end.isoformat()}",
                       f"合同期{start.isoformat()}至{end.isoformat()}，" +
                       (f"满{need}年" if ok else f"不满{need}年（须至少到{last_needed.isoformat()}）"))
    years = ctx.get("contract_years")
    if years is None:
        return _missing("contract_years")
    ok = years >= need
    return Outcome(ok, _show(years), f"合同期限{_show(years)}年，" + ("不少于" if ok else "少于") + f"{need}年")


def check_age_limit(ctx, p: dict) -> Outcome:
    """Age at the introduction date against the limit for the talent's category.

    ``limits`` is an ordered list of ``{when: [checks], max_age: N, label}``; the first
    category whose checks all pass gives the limit. "不超过N周岁"/"N周岁以下" include N
    (民法典 第一千二百五十九条): the talent passes until the day before the N+1th birthday.
    A decision of kind ``age_limit`` overrides a failure."""
    birth = ctx.get("birth_date")
    on = ctx.get("introduction_date")
    if birth is None:
        return _missing("birth_date")
    if on is None:
        return _missing("introduction_date")
    for limit in p["limits"]:
        sub = [ctx.run_check(c) for c in limit.get("when", [])]
        if any(o.passed is None for o in sub):
            m = next(o for o in sub if o.passed is None)
            return Outcome(None, "（空）", f"无法确定适用的年龄上限：{m.message}", missing=m.missing)
        if all(o.passed for o in sub):
            top = int(limit["max_age"])
            age = dates.age_on(birth, on)
            limit_day = dates.birthday_in(birth, birth.year + top + 1)
            shown = f"出生{birth.isoformat()}，引进日期{on.isoformat()}时{age}周岁"
            if age <= top:
                return Outcome(True, shown, f"{limit['label']}年龄不超过{top}周岁：{shown}，符合"
                               f"（满{top + 1}周岁之日为{limit_day.isoformat()}）")
            dec = ctx.decision("age_limit")
            if dec is not None:
                return Outcome(True, shown, f"{limit['label']}年龄上限{top}周岁，{shown}，超龄；"
                               f"经“一事一议”决定（{dec.number}）放宽年龄限制", decision=dec.number)
            return Outcome(False, shown, f"{limit['label']}年龄不超过{top}周岁：{shown}，"
                           f"已于{limit_day.isoformat()}满{top + 1}周岁，超过年龄上限")
    return Outcome(True, _show(birth), "不属于设有年龄上限的人才类别，不限年龄")


def check_any_of(ctx, p: dict) -> Outcome:
    subs = [ctx.run_check(c) for c in p["checks"]]
    if any(o.passed for o in subs):
        o = next(o for o in subs if o.passed)
        return Outcome(True, o.value, o.message)
    if any(o.passed is None for o in subs):
        o = next(o for o in subs if o.passed is None)
        return Outcome(None, o.value, "；".join(s.message for s in subs), missing=o.missing)
    return Outcome(False, "；".join(o.value for o in subs), "均不符合：" + "；".join(o.message for o in subs))


def check_all_of(ctx, p: dict) -> Outcome:
    subs = [ctx.run_check(c) for c in p["checks"]]
    if all(o.passed for o in subs):
        return Outcome(True, "；".join(o.value for o in subs), "；".join(o.message for o in subs))
    if any(o.passed is False for o in subs):
        o = next(o for o in subs if o.passed is False)
        return Outcome(False, o.value, o.message)
    o = next(o for o in subs if o.passed is None)
    return Outcome(None, o.value, o.message, missing=o.missing)


def check_fact(ctx, p: dict) -> Outcome:
    """A fact not in the roster, from the ``facts`` argument: ``{fact, label, min}`` for a
    number at least ``min``, ``{fact, label, max}`` for at most ``max``, ``{fact, label,
    in: [...]}`` for one of several values, ``{fact, label, value}`` for an exact value
    (default true). A missing fact is undetermined (never met, never failed)."""
    name, label = p["fact"], p.get("label", p["fact"])
    value = ctx.fact(name)
    if value is None:
        return Outcome(None, "（空）", f"缺少事实“{label}”（facts.{name}），无法判断", missing=f"{label}（facts.{name}）")
    if "in" in p:
        allowed = list(p["in"])
        ok = value in allowed
        return Outcome(ok, _show(value), f"{label}：{_show(value)}，" + ("符合" if ok else "不符合") +
                       f"（要求：{_show(allowed)}）")
    if "max" in p:
        ok = value <= p["max"]
        return Outcome(ok, _show(value), f"{label}：{_show(value)}，" + ("符合" if ok else "不符合") + f"（至多{p['max']}）")
    if "min" in p:
        ok = value >= p["min"]
        return Outcome(ok, _show(value), f"{label}：{_show(value)}，" + ("符合" if ok else "不符合") + f"（至少{p['min']}）")
    want = p.get("value", True)
    ok = value == want
    return Outcome(ok, _show(value), f"{label}：{_show(value)}，" + ("符合" if ok else "不符合") + f"（要求：{_show(want)}）")


def check_date_on_or_after(ctx, p: dict) -> Outcome:
    """A roster date (``field``) or fact date (``fact``) on or after ``date``."""
    if "field" in p:
        value, label = ctx.get(p["field"]), LABEL.get(p["field"], p["field"])
        if value is None and p.get("blank_fails"):
            return Outcome(False, "（空）", f"未填写“{label}”，不属于该类人员")
        if value is None:
            return _missing(p["field"])
    else:
        value, label = ctx.fact(p["fact"]), p.get("label", p["fact"])
        if value is None:
            return Outcome(None, "（空）", f"缺少事实“{label}”（facts.{p['fact']}）", missing=f"{label}（facts.{p['fact']}）")
    ok = value >= p["date"]
    return Outcome(ok, _show(value), f"{label}{value.isoformat()}" + ("不早于" if ok else "早于") + f"{p['date'].isoformat()}")


def check_years_since_fact(ctx, p: dict) -> Outcome:
    """At least ``years`` years have passed from a fact date to the evaluation date."""
    name, label, years = p["fact"], p.get("label", p["fact"]), int(p["years"])
    value = ctx.fact(name)
    if value is None:
        return Outcome(None, "（空）", f"缺少事实“{label}”（facts.{name}）", missing=f"{label}（facts.{name}）")
    reached = dates.add_years(value, years)
    ok = ctx.as_of >= reached
    return Outcome(ok, value.isoformat(), f"{label}{value.isoformat()}，" +
                   (f"至{ctx.as_of.isoformat()}已满{years}年" if ok else f"到{reached.isoformat()}才满{years}年"))


def check_defer(ctx, p: dict) -> Outcome:
    """Where the text hands a case to the office or to “另行规定”: when every check in
    ``when`` passes, the benefit is undetermined (待决定) with ``message``; when one
    fails the clause does not apply (met); when one is undetermined, so is this."""
    subs = [ctx.run_check(c) for c in p.get("when", []) or []]
    if any(o.passed is False for o in subs):
        o = next(o for o in subs if o.passed is False)
        return Outcome(True, o.value, f"不属于“{p['label']}”：{o.message}")
    if any(o.passed is None for o in subs):
        o = next(o for o in subs if o.passed is None)
        return Outcome(None, o.value, f"无法判断是否属于“{p['label']}”：{o.message}", missing=o.missing)
    msg = p.get("message", f"属于“{p['label']}”，政策另行规定，待办公室决定")
    dec = ctx.decision("defer")
    if dec is not None:
        return Outcome(True, "；".join(o.value for o in subs), f"{msg}；已经决定（{dec.number}）"
                       + (f"：{dec.note}" if dec.note else ""), decision=dec.number)
    return Outcome(None, "；".join(o.value for o in subs), msg, missing=f"待决定：{p['label']}")


def check_not(ctx, p: dict) -> Outcome:
    """The negation of one check (``of``); undetermined stays undetermined."""
    o = ctx.run_check(p["of"])
    if o.passed is None:
        return o
    label = p.get("label", "")
    return Outcome(not o.passed, o.value, (f"{label}：" if label else "") + o.message +
                   ("，符合" if not o.passed else "，不符合"))


def _talent_class(ctx, p: dict) -> Outcome:
    """A blank 人才类别 means not (yet) recognised: recognition takes effect only once
    confirmed by the office, so blank is read as “无”."""
    if ctx.get("talent_class") is None:
        allowed = list(p["in"])
        ok = "无" in allowed
        return Outcome(ok, "（空）", "未填写人才类别，视为未经评价认定" + ("，符合" if ok else f"，不属于{_show(allowed)}类"))
    return _in_list("talent_class", "人才类别")(ctx, p)


CHECKS: dict[str, Callable] = {
    "rigid": check_rigid,
    "flexible": check_flexible,
    "introduction_mode": _in_list("introduction_mode", "引进方式"),
    "education": _in_list("education", "学历"),
    "degree": _in_list("degree", "学位"),
    "study_mode": _in_list("study_mode", "学习形式"),
    "university_tier": _in_list("university_tier", "院校类别"),
    "title": _in_list("title", "职称"),
    "talent_class": lambda ctx, p: _talent_class(ctx, p),
    "full_time": lambda ctx, p: _in_list("study_mode", "学习形式")(ctx, {"in": ["全日制"]}),
    "urgently_needed": _flag("urgently_needed", "急需紧缺"),
    "own_home": _flag("own_home", "本地自有住房"),
    "in_talent_apartment": _flag("talent_apartment", "入住人才公寓"),
    "contract_years": check_contract_years,
    "age_limit": check_age_limit,
    "any_of": check_any_of,
    "all_of": check_all_of,
    "fact": check_fact,
    "date_on_or_after": check_date_on_or_after,
    "years_since_fact": check_years_since_fact,
    "defer": check_defer,
    "not": check_not,
}

# required parameters of each check (besides check/cite), for the schema checker
PARAMS: dict[str, tuple[str, ...]] = {
    "introduction_mode": ("in",), "education": ("in",), "degree": ("in",), "study_mode": ("in",),
    "university_tier": ("in",), "title": ("in",), "talent_class": ("in",),
    "contract_years": ("min",), "age_limit": ("limits",), "any_of": ("checks",), "all_of": ("checks",),
    "fact": ("fact",), "date_on_or_after": ("date",), "years_since_fact": ("fact", "years"),
    "defer": ("when", "label"), "not": ("of",),
}
