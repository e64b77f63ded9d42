"""Whether one stored installment may be proposed, approved or paid on a day: the one
decision every service asks (payments, the payment-confirmation import, the GUI).

Pure: no database, no Qt. The caller gathers the facts into a ``Case`` (the pack, the
talent's profile, recorded reviews, 一事一议 decisions, facts such as ``months_served``,
the recorded departure) and describes the stored installments (``StoredInstallment``:
seq, due date, amount, stored status, review year); ``decide`` runs the engine once at
the action's horizon and answers each with an ``Answer``: ``yes`` / ``no`` / ``pending``
(待定), the reasons in Chinese and the articles they rest on.

Horizons (the engine's ``as_of``)::

    propose, approve   the last day of the month of ``on``   (offices propose and approve
                       by month: the 补贴发放审批表 is monthly)
    pay                ``on`` + ``pay_before_due_days``      (the paid date; the office
                       setting, default 0: never before the due date)

An installment is ``yes`` only when the stored workflow allows the action (status,
grant approved, not a reversal) and the engine, evaluated at the horizon, says the
installment is ``due`` with the amount stored. The engine waiting for a review or a fact
(``awaiting_review`` / ``awaiting_fact``), a benefit it cannot decide, or a stored
installment it does not schedule is ``pending`` with what is missing; cancelled by the
engine (a review the pack does not count as passing, a departure, service months short)
or not yet due is ``no``.

``departure_cancellations`` answers which open installments a departure cancels.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from talentdesk.domain import money
from talentdesk.rules.credit import CreditBar
from talentdesk.rules.engine import BenefitResult, Decision, Evaluation, Installment, evaluate, evaluate_organisation
from talentdesk.rules.loader import Pack

PROPOSE, APPROVE, PAY = "propose", "approve", "pay"
ACTIONS = {PROPOSE: "提交发放", APPROVE: "审核发放", PAY: "登记发放"}
YES, NO, PENDING = "yes", "no", "pending"
VERDICTS = {YES: "可以", NO: "不可以", PENDING: "待定"}

# the stored status each action starts from (talentdesk.domain.status.INSTALLMENT_STATUS)
_FROM = {PROPOSE: ("scheduled", "只能提交待发放的分期"), APPROVE: ("proposed", "只能审核已提交发放的分期"),
         PAY: ("approved", "只能登记已审核待付的分期")}
_STORED_NAMES = {"scheduled": "待发放", "proposed": "已提交发放", "approved": "已审核待付", "paid": "已发放",
                 "suspended": "已暂停", "cancelled": "已取消", "refund_due": "应退回", "refunded": "已退回",
                 "reversed": "已冲销"}
_GRANT_NAMES = {"proposed": "待审核", "approved": "已批准", "rejected": "已退回", "cancelled": "已取消"}


@dataclass(frozen=True)
class Case:
    """Everything stored about one grant that the engine reads."""
    pack: Pack
    profile: Mapping[str, Any]
    benefit_code: str
    approved_on: dt.date
    reviews: Mapping[int, str] = field(default_factory=dict)
    decisions: Sequence[Decision] = ()
    facts: Mapping[str, Any] = field(default_factory=dict)
    departed_on: dt.date | None = None
    extra_holidays: Sequence[dt.date] = ()
    extra_workdays: Sequence[dt.date] = ()
    # 失信名单 entries of the talent and its employer; they bar only a grant whose approval
    # date they cover, so the installments of a grant approved before an entry's start
    # stay payable (条例 第六十六条 bars new support)
    credit: Sequence[CreditBar] = ()
    # "talent", or an organisation ("employer" / "platform": ``evaluate_organisation`` on
    # ``facts``; ``profile`` is empty)
    beneficiary: str = "talent"

    def evaluate(self, as_of: dt.date, *, paid: Any = None, benefits: Iterable[str] | None = None) -> Evaluation:
        """The engine's evaluation; ``benefits``: only those codes wanted (``rules.evaluate``:
        each wanted result is the one the full evaluation gives)."""
        if self.beneficiary != "talent":
            return evaluate_organisation(self.pack, self.beneficiary, approved_on=self.approved_on, as_of=as_of,
                                         facts=dict(self.facts), decisions=list(self.decisions),
                                         extra_holidays=self.extra_holidays, extra_workdays=self.extra_workdays,
                                         credit=tuple(self.credit), benefits=[self.benefit_code])
        return evaluate(self.pack, self.profile, approved_on=self.approved_on, as_of=as_of,
                        departed_on=self.departed_on, reviews=dict(self.reviews), decisions=list(self.decisions),
                        paid=paid, extra_holidays=self.extra_holidays, extra_workdays=self.extra_workdays,
                        facts=dict(self.facts), credit=tuple(self.credit), benefits=benefits)


@dataclass(frozen=True)
class StoredInstallment:
    """One stored installment as the decision sees it."""
    seq: int
    due: dt.date
    amount_fen: int
    status: str  # stored status code
    grant_status: str = "approved"
    review_year: int | None = None
    is_reversal: bool = False
    id: int | None = None
    label: str = ""  # Chinese, e.g. 张伟的安家补贴第2期（2024-06-01，60000.00元）; the messages start with it


@dataclass(frozen=True)
class Answer:
    verdict: str  # yes / no / pending
    reasons: tuple[str, ...]
    articles: tuple[str, ...] = ()
    engine_status: str | None = None  # the engine's installment status at the horizon
    horizon: dt.date | None = None
    label: str = ""

    @property
    def ok(self) -> bool:
        return self.verdict == YES

    @property
    def verdict_label(self) -> str:
        return VERDICTS[self.verdict]

    @property
    def message(self) -> str:
        """One Chinese line: the installment, 待定 when pending, the reasons, the articles."""
        text = "；".join(self.reasons)
        if self.verdict == PENDING:
            text = "待定：" + text
        cited = [a for a in self.articles if a and a not in text]
        if cited:
            text += f"（依据：{'；'.join(cited)}）"
        return f"{self.label}{text}" if self.label else text

    def as_dict(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "verdict_label": self.verdict_label, "reasons": list(self.reasons),
                "articles": list(self.articles), "engine_status": self.engine_status,
                "horizon": self.horizon.isoformat() if self.horizon else None, "message": self.message}


def month_end(day: dt.date) -> dt.date:
    nxt = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def horizon(action: str, on: dt.date, *, pay_before_due_days: int = 0) -> dt.date:
    """The latest due date ``action`` may cover on ``on`` (the engine's ``as_of``)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if action == PAY:
        return on + dt.timedelta(days=max(0, int(pay_before_due_days or 0)))
    return month_end(on)


def decide(case: Case | None, installments: Iterable[StoredInstallment], action: str, on: dt.date, *,
           pay_before_due_days: int = 0) -> list[Answer]:
    """The answer for each stored installment of ``case``'s grant: one engine run at the
    action's horizon (see the module doc), only when the stored workflow allows the action
    for one of them. ``case`` None (no approval date stored): the workflow answers, or 待定."""
    items = list(installments)
    as_of = horizon(action, on, pay_before_due_days=pay_before_due_days)
    first = [stored_refusal(inst, action, as_of) for inst in items]
    if all(a is not None for a in first):
        return list(first)
    if case is None:
        return [a or Answer(PENDING, ("未登记批准日期，无法按政策测算",), (), None, as_of, inst.label)
                for a, inst in zip(first, items)]
    ev = case.evaluate(as_of, benefits=(case.benefit_code,))  # the answer reads this grant's benefit only
    return [a or answer(ev, case.benefit_code, inst, action, on, pay_before_due_days=pay_before_due_days)
            for a, inst in zip(first, items)]


def stored_refusal(inst: StoredInstallment, action: str, as_of: dt.date | None = None) -> Answer | None:
    """``no`` when the stored workflow does not allow ``action`` (a reversal, the wrong
    status, the grant not approved), else None (the engine decides)."""
    def no(reason: str) -> Answer:
        return Answer(NO, (reason,), (), None, as_of, inst.label)

    if inst.is_reversal:
        return no("是冲销记录，不能发放")
    wanted, refusal = _FROM[action]
    if inst.status != wanted:
        return no(f"当前状态为“{_STORED_NAMES.get(inst.status, inst.status)}”，{refusal}")
    if inst.grant_status != "approved":
        return no(f"所属待遇尚未批准（{_GRANT_NAMES.get(inst.grant_status, inst.grant_status)}），"
                  f"不能{ACTIONS[action]}")
    return None


def match(res: BenefitResult, inst: StoredInstallment) -> Installment | None:
    """The engine's installment a stored one stands for: same due date (same amount first)."""
    same = [e for e in res.installments if e.due == inst.due]
    if not same:
        return None
    return next((e for e in same if e.amount_fen == inst.amount_fen), same[0])


def answer(ev: Evaluation, benefit_code: str, inst: StoredInstallment, action: str, on: dt.date, *,
           pay_before_due_days: int = 0) -> Answer:
    """The answer for one stored installment given ``ev``, the engine's evaluation at the
    action's horizon (``horizon(action, on)``; another ``as_of`` raises ValueError)."""
    as_of = horizon(action, on, pay_before_due_days=pay_before_due_days)
    if ev.as_of != as_of:
        raise ValueError(f"evaluation as of {ev.as_of}, the {action} horizon on {on} is {as_of}")

    def out(verdict: str, *reasons: str, articles: Iterable[str] = (), status: str | None = None) -> Answer:
        return Answer(verdict, tuple(r for r in reasons if r), tuple(dict.fromkeys(a for a in articles if a)),
                      status, as_of, inst.label)

    refused = stored_refusal(inst, action, as_of)
    if refused is not None:
        return refused
    # the engine
    try:
        res = ev.benefit(benefit_code)
    except KeyError:
        return out(PENDING, f"政策{ev.policy}没有“{benefit_code}”这项待遇，无法判断，请核对待遇的政策")
    articles = list(res.basis)
    if res.status != "eligible":
        why = "；".join(res.reasons) or "不符合条件"
        if res.status == "ineligible":
            return out(NO, f"按现有信息测算已不符合：{why}", articles=articles, status="ineligible")
        if res.status == "not_covered":
            return out(NO, why, articles=articles, status="not_covered")
        missing = f"（待补充：{'、'.join(res.missing)}）" if res.missing else ""
        return out(PENDING, f"按现有信息无法确定：{why}{missing}", articles=articles, status="undetermined")
    e = match(res, inst)
    if e is None:
        return out(PENDING, f"按现有信息测算的发放计划中没有应发日期为{inst.due}的一期，请重新测算核对",
                   articles=articles)
    if e.amount_fen != inst.amount_fen:
        return out(PENDING, f"测算金额{money.yuan(e.amount_fen)}元与登记金额{money.yuan(inst.amount_fen)}元不符，"
                            f"请重新测算核对", articles=articles, status=e.status)
    conditions = [c for c in (e.condition or "").split("；") if c]
    if e.status == "cancelled":
        why = e.note.split("；")[-1] if "；" in e.note else (e.note or "已取消")
        return out(NO, f"按政策取消：{why}", articles=articles, status=e.status)
    if e.status == "awaiting_review":
        year = e.review_year
        cond = next((c for c in conditions if "年度考核" in c), f"{year}年度考核合格")
        return out(PENDING, f"需要{cond}，尚未登记{year}年度考核结果", articles=articles, status=e.status)
    if e.status == "awaiting_fact":
        wait = [c for c in conditions if "年度考核" not in c] or conditions
        return out(PENDING, f"待补充：{'；'.join(wait) or '发放条件所需的信息'}", articles=articles, status=e.status)
    if e.status == "scheduled" or e.due > as_of:
        if action == PAY:
            ahead = f"（按设置可提前{pay_before_due_days}天登记）" if pay_before_due_days else ""
            return out(NO, f"尚未到期（应发日期{e.due}），不能登记{on}发放{ahead}", articles=articles, status=e.status)
        return out(NO, f"尚未到期（应发日期{e.due}），{on.year}年{on.month}月只能{ACTIONS[action]}"
                       f"本月及以前到期的分期", articles=articles, status=e.status)
    if e.status == "due":
        met = f"，条件已满足：{'；'.join(conditions)}" if conditions else ""
        return out(YES, f"可以{ACTIONS[action]}{met}", articles=articles, status=e.status)
    return out(PENDING, f"测算状态“{e.status}”无法判断", articles=articles, status=e.status)


@dataclass(frozen=True)
class Cancellation:
    inst: StoredInstallment
    reason: str
    articles: tuple[str, ...] = ()


def departure_cancellations(ev: Evaluation, benefit_code: str, installments: Iterable[StoredInstallment], *,
                            refund_fen: int | None = None) -> list[Cancellation]:
    """Which open installments of one approved grant a departure cancels, given ``ev``
    evaluated with ``departed_on`` and what was really paid: those the engine cancels
    for the departure (due after it), and, when the refund rule claws money back
    (``refund_fen`` > 0), the unpaid earlier ones too (paying them would only add to
    the refund). ``refund_fen``: the refund actually due when the caller caps the engine's
    (never more than was received); default the engine's."""
    departed = ev.departed_on
    try:
        res = ev.benefit(benefit_code)
    except KeyError:
        return []
    refund_basis = [s.basis for s in res.explanation if s.check == "refund" and s.basis]
    out: list[Cancellation] = []
    for inst in installments:
        if inst.is_reversal or inst.status not in ("scheduled", "proposed", "approved", "suspended"):
            continue
        e = match(res, inst)
        if (e is not None and e.status == "cancelled" and e.cancelled_by == "departure") or (
                e is None and departed is not None and inst.due > departed):
            out.append(Cancellation(inst, f"{departed}离开，未到期部分取消"))
        elif (res.refund_fen if refund_fen is None else refund_fen) > 0:
            cite = f"（{'；'.join(refund_basis)}）" if refund_basis else ""
            out.append(Cancellation(inst, f"{departed}未满服务期离开，应退回已领取待遇，未发部分不再发放{cite}",
                                    tuple(refund_basis)))
    return out


def review_passes(pack: Pack, result: str) -> bool:
    """Whether ``result`` counts as passing under ``pack`` (its ``review.passing``)."""
    review_cfg = pack.data.get("review") or {}
    return result in tuple(review_cfg.get("passing", ("优秀", "合格", "基本合格")))


__all__ = ["ACTIONS", "APPROVE", "Answer", "Cancellation", "Case", "NO", "PAY", "PENDING", "PROPOSE",
           "StoredInstallment", "VERDICTS", "YES", "answer", "decide", "departure_cancellations", "horizon",
           "match", "month_end", "review_passes", "stored_refusal"]
