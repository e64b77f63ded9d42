"""Several clerks on one database: optimistic locking gives a conflict message, never a
silent overwrite. Two Database objects (two connection pools, as two PCs) with real
concurrent transactions; runs on PostgreSQL and SQLite."""

import threading

import pytest

from factories import talent_row
from talentdesk.domain.errors import ConflictError
from talentdesk.models.db import Database
from talentdesk.services.office.audit import log as audit
from talentdesk.services.register import talents
from talentdesk.services.context import ServiceContext


@pytest.fixture
def two_pcs(db):
    other = Database(db.url)
    yield ServiceContext(db, user="王芳"), ServiceContext(other, user="李娜")
    other.dispose()


def test_stale_edit_is_refused_with_a_clear_message(two_pcs):
    a, b = two_pcs
    row = talent_row(姓名="张伟")
    talents.add(a, row)
    seen_by_a = talents.get(a, row["身份证号"])
    seen_by_b = talents.get(b, row["身份证号"])
    assert seen_by_a.version == seen_by_b.version
    talents.update(b, row["身份证号"], {"职称": "副高级"}, expected_version=seen_by_b.version)
    with pytest.raises(ConflictError, match="已被其他用户修改.*刷新"):
        talents.update(a, row["身份证号"], {"职称": "中级"}, expected_version=seen_by_a.version)
    final = talents.get(a, row["身份证号"])
    assert final.record["title"] == "副高级"  # B's edit stands; A's did not overwrite it
    assert talents.get(b, row["身份证号"]).version == seen_by_b.version + 1
    # The refused edit left no trace; the accepted one is audited under its author.
    updates = [e for e in audit.list_events(a) if e.action == "update" and e.entity == "talent"]
    assert [e.user for e in updates] == ["李娜"]


def test_simultaneous_edits_one_wins_one_conflicts(two_pcs):
    a, b = two_pcs
    row = talent_row(姓名="同时")
    talents.add(a, row)
    version = talents.get(a, row["身份证号"]).version
    barrier = threading.Barrier(2)
    outcome: dict[str, object] = {}

    def edit(ctx, title):
        barrier.wait()
        try:
            talents.update(ctx, row["身份证号"], {"职称": title}, expected_version=version)
            outcome[ctx.user] = "ok"
        except ConflictError as exc:
            outcome[ctx.user] = exc
        except Exception as exc:  # pragma: no cover - reported by the assertion below
            outcome[ctx.user] = repr(exc)

    threads = [threading.Thread(target=edit, args=(a, "中级")), threading.Thread(target=edit, args=(b, "正高级"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(v == "ok" for v in outcome.values()) == [False, True], outcome
    loser = next(v for v in outcome.values() if v != "ok")
    assert isinstance(loser, ConflictError)
    winner = next(k for k, v in outcome.items() if v == "ok")
    assert talents.get(a, row["身份证号"]).version == version + 1
    updates = [e for e in audit.list_events(a) if e.action == "update" and e.entity == "talent"]
    assert [e.user for e in updates] == [winner]
    assert audit.verify(a).ok


def test_concurrent_audit_appends_keep_one_chain(two_pcs):
    a, b = two_pcs
    talents.add(a, talent_row(姓名="先登记"))  # the employer exists (its creation race is tested below)
    errors = []

    def add_many(ctx, prefix):
        try:
            for i in range(8):
                talents.add(ctx, talent_row(姓名=f"{prefix}{i}"))
        except Exception as exc:  # pragma: no cover
            errors.append(exc)

    threads = [threading.Thread(target=add_many, args=(a, "甲")), threading.Thread(target=add_many, args=(b, "乙"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors
    assert talents.list_talents(a)[0] == 17
    assert audit.verify(b).ok


def test_two_clerks_register_talents_of_the_same_new_employer_at_once(db, monkeypatch):
    """Deterministic race on PostgreSQL: clerk A has created employer X (not yet committed)
    when clerk B registers another talent of X. B must end with a clear result (both
    talents under one employer, or a Chinese conflict message), never a raw database error."""
    import time

    from sqlalchemy import text

    from talentdesk.domain.errors import TalentDeskError

    if db.is_sqlite:
        pytest.skip("SQLite serialises writers (BEGIN IMMEDIATE): no race possible")
    other = Database(db.url)
    a, b = ServiceContext(db, user="王芳"), ServiceContext(other, user="李娜")
    paused, go = threading.Event(), threading.Event()
    original = audit.record

    def record(session, user, *args, **kwargs):
        if user == "王芳" and not go.is_set():
            paused.set()
            go.wait(120)
        return original(session, user, *args, **kwargs)

    monkeypatch.setattr(audit, "record", record)
    outcome: dict[str, object] = {}

    def add(ctx, name):
        try:
            talents.add(ctx, talent_row(姓名=name, 用人单位="新成立的研究院", 统一社会信用代码=None))
            outcome[ctx.user] = "ok"
        except TalentDeskError as exc:
            outcome[ctx.user] = exc
        except Exception as exc:
            outcome[ctx.user] = f"raw error: {type(exc).__name__}: {str(exc)[:200]}"

    ta = threading.Thread(target=add, args=(a, "甲"))
    ta.start()
    assert paused.wait(120)
    tb = threading.Thread(target=add, args=(b, "乙"))
    tb.start()
    try:
        with db.engine.connect() as conn:  # wait until B is blocked behind A's uncommitted employer
            for _ in range(600):
                waiting = conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                                            "current_database() AND wait_event_type = 'Lock'")).scalar()
                if waiting or not tb.is_alive():
                    break
                time.sleep(0.05)
    finally:
        go.set()
        ta.join(timeout=120)
        tb.join(timeout=120)
        other.dispose()
    assert outcome["王芳"] == "ok"
    assert outcome["李娜"] == "ok" or isinstance(outcome["李娜"], TalentDeskError), outcome["李娜"]
    from talentdesk.services.register import employers

    assert [e.name for e in employers.list_all(a)].count("新成立的研究院") == 1
