"""Demo data for the housing register (人才公寓), through the services.

Every demo talent whose roster says 入住人才公寓 是 gets a flat from shortly after the
introduction date — except about one in ten, whom the clerk confirmed not housed — so the
roster hints agree with the register (nothing left 待核实). Stays past the free limit
(阿拉善 第四十一条, three years) more than two months ago were vacated at the limit, except
two that overstay; those nearer stay open, so a few are over or near the limit. 阿拉山口
flats whose gift date (第十四条) has passed were given, except one still due; a departed
talent left the flat on the departure day. A few flats stay empty.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from talentdesk.services.benefits import departures
from talentdesk.services.care import housing
from talentdesk.services.context import ServiceContext

_PROGRAMMES = {
    "alxa-2023": ("阿拉善盟人才公寓（巴彦浩特）", "巴彦浩特人才公寓{b}号楼{u}"),
    "alashankou-2014": ("阿拉山口市人才住房", "阿拉山口市人才小区{b}栋{u}"),
    "baotou-2022": ("包头市人才公寓（稀土高新区）", "包头稀土高新区人才公寓{b}号楼{u}"),
}
_AREAS = {"alxa-2023": (60, 75, 90), "alashankou-2014": (80, 100, 120), "baotou-2022": (45, 60)}


def seed_housing(clerk: ServiceContext, rng: random.Random, records: list[dict[str, Any]], today: dt.date) -> int:
    """Flats and stays for the demo talents (``records``: the roster records inserted),
    after the workflow recorded departures; returns the number of stays recorded."""
    departed = {d.id_number: d.departed_on for d in departures.list_departures(clerk)}
    counters: dict[str, int] = {}

    def new_flat(policy: str) -> str:
        n = counters[policy] = counters.get(policy, 0) + 1
        programme, pattern = _PROGRAMMES.get(policy, _PROGRAMMES["alxa-2023"])
        unit = pattern.format(b=(n - 1) // 12 + 1, u=f"{(n - 1) % 12 // 4 + 1}0{(n - 1) % 4 + 1}")
        housing.add_flat(clerk, unit=unit, area_m2=rng.choice(_AREAS.get(policy, (60, 90))), programme=programme)
        return unit

    stays = 0
    kept = {"gift": 0, "limit": 0}
    for rec in records:
        if not rec.get("talent_apartment"):
            continue
        idn, policy = rec["id_number"], rec.get("policy_id") or "alxa-2023"
        if rng.random() < 0.1:
            housing.confirm_not_housed(clerk, idn, note="经核实，租住社会房屋", on=today)
            continue
        start = rec["introduction_date"] + dt.timedelta(days=rng.randint(3, 40))
        if start > today:
            continue
        o = housing.allocate(clerk, new_flat(policy), idn, start=start)
        stays += 1
        left = departed.get(idn)
        limit_end = o.limit_until if o.limit_until and o.limit_until < today - dt.timedelta(days=60) else None
        gift_ok = o.gift_on is not None and o.gift_on <= today and (left is None or left >= o.gift_on)
        if gift_ok:
            kept["gift"] += 1
            if kept["gift"] > 1:  # the first stays open: a flat whose gift has fallen due
                housing.vacate(clerk, o.id, on=o.gift_on, reason="", gifted=True)
        elif left is not None and left >= start and (limit_end is None or left <= limit_end):
            housing.vacate(clerk, o.id, on=left, reason="离职，退还人才公寓")
        elif limit_end is not None:
            kept["limit"] += 1
            if kept["limit"] > 2:  # the first two overstay the free limit (shown red)
                housing.vacate(clerk, o.id, on=limit_end, reason="免费入住三年期满，退还人才公寓")
    for policy in list(counters) or ["alxa-2023"]:
        for _ in range(2):  # a few empty flats to allocate
            new_flat(policy)
    return stays
