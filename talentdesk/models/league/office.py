"""Offices sharing one database: the league office (盟委人才办) and its banners/districts
(旗县区人才办).

条例 第六条 and 阿党人才字〔2023〕2号 第七、十三、十五、二十条: banners keep their own records
and file them with the league office, which confirms them and reports league-wide. A user,
a talent and an employer may belong to an office (``office_id``); NULL means the database's
own office (a single office's database has no ``office`` rows at all). Which rows a user
sees follows from the user's office: ``talentdesk.services.office.offices``.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from talentdesk.models.base import Base, Timestamps

OFFICE_KINDS = ("league", "banner")  # 盟级 / 旗县区级


class Office(Timestamps, Base):
    __tablename__ = "office"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)  # e.g. the GB/T 2260 area code 152921
    name: Mapped[str] = mapped_column(String(60), unique=True)  # 阿拉善左旗人才办
    kind: Mapped[str] = mapped_column(String(8))  # OFFICE_KINDS
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("office.id"))
