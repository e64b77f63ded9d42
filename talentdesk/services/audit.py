"""The append-only, hash-chained audit trail.

Each event's ``hash`` is sha256 over the previous event's hash and this event's fields
(time, user, action, entity, id, talent, before and after as canonical JSON), each
length-prefixed. Editing or deleting
any row breaks the chain from that row on; ``verify`` reports the first broken link.
On PostgreSQL an advisory transaction lock serialises appends from several clerks; on
SQLite the write transaction (BEGIN IMMEDIATE) already does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable

from sqlalchemy import insert, or_, select, text
from sqlalchemy.orm import Session

from talentdesk.models.base import utcnow
from talentdesk.models.bulk import BulkInserter
from talentdesk.models.entities import AuditEvent, AuditEventTalent
from talentdesk.services.context import ServiceContext

GENESIS = "0" * 64
_LOCK_KEY = 7_301_984_512  # pg_advisory_xact_lock key for the audit chain


def _default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


# Built once: json.dumps() with options builds a new encoder per call, which is a large
# part of the cost of auditing a 100,000-row import.
_SNAPSHOT = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_default)


class JsonText(str):
    """A value already encoded by ``dumps`` (encoded ahead, e.g. while the database works)."""


def dumps(value: Any) -> str | None:
    if value is None:
        return None
    if value.__class__ is JsonText:
        return value
    return _SNAPSHOT.encode(value)


def _part(value: str | None) -> str:
    """Length-prefixed, so no choice of field contents can shift a boundary; None ≠ ''."""
    return "~" if value is None else f"{len(value)}:{value}"


def _digest(prev_hash: str, at: dt.datetime | str, user: str | None, action: str, entity: str,
            entity_id: str | None, talent_id: int | None, before: str | None, after: str | None) -> str:
    stamp = at if isinstance(at, str) else at.isoformat(timespec="microseconds")
    body = "|".join((prev_hash, stamp, _part(user), _part(action), _part(entity), _part(entity_id),
                     _part(None if talent_id is None else str(talent_id)), _part(before), _part(after)))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass
class Change:
    action: str
    entity: str
    entity_id: Any = None
    talent_id: int | None = None
    before: Any = None
    after: Any = None


def _lock_and_last_hash(session: Session) -> str:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
    last = session.execute(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).scalar()
    return last or GENESIS


_COLUMNS = ("at", "user", "action", "entity", "entity_id", "talent_id", "before", "after", "prev_hash", "hash")


def _chained(prev: str, user: str | None, changes: Iterable[Change]) -> list[tuple]:
    """The rows (in ``_COLUMNS`` order) of events appended after the event hashed ``prev``."""
    rows = []
    at = utcnow()
    stamp = at.isoformat(timespec="microseconds")
    for ch in changes:
        before = dumps(ch.before)
        after = dumps(ch.after)
        entity_id = None if ch.entity_id is None else str(ch.entity_id)
        h = _digest(prev, stamp, user, ch.action, ch.entity, entity_id, ch.talent_id, before, after)
        rows.append((at, user, ch.action, ch.entity, entity_id, ch.talent_id, before, after, prev, h))
        prev = h
    return rows


def record_many(session: Session, user: str | None, changes: Iterable[Change]) -> int:
    """Append events in one Core insert. Returns how many."""
    rows = _chained(_lock_and_last_hash(session), user, changes)
    if rows:
        BulkInserter(session, AuditEvent.__table__, _COLUMNS).insert(rows)
    return len(rows)


# Many new talents in one event (an import chunk): hashing and storing one event with a
# compact table instead of one event per talent is what keeps a 100,000-row import fast.
CREATED_TALENTS = "talent_batch"


def encode_created_talents(columns: tuple[str, ...], rows: list[tuple]) -> JsonText:
    """The ``after`` of the event for many new talents: {"columns": [...], "rows": [[talent
    id, value, …], …]}, values JSON-ready (dates as ISO text, decimals as text). Pure, so
    it can run while the database is busy with the rows themselves."""
    return JsonText(dumps({"columns": list(columns), "rows": rows}))


def record_created_talents(session: Session, user: str | None, ids: list[int], after: JsonText) -> int | None:
    """One "create" event for many new talents (``after`` from ``encode_created_talents``),
    each talent id linked to it so that ``list_events(talent_id=…)`` shows it as that
    talent's own "create" event."""
    if not ids:
        return None
    span = f"{min(ids)}-{max(ids)}"  # the ids, for a reader of the list (all of them are in ``after``)
    (row,) = _chained(_lock_and_last_hash(session), user, [Change("create", CREATED_TALENTS, span, None, None,
                                                                   after)])
    event_id = session.execute(insert(AuditEvent).values(dict(zip(_COLUMNS, row))).returning(AuditEvent.id)
                               ).scalar_one()
    BulkInserter(session, AuditEventTalent.__table__, ("talent_id", "event_id")).insert(
        [(i, event_id) for i in ids])
    return event_id


def record(session: Session, user: str | None, action: str, entity: str, entity_id: Any = None, *,
           talent_id: int | None = None, before: Any = None, after: Any = None) -> None:
    record_many(session, user, [Change(action, entity, entity_id, talent_id, before, after)])


def record_update(session: Session, user: str | None, entity: str, entity_id: Any, before: dict, after: dict, *,
                  talent_id: int | None = None) -> bool:
    """An "update" event with only the fields that changed (``diff``), if any changed;
    pending ORM changes are flushed first. Returns whether anything changed."""
    b, a = diff(before, after)
    if not a:
        return False
    session.flush()
    record(session, user, "update", entity, entity_id, talent_id=talent_id, before=b, after=a)
    return True


def diff(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the fields that changed, as (before, after)."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    broken_id: int | None = None
    message: str = ""

    def as_dict(self) -> dict:
        return {"ok": self.ok, "checked": self.checked, "broken_id": self.broken_id, "message": self.message}


def verify(ctx: ServiceContext, *, batch: int = 5000) -> VerifyResult:
    """Walk the chain in order; report the first event whose hash or link does not match."""
    prev = GENESIS
    checked = 0
    last_id = 0
    with ctx.read() as session:
        while True:
            rows = session.execute(
                select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(batch)
            ).scalars().all()
            if not rows:
                break
            for ev in rows:
                if ev.prev_hash != prev:
                    return VerifyResult(False, checked, ev.id,
                                        f"审计记录 #{ev.id} 与上一条记录的链接断开（上一条记录被删除或修改）")
                expected = _digest(prev, ev.at, ev.user, ev.action, ev.entity, ev.entity_id, ev.talent_id,
                                   ev.before, ev.after)
                if expected != ev.hash:
                    return VerifyResult(False, checked, ev.id, f"审计记录 #{ev.id} 的内容被修改过（哈希不符）")
                if ev.entity == CREATED_TALENTS and not _links_match(session, ev):
                    return VerifyResult(False, checked, ev.id, f"审计记录 #{ev.id} 与人才的关联被修改过")
                prev = ev.hash
                checked += 1
                last_id = ev.id
            session.expunge_all()
    return VerifyResult(True, checked, None, f"审计链完整，共校验 {checked} 条记录")


def _links_match(session: Session, ev: AuditEvent) -> bool:
    """The talents linked to an event about many talents are exactly those in it."""
    try:
        ids = sorted(r[0] for r in json.loads(ev.after)["rows"])
    except (TypeError, ValueError, KeyError, IndexError):
        return False
    linked = session.execute(select(AuditEventTalent.talent_id).where(AuditEventTalent.event_id == ev.id)
                             .order_by(AuditEventTalent.talent_id)).scalars().all()
    return ids == list(linked)


@dataclass
class AuditEntry:
    id: int
    at: dt.datetime
    user: str | None
    action: str
    entity: str
    entity_id: str | None
    talent_id: int | None
    before: dict | None
    after: dict | None


def list_events(ctx: ServiceContext, *, user: str | None = None, talent_id: int | None = None,
                since: dt.date | None = None, until: dt.date | None = None, limit: int = 1000) -> list[AuditEntry]:
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if user:
        stmt = stmt.where(AuditEvent.user == user)
    if talent_id is not None:
        linked = select(AuditEventTalent.event_id).where(AuditEventTalent.talent_id == talent_id)
        stmt = stmt.where(or_(AuditEvent.talent_id == talent_id, AuditEvent.id.in_(linked)))
    if since:
        stmt = stmt.where(AuditEvent.at >= dt.datetime.combine(since, dt.time()))
    if until:
        stmt = stmt.where(AuditEvent.at < dt.datetime.combine(until + dt.timedelta(days=1), dt.time()))
    with ctx.read() as session:
        return [_entry(e, talent_id) for e in session.execute(stmt).scalars()]


def _entry(e: AuditEvent, talent_id: int | None) -> AuditEntry:
    before = json.loads(e.before) if e.before else None
    after = json.loads(e.after) if e.after else None
    if e.entity == CREATED_TALENTS and isinstance(after, dict):
        columns, rows = after.get("columns") or [], after.get("rows") or []
        if talent_id is not None:  # one talent's history: its own "create", as talents.add records it
            for r in rows:
                if r and r[0] == talent_id:
                    return AuditEntry(e.id, e.at, e.user, "create", "talent", str(talent_id), talent_id, None,
                                      dict(zip(columns, r[1:])))
        ids = [r[0] for r in rows if r]
        after = {"count": len(ids), "first_id": min(ids, default=None), "last_id": max(ids, default=None)}
    return AuditEntry(e.id, e.at, e.user, e.action, e.entity, e.entity_id, e.talent_id, before, after)
