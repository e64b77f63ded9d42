"""Issue 15: demo data is marked (``demo_database = true``: title, status bar, every
printout and ledger say 演示数据), signed by the two demo actors and never a real
account, never written into a database with real records, and real work recorded into a
demo database warns. SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from factories import talent_row
from talentdesk.cli import main
from talentdesk.domain.errors import TalentDeskError
from talentdesk.models.entities import BenefitGrant, Setting, Talent
from talentdesk.services.exchange import demo, importer, reports
from talentdesk.services.register import employers, talents
from talentdesk.services.office import users
from talentdesk.services.context import ServiceContext

PW = "Office-pass-1"


def test_demo_refuses_a_database_with_accounts_and_signs_no_real_user(db):
    """A clerk ran demo on the office database: approvals appeared signed by the reviewer
    account, who never logged in. Now: refused, nothing written."""
    users.create_first_admin(db, "admin", PW)
    admin = users.authenticate(db, "admin", PW)
    users.add_user(admin, "lish", PW, "reviewer")
    users.add_user(admin, "wangjb", PW, "clerk")
    clerk = users.authenticate(db, "wangjb", PW)
    with pytest.raises(TalentDeskError, match="正式记录.*用户账户"):
        demo.generate(clerk, size=5, seed=1)
    with db.read() as s:
        assert s.execute(select(Talent.id)).first() is None
        assert s.get(Setting, "demo_database") is None


def test_demo_refuses_real_records_even_without_talents(db):
    ctx = ServiceContext(db, user="王经办")
    with db.write() as s:
        employers.ensure(s, ctx.actor, "阿拉善盟农牧科学研究所", None, None, None)
    with pytest.raises(TalentDeskError, match="用人单位"):
        demo.generate(ctx, size=5, seed=1)
    assert not demo.is_demo(ctx)


def test_demo_database_is_marked_everywhere(db):
    ctx = ServiceContext(db)
    demo.generate(ctx, size=12, seed=3)
    assert demo.is_demo(ctx)
    with db.read() as s:
        signers = {r for (r,) in s.execute(select(BenefitGrant.approved_by).where(BenefitGrant.approved_by.is_not(None)))}
    assert signers and signers <= {demo.DEMO_REVIEWER}
    assert "演示数据" in reports.office(ctx).name  # the 填报单位 of every printout and ledger title


def test_real_work_into_a_demo_database_warns(db, tmp_path, capsys):
    ctx = ServiceContext(db)
    demo.generate(ctx, size=3, seed=5, workflow=False)
    import openpyxl

    wb = openpyxl.Workbook()
    row = talent_row(姓名="真实")
    wb.active.append(list(row))
    wb.active.append(list(row.values()))
    wb.save(tmp_path / "花名册.xlsx")
    s = importer.run_import(ctx, tmp_path / "花名册.xlsx", "roster", dry_run=True)
    assert any("演示数据库" in w.message for w in s.warnings)
    code = main(["--db", db.url, "talent", "list"])
    _, err = capsys.readouterr()
    assert code == 0 and "演示数据库" in err
    # and the demo never runs twice into one database
    with pytest.raises(TalentDeskError):
        demo.generate(ctx, size=3, seed=5)
    assert talents.list_talents(ctx)[0] == 3
