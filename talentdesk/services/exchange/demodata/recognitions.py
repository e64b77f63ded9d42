"""Demo data for the 人才分类认定 register, through the recognitions service.

- every Alxa talent the roster lists as a class (D 高端人才 in the demo) has a recognition
  confirmed by the reviewer before the talent's introduction (第二十条), so its grants rest
  on a confirmed class;
- some Alxa PhDs are 阿拉善英才 (a programme with a three-year term): most confirmed,
  one expired, one revoked after a failed review (第三十六条), the newest awaiting
  confirmation;
- some Baotou PhDs are recognised under 《包头市高层次人才认定目录》 (五类/六类), the
  newest awaiting confirmation.

Public API::

    add_recognitions(clerk, reviewer, records, today) -> int   # how many recorded
    with_class(rec, facts) -> dict   # the facts an Alxa record's confirmed class gives the engine
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from talentdesk.domain import recognition as schemes
from talentdesk.domain.errors import TalentDeskError
from talentdesk.services.context import ServiceContext


def _classed(rec: dict[str, Any]) -> bool:
    return rec["policy_id"] == "alxa-2023" and rec.get("talent_class") in schemes.ALXA_CLASSES


def with_class(rec: dict[str, Any], facts: dict | None) -> dict:
    """``facts`` plus the class of the record's confirmed recognition (``add_recognitions``
    confirms every classed Alxa record's), as the grants service hands it to the engine."""
    out = dict(facts or {})
    if _classed(rec):
        out["talent_class"] = rec["talent_class"]
    return out


def add_recognitions(clerk: ServiceContext, reviewer: ServiceContext, records: list[dict[str, Any]],
                     today: dt.date) -> int:
    from talentdesk.services.register import recognitions

    count = 0

    def record(rec, scheme, tier, doc, on, *, until=None, confirm=True, revoke=None):
        nonlocal count
        try:
            v = recognitions.propose(clerk, talent=rec["id_number"], scheme=scheme, tier=tier, doc_no=doc,
                                     recognised_on=on, valid_until=until)
            if confirm:
                recognitions.confirm(reviewer, v.id, confirmed_on=min(on + dt.timedelta(days=7), today))
            if revoke:
                recognitions.revoke(reviewer, v.id, revoke[1], revoked_on=revoke[0])
            count += 1
        except TalentDeskError:
            pass

    n = 0
    for rec in records:
        if _classed(rec):
            n += 1
            on = rec["introduction_date"] - dt.timedelta(days=30)
            record(rec, schemes.ALXA, rec["talent_class"], f"阿人才办认〔{on.year}〕{n}号", on)
    alxa_phds = [r for r in records if r["policy_id"] == "alxa-2023" and r["education"] == "博士研究生"]
    programme = alxa_phds[::6][:12]
    for k, rec in enumerate(programme, 1):
        on = max(rec["introduction_date"] + dt.timedelta(days=180), dt.date(2023, 6, 30))
        if on > today:
            on = today - dt.timedelta(days=10)
        doc = f"阿人才领字〔{on.year}〕{20 + k}号"
        until = dt.date(on.year + 3, on.month, 1) - dt.timedelta(days=1)
        if k == 1:  # a term that has run out
            on, until = dt.date(2020, 7, 1), dt.date(2023, 6, 30)
            doc = f"阿人才领字〔2020〕{20 + k}号"
        elif k == 2:
            record(rec, schemes.PROGRAMME, "第二批阿拉善英才", doc, on, until=until,
                   revoke=(min(on + dt.timedelta(days=400), today), "年度考核不合格，报盟委人才办注销（第三十六条）"))
            continue
        last = k == len(programme)
        record(rec, schemes.PROGRAMME, "第二批阿拉善英才" if on.year < 2025 else "第三批阿拉善英才", doc, on,
               until=until, confirm=not last)
    baotou_phds = [r for r in records if r["policy_id"] == "baotou-2022" and r["education"] == "博士研究生"][::4][:8]
    for k, rec in enumerate(baotou_phds, 1):
        on = rec["introduction_date"] + dt.timedelta(days=60)
        if on > today:
            on = today
        record(rec, schemes.BAOTOU, "五类" if k % 3 else "六类", f"包人才认〔{on.year}〕{k}号", on,
               confirm=k != len(baotou_phds))
    return count
