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
    # undetermined because a recognition (人才分类认定) is not confirmed or not in force: an
    # amount tier waiting for it blocks the later tiers (which standard applies is unknown)
    recognition: bool = False


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
        return Outcome(None, o.value, "；".join(s.message for s in subs), missing=o.missing, recognition=o.recognition)
    return Outcome(False, "；".join(o.value for o in subs), "均不符合：" + "；".join(o.message for o in subs))


def check_all_of(ctx, p: dict) -> Outcome:
    subs = [ctx.run_check(c) for c in p["checks"]]
    if all(o.passed for o in subs):
        return Outcome(True, "；".join(o.value for o in subs), "；".join(o.message for o in subs))
    if any(o.passed is False for o in subs):
        o = next(o for o in subs if o.passed is False)
        return Outcome(False, o.value, o.message)
    o = next(o for o in subs if o.passed is None)
    return Outcome(None, o.value, o.message, missing=o.missing, recognition=o.recognition)


def check_fact(ctx, p: dict) -> Outcome:
    """A fact not in the roster, from the ``facts`` argument: ``{fact, label, min}`` for a
    number at least ``min``, ``{fact, label, max}`` for at most ``max``, ``{fact, label,
    in: [...]}`` for one of several values, ``{fact, label, value}`` for an exact value
    (default true). A missing fact is undetermined (never met, never failed)."""
    name, label = p["fact"], p.get("label", p["fact"])
    value, source = recognised_value(ctx, name)  # a recognition in force decides the fact
    if value is None:
        gap = recognition_gap(ctx, name, label)  # one recorded but not in force: 待定
        if gap is not None:
            return gap
        value = ctx.fact(name)
    else:
        label = f"{label}（{source}）"
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


def _cite_art(ctx, key: str, which: str, default: str) -> str:
    """The article a pack names for confirming or revoking the recognition feeding ``key``
    (the pack's ``recognition.<key>.confirm`` / ``.revoke``)."""
    rec = ((getattr(ctx.pack, "data", None) or {}).get("recognition") or {}).get(key) or {}
    return (rec.get(which) or rec.get("confirm") or {}).get("art") or default


def recognition_gap(ctx, key: str, label: str) -> Outcome | None:
    """The recognition that feeds ``key`` (fact ``<key>_recognition``: {status, value, tier,
    doc_no, recognised_on, confirmed_on, valid_until, revoked_on, reason}) when it is not in
    force: 待定 naming it and the pack's article (an unconfirmed, expired or revoked
    recognition gives no class). None: no recognition recorded, or one in force."""
    rec = ctx.fact(f"{key}_recognition")
    if rec is None:
        return None
    if not isinstance(rec, dict):
        rec = {"status": str(rec)}
    status = rec.get("status")
    if status == "valid":
        return None
    cfg = ((getattr(ctx.pack, "data", None) or {}).get("recognition") or {}).get(key) or {}
    label = cfg.get("label") or label
    what = f"{label}认定" + (f"（{rec['tier']}" if rec.get("tier") else "（") + \
        (f"，文号{rec['doc_no']}）" if rec.get("doc_no") else "）")
    what = what.replace("（）", "")
    confirm = _cite_art(ctx, key, "confirm", "认定确认条款")
    if status == "pending":
        msg = f"{what}尚未经审核确认，确认后才生效（{confirm}）"
    elif status == "expired":
        until = rec.get("valid_until")
        msg = f"{what}已于{_show(until)}到期，须重新认定并经审核确认（{confirm}）"
    elif status == "revoked":
        msg = (f"{what}已于{_show(rec.get('revoked_on'))}撤销" + (f"：{rec['reason']}" if rec.get("reason") else "")
               + f"（{_cite_art(ctx, key, 'revoke', confirm)}）")
    else:
        msg = f"{what}状态“{status}”不明，未经审核确认（{confirm}）"
    return Outcome(None, _show(rec.get("tier") or rec.get("value")), msg, missing=f"经审核确认的{label}认定",
                   recognition=True)


def recognised_value(ctx, key: str) -> tuple[Any, str]:
    """The value of an in-force recognition feeding ``key`` and the words saying so."""
    rec = ctx.fact(f"{key}_recognition")
    if isinstance(rec, dict) and rec.get("status") == "valid":
        src = "经认定确认" + (f"，文号{rec['doc_no']}" if rec.get("doc_no") else "") + \
            (f"，有效期至{_show(rec['valid_until'])}" if rec.get("valid_until") else "")
        return rec.get("value"), src
    return None, ""


def _talent_class(ctx, p: dict) -> Outcome:
    """人才类别 counts only as recognised and confirmed (阿党人才字〔2023〕2号 第二十条:
    认定结果报盟委人才办审核确认后生效). Read in this order: a recognition in force
    (fact ``talent_class_recognition``, status valid) or the fact ``talent_class`` (the
    confirmed class the service gives) decide; a recorded recognition not in force
    (pending, expired, revoked: 第三十六条) is 待定; the roster's free 人才类别 with no
    confirmed recognition is 待定 too (“人才类别未经认定确认”). Only when neither a
    recognition nor a class (blank or “无”) is recorded is the talent not recognised (“无”)."""
    allowed = list(p["in"])
    value, source = recognised_value(ctx, "talent_class")
    if value is None:
        gap = recognition_gap(ctx, "talent_class", "人才类别")
        if gap is not None:
            return gap
        value, source = ctx.fact("talent_class"), "经认定确认"
    if value is not None:
        ok = value in allowed
        return Outcome(ok, _show(value), f"人才类别为“{value}”（{source}），" + ("符合" if ok else "不符合") +
                       f"（要求：{_show(allowed)}）")
    claimed = ctx.get("talent_class")
    if claimed is not None and claimed != "无":
        art = _cite_art(ctx, "talent_class", "confirm", "第二十条")
        return Outcome(None, _show(claimed), f"人才类别未经认定确认（{art}）：花名册填写为“{claimed}”，"
                       "但没有经审核确认的人才分类认定记录", missing="经审核确认的人才类别认定", recognition=True)
    ok = "无" in allowed
    return Outcome(ok, "（空）", "没有人才分类认定记录，视为未经评价认定" + ("，符合" if ok else f"，不属于{_show(allowed)}类"))


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
