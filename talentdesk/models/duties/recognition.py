"""人才分类认定: a talent's recognition under a scheme (阿拉善盟人才分类 A–E, 包头市高层次
人才认定 一类–七类, a programme such as 阿拉善英才).

A recognition takes effect only once confirmed (阿党人才字〔2023〕2号 第二十条: “报盟委人才办
审核确认后生效”) by a user other than its proposer (four-eyes); it may run to ``valid_until``
and be revoked (第三十六条: “注销人才评价认定结果”). Revoked rows are kept as history
(``talentdesk.services.register.recognitions``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from talentdesk.models.base import Base, Timestamps, Versioned, utcnow


class Recognition(Timestamps, Versioned, Base):
    __tablename__ = "recognition"

    id: Mapped[int] = mapped_column(primary_key=True)
    talent_id: Mapped[int] = mapped_column(ForeignKey("talent.id"), index=True)
    scheme: Mapped[str] = mapped_column(String(40), index=True)  # domain.recognition.SCHEMES
    tier: Mapped[str] = mapped_column(String(60))  # A–E / 一类–七类 / the programme's name
    body: Mapped[str] = mapped_column(String(100))  # 认定机构
    doc_no: Mapped[str] = mapped_column(String(60))  # 认定文号
    recognised_on: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    proposed_by: Mapped[str | None] = mapped_column(String(40))
    proposed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    confirmed_by: Mapped[str | None] = mapped_column(String(40))
    confirmed_on: Mapped[dt.date | None] = mapped_column(Date)
    revoked_on: Mapped[dt.date | None] = mapped_column(Date)
    revoked_by: Mapped[str | None] = mapped_column(String(40))
    revoke_reason: Mapped[str | None] = mapped_column(Text)
