"""平台载体: a platform, workstation, base, studio or team recognised by a body (院士专家
工作站、博士后科研工作站、人才培育基地、名师工作室、技能大师工作室、人才小院 …), hosted by an
employer, to which a pack may pay money (``beneficiary: platform``; 阿党人才字〔2023〕2号
第二十四、二十七、二十九、三十、三十一、三十四条). ``talentdesk.services.register.platforms``
records them; ``talentdesk.services.benefits.org_grants`` grants to them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from talentdesk.models.base import Base, Timestamps, Versioned

PLATFORM_KINDS = ("平台", "工作站", "基地", "工作室", "团队", "其他")


class Platform(Timestamps, Versioned, Base):
    __tablename__ = "platform"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # PLATFORM_KINDS
    # the specific type the packs read (facts.platform_type): 院士专家工作站, 名医工作室 …
    category: Mapped[str | None] = mapped_column(String(40))
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employer.id"), index=True)  # 依托单位
    level: Mapped[str | None] = mapped_column(String(10))  # 国家级 / 自治区级 / 盟级 / 市级 / 旗县级
    body: Mapped[str | None] = mapped_column(String(100))  # 认定机构
    doc_no: Mapped[str | None] = mapped_column(String(60))  # 认定文号
    recognised_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="active", server_default="active")  # active / revoked
    remarks: Mapped[str | None] = mapped_column(Text)
