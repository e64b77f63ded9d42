"""Loading one stored record to change it: locked on PostgreSQL (several clerks), and
checked against the version the clerk saw (optimistic locking, ``models.base.Versioned``)."""

from __future__ import annotations

from typing import Callable, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from talentdesk.domain.errors import ConflictError, NotFoundError

M = TypeVar("M")


def load_for_change(session: Session, model: type[M], row_id: int, *, what: str,
                    expected_version: int | None = None, changed: Callable[[M], str] | None = None) -> M:
    """The ``model`` row ``row_id`` (``SELECT … FOR UPDATE`` on PostgreSQL). NotFoundError
    “找不到编号为N的<what>”; ConflictError when ``expected_version`` is given and the row has
    moved on since (``changed(row)``: the message's subject, default “<what>N”)."""
    stmt = select(model).where(model.id == row_id)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    row = session.execute(stmt).scalar_one_or_none()
    if row is None:
        raise NotFoundError(f"找不到编号为{row_id}的{what}")
    if expected_version is not None and row.version != expected_version:
        subject = changed(row) if changed else f"{what}{row_id}"
        raise ConflictError(f"{subject}已被其他用户修改，请刷新后重试")
    return row
