"""Service to introduced talents (人才服务): the cases of the talent card / green channel
and the office's return visits.

- ``ServiceCase`` 服务事项: 子女入学、配偶安置、落户、体检、就医、疗养 … requested by a talent
  (阿拉善盟办法 第四十二至四十六条; 阿拉山口市办法 第十五至十八条; 包头市行动计划 三（二）3),
  with the department handling it, its time limit in working days and due date, its
  outcome and closing date (``talentdesk.services.care.cases``).
- ``Visit`` 走访记录: a return visit (阿拉善盟办法 第三十七条 定期回访; 阿拉山口市办法 第二十五条;
  条例 第五十五条), optionally linked to the service case opened from it
  (``talentdesk.services.care.visits``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from talentdesk.models.base import Base, Timestamps, Versioned, utcnow


class ServiceCase(Timestamps, Versioned, Base):
    __tablename__ = "service_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    talent_id: Mapped[int] = mapped_column(ForeignKey("talent.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # 子女入学 / 配偶安置 / 落户 / 体检 / 就医 / 疗养 / 其他
    requested_on: Mapped[dt.date] = mapped_column(Date, index=True)
    summary: Mapped[str] = mapped_column(Text)
    department: Mapped[str | None] = mapped_column(String(100))  # 责任部门
    limit_days: Mapped[int | None] = mapped_column(Integer)  # working days; None = no limit
    due_date: Mapped[dt.date | None] = mapped_column(Date)  # requested_on + limit_days working days
    article: Mapped[str | None] = mapped_column(String(200))  # the articles the service rests on
    handled_by: Mapped[str | None] = mapped_column(String(60))  # 经办人 of the department
    outcome: Mapped[str | None] = mapped_column(String(10))  # 办结 / 未办结 / 不予受理 / 申请人撤回
    result: Mapped[str | None] = mapped_column(Text)  # 办理结果
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    recorded_by: Mapped[str | None] = mapped_column(String(40))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Visit(Timestamps, Versioned, Base):
    __tablename__ = "visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    talent_id: Mapped[int] = mapped_column(ForeignKey("talent.id"), index=True)
    visited_on: Mapped[dt.date] = mapped_column(Date, index=True)
    visitors: Mapped[str] = mapped_column(String(200))
    form: Mapped[str] = mapped_column(String(4))  # 走访 / 电话 / 座谈
    issues: Mapped[str | None] = mapped_column(Text)  # 反映的问题和诉求
    follow_up: Mapped[str | None] = mapped_column(Text)  # 跟进措施
    case_id: Mapped[int | None] = mapped_column(ForeignKey("service_case.id"), index=True)
    recorded_by: Mapped[str | None] = mapped_column(String(40))
