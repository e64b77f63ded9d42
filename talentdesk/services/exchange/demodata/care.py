"""Demo data for 人才服务: service cases across the kinds (most closed within their limit,
a few closed late, some still open, a few overdue) and return visits (most high-level
talents visited this year, a few not), all through the care services."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from talentdesk.domain.errors import TalentDeskError
from talentdesk.rules.dates import WorkdayCalendar
from talentdesk.services.care import cases, visits
from talentdesk.services.context import ServiceContext

_KIND_WEIGHTS = (("子女入学", 25), ("配偶安置", 15), ("落户", 25), ("体检", 12), ("就医", 15), ("疗养", 4), ("其他", 4))
_SUMMARIES = {
    "子女入学": ("子女就读驻地公立小学一年级", "子女转入驻地初级中学", "子女入驻地公立幼儿园"),
    "配偶安置": ("配偶为企业职工，请求推荐就业岗位", "配偶为事业单位在编人员，申请随调", "配偶待业，请求协调就业"),
    "落户": ("本人及配偶、子女随迁落户", "本人落户工作单位驻地", "子女随迁落户"),
    "体检": ("年度健康体检", "申请参加人才办组织的年度体检"),
    "就医": ("预约盟医院专家门诊", "协调盟外三甲医院就医", "家属住院协调"),
    "疗养": ("申请参加高层次人才学术休假疗养",),
    "其他": ("协调解决通勤班车", "办理人才服务卡"),
}
_VISITORS = ("人才办 刘科长、王干事", "组织部 赵副部长、人才办 刘科长", "人社局 孙股长", "人才办 王干事")
_ISSUES = ("工作生活总体顺利，希望加强科研平台建设", "反映实验设备不足", "子女明年上学，希望协调入学", "配偶尚未就业",
           "希望参加学术交流和培训", "住房已解决，无其他诉求")
_CASE_FROM_ISSUE = {"子女明年上学，希望协调入学": "子女入学", "配偶尚未就业": "配偶安置"}


def _high_level(r: dict[str, Any]) -> bool:
    return (r.get("talent_class") in visits.HIGH_CLASSES or r.get("education") in visits.HIGH_EDUCATION
            or r.get("title") in visits.HIGH_TITLES)


def _pick(rng: random.Random, pairs) -> str:
    return rng.choices([p[0] for p in pairs], [p[1] for p in pairs])[0]


def _settle(clerk: ServiceContext, rng: random.Random, cal: WorkdayCalendar, c, today: dt.date) -> None:
    """Close most cases within their limit, a few late; leave the recent ones and a few
    older ones open (those past their limit are the overdue ones)."""
    limit = c.limit_days or 20
    roll = rng.random()
    if roll < 0.82:
        days = rng.randint(1, limit)
    elif roll < 0.92:
        days = limit + rng.randint(1, 8)
    else:
        return
    closed = cal.add_workdays(c.requested_on, days)
    if closed > today:
        return  # a recent request: still in hand
    try:
        cases.close(clerk, c.id, "办结" if rng.random() < 0.92 else "未办结", closed,
                    result="已按规定办理" if c.kind != "配偶安置" else "已推荐至盟内企业就业")
    except TalentDeskError:
        pass


def generate_care(clerk: ServiceContext, rng: random.Random, records: list[dict[str, Any]], today: dt.date,
                  ) -> tuple[int, int]:
    """Cases for about one talent in eight, visits for most high-level talents this year
    (talents in post only). Returns (cases, visits) recorded."""
    from talentdesk.services.register import talents

    cal = WorkdayCalendar()
    departed = {t.id_number for t in talents.list_talents(clerk, status="departed", limit=None)[1]}
    n_cases = n_visits = 0
    live = [r for r in records if r["id_number"] not in departed and r["introduction_date"] < today]
    for r in rng.sample(live, max(1, len(live) // 8)):
        kind = _pick(rng, _KIND_WEIGHTS)
        start = max(r["introduction_date"], today - dt.timedelta(days=540))
        requested = start + dt.timedelta(days=rng.randint(0, max(0, (today - start).days - 1)))
        try:
            c = cases.open_case(clerk, r["id_number"], kind, requested, rng.choice(_SUMMARIES[kind]))
        except TalentDeskError:
            continue
        n_cases += 1
        _settle(clerk, rng, cal, c, today)
    first = dt.date(today.year, 1, 5)
    for r in (r for r in live if _high_level(r)):
        if rng.random() < 0.5 and r["introduction_date"].year < today.year:  # a visit last year
            last_year = dt.date(today.year - 1, rng.randint(3, 11), rng.randint(1, 28))
            if last_year > r["introduction_date"]:
                try:
                    visits.record(clerk, r["id_number"], last_year, rng.choice(_VISITORS), "走访",
                                  issues=rng.choice(_ISSUES))
                    n_visits += 1
                except TalentDeskError:
                    pass
        if rng.random() < 0.12 or today <= first:  # a few not visited yet this year
            continue
        on = first + dt.timedelta(days=rng.randint(0, (today - first).days - 1))
        if on < r["introduction_date"]:
            continue
        issue = rng.choice(_ISSUES)
        kind = _CASE_FROM_ISSUE.get(issue)
        try:
            v = visits.record(clerk, r["id_number"], on, rng.choice(_VISITORS),
                              _pick(rng, (("走访", 6), ("电话", 3), ("座谈", 2))),
                              issues=issue, follow_up="转相关部门办理" if kind else None, case_kind=kind)
            n_visits += 1
            if v.case_id:
                n_cases += 1
                _settle(clerk, rng, cal, cases.get(clerk, v.case_id), today)
        except TalentDeskError:
            pass
    return n_cases, n_visits
