"""SIGKILL in the middle of a roster import and of a payment run (recording a batch of
payments): after reopening, the database is exactly as before, never half-written; the
audit chain holds and the database is writable. SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from killing import kill_at_mid

import hostile
from factories import talent_row
from talentdesk.domain import idcard
from talentdesk.models.db import open_database
from talentdesk.services.benefits import agreements, grants, payments
from talentdesk.services.office.audit import log as audit
from talentdesk.services.register import talents
from talentdesk.services.context import ServiceContext

D = dt.date
TESTS = str(Path(__file__).resolve().parent.parent)

IMPORTER = textwrap.dedent("""
    import sys, time
    from talentdesk.models.db import open_database
    from talentdesk.services.exchange import importer
    from talentdesk.services.context import ServiceContext
    db = open_database({url!r})
    ctx = ServiceContext(db, user="importer")

    def progress(phase, done, total):
        if phase == "write" and 0 < done < total:
            print("MID", flush=True)
            time.sleep(120)

    importer.run_import(ctx, {path!r}, "roster", progress=progress)
    print("DONE", flush=True)
""")

PAYER = textwrap.dedent("""
    import json, sys, time
    from talentdesk.models.db import open_database
    from talentdesk.services.office.audit import log as audit
    from talentdesk.services.benefits import payments
    from talentdesk.services.context import ServiceContext
    original = audit.record_many

    def paused(session, user, changes):
        changes = list(changes)
        session.flush()
        print("MID", flush=True)  # every installment is marked paid inside the open transaction
        time.sleep(120)
        return original(session, user, changes)

    audit.record_many = paused
    db = open_database({url!r})
    ctx = ServiceContext(db, user="出纳", role="clerk")
    rows = json.load(open({rows!r}, encoding="utf-8"))
    payments.confirm_many(ctx, rows)
    print("DONE", flush=True)
""")


def _reopen(db):
    db.dispose()
    reopened = open_database(db.url)
    if reopened.is_sqlite:
        with reopened.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    return reopened


@pytest.mark.slow
def test_sigkill_during_roster_import(db, tmp_path):
    ctx = ServiceContext(db, user="tester")
    talents.add(ctx, talent_row(姓名="已有"))
    events_before = len(audit.list_events(ctx, limit=100000))
    rows = [[f"导入{i}", idcard.make("152921", D(1990, 1, 1) + dt.timedelta(days=i), i % 500), "博士研究生",
             "招聘", "某单位", "2023-05-01"] for i in range(6000)]
    roster = hostile.valid_roster(tmp_path / "roster.xlsx", rows)
    script = tmp_path / "importer.py"
    script.write_text(IMPORTER.format(url=db.url, path=str(roster)), encoding="utf-8")
    kill_at_mid(script)
    reopened = _reopen(db)
    try:
        rctx = ServiceContext(reopened, user="tester")
        total, listed = talents.list_talents(rctx)
        assert total == 1 and listed[0].name == "已有"
        assert len(audit.list_events(rctx, limit=100000)) == events_before
        assert audit.verify(rctx).ok
        from talentdesk.services.exchange import importer
        from talentdesk.services.exchange.importer.readers import sha256_of

        assert importer.previous_imports(rctx, sha256_of(roster), "roster") == []  # no batch recorded
        talents.add(rctx, talent_row(姓名="之后"))  # writable again
        assert talents.list_talents(rctx)[0] == 2
    finally:
        reopened.dispose()


def _approved_installments(ctx, n: int) -> list[dict]:
    clerk = ServiceContext(ctx.db, user="王经办", role="clerk")
    reviewer = ServiceContext(ctx.db, user="李审核", role="reviewer")
    rows = []
    for i in range(n):
        row = talent_row(姓名=f"发放{i}", 身份证号=idcard.make("152921", D(1988, 3, 1), 100 + i))
        talents.add(clerk, row)
        agreements.add(clerk, row["身份证号"], kind="服务期协议", start_date=D(2023, 5, 1), term_years=5,
                       signed_date=D(2023, 5, 1), required_service_years=5)
        g = grants.propose(clerk, row["身份证号"], "settlement_allowance", approved_on=D(2023, 6, 1),
                           approval_doc_no=f"阿左人才字〔2023〕{i + 1}号")
        g = grants.approve(reviewer, g.id)
        first = g.installments[0]
        payments.propose(clerk, [first.id], as_of=D(2023, 6, 10))
        payments.approve(reviewer, [first.id])
        rows.append({"身份证号": row["身份证号"], "待遇项目": "settlement_allowance", "期次": 1, "金额": first.amount_fen,
                     "发放日期": "2023-06-20", "凭证号": f"记-2023-06-{i:03d}"})
    return rows


@pytest.mark.slow
def test_sigkill_during_a_payment_run(db, tmp_path):
    import json

    ctx = ServiceContext(db, user="tester")
    rows = _approved_installments(ctx, 5)
    before = [(r.id, r.status, r.paid_date) for r in payments.list_installments(ctx)]
    assert sum(1 for _, s, _ in before if s == "approved") == 5
    events_before = len(audit.list_events(ctx, limit=100000))
    rows_file = tmp_path / "rows.json"
    rows_file.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    script = tmp_path / "payer.py"
    script.write_text(PAYER.format(url=db.url, rows=str(rows_file)), encoding="utf-8")
    kill_at_mid(script)
    reopened = _reopen(db)
    try:
        rctx = ServiceContext(reopened, user="出纳", role="clerk")
        after = [(r.id, r.status, r.paid_date) for r in payments.list_installments(rctx)]
        assert after == before  # not one installment half-recorded as paid
        assert len(audit.list_events(rctx, limit=100000)) == events_before
        assert audit.verify(rctx).ok
        result = payments.confirm_many(rctx, rows)  # the run can simply be repeated
        assert result.committed and result.confirmed == 5
        assert sum(1 for r in payments.list_installments(rctx) if r.status == "paid") == 5
    finally:
        reopened.dispose()
