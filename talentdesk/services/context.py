"""The acting user and the database, handed to every service call."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Iterator

from sqlalchemy.orm import Session

from talentdesk.models.db import Database
from talentdesk.services.office import audit_chain  # noqa: F401 - its session hooks seal money rows and move the audit anchor


@dataclass
class ServiceContext:
    db: Database
    user: str | None = None  # None: single-user mode (no accounts yet)
    role: str | None = None  # clerk / reviewer / admin; None in single-user mode
    extra: dict = field(default_factory=dict)

    @property
    def actor(self) -> str:
        """The name written into audit events and proposed_by/approved_by."""
        return self.user or "单机用户"

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        with self.db.read() as session:
            yield session

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        with self.db.write() as session:
            yield session
