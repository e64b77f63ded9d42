"""The evaluation engine: a pack + a talent's profile → benefits, schedules, refunds,
each explained by the clauses it used. Pure: no I/O besides reading packs in loader.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from talentdesk.domain import money, roster
from talentdesk.domain.errors import ValidationError
from talentdesk.rules import credit as credit_list
from talentdesk.rules import dates
from talentdesk.rules.checks import CHECKS, Outcome
from talentdesk.rules.loader import FUNDING_LEVELS, Pack

REVIEW_RESULTS = ("优秀", "合格", "基本合格", "不合格")

STATUS_NAMES = {"eligible": "符合", "ineligible": "不符合", "undetermined": "待定（缺少信息）",
                "not_covered": "不在政策覆盖期内"}
INSTALLMENT_STATUS = {"scheduled": "未到期", "due": "已到期应发", "awaiting_review": "待年度考核结果",
                      "awaiting_fact": "待核实条件", "cancelled": "取消"}


@dataclass(frozen=True)
class Decision:
    """A case-by-case decision (一事一议) recorded by the office.

    ``kind``: ``"age_limit"`` (relaxes an age limit), ``"amount"`` (sets the amount:
    the total for one-time and fraction schedules, the amount per year or per month for
    annual or monthly ones), ``"refund"`` (the amount to recover where the text leaves it
    to the office, e.g. 包头 “根据具体情况，追回”), ``"parts"`` (with ``parts``: the number
    of yearly parts of a benefit paid “分期”), ``"defer"`` (the office's decision on a case
    the text hands over or leaves to “另行规定”: ``amount_fen`` None = not granted). ``benefit_code`` None applies to every benefit of the pack.
    """
    number: str
    kind: str = "amount"
    benefit_code: str | None = None
    amount_fen: int | None = None
    date: dt.date | None = None
    note: str = ""
    parts: int | None = None  # 分期: the number of yearly parts the office decided

    def applies_to(self, code: str) -> bool:
        return self.benefit_code in (None, code)


@dataclass
class Step:
    """One line of an explanation: a check, a value looked up, a rule applied."""
    check: str
    passed: bool | None
    value: str
    message: str
    basis: str = ""
    quote: str = ""
    decision: str | None = None
    missing: str | None = None  # the field or fact an undetermined step waits for

    def to_json(self) -> dict:
        return {"check": self.check, "passed": self.passed, "value": self.value, "message": self.message,
                "basis": self.basis, "quote": self.quote, "decision": self.decision}


@dataclass
class Installment:
    due: dt.date
    amount_fen: int
    funding: dict[str, int]
    condition: str = ""
    status: str = "scheduled"
    note: str = ""
    review_year: int | None = None
    cancelled_by: str | None = None  # "departure", "review", "service" when cancelled

    def to_json(self) -> dict:
        return {"due": self.due.isoformat(), "amount_fen": self.amount_fen, "funding": dict(self.funding),
                "condition": self.condition, "status": self.status, "note": self.note,
                "review_year": self.review_year}


@dataclass
class BenefitResult:
    code: str
    name: str
    status: str = "eligible"  # eligible / ineligible / undetermined / not_covered
    total_fen: int | None = None
    max_fen: int | None = None
    installments: list[Installment] = field(default_factory=list)
    basis: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    refund_fen: int = 0
    explanation: list[Step] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    in_kind: dict | None = None
    tier: str | None = None
    taken: bool = False
    # "none" (nothing to refund or the text fixes none) / "fixed" / "undetermined" (待定: the
    # service period is unknown, or the amount is the office's to decide) / "decided"
    refund_status: str = "none"
    refund_suggested_fen: int | None = None
    pending: list[str] = field(default_factory=list)  # "待补充：…" / "待决定：…" with the article

    @property
    def eligible(self) -> bool | None:
        if self.status == "eligible":
            return True
        if self.status == "ineligible":
            return False
        return None

    @property
    def payable_fen(self) -> int:
        return sum(i.amount_fen for i in self.installments if i.status != "cancelled")

    def cite(self, basis: str) -> None:
        if basis and basis not in self.basis:
            self.basis.append(basis)

    def to_json(self) -> dict:
        return {"code": self.code, "name": self.name, "eligible": self.eligible, "status": self.status,
                "total_fen": self.total_fen, "max_fen": self.max_fen, "payable_fen": self.payable_fen,
                "tier": self.tier, "installments": [i.to_json() for i in self.installments],
                "in_kind": self.in_kind, "basis": list(self.basis), "reasons": list(self.reasons),
                "missing": list(self.missing), "refund_fen": self.refund_fen,
                "refund_status": self.refund_status, "refund_suggested_fen": self.refund_suggested_fen,
                "pending": list(self.pending),
                "explanation": [s.to_json() for s in self.explanation]}


@dataclass
class Evaluation:
    policy: str
    title: str
    as_of: dt.date
    approved_on: dt.date
    service_years_required: int | None
    service_end: dt.date | None
    benefits: list[BenefitResult]
    warnings: list[str]
    service_basis: list[str] = field(default_factory=list)
    service_note: str = ""
    departed_on: dt.date | None = None
    service_status: str = "none"  # fixed / none (no obligation) / undetermined
    service_years: int | None = None  # the binding period, whatever its source
    service_source: str | None = None  # "policy" / "agreement" / "contract" (合同期限, 第十九条 fallback)
    review_passing: list[str] = field(default_factory=list)  # the pack's passing review results

    @property
    def refund_status(self) -> str:
        """"undetermined" when any benefit's refund is 待定, else "fixed" when a refund is due."""
        states = {b.refund_status for b in self.benefits}
        if "undetermined" in states:
            return "undetermined"
        if self.refund_fen:
            return "fixed"
        return "none"

    def review_passes(self, result: str | None) -> bool:
        """Whether a review result passes under this pack (e.g. 阿拉山口 第十四条: 基本合格 does not)."""
        return result in self.review_passing

    def benefit(self, code: str) -> BenefitResult:
        for b in self.benefits:
            if b.code == code:
                return b
        raise KeyError(code)

    @property
    def refund_fen(self) -> int:
        return sum(b.refund_fen for b in self.benefits)

    def to_json(self) -> dict:
        return {"policy": self.policy, "as_of": self.as_of.isoformat(), "approved_on": self.approved_on.isoformat(),
                "departed_on": self.departed_on.isoformat() if self.departed_on else None,
                "service_years_required": self.service_years_required,
                "service_end": self.service_end.isoformat() if self.service_end else None,
                "service_basis": list(self.service_basis), "service_note": self.service_note,
                "benefits": [b.to_json() for b in self.benefits], "refund_fen": self.refund_fen,
                "warnings": list(self.warnings), "service_status": self.service_status,
                "service_years": self.service_years, "service_source": self.service_source,
                "refund_status": self.refund_status, "review_passing": list(self.review_passing)}

    def summary_text(self) -> str:
        """A readable Chinese summary (the CLI prints it without --json)."""
        lines = [f"政策：{self.title}（{self.policy}）  批准日期：{self.approved_on}  计算日期：{self.as_of}"]
        if self.service_years is not None:
            lines.append(f"服务期：{self.service_years}年，至{self.service_end}（{'；'.join(self.service_basis)}）"
                         + (f"；{self.service_note}" if self.service_note else ""))
        elif self.service_note:
            lines.append(f"服务期：{self.service_note}")
        if self.departed_on:
            lines.append(f"离开日期：{self.departed_on}，应退回合计：{money.yuan(self.refund_fen)}元"
                         + ("（另有待定的退回，见下）" if self.refund_status == "undetermined" else ""))
        for b in self.benefits:
            total = "金额待定" if b.total_fen is None else f"{money.yuan(b.total_fen)}元"
            if b.in_kind:
                total = "实物待遇"
            lines.append(f"\n【{b.name}】{STATUS_NAMES[b.status]}  {total if b.status == 'eligible' else ''}".rstrip())
            for r in b.reasons:
                lines.append(f"  · {r}")
            for i in b.installments:
                lines.append(f"  {i.due}  {money.yuan(i.amount_fen):>12}元  {INSTALLMENT_STATUS.get(i.status, i.status)}"
                             + (f"  条件：{i.condition}" if i.condition else "") + (f"  {i.note}" if i.note else ""))
            if b.refund_fen:
                lines.append(f"  应退回：{money.yuan(b.refund_fen)}元")
            elif b.refund_status == "undetermined":
                lines.append("  应退回：待定" + (f"（参考金额{money.yuan(b.refund_suggested_fen)}元）"
                                               if b.refund_suggested_fen is not None else ""))
            for p in b.pending:
                lines.append(f"  {p}")
            if b.basis:
                lines.append(f"  依据：{'；'.join(b.basis)}")
        for w in self.warnings:
            lines.append(f"\n注意：{w}")
        return "\n".join(lines)


# ---------------------------------------------------------------- profiles

def profile_from_json(raw: Mapping[str, Any], *, today: dt.date | None = None) -> dict[str, Any]:
    """A profile keyed by Chinese labels from JSON strings (dates as text, 是/否) →
    the typed label-keyed row ``roster.to_row`` gives. Raises ValidationError."""
    record, errors = roster.parse_record(dict(raw), by="label", partial=True, today=today)
    if errors:
        raise ValidationError(errors)
    return roster.to_row(record)


def _record(profile: Mapping[str, Any]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for name, value in profile.items():
        col = roster.BY_LABEL.get(name) or roster.BY_KEY.get(name)
        if col is not None:
            record[col.key] = value
    if record.get("birth_date") is None and record.get("id_number"):
        try:
            from talentdesk.domain import idcard
            record["birth_date"] = idcard.parse(record["id_number"]).birth_date
        except Exception:  # a bad ID leaves the birth date missing (undetermined)
            pass
    return record


# ---------------------------------------------------------------- context

def _civil_service_from_kind(kind: str | None) -> bool | None:
    """单位性质 read for 参照公务员法管理: “参公…”/“参照公务员法…” → True, an enterprise
    (“…企业”, “公司”) → False; anything else (e.g. plain “事业单位”) tells nothing."""
    if not kind:
        return None
    if "参公" in kind or "参照公务员" in kind:
        return True
    if "企业" in kind or "公司" in kind:
        return False
    return None


class _Ctx:
    def __init__(self, pack: Pack, record: dict, facts: Mapping[str, Any], decisions: list[Decision],
                 as_of: dt.date, approved_on: dt.date):
        self.pack, self.record, self.facts = pack, record, dict(facts or {})
        self.decisions, self.as_of, self.approved_on = decisions, as_of, approved_on
        self.code = ""

    def get(self, key: str) -> Any:
        if key == "approved_on":
            return self.approved_on
        return self.record.get(key)

    def fact(self, name: str) -> Any:
        value = self.facts.get(name)
        if value is None and name == "employer_civil_service_managed":
            value = _civil_service_from_kind(self.record.get("employer_kind"))
        if isinstance(value, str) and len(value) == 10 and value[4] == "-":
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                return value
        return value

    def year_fact(self, name: str, year: int) -> Any:
        """A fact recorded for one service year: ``facts["per_year"][year][name]`` (year
        1, 2, … counted from the benefit's start; keys may be int or str); the older
        ``facts[name] = {year: value}`` form is read too."""
        per_year = self.facts.get("per_year") or {}
        entry = per_year.get(year, per_year.get(str(year))) if isinstance(per_year, Mapping) else None
        if isinstance(entry, Mapping) and entry.get(name) is not None:
            return entry[name]
        old = self.facts.get(name)
        if isinstance(old, Mapping):
            return old.get(year, old.get(str(year)))
        return None

    def decision(self, kind: str) -> Decision | None:
        for d in self.decisions:
            if d.kind == kind and d.applies_to(self.code):
                return d
        return None

    def run_check(self, cond: Mapping) -> Outcome:
        return CHECKS[cond["check"]](self, cond)


def _passing(pack: Pack) -> tuple[str, ...]:
    """The review results that pass under the pack (``review.passing``)."""
    review_cfg = pack.data.get("review") or {}
    return tuple(review_cfg.get("passing", ("优秀", "合格", "基本合格")))


def _basis(pack: Pack, cite: Mapping | None) -> str:
    if not cite:
        return ""
    return f"{cite.get('doc') or pack.document} {cite['art']}"


def _quote(cite: Mapping | None) -> str:
    return (cite or {}).get("quote", "")


def _split(amount: int, shares: Mapping[str, int]) -> dict[str, int]:
    total = sum(shares.values())
    out: dict[str, int] = {}
    left = amount
    items = list(shares.items())
    for i, (level, share) in enumerate(items):
        part = left if i == len(items) - 1 else amount * share // total
        out[level] = part
        left -= part
    return out


# ---------------------------------------------------------------- evaluation

def evaluate(pack: Pack, profile: Mapping[str, Any], *, approved_on: dt.date, as_of: dt.date | None = None,
             departed_on: dt.date | None = None, reviews: Mapping[int, str] | None = None,
             decisions: Iterable[Decision] = (), paid: Any = None, extra_holidays: Iterable[dt.date] = (),
             extra_workdays: Iterable[dt.date] = (), facts: Mapping[str, Any] | None = None,
             credit: Iterable[credit_list.CreditBar] = (), decided_on: dt.date | None = None,
             benefits: Iterable[str] | None = None) -> Evaluation:
    """Evaluate every benefit of ``pack`` for one talent. See ``talentdesk.rules``.

    ``benefits``: only these codes are wanted (e.g. one grant's benefit when a review is
    recorded): they are evaluated with every benefit an exclusion links them to, so each
    wanted result is the one a full evaluation gives; the others are left out."""
    as_of = as_of or dt.date.today()
    reviews = {int(k): v for k, v in (reviews or {}).items()}
    decisions = list(decisions)
    warnings: list[str] = []
    for year, result in reviews.items():
        if result not in REVIEW_RESULTS:
            warnings.append(f"{year}年度考核结果“{result}”无法识别，应为：{'、'.join(REVIEW_RESULTS)}")
    record = _record(profile)
    ctx = _Ctx(pack, record, facts or {}, decisions, as_of, approved_on)
    cal = dates.WorkdayCalendar(extra_holidays, extra_workdays)
    known = set(pack.benefit_codes)
    for d in decisions:
        if d.benefit_code and d.benefit_code not in known:
            warnings.append(f"决定{d.number}指向的待遇“{d.benefit_code}”不属于本政策，已忽略")
    if not pack.covers(approved_on):
        warnings.append(f"批准日期{approved_on}不在政策有效期（{pack.effective_from}至{pack.effective_to or '今'}）内")

    needed = None if benefits is None else _linked(pack, benefits)
    results = [_benefit(pack, b, ctx, cal, reviews, departed_on) for b in pack.benefits
               if needed is None or b["code"] in needed]
    # 失信名单 (条例 第六十六条): judged at the decision date (approved_on, and the day the
    # office decides when given) only, so a grant approved before an entry's start keeps its
    # installments (the bar is about new support)
    _bar_all(results, credit, approved_on, decided_on)
    by_code = {r.code: r for r in results}
    _apply_exclusions(pack, by_code)
    years, end, svc_basis, note, svc_status, source = _service(pack, ctx, departed_on, by_code, paid, decisions)
    for year in sorted(cal.uncovered_years):
        warnings.append(f"工作日日历未包含{year}年的法定节假日和调休安排，已按周一至周五计算；"
                        f"请在设置中补充{year}年的节假日和调休上班日")
    return Evaluation(policy=pack.id, title=pack.title, as_of=as_of, approved_on=approved_on,
                      # the policy's or the recorded agreement's years; a period taken from the
                      # contract term shows in service_years / service_source only
                      service_years_required=None if source == "contract" else years,
                      service_years=years, service_source=source,
                      service_end=end, benefits=results, warnings=warnings,
                      service_basis=svc_basis, service_note=note, departed_on=departed_on,
                      service_status=svc_status, review_passing=list(_passing(pack)))


def _bar_all(results: list, credit: Iterable[credit_list.CreditBar], approved_on: dt.date,
             decided_on: dt.date | None) -> None:
    """Bar every result by the 失信名单 entries in force on ``approved_on`` or on the day the
    office decides (``decided_on``), a talent's or an organisation's alike."""
    credit = list(credit)
    barring = credit_list.bars_on(credit, approved_on)
    if decided_on is not None:
        barring += [b for b in credit_list.bars_on(credit, decided_on) if b not in barring]
    if barring:
        for r in results:
            _bar(r, barring)


def evaluate_organisation(pack: Pack, beneficiary: str, *, approved_on: dt.date, as_of: dt.date | None = None,
                          facts: Mapping[str, Any] | None = None, decisions: Iterable[Decision] = (),
                          extra_holidays: Iterable[dt.date] = (), extra_workdays: Iterable[dt.date] = (),
                          credit: Iterable[credit_list.CreditBar] = (), decided_on: dt.date | None = None,
                          benefits: Iterable[str] | None = None) -> Evaluation:
    """Evaluate the benefits of ``pack`` paid to an organisation (``beneficiary``
    "employer" or "platform": the benefits whose ``beneficiary`` says so) from its
    ``facts`` (the employer's recorded attributes, the platform's kind, level and
    recognition, counts read from the register, facts the clerk supplies). The same
    checks, amounts, 一事一议 decisions, schedules and funding splits as a talent's; no
    profile, no service obligation, no reviews. ``credit``: the organisation's 失信名单
    entries (条例 第六十六条, judged on ``approved_on`` and ``decided_on``)."""
    as_of = as_of or dt.date.today()
    decisions = list(decisions)
    warnings: list[str] = []
    ctx = _Ctx(pack, {}, facts or {}, decisions, as_of, approved_on)
    cal = dates.WorkdayCalendar(extra_holidays, extra_workdays)
    wanted = None if benefits is None else set(benefits)
    known = set(pack.org_benefit_codes(beneficiary))
    for d in decisions:
        if d.benefit_code and d.benefit_code not in known:
            warnings.append(f"决定{d.number}指向的待遇“{d.benefit_code}”不属于本政策对该类对象的支持，已忽略")
    if not pack.covers(approved_on):
        warnings.append(f"批准日期{approved_on}不在政策有效期（{pack.effective_from}至{pack.effective_to or '今'}）内")
    results = [_benefit(pack, b, ctx, cal, {}, None) for b in pack.org_benefits(beneficiary)
               if wanted is None or b["code"] in wanted]
    _bar_all(results, credit, approved_on, decided_on)
    _apply_exclusions(pack, {r.code: r for r in results})
    for year in sorted(cal.uncovered_years):
        warnings.append(f"工作日日历未包含{year}年的法定节假日和调休安排，已按周一至周五计算；"
                        f"请在设置中补充{year}年的节假日和调休上班日")
    return Evaluation(policy=pack.id, title=pack.title, as_of=as_of, approved_on=approved_on,
                      service_years_required=None, service_end=None, benefits=results, warnings=warnings,
                      service_status="none", review_passing=list(_passing(pack)))


def _benefit(pack: Pack, b: Mapping, ctx: _Ctx, cal: dates.WorkdayCalendar, reviews: dict[int, str],
             departed_on: dt.date | None) -> BenefitResult:
    ctx.code = b["code"]
    res = BenefitResult(code=b["code"], name=b["name"])
    res.cite(_basis(pack, b.get("cite")))
    failed: list[Step] = []
    undetermined: list[Step] = []

    def run(cond: Mapping, label: str | None = None) -> Step:
        out = ctx.run_check(cond)
        step = Step(label or cond["check"], out.passed, out.value, out.message, _basis(pack, cond.get("cite")),
                    _quote(cond.get("cite")), out.decision, out.missing)
        res.explanation.append(step)
        if out.passed is False:
            failed.append(step)
        elif out.passed is None:
            undetermined.append(step)
            if out.missing and out.missing not in res.missing:
                res.missing.append(out.missing)
        if out.decision:
            res.reasons.append(f"经一事一议决定（{out.decision}）：{out.message}")
        return step

    for cond in b.get("conditions", []) or []:
        run(cond)

    # the date at which the policy and the amount are read
    basis_field = b.get("date_basis", "approved_on")
    basis_date = ctx.get(basis_field)
    sched = b["schedule"]
    if basis_date is None and not failed:
        label = roster.BY_KEY[basis_field].label if basis_field in roster.BY_KEY else basis_field
        undetermined.append(Step("date_basis", None, "（空）", f"缺少“{label}”，无法确定适用标准", missing=label))
        res.missing.append(label)
    elif basis_date is not None and not ctx.pack.covers(basis_date) and not failed:
        res.status = "not_covered"
        res.reasons.append(f"{basis_date}不在{pack.document}的有效期（{pack.effective_from}至"
                           f"{pack.effective_to or '今'}）内，本政策未作规定")

    # amount tier
    unit: int | None = None
    case_by_case = False
    if sched["kind"] != "in_kind" and res.status != "not_covered" and not failed:
        unit, case_by_case = _amount(pack, b, ctx, res, basis_date, failed, undetermined)

    if res.status == "not_covered":
        pass
    elif failed:
        res.status = "ineligible"
        for s in failed:
            res.reasons.append(f"不符合{s.basis or '条件'}：{s.message}")
            res.cite(s.basis)
    elif undetermined:
        res.status = "undetermined"
        for s in undetermined:
            res.reasons.append(f"待定：{s.message}" + (f"（{s.basis}）" if s.basis else ""))
        _note_pending(res, undetermined, b, pack)
    if res.status != "eligible":
        return res

    for s in res.explanation:
        if s.passed:
            res.cite(s.basis)
    _schedule(pack, b, ctx, cal, res, unit, case_by_case, reviews, departed_on)
    return res


def _note_pending(res: BenefitResult, steps: list[Step], b: Mapping, pack: Pack) -> None:
    """What the engine waits for, as the clerk sees it: “待补充：<fact>（article）” for a
    missing fact or field, “待决定：…” where the text leaves it to the office."""
    for s in steps:
        basis = s.basis or _basis(pack, b.get("cite"))
        if (s.missing or "").startswith("待决定"):
            line = f"{s.missing}——{s.message}（{basis}）"
        elif s.missing:
            line = f"待补充：{s.missing}（{basis}）"
        else:
            line = f"待定：{s.message}（{basis}）"
        if line not in res.pending:
            res.pending.append(line)


def _amount(pack: Pack, b: Mapping, ctx: _Ctx, res: BenefitResult, basis_date: dt.date | None,
            failed: list, undetermined: list) -> tuple[int | None, bool]:
    tiers = b["amount"]["tiers"]
    chosen = None
    tier_undetermined: list[Outcome] = []
    for tier in tiers:
        outs = [ctx.run_check(c) for c in tier.get("when", []) or []]
        if all(o.passed for o in outs):
            chosen = tier
            break
        if not any(o.passed is False for o in outs):
            tier_undetermined.extend(o for o in outs if o.passed is None)
            if any(o.recognition for o in outs):
                # an earlier tier waits for a recognition to be confirmed (阿拉善 第二十条):
                # which standard applies is not known, so no later tier is taken meanwhile
                break
    if chosen is None:
        labels = "、".join(t["label"] for t in tiers)
        if tier_undetermined:
            o = tier_undetermined[0]
            step = Step("amount_tier", None, o.value, f"无法确定补贴标准：{o.message}", missing=o.missing)
            undetermined.append(step)
            res.explanation.append(step)
            if o.missing and o.missing not in res.missing:
                res.missing.append(o.missing)
        else:
            step = Step("amount_tier", False, "", f"不属于任何补贴对象（{labels}）", _basis(pack, tiers[0].get("cite")),
                        _quote(tiers[0].get("cite")))
            failed.append(step)
            res.explanation.append(step)
        return None, False
    res.tier = chosen["label"]
    cite = chosen["cite"]
    basis, quote = _basis(pack, cite), _quote(cite)
    res.cite(basis)
    decision = ctx.decision("amount")
    if chosen.get("case_by_case"):
        if decision is not None and decision.amount_fen is not None:
            res.explanation.append(Step("amount", True, money.yuan(decision.amount_fen),
                                        f"{chosen['label']}：金额经一事一议决定（{decision.number}）为{money.yuan(decision.amount_fen)}元",
                                        basis, quote, decision.number))
            res.reasons.append(f"金额依一事一议决定{decision.number}确定")
            return decision.amount_fen, True
        res.explanation.append(Step("amount", None, "一事一议", f"{chosen['label']}：补贴金额“一事一议”研究后确定", basis, quote))
        res.reasons.append(f"{chosen['label']}的金额由“一事一议”研究确定（{basis}），尚无决定")
        return None, True
    if basis_date is None:
        return None, False
    value = None
    for v in chosen["values"]:
        if v["from"] <= basis_date and (v.get("to") is None or basis_date <= v["to"]):
            value = v
            break
    if value is None and tier_undetermined:
        # an earlier tier that could still apply is waiting for a fact: not “not covered” yet
        o = tier_undetermined[0]
        step = Step("amount_tier", None, o.value, f"无法确定补贴标准：{o.message}", missing=o.missing)
        undetermined.append(step)
        res.explanation.append(step)
        if o.missing and o.missing not in res.missing:
            res.missing.append(o.missing)
        return None, False
    if value is None:
        spans = "；".join(f"{v['from']}至{v.get('to') or '今'}" for v in chosen["values"])
        res.status = "not_covered"
        res.reasons.append(f"{chosen['label']}的标准只规定了{spans}，{basis_date}不在其内（{basis}），未作规定")
        return None, False
    span = f"{value['from']}至{value.get('to') or '今'}"
    if b["schedule"]["kind"] == "claims":
        # yearly claims: each year's amount comes from that year's fact (see _claims)
        if value.get("max_yuan") is not None:
            res.max_fen = value["max_yuan"] * 100
        res.explanation.append(Step("amount", True, chosen["label"], f"{chosen['label']}（适用{span}的标准）",
                                    basis, quote))
        return 0, False
    if "yuan" in value:
        unit = value["yuan"] * 100
        if decision is not None and decision.amount_fen is not None:
            res.explanation.append(Step("amount", True, money.yuan(decision.amount_fen),
                                        f"政策标准{money.yuan(unit)}元，经一事一议决定（{decision.number}）改为"
                                        f"{money.yuan(decision.amount_fen)}元", basis, quote, decision.number))
            res.reasons.append(f"金额依一事一议决定{decision.number}确定（政策标准{money.yuan(unit)}元）")
            return decision.amount_fen, False
        res.explanation.append(Step("amount", True, money.yuan(unit),
                                    f"{chosen['label']}：{money.yuan(unit)}元（适用{span}的标准）", basis, quote))
        return unit, False
    cap = value["max_yuan"] * 100
    res.max_fen = cap
    if "percent_of" in chosen:
        po = chosen["percent_of"]
        base = ctx.fact(po["fact"])
        if base is None:
            label = po.get("label", po["fact"])
            step = Step("amount", None, "（空）", f"缺少事实“{label}”（facts.{po['fact']}），无法计算金额", basis, quote,
                        missing=f"{label}（facts.{po['fact']}）")
            undetermined.append(step)
            res.explanation.append(step)
            res.missing.append(f"{label}（facts.{po['fact']}）")
            return None, False
        computed = int(base) * int(po["percent"]) // 100
        amount = min(computed, cap)
        res.explanation.append(Step("amount", True, money.yuan(amount),
                                    f"{money.yuan(int(base))}元×{po['percent']}%={money.yuan(computed)}元，"
                                    f"最高{money.yuan(cap)}元，核定{money.yuan(amount)}元", basis, quote))
        return amount, False
    if decision is not None and decision.amount_fen is not None:
        amount = decision.amount_fen
        if amount > cap:
            res.reasons.append(f"决定{decision.number}的金额{money.yuan(amount)}元超过政策上限，按上限{money.yuan(cap)}元计")
            amount = cap
        res.explanation.append(Step("amount", True, money.yuan(amount),
                                    f"最高{money.yuan(cap)}元，经研究决定（{decision.number}）给予{money.yuan(amount)}元",
                                    basis, quote, decision.number))
        res.reasons.append(f"金额依决定{decision.number}确定")
        return amount, False
    res.explanation.append(Step("amount", None, f"最高{money.yuan(cap)}", f"{chosen['label']}：最高{money.yuan(cap)}元，"
                                "具体金额须经研究决定", basis, quote))
    res.reasons.append(f"政策规定最高{money.yuan(cap)}元，具体金额须经研究决定（录入决定号和金额）（{basis}）")
    return None, True


def _schedule(pack: Pack, b: Mapping, ctx: _Ctx, cal: dates.WorkdayCalendar, res: BenefitResult,
              unit: int | None, case_by_case: bool, reviews: dict[int, str], departed_on: dt.date | None) -> None:
    sched = b["schedule"]
    kind = sched["kind"]
    sbasis, squote = _basis(pack, sched.get("cite")), _quote(sched.get("cite"))
    res.cite(sbasis)
    start_field = sched.get("start", b.get("date_basis", "approved_on"))
    start = ctx.get(start_field)
    if start is None:
        label = roster.BY_KEY[start_field].label if start_field in roster.BY_KEY else start_field
        res.status = "undetermined"
        res.missing.append(label)
        res.reasons.append(f"待定：缺少“{label}”，无法排定发放时间")
        return
    review_cfg = pack.data.get("review") or {}
    passing = _passing(pack)
    review_basis = _basis(pack, review_cfg.get("cite"))
    if kind == "in_kind":
        years = sched.get("years")
        extra, state = _tier_extra(b, ctx)
        if state is not True:
            res.status = "ineligible" if state is False else "undetermined"
            res.reasons.append(("不符合：" if state is False else "待定：") + extra.get("message", ""))
            res.explanation.append(Step("variant", state, "", extra.get("message", ""), extra.get("basis", ""),
                                        extra.get("quote", "")))
            if state is False and extra.get("basis"):
                res.cite(extra["basis"])
            return
        until = dates.add_years(start, int(years)) - dt.timedelta(days=1) if years else None
        res.in_kind = {"what": sched.get("what", res.name), "from": start.isoformat(), "years": years,
                       "until": until.isoformat() if until else None}
        res.in_kind.update({k: extra[k] for k in ("area_m2", "gift_after_years") if k in extra})
        if extra.get("label"):
            res.tier = extra["label"]
            res.cite(extra.get("basis", ""))
            res.explanation.append(Step("variant", True, extra["label"], extra["label"], extra.get("basis", ""),
                                        extra.get("quote", "")))
        msg = f"{res.in_kind['what']}：自{start}起" + (f"，期限{years}年" if years else f"，{sched.get('period_text', '在岗期间')}")
        if extra.get("area_m2"):
            msg += f"，住房{extra['area_m2']}平方米"
        if extra.get("gift_after_years"):
            gift_on = dates.add_years(start, extra["gift_after_years"])
            res.in_kind["gift_on"] = gift_on.isoformat()
            msg += f"，连续工作满{extra['gift_after_years']}年（{gift_on}）后住房可直接赠予"
            if departed_on and departed_on < gift_on:
                res.in_kind["gift_cancelled"] = True
                res.reasons.append(f"{departed_on}离开，未连续工作满{extra['gift_after_years']}年，住房不予赠予")
        res.explanation.append(Step("schedule", True, start.isoformat(), msg, sbasis, squote))
        res.reasons.insert(0, msg + "（实物待遇，不发放资金）")
        taken_field = sched.get("taken_field")
        if ctx.facts.get("apartment_register"):
            # the housing register is kept: it says who lives in a flat; the roster column
            # (taken_field) is only a hint the clerk confirms
            _from_register(pack, sched, ctx, res, start, until, taken_field)
        else:
            res.taken = bool(ctx.get(taken_field)) if taken_field else True
        if departed_on and (until is None or departed_on <= until):
            res.in_kind["ended_on"] = departed_on.isoformat()
            res.reasons.append(f"{departed_on}离开，实物待遇随之终止")
        return
    if unit is None:
        res.taken = True
        return
    dues: list[tuple[dt.date, int, bool, str]] = []  # due, amount, needs review, note
    if kind == "fractions":
        parts = sched["parts"]
        left = unit
        for i, p in enumerate(parts):
            amount = left if i == len(parts) - 1 else unit * int(p["percent"]) // 100
            left -= amount
            dues.append((dates.add_years(start, int(p["after_years"])), amount, bool(p.get("review")),
                         f"第{i + 1}期（{p['percent']}%）"))
        total = unit
        msg = f"自{start}起按" + "、".join(f"{p['percent']}%" for p in parts) + f"分{len(parts)}期发放"
    elif kind == "monthly":
        months = int(sched["months"])
        end_fact = sched.get("end_fact")
        end = ctx.fact(end_fact) if end_fact else None
        if end is not None:
            months = min(months, dates.months_between(start, end))
        review_each_year = sched.get("review") == "previous_year"
        for k in range(1, months + 1):
            due_k = dates.add_months(start, k)
            dues.append((due_k, unit, review_each_year and due_k.year - 1 >= start.year, f"第{k}个月"))
        total = unit * months
        msg = f"自{start}起每月{money.yuan(unit)}元，共{months}个月" + (f"（{end_fact}：{end}）" if end else "")
    elif kind == "annual":
        first = int(sched.get("first_after_years", 0))
        review_from = sched.get("review_from")
        cap = int(sched["cap_yuan"]) * 100 if sched.get("cap_yuan") is not None else None
        term = None
        if cap is not None:
            # 累计不超过…: a year that does not qualify does not use up the ceiling; the
            # years run as long as the agreement (合同期限) or, not known, up to the ceiling
            contract = ctx.get(sched.get("term_field", "contract_years"))
            term = int(contract) if contract else None
            years = term if term is not None else MAX_CLAIM_YEARS
            res.max_fen = cap
        else:
            years = int(sched["years"])
        for k in range(years):
            needs = review_from is not None and k + 1 >= int(review_from)
            dues.append((dates.add_years(start, k + first), unit, needs, f"第{k + 1}年"))
        total = unit * years
        msg = f"自{start}起每年{money.yuan(unit)}元，共{years}年"
        if cap is not None:
            msg = (f"自{start}起每个服务年度{money.yuan(unit)}元，累计不超过{money.yuan(cap)}元"
                   + (f"，协议期{term}年" if term is not None else "（未登记协议期限，排至累计上限）"))
    elif kind == "after_first_year":
        dues.append((dates.add_years(start, 1), unit, bool(sched.get("review", True)), "工作满一年"))
        total = unit
        msg = f"自{start}起工作满一年、年度考核合格后一次性发放"
    elif kind == "working_days":
        days = int(sched["days"])
        due = cal.add_workdays(start, days)
        dues.append((due, unit, False, f"{start}后第{days}个工作日内"))
        total = unit
        msg = f"{start}后{days}个工作日内（至{due}）一次性发放"
    elif kind == "claims":
        claim = _claims(pack, b, ctx, res, start, unit)
        if claim is None:
            return
        dues, total, msg = claim
    elif kind == "split":
        split = _split_by_decision(b, ctx, res, start, unit, sbasis)
        if split is None:
            return
        dues, total, msg = split
    else:  # once
        dues.append((start, unit, False, "一次性"))
        total = unit
        msg = f"{start}一次性发放"
    res.total_fen = total
    res.explanation.append(Step("schedule", True, money.yuan(total), msg, sbasis, squote))
    funding = b["funding"]
    shares = funding["shares"]
    fbasis = _basis(pack, funding.get("cite"))
    level = ctx.fact("approval_level")
    if funding.get("same_level") and level in FUNDING_LEVELS:
        shares = {level: 1}
    res.cite(fbasis)
    res.explanation.append(Step("funding", True, "：".join(f"{pack.level_name(k)}{v}" for k, v in shares.items()),
                                "资金分担：" + "：".join(f"{pack.level_name(k)}{v}" for k, v in shares.items()),
                                fbasis, _quote(funding.get("cite"))))
    per_year = sched.get("each_year_requires")
    failed_years = sorted(y for y, r in reviews.items() if r == "不合格")
    cancels = bool(review_cfg.get("failed_cancels_rest"))
    for idx, (due, amount, needs_review, note) in enumerate(dues):
        inst = Installment(due=due, amount_fen=amount, funding=_split(amount, shares), note=note)
        conditions = []
        if needs_review:
            inst.review_year = due.year - 1
            conditions.append(f"{inst.review_year}年度考核合格（{review_basis}）")
        if per_year:
            conditions.append(f"{per_year.get('label', per_year['fact'])}（{sbasis}）")
        inst.condition = "；".join(conditions)
        # status
        if departed_on and due > departed_on:
            inst.status, inst.cancelled_by = "cancelled", "departure"
            inst.note += f"；{departed_on}离开，未到期部分取消"
        elif cancels and any(y < due.year and y >= start.year for y in failed_years):
            y = next(y for y in failed_years if y < due.year and y >= start.year)
            inst.status, inst.cancelled_by = "cancelled", "review"
            inst.note += f"；{y}年度考核不合格，取消后续待遇（{review_basis}）"
        elif needs_review and inst.review_year in reviews:
            result = reviews[inst.review_year]
            if result in passing:
                inst.status = "due" if due <= ctx.as_of else "scheduled"
            else:
                inst.status, inst.cancelled_by = "cancelled", "review"
                inst.note += f"；{inst.review_year}年度考核“{result}”，未达到合格（{review_basis}）"
        elif needs_review:
            inst.status = "awaiting_review" if due <= ctx.as_of else "scheduled"
            if inst.status == "awaiting_review":
                line = f"待补充：{inst.review_year}年度考核结果（{review_basis}）"
                if line not in res.pending:
                    res.pending.append(line)
        else:
            inst.status = "due" if due <= ctx.as_of else "scheduled"
        if per_year and inst.status != "cancelled":
            months = ctx.year_fact(per_year["fact"], idx + 1)
            if months is None:
                if due <= ctx.as_of:
                    inst.status = "awaiting_fact"
                    line = (f"待补充：第{idx + 1}服务年度{per_year.get('label', per_year['fact'])}"
                            f"（facts.per_year.{idx + 1}.{per_year['fact']}；{sbasis}）")
                    inst.note += "；" + line
                    if line not in res.pending:
                        res.pending.append(line)
            elif months < per_year["min"]:
                inst.status, inst.cancelled_by = "cancelled", "service"
                inst.note += f"；该年度服务{months}个月，不满{per_year['min']}个月"
        res.installments.append(inst)
    cap = int(sched["cap_yuan"]) * 100 if kind == "annual" and sched.get("cap_yuan") is not None else None
    if cap is not None:
        kept, used = [], 0
        for inst in res.installments:
            if used >= cap:
                break
            kept.append(inst)
            if inst.cancelled_by == "departure":
                break  # the talent left: no later service years
            if inst.status != "cancelled":
                used += inst.amount_fen
        res.installments = kept
        res.total_fen = sum(i.amount_fen for i in kept)
    if departed_on and any(i.status == "cancelled" and i.due > departed_on for i in res.installments):
        res.reasons.append(f"{departed_on}离开，尚未到期的分期取消")
    res.taken = True


MAX_CLAIM_YEARS = 50  # an open-ended yearly benefit is listed at most this many years ahead


def _claims(pack: Pack, b: Mapping, ctx: _Ctx, res: BenefitResult, start: dt.date,
            unit: int) -> tuple[list, int, str] | None:
    """Yearly claims under a per-person ceiling (包头 若干措施 第五条 “同一人补助最高不超过10万元”,
    第十三条 “连续3年…每人每年不超过50万元”).

    Year k's amount is ``percent`` % of the per-year fact ``fact`` (``facts.per_year[k]``;
    year 1 may also come from ``facts[fact]``), at most ``cap_per_year_yuan`` and at most
    what is left of the tier's ``max_yuan`` ceiling across the years. A year whose fact is
    not recorded is not scheduled and is listed as “待补充”. With ``within_effective`` no
    claim falls after the pack's end date."""
    sched = b["schedule"]
    fact, percent = sched["fact"], int(sched.get("percent", 100))
    label = sched.get("label", fact)
    years = int(sched.get("years", MAX_CLAIM_YEARS))
    first = int(sched.get("first_after_years", 0))
    cap_year = int(sched["cap_per_year_yuan"]) * 100 if sched.get("cap_per_year_yuan") is not None else None
    ceiling = res.max_fen
    sbasis = _basis(pack, sched.get("cite"))
    dues: list[tuple[dt.date, int, bool, str]] = []
    used = 0
    for k in range(1, years + 1):
        due = dates.add_years(start, k - 1 + first)
        if sched.get("within_effective") and pack.effective_to is not None and due > pack.effective_to:
            break
        if ceiling is not None and used >= ceiling:
            break
        base = ctx.year_fact(fact, k)
        if base is None and k == 1 and ctx.fact(fact) is not None and not isinstance(ctx.fact(fact), Mapping):
            base = ctx.fact(fact)
        if base is None:
            if due <= ctx.as_of or k == 1:
                line = f"待补充：第{k}年{label}（facts.per_year.{k}.{fact}；{sbasis}）"
                if line not in res.pending:
                    res.pending.append(line)
            continue
        amount = int(base) * percent // 100
        if cap_year is not None:
            amount = min(amount, cap_year)
        if ceiling is not None:
            amount = min(amount, ceiling - used)
        used += amount
        dues.append((due, amount, False, f"第{k}年（{money.yuan(int(base))}元×{percent}%"
                     + (f"，每年最高{money.yuan(cap_year)}元" if cap_year is not None else "") + "）"))
    if not dues:
        res.status = "undetermined"
        res.reasons.append(f"待定：尚未登记任何年度的{label}（{sbasis}）")
        res.missing.append(f"{label}（facts.per_year）")
        return None
    total = sum(d[1] for d in dues)
    msg = (f"自{start}起按年度核定：" + "；".join(f"{d[3]}{money.yuan(d[1])}元" for d in dues)
           + (f"，同一人累计最高{money.yuan(ceiling)}元" if ceiling is not None else ""))
    return dues, total, msg


def _split_by_decision(b: Mapping, ctx: _Ctx, res: BenefitResult, start: dt.date, unit: int,
                       sbasis: str) -> tuple[list, int, str] | None:
    """“分期给予” where the text fixes neither the number nor the timing of the parts
    (阿拉善 第三十二条): the office's decision (``Decision.parts``) splits the amount into
    equal yearly parts from ``start_fact`` + ``after_years``; without it 待决定."""
    sched = b["schedule"]
    dec = next((d for d in ctx.decisions if d.applies_to(ctx.code) and parts_of(d)), None)
    begin = start
    if sched.get("start_fact"):
        fact_day = ctx.fact(sched["start_fact"])
        if fact_day is None:
            res.status = "undetermined"
            res.missing.append(sched["start_fact"])
            res.reasons.append(f"待定：缺少事实“{sched['start_fact']}”，无法排定分期（{sbasis}）")
            return None
        begin = dates.add_years(fact_day, int(sched.get("after_years", 0)))
    if dec is None:
        res.total_fen = unit
        line = f"待决定：{res.name}分期发放的期数（录入决定号和期数）（{sbasis}）"
        res.pending.append(line)
        res.reasons.append(f"{res.name}{money.yuan(unit)}元，政策规定“分期给予”，期数和时间待办公室决定（{sbasis}）")
        res.explanation.append(Step("schedule", None, "分期待定", line, sbasis, _quote(sched.get("cite"))))
        res.taken = True
        return None
    n = parts_of(dec)
    dues = []
    left = unit
    for k in range(n):
        amount = left if k == n - 1 else unit // n
        left -= amount
        dues.append((dates.add_years(begin, k), amount, False, f"第{k + 1}期（共{n}期，决定{dec.number}）"))
    return dues, unit, f"自{begin}起分{n}期每年发放（决定{dec.number}）"


_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def parts_of(d: Decision) -> int | None:
    """The number of parts a decision fixes: ``Decision.parts``, else “分N期” in its note
    (as the decision's text says it, e.g. “分3期发放”, “分两期”)."""
    if d.parts:
        return int(d.parts)
    m = re.search(r"分\s*(\d+|[一二两三四五六七八九十])\s*期", d.note or "")
    if not m:
        return None
    return int(m.group(1)) if m.group(1).isdigit() else _CN_DIGITS[m.group(1)]


def _opt_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _register_periods(ctx: _Ctx) -> list[tuple[dt.date, dt.date | None]]:
    """The talent's occupancies in the housing register (``facts.apartment_occupancies``:
    ``[{"from": date, "to": date | None}]``), oldest first."""
    out = []
    for o in ctx.facts.get("apartment_occupancies") or []:
        start = _opt_date(o.get("from"))
        if start is not None:
            out.append((start, _opt_date(o.get("to"))))
    return sorted(out, key=lambda p: p[0])


def _limit_until(moved_in: dt.date, years: int) -> dt.date:
    """The last day of a free stay of ``years`` from ``moved_in`` (“期限不超过三年”)."""
    return dates.add_years(moved_in, int(years)) - dt.timedelta(days=1)


def _from_register(pack: Pack, sched: Mapping, ctx: _Ctx, res: BenefitResult, start: dt.date,
                   until: dt.date | None, hint_field: str | None) -> None:
    """Whether the talent lives in a talent apartment during the benefit's period
    [start, until] (open: until None), read from the housing register. An occupancy that
    ended before the period (or starts after it) does not count. No occupancy at all while
    the roster says 是 and the clerk has not confirmed otherwise → 待定 (never a silent
    answer either way)."""
    sbasis = _basis(pack, sched.get("cite"))
    art = (sched.get("cite") or {}).get("art", "")
    periods = _register_periods(ctx)
    hits = [(a, b) for a, b in periods if (until is None or a <= until) and (b is None or b >= start)]
    limit_years = sched.get("occupancy_limit_years")
    if hits:
        a, b = hits[0]
        res.taken = True
        info: dict[str, Any] = {"from": a.isoformat(), "to": b.isoformat() if b else None}
        msg = f"住房登记：{a}入住" + (f"，{b}退房" if b else "，现仍居住")
        if limit_years:
            last = _limit_until(a, limit_years)
            over = (b or ctx.as_of) > last
            info.update(limit_years=int(limit_years), limit_until=last.isoformat(), over_limit=over)
            msg += f"；免费入住期限{limit_years}年，至{last}止"
            if over:
                msg += f"，已超过期限（{(b or ctx.as_of)}）"
        res.in_kind["occupancy"] = info
        res.reasons.append(f"{msg}（{sbasis}）")
        res.explanation.append(Step("housing_register", True, a.isoformat(), msg, sbasis, _quote(sched.get("cite"))))
        return
    res.taken = False
    if periods:
        shown = "、".join(f"{a}至{b or '今'}" for a, b in periods)
        msg = f"住房登记：入住期间{shown}不在本待遇期间（{start}至{until or '今'}）内，按未入住计"
        res.reasons.append(f"{msg}（{sbasis}）")
        res.explanation.append(Step("housing_register", False, shown, msg, sbasis, _quote(sched.get("cite"))))
        return
    hinted = bool(ctx.get(hint_field)) if hint_field else False
    if hinted and not ctx.facts.get("apartment_not_housed_confirmed"):
        msg = f"花名册填报入住人才公寓，住房登记中无记录，请核实（{art}）"
        res.status = "undetermined"
        res.reasons.append(f"待定：{msg}")
        res.missing.append("住房登记核实")
        res.pending.append(f"待补充：{msg}")
        res.explanation.append(Step("housing_register", None, "是", msg, sbasis, _quote(sched.get("cite")),
                                    missing="住房登记核实"))
        return
    msg = ("花名册填报入住人才公寓，经核实未入住（住房登记）" if hinted else "住房登记中无入住记录，按未入住计")
    res.reasons.append(f"{msg}（{sbasis}）")
    res.explanation.append(Step("housing_register", False, "", msg, sbasis, _quote(sched.get("cite"))))


def occupancy_terms(pack: Pack, profile: Mapping[str, Any], *, moved_in: dt.date,
                    facts: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The terms of one stay in a talent apartment under ``pack`` for the talent of
    ``profile`` who moves in on ``moved_in``: the free-occupancy limit (阿拉善 第四十一条
    “期限不超过三年”: ``limit_years``, ``limit_until`` = the last free day) and the day the
    flat may be given outright (阿拉山口 第十四条 “连续工作5年以上的，住房可直接赠予”:
    ``gift_years``, ``gift_on`` counted from the schedule's start, 引进日期), with
    ``basis`` (the articles) and ``notes`` (what is missing, Chinese). A pack without a
    housing benefit gives only a note."""
    out: dict[str, Any] = {"limit_years": None, "limit_until": None, "gift_years": None, "gift_on": None,
                           "area_m2": None, "basis": [], "notes": []}
    b = next((x for x in pack.benefits if x["schedule"].get("kind") == "in_kind"
              and x["code"] == "talent_apartment"), None)
    if b is None:
        out["notes"].append(f"{pack.title}未规定人才公寓（住房）待遇")
        return out
    sched = b["schedule"]
    ctx = _Ctx(pack, _record(profile), facts or {}, [], moved_in, moved_in)
    ctx.code = b["code"]
    if sched.get("occupancy_limit_years"):
        years = int(sched["occupancy_limit_years"])
        out["limit_years"], out["limit_until"] = years, _limit_until(moved_in, years)
        out["basis"].append(_basis(pack, sched.get("cite")))
    extra, state = _tier_extra(b, ctx)
    if state is True:
        out["area_m2"] = extra.get("area_m2")
        if extra.get("gift_after_years"):
            out["gift_years"] = int(extra["gift_after_years"])
            if extra.get("basis") and extra["basis"] not in out["basis"]:
                out["basis"].append(extra["basis"])
            start_field = sched.get("start", b.get("date_basis", "approved_on"))
            start = ctx.get(start_field)
            if start is None:
                label = roster.BY_KEY[start_field].label if start_field in roster.BY_KEY else start_field
                out["notes"].append(f"缺少“{label}”，无法计算住房赠予日期")
            else:
                out["gift_on"] = dates.add_years(start, out["gift_years"])
    elif extra.get("message"):
        out["notes"].append(extra["message"])
    if not out["basis"]:
        out["basis"].append(_basis(pack, b.get("cite")))
    return out


def _tier_extra(b: Mapping, ctx: _Ctx) -> tuple[dict, bool | None]:
    """For in-kind benefits: the first matching ``variants`` entry (label, area, gift
    years) → (entry, True); none matches → ({message}, False), or None if undetermined."""
    variants = b.get("variants") or []
    if not variants:
        return {}, True
    unknown = None
    for v in variants:
        outs = [ctx.run_check(c) for c in v.get("when", []) or []]
        if all(o.passed for o in outs):
            out = {k: v[k] for k in ("label", "area_m2", "gift_after_years") if k in v}
            out["basis"], out["quote"] = _basis(ctx.pack, v.get("cite")), _quote(v.get("cite"))
            return out, True
        if unknown is None and not any(o.passed is False for o in outs):
            unknown = next(o for o in outs if o.passed is None)
    if unknown is not None:
        return {"message": f"无法确定住房标准：{unknown.message}"}, None
    first = variants[0]
    return {"message": "不属于任何住房标准（" + "、".join(v.get("label", "") for v in variants) + "）",
            "basis": _basis(ctx.pack, first.get("cite")), "quote": _quote(first.get("cite"))}, False


def _linked(pack: Pack, wanted: Iterable[str]) -> set[str]:
    """``wanted`` with every benefit an exclusion ties to them, transitively (what their
    results can depend on: each benefit is evaluated on its own, then the exclusions)."""
    groups = []
    for ex in pack.data.get("exclusions", []) or []:
        groups.append(set(ex["one_of"]) if "one_of" in ex else {ex["benefit"], ex["not_with"]})
    out = set(wanted)
    grown = True
    while grown:
        grown = False
        for g in groups:
            if out & g and not g <= out:
                out |= g
                grown = True
    return out


def _apply_exclusions(pack: Pack, by_code: dict[str, BenefitResult]) -> None:
    for ex in pack.data.get("exclusions", []) or []:
        basis, quote = _basis(pack, ex.get("cite")), _quote(ex.get("cite"))
        if "one_of" in ex:
            group = [by_code[c] for c in ex["one_of"] if c in by_code and by_code[c].status == "eligible" and by_code[c].taken]
            if len(group) < 2:
                continue
            keep = max(group, key=lambda r: (r.total_fen or 0)) if ex.get("keep") == "highest" else group[0]
            for r in group:
                if r is keep:
                    continue
                _exclude(r, f"与{keep.name}不重复享受，按{'标准从高' if ex.get('keep') == 'highest' else '先列者'}"
                            f"享受{keep.name}（{basis}）", basis, quote)
            continue
        target, other = by_code.get(ex["benefit"]), by_code.get(ex["not_with"])
        if target is None or other is None or target.status != "eligible":
            continue
        if other.status == "eligible" and other.taken:
            what = "已入住" if other.in_kind else "已享受"
            _exclude(target, f"{what}{other.name}，不享受{target.name}（{basis}）", basis, quote)
        elif other.status == "undetermined":
            target.status = "undetermined"
            target.reasons.append(f"待定：是否享受{other.name}尚未确定，而享受{other.name}的不享受{target.name}（{basis}）")
            for p in other.pending:  # what the other waits for decides this one too
                if p not in target.pending:
                    target.pending.append(p)
            target.explanation.append(Step("exclusion", None, other.name, f"与{other.name}互斥，后者待定", basis, quote))


def _exclude(r: BenefitResult, reason: str, basis: str, quote: str) -> None:
    r.status = "ineligible"
    r.reasons = [x for x in r.reasons if "分期取消" not in x]
    r.reasons.append(reason)
    r.cite(basis)
    r.explanation.append(Step("exclusion", False, "", reason, basis, quote))
    r.installments = []
    r.total_fen = None
    r.taken = False


def _bar(r: BenefitResult, bars: list[credit_list.CreditBar]) -> None:
    """The benefit is not given: credit-list entries cover its decision date. Their
    reasons come first; what else the benefit lacks stays listed after them."""
    reasons = [bar.reason() for bar in bars]
    if r.status != "ineligible":
        r.reasons = []  # eligible / undetermined / not covered: the bar decides
    r.pending = []  # nothing is waited for: no fact or decision would give the benefit now
    r.missing = []
    r.status = "ineligible"
    r.reasons = reasons + r.reasons
    r.cite(credit_list.BASIS)
    for bar, reason in zip(bars, reasons):
        r.explanation.append(Step("credit_list", False, bar.doc_no, reason, credit_list.BASIS, credit_list.QUOTE))
    r.installments = []
    r.total_fen = None
    r.in_kind = None
    r.taken = False


def _service(pack: Pack, ctx: _Ctx, departed_on: dt.date | None, by_code: dict[str, BenefitResult],
             paid: Any, decisions: list[Decision] | None = None) -> tuple[int | None, dt.date | None, list[str], str, str]:
    """The service obligation and, on an early departure, each refund.

    Every rule whose conditions pass is a floor; the longest binds (阿拉善 第十九条). An
    agreed service period (``facts.service_agreement_years``) longer than the floors
    binds too. Where no rule fixes a period and ``agreement_when`` passes (the text
    makes every such talent sign a service agreement), the agreement's length is used,
    else the contract term (合同期限), and the note says so; if neither is known the
    obligation is undetermined and a refund on departure is 待定, never 0.

    Returns (years, end, basis, note, status, source) with status fixed / none /
    undetermined and source policy / agreement / contract / None."""
    svc = pack.data.get("service") or {}
    floors: list[tuple[int, str]] = []
    basis: list[str] = []
    note = ""
    status = "none"
    rule_notes: list[str] = []
    unknown_rule: Outcome | None = None
    for rule in svc.get("rules", []) or []:
        outs = [ctx.run_check(c) for c in rule.get("when", []) or []]
        if all(o.passed for o in outs):
            b = _basis(pack, rule.get("cite"))
            if rule.get("years"):
                floors.append((int(rule["years"]), b))
            elif rule.get("note"):
                rule_notes.append(rule["note"])
            if b and b not in basis:
                basis.append(b)
        elif unknown_rule is None and not any(o.passed is False for o in outs):
            unknown_rule = next(o for o in outs if o.passed is None)
    years: int | None = None
    source: str | None = None
    agreed = ctx.fact("service_agreement_years")
    agreed = int(agreed) if agreed else None
    if floors:
        years = max(y for y, _ in floors)
        status, source = "fixed", "policy"
        if len({y for y, _ in floors}) > 1:
            note = f"同时适用多个服务年限，按最长的{years}年（{'、'.join(str(y) for y, _ in floors)}年取其长）"
        if agreed and agreed > years:
            note = (note + "；" if note else "") + f"服务期协议约定{agreed}年，长于政策规定的{years}年，按协议约定"
            years, source = agreed, "agreement"
    elif rule_notes:
        note = rule_notes[0]
    else:
        applies = [ctx.run_check(c) for c in svc.get("agreement_when", []) or []]
        acite = svc.get("agreement_cite")
        abasis = _basis(pack, acite)
        if not svc.get("agreement_when"):
            if agreed:
                years, status, source = agreed, "fixed", "agreement"
                note = f"按服务期协议约定的{years}年（facts.service_agreement_years）"
                if refund_cite := (svc.get("refund") or {}).get("cite"):
                    basis.append(_basis(pack, refund_cite))
            else:
                note = svc.get("default_note", "政策未规定该类人才的服务年限")
        elif any(o.passed is False for o in applies):
            note = svc.get("default_note", "政策未规定该类人才的服务年限")
        elif any(o.passed is None for o in applies) or unknown_rule is not None:
            o = next((o for o in applies if o.passed is None), unknown_rule)
            status = "undetermined"
            note = f"无法确定服务年限：{o.message}" + (f"（{abasis}）" if abasis else "")
        else:
            contract = ctx.get("contract_years")
            if abasis:
                basis.append(abasis)
            if agreed:
                years, status, source = agreed, "fixed", "agreement"
                note = (f"政策未规定该类人才的服务年限，按服务期协议约定的{years}年"
                        f"（facts.service_agreement_years；{abasis}）")
            elif contract:
                years, status, source = max(1, int(contract)), "fixed", "contract"
                months_exact = int(contract * 12)
                note = (f"政策未规定该类人才的服务年限，未登记服务期协议的年限，按聘用合同期限"
                        f"{format(contract.normalize(), 'f') if hasattr(contract, 'normalize') else contract}年计"
                        f"（{abasis}）")
            else:
                status = "undetermined"
                note = (f"政策未规定该类人才的服务年限，须按服务期协议约定，但未登记服务期协议年限，"
                        f"也没有合同期限：服务年限待定（{abasis}）")
    start_field = svc.get("start", "introduction_date")
    start = ctx.get(start_field) or ctx.approved_on
    end = dates.add_years(start, int(years)) if years else None
    if end is not None and "months_exact" in locals() and months_exact != 12 * int(years):
        end = dates.add_months(start, months_exact)  # a contract of e.g. 2.5 years ends after 30 months
    refund = svc.get("refund") or {}
    if not departed_on:
        return years, end, basis, note, status, source
    if end is not None and departed_on >= end:
        return years, end, basis, note, status, source
    if end is None and status != "undetermined":
        return years, end, basis, note, status, source
    mode = refund.get("mode", "none")
    rbasis = _basis(pack, refund.get("cite"))
    rquote = _quote(refund.get("cite"))
    paid_map = _paid_map(paid)
    for code in refund.get("benefits", []) or []:
        r = by_code.get(code)
        if r is not None and r.status in ("undetermined", "not_covered") and paid_map.get(code):
            # paid earlier, but whether the talent was entitled cannot be told now (a fact went
            # missing, a recognition lapsed …): the refund is 待定, never a silent 0
            r.cite(rbasis)
            r.refund_fen = 0
            r.refund_status = "undetermined"
            why = "；".join(x.removeprefix("待定：") for x in r.reasons) or "享受条件待定"
            msg = (f"{departed_on}在服务期内离开，{r.name}已发放{len(paid_map[code])}期，但现在无法判断是否符合享受条件"
                   f"（{why}），是否退回及退回金额待定")
            r.reasons.append(f"待定：{msg}（{rbasis}）")
            r.explanation.append(Step("refund", None, "待定", msg, rbasis, rquote))
            continue
        if r is None or r.status != "eligible" or not r.installments:
            continue
        if code in paid_map:
            dues = paid_map[code]
            got = sum(i.amount_fen for i in r.installments if i.due in dues)
        else:
            got = sum(i.amount_fen for i in r.installments if i.due <= departed_on and i.cancelled_by is None)
        r.cite(rbasis)
        if status == "undetermined":
            r.refund_fen = 0
            r.refund_status = "undetermined"
            msg = (f"{departed_on}离开，已领取{money.yuan(got)}元；{note}，是否退回及退回金额待定"
                   "，请先登记服务期协议的服务年限")
            r.reasons.append(f"待定：{msg}（{rbasis}）")
            r.pending.append(f"待补充：服务期协议的服务年限（facts.service_agreement_years）或合同期限（{rbasis}）")
            r.explanation.append(Step("refund", None, "待定", msg, rbasis, rquote))
            continue
        total_days = (end - start).days
        unserved = (end - departed_on).days
        if got == 0:
            r.refund_fen = 0
            r.refund_status = "fixed"
            rule = "尚未领取，无需退回"
        elif mode == "all_paid":
            r.refund_fen = got
            r.refund_status = "fixed"
            rule = "退回已领取的全部金额"
        elif mode == "pro_rata":
            r.refund_fen = got * unserved // total_days
            r.refund_status = "fixed"
            rule = f"按未服务天数{unserved}/{total_days}比例退回"
        elif mode == "office_decides":
            suggest = refund.get("suggest", "pro_rata")
            suggested = got * unserved // total_days if suggest == "pro_rata" else got
            r.refund_suggested_fen = suggested
            dec = next((d for d in (decisions or []) if d.kind == "refund" and d.applies_to(code)
                        and d.amount_fen is not None), None)
            how = (f"按未服务天数{unserved}/{total_days}比例" if suggest == "pro_rata" else "按已领取全额")
            if dec is not None:
                r.refund_fen = min(int(dec.amount_fen), got)
                r.refund_status = "decided"
                rule = (f"政策规定“根据具体情况”追回，经决定（{dec.number}）追回{money.yuan(r.refund_fen)}元"
                        f"（参考金额{money.yuan(suggested)}元）")
            else:
                r.refund_fen = 0
                r.refund_status = "undetermined"
                msg = (f"服务期至{end}，{departed_on}提前离开：已领取{money.yuan(got)}元；政策规定“根据具体情况”追回，"
                       f"追回金额由办公室决定（参考：{how}为{money.yuan(suggested)}元），决定前待定")
                r.reasons.append(f"待定：{msg}（{rbasis}）")
                r.pending.append(f"待决定：追回金额（{rbasis}）")
                r.explanation.append(Step("refund", None, money.yuan(suggested), msg, rbasis, rquote))
                continue
        else:
            r.refund_fen = 0
            r.refund_status = "none"
            rule = "政策未规定退回金额"
        how_long = {"contract": "（政策未规定年限，按聘用合同期限）",
                    "agreement": "（按服务期协议约定的年限）"}.get(source or "", "")
        msg = (f"服务期至{end}{how_long}，{departed_on}提前离开：已领取{money.yuan(got)}元，{rule}，"
               f"应退回{money.yuan(r.refund_fen)}元")
        r.reasons.append(msg + f"（{rbasis}）")
        r.explanation.append(Step("refund", True, money.yuan(r.refund_fen), msg, rbasis, rquote,
                                  next((d.number for d in (decisions or []) if d.kind == "refund"
                                        and d.applies_to(code)), None) if r.refund_status == "decided" else None))
    return years, end, basis, note, status, source


def _paid_map(paid: Any) -> dict[str, set[dt.date]]:
    """``paid`` as {code: [due dates]} or [{"benefit": code, "due": date}, …] or [(code, due)]."""
    out: dict[str, set[dt.date]] = {}
    if not paid:
        return out
    items = paid.items() if isinstance(paid, Mapping) else None
    if items is not None:
        for code, dues in items:
            out[code] = {_as_date(d) for d in dues}
        return out
    for entry in paid:
        if isinstance(entry, Mapping):
            code, due = entry["benefit"], entry["due"]
        else:
            code, due = entry
        out.setdefault(code, set()).add(_as_date(due))
    return out


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
