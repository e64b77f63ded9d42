"""失信名单 in the engine: 《内蒙古自治区人才发展促进条例》第六十六条.

A talent recorded as 失信, or whose employer is, gets no new support for the period of
the entry. The services pass the entries that apply to one talent (its own and its
employer's) as ``CreditBar`` values; ``evaluate(…, credit=…)`` makes every benefit
whose decision date (``approved_on``, 批准之日) falls within an unlifted entry's period
``ineligible`` with a reason naming the entry and quoting the article.

The bar is about *new* support: the engine judges a benefit at its own ``approved_on``,
so the installments of a grant approved before an entry's start are not affected (a
payment case carries the grant's approval date, which the entry's period does not cover).

Pure: no Qt, no database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

REGULATION = "《内蒙古自治区人才发展促进条例》"
ARTICLE = "第六十六条"
BASIS = f"{REGULATION}{ARTICLE}"
QUOTE = ("旗县级以上人民政府应当建立人才和用人单位失信惩戒机制，对有严重失信行为记录的责任主体，"
         "可以在一定期限和范围内禁止其获得政府奖励和人才项目。")
KINDS = {"talent": "人才", "employer": "用人单位"}


@dataclass(frozen=True)
class CreditBar:
    """One entry of the credit list as the engine sees it.

    ``kind``: "talent" (the talent's own entry) or "employer" (its employer's);
    ``name``: whom the entry names; ``end`` None = open-ended; ``lifted_on``: the entry was
    lifted (解除) — it is kept as history but bars nothing."""
    kind: str
    name: str
    doc_no: str
    start: dt.date
    end: dt.date | None
    basis: str
    lifted_on: dt.date | None = None
    entry_id: int | None = None

    def covers(self, day: dt.date) -> bool:
        """Whether the entry bars new support decided on ``day``: not lifted, and ``day``
        within start … end (both days included; no end = open-ended)."""
        if self.lifted_on is not None:
            return False
        return self.start <= day and (self.end is None or day <= self.end)

    @property
    def period(self) -> str:
        return f"自{self.start}至{self.end or '今'}"

    @property
    def who(self) -> str:
        return f"{KINDS.get(self.kind, self.kind)}{self.name}"

    def reason(self) -> str:
        """The refusal, in Chinese, naming the entry and citing the article."""
        return (f"{self.who}列入失信名单（文号{self.doc_no}，{self.period}，事由：{self.basis}）："
                f"依{BASIS}“{QUOTE}”，失信期间不得给予新的支持")


def bars_on(bars: Iterable[CreditBar], day: dt.date) -> list[CreditBar]:
    """The entries that bar new support decided on ``day``."""
    return [b for b in bars if b.covers(day)]


__all__ = ["ARTICLE", "BASIS", "CreditBar", "QUOTE", "REGULATION", "bars_on"]
