"""The acting user and the database, handed to every service call."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Iterator

from sqlalchemy.orm import Session

from talentdesk.models.db import Database
from talentdesk.services.office.audit import chain as audit_chain  # noqa: F401 - its session hooks seal money rows and move the audit anchor
from talentdesk.services.office import scope


@dataclass
class ServiceContext:
    db: Database
    user: str | None = None  # None: single-user mode (no accounts yet)
    role: str | None = None  # clerk / reviewer / admin; None in single-user mode
    extra: dict = field(default_factory=dict)
    # The office the user acts for (models.league.office; filled at log-in): None — the database's
    # own office (a single office's database); kind "league" sees every banner's records,
    # kind "banner" only its own (services.office.scope).
    office_id: int | None = None
    office_kind: str | None = None
    office_name: str | None = None

    @property
    def actor(self) -> str:
        """The name written into audit events and proposed_by/approved_by."""
        return self.user or "单机用户"

    @property
    def banner_id(self) -> int | None:
        """The banner this context is kept to, or None (league user, no office: all records)."""
        return self.office_id if self.office_kind == "banner" else None

    @property
    def is_league(self) -> bool:
        return self.office_kind == "league"

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        with self.db.read() as session:
            scope.bind(session, self.banner_id, self.office_id)
            yield session

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        with self.db.write() as session:
            scope.bind(session, self.banner_id, self.office_id)
            yield session
