"""Appending to the hash-chained audit trail, and what every write transaction adds to it.

Each event's ``hash`` is sha256 over the previous event's hash and this event's fields
(time, user, action, entity, id, talent, before and after as canonical JSON, and — on
events from revision 0004 on — the operating-system account), each length-prefixed.
Editing or deleting any row breaks the chain from that row on; ``audit.verify`` reports
the first broken link. On PostgreSQL an advisory transaction lock serialises appends from
several clerks; on SQLite the write transaction (BEGIN IMMEDIATE) already does.

Two session hooks (registered on SQLAlchemy's ``Session`` when this module is imported;
``services.context`` imports it, so every service transaction has them):

- money rows and user accounts added, changed or deleted through the ORM are sealed in
  the chain at commit (``audit_seal``): one "seal" event with their digests;
- after a transaction that added audit events commits, this PC's anchor of the database
  (``audit_anchor``) is moved to the new head — unless the old anchor no longer matches
  the chain (events deleted meanwhile): then it is kept, so that ``audit verify`` still
  reports the deletion. A transaction that records a restore of the database (action
  "restore", entity "database") moves the anchor to the restored chain.

This module knows no ``ServiceContext``: it sits below ``services.context``.
"""

from __future__ import annotations

import datetime as dt
import functools
import getpass
import hashlib
import json
import logging
import os
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain
from typing import Any, Iterable

from sqlalchemy import event, func, insert, inspect, select, text
from sqlalchemy.orm import Session

from talentdesk.domain.values import YearMonth
from talentdesk.models.base import utcnow
from talentdesk.models.bulk import BulkInserter
from talentdesk.models.entities import AuditEvent, AuditEventTalent
from talentdesk.services.office.audit import anchor as audit_anchor, seal as audit_seal

log = logging.getLogger("talentdesk.audit")

GENESIS = "0" * 64
_LOCK_KEY = 7_301_984_512  # pg_advisory_xact_lock key for the audit chain


def json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime, YearMonth)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


# Built once: json.dumps() with options builds a new encoder per call, which is a large
# part of the cost of auditing a 100,000-row import.
_SNAPSHOT = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=json_default)


class JsonText(str):
    """A value already encoded by ``dumps`` (encoded ahead, e.g. while the database works)."""


def dumps(value: Any) -> str | None:
    if value is None:
        return None
    if value.__class__ is JsonText:
        return value
    return _SNAPSHOT.encode(value)


@functools.lru_cache(maxsize=1)
def os_user() -> str:
    """The operating-system account running the program (recorded on every event):
    ``getpass.getuser()``; where that fails (no login name, no passwd entry), the numeric
    uid or "未知"."""
    try:
        name = getpass.getuser()
    except Exception:  # noqa: BLE001 - getuser raises OSError/KeyError/ImportError by platform
        name = ""
    if not name:
        uid = getattr(os, "getuid", None)
        name = f"uid:{uid()}" if uid else "未知"
    return name[:64]


def _part(value: str | None) -> str:
    """Length-prefixed, so no choice of field contents can shift a boundary; None ≠ ''."""
    return "~" if value is None else f"{len(value)}:{value}"


_sha256 = hashlib.sha256


def event_hash(prev_hash: str, at: dt.datetime | str, user: str | None, action: str, entity: str,
               entity_id: str | None, talent_id: int | None, before: str | None, after: str | None,
               os_name: str | None = None) -> str:
    """The hash of one event: sha256 over "prev|time|user|action|entity|id|talent|before|
    after", each field but the first two length-prefixed (``_part``), plus "|os=…" when
    ``os_name`` is given. ``os_name`` None (events before revision 0004) leaves the hashed
    text exactly as it was, so older chains still verify. (Written out inline: ``verify``
    runs it once per event.)"""
    stamp = at if at.__class__ is str else at.isoformat(timespec="microseconds")
    body = (f"{prev_hash}|{stamp}|{'~' if user is None else f'{len(user)}:{user}'}|{len(action)}:{action}"
            f"|{len(entity)}:{entity}|{'~' if entity_id is None else f'{len(entity_id)}:{entity_id}'}"
            f"|{'~' if talent_id is None else f'{len(str(talent_id))}:{talent_id}'}"
            f"|{'~' if before is None else f'{len(before)}:{before}'}"
            f"|{'~' if after is None else f'{len(after)}:{after}'}")
    if os_name is not None:
        body += f"|os={len(os_name)}:{os_name}"
    return _sha256(body.encode("utf-8")).hexdigest()


@dataclass
class Change:
    action: str
    entity: str
    entity_id: Any = None
    talent_id: int | None = None
    before: Any = None
    after: Any = None


def _lock_and_last_hash(session: Session) -> str:
    known = session.info.get(_LAST)
    if known is not None:  # appended earlier in this transaction, which holds the lock
        return known
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
    last = session.execute(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).scalar()
    return last or GENESIS


_COLUMNS = ("at", "user", "action", "entity", "entity_id", "talent_id", "before", "after", "prev_hash", "hash",
            "os_user")

# session.info keys
_WROTE = "audit_wrote"  # the actor of the last event appended in this transaction
_TOUCHED = "audit_touched"  # sealed table -> ids added/changed/deleted
_PENDING = "audit_anchor_pending"  # (database key, Anchor) to write after commit
_LAST = "audit_last_hash"  # the hash of the last event appended in this transaction
_REBASE = "audit_rebase"  # this transaction recorded a restore: the anchor follows the restored chain


def _chained(prev: str, user: str | None, changes: Iterable[Change]) -> list[tuple]:
    """The rows (in ``_COLUMNS`` order) of events appended after the event hashed ``prev``."""
    rows = []
    at = utcnow()
    stamp = at.isoformat(timespec="microseconds")
    osu = os_user()
    for ch in changes:
        before = dumps(ch.before)
        after = dumps(ch.after)
        entity_id = None if ch.entity_id is None else str(ch.entity_id)
        h = event_hash(prev, stamp, user, ch.action, ch.entity, entity_id, ch.talent_id, before, after, osu)
        rows.append((at, user, ch.action, ch.entity, entity_id, ch.talent_id, before, after, prev, h, osu))
        prev = h
    return rows


def _mark_written(session: Session, user: str | None) -> None:
    session.info[_WROTE] = user or session.info.get(_WROTE) or "系统"


def record_many(session: Session, user: str | None, changes: Iterable[Change]) -> int:
    """Append events in one Core insert. Returns how many."""
    rows = _chained(_lock_and_last_hash(session), user, changes)
    if rows:
        BulkInserter(session, AuditEvent.__table__, _COLUMNS).insert(rows)
        _mark_written(session, user)
        session.info[_LAST] = rows[-1][9]
        if any(r[2] == "restore" and r[3] == "database" for r in rows):
            session.info[_REBASE] = True
    return len(rows)


# Many new talents in one event (an import chunk): hashing and storing one event with a
# compact table instead of one event per talent is what keeps a 100,000-row import fast.
CREATED_TALENTS = "talent_batch"


def encode_created_talents(columns: tuple[str, ...], rows: list[tuple], *,
                           agreements: tuple[tuple[str, ...], list[tuple]] | None = None) -> JsonText:
    """The ``after`` of the event for many new talents: {"columns": [...], "rows": [[talent
    id, value, …], …]}, values JSON-ready (dates as ISO text, decimals as text). Pure, so
    it can run while the database is busy with the rows themselves. ``agreements``: the
    service agreements made with them (columns, rows [[talent id, agreement id, value, …]]),
    kept under "agreements" in the same form, with "origin": "roster"."""
    data: dict = {"columns": list(columns), "rows": rows}
    if agreements is not None and agreements[1]:
        data["agreements"] = {"columns": list(agreements[0]), "rows": agreements[1], "origin": "roster"}
    return JsonText(dumps(data))


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
    _mark_written(session, user)
    session.info[_LAST] = row[9]
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


# -- the chain's head ---------------------------------------------------------------------

def head(session: Session, since: audit_anchor.Anchor | None = None) -> audit_anchor.Anchor:
    """The chain's head as an anchor of the database ``session`` is bound to. ``since``: an
    anchor known to hold (``anchor_still_holds``): only the events after it are counted."""
    last = session.execute(select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first()
    if since is not None and since.head_id:
        count = since.count + session.execute(select(func.count()).select_from(AuditEvent)
                                              .where(AuditEvent.id > since.head_id)).scalar_one()
    else:
        count = session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    key = audit_anchor.database_key(session.get_bind().url)
    if last is None:
        return audit_anchor.Anchor(0, GENESIS, 0, at, key)
    return audit_anchor.Anchor(int(last[0]), last[1], int(count), at, key)


def anchor_still_holds(session: Session, anchor: audit_anchor.Anchor) -> bool:
    """Whether the chain still has the anchored head: cheap, one lookup by id (the full
    check, counts included, is ``audit.verify``)."""
    if anchor.head_id == 0:
        return True
    found = session.execute(select(AuditEvent.hash).where(AuditEvent.id == anchor.head_id)).scalar()
    return found == anchor.hash


# -- session hooks: seal money rows, move the anchor --------------------------------------

def _after_flush(session: Session, _flush_context) -> None:
    touched = None
    new, dirty, deleted = session.new, session.dirty, session.deleted  # each access builds a set
    for obj in chain(new, dirty, deleted):
        cols = audit_seal.sealed_columns(type(obj))
        if cols is None:
            continue
        if obj in dirty and obj not in deleted and obj not in new:
            attrs = inspect(obj).attrs
            if not any(attrs[c].history.has_changes() for c in cols):
                continue  # e.g. a failed log-in: only the attempt counter changed
        if touched is None:
            touched = session.info.setdefault(_TOUCHED, {})
        touched.setdefault(type(obj).__tablename__, set()).add(obj.id)


def touch(session: Session, table: str, ids) -> None:
    """Seal these rows of ``table`` at commit. ORM changes are found by themselves; code that
    changes a sealed table (``audit_seal.TABLES``) with a Core INSERT/UPDATE/DELETE must call
    this with the ids, or ``audit verify`` reports the rows as changed outside the program."""
    if table not in audit_seal.TABLES:
        raise ValueError(f"not a sealed table: {table}")
    session.info.setdefault(_TOUCHED, {}).setdefault(table, set()).update(int(i) for i in ids)


def _missing_baselines(session: Session) -> list[str]:
    """The baseline events (``audit_seal.BASELINES``) this database has not written yet."""
    have = set(session.execute(select(AuditEvent.entity_id).where(
        AuditEvent.entity == audit_seal.SEAL_ENTITY,
        AuditEvent.entity_id.in_(list(audit_seal.BASELINES))).distinct()).scalars())
    return [b for b in audit_seal.BASELINES if b not in have]


def _before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint released: the seal and the anchor wait for the real commit
    info = session.info
    if not info.get(_TOUCHED) and not info.get(_WROTE):
        return
    session.flush()
    touched = info.pop(_TOUCHED, None) or {}
    user = info.get(_WROTE) or "系统"
    key = audit_anchor.database_key(session.get_bind().url)
    missing = _missing_baselines(session)
    for name in missing:  # the first write seals every row once (a later seal version: its tables)
        record_many(session, user, [Change(audit_seal.SEAL_ACTION, audit_seal.SEAL_ENTITY, name, None, None,
                                           audit_seal.baseline_of(session, audit_seal.BASELINES[name]))])
    if touched and audit_seal.BASELINE not in missing:  # a new baseline already holds every row
        record_many(session, user, [Change(audit_seal.SEAL_ACTION, audit_seal.SEAL_ENTITY, None, None, None,
                                           audit_seal.seal_of(session, touched))])
    old = audit_anchor.load_local(key)
    if old is not None and not anchor_still_holds(session, old):
        if not info.get(_REBASE):
            log.warning("audit chain no longer matches this PC's anchor (head #%s); anchor kept", old.head_id)
            return
        old = None
    info[_PENDING] = head(session, since=old)


def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # SQLAlchemy calls this for a released savepoint too: nothing is committed yet
    pending = session.info.pop(_PENDING, None)
    session.info.pop(_WROTE, None)
    session.info.pop(_TOUCHED, None)
    session.info.pop(_REBASE, None)
    session.info.pop(_LAST, None)
    if pending is not None:
        audit_anchor.save_local(pending.database, pending)


def _after_soft_rollback(session: Session, previous_transaction) -> None:
    # A savepoint rolled back may have taken appended events with it: look the head up again.
    session.info.pop(_LAST, None)


def _after_rollback(session: Session) -> None:
    for key in (_PENDING, _WROTE, _TOUCHED, _REBASE, _LAST):
        session.info.pop(key, None)


if not event.contains(Session, "after_flush", _after_flush):
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "before_commit", _before_commit)
    event.listen(Session, "after_commit", _after_commit)
    event.listen(Session, "after_rollback", _after_rollback)
    event.listen(Session, "after_soft_rollback", _after_soft_rollback)
