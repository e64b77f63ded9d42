"""Demo data for the 资金测算 (阿党人才字〔2023〕2号 第四十八条 人才开发资金): budget lines
per year 2019–2027 and funding level, set by the demo reviewer through
``talentdesk.services.finance.budget`` (each line with its 文号, one amended mid-year as
the office would: 追加预算), sized on what the demo actually committed so that every size
of demo database looks like an office's budget: about 15 % head-room over what was paid
and approved, rounded up to 万元; the next years from the schedules already approved plus
a margin for new introductions. One year (this year, the level with the largest
commitment) is appropriated below what is already approved and paid: the over-commitment
the 资金测算 shows in red and the approval warns of. Called once from ``demo.generate``.
"""

from __future__ import annotations

import datetime as dt

from talentdesk.services.context import ServiceContext

FIRST_YEAR = 2019
LAST_YEAR = 2027
WAN = 1_000_000  # 1万元 in fen
# the finance bureau issuing each level's budget (文号 prefix)
_DOC = {"league": "阿财预", "banner": "阿左财预", "city": "包财预", "local": "昆财预"}
# a level with nothing committed in a year still gets a modest line (the fund exists)
_FLOOR = {"league": 20 * WAN, "banner": 10 * WAN, "city": 20 * WAN, "local": 10 * WAN}


def _round_up(fen: int, step: int = WAN) -> int:
    return -(-fen // step) * step


def _round_down(fen: int, step: int = WAN) -> int:
    return fen // step * step


def plan(forecast, today: dt.date) -> list[tuple[int, str, int, str | None]]:
    """(year, level, appropriation fen, note) from a forecast without the estimate: past and
    this year's lines cover paid + approved + proposed with ~15 % head-room; later years
    the approved schedules plus 30 % for new introductions; this year's largest level is
    set 8 % under its paid + approved (the over-commitment)."""
    out = []
    this_year = today.year
    heavy = None
    cells = [c for c in forecast.cells if c.year == this_year]
    if cells:
        heavy = max(cells, key=lambda c: c.committed_fen).level
    for c in forecast.cells:
        demand = c.committed_fen + c.proposed_fen
        if c.year == this_year and c.level == heavy and c.committed_fen > WAN:
            amount = max(_round_down(c.committed_fen * 92 // 100), WAN)
            note = "年初预算；执行中已批准和已发放超出，须追加或调整"
        elif c.year <= this_year:
            amount = max(_round_up(demand * 115 // 100), _FLOOR.get(c.level, 10 * WAN))
            note = None
        else:
            amount = max(_round_up(demand * 130 // 100), _FLOOR.get(c.level, 10 * WAN))
            note = "预计数，含新引进人才" if c.year > this_year + 1 else "预算草案"
        out.append((c.year, c.level, amount, note))
    return out


def add_budget(reviewer: ServiceContext, today: dt.date) -> int:
    """Set the demo's budget lines; returns how many lines were set."""
    from talentdesk.services.finance import budget

    years = LAST_YEAR - FIRST_YEAR + 1
    fc = budget.forecast(reviewer, FIRST_YEAR, years, today=today, estimate=False)
    lines = plan(fc, today)
    n = 0
    amended = False
    for year, level, amount, note in lines:
        doc = f"{_DOC.get(level, '财预')}〔{year - 1 if year <= today.year else today.year}〕{3 + n % 17}号"
        if year < today.year and not amended and amount > 2 * WAN:
            # the office first set less and added mid-year (追加): a line with history
            v = budget.set_line(reviewer, year=year, level=level, amount_fen=amount - 2 * WAN, doc_no=doc,
                                note="年初预算")
            budget.amend_line(reviewer, v.id, amount_fen=amount, doc_no=f"{_DOC.get(level, '财预')}〔{year}〕41号",
                              note="年中追加预算", expected_version=v.version)
            amended = True
        else:
            budget.set_line(reviewer, year=year, level=level, amount_fen=amount, doc_no=doc, note=note)
        n += 1
    return n
