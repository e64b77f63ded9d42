"""柔性引进 talents in the demo (issue 19 item 2: the 柔性引进人才备案表 is not empty on a demo).

A few of the demo's experienced hires (a doctorate, a master's degree or a senior title)
under the policies with flexible clauses (阿党人才字〔2023〕2号 第十一、十四条: 兼职、挂职、
委托、合作等方式柔性引进, “签订引进协议，并向盟委人才办备案”; 包头 若干措施: 候鸟式工程师) are
marked as flexibly introduced: each year of hires has some. They keep the demo's other
facts; their agreement is an appointment contract (聘用合同, 柔性引进人才不设服务期), and
the rules engine decides which benefits they get (most money benefits are for 刚性引进).
A random stream of its own: the rest of the demo is the same as without it.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from talentdesk.domain.roster import FLEXIBLE_MODES

SHARE = 0.06  # of the eligible hires of each year
POLICIES = ("alxa-2023", "baotou-2022")
MODES = ("兼职", "特聘", "挂职", "合作", "委托")
AGREEMENT_KIND = "聘用合同"


def _eligible(rec: dict[str, Any]) -> bool:
    return rec["policy_id"] in POLICIES and (rec["education"] in ("博士研究生", "硕士研究生")
                                             or rec["title"] in ("正高级", "副高级"))


def mark(records: list[dict[str, Any]], seed: int) -> int:
    """Mark some records as flexibly introduced (in place); returns how many."""
    rng = random.Random(seed + 29)
    by_year: dict[int, list[dict[str, Any]]] = {}
    for rec in records:
        if _eligible(rec):
            by_year.setdefault(rec["introduction_date"].year, []).append(rec)
    marked = 0
    for year in sorted(by_year):
        group = by_year[year]
        for rec in rng.sample(group, max(1, round(len(group) * SHARE))):
            mode = rng.choice(MODES)
            rec["introduction_mode"] = mode
            rec["contract_years"] = Decimal(rng.choice((2, 3, 3, 5)))
            if rec["remarks"] is None:
                rec["remarks"] = f"柔性引进（{mode}），按引进协议约定时间来阿服务"
            marked += 1
    return marked


def is_flexible(rec: dict[str, Any]) -> bool:
    return rec.get("introduction_mode") in FLEXIBLE_MODES
