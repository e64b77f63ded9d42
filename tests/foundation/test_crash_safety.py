"""A process killed (SIGKILL) in the middle of a write leaves the database as it was."""

import os
import textwrap

import pytest

from killing import kill_at_mid

from talentdesk.models.db import open_database
from talentdesk.services.office.audit import log as audit
from talentdesk.services.register import talents
from talentdesk.services.context import ServiceContext

WRITER = textwrap.dedent("""
    import sys, time, datetime as dt
    sys.path.insert(0, {tests!r})
    from factories import talent_row
    from talentdesk.models.db import open_database
    from talentdesk.domain import idcard
    from talentdesk.services.register import talents
    from talentdesk.services.context import ServiceContext
    from talentdesk.models.entities import Talent
    from talentdesk.services.office.audit import log as audit
    db = open_database({url!r})
    ctx = ServiceContext(db, user="writer")
    with ctx.write() as s:
        for i in range(200):
            row = talents.parse(talent_row(姓名=f"批量{{i}}", 身份证号=idcard.make("150202", dt.date(1985, 1, 1), i)))
            t = Talent(id_number=row["id_number"], name=row["name"], status="active")
            talents.apply_record(s, "writer", t, row)
            s.add(t)
            s.flush()
            audit.record(s, "writer", "create", "talent", t.id, talent_id=t.id, after={{"name": t.name}})
            if i == 100:
                print("MID", flush=True)
                time.sleep(60)
""")


@pytest.mark.slow
def test_sigkill_mid_transaction_leaves_nothing_half_written(db, tmp_path):
    tests_dir = os.path.dirname(os.path.dirname(__file__))
    ctx = ServiceContext(db, user="tester")
    from factories import talent_row
    talents.add(ctx, talent_row(姓名="已有"))
    script = tmp_path / "writer.py"
    script.write_text(WRITER.format(tests=tests_dir, url=db.url), encoding="utf-8")
    kill_at_mid(script)
    db.dispose()
    reopened = open_database(db.url)
    try:
        rctx = ServiceContext(reopened, user="tester")
        total, rows = talents.list_talents(rctx)
        assert total == 1 and rows[0].name == "已有"
        assert audit.verify(rctx).ok
        if reopened.is_sqlite:
            with reopened.engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        talents.add(rctx, talent_row(姓名="之后"))  # the database is writable again
    finally:
        reopened.dispose()
