"""A 凭证号 already carried by another installment is a ConflictError naming the voucher and
who carries it, on every path that records a payment: checked before the flush, and caught
at the flush (another clerk's transaction gave the voucher away after our check: the unique
index ux_installment_voucher_no refuses) with the session still usable. SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import update

from factories import talent_row
from talentdesk.domain.errors import ConflictError
from talentdesk.models.entities import Installment
from talentdesk.services.benefits import agreements, grants, payments, reviews
from talentdesk.services.context import ServiceContext
from talentdesk.services.exchange import importer
from talentdesk.services.register import talents

D = dt.date


def _people(db):
    return ServiceContext(db, user="王经办", role="clerk"), ServiceContext(db, user="李审核", role="reviewer")


def _approved(db, 姓名="周敏"):
    """A settlement allowance whose 2nd and 3rd installments are approved for payment."""
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
    assert payments.approve(reviewer, payments.propose(clerk, ids[1:], as_of=D(2025, 6, 10)).done).done == ids[1:]
    return idn, g, ids


def _statuses(ctx, g):
    return [(r.seq, r.status, r.voucher_no) for r in payments.list_installments(ctx, grant_id=g.id)]


def _race(monkeypatch, db, other_id):
    """The first voucher check finds nothing, and at that moment another clerk's
    transaction gives the voucher to installment ``other_id`` and commits: what the flush
    then meets. (SQLite has one writer at a time, so there the clash can only be made in
    our own transaction; it is rolled back with it, and the message cannot name it.)"""
    real = payments._voucher_holder
    calls = []

    def racing(session, voucher, exclude=()):
        if not calls:
            calls.append(voucher)
            stmt = (update(Installment).where(Installment.id == other_id)
                    .values(status="paid", paid_date=D(2025, 6, 20), voucher_no=voucher))
            if db.is_sqlite:
                session.execute(stmt)
            else:
                with db.write_engine.begin() as conn:
                    conn.execute(stmt)
            return None
        return real(session, voucher, exclude)

    real_taken = payments._vouchers_taken

    def racing_run(session, vouchers):
        # a payment run asks for all its vouchers at once: the race happens after that check
        found = real_taken(session, vouchers)
        if not calls and vouchers:
            racing(session, sorted(vouchers)[0])
        return found

    monkeypatch.setattr(payments, "_voucher_holder", racing)
    monkeypatch.setattr(payments, "_vouchers_taken", racing_run)
    return calls


def test_record_paid_with_a_voucher_already_used_is_a_conflict_naming_it(db):
    clerk, _ = _people(db)
    idn, g, ids = _approved(db)
    payments.record_paid(clerk, ids[1], D(2025, 6, 20), "记-06-001")
    with pytest.raises(ConflictError) as exc:
        payments.record_paid(clerk, ids[2], D(2025, 6, 20), " 记-06-001 ")
    msg = exc.value.message
    assert "凭证号记-06-001已用于周敏的安家补贴第2期" in msg and f"分期编号{ids[1]}" in msg and "第3期" in msg
    assert _statuses(clerk, g)[1:] == [(2, "paid", "记-06-001"), (3, "approved", None)]
    # nothing is broken: the right voucher is recorded
    assert payments.record_paid(clerk, ids[2], D(2025, 6, 20), "记-06-002").status == "paid"


def test_record_paid_caught_at_the_flush_names_the_voucher(db, monkeypatch):
    clerk, _ = _people(db)
    idn, g, ids = _approved(db)
    calls = _race(monkeypatch, db, ids[1])
    with pytest.raises(ConflictError) as exc:
        payments.record_paid(clerk, ids[2], D(2025, 6, 20), "V1")
    assert calls == ["V1"]
    msg = exc.value.message
    assert "其他用户" in msg and "本次未写入任何数据" in msg
    monkeypatch.undo()
    if db.is_sqlite:
        assert _statuses(clerk, g)[1:] == [(2, "approved", None), (3, "approved", None)]  # all rolled back
        assert payments.record_paid(clerk, ids[2], D(2025, 6, 20), "V1").voucher_no == "V1"  # nothing broken
    else:
        assert "凭证号V1已用于周敏的安家补贴第2期" in msg and f"分期编号{ids[1]}" in msg
        assert _statuses(clerk, g)[1:] == [(2, "paid", "V1"), (3, "approved", None)]  # theirs stays, ours not
        assert payments.record_paid(clerk, ids[2], D(2025, 6, 20), "V2").voucher_no == "V2"  # nothing broken


def test_confirm_many_caught_at_the_flush_names_row_and_voucher(db, monkeypatch):
    clerk, _ = _people(db)
    idn, g, ids = _approved(db)
    _, g2, ids2 = _approved(db, 姓名="李娜")  # on PostgreSQL the row of the file locks 周敏's installments
    row = {"身份证号": idn, "待遇项目": "安家补贴", "期次": 3, "金额": 6_000_000, "发放日期": "2025-06-20",
           "凭证号": "V1"}
    for all_or_nothing in (True, False):
        _race(monkeypatch, db, ids2[1])
        with pytest.raises(ConflictError) as exc:
            payments.confirm_many(clerk, [row], row_numbers=[4], all_or_nothing=all_or_nothing)
        assert "其他用户" in exc.value.message and "本次未写入任何数据" in exc.value.message
        if not db.is_sqlite:
            assert "第4行凭证号V1已用于李娜的安家补贴第2期" in exc.value.message
    monkeypatch.undo()
    assert _statuses(clerk, g)[1:] == [(2, "approved", None), (3, "approved", None)]


def test_import_and_cli_name_the_installment_carrying_the_voucher(db, tmp_path, capsys):
    import openpyxl

    from talentdesk.cli import main

    clerk, _ = _people(db)
    idn, g, ids = _approved(db)
    payments.record_paid(clerk, ids[1], D(2025, 6, 20), "V1")
    wb = openpyxl.Workbook()
    wb.active.append(["身份证号", "姓名", "待遇项目", "期次", "金额", "发放日期", "凭证号"])
    wb.active.append([idn, "周敏", "安家补贴", "第3期", "60000.00", "2025-06-20", "V1"])
    wb.save(tmp_path / "回单.xlsx")
    s = importer.run_import(clerk, tmp_path / "回单.xlsx", "payments")
    assert not s.committed and any("V1已用于周敏的安家补贴第2期" in e.message for e in s.errors)
    code = main(["--db", db.url, "pay", "paid", str(ids[2]), "--date", "2025-06-20", "--voucher", "V1"])
    err = capsys.readouterr().err
    assert code == 1 and "凭证号V1已用于周敏的安家补贴第2期" in err and "Traceback" not in err
    assert _statuses(clerk, g)[1:] == [(2, "paid", "V1"), (3, "approved", None)]


def test_two_clerks_one_voucher_two_installments_at_once_by_hand(db):
    """record_paid from two threads (on PostgreSQL two connections) at the same moment, two
    installments, one voucher: one is paid, the other gets a ConflictError, never a raw
    database error, whichever check catches it."""
    idn, g, ids = _approved(db)
    start = threading.Barrier(2)
    out: list = []

    def run(user, iid):
        ctx = ServiceContext(db, user=user, role="clerk")
        start.wait()
        try:
            out.append(payments.record_paid(ctx, iid, D(2025, 6, 20), "V1"))
        except Exception as exc:
            out.append(exc)

    threads = [threading.Thread(target=run, args=a) for a in (("王经办", ids[1]), ("孙经办", ids[2]))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    errors = [r for r in out if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], ConflictError), out
    assert "凭证号V1已用于周敏的安家补贴" in errors[0].message
    paid = [s for s in _statuses(ServiceContext(db), g) if s[1] == "paid"]
    assert len(paid) == 1 and paid[0][2] == "V1"


def test_a_payment_run_refuses_a_voucher_carried_elsewhere_or_twice(db):
    clerk, _ = _people(db)
    idn, g, ids = _approved(db)
    _, g2, ids2 = _approved(db, 姓名="李娜")
    payments.record_paid(clerk, ids2[1], D(2025, 6, 20), "V1")
    res = payments.record_paid_run(clerk, {ids[1]: "V1", ids[2]: "V2", ids2[2]: "V2"}, D(2025, 6, 20))
    assert res.done == [ids[2]]
    by_id = {r.installment_id: r.message for r in res.refused}
    assert f"凭证号V1已用于李娜的安家补贴第2期（分期编号{ids2[1]}）" in by_id[ids[1]] and "周敏" in by_id[ids[1]]
    assert f"凭证号V2已用于周敏的安家补贴第3期（分期编号{ids[2]}）" in by_id[ids2[2]]  # the earlier one of the run
    assert _statuses(clerk, g)[1:] == [(2, "approved", None), (3, "paid", "V2")]
    assert _statuses(clerk, g2)[1:] == [(2, "paid", "V1"), (3, "approved", None)]


def test_a_payment_run_caught_at_the_flush_names_the_voucher(db, monkeypatch):
    clerk, _ = _people(db)
    idn, g, ids = _approved(db)
    _, g2, ids2 = _approved(db, 姓名="李娜")
    _race(monkeypatch, db, ids2[1])
    with pytest.raises(ConflictError) as exc:
        payments.record_paid_run(clerk, {ids[1]: "V1", ids[2]: "V2"}, D(2025, 6, 20))
    assert "其他用户" in exc.value.message and "本次未写入任何数据" in exc.value.message
    if not db.is_sqlite:
        assert "凭证号V1已用于李娜的安家补贴第2期" in exc.value.message
    monkeypatch.undo()
    assert _statuses(clerk, g)[1:] == [(2, "approved", None), (3, "approved", None)]
