"""Exchange packages between offices without a connection (交换包; issue 19 item 5).

- ``ExchangeLog``: one row per package exported or imported: the package id, the office it
  belongs to (code and name, as the manifest gives them), the direction, the ``updated_at``
  watermark range it covered, the file's sha256, when and who.
- ``ExchangeRecord``: the key map. On the sender (``side`` "out") it holds the stable uuid
  given to a record that has no natural key (a grant, an agreement …); on the receiver
  (``side`` "in") it maps every record received from an office (by its natural key or uuid)
  to the local row, with the digest of the version last applied and the sender's
  ``updated_at`` of it — so a local change since (a conflict) and an older version are told
  apart from a new one (``talentdesk.services.exchange.package``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from talentdesk.models.base import Base, utcnow

DIRECTIONS = ("export", "import")
SIDES = ("out", "in")


class ExchangeLog(Base):
    __tablename__ = "exchange_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[str] = mapped_column(String(36), index=True)
    office_code: Mapped[str] = mapped_column(String(12), index=True)
    office_name: Mapped[str] = mapped_column(String(60))
    direction: Mapped[str] = mapped_column(String(6))  # DIRECTIONS
    since: Mapped[dt.datetime | None] = mapped_column(DateTime)  # watermark: changes after this …
    until: Mapped[dt.datetime | None] = mapped_column(DateTime)  # … up to and including this
    records: Mapped[int] = mapped_column(Integer, default=0)
    counts: Mapped[str | None] = mapped_column(Text)  # JSON {kind: n}; on import also the outcome
    checksum: Mapped[str] = mapped_column(String(64))  # sha256 of the package file
    file_name: Mapped[str | None] = mapped_column(String(260))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    user: Mapped[str | None] = mapped_column(String(40))


class ExchangeRecord(Base):
    __tablename__ = "exchange_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    side: Mapped[str] = mapped_column(String(3))  # SIDES
    office_code: Mapped[str] = mapped_column(String(12))
    kind: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(400))  # canonical JSON of the record's key
    local_id: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str | None] = mapped_column(String(64))  # receiver: sha256 of the version applied
    sender_updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    __table_args__ = (UniqueConstraint("side", "office_code", "kind", "key"),
                      Index("ix_exchange_record_local", "side", "office_code", "kind", "local_id"))
