"""Nothing half-written: random junk never crashes the import or writes a partial file,
a killed import leaves the database as it was, and the bulk path writes exactly what the
single-talent service writes."""

from __future__ import annotations

import datetime as dt
import textwrap

import openpyxl
import pytest

from killing import kill_at_mid
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from builders import EMPLOYER, good_rows, ids, write_messy_xlsx
from factories import talent_row
from talentdesk.domain import pinyin, roster
from talentdesk.models.entities import AuditEvent, AuditEventTalent, Employer, ImportBatch, Talent
from talentdesk.services.office.audit import log as audit, anchor as audit_anchor
from talentdesk.services.exchange import importer
from talentdesk.services.register import talents
from talentdesk.services.context import ServiceContext
from talentdesk.services.exchange.importer.writer import Initials


def _counts(ctx) -> tuple[int, int, int, int]:
    with ctx.read() as s:
        return tuple(s.execute(select(func.count()).select_from(m)).scalar_one()
                     for m in (Talent, Employer, AuditEvent, ImportBatch))


junk = st.one_of(
    st.none(), st.text(max_size=30), st.integers(min_value=-10**20, max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.sampled_from(["合计", "填表说明：", "博士", "是", "×", "2023年2月30日", "1.52921E+17", "=SUM(A1:A3)",
                     "\u3000", "ｘ", "152921199005010011", "0", "-", "NaN"]),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.tuples(st.integers(-4, 4), st.integers(0, 7), junk), min_size=1, max_size=12),
       all_or_nothing=st.booleans())
def test_random_junk_never_crashes_and_never_writes_a_partial_file(sqlite_db, tmp_path_factory, cells,
                                                                  all_or_nothing):
    ctx = ServiceContext(sqlite_db, user="tester")
    rows = good_rows(5)
    path = tmp_path_factory.mktemp("junk") / "junk.xlsx"
    where = write_messy_xlsx(path, rows)
    wb = openpyxl.load_workbook(path)
    ws = wb["人才花名册"]
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    for r, c, value in cells:
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
            value = str(value)
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**15:
            value = str(value)
        # negative rows hit the 填报单位 line, the header and the column-number rows (2-5)
        ws.cell(row=where[r] if r >= 0 else 5 + r + 1 if r > -4 else 2, column=c + 2, value=value)
    wb.save(path)
    before = _counts(ctx)
    try:
        s = importer.run_import(ctx, path, all_or_nothing=all_or_nothing,
                                report=tmp_path_factory.mktemp("rep") / "r.xlsx")
    except importer.ImportFileError as exc:  # junk in the header: one clear message, nothing written
        assert "表头" in exc.message and _counts(ctx) == before
        return
    after = _counts(ctx)
    assert s.rows <= len(rows) + 1  # a junk "合计" ends a row up skipped; junk in the number row adds one
    if all_or_nothing and s.errors:
        assert after == before
    else:
        assert after[0] - before[0] == s.inserted
        assert s.inserted + s.updated + s.unchanged == s.valid
    # every row that went in is complete and valid
    for t in talents.list_talents(ctx, limit=None)[1]:
        rec = talents.get(ctx, t.id_number).record
        assert not [e for e in roster.cross_check(dict(rec), today=dt.date.today()) if e.field != "introduction_date"]
    assert audit.verify(ctx).ok
    with ctx.write() as session:  # clean up for the next example
        for m in (AuditEventTalent, AuditEvent, ImportBatch, Talent, Employer):
            session.execute(m.__table__.delete())
    audit_anchor.forget_local(audit.database_key(ctx))  # the audit trail was emptied on purpose


KILLER = textwrap.dedent("""
    import sys, time
    from talentdesk.models.db import open_database
    from talentdesk.services.exchange import importer
    from talentdesk.services.context import ServiceContext
    ctx = ServiceContext(open_database({url!r}), user="killed")

    def progress(phase, done, total):
        if phase == "write" and done >= 5000:
            print("MID", flush=True)
            time.sleep(60)

    importer.run_import(ctx, {path!r}, progress=progress)
""")


def _big_roster(path, n):
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("花名册")
    head = ["姓名", "身份证号", "学历", "引进方式", "用人单位", "引进日期"]
    for c, h in enumerate(head):
        ws.write_string(0, c, h)
    for i, number in enumerate(ids(n, start=0, birth=dt.date(1980, 1, 1))):
        for c, v in enumerate([f"测试{i}", number, "本科", "招聘", EMPLOYER, "2023-05-01"]):
            ws.write_string(i + 1, c, v)
    wb.close()


@pytest.mark.slow
def test_sigkill_mid_import_leaves_the_database_as_it_was(db, tmp_path):
    ctx = ServiceContext(db, user="tester")
    talents.add(ctx, talent_row(姓名="已有"))
    before = _counts(ctx)
    path = tmp_path / "big.xlsx"
    _big_roster(path, 8000)
    script = tmp_path / "killer.py"
    script.write_text(KILLER.format(url=db.url, path=str(path)), encoding="utf-8")
    kill_at_mid(script)
    db.dispose()
    from talentdesk.models.db import open_database

    reopened = open_database(db.url)
    try:
        rctx = ServiceContext(reopened, user="tester")
        assert _counts(rctx) == before
        assert audit.verify(rctx).ok
        if reopened.is_sqlite:
            with reopened.engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        s = importer.run_import(rctx, path)  # and the same import runs to the end afterwards
        assert s.inserted == 8000
    finally:
        reopened.dispose()


def test_bulk_import_writes_what_talents_add_and_update_write(ctx, tmp_path, _sqlite_template):
    """The import (bulk Core path) and talents.add/update give the same rows and audit JSON."""
    import shutil

    from talentdesk.models.db import open_database

    shutil.copy(_sqlite_template, tmp_path / "other.sqlite3")
    other_db = open_database(tmp_path / "other.sqlite3")
    rows = good_rows(6)
    rows[0]["学历"] = "研究生"  # with 学位 硕士
    rows[0]["学位"] = "硕士"
    rows[1]["合同期限（年）"] = "3.5"
    rows[2]["联系电话"] = None
    rows[3]["姓名"] = "单于"  # a surname read differently in a phrase
    write_messy_xlsx(tmp_path / "a.xlsx", rows)
    s = importer.run_import(ctx, tmp_path / "a.xlsx")
    assert s.inserted == 6 and not s.errors
    other = ServiceContext(other_db, user="tester")
    label = {"身份证号码": "身份证号", "工作单位": "用人单位", "引进时间": "引进日期", "是否急需紧缺": "急需紧缺",
             "联系电话": "手机号码"}
    for r in rows:
        talents.add(other, {label.get(k, k): v for k, v in r.items() if v is not None})

    def dump(c):
        with c.read() as session:
            ts = session.execute(select(Talent).order_by(Talent.id_number)).scalars().all()
            skip = {"id", "employer_id", "created_at", "updated_at"}
            rows_ = [{k: getattr(t, k) for k in Talent.__table__.c.keys() if k not in skip} for t in ts]
            ids = [t.id for t in ts]
        # each talent's history holds one "create" event with the same snapshot
        creates = []
        for tid in ids:
            ev = [e for e in audit.list_events(c, talent_id=tid) if e.action == "create"]
            creates.append([(e.entity, e.entity_id == str(tid), e.after) for e in ev])
        return rows_, creates, len(creates)

    a_rows, a_after, a_kinds = dump(ctx)
    b_rows, b_after, b_kinds = dump(other)
    assert a_rows == b_rows
    assert a_after == b_after
    assert a_kinds == b_kinds
    # and an update through the import equals talents.update
    rows[0]["联系电话"] = "13900000000"
    rows[0]["学历"] = "博士"
    write_messy_xlsx(tmp_path / "b.xlsx", rows)
    importer.run_import(ctx, tmp_path / "b.xlsx")
    talents.update(other, rows[0]["身份证号码"], {"手机号码": "13900000000", "学历": "博士"})
    a_rows, a_after, _ = dump(ctx)
    b_rows, b_after, _ = dump(other)
    assert a_rows == b_rows
    ua = audit.list_events(ctx, talent_id=talents.get(ctx, rows[0]["身份证号码"]).id)[0]
    ub = audit.list_events(other, talent_id=talents.get(other, rows[0]["身份证号码"]).id)[0]
    assert (ua.action, ua.before, ua.after) == (ub.action, ub.before, ub.after)
    other_db.dispose()


def test_bulk_initials_equal_pinyin_initials():
    names = ["张伟", "单于", "曾经", "长孙无忌", "尉迟恭", "重阳", "乐乐", "朝阳", "银行", "阿卜杜·热合曼", "Tom张",
             "张三a", "", "覃", "区小明", "查理", "解放", "仇人", "秘书", "朴槿"]
    import random

    rnd = random.Random(3)
    chars = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈" \
            "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤" \
            "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉红建文斌宇浩凯晨瑞欣怡婷雪琳晓颖佳思雨长重行乐"
    names += ["".join(rnd.choice(chars) for _ in range(rnd.randint(2, 4))) for _ in range(3000)]
    got = Initials()  # worked out on first use, as the import does
    assert all(got[n] == pinyin.initials(n) for n in names)
