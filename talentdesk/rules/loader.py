"""Loading policy packs: YAML with line numbers, a schema check with Chinese messages.

A pack is one YAML file (see ``resources/policies/README.md`` for the format). The
shipped packs live in ``resources/policies/``; an office adds its own by dropping a
``.yaml`` file into a directory passed in ``extra_dirs`` (the user policy folder). A
pack in a later directory with the same ``id`` replaces an earlier one.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml

from talentdesk.domain.errors import TalentDeskError
from talentdesk.rules.checks import CHECKS, PARAMS

BUILTIN_DIR = Path(__file__).resolve().parents[2] / "resources" / "policies"

BENEFIT_NAMES = {
    "settlement_allowance": "安家补贴", "rent_subsidy": "租房补贴", "talent_apartment": "人才公寓",
    "living_allowance": "生活补贴", "postdoc_living": "博士后生活补助", "spouse_living": "配偶生活补贴",
    "medical_subsidy": "医疗补助", "tuition_subsidy": "学费补助", "special_hire_subsidy": "特聘人才补贴",
    "introduction_subsidy": "博士硕士引进补贴", "migratory_engineer": "候鸟式工程师补助",
    "contribution_award": "地方贡献奖励", "talent_programme_award": "人才计划配套资金",
    "yingcai_project": "阿拉善英才项目资金", "teacher_honour_award": "优秀教师人才奖励",
    "medical_honour_award": "医疗卫生人才奖励", "postdoc_stay_award": "博士后留盟配套资金",
    "special_hire_medical": "特聘人才医疗费用",
}
FUNDING_LEVELS = {"league": "盟级", "banner": "旗级", "city": "市级", "local": "属地"}
DATE_BASES = ("approved_on", "introduction_date", "agreement_signed_date", "postdoc_entry_date",
              "contract_start")
SCHEDULE_KINDS = ("fractions", "monthly", "annual", "after_first_year", "working_days", "once", "in_kind",
                  "claims", "split")
REFUND_MODES = ("all_paid", "pro_rata", "office_decides", "none")
# who a benefit is paid to: a talent (the default), an employer (用人单位) or a platform
# (平台/工作站/基地/工作室/团队, ``models.Platform``); ``rules.evaluate_organisation``
BENEFICIARIES = ("talent", "employer", "platform")
# how often one beneficiary may hold an active grant of a benefit: once (不重复享受, the
# default), yearly (one per calendar year of the approval date: “每年”), each (每次: no limit)
REPEATS = ("once", "yearly", "each")


class PackError(TalentDeskError):
    """A pack file that cannot be used; ``errors`` lists every problem with its line."""

    def __init__(self, path: Path | str, errors: list[str]):
        self.path = str(path)
        self.errors = list(errors)
        super().__init__(f"政策文件 {Path(path).name} 有误：" + "；".join(self.errors))


class LDict(dict):
    """A mapping from the YAML file that remembers the line of itself and of each key."""
    line: int = 0

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.lines: dict[Any, int] = {}

    def line_of(self, key: Any) -> int:
        return self.lines.get(key, self.line)


class LList(list):
    line: int = 0

    def __init__(self, *a):
        super().__init__(*a)
        self.lines: list[int] = []

    def line_of(self, index: int) -> int:
        return self.lines[index] if index < len(self.lines) else self.line


class _Loader(yaml.SafeLoader):
    pass


def _map(loader: _Loader, node: yaml.MappingNode) -> LDict:
    loader.flatten_mapping(node)
    out = LDict()
    out.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in out:
            loader.duplicates.append(f"第{key_node.start_mark.line + 1}行：重复的键“{key}”")
        out[key] = loader.construct_object(value_node, deep=True)
        out.lines[key] = key_node.start_mark.line + 1
    return out


def _seq(loader: _Loader, node: yaml.SequenceNode) -> LList:
    out = LList(loader.construct_object(n, deep=True) for n in node.value)
    out.line = node.start_mark.line + 1
    out.lines = [n.start_mark.line + 1 for n in node.value]
    return out


_Loader.add_constructor("tag:yaml.org,2002:map", _map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _seq)


MAX_PACK_BYTES = 2 * 1024 * 1024  # the shipped packs are ~30 KB
MAX_PACK_ITEMS = 200_000  # values after expanding anchors/aliases (a billion-laughs file has 10**9)


def _expanded_size_exceeds(data: Any, limit: int) -> bool:
    """Count values as the checker would visit them (aliases expanded), stopping at ``limit``."""
    stack = [data]
    seen = 0
    while stack:
        item = stack.pop()
        seen += 1
        if seen > limit:
            return True
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def read_yaml(text: str) -> tuple[Any, list[str]]:
    """Parse YAML text; returns (data, errors) with syntax errors as Chinese messages.

    Anchors and aliases are allowed (the packs share citations with them), but a file
    whose aliases expand past ``MAX_PACK_ITEMS`` values is refused, as is nesting too
    deep to parse.
    """
    if len(text) > MAX_PACK_BYTES:
        return None, [f"政策文件过大（{len(text):,} 字符，最多 {MAX_PACK_BYTES:,}），请检查是否选错了文件"]
    try:
        loader = _Loader(text)  # the reader refuses control characters here already
    except yaml.YAMLError as exc:
        return None, [f"政策文件含有不允许的字符，无法读取（{exc}）"]
    loader.duplicates = []
    try:
        data = loader.get_single_data()
        if _expanded_size_exceeds(data, MAX_PACK_ITEMS):
            return None, [f"政策文件展开后超过 {MAX_PACK_ITEMS:,} 项（锚点/别名引用过多），已拒绝读取"]
    except RecursionError:
        return None, ["政策文件嵌套层数过多，无法读取"]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        what = (exc.problem or "").strip()
        return None, [f"第{line}行：YAML 格式错误（{what}），请检查缩进、冒号和引号"]
    except yaml.YAMLError as exc:
        return None, [f"YAML 格式错误：{exc}"]
    finally:
        loader.dispose()
    return data, list(loader.duplicates)


# ---------------------------------------------------------------- schema

class _Checker:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def err(self, line: int, msg: str) -> None:
        self.errors.append(f"第{line}行：{msg}")

    def need(self, obj: LDict, key: str, kind: type | tuple, where: str) -> Any:
        if not isinstance(obj, dict) or key not in obj:
            self.err(getattr(obj, "line", 0), f"{where}缺少“{key}”")
            return None
        value = obj[key]
        if not isinstance(value, kind) or (isinstance(value, bool) and bool not in _as_tuple(kind)):
            self.err(obj.line_of(key), f"{where}的“{key}”应为{_kind_name(kind)}，现为“{value}”")
            return None
        if isinstance(value, str) and not value.strip():
            self.err(obj.line_of(key), f"{where}的“{key}”不能为空")
            return None
        return value

    def mapping(self, obj: Any, line: int, where: str) -> bool:
        if not isinstance(obj, dict):
            self.err(line, f"{where}应为键值对（映射）")
            return False
        return True

    def cite(self, obj: LDict, key: str, where: str, required: bool = True) -> None:
        if key not in obj:
            if required:
                self.err(obj.line, f"{where}缺少出处“{key}”（文号、条款和原文）")
            return
        c = obj[key]
        if not self.mapping(c, obj.line_of(key), f"{where}的出处"):
            return
        self.need(c, "art", str, f"{where}的出处")
        self.need(c, "quote", str, f"{where}的出处")
        if "doc" in c:
            self.need(c, "doc", str, f"{where}的出处")

    def check(self, c: Any, line: int, where: str, cite_required: bool) -> None:
        if not self.mapping(c, line, where):
            return
        name = self.need(c, "check", str, where)
        if name is None:
            return
        self.cite(c, "cite", where, required=cite_required)
        if name not in CHECKS:
            self.err(c.line_of("check"), f"{where}：未知的条件“{name}”，可用：{'、'.join(CHECKS)}")
            return
        for p in PARAMS.get(name, ()):
            if p not in c:
                self.err(c.line, f"{where}（{name}）缺少参数“{p}”")
        if name == "defer" and isinstance(c.get("when"), list):
            for i, sub in enumerate(c["when"]):
                self.check(sub, c["when"].line_of(i), f"{where}的第{i + 1}个子条件", False)
        if name == "not" and "of" in c:
            self.check(c["of"], c.line_of("of"), f"{where}的否定条件", False)
        if name in ("any_of", "all_of") and isinstance(c.get("checks"), list):
            for i, sub in enumerate(c["checks"]):
                self.check(sub, c["checks"].line_of(i), f"{where}的第{i + 1}个子条件", False)
        if name == "age_limit" and isinstance(c.get("limits"), list):
            for i, lim in enumerate(c["limits"]):
                w = f"{where}的第{i + 1}个年龄档"
                if self.mapping(lim, c["limits"].line_of(i), w):
                    self.need(lim, "max_age", int, w)
                    self.need(lim, "label", str, w)
                    for j, sub in enumerate(lim.get("when", []) or []):
                        self.check(sub, lim["when"].line_of(j), f"{w}的第{j + 1}个条件", False)
        if name in ("date_on_or_after",) and "date" in c and not isinstance(c["date"], dt.date):
            self.err(c.line_of("date"), f"{where}的“date”应为日期（如 2023-01-12）")

    def values(self, tier: LDict, where: str) -> None:
        vals = tier.get("values")
        if not isinstance(vals, list) or not vals:
            self.err(tier.line_of("values"), f"{where}缺少按生效日期列出的金额“values”")
            return
        for i, v in enumerate(vals):
            w = f"{where}的第{i + 1}个金额"
            if not self.mapping(v, vals.line_of(i), w):
                continue
            start = self.need(v, "from", dt.date, w)
            end = v.get("to")
            if end is not None and not isinstance(end, dt.date):
                self.err(v.line_of("to"), f"{w}的“to”应为日期或留空")
            elif start and end and end < start:
                self.err(v.line_of("to"), f"{w}的结束日期早于开始日期")
            keys = [k for k in ("yuan", "max_yuan") if k in v]
            if v.get("no_cap") is True and not keys:
                continue  # yearly claims without a ceiling (the amount is each year's fact)
            if len(keys) != 1:
                self.err(v.line, f"{w}应有且只有“yuan”或“max_yuan”之一")
            for k in keys:
                if not isinstance(v[k], int) or isinstance(v[k], bool) or v[k] < 0:
                    self.err(v.line_of(k), f"{w}的“{k}”应为非负整数（元），不能有小数：“{v[k]}”")

    def benefit(self, b: Any, line: int, idx: int) -> str | None:
        where = f"第{idx + 1}项待遇"
        if not self.mapping(b, line, where):
            return None
        code = self.need(b, "code", str, where)
        if code and not re.fullmatch(r"[a-z][a-z0-9_]*", code):
            self.err(b.line_of("code"), f"{where}的代码“{code}”只能用小写字母、数字和下划线")
        where = f"待遇“{code or idx + 1}”"
        self.need(b, "name", str, where)
        self.cite(b, "cite", where)
        if b.get("beneficiary", "talent") not in BENEFICIARIES:
            self.err(b.line_of("beneficiary"), f"{where}的受益对象“beneficiary”应为：{'、'.join(BENEFICIARIES)}")
        if b.get("repeat", "once") not in REPEATS:
            self.err(b.line_of("repeat"), f"{where}的“repeat”应为：{'、'.join(REPEATS)}")
        basis = b.get("date_basis", "approved_on")
        if basis not in DATE_BASES:
            self.err(b.line_of("date_basis"), f"{where}的“date_basis”应为：{'、'.join(DATE_BASES)}")
        for i, c in enumerate(b.get("conditions", []) or []):
            self.check(c, b["conditions"].line_of(i), f"{where}的第{i + 1}个条件", True)
        amount = b.get("amount")
        sched = b.get("schedule")
        if not self.mapping(sched, b.line_of("schedule") if "schedule" in b else b.line, f"{where}的发放方式“schedule”"):
            return code
        kind = self.need(sched, "kind", str, f"{where}的发放方式")
        if kind and kind not in SCHEDULE_KINDS:
            self.err(sched.line_of("kind"), f"{where}的发放方式“{kind}”未知，可用：{'、'.join(SCHEDULE_KINDS)}")
        self.cite(sched, "cite", f"{where}的发放方式")
        if kind == "fractions":
            parts = sched.get("parts")
            if not isinstance(parts, list) or not parts:
                self.err(sched.line, f"{where}的分期比例“parts”不能为空")
            else:
                total = 0
                for i, p in enumerate(parts):
                    if self.mapping(p, parts.line_of(i), f"{where}的第{i + 1}期"):
                        pct = self.need(p, "percent", int, f"{where}的第{i + 1}期")
                        self.need(p, "after_years", int, f"{where}的第{i + 1}期")
                        total += pct or 0
                if total != 100:
                    self.err(parts.line, f"{where}的分期比例合计为{total}%，应为100%")
        elif kind == "monthly":
            self.need(sched, "months", int, f"{where}的发放方式")
        elif kind == "annual":
            if "cap_yuan" in sched:
                self.need(sched, "cap_yuan", int, f"{where}的发放方式")
            else:
                self.need(sched, "years", int, f"{where}的发放方式")
        elif kind == "claims":
            self.need(sched, "fact", str, f"{where}的发放方式")
            for k in ("years", "cap_per_year_yuan", "percent", "first_after_years"):
                if k in sched:
                    self.need(sched, k, int, f"{where}的发放方式")
        elif kind == "working_days":
            self.need(sched, "days", int, f"{where}的发放方式")
        elif kind == "in_kind" and "occupancy_limit_years" in sched:
            self.need(sched, "occupancy_limit_years", int, f"{where}的发放方式")
        if "start" in sched and sched["start"] not in DATE_BASES:
            self.err(sched.line_of("start"), f"{where}的起算日“start”应为：{'、'.join(DATE_BASES)}")
        for i, v in enumerate(b.get("variants", []) or []):
            w = f"{where}的第{i + 1}种标准"
            if self.mapping(v, b["variants"].line_of(i), w):
                self.need(v, "label", str, w)
                self.cite(v, "cite", w)
                for j, c in enumerate(v.get("when", []) or []):
                    self.check(c, v["when"].line_of(j), f"{w}的第{j + 1}个条件", False)
        if kind != "in_kind":
            if not self.mapping(amount, b.line_of("amount") if "amount" in b else b.line, f"{where}的金额“amount”"):
                return code
            tiers = amount.get("tiers")
            if not isinstance(tiers, list) or not tiers:
                self.err(amount.line, f"{where}的金额缺少标准档次“tiers”")
            else:
                for i, t in enumerate(tiers):
                    w = f"{where}的第{i + 1}档"
                    if not self.mapping(t, tiers.line_of(i), w):
                        continue
                    self.need(t, "label", str, w)
                    self.cite(t, "cite", w)
                    for j, c in enumerate(t.get("when", []) or []):
                        self.check(c, t["when"].line_of(j), f"{w}的第{j + 1}个条件", False)
                    if t.get("case_by_case") is True:
                        continue
                    self.values(t, w)
                    if "percent_of" in t:
                        po = t["percent_of"]
                        if self.mapping(po, t.line_of("percent_of"), f"{w}的比例"):
                            self.need(po, "fact", str, f"{w}的比例")
                            self.need(po, "percent", int, f"{w}的比例")
            funding = b.get("funding")
            if self.mapping(funding, b.line_of("funding") if "funding" in b else b.line, f"{where}的资金来源“funding”"):
                self.cite(funding, "cite", f"{where}的资金来源")
                shares = funding.get("shares")
                if not isinstance(shares, dict) or not shares:
                    self.err(funding.line, f"{where}的资金来源缺少分担比例“shares”（如 city: 1, local: 1）")
                else:
                    for lvl, share in shares.items():
                        if lvl not in FUNDING_LEVELS:
                            self.err(shares.line_of(lvl), f"{where}的资金级次“{lvl}”未知，可用：{'、'.join(FUNDING_LEVELS)}")
                        if not isinstance(share, int) or isinstance(share, bool) or share <= 0:
                            self.err(shares.line_of(lvl), f"{where}的分担比例应为正整数")
        return code


def check_pack_data(data: Any) -> list[str]:
    """Schema errors of a parsed pack (Chinese, each with its line number)."""
    c = _Checker()
    if not isinstance(data, dict):
        return ["第1行：政策文件应为键值对（映射），以 id: 开头"]
    pid = c.need(data, "id", str, "政策")
    if pid and not re.fullmatch(r"[a-z0-9][a-z0-9-]*", pid):
        c.err(data.line_of("id"), f"政策编号“{pid}”只能用小写字母、数字和连字符")
    for key in ("title", "document", "issuer"):
        c.need(data, key, str, "政策")
    start = c.need(data, "effective_from", dt.date, "政策")
    end = data.get("effective_to")
    if end is not None and not isinstance(end, dt.date):
        c.err(data.line_of("effective_to"), "政策的“effective_to”应为日期，未规定截止日期时写 null")
    elif start and end and end < start:
        c.err(data.line_of("effective_to"), "政策的截止日期早于生效日期")
    review = data.get("review")
    if review is not None and c.mapping(review, data.line_of("review"), "年度考核“review”"):
        c.cite(review, "cite", "年度考核")
    codes: list[str] = []
    benefits = data.get("benefits")
    if not isinstance(benefits, list) or not benefits:
        c.err(data.line_of("benefits"), "政策缺少待遇清单“benefits”")
    else:
        for i, b in enumerate(benefits):
            code = c.benefit(b, benefits.line_of(i), i)
            if code:
                if code in codes:
                    c.err(b.line_of("code"), f"待遇代码“{code}”重复")
                codes.append(code)
    service = data.get("service")
    if service is not None and c.mapping(service, data.line_of("service"), "服务期“service”"):
        for i, r in enumerate(service.get("rules", []) or []):
            w = f"服务期的第{i + 1}条规则"
            if c.mapping(r, service["rules"].line_of(i), w):
                if r.get("years") is not None:
                    c.need(r, "years", int, w)
                c.cite(r, "cite", w)
                for j, sub in enumerate(r.get("when", []) or []):
                    c.check(sub, r["when"].line_of(j), f"{w}的第{j + 1}个条件", False)
        refund = service.get("refund")
        if refund is not None and c.mapping(refund, service.line_of("refund"), "退回规则“refund”"):
            mode = c.need(refund, "mode", str, "退回规则")
            if mode and mode not in REFUND_MODES:
                c.err(refund.line_of("mode"), f"退回规则“{mode}”未知，可用：{'、'.join(REFUND_MODES)}")
            c.cite(refund, "cite", "退回规则")
            for i, code in enumerate(refund.get("benefits", []) or []):
                if codes and code not in codes:
                    c.err(refund["benefits"].line_of(i), f"退回规则中的待遇“{code}”不存在")
    in_post = data.get("in_post_recovery")  # 在岗追回 (talentdesk.rules.recovery)
    if in_post is not None and c.mapping(in_post, data.line_of("in_post_recovery"), "在岗追回“in_post_recovery”"):
        for basis, rule in in_post.items():
            w = f"在岗追回“{basis}”"
            if basis not in ("review", "breach"):
                c.err(in_post.line_of(basis), f"{w}未知，可用：review（考核不合格）、breach（违约）")
            elif c.mapping(rule, in_post.line_of(basis), w):
                mode = c.need(rule, "mode", str, w)
                if mode and mode not in ("all_paid", "office_decides"):
                    c.err(rule.line_of("mode"), f"{w}的方式“{mode}”未知，可用：all_paid、office_decides")
                c.cite(rule, "cite", w)
    recognition = data.get("recognition")  # 人才分类认定: which fact a recognition feeds, its articles
    if recognition is not None and c.mapping(recognition, data.line_of("recognition"), "人才认定“recognition”"):
        for key, entry in recognition.items():
            w = f"人才认定“{key}”"
            if c.mapping(entry, recognition.line_of(key), w):
                c.cite(entry, "confirm", w)
                c.cite(entry, "revoke", w, required=False)
    for i, ex in enumerate(data.get("exclusions", []) or []):
        w = f"第{i + 1}条排除规则"
        if not c.mapping(ex, data["exclusions"].line_of(i), w):
            continue
        c.cite(ex, "cite", w)
        named = []
        if "one_of" in ex:
            named = list(ex["one_of"] or [])
        elif "benefit" in ex and "not_with" in ex:
            named = [ex["benefit"], ex["not_with"]]
        else:
            c.err(ex.line, f"{w}应写成 benefit + not_with，或 one_of 列表")
        for code in named:
            if codes and code not in codes:
                c.err(ex.line, f"{w}中的待遇“{code}”不存在")
    return c.errors


def _as_tuple(kind) -> tuple:
    return kind if isinstance(kind, tuple) else (kind,)


def _kind_name(kind) -> str:
    names = {str: "文字", int: "整数", dt.date: "日期（如 2023-01-12）", list: "列表", dict: "键值对", bool: "是/否"}
    return "或".join(names.get(k, k.__name__) for k in _as_tuple(kind))


# ---------------------------------------------------------------- packs

@dataclass
class Pack:
    id: str
    title: str
    document: str
    issuer: str
    effective_from: dt.date
    effective_to: dt.date | None
    data: dict = field(repr=False)
    path: Path | None = None

    @property
    def benefits(self) -> list[dict]:
        """The talents' benefits (an organisation's are in ``org_benefits``)."""
        return [b for b in self.data["benefits"] if b.get("beneficiary", "talent") == "talent"]

    @property
    def benefit_codes(self) -> list[str]:
        return [b["code"] for b in self.benefits]

    def org_benefits(self, beneficiary: str) -> list[dict]:
        """The benefits paid to an organisation: ``beneficiary`` "employer" or "platform"."""
        return [b for b in self.data["benefits"] if b.get("beneficiary", "talent") == beneficiary]

    def org_benefit_codes(self, beneficiary: str) -> list[str]:
        return [b["code"] for b in self.org_benefits(beneficiary)]

    def benefit(self, code: str) -> dict | None:
        """The benefit's entry (talent or organisation), None if the pack has none."""
        return next((b for b in self.data["benefits"] if b["code"] == code), None)

    def beneficiary_of(self, code: str) -> str | None:
        """"talent" / "employer" / "platform" for a benefit of the pack, None if unknown."""
        for b in self.data["benefits"]:
            if b["code"] == code:
                return b.get("beneficiary", "talent")
        return None

    def facts_read(self) -> list[str]:
        """The ``facts`` keys the pack's checks and schedules read (per-year ones too),
        for the services that gather them; see resources/policies/README.md."""
        found: list[str] = []

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                for key in ("fact", "start_fact", "end_fact"):
                    if isinstance(node.get(key), str) and node[key] not in found:
                        found.append(node[key])
                for v in node.values():
                    walk(v)
            elif isinstance(node, list):
                for v in node:
                    walk(v)
        walk({k: v for k, v in self.data.items() if k != "notes"})
        for extra in ("service_agreement_years", "contract_end_date", "approval_level"):
            if extra not in found:
                found.append(extra)
        return found

    def level_name(self, code: str) -> str:
        return (self.data.get("funding_levels") or {}).get(code) or FUNDING_LEVELS.get(code, code)

    def covers(self, day: dt.date) -> bool:
        return day >= self.effective_from and (self.effective_to is None or day <= self.effective_to)

    def summary(self) -> dict:
        return {"id": self.id, "title": self.title, "document": self.document, "issuer": self.issuer,
                "effective_from": self.effective_from.isoformat(),
                "effective_to": self.effective_to.isoformat() if self.effective_to else None,
                "benefits": [{"code": b["code"], "name": b["name"]} for b in self.benefits],
                "organisation_benefits": [{"code": b["code"], "name": b["name"], "beneficiary": b["beneficiary"]}
                                          for b in self.data["benefits"]
                                          if b.get("beneficiary", "talent") != "talent"],
                "path": str(self.path) if self.path else None}


def check_pack_file(path: str | Path) -> list[str]:
    """Every problem in a pack file, in Chinese with line numbers; empty means usable."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_PACK_BYTES:
            return [f"政策文件过大（{path.stat().st_size:,} 字节，最多 {MAX_PACK_BYTES:,}），请检查是否选错了文件"]
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return [f"找不到文件：{path}"]
    except UnicodeDecodeError:
        return ["文件不是 UTF-8 编码，请用“UTF-8”另存"]
    data, errors = read_yaml(text)
    if data is None and errors:
        return errors
    return errors + check_pack_data(data)


_CACHE: dict[Path, tuple[tuple[int, int], Pack | PackError]] = {}


def read_pack(path: str | Path) -> Pack:
    """A pack from a file; raises PackError with every problem found.

    Parsed once per file version: the result is kept until the file's modification time
    or size changes (a clerk editing a pack in the policy folder is seen at once).
    """
    path = Path(path).resolve()
    st = path.stat()
    stamp = (st.st_mtime_ns, st.st_size)
    hit = _CACHE.get(path)
    if hit is not None and hit[0] == stamp:
        if isinstance(hit[1], PackError):
            raise hit[1]
        return hit[1]
    try:
        pack = _read_pack(path)
    except PackError as exc:
        _CACHE[path] = (stamp, exc)
        raise
    _CACHE[path] = (stamp, pack)
    return pack


def _read_pack(path: Path) -> Pack:
    errors = check_pack_file(path)
    if errors:
        raise PackError(path, errors)
    data, _ = read_yaml(path.read_text(encoding="utf-8-sig"))
    return Pack(id=data["id"], title=data["title"], document=data["document"], issuer=data["issuer"],
                effective_from=data["effective_from"], effective_to=data.get("effective_to"),
                data=data, path=path)


def pack_files(extra_dirs: Iterable[str | Path] = ()) -> list[Path]:
    files: list[Path] = []
    for d in (BUILTIN_DIR, *[Path(x) for x in extra_dirs]):
        if d.is_dir():
            files.extend(sorted(p for p in d.iterdir() if p.suffix.lower() in (".yaml", ".yml")))
    return files


def load_packs(extra_dirs: Iterable[str | Path] = (), *, errors: list[str] | None = None) -> dict[str, Pack]:
    """All packs by id: the shipped ones, then each extra directory (later ids win).

    A broken user pack does not stop the others: its problems go to ``errors`` when a
    list is given; without a list a broken file raises ``PackError``.
    """
    packs: dict[str, Pack] = {}
    for path in pack_files(extra_dirs):
        try:
            pack = read_pack(path)
        except PackError as exc:
            if errors is None:
                raise
            errors.append(exc.message)
            continue
        packs[pack.id] = pack
    return packs


def get_pack(policy_id: str, extra_dirs: Iterable[str | Path] = ()) -> Pack:
    packs = load_packs(extra_dirs, errors=[])
    if policy_id not in packs:
        known = "、".join(sorted(packs)) or "（无）"
        raise TalentDeskError(f"没有编号为“{policy_id}”的政策，现有：{known}")
    return packs[policy_id]
