"""One talent's standing in the office's other registers, for the 人才库 detail pane: the
current recognition per scheme (class, scheme, 有效 / 待确认 / 已过期 / 已撤销, valid until;
阿党人才字〔2023〕2号 第二十条: effective only once confirmed), the service cases, the
visits and the talent-apartment stays (the current one with its free-occupancy limit,
阿拉善 第四十一条, or its gift date, 阿拉山口 第十四条).

Public API::

    of_talent(ctx, id_number, *, on=None) -> TalentDuties
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from talentdesk.services.care import cases, housing, visits
from talentdesk.services.context import ServiceContext
from talentdesk.services.register import recognitions, talents


@dataclass
class TalentDuties:
    on: dt.date
    standing: list[recognitions.RecognitionView]  # per scheme: the one that decides on ``on``
    recognitions: list[recognitions.RecognitionView]  # all, newest first (history)
    cases: list[cases.CaseView]
    visits: list[visits.VisitView]
    stays: list[housing.OccupancyView]
    claimed_class: str | None = None  # the roster's free 人才类别 (a hint, not a recognition)
    notes: list[str] = field(default_factory=list)

    @property
    def current_stay(self) -> housing.OccupancyView | None:
        return next((o for o in self.stays if o.current and o.start_date <= self.on), None)

    def recognition_text(self) -> str:
        """人才认定：阿拉善盟人才分类 C类（精英人才），有效，2025-03-10确认，有效期至2028-02-28 …"""
        if not self.standing:
            if self.claimed_class and self.claimed_class != "无":
                return (f"人才认定：无认定记录。花名册填报人才类别“{self.claimed_class}”未经审核确认，"
                        "依赖人才类别的待遇为待定（第二十条：认定结果审核确认后生效）")
            return "人才认定：无认定记录"
        parts = []
        for v in self.standing:
            text = f"{v.scheme} {v.tier_label}，{v.status_label}"
            if v.status == "valid":
                text += f"（{v.confirmed_on}由{v.confirmed_by or '—'}确认" + \
                        (f"，有效期至{v.valid_until}）" if v.valid_until else "，长期有效）")
            elif v.status == "pending":
                text += f"（{v.recognised_on}认定，文号{v.doc_no}，确认前不作为享受待遇的依据）"
            elif v.status == "expired":
                text += f"（有效期至{v.valid_until}）"
            elif v.status == "revoked":
                text += f"（{v.revoked_on}撤销：{v.revoke_reason or ''}）"
            parts.append(text)
        return "人才认定：" + "；".join(parts)

    def housing_text(self) -> str:
        o = self.current_stay
        if o is None:
            return "人才公寓：未入住（住房登记无在住记录）"
        text = f"人才公寓：{o.unit}，自{o.start_date}入住，{o.state_label}"
        if o.limit_until:
            text += f"，免费入住至{o.limit_until}"
        if o.gift_on:
            text += f"，{o.gift_on}起住房可直接赠予"
        return text

    def service_text(self) -> str:
        open_ = sum(1 for c in self.cases if c.status != "closed")
        overdue = sum(1 for c in self.cases if c.status == "overdue")
        last = self.visits[0].visited_on if self.visits else None
        return (f"服务事项 {len(self.cases)} 件（办理中 {open_} 件，其中超期 {overdue} 件）；"
                f"走访 {len(self.visits)} 次" + (f"，最近一次 {last}" if last else "，从未走访"))


def of_talent(ctx: ServiceContext, id_number: str, *, on: dt.date | None = None) -> TalentDuties:
    on = on or dt.date.today()
    with ctx.read() as session:
        t = talents.load(session, id_number)
        standing = list(recognitions.standing(session, [t.id], on).get(t.id, {}).values())
        claimed = t.talent_class
    return TalentDuties(
        on, standing, recognitions.list_recognitions(ctx, talent=id_number, on=on),
        cases.list_cases(ctx, talent=id_number, on=on), visits.list_visits(ctx, talent=id_number),
        housing.list_occupancies(ctx, id_number=id_number, on=on), claimed)


__all__ = ["TalentDuties", "of_talent"]
