"""Issue 15 (money): a payment confirmation names the installment it pays, a voucher pays
exactly one installment, importing a file again changes nothing, and the rows and the
import batch commit in one transaction. SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
import threading

import openpyxl
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from factories import talent_row
from killing import kill_at_mid
from talentdesk.models.db import open_database
from talentdesk.models.entities import ImportBatch, Installment
from talentdesk.services.benefits import agreements, grants, payments, reviews
from talentdesk.services.office.audit import log as audit
from talentdesk.services.exchange import importer
from talentdesk.services.register import talents
from talentdesk.services.context import ServiceContext

D = dt.date


def _people(db):
    return (ServiceContext(db, user="王经办", role="clerk"), ServiceContext(db, user="李审核", role="reviewer"))


def two_approved(db, 姓名="周敏"):
    """A settlement allowance (80,000 / 60,000 / 60,000 元) whose 2nd and 3rd installments are
    both approved for payment: same talent, same benefit, same amount."""
    clerk, reviewer = _people(db)
    row = talent_row(姓名=姓名)
    talents.add(clerk, row)
    idn = row["身份证号"]
    agreements.add(clerk, idn, kind="服务期协议", start_date=D(2023, 5, 1), term_years=5,
                   signed_date=D(2023, 5, 1), required_service_years=5)
    g = grants.approve(reviewer, grants.propose(clerk, idn, "settlement_allowance", approved_on=D(2023, 6, 1),
                                                approval_doc_no="阿左人才字〔2023〕5号").id)
    reviews.record(reviewer, idn, 2023, "合格", D(2024, 1, 15))
    reviews.record(reviewer, idn, 2024, "合格", D(2025, 1, 15))
    ids = [i.id for i in g.installments]
    assert payments.propose(clerk, ids[1:], as_of=D(2025, 6, 10)).done == ids[1:]
    assert payments.approve(reviewer, ids[1:]).done == ids[1:]
    return idn, g, ids


def _workbook(path, rows, header=("身份证号", "姓名", "待遇项目", "期次", "金额", "发放日期", "凭证号")):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(header))
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return path


def _statuses(ctx, g):
    return [(r.seq, r.status, r.voucher_no) for r in payments.list_installments(ctx, grant_id=g.id)]


def test_importing_the_same_confirmation_three_times_pays_once(db, tmp_path):
    clerk, _ = _people(db)
    idn, g, ids = two_approved(db)
    path = _workbook(tmp_path / "回单.xlsx", [[idn, "周敏", "安家补贴", "第2期", "60000.00", "2025-06-20", "记-06-001"]])
    first = importer.run_import(clerk, path, "payments")
    assert first.committed and first.inserted == 1
    for _ in range(2):
        again = importer.run_import(clerk, path, "payments")
        assert not again.errors and again.inserted == 0 and again.unchanged == 1
        assert "已登记" in again.message
    assert _statuses(clerk, g) == [(1, "scheduled", None), (2, "paid", "记-06-001"), (3, "approved", None)]
    with db.read() as s:
        assert s.execute(select(func.count()).select_from(ImportBatch)).scalar() == 1


def test_a_row_names_its_installment_never_the_next_one(db):
    clerk, _ = _people(db)
    idn, g, ids = two_approved(db)
    row = {"身份证号": idn, "待遇项目": "安家补贴", "金额": "60000元", "发放日期": "2025-06-20", "凭证号": "V1"}
    res = payments.confirm_many(clerk, [row])
    assert not res.committed and "第几期" in res.rows[0].message
    # by due date, by installment number, by installment id
    res = payments.confirm_many(clerk, [row | {"应发日期": "2025-06-01"}])
    assert res.committed and res.rows[0].installment_id == ids[2]
    res = payments.confirm_many(clerk, [row | {"期次": 2, "凭证号": "V2"}, row | {"期次": "2", "凭证号": "V2"}])
    assert not res.committed and "重复" in res.rows[1].message  # one installment, one voucher per file
    res = payments.confirm_many(clerk, [row | {"分期编号": ids[1], "凭证号": "V2"}])
    assert res.committed and res.confirmed == 1 and res.rows[0].installment_id == ids[1]
    assert _statuses(clerk, g)[1:] == [(2, "paid", "V2"), (3, "paid", "V1")]


def test_a_paid_installment_under_another_voucher_is_an_error(db):
    clerk, _ = _people(db)
    idn, g, ids = two_approved(db)
    row = {"身份证号": idn, "待遇项目": "安家补贴", "期次": 2, "金额": 6_000_000, "发放日期": "2025-06-20",
           "凭证号": "V1"}
    assert payments.confirm_many(clerk, [row]).confirmed == 1
    res = payments.confirm_many(clerk, [row | {"凭证号": "V9"}])
    assert not res.committed and "凭证号V1" in res.rows[0].message and res.rows[0].errors[0]["field"] == "voucher_no"
    # the same voucher on another installment: refused (one voucher pays one installment)
    res = payments.confirm_many(clerk, [row | {"期次": 3}])
    assert not res.committed and "已用于" in res.rows[0].message
    res = payments.confirm_many(clerk, [row])  # the same row again: unchanged, not an error
    assert res.committed and res.unchanged == 1 and res.confirmed == 0
    assert _statuses(clerk, g)[1:] == [(2, "paid", "V1"), (3, "approved", None)]


def test_the_database_refuses_a_second_installment_under_one_voucher(db):
    clerk, _ = _people(db)
    idn, g, ids = two_approved(db)
    payments.record_paid(clerk, ids[1], D(2025, 6, 20), "V1")
    with pytest.raises(IntegrityError):
        with db.write() as s:
            s.execute(update(Installment).where(Installment.id == ids[2])
                      .values(status="paid", paid_date=D(2025, 6, 20), voucher_no="V1"))


def test_migration_keeps_existing_duplicates_out_of_the_index(tmp_path):
    """A database paid twice under one voucher before the fix still opens: the later
    installment is flagged ``voucher_duplicate`` (never edited), new payments are checked."""
    from alembic import command

    db = open_database(tmp_path / "old.sqlite3")
    idn, g, ids = two_approved(db)
    with db.write_engine.connect() as conn:
        command.downgrade(db._alembic_config(conn), "0003")
        conn.commit()
    with db.write_engine.begin() as conn:
        conn.exec_driver_sql("UPDATE installment SET status='paid', paid_date='2025-06-20', voucher_no='V1' "
                             f"WHERE id IN ({ids[1]}, {ids[2]})")
    db.dispose()
    db = open_database(tmp_path / "old.sqlite3")
    try:
        with db.read() as s:
            flags = dict(s.execute(select(Installment.id, Installment.voucher_duplicate)
                                   .where(Installment.id.in_(ids[1:]))).all())
        assert flags == {ids[1]: None, ids[2]: 1}
        clerk, _ = _people(db)
        res = payments.confirm_many(clerk, [{"身份证号": idn, "待遇项目": "安家补贴", "期次": 3, "金额": 6_000_000,
                                             "发放日期": "2025-06-20", "凭证号": "V1"}])
        assert res.committed and res.unchanged == 1  # the legacy row is what it is
    finally:
        db.dispose()


def test_two_clerks_importing_one_file_at_once_pay_once(db):
    """Two threads (on PostgreSQL: two connections, row locks) confirm the same rows at the
    same moment: the installment is paid once, the other run reports it unchanged."""
    idn, g, ids = two_approved(db)
    rows = [{"身份证号": idn, "待遇项目": "安家补贴", "期次": 2, "金额": 6_000_000, "发放日期": "2025-06-20",
             "凭证号": "V1"}]
    start = threading.Barrier(2)
    out: list = []

    def run(user):
        ctx = ServiceContext(db, user=user, role="clerk")
        start.wait()
        try:
            out.append(payments.confirm_many(ctx, rows))
        except Exception as exc:  # a ConflictError is an acceptable outcome too
            out.append(exc)

    threads = [threading.Thread(target=run, args=(u,)) for u in ("王经办", "孙经办")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    results = [r for r in out if isinstance(r, payments.ConfirmResult)]
    assert sum(r.confirmed for r in results) == 1, out
    assert _statuses(ServiceContext(db), g)[1:] == [(2, "paid", "V1"), (3, "approved", None)]


def test_two_clerks_one_voucher_two_installments_at_once(db):
    """Different installments under one voucher from two processes at once: one is paid."""
    idn, g, ids = two_approved(db)
    row = {"身份证号": idn, "待遇项目": "安家补贴", "金额": 6_000_000, "发放日期": "2025-06-20", "凭证号": "V1"}
    start = threading.Barrier(2)
    out: list = []

    def run(user, seq):
        ctx = ServiceContext(db, user=user, role="clerk")
        start.wait()
        try:
            out.append(payments.confirm_many(ctx, [row | {"期次": seq}]))
        except Exception as exc:
            out.append(exc)

    threads = [threading.Thread(target=run, args=a) for a in (("王经办", 2), ("孙经办", 3))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    paid = [s for s in _statuses(ServiceContext(db), g) if s[1] == "paid"]
    assert len(paid) == 1 and paid[0][2] == "V1", out


KILLED = textwrap.dedent("""
    import sys, time
    from talentdesk.models.db import open_database
    from talentdesk.services.office.audit import log as audit
    from talentdesk.services.exchange import importer
    from talentdesk.services.context import ServiceContext
    original = audit.record

    def paused(session, user, action, entity, *a, **kw):
        if entity == "import_batch":
            session.flush()
            print("MID", flush=True)  # the installments are marked paid; the batch is being recorded
            time.sleep(120)
        return original(session, user, action, entity, *a, **kw)

    audit.record = paused
    db = open_database({url!r})
    ctx = ServiceContext(db, user={user!r}, role={role!r})
    importer.run_import(ctx, {path!r}, {kind!r})
    print("DONE", flush=True)
""")


@pytest.mark.slow
def test_kill_between_payments_and_import_batch_leaves_neither(db, tmp_path):
    clerk, _ = _people(db)
    idn, g, ids = two_approved(db)
    path = _workbook(tmp_path / "回单.xlsx", [[idn, "周敏", "安家补贴", 2, "60000.00", "2025-06-20", "V1"],
                                             [idn, "周敏", "安家补贴", 3, "60000.00", "2025-06-20", "V2"]])
    before = _statuses(clerk, g)
    events = len(audit.list_events(clerk, limit=100000))
    script = tmp_path / "killed.py"
    script.write_text(KILLED.format(url=db.url, path=str(path), user="王经办", role="clerk", kind="payments"),
                      encoding="utf-8")
    kill_at_mid(script)
    db.dispose()
    reopened = open_database(db.url)
    try:
        ctx = ServiceContext(reopened, user="王经办", role="clerk")
        assert _statuses(ctx, g) == before  # no payments without their import batch
        with reopened.read() as s:
            assert s.execute(select(func.count()).select_from(ImportBatch)).scalar() == 0
        assert len(audit.list_events(ctx, limit=100000)) == events
        s = importer.run_import(ctx, path, "payments")
        assert s.committed and s.inserted == 2 and s.batch_id
        assert importer.previous_imports(ctx, s.sha256, "payments")  # the "already imported" warning's source
    finally:
        reopened.dispose()


@pytest.mark.slow
def test_kill_between_reviews_and_import_batch_leaves_neither(db, tmp_path):
    clerk, _ = _people(db)
    idn, g, ids = two_approved(db)
    path = _workbook(tmp_path / "考核.xlsx", [[idn, 2025, "合格"]], header=("身份证号", "年度", "考核结果"))
    events = len(audit.list_events(clerk, limit=100000))
    script = tmp_path / "killed.py"
    script.write_text(KILLED.format(url=db.url, path=str(path), user="李审核", role="reviewer", kind="reviews"),
                      encoding="utf-8")
    kill_at_mid(script)
    db.dispose()
    reopened = open_database(db.url)
    try:
        ctx = ServiceContext(reopened, user="李审核", role="reviewer")
        assert [r.year for r in reviews.list_for_talent(ctx, idn)] == [2023, 2024]  # 2025 not half-recorded
        with reopened.read() as s:
            assert s.execute(select(func.count()).select_from(ImportBatch)).scalar() == 0
        assert len(audit.list_events(ctx, limit=100000)) == events
    finally:
        reopened.dispose()
