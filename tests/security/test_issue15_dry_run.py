"""Issue 15: every ``--dry-run`` (import roster|reviews|payments, review record — one
result or ``--from-json`` —, pay confirm) writes nothing — not a row, not a log-in audit
event, not a new database file — and reports what the real run would do, found by the
real path (a rehearsal whose transaction is rolled back). SQLite (file bytes too) and
PostgreSQL (every table's rows)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from factories import talent_row
from talentdesk.cli import main
from talentdesk.models.base import Base
from talentdesk.services.benefits import reviews
from talentdesk.services.office import users
from talentdesk.services.context import ServiceContext
from test_issue15_payment_import import two_approved

D = dt.date
PW = "Office-pass-1"


def _state(db) -> tuple:
    """Every row of every table, and on SQLite the bytes of the database file."""
    with db.read() as s:
        rows = tuple((t.name, tuple(sorted(map(repr, s.execute(select(t)).all())))) for t in Base.metadata.sorted_tables)
    digest = None
    if db.path is not None:
        db.dispose()  # the WAL is checkpointed into the file
        digest = hashlib.sha256(Path(db.path).read_bytes()).hexdigest()
    return rows, digest


@pytest.fixture
def office(db, tmp_path, monkeypatch, capsys):
    idn, g, ids = two_approved(db)
    reviews.record(ServiceContext(db, user="李审核", role="reviewer"), idn, 2024, "优秀", D(2025, 1, 15))
    users.create_first_admin(db, "admin", PW)
    admin = users.authenticate(db, "admin", PW)
    users.add_user(admin, "wangjb", PW, "clerk")
    users.add_user(admin, "lish", PW, "reviewer")
    monkeypatch.setenv("TALENTDESK_PASSWORD", PW)

    def cli(*argv, user="wangjb"):
        code = main(["--db", db.url, "--user", user, *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return {"db": db, "idn": idn, "g": g, "ids": ids, "cli": cli, "dir": tmp_path}


def _xlsx(path, header, *rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(header))
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return str(path)


def _json(path, rows):
    Path(path).write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return str(path)


def _commands(o) -> dict[str, tuple[list[str], str, str]]:
    """name → (argv, user, text the dry run's output must show)."""
    idn, d = o["idn"], o["dir"]
    pay = _xlsx(d / "回单.xlsx", ("身份证号", "待遇项目", "期次", "金额", "发放日期", "凭证号"),
                (idn, "安家补贴", 2, "60000.00", "2025-06-20", "V1"), (idn, "安家补贴", 3, "60000.00", "2025-06-20", "V2"))
    rev = _xlsx(d / "考核.xlsx", ("身份证号", "年度", "考核结果"), (idn, 2024, "不合格"))
    roster = _xlsx(d / "花名册.xlsx", list(talent_row()), list(talent_row(姓名="新人").values()))
    rows = [{"身份证号": idn, "年度": 2024, "考核结果": "不合格"}]
    confirm = [{"身份证号": idn, "待遇项目": "安家补贴", "期次": 2, "金额": 6_000_000, "发放日期": "2025-06-20",
                "凭证号": "V1"}]
    return {
        "import payments": (["import", "payments", pay, "--dry-run"], "wangjb", "正式导入将登记2条"),
        "import reviews": (["import", "reviews", rev, "--dry-run"], "lish", "将取消"),
        "import roster": (["import", "roster", roster, "--dry-run"], "wangjb", "将新增1人"),
        "review record": (["review", "record", idn, "2024", "不合格", "--dry-run"], "lish", "取消"),
        "review record --from-json": (["review", "record", "--from-json", _json(d / "r.json", rows), "--dry-run"],
                                      "lish", "取消"),
        "pay confirm": (["pay", "confirm", "--from-json", _json(d / "p.json", confirm), "--dry-run"], "wangjb",
                        "正式运行将登记 1 行"),
    }


NAMES = ["import payments", "import reviews", "import roster", "review record", "review record --from-json",
         "pay confirm"]


@pytest.mark.parametrize("name", NAMES)
def test_a_dry_run_writes_nothing_and_shows_what_a_real_run_does(office, name):
    argv, user, shown = _commands(office)[name]
    before = _state(office["db"])
    code, out, err = office["cli"](*argv, user=user)
    assert code == 0, (out, err)
    assert shown in out, out
    assert _state(office["db"]) == before  # not a row (log-in audit included), not a byte


def test_review_dry_run_lists_the_installment_a_real_run_cancels(office):
    code, out, err = office["cli"]("review", "record", office["idn"], "2024", "不合格", "--dry-run", "--json",
                                   user="lish")
    assert code == 0, err
    got = json.loads(out)
    assert got["dry_run"] and [c["installment_id"] for c in got["applied"]] == [office["ids"][2]]
    assert got["review"]["result"] == "不合格"
    with office["db"].read() as s:
        from talentdesk.models.entities import AnnualReview, Installment

        assert s.get(Installment, office["ids"][2]).status == "approved"
        assert s.execute(select(AnnualReview.result).where(AnnualReview.year == 2024)).scalar() == "优秀"


def test_payment_dry_run_refuses_what_the_real_run_refuses(office):
    """The 415-valid-rows defect: rows naming an installment that is not approved pass the
    file checks; the dry run reports the same refusals as the real run."""
    idn = office["idn"]
    path = _xlsx(office["dir"] / "早了.xlsx", ("身份证号", "待遇项目", "期次", "金额", "发放日期", "凭证号"),
                 (idn, "安家补贴", 1, "80000.00", "2025-06-20", "V7"))
    code, out, _ = office["cli"]("import", "payments", path, "--dry-run", "--json")
    dry = json.loads(out)
    code2, out2, _ = office["cli"]("import", "payments", path, "--json")
    real = json.loads(out2)
    assert code == code2 == 3
    assert not real["committed"] and real["inserted"] == 0
    assert [e["message"] for e in dry["errors"]] == [e["message"] for e in real["errors"]]
    assert "只能登记已审核待付" in dry["errors"][0]["message"]
    assert dry["valid"] == real["valid"] == 0


def test_a_failed_log_in_still_counts_on_a_dry_run(office, monkeypatch):
    """A dry run is no way round the lock-out: the failure is recorded as always."""
    from talentdesk.models.entities import User

    monkeypatch.setenv("TALENTDESK_PASSWORD", "wrong-password-9")
    code, _, err = office["cli"]("pay", "confirm", "--from-json", _json(office["dir"] / "x.json", []), "--dry-run")
    assert code == 1
    with office["db"].read() as s:
        assert s.execute(select(User.failed_attempts).where(User.username == "wangjb")).scalar() == 1


def test_a_dry_run_never_creates_a_database(tmp_path, capsys):
    target = tmp_path / "new" / "none.sqlite3"
    rows = tmp_path / "r.json"
    rows.write_text("[]", encoding="utf-8")
    code = main(["--db", str(target), "review", "record", "--from-json", str(rows), "--dry-run"])
    _, err = capsys.readouterr()
    assert code == 1 and "不会新建数据库" in err
    assert not target.exists() and not target.parent.exists()
