"""在岗追回: the amount to recover outside (or alongside) a departure, and its split back
to the funding levels that paid it. Pure: no Qt, no database.

Bases (``BASES``):

- ``fraud`` 骗取: 《内蒙古自治区人才发展促进条例》第六十五条 — “弄虚作假，骗取政府人才政策优惠或者
  扶持资金的，……追回其所获得的资金”: everything obtained under the false claim, i.e. the
  net paid of the installments concerned. Fixed.
- ``review`` 考核不合格 / ``breach`` 违约: what the pack's ``in_post_recovery`` section says
  for the basis (``mode: all_paid`` → the net paid, fixed; ``mode: office_decides`` → 待定
  with the article, the office decides; the texts shipped cancel the benefits but leave
  what is already paid to the office). A pack without the section → 待定 naming the pack.
- ``departure`` 离职: the departure's refund as the engine computed it (the caller passes
  the stored answer); 待定 when the departure's refund is.
- ``office`` 办公室决定: always 待定 — the office decides and records its 文号.

Never a silent 0: a 待定 answer has ``amount_fen`` None and says why and which article.

Split (``split``): the amount is shared in proportion to what each level paid of the
installments concerned, in integer fen, by the largest-remainder rule: each level gets
``floor(amount × paid_level / paid_total)``; the fen left over (fewer than the number of
levels) go one each to the levels with the largest remainders, ties to the level first in
``LEVEL_ORDER`` (盟级, 旗（区）级, 市级, 属地). The parts sum exactly to the amount.

Departures (``departure_split``, ``split_recovery``): a departure's refund due is split the
same way, benefit by benefit, over what each level paid of that benefit's installments;
money recovered against it by each level's outstanding part.

Repayments (``split_repayment``): a repayment is split the same way but in proportion to
what each level still has outstanding; no level receives more than its outstanding part,
and the repayment that settles the case settles every level exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from talentdesk.domain import money

REGULATION = "《内蒙古自治区人才发展促进条例》"
FRAUD_ARTICLE = f"{REGULATION}第六十五条"
FRAUD_QUOTE = ("用人单位或者个人弄虚作假，骗取政府人才政策优惠或者扶持资金的，由有关部门取消其获得的相关荣誉、奖励，"
               "追回其所获得的资金，并依法给予处罚。")
BASES = {"departure": "离职追回", "fraud": "骗取补贴", "breach": "违约", "review": "考核不合格",
         "office": "办公室决定"}
MODES = ("all_paid", "office_decides")
LEVEL_ORDER = ("league", "banner", "city", "local")


@dataclass(frozen=True)
class PaidItem:
    """One installment concerned: its net paid amount (a reversed payment counts 0) and what
    each funding level paid of it."""
    installment_id: int
    benefit_name: str
    amount_fen: int
    funding: Mapping[str, int] = field(default_factory=dict)


@dataclass
class Suggestion:
    basis: str
    status: str  # "fixed" / "undetermined" (待定)
    amount_fen: int | None  # None while 待定: never a silent 0
    received_fen: int
    articles: list[str]
    quotes: list[str]
    explanation: str
    paid_by_level: dict[str, int]

    @property
    def undetermined(self) -> bool:
        return self.status == "undetermined"

    @property
    def text(self) -> str:
        return "待定" if self.amount_fen is None else money.yuan(self.amount_fen)

    def to_json(self) -> dict[str, Any]:
        return {"basis": self.basis, "basis_label": BASES[self.basis], "status": self.status,
                "amount_fen": self.amount_fen, "received_fen": self.received_fen, "articles": list(self.articles),
                "quotes": list(self.quotes), "explanation": self.explanation,
                "paid_by_level": dict(self.paid_by_level)}


def _level_key(level: str) -> tuple:
    return (LEVEL_ORDER.index(level) if level in LEVEL_ORDER else len(LEVEL_ORDER), level)


def paid_by_level(items: Iterable[PaidItem]) -> dict[str, int]:
    """What each level paid of ``items`` (net), levels in ``LEVEL_ORDER``; an installment
    without funding rows counts nothing for any level (the caller must not hide it)."""
    out: dict[str, int] = {}
    for it in items:
        for level, fen in it.funding.items():
            out[level] = out.get(level, 0) + int(fen)
    return {k: out[k] for k in sorted(out, key=_level_key)}


def split(amount_fen: int, weights: Mapping[str, int]) -> dict[str, int]:
    """``amount_fen`` shared by ``weights`` (fen each level paid) by the largest-remainder
    rule (see the module doc); parts sum exactly to ``amount_fen``. Levels with weight 0
    get 0. Raises ValueError for a negative amount or no positive weight."""
    if amount_fen < 0:
        raise ValueError("amount must not be negative")
    w = {k: int(v) for k, v in weights.items() if int(v) > 0}
    total = sum(w.values())
    if total <= 0:
        raise ValueError("no level paid anything")
    parts = {k: amount_fen * v // total for k, v in w.items()}
    rema = {k: amount_fen * v % total for k, v in w.items()}
    left = amount_fen - sum(parts.values())
    for k in sorted(w, key=lambda k: (-rema[k], _level_key(k)))[:left]:
        parts[k] += 1
    return {k: parts.get(k, 0) for k in sorted(weights, key=_level_key)}


def split_repayment(amount_fen: int, outstanding: Mapping[str, int]) -> dict[str, int]:
    """A repayment shared in proportion to each level's outstanding part (largest
    remainder); never more than a level's outstanding; the whole outstanding settles every
    level exactly. Raises ValueError when the amount exceeds the outstanding total."""
    total = sum(max(int(v), 0) for v in outstanding.values())
    if amount_fen > total:
        raise ValueError("repayment exceeds the outstanding amount")
    return split(amount_fen, {k: max(int(v), 0) for k, v in outstanding.items()})


@dataclass
class DepartureSplit:
    """A departure's refund due per funding level (``departure_split``)."""
    paid_by_level: dict[str, int]  # what each level paid of the talent's paid installments (net)
    parts: dict[str, int]  # each level's part of the refund due; sums to the refund unless ``unassigned``
    unassigned_fen: int = 0  # refund of benefits whose installments carry no funding rows
    article: str = FRAUD_ARTICLE

    def to_json(self) -> dict[str, Any]:
        return {"paid_by_level": dict(self.paid_by_level), "parts": dict(self.parts),
                "unassigned_fen": self.unassigned_fen, "article": self.article}


def departure_split(refunds: Iterable[tuple[int, Iterable[PaidItem]]], all_items: Iterable[PaidItem],
                    refund_due_fen: int) -> DepartureSplit:
    """The refund due on a departure, split back to the levels that paid, as an in-post
    recovery is (``split``): each benefit's refund (``refunds``: (refund fen, that benefit's
    paid installments)) in proportion to what each level paid of that benefit; the rest of
    ``refund_due_fen`` beyond the benefits' refunds (the stored refund is never below what
    was already recovered) in proportion to what each level paid of ``all_items``. A
    benefit with a refund whose installments carry no funding rows cannot be split: its
    refund is ``unassigned_fen`` (never silently given to a level)."""
    everything = list(all_items)
    paid = paid_by_level(everything)
    parts: dict[str, int] = {k: 0 for k in paid}
    unassigned = 0
    split_total = 0
    for refund, items in refunds:
        refund = int(refund)
        if refund <= 0:
            continue
        split_total += refund
        weights = paid_by_level(items)
        if sum(max(v, 0) for v in weights.values()) <= 0:
            unassigned += refund
            continue
        for k, v in split(refund, weights).items():
            parts[k] = parts.get(k, 0) + v
    rest = int(refund_due_fen) - split_total
    if rest > 0:
        if sum(max(v, 0) for v in paid.values()) > 0:
            for k, v in split(rest, paid).items():
                parts[k] = parts.get(k, 0) + v
        else:
            unassigned += rest
    keys = sorted(set(parts) | set(paid), key=_level_key)
    return DepartureSplit({k: paid.get(k, 0) for k in keys}, {k: parts.get(k, 0) for k in keys}, unassigned)


def split_recovery(amount_fen: int, outstanding: Mapping[str, int]) -> tuple[dict[str, int], int]:
    """Money recovered against a departure, split by each level's outstanding part
    (``split_repayment``); what exceeds the levels' outstanding total (a refund part that
    could not be split) is returned as unassigned: (parts, unassigned fen)."""
    total = sum(max(int(v), 0) for v in outstanding.values())
    share = min(int(amount_fen), total)
    parts = split_repayment(share, outstanding) if share > 0 else {k: 0 for k in outstanding}
    return parts, int(amount_fen) - share


def _pack_rule(pack: Any, basis: str) -> Mapping | None:
    data = getattr(pack, "data", None) or {}
    return ((data.get("in_post_recovery") or {}).get(basis)) or None


def _cite(pack: Any, cite: Mapping | None) -> str:
    if not cite:
        return ""
    return f"{cite.get('doc') or pack.document} {cite['art']}"


def suggest(basis: str, items: Iterable[PaidItem], *, pack: Any = None, departure_refund_fen: int | None = None,
            departure_undetermined: bool = False, departure_basis: str | None = None) -> Suggestion:
    """The suggested amount for a recovery case on ``basis`` over the installments
    ``items`` (see the module doc). ``pack``: the talent's policy pack (for ``review`` /
    ``breach``); ``departure_*``: the stored departure's refund (for ``departure``)."""
    if basis not in BASES:
        raise ValueError(f"unknown basis {basis!r}")
    items = list(items)
    received = sum(it.amount_fen for it in items)
    levels = paid_by_level(items)

    def answer(status: str, amount: int | None, articles: list[str], quotes: list[str], why: str) -> Suggestion:
        if amount is not None:
            amount = max(min(amount, received), 0)  # never ask back more than was received
        return Suggestion(basis, status, amount, received, [a for a in articles if a], [q for q in quotes if q],
                          why, levels)

    got = f"所涉款项已领取{money.yuan(received)}元"
    if basis == "fraud":
        return answer("fixed", received, [FRAUD_ARTICLE], [FRAUD_QUOTE],
                      f"弄虚作假骗取补贴：依{FRAUD_ARTICLE}追回其所获得的资金，{got}，应追回{money.yuan(received)}元")
    if basis == "departure":
        if departure_undetermined or departure_refund_fen is None:
            return answer("undetermined", None, [departure_basis or ""], [],
                          f"离职应退回金额待定（{departure_basis or '未记录依据'}），由办公室决定")
        return answer("fixed", departure_refund_fen, [departure_basis or ""], [],
                      f"按离职测算的应退回金额{money.yuan(min(departure_refund_fen, received))}元；{got}")
    if basis == "office":
        return answer("undetermined", None, [], [],
                      f"办公室决定的追回：金额待定，由办公室决定并录入决定文号；{got}")
    rule = _pack_rule(pack, basis) if pack is not None else None
    label = BASES[basis]
    if rule is None:
        who = getattr(pack, "document", None) or "所适用的政策"
        return answer("undetermined", None, [], [],
                      f"{label}：{who}未规定在岗期间的追回金额，待定，由办公室决定；{got}")
    art, quote = _cite(pack, rule.get("cite")), (rule.get("cite") or {}).get("quote", "")
    if rule.get("mode") == "all_paid":
        return answer("fixed", received, [art], [quote], f"{label}：依{art}退回已领取的补贴，{got}")
    note = rule.get("text") or "政策未规定追回金额"
    return answer("undetermined", None, [art], [quote], f"{label}：依{art}，{note}，待定，由办公室决定；{got}")


__all__ = ["BASES", "DepartureSplit", "FRAUD_ARTICLE", "FRAUD_QUOTE", "LEVEL_ORDER", "MODES", "PaidItem", "Suggestion",
           "departure_split", "paid_by_level", "split", "split_recovery", "split_repayment", "suggest"]
